using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.IO;
using System.Management.Automation;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using GcsMedia.Protocol;

namespace GcsMedia.Cmdlets.Commands
{
    /// <summary>
    /// Send-GcsMedia: uploads files (-Path / -LiteralPath, one object per file, from the pipeline too), text
    /// (-Value, UTF-8) or bytes (-InputObject). A simple upload when no metadata is given, a multipart upload with
    /// -Metadata / -ContentType / -ContentEncoding / -CacheControl, a resumable upload with -Resumable (state file
    /// written before the first chunk, so a rerun or Resume-GcsUpload finishes it). Never overwrites without -Force.
    /// </summary>
    [Cmdlet(VerbsCommunications.Send, "GcsMedia", DefaultParameterSetName = PathSet, SupportsShouldProcess = true)]
    [OutputType(typeof(GcsObject))]
    public sealed class SendGcsMedia : GcsCmdlet
    {
        private const string PathSet = "Path";
        private const string LiteralPathSet = "LiteralPath";
        private const string ValueSet = "Value";
        private const string BytesSet = "InputObject";
        private const string DefaultContentType = "application/octet-stream";

        [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true)]
        [ValidateNotNullOrEmpty]
        public string[] Path { get; set; } = Array.Empty<string>();

        [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName", "PSPath", "LP")]
        [ValidateNotNullOrEmpty]
        public string[] LiteralPath { get; set; } = Array.Empty<string>();

        [Parameter(Mandatory = true, ParameterSetName = ValueSet)]
        [AllowEmptyString]
        public string Value { get; set; } = string.Empty;

        [Parameter(Mandatory = true, ParameterSetName = BytesSet)]
        [AllowEmptyCollection]
        public byte[] InputObject { get; set; } = Array.Empty<byte>();

        [Parameter(Position = 1)]
        [ValidateNotNullOrEmpty]
        public string? Bucket { get; set; }

        /// <summary>The object name; defaults to the file's name. Ending in '/', a prefix for each file's name.</summary>
        [Parameter]
        [Alias("Name", "Key")]
        [ValidateNotNullOrEmpty]
        public string? ObjectName { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Uri { get; set; }

        [Parameter]
        public Hashtable? Metadata { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? ContentType { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? ContentEncoding { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? CacheControl { get; set; }

        [Parameter]
        public SwitchParameter Resumable { get; set; }

        [Parameter]
        [SizeTransformation]
        public long ChunkSize { get; set; } = 16L * 1024 * 1024;

        [Parameter]
        public ChecksumType Checksum { get; set; } = ChecksumType.Crc32c;

        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void BeginProcessing()
        {
            if (ChunkSize <= 0 || ChunkSize % ResumableUpload.ChunkGranularity != 0 || ChunkSize > int.MaxValue - (int.MaxValue % ResumableUpload.ChunkGranularity))
            {
                ThrowTerminatingError(GcsErrors.InvalidArgument(
                    $"-ChunkSize {ChunkSize} is not a positive multiple of 256 KiB (262144 bytes). Use a value such as 256KB, 8MB or 16MB.", "ChunkSize", ChunkSize));
            }

            if (Uri != null && (Bucket != null || ObjectName != null))
            {
                ThrowTerminatingError(GcsErrors.InvalidArgument("Give either -Uri or -Bucket (with -ObjectName), not both.", "Uri", Uri));
            }

            if (Uri == null && Bucket == null)
            {
                ThrowTerminatingError(GcsErrors.InvalidArgument("-Bucket or -Uri is required: where should the object go?", "Bucket", null));
            }

            if (Uri != null)
            {
                try
                {
                    ObjectAddress.Resolve(Uri, null, null);
                }
                catch (ArgumentException ex)
                {
                    ThrowTerminatingError(GcsErrors.InvalidArgument(ex.Message, "Uri", Uri));
                }
            }
            else if (Bucket!.StartsWith("gs://", StringComparison.OrdinalIgnoreCase) || Bucket.IndexOf('/') >= 0)
            {
                ThrowTerminatingError(GcsErrors.InvalidArgument(
                    $"-Bucket '{Bucket}' must be a bare bucket name (no gs:// and no '/'). To give a full address use -Uri gs://bucket/object.", "Bucket", Bucket));
            }

            if ((ParameterSetName == ValueSet || ParameterSetName == BytesSet) && Uri == null && (ObjectName == null || ObjectName.EndsWith("/", StringComparison.Ordinal)))
            {
                ThrowTerminatingError(GcsErrors.InvalidArgument("-ObjectName (or -Uri) is required with -Value or -InputObject: there is no file name to use.", "ObjectName", null));
            }

            base.BeginProcessing();
        }

        protected override void ProcessRecord()
        {
            switch (ParameterSetName)
            {
                case ValueSet:
                    UploadBytes(new UTF8Encoding(false).GetBytes(Value), ContentType ?? "text/plain; charset=utf-8");
                    break;
                case BytesSet:
                    UploadBytes(InputObject, ContentType ?? DefaultContentType);
                    break;
                default:
                    foreach (string file in ResolveFiles())
                    {
                        UploadFile(file);
                    }

                    break;
            }
        }

        /// <summary>Resolves -Path (wildcards) or -LiteralPath on the pipeline thread. A missing file is a terminating error.</summary>
        private List<string> ResolveFiles()
        {
            var files = new List<string>();
            if (ParameterSetName == PathSet)
            {
                foreach (string path in Path)
                {
                    Collection<string> resolved;
                    try
                    {
                        resolved = GetResolvedProviderPathFromPSPath(path, out ProviderInfo provider);
                        if (provider.Name != "FileSystem")
                        {
                            ThrowTerminatingError(GcsErrors.InvalidArgument($"-Path '{path}' is not a file system path.", "Path", path));
                        }
                    }
                    catch (ItemNotFoundException)
                    {
                        ThrowTerminatingError(GcsErrors.Create(
                            new FileNotFoundException($"Cannot find the file '{path}'.", path), "FileNotFound", ErrorCategory.ObjectNotFound, path,
                            $"-Path '{path}' does not exist. Check the path (and that wildcards match at least one file)."));
                        return files;
                    }

                    files.AddRange(resolved);
                }
            }
            else
            {
                foreach (string path in LiteralPath)
                {
                    string resolved = GetUnresolvedProviderPathFromPSPath(path);
                    if (!File.Exists(resolved) && !Directory.Exists(resolved))
                    {
                        ThrowTerminatingError(GcsErrors.Create(
                            new FileNotFoundException($"Cannot find the file '{resolved}'.", resolved), "FileNotFound", ErrorCategory.ObjectNotFound, path,
                            $"-LiteralPath '{path}' does not exist. Check the path."));
                    }

                    files.Add(resolved);
                }
            }

            return files;
        }

        private GcsObjectRef TargetFor(string? fileName)
        {
            if (Uri != null)
            {
                return GcsObjectRef.Parse(Uri);
            }

            string name = ObjectName == null ? fileName!
                : ObjectName.EndsWith("/", StringComparison.Ordinal) && fileName != null ? ObjectName + fileName
                : ObjectName;
            return new GcsObjectRef(Bucket!, name);
        }

        private bool HasMetadata => Metadata != null || ContentType != null || ContentEncoding != null || CacheControl != null;

        private Dictionary<string, object?> BuildMetadata(GcsObjectRef target, string contentType)
        {
            var metadata = new Dictionary<string, object?> { ["name"] = target.Name, ["contentType"] = contentType };
            if (ContentEncoding != null)
            {
                metadata["contentEncoding"] = ContentEncoding;
            }

            if (CacheControl != null)
            {
                metadata["cacheControl"] = CacheControl;
            }

            if (Metadata != null)
            {
                var custom = new Dictionary<string, object?>();
                foreach (DictionaryEntry entry in Metadata)
                {
                    object? value = entry.Value is PSObject ps ? ps.BaseObject : entry.Value;
                    custom[Convert.ToString(entry.Key) ?? string.Empty] = value == null ? null : Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture);
                }

                metadata["metadata"] = custom;
            }

            return metadata;
        }

        private void UploadFile(string file)
        {
            if (Directory.Exists(file))
            {
                WriteError(GcsErrors.Create(
                    new IOException($"'{file}' is a directory."), "IsDirectory", ErrorCategory.InvalidArgument, file,
                    $"'{file}' is a directory; Send-GcsMedia uploads files. Use Get-ChildItem -File -Recurse | Send-GcsMedia to upload a folder's files."));
                return;
            }

            var info = new FileInfo(file);
            GcsObjectRef target = TargetFor(info.Name);
            if (!ShouldProcess(target.ToString(), $"Upload {file} ({info.Length} bytes){(Force ? ", replacing any existing object" : string.Empty)}"))
            {
                return;
            }

            string contentType = ContentType ?? DefaultContentType;
            string mode = Resumable ? "Resumable" : HasMetadata ? "Multipart" : "Simple";
            Run(target, (pipeline, token) => mode == "Resumable"
                ? UploadFileResumableAsync(pipeline, target, info, contentType, token)
                : UploadOnceAsync(pipeline, target, () => new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true), info.Length, contentType, file, token));
        }

        private void UploadBytes(byte[] data, string contentType)
        {
            GcsObjectRef target = TargetFor(null);
            if (!ShouldProcess(target.ToString(), $"Upload {data.Length} bytes{(Force ? ", replacing any existing object" : string.Empty)}"))
            {
                return;
            }

            Run(target, (pipeline, token) => UploadOnceAsync(pipeline, target, () => new MemoryStream(data, writable: false), data.Length, contentType, null, token));
        }

        private void Run(GcsObjectRef target, Func<AsyncPipeline, CancellationToken, Task> work)
        {
            try
            {
                RunAsync(work);
            }
            catch (PipelineStoppedException)
            {
                throw;
            }
            catch (Exception ex)
            {
                // One failed file does not stop the others.
                WriteError(GcsErrors.FromException(ex, target.ToString(), preconditionMeansExists: !Force));
            }
        }

        private long? IfGenerationMatch => Force ? (long?)null : 0;

        /// <summary>A simple, multipart or (for -Value/-InputObject) in-process resumable upload.</summary>
        private async Task UploadOnceAsync(
            AsyncPipeline pipeline, GcsObjectRef target, Func<Stream> open, long length, string contentType, string? sourcePath, CancellationToken token)
        {
            var progress = new TransferProgress(pipeline, $"Send-GcsMedia {target}", sourcePath ?? target.ToString(), length);
            try
            {
                using (var stream = new ProgressReadStream(open(), progress.Report))
                {
                    ObjectResource? resource;
                    string uploadType;
                    if (Resumable)
                    {
                        uploadType = "Resumable";
                        using (ResumableUpload upload = ResumableUpload.ForBucket(Connection.Client, Connection.Urls, target.Bucket, (int)ChunkSize, IfGenerationMatch, Checksum))
                        {
                            upload.Retrying = e => ResumableTransfer.Retrying(pipeline, e);
                            await upload.InitiateAsync(stream, BuildMetadata(target, contentType), contentType, length, true, token).ConfigureAwait(false);
                            resource = await upload.UploadAsync(token).ConfigureAwait(false);
                        }
                    }
                    else if (HasMetadata)
                    {
                        uploadType = "Multipart";
                        MultipartUpload upload = MultipartUpload.ForBucket(Connection.Client, Connection.Urls, target.Bucket, IfGenerationMatch, Checksum);
                        upload.Retrying = e => ResumableTransfer.Retrying(pipeline, e);
                        resource = await upload.TransmitAsync(stream, BuildMetadata(target, contentType), contentType, token).ConfigureAwait(false);
                    }
                    else
                    {
                        uploadType = "Simple";
                        SimpleUpload upload = SimpleUpload.ForObject(Connection.Client, Connection.Urls, target, IfGenerationMatch);
                        upload.Retrying = e => ResumableTransfer.Retrying(pipeline, e);
                        resource = await upload.TransmitAsync(stream, contentType, token).ConfigureAwait(false);
                        if (resource != null && Checksum != ChecksumType.None)
                        {
                            // A media upload carries no checksum; compare the server's value with the local bytes.
                            await VerifyAfterUploadAsync(open, resource, target, token).ConfigureAwait(false);
                        }
                    }

                    Output(pipeline, resource, target, sourcePath, uploadType);
                }
            }
            finally
            {
                progress.Complete();
            }
        }

        private async Task VerifyAfterUploadAsync(Func<Stream> open, ObjectResource resource, GcsObjectRef target, CancellationToken token)
        {
            string? reported = resource.GetChecksum(Checksum);
            if (reported == null)
            {
                return;
            }

            using (Stream stream = open())
            using (MediaHasher hasher = MediaHasher.Create(Checksum)!)
            {
                var buffer = new byte[1 << 20];
                int n;
                while ((n = await stream.ReadAsync(buffer, 0, buffer.Length, token).ConfigureAwait(false)) > 0)
                {
                    hasher.Append(buffer, 0, n);
                }

                string actual = hasher.GetBase64();
                if (!string.Equals(actual, reported, StringComparison.Ordinal))
                {
                    throw DataCorruptionException.ForUpload(Checksum, reported, actual, stream.Length, target.ToString());
                }
            }
        }

        private async Task UploadFileResumableAsync(AsyncPipeline pipeline, GcsObjectRef target, FileInfo info, string contentType, CancellationToken token)
        {
            var store = new UploadStateStore();
            var state = new UploadState
            {
                Endpoint = Connection.EndpointKey,
                Bucket = target.Bucket,
                ObjectName = target.Name,
                SourcePath = info.FullName,
                Length = info.Length,
                LastWriteTimeUtcTicks = info.LastWriteTimeUtc.Ticks,
                ChunkSize = ChunkSize,
                Checksum = Checksum.ToString(),
                ContentType = contentType,
            };
            var progress = new TransferProgress(pipeline, $"Send-GcsMedia {target}", info.FullName, info.Length);
            try
            {
                UploadState? saved = store.Find(UploadStateStore.KeyFor(state));
                ObjectResource? resource;
                if (saved != null)
                {
                    pipeline.WriteVerbose($"Found the state of an earlier upload of {info.FullName} to {target} ({saved.StatePath}); resuming it.");
                    resource = await ResumableTransfer.ResumeAsync(pipeline, Connection.Client, store, saved, progress, token).ConfigureAwait(false);
                }
                else
                {
                    resource = await ResumableTransfer.StartAsync(
                        pipeline, Connection.Client, Connection.Urls, store, state, BuildMetadata(target, contentType), IfGenerationMatch, progress, token).ConfigureAwait(false);
                }

                Output(pipeline, resource, target, info.FullName, "Resumable");
            }
            finally
            {
                progress.Complete();
            }
        }

        private static void Output(AsyncPipeline pipeline, ObjectResource? resource, GcsObjectRef target, string? sourcePath, string uploadType)
        {
            if (resource == null)
            {
                throw new InvalidResponseException($"The upload of {target} finished, but the server's answer did not contain the object resource.", null, objectName: target.ToString());
            }

            pipeline.WriteVerbose($"Uploaded {target}: {resource.Size} bytes, generation {resource.Generation}, crc32c {resource.Crc32c} ({uploadType}).");
            pipeline.WriteObject(GcsObject.From(resource, target, sourcePath, uploadType));
        }
    }
}
