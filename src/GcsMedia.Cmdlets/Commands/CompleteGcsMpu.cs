using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using GcsMedia.Protocol;

namespace GcsMedia.Cmdlets.Commands
{
    /// <summary>
    /// Complete-GcsMpu: assembles a multipart upload's parts into the object (POST /bucket/object?uploadId=…),
    /// then reads the object's metadata and outputs it as a <see cref="GcsObject"/>. Parts come from the pipeline
    /// (all of them are collected, grouped by upload and completed in EndProcessing), or as -Part with
    /// -UploadId and -Uri/-Bucket/-ObjectName, or, given only the upload (an upload object from New-GcsMpu or
    /// Get-GcsMpu, or -UploadId), from the server's list of the upload's parts. Parts are sorted by number; a gap
    /// in the numbers is refused, since it means a part is missing.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Complete, "GcsMpu", DefaultParameterSetName = PipelineSet, SupportsShouldProcess = true)]
    [OutputType(typeof(GcsObject))]
    public sealed class CompleteGcsMpu : MpuCmdlet
    {
        private const string PipelineSet = "Pipeline";
        private const string PartSet = "Part";

        private readonly List<Group> _groups = new List<Group>();

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? Bucket { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("Name", "Key")]
        [ValidateNotNullOrEmpty]
        public string? ObjectName { get; set; }

        [Parameter(ParameterSetName = PartSet)]
        [Parameter(ParameterSetName = PipelineSet)]
        [ValidateNotNullOrEmpty]
        public string? Uri { get; set; }

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string UploadId { get; set; } = string.Empty;

        // Not mandatory: an upload object without parts (New-GcsMpu, Get-GcsMpu) binds too, and is completed from
        // the server's list of its parts. PowerShell resets pipeline-bound parameters before each record.
        [Parameter(ParameterSetName = PipelineSet, ValueFromPipelineByPropertyName = true)]
        public int? PartNumber { get; set; }

        [Parameter(ParameterSetName = PipelineSet, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? ETag { get; set; }

        /// <summary>A piped part's size; used only to describe the object when its metadata cannot be read.</summary>
        [Parameter(ParameterSetName = PipelineSet, ValueFromPipelineByPropertyName = true)]
        public long? Size { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = PartSet)]
        [ValidateNotNullOrEmpty]
        public object[] Part { get; set; } = Array.Empty<object>();

        protected override void ProcessRecord()
        {
            GcsObjectRef target = ResolveUploadTarget(Uri, Bucket, ObjectName, UploadId);

            if (ParameterSetName == PipelineSet && PartNumber == null && ETag == null)
            {
                Complete(new Group(target, UploadId, Endpoint, partsFromServer: true));
                return;
            }

            if (ParameterSetName == PipelineSet)
            {
                // Collect: the upload is completed once every part has arrived (EndProcessing).
                try
                {
                    if (PartNumber == null || ETag == null)
                    {
                        throw new ArgumentException(
                            PartNumber == null
                                ? $"Part with ETag {ETag} has no PartNumber. Give both -PartNumber and -ETag (or pipe the part objects Add-GcsMpuPart or Get-GcsMpuPart output), or neither to complete the upload from the parts the server lists."
                                : $"Part {PartNumber} has no ETag. Give both -PartNumber and -ETag (or pipe the part objects Add-GcsMpuPart or Get-GcsMpuPart output), or neither to complete the upload from the parts the server lists.",
                            PartNumber == null ? "PartNumber" : "ETag");
                    }

                    MpuSupport.ValidatePartNumber(PartNumber.Value);
                }
                catch (ArgumentException ex)
                {
                    // Terminating: writing an error and completing with the other parts would build an object
                    // without this part's bytes.
                    ThrowTerminatingError(GcsErrors.InvalidArgument(MpuSupport.Clean(ex), ex.ParamName ?? "PartNumber", target.ToString()));
                    return;
                }

                GroupFor(target, Endpoint).Add(new MpuPartRef(PartNumber.Value, ETag, null, null, null, Size));
                return;
            }

            var group = new Group(target, UploadId, Endpoint, partsFromServer: false);
            foreach (object item in Part)
            {
                MpuPartRef part;
                try
                {
                    part = MpuSupport.ReadPart(item);
                    MpuSupport.ValidatePartNumber(part.PartNumber);
                }
                catch (ArgumentException ex)
                {
                    ThrowTerminatingError(GcsErrors.InvalidArgument(MpuSupport.Clean(ex), "Part", target.ToString()));
                    return;
                }

                if ((part.UploadId != null && part.UploadId.Length > 0 && part.UploadId != UploadId) ||
                    (part.Bucket != null && part.Bucket.Length > 0 && part.Bucket != target.Bucket) ||
                    (part.ObjectName != null && part.ObjectName.Length > 0 && part.ObjectName != target.Name))
                {
                    ThrowTerminatingError(GcsErrors.InvalidArgument(
                        $"-Part has part {part.PartNumber} of another upload (gs://{part.Bucket}/{part.ObjectName}); give only the parts of {target} with this -UploadId.",
                        "Part", target.ToString()));
                }

                group.Add(part);
            }

            Complete(group);
        }

        protected override void EndProcessing()
        {
            foreach (Group group in _groups)
            {
                Complete(group);
            }
        }

        private Group GroupFor(GcsObjectRef target, Uri? endpoint)
        {
            string endpointKey = EndpointKey(endpoint);
            foreach (Group existing in _groups)
            {
                if (existing.Target.Equals(target) && existing.UploadId == UploadId && existing.EndpointKey == endpointKey)
                {
                    return existing;
                }
            }

            var group = new Group(target, UploadId, endpoint, partsFromServer: false);
            _groups.Add(group);
            return group;
        }

        private void Complete(Group group)
        {
            string target = group.Target.ToString();
            string action = group.PartsFromServer
                ? $"Complete the multipart upload {group.UploadId} from the parts the server lists"
                : $"Complete the multipart upload from {group.Parts.Count} part(s)";
            if (!group.PartsFromServer && !PartsAreContiguous(group))
            {
                return;
            }

            if (!ShouldProcess(target, action))
            {
                return;
            }

            GcsConnection connection = ConnectionFor(group.Endpoint);
            try
            {
                if (group.PartsFromServer)
                {
                    RunAsync(AfterCredentials((pipeline, token) => ListPartsAsync(pipeline, connection, group, token), connection));
                    if (group.Parts.Count == 0)
                    {
                        WriteError(GcsErrors.Create(
                            new InvalidOperationException($"The multipart upload of {target} has no parts."),
                            "NoParts",
                            ErrorCategory.InvalidData,
                            target,
                            $"The multipart upload {group.UploadId} of {target} has no parts on the server, so there is nothing to complete. Upload parts with Add-GcsMpuPart first, or discard the upload with Stop-GcsMpu."));
                        return;
                    }

                    if (!PartsAreContiguous(group))
                    {
                        return;
                    }
                }

                RunAsync(AfterCredentials((pipeline, token) => CompleteAsync(pipeline, connection, group, token), connection));
            }
            catch (PipelineStoppedException)
            {
                throw;
            }
            catch (Exception ex)
            {
                ReportFailure(ex, GcsErrors.FromException(ex, target, operation: GcsOperation.MultipartUpload));
            }
        }

        /// <summary>True when the parts are numbered 1..N; otherwise writes the MissingParts error.</summary>
        private bool PartsAreContiguous(Group group)
        {
            var numbers = group.Parts.Keys.OrderBy(n => n).ToList();
            if (numbers.Count == 0 || numbers[numbers.Count - 1] == numbers.Count)
            {
                return true;
            }

            string target = group.Target.ToString();
            WriteError(GcsErrors.Create(
                new ArgumentException($"Parts {MpuSupport.DescribeGaps(numbers)} of {target} are missing.", "Part"),
                "MissingParts",
                ErrorCategory.InvalidData,
                target,
                $"Parts {MpuSupport.DescribeGaps(numbers)} of the multipart upload of {target} are missing (got {numbers.Count} part(s), numbered up to {numbers[numbers.Count - 1]}); completing now would leave their bytes out of the object. " +
                "Upload them with Add-GcsMpuPart -PartNumber, then run Complete-GcsMpu again with all of the parts."));
            return false;
        }

        private static async Task ListPartsAsync(AsyncPipeline pipeline, GcsConnection connection, Group group, CancellationToken token)
        {
            var container = new XmlMpuContainer(connection.Client, connection.Urls, group.Target, null, null, group.UploadId)
            {
                Retrying = e => PipelineObserver.Retrying(pipeline, e),
                RetryStrategy = connection.CreateRetryStrategy(),
            };
            IReadOnlyList<XmlMpuPartInfo> parts = await container.ListPartsAsync(token).ConfigureAwait(false);
            pipeline.WriteVerbose($"The server lists {parts.Count} part(s) of the multipart upload of {group.Target}.");
            foreach (XmlMpuPartInfo part in parts)
            {
                group.Add(new MpuPartRef(part.PartNumber, part.ETag, null, null, null, part.Size));
            }
        }

        private static async Task CompleteAsync(AsyncPipeline pipeline, GcsConnection connection, Group group, CancellationToken token)
        {
            GcsObjectRef target = group.Target;
            var container = new XmlMpuContainer(connection.Client, connection.Urls, target, null, null, group.UploadId)
            {
                Retrying = e => PipelineObserver.Retrying(pipeline, e),
                RetryStrategy = connection.CreateRetryStrategy(),
            };
            foreach (MpuPartRef part in group.Parts.Values)
            {
                container.RegisterPart(part.PartNumber, part.ETag);
            }

            await container.FinalizeAsync(token).ConfigureAwait(false);
            pipeline.WriteVerbose($"Completed the multipart upload of {target} from {group.Parts.Count} part(s).");
            var lookup = new ObjectLookup(connection.Client, connection.Urls, target, container.Generation)
            {
                RetryStrategy = connection.CreateRetryStrategy(),
                Retrying = e => PipelineObserver.Retrying(pipeline, e),
            };
            ObjectResource resource;
            try
            {
                resource = await lookup.GetAsync(token).ConfigureAwait(false);
            }
            catch (InvalidResponseException ex) when (ex.StatusCode == 403)
            {
                // The object is committed; only reading it back is not allowed (storage.objects.get missing).
                pipeline.WriteWarning(
                    $"The multipart upload of {target} is complete, but its metadata could not be read back (403: the credentials lack storage.objects.get). " +
                    "The output describes the object from the upload itself; properties the server alone knows (content type, timestamps) are empty.");
                pipeline.WriteObject(DescribeFromUpload(group, container));
                return;
            }

            pipeline.WriteObject(GcsObject.From(resource, target, null, MpuSupport.XmlMpuUploadType));
        }

        /// <summary>
        /// The completed object as far as the upload itself tells: name, size (the parts' sizes, when known),
        /// the combined CRC32C and generation the completion answer carried, and the ETag.
        /// </summary>
        private static GcsObject DescribeFromUpload(Group group, XmlMpuContainer container)
        {
            List<MpuPartRef> parts = group.Parts.Values.ToList();
            long? size = parts.All(p => p.Size.HasValue) ? parts.Sum(p => p.Size!.Value) : (long?)null;
            return new GcsObject
            {
                Bucket = group.Target.Bucket,
                Name = group.Target.Name,
                Size = size,
                Generation = container.Generation,
                Crc32c = container.Crc32c,
                ETag = container.ETag,
                UploadType = MpuSupport.XmlMpuUploadType,
            };
        }

        private sealed class Group
        {
            private readonly Dictionary<int, MpuPartRef> _parts = new Dictionary<int, MpuPartRef>();

            public Group(GcsObjectRef target, string uploadId, Uri? endpoint, bool partsFromServer)
            {
                Target = target;
                UploadId = uploadId;
                Endpoint = endpoint;
                EndpointKey = MpuCmdlet.EndpointKey(endpoint);
                PartsFromServer = partsFromServer;
            }

            public GcsObjectRef Target { get; }

            public string UploadId { get; }

            public Uri? Endpoint { get; }

            public string EndpointKey { get; }

            /// <summary>True when no parts were given: they are read from the server's ListParts before completing.</summary>
            public bool PartsFromServer { get; }

            public IReadOnlyDictionary<int, MpuPartRef> Parts => _parts;

            /// <summary>A part number given twice keeps the later part (uploading a part again replaces it).</summary>
            public void Add(MpuPartRef part) => _parts[part.PartNumber] = part;
        }
    }
}
