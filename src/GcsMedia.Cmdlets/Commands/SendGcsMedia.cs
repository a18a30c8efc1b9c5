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
        private const string StreamSet = "InputStream";
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

        /// <summary>
        /// A stream to upload to its end (a pipe, a process's standard output, a network stream, …): a resumable
        /// upload of unknown size with memory bounded by -ChunkSize; the stream need not seek. It is not closed.
        /// </summary>
        [Parameter(Mandatory = true, ParameterSetName = StreamSet)]
        [ValidateNotNull]
        public Stream? InputStream { get; set; }

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

        /// <summary>Upload each file as an XML multipart upload whose parts are sent in parallel.</summary>
        [Parameter(ParameterSetName = PathSet)]
        [Parameter(ParameterSetName = LiteralPathSet)]
        public SwitchParameter Parallel { get; set; }

        /// <summary>Bytes per part with -Parallel (5MB to 5GB; default 32MB).</summary>
        [Parameter(ParameterSetName = PathSet)]
        [Parameter(ParameterSetName = LiteralPathSet)]
        [SizeTransformation]
        public long PartSize { get; set; } = DefaultPartSize;

        /// <summary>Most parts uploading at once with -Parallel (default 8).</summary>
        [Parameter(ParameterSetName = PathSet)]
        [Parameter(ParameterSetName = LiteralPathSet)]
        [Alias("ConcurrentTaskCount")]
        [ValidateRange(1, 64)]
        public int ThrottleLimit { get; set; } = 8;

        /// <summary>A bandwidth cap in bytes per second (e.g. 10MB), shared by all parts and files of this invocation.</summary>
        [Parameter]
        [SizeTransformation]
        public long? MaxBytesPerSecond { get; set; }

        private const long DefaultPartSize = 32L * 1024 * 1024;
        private readonly ManualResetEventSlim _noOpenMpu = new ManualResetEventSlim(true);
        private BandwidthLimiter? _limiter;

        protected override void BeginProcessing()
        {
            CheckSpeedParameters();
            if (ChunkSizeLimits.UploadProblem(ChunkSize) is string chunkProblem)
            {
                ThrowTerminatingError(GcsErrors.InvalidArgument(chunkProblem, "ChunkSize", ChunkSize));
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

            if (ObjectName != null && ObjectName.IndexOfAny(new[] { '\r', '\n' }) >= 0)
            {
                ThrowTerminatingError(GcsErrors.InvalidArgument("-ObjectName contains a line break; GCS object names cannot contain carriage returns or line feeds.", "ObjectName", null));
            }

            if (Metadata != null)
            {
                try
                {
                    MpuSupport.ConvertMetadata(Metadata);
                }
                catch (ArgumentException ex)
                {
                    ThrowTerminatingError(GcsErrors.InvalidArgument(MpuSupport.Clean(ex), "Metadata", null));
                }
            }

            if ((ParameterSetName == ValueSet || ParameterSetName == BytesSet || ParameterSetName == StreamSet) && Uri == null && (ObjectName == null || ObjectName.EndsWith("/", StringComparison.Ordinal)))
            {
                ThrowTerminatingError(GcsErrors.InvalidArgument("-ObjectName (or -Uri) is required with -Value, -InputObject or -InputStream: there is no file name to use.", "ObjectName", null));
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
                case StreamSet:
                    UploadStream(InputStream!, ContentType ?? DefaultContentType);
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
                    Collection<string> resolved = ResolveFileSystemPaths(path, "Check the path (and that wildcards match at least one file).");
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
                metadata["metadata"] = MpuSupport.ConvertMetadata(Metadata);
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
            if (Parallel)
            {
                IReadOnlyList<XmlMpuPlannedPart> plan;
                try
                {
                    plan = XmlMpuPlan.Split(info.Length, PartSize);
                }
                catch (ArgumentException ex)
                {
                    WriteError(GcsErrors.InvalidArgument($"-PartSize {MpuSupport.DescribeSize(PartSize)} for '{file}': {MpuSupport.Clean(ex)}", "PartSize", target.ToString()));
                    return;
                }

                Run(target, (pipeline, token) => UploadFileParallelAsync(pipeline, target, info, contentType, plan, token));
                return;
            }

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
            catch (ObjectExistsException ex)
            {
                WriteError(GcsErrors.Create(ex, "PreconditionFailed", ErrorCategory.ResourceExists, target.ToString(), ex.Message));
            }
            catch (Exception ex)
            {
                // One failed file does not stop the others.
                WriteError(GcsErrors.FromException(ex, target.ToString(), preconditionMeansExists: !Force, operation: Resumable ? GcsOperation.ResumableUpload : GcsOperation.Upload));
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
                using (var stream = new ProgressReadStream(Bandwidth.Wrap(open(), _limiter), progress.Report))
                {
                    ObjectResource? resource;
                    string uploadType;
                    if (Resumable)
                    {
                        uploadType = "Resumable";
                        using (ResumableUpload upload = ResumableUpload.ForBucket(Connection.Client, Connection.Urls, target.Bucket, (int)ChunkSize, IfGenerationMatch, Checksum))
                        {
                            upload.Retrying = e => ResumableTransfer.Retrying(pipeline, e);
                            upload.RetryStrategy = Connection.CreateRetryStrategy();
                            await upload.InitiateAsync(stream, BuildMetadata(target, contentType), contentType, length, true, token).ConfigureAwait(false);
                            resource = await upload.UploadAsync(token).ConfigureAwait(false);
                        }
                    }
                    else if (HasMetadata)
                    {
                        uploadType = "Multipart";
                        MultipartUpload upload = MultipartUpload.ForBucket(Connection.Client, Connection.Urls, target.Bucket, IfGenerationMatch, Checksum);
                        upload.Retrying = e => ResumableTransfer.Retrying(pipeline, e);
                        upload.RetryStrategy = Connection.CreateRetryStrategy();
                        resource = await upload.TransmitAsync(stream, BuildMetadata(target, contentType), contentType, token).ConfigureAwait(false);
                    }
                    else
                    {
                        uploadType = "Simple";
                        SimpleUpload upload = SimpleUpload.ForObject(Connection.Client, Connection.Urls, target, IfGenerationMatch);
                        upload.Retrying = e => ResumableTransfer.Retrying(pipeline, e);
                        upload.RetryStrategy = Connection.CreateRetryStrategy();
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
                    resource = await ResumableTransfer.ResumeAsync(pipeline, Connection.Client, store, saved, progress, token, _limiter).ConfigureAwait(false);
                }
                else
                {
                    resource = await ResumableTransfer.StartAsync(
                        pipeline, Connection.Client, Connection.Urls, store, state, BuildMetadata(target, contentType), IfGenerationMatch, progress, token, _limiter).ConfigureAwait(false);
                }

                Output(pipeline, resource, target, info.FullName, "Resumable");
            }
            finally
            {
                progress.Complete();
            }
        }

        private void CheckSpeedParameters()
        {
            string? invalid = Bandwidth.Validate(MaxBytesPerSecond);
            if (invalid != null)
            {
                ThrowTerminatingError(GcsErrors.InvalidArgument(invalid, "MaxBytesPerSecond", MaxBytesPerSecond));
            }

            if (!Parallel)
            {
                foreach (string name in new[] { "PartSize", "ThrottleLimit" })
                {
                    if (MyInvocation.BoundParameters.ContainsKey(name))
                    {
                        ThrowTerminatingError(GcsErrors.InvalidArgument(
                            $"-{name} applies to parallel uploads only. Add -Parallel to upload the file as a multipart upload in parallel parts, or remove -{name}.", name, null));
                    }
                }
            }
            else
            {
                if (Resumable)
                {
                    ThrowTerminatingError(GcsErrors.InvalidArgument(
                        "-Parallel and -Resumable are different upload modes; choose one. -Parallel sends parts of the file at once (aborted on failure), -Resumable sends it in order and can continue after an interruption.",
                        "Parallel", null));
                }

                if (ContentEncoding != null || CacheControl != null)
                {
                    ThrowTerminatingError(GcsErrors.InvalidArgument(
                        "-ContentEncoding and -CacheControl are not supported with -Parallel (a multipart upload only carries -ContentType and -Metadata). Remove -Parallel to set them.",
                        ContentEncoding != null ? "ContentEncoding" : "CacheControl", null));
                }

                if (PartSize < XmlMpuPlan.MinPartSize || PartSize > XmlMpuPlan.MaxPartSize)
                {
                    ThrowTerminatingError(GcsErrors.InvalidArgument(
                        $"-PartSize {MpuSupport.DescribeSize(PartSize)} is outside GCS's part limits (5MB to 5GB for every part but the last). Use, for example, -PartSize 32MB.", "PartSize", PartSize));
                }

            }

            _limiter = Bandwidth.Create(MaxBytesPerSecond);
        }

        private void UploadStream(Stream source, string contentType)
        {
            GcsObjectRef target = TargetFor(null);
            if (!source.CanRead)
            {
                ThrowTerminatingError(GcsErrors.InvalidArgument("-InputStream cannot be read (CanRead is false). Give a readable stream, e.g. a process's StandardOutput.BaseStream.", "InputStream", target.ToString()));
            }

            if (!ShouldProcess(target.ToString(), $"Upload a stream of unknown length{(Force ? ", replacing any existing object" : string.Empty)}"))
            {
                return;
            }

            Run(target, (pipeline, token) => UploadStreamAsync(pipeline, target, source, contentType, token));
        }

        /// <summary>A resumable upload of unknown size: one chunk in memory at a time; the stream is read once, never sought.</summary>
        private async Task UploadStreamAsync(AsyncPipeline pipeline, GcsObjectRef target, Stream source, string contentType, CancellationToken token)
        {
            var progress = new TransferProgress(pipeline, $"Send-GcsMedia {target}", "-InputStream", null);
            try
            {
                // CountingReadStream never seeks, so the upload treats even a seekable stream as a one-pass stream read from where it is.
                using (var counted = new CountingReadStream(Bandwidth.Wrap(new NonClosingStream(source), _limiter), progress.Report))
                using (ResumableUpload upload = ResumableUpload.ForBucket(Connection.Client, Connection.Urls, target.Bucket, (int)ChunkSize, IfGenerationMatch, Checksum))
                {
                    upload.Retrying = e => ResumableTransfer.Retrying(pipeline, e);
                    upload.RetryStrategy = Connection.CreateRetryStrategy();
                    await upload.InitiateAsync(counted, BuildMetadata(target, contentType), contentType, totalBytes: null, streamFinal: false, token).ConfigureAwait(false);
                    ObjectResource? resource = await upload.UploadAsync(token).ConfigureAwait(false);
                    pipeline.WriteVerbose($"Read {counted.BytesRead} bytes from -InputStream.");
                    Output(pipeline, resource, target, null, "Resumable");
                }
            }
            finally
            {
                progress.Complete();
            }
        }

        /// <summary>
        /// -Parallel: refuse an existing object unless -Force (checked first: an MPU has no preconditions), initiate an
        /// XML MPU, upload the parts in parallel, complete it, and check the object's crc32c against the parts' combined
        /// crc32c. Any failure or a stop aborts the upload, so no unfinished upload (and its stored parts) is left behind.
        /// </summary>
        private async Task UploadFileParallelAsync(
            AsyncPipeline pipeline, GcsObjectRef target, FileInfo info, string contentType, IReadOnlyList<XmlMpuPlannedPart> plan, CancellationToken token)
        {
            GcsConnection connection = Connection;
            if (!Force)
            {
                bool exists;
                try
                {
                    await ObjectMetadataReader.GetAsync(pipeline, connection.Client, connection.Urls, target, null, token).ConfigureAwait(false);
                    exists = true;
                }
                catch (InvalidResponseException ex) when (ex.StatusCode == 404)
                {
                    exists = false;
                }

                if (exists)
                {
                    throw new ObjectExistsException($"{target} already exists. Use -Force to overwrite it.");
                }
            }

            var container = new XmlMpuContainer(connection.Client, connection.Urls, target, contentType)
            {
                Retrying = e => ResumableTransfer.Retrying(pipeline, e),
                RetryStrategy = connection.CreateRetryStrategy(),
            };
            Dictionary<string, string> custom = MpuSupport.ConvertMetadata(Metadata);
            _noOpenMpu.Reset();
            try
            {
                string uploadId;
                try
                {
                    uploadId = await container.InitiateAsync(custom.Count == 0 ? null : custom, token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (token.IsCancellationRequested && container.UploadId != null)
                {
                    await AbortAsync(pipeline, container, target).ConfigureAwait(false);
                    throw;
                }

                pipeline.WriteVerbose($"Started a multipart upload of {target}: {plan.Count} part(s) of up to {PartSize} bytes, {ThrottleLimit} at a time.");
                MpuPart[] parts;
                try
                {
                    parts = await MpuPartUploader.UploadAsync(
                        pipeline, container, target, uploadId, MpuCmdlet.EndpointOf(connection), info.FullName, plan, ThrottleLimit, _limiter,
                        $"Send-GcsMedia {target}", token).ConfigureAwait(false);
                    foreach (MpuPart part in parts)
                    {
                        container.RegisterPart(part.PartNumber, part.ETag);
                    }

                    await container.FinalizeAsync(token).ConfigureAwait(false);
                }
                catch (Exception)
                {
                    // Also on a stop (the token is cancelled): the abort uses its own time limit.
                    await AbortAsync(pipeline, container, target).ConfigureAwait(false);
                    throw;
                }
                finally
                {
                    _noOpenMpu.Set();
                }

                ObjectResource resource = await ObjectMetadataReader.GetAsync(pipeline, connection.Client, connection.Urls, target, null, token).ConfigureAwait(false);
                string? expected = Checksum == ChecksumType.None ? null : CombinedCrc32c(parts);
                if (expected != null && resource.Crc32c != null && !string.Equals(expected, resource.Crc32c, StringComparison.Ordinal))
                {
                    throw DataCorruptionException.ForUpload(ChecksumType.Crc32c, resource.Crc32c, expected, info.Length, target.ToString());
                }

                Output(pipeline, resource, target, info.FullName, MpuSupport.XmlMpuUploadType);
            }
            finally
            {
                _noOpenMpu.Set();
            }
        }

        private static string? CombinedCrc32c(MpuPart[] parts)
        {
            if (parts.Length == 0 || Array.Exists(parts, p => p.Crc32c == null))
            {
                return null;
            }

            uint combined = Crc32cHasher.FromBase64(parts[0].Crc32c!);
            for (int i = 1; i < parts.Length; i++)
            {
                combined = Crc32cHasher.Combine(combined, Crc32cHasher.FromBase64(parts[i].Crc32c!), parts[i].Size);
            }

            return Crc32cHasher.ToBase64(combined);
        }

        /// <summary>Aborts the multipart upload with its own 30 s limit (the command's token may be cancelled already).</summary>
        private static async Task AbortAsync(AsyncPipeline pipeline, XmlMpuContainer container, GcsObjectRef target)
        {
            using (var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
            {
                try
                {
                    container.RetryStrategy = GcsCmdlet.RetryStrategyFor(pipeline);
                    await container.CancelAsync(limit.Token).ConfigureAwait(false);
                    TryWrite(() => pipeline.WriteVerbose($"Aborted the multipart upload of {target}; its parts were discarded."));
                }
                catch (Exception ex)
                {
                    TryWrite(() => pipeline.WriteWarning(
                        $"Could not abort the multipart upload of {target}: {GcsErrors.Redact(ex.Message)} Its parts stay stored until it is aborted: run Get-GcsMpu -Bucket {target.Bucket} | Stop-GcsMpu."));
                }
            }
        }

        private static void TryWrite(Action write)
        {
            try
            {
                write();
            }
            catch (OperationCanceledException)
            {
                // Stopping: the pipeline no longer takes output.
            }
        }

        /// <summary>Ctrl+C: after cancelling, wait (up to 30 s) for an open multipart upload to be aborted.</summary>
        protected override void StopProcessing()
        {
            base.StopProcessing();
            _noOpenMpu.Wait(TimeSpan.FromSeconds(30));
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _noOpenMpu.Dispose();
            }

            base.Dispose(disposing);
        }

        /// <summary>An object exists and -Force was not given (the -Parallel existence check).</summary>
        private sealed class ObjectExistsException : IOException
        {
            public ObjectExistsException(string message)
                : base(message)
            {
            }
        }

        /// <summary>Keeps the caller's -InputStream open when the upload's wrappers are disposed.</summary>
        private sealed class NonClosingStream : Stream
        {
            private readonly Stream _inner;

            public NonClosingStream(Stream inner)
            {
                _inner = inner;
            }

            public override bool CanRead => true;

            public override bool CanSeek => false;

            public override bool CanWrite => false;

            public override long Length => throw new NotSupportedException();

            public override long Position
            {
                get => throw new NotSupportedException();
                set => throw new NotSupportedException();
            }

            public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);

            public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
                => _inner.ReadAsync(buffer, offset, count, cancellationToken);

            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

            public override void Flush()
            {
            }

            public override void SetLength(long value) => throw new NotSupportedException();

            public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
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
