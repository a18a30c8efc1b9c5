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
    /// -UploadId and -Uri/-Bucket/-ObjectName. Parts are sorted by number; a gap in the numbers is refused, since
    /// it means a part is missing.
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
        [ValidateNotNullOrEmpty]
        public string? Uri { get; set; }

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string UploadId { get; set; } = string.Empty;

        [Parameter(Mandatory = true, ParameterSetName = PipelineSet, ValueFromPipelineByPropertyName = true)]
        public int PartNumber { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = PipelineSet, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string ETag { get; set; } = string.Empty;

        [Parameter(Mandatory = true, ParameterSetName = PartSet)]
        [ValidateNotNullOrEmpty]
        public object[] Part { get; set; } = Array.Empty<object>();

        protected override void ProcessRecord()
        {
            GcsObjectRef target = ResolveUploadTarget(Uri, Bucket, ObjectName, UploadId);

            if (ParameterSetName == PipelineSet)
            {
                // Collect: the upload is completed once every part has arrived (EndProcessing).
                try
                {
                    MpuSupport.ValidatePartNumber(PartNumber);
                }
                catch (ArgumentException ex)
                {
                    // Terminating: writing an error and completing with the other parts would build an object
                    // without this part's bytes.
                    ThrowTerminatingError(GcsErrors.InvalidArgument(MpuSupport.Clean(ex), "PartNumber", target.ToString()));
                    return;
                }

                GroupFor(target, Endpoint).Add(PartNumber, ETag);
                return;
            }

            var group = new Group(target, UploadId, Endpoint);
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

                group.Add(part.PartNumber, part.ETag);
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

            var group = new Group(target, UploadId, endpoint);
            _groups.Add(group);
            return group;
        }

        private void Complete(Group group)
        {
            string target = group.Target.ToString();
            List<KeyValuePair<int, string>> parts = group.Parts.OrderBy(p => p.Key).ToList();
            var numbers = parts.Select(p => p.Key).ToList();
            if (numbers.Count > 0 && numbers[numbers.Count - 1] != numbers.Count)
            {
                WriteError(GcsErrors.Create(
                    new ArgumentException($"Parts {MpuSupport.DescribeGaps(numbers)} of {target} are missing.", "Part"),
                    "MissingParts",
                    ErrorCategory.InvalidData,
                    target,
                    $"Parts {MpuSupport.DescribeGaps(numbers)} of the multipart upload of {target} are missing (got {numbers.Count} part(s), numbered up to {numbers[numbers.Count - 1]}); completing now would leave their bytes out of the object. " +
                    "Upload them with Add-GcsMpuPart -PartNumber, then run Complete-GcsMpu again with all of the parts."));
                return;
            }

            if (!ShouldProcess(target, $"Complete the multipart upload from {parts.Count} part(s)"))
            {
                return;
            }

            GcsConnection connection = ConnectionFor(group.Endpoint);
            try
            {
                RunAsync((pipeline, token) => CompleteAsync(pipeline, connection, group.Target, group.UploadId, parts, token));
            }
            catch (PipelineStoppedException)
            {
                throw;
            }
            catch (Exception ex)
            {
                WriteError(GcsErrors.FromException(ex, target, operation: GcsOperation.MultipartUpload));
            }
        }

        private static async Task CompleteAsync(
            AsyncPipeline pipeline, GcsConnection connection, GcsObjectRef target, string uploadId, List<KeyValuePair<int, string>> parts, CancellationToken token)
        {
            var container = new XmlMpuContainer(connection.Client, connection.Urls, target, null, null, uploadId)
            {
                Retrying = e => PipelineObserver.Retrying(pipeline, e),
                RetryStrategy = connection.CreateRetryStrategy(),
            };
            foreach (KeyValuePair<int, string> part in parts)
            {
                container.RegisterPart(part.Key, part.Value);
            }

            await container.FinalizeAsync(token).ConfigureAwait(false);
            pipeline.WriteVerbose($"Completed the multipart upload of {target} from {parts.Count} part(s).");
            var lookup = new ObjectLookup(connection.Client, connection.Urls, target)
            {
                RetryStrategy = connection.CreateRetryStrategy(),
                Retrying = e => PipelineObserver.Retrying(pipeline, e),
            };
            ObjectResource resource = await lookup.GetAsync(token).ConfigureAwait(false);
            pipeline.WriteObject(GcsObject.From(resource, target, null, MpuSupport.XmlMpuUploadType));
        }

        private sealed class Group
        {
            private readonly Dictionary<int, string> _parts = new Dictionary<int, string>();

            public Group(GcsObjectRef target, string uploadId, Uri? endpoint)
            {
                Target = target;
                UploadId = uploadId;
                Endpoint = endpoint;
                EndpointKey = MpuCmdlet.EndpointKey(endpoint);
            }

            public GcsObjectRef Target { get; }

            public string UploadId { get; }

            public Uri? Endpoint { get; }

            public string EndpointKey { get; }

            public IReadOnlyDictionary<int, string> Parts => _parts;

            /// <summary>A part number given twice keeps the later ETag (uploading a part again replaces it).</summary>
            public void Add(int partNumber, string etag) => _parts[partNumber] = etag;
        }
    }
}
