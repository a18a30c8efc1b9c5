using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;
using GcsMedia.Protocol;

namespace GcsMedia.Cmdlets.Commands
{
    /// <summary>
    /// Receive-GcsMedia: downloads an object (whole, a byte range, or in chunks) to a file. Bytes go to
    /// &lt;OutFile&gt;.partial, which is renamed once the download is complete and verified. An interrupted whole
    /// download keeps the .partial (and a small .partial.json naming the object generation) so a rerun continues it.
    /// Always outputs a <see cref="GcsDownloadResult"/>.
    /// </summary>
    [Cmdlet(VerbsCommunications.Receive, "GcsMedia", DefaultParameterSetName = UriSet, SupportsShouldProcess = true)]
    [OutputType(typeof(GcsDownloadResult))]
    public sealed class ReceiveGcsMedia : GcsCmdlet
    {
        private const string UriSet = "Uri";
        private const string ObjectSet = "Object";

        [Parameter(Mandatory = true, Position = 0, ParameterSetName = UriSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Uri { get; set; } = string.Empty;

        [Parameter(Mandatory = true, ParameterSetName = ObjectSet, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Bucket { get; set; } = string.Empty;

        [Parameter(Mandatory = true, ParameterSetName = ObjectSet, ValueFromPipelineByPropertyName = true)]
        [Alias("Name", "Key")]
        [ValidateNotNullOrEmpty]
        public string ObjectName { get; set; } = string.Empty;

        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [Alias("Destination")]
        [ValidateNotNullOrEmpty]
        public string OutFile { get; set; } = string.Empty;

        /// <summary>First byte (0-based). Negative: the last N bytes.</summary>
        [Parameter]
        public long? Start { get; set; }

        /// <summary>Last byte, inclusive.</summary>
        [Parameter]
        public long? End { get; set; }

        [Parameter]
        [SizeTransformation]
        public long? ChunkSize { get; set; }

        [Parameter]
        public SwitchParameter Raw { get; set; }

        [Parameter]
        public ChecksumType Checksum { get; set; } = ChecksumType.Crc32c;

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateRange(1, long.MaxValue)]
        public long? Generation { get; set; }

        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>
        /// Most byte ranges downloaded at once. 1 (the default) is one stream; above 1 a whole download of an object
        /// larger than -SliceSize is split into slices written in parallel into the .partial file.
        /// </summary>
        [Parameter]
        [Alias("ConcurrentTaskCount")]
        [ValidateRange(1, 64)]
        public int ThrottleLimit { get; set; } = 1;

        /// <summary>Bytes per slice of a sliced download (at least 1MB; default 32MB).</summary>
        [Parameter]
        [SizeTransformation]
        public long SliceSize { get; set; } = SlicedDownload.DefaultSliceSize;

        /// <summary>A bandwidth cap in bytes per second (e.g. 10MB), shared by all slices of this invocation.</summary>
        [Parameter]
        [SizeTransformation]
        public long? MaxBytesPerSecond { get; set; }

        private BandwidthLimiter? _limiter;

        protected override void BeginProcessing()
        {
            string? invalid = Bandwidth.Validate(MaxBytesPerSecond);
            if (invalid != null)
            {
                ThrowTerminatingError(GcsErrors.InvalidArgument(invalid, "MaxBytesPerSecond", MaxBytesPerSecond));
            }

            if (SliceSize < SlicedDownload.MinimumSliceSize)
            {
                ThrowTerminatingError(GcsErrors.InvalidArgument(
                    $"-SliceSize {SliceSize} is too small. A slice is at least 1MB (1048576 bytes); the default is 32MB.", "SliceSize", SliceSize));
            }

            if (ThrottleLimit > 1 && (Start.HasValue || End.HasValue || ChunkSize.HasValue))
            {
                string given = string.Join(", ", new[] { Start.HasValue ? "-Start" : null, End.HasValue ? "-End" : null, ChunkSize.HasValue ? "-ChunkSize" : null }.Where(x => x != null));
                ThrowTerminatingError(GcsErrors.InvalidArgument(
                    $"-ThrottleLimit {ThrottleLimit} (a sliced download) downloads the whole object in parallel ranges, so it cannot be combined with {given}. " +
                    "Remove -ThrottleLimit for a ranged or chunked download, or remove " + given + " to download the whole object in slices.",
                    "ThrottleLimit",
                    ThrottleLimit));
            }

            _limiter = Bandwidth.Create(MaxBytesPerSecond);
            base.BeginProcessing();
        }

        protected override void ProcessRecord()
        {
            // Everything is checked here, on the pipeline thread, before any request.
            GcsObjectRef target;
            try
            {
                target = ObjectAddress.Resolve(ParameterSetName == UriSet ? Uri : null, Bucket, ObjectName);
            }
            catch (ArgumentException ex)
            {
                ThrowTerminatingError(GcsErrors.InvalidArgument(ex.Message, ex.ParamName ?? "Uri", ParameterSetName == UriSet ? Uri : Bucket));
                return;
            }

            ValidateRange(target);
            string outFile = ResolveOutFile(target);
            bool exists = File.Exists(outFile);
            string action = exists ? $"Download {target}, replacing the existing file" : $"Download {target}";
            if (!ShouldProcess(outFile, action))
            {
                return;
            }

            try
            {
                RunAsync((pipeline, token) => DownloadAsync(pipeline, target, outFile, token));
            }
            catch (PipelineStoppedException)
            {
                throw;
            }
            catch (Exception ex)
            {
                WriteError(GcsErrors.FromException(ex, target.ToString(), operation: GcsOperation.Download));
            }
        }

        private void ValidateRange(GcsObjectRef target)
        {
            if (End.HasValue && End.Value < 0)
            {
                ThrowTerminatingError(GcsErrors.InvalidArgument($"-End {End} is negative. -End is the last byte to download, counted from 0.", "End", target.ToString()));
            }

            if (Start.HasValue && Start.Value < 0 && End.HasValue)
            {
                ThrowTerminatingError(GcsErrors.InvalidArgument(
                    $"-Start {Start} (the last {-Start} bytes) cannot be combined with -End. Remove -End, or give a non-negative -Start.", "End", target.ToString()));
            }

            if (Start.HasValue && End.HasValue && End.Value < Start.Value)
            {
                ThrowTerminatingError(GcsErrors.InvalidArgument(
                    $"-End {End} is before -Start {Start}. -End is the last byte to download (inclusive) and must be at least -Start.", "End", target.ToString()));
            }

            if (ChunkSize.HasValue)
            {
                if (ChunkSizeLimits.DownloadProblem(ChunkSize.Value) is string chunkProblem)
                {
                    ThrowTerminatingError(GcsErrors.InvalidArgument(chunkProblem, "ChunkSize", target.ToString()));
                }

                if (Start.HasValue && Start.Value < 0)
                {
                    ThrowTerminatingError(GcsErrors.InvalidArgument(
                        "-Start must not be negative with -ChunkSize: a chunked download needs a known first byte. Remove -ChunkSize to download the last N bytes.", "Start", target.ToString()));
                }
            }
        }

        private string ResolveOutFile(GcsObjectRef target)
        {
            string path = GetUnresolvedProviderPathFromPSPath(OutFile);
            if (Directory.Exists(path))
            {
                ThrowTerminatingError(GcsErrors.InvalidArgument(
                    $"-OutFile '{path}' is a directory. Give a file path, for example {Path.Combine(path, Path.GetFileName(target.Name))}.", "OutFile", path));
            }

            string? folder = Path.GetDirectoryName(path);
            if (!string.IsNullOrEmpty(folder) && !Directory.Exists(folder))
            {
                ThrowTerminatingError(GcsErrors.InvalidArgument(
                    $"-OutFile '{path}': the folder '{folder}' does not exist. Create it first (New-Item -ItemType Directory).", "OutFile", path));
            }

            if (File.Exists(path) && !Force)
            {
                ThrowTerminatingError(GcsErrors.Create(
                    new IOException($"The file '{path}' already exists."),
                    "FileExists",
                    ErrorCategory.ResourceExists,
                    path,
                    $"The file '{path}' already exists. Use -Force to overwrite it, or choose another -OutFile."));
            }

            return path;
        }

        private async Task DownloadAsync(AsyncPipeline pipeline, GcsObjectRef target, string outFile, CancellationToken token)
        {
            var clock = Stopwatch.StartNew();
            bool whole = Start == null && End == null;
            string partial = PartialDownload.PartialPath(outFile);
            long offset = 0;
            long? pinnedGeneration = Generation;
            string? expectedWholeChecksum = null;
            HttpClientHolder http = new HttpClientHolder(Connection);

            if (whole)
            {
                (offset, pinnedGeneration, expectedWholeChecksum) = await PrepareResumeAsync(pipeline, target, outFile, http, token).ConfigureAwait(false);
            }
            else
            {
                PartialDownload.Delete(outFile);
            }

            // Sliced: only a fresh whole download (a .partial left by an interrupted single-stream run is resumed as one
            // stream), only with crc32c (slice CRCs combine; MD5s do not) or no checksum, and only for an object that is
            // not gzip-encoded and is larger than one slice. Everything else falls back to one stream.
            if (ThrottleLimit > 1 && whole && !ChunkSize.HasValue && offset == 0 && Checksum != ChecksumType.Md5)
            {
                ObjectResource metadata = await ObjectMetadataReader.GetAsync(pipeline, http.Client, Connection.Urls, target, Generation, token).ConfigureAwait(false);
                bool gzip = string.Equals(metadata.ContentEncoding, "gzip", StringComparison.OrdinalIgnoreCase);
                if (!gzip && metadata.Size.HasValue && metadata.Size.Value > SliceSize)
                {
                    await DownloadSlicedAsync(pipeline, target, outFile, http, metadata, clock, token).ConfigureAwait(false);
                    return;
                }

                pinnedGeneration = metadata.Generation ?? pinnedGeneration;
                pipeline.WriteVerbose(gzip
                    ? $"{target} is stored gzip-encoded: its byte ranges cannot be decoded piecewise, so it is downloaded as one stream."
                    : $"{target} ({metadata.Size} bytes) fits in one slice of {SliceSize} bytes: downloading it as one stream.");
            }
            else if (ThrottleLimit > 1 && offset > 0)
            {
                pipeline.WriteVerbose($"Continuing the interrupted download in {partial} as one stream (a sliced download would start over).");
            }
            else if (ThrottleLimit > 1 && Checksum == ChecksumType.Md5)
            {
                pipeline.WriteVerbose("-Checksum Md5 cannot be checked slice by slice: downloading as one stream.");
            }

            var progress = new TransferProgress(pipeline, $"Receive-GcsMedia {target}", outFile, null);
            progress.SetStartOffset(offset);
            var result = new GcsDownloadResult
            {
                Uri = target.ToString(),
                Path = outFile,
                Start = Start,
                End = End,
                ChecksumType = Checksum.ToString(),
                Mode = ChunkSize.HasValue ? "Chunked" : whole ? "Whole" : "Range",
                Resumed = offset > 0,
            };

            bool keepPartial = false;
            try
            {
                using (Stream stream = Bandwidth.Wrap(new FileStream(partial, offset > 0 ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16, useAsync: true), _limiter))
                {
                    string mediaUrl = Connection.Urls.MediaDownload(target, pinnedGeneration);
                    long? start = offset > 0 ? offset : Start;
                    bool sidecarWritten = offset > 0;
                    Action<long?> onFirstBytes = generation =>
                    {
                        if (!sidecarWritten && whole && generation.HasValue)
                        {
                            sidecarWritten = true;
                            new PartialDownload { Uri = target.ToString(), Endpoint = Connection.EndpointKey, Generation = generation.Value, Raw = Raw }.Save(outFile);
                        }
                    };

                    if (ChunkSize.HasValue)
                    {
                        ChunkedDownload chunked = Raw
                            ? new RawChunkedDownload(mediaUrl, (int)ChunkSize.Value, stream, start ?? 0, End, null, offset > 0 ? ChecksumType.None : Checksum)
                            : new ChunkedDownload(mediaUrl, (int)ChunkSize.Value, stream, start ?? 0, End, null, offset > 0 ? ChecksumType.None : Checksum);
                        chunked.ObjectName = target.ToString();
                        chunked.OnRetry = e => Retrying(pipeline, e);
                        chunked.RetryStrategy = Connection.CreateRetryStrategy();
                        chunked.ProgressCallback = bytes =>
                        {
                            onFirstBytes(chunked.Generation);
                            progress.TotalBytes = chunked.TotalBytes;
                            progress.Report(offset + bytes);
                        };
                        int retries = 0;
                        while (!chunked.Finished)
                        {
                            await chunked.ConsumeNextChunkAsync(http.Client, token).ConfigureAwait(false);
                            retries += chunked.Retries;
                        }

                        result.StatusCode = chunked.StatusCode ?? 0;
                        result.BytesDownloaded = chunked.BytesDownloaded;
                        result.TotalBytes = chunked.TotalBytes;
                        result.Generation = chunked.Generation;
                        result.ChecksumVerified = chunked.ChecksumVerified;
                        result.Checksum = chunked.ActualChecksum;
                        result.Retries = retries;
                    }
                    else
                    {
                        Download download = Raw
                            ? new RawDownload(mediaUrl, stream, start, End, null, offset > 0 ? ChecksumType.None : Checksum)
                            : new Download(mediaUrl, stream, start, End, null, offset > 0 ? ChecksumType.None : Checksum);
                        download.ObjectName = target.ToString();
                        download.OnRetry = e => Retrying(pipeline, e);
                        download.RetryStrategy = Connection.CreateRetryStrategy();
                        download.ProgressCallback = bytes =>
                        {
                            onFirstBytes(download.Generation);
                            progress.TotalBytes = download.TotalBytes;
                            progress.Report(offset + download.BytesWritten);
                        };
                        DownloadResult done = await download.ConsumeAsync(http.Client, token).ConfigureAwait(false);
                        result.StatusCode = done.StatusCode;
                        result.ContentRange = done.ContentRange;
                        result.BytesDownloaded = done.BytesDownloaded;
                        result.TotalBytes = done.TotalBytes;
                        result.Generation = done.Generation;
                        result.ChecksumVerified = done.ChecksumVerified;
                        result.Checksum = done.ActualChecksum;
                        result.Retries = done.Retries;
                    }
                }

                if (offset > 0)
                {
                    // Resumed from an earlier run: the bytes came in two parts, so check the whole file against the
                    // checksum the object's metadata reports for that generation.
                    result.Generation = pinnedGeneration;
                    string? actual = await FileHashing.HashAsync(partial, Checksum, token).ConfigureAwait(false);
                    result.Checksum = actual;
                    if (expectedWholeChecksum != null && actual != null)
                    {
                        if (!string.Equals(actual, expectedWholeChecksum, StringComparison.Ordinal))
                        {
                            throw DataCorruptionException.ForDownload(Checksum, expectedWholeChecksum, actual, new FileInfo(partial).Length, target.ToString());
                        }

                        result.ChecksumVerified = true;
                    }
                }

                if (File.Exists(outFile))
                {
                    File.Delete(outFile);   // -Force was given (checked on the pipeline thread).
                }

                File.Move(partial, outFile);
                PartialDownload.Delete(outFile);
                result.BytesWritten = new FileInfo(outFile).Length;
                result.Elapsed = clock.Elapsed;
                pipeline.WriteVerbose($"Downloaded {target} to {outFile}: {result.BytesWritten} bytes, checksum {(result.ChecksumVerified ? "verified" : "not verified")}.");
                pipeline.WriteObject(result);
            }
            catch (Exception ex) when (whole && IsResumable(ex, token))
            {
                keepPartial = File.Exists(PartialDownload.SidecarPath(outFile));
                throw;
            }
            finally
            {
                if (!keepPartial && File.Exists(partial))
                {
                    PartialDownload.Delete(outFile);
                }

                progress.Complete();
            }
        }

        /// <summary>
        /// A whole download in parallel slices (<see cref="SlicedDownload"/>) into the .partial file, validated with the
        /// combined CRC32C against the object's crc32c, then renamed to the output file. On any failure the .partial is
        /// deleted (a sliced download is not resumed; a rerun starts over).
        /// </summary>
        private async Task DownloadSlicedAsync(
            AsyncPipeline pipeline, GcsObjectRef target, string outFile, HttpClientHolder http, ObjectResource metadata, Stopwatch clock, CancellationToken token)
        {
            string partial = PartialDownload.PartialPath(outFile);
            long size = metadata.Size!.Value;
            var sliced = new SlicedDownload(
                Connection.Urls.MediaDownload(target, metadata.Generation),
                partial,
                size,
                metadata.Generation,
                Checksum == ChecksumType.None ? null : metadata.Crc32c)
            {
                SliceSize = SliceSize,
                ThrottleLimit = ThrottleLimit,
                BandwidthLimiter = _limiter,
                ObjectName = target.ToString(),
                ContentEncoding = metadata.ContentEncoding,
                RetryStrategy = Connection.CreateRetryStrategy(),
            };
            int count = (int)((size + SliceSize - 1) / SliceSize);
            long sliceSize = SliceSize;
            var parent = new TransferProgress(pipeline, $"Receive-GcsMedia {target}", $"{outFile}: {count} slices of {TransferProgress.FormatBytes(sliceSize)}", size);
            var children = new ConcurrentDictionary<int, TransferProgress>();
            sliced.Progress = new InlineProgress(parent.Report);
            sliced.SliceProgress = (index, bytes, length) =>
            {
                TransferProgress child = children.GetOrAdd(index, i =>
                {
                    long first = i * sliceSize;
                    return new TransferProgress(pipeline, $"Slice {i + 1} of {count}", $"bytes {first}-{first + Math.Max(length, 1) - 1}", length < 0 ? (long?)null : length, parent.ActivityId);
                });
                if (length >= 0 && bytes >= length)
                {
                    child.Complete();
                }
                else
                {
                    child.Report(bytes);
                }
            };
            sliced.OnRetry = (index, e) => Retrying(pipeline, e, index < 0 ? "metadata" : $"slice {index + 1}");

            pipeline.WriteVerbose($"Downloading {target} ({size} bytes, generation {metadata.Generation}) in {count} slices of {sliceSize} bytes, {ThrottleLimit} at a time.");
            bool done = false;
            try
            {
                SlicedDownloadResult r = await sliced.ConsumeAsync(http.Client, token).ConfigureAwait(false);
                if (File.Exists(outFile))
                {
                    File.Delete(outFile);   // -Force was given (checked on the pipeline thread).
                }

                File.Move(partial, outFile);
                PartialDownload.Delete(outFile);
                done = true;
                var result = new GcsDownloadResult
                {
                    Uri = target.ToString(),
                    Path = outFile,
                    StatusCode = 206,
                    BytesDownloaded = r.BytesDownloaded,
                    BytesWritten = new FileInfo(outFile).Length,
                    TotalBytes = r.TotalBytes,
                    Generation = r.Generation,
                    ChecksumType = Checksum == ChecksumType.None ? ChecksumType.None.ToString() : ChecksumType.Crc32c.ToString(),
                    ChecksumVerified = r.ChecksumVerified,
                    Checksum = r.ActualCrc32c,
                    Mode = "Sliced",
                    Retries = r.Retries,
                    Elapsed = clock.Elapsed,
                };
                pipeline.WriteVerbose($"Downloaded {target} to {outFile}: {result.BytesWritten} bytes in {r.Slices} slices, crc32c {(result.ChecksumVerified ? "verified" : "not verified")}.");
                pipeline.WriteObject(result);
            }
            finally
            {
                if (!done)
                {
                    // Preallocated and partly written (or corrupt): never leave it looking like a resumable .partial.
                    try
                    {
                        PartialDownload.Delete(outFile);
                        if (File.Exists(partial))
                        {
                            File.Delete(partial);
                        }
                    }
                    catch (IOException)
                    {
                    }
                }

                foreach (TransferProgress child in children.Values)
                {
                    child.Complete();
                }

                parent.Complete();
            }
        }

        /// <summary>IProgress that calls back synchronously (Progress&lt;T&gt; would post to a sync context).</summary>
        private sealed class InlineProgress : IProgress<long>
        {
            private readonly Action<long> _report;

            public InlineProgress(Action<long> report)
            {
                _report = report;
            }

            public void Report(long value) => _report(value);
        }

        /// <summary>
        /// Looks for a .partial from an earlier run of the same download. Returns the offset to continue from (0 to
        /// start over), the generation to pin, and the whole object's checksum to validate against at the end.
        /// </summary>
        private async Task<(long Offset, long? Generation, string? Expected)> PrepareResumeAsync(
            AsyncPipeline pipeline, GcsObjectRef target, string outFile, HttpClientHolder http, CancellationToken token)
        {
            string partial = PartialDownload.PartialPath(outFile);
            PartialDownload? saved = PartialDownload.TryLoad(outFile);
            long length = File.Exists(partial) ? new FileInfo(partial).Length : 0;
            if (saved == null || length == 0 || saved.Uri != target.ToString() || saved.Endpoint != Connection.EndpointKey || saved.Raw != Raw
                || (Generation.HasValue && Generation.Value != saved.Generation) || Checksum == ChecksumType.None)
            {
                PartialDownload.Delete(outFile);
                return (0, Generation, null);
            }

            ObjectResource current;
            try
            {
                current = await ObjectMetadataReader.GetAsync(pipeline, http.Client, Connection.Urls, target, Generation, token).ConfigureAwait(false);
            }
            catch (InvalidResponseException ex) when (ex.StatusCode == 404)
            {
                PartialDownload.Delete(outFile);
                return (0, Generation, null);
            }

            string? expected = current.GetChecksum(Checksum);
            bool gzip = string.Equals(current.ContentEncoding, "gzip", StringComparison.OrdinalIgnoreCase);
            if (current.Generation != saved.Generation || expected == null || (gzip && !Raw) || !current.Size.HasValue || length >= current.Size.Value)
            {
                pipeline.WriteVerbose($"Found {partial} from an earlier run, but {target} changed (or cannot be resumed); starting over.");
                PartialDownload.Delete(outFile);
                return (0, Generation, null);
            }

            pipeline.WriteVerbose($"Resuming the download of {target} (generation {saved.Generation}) at byte {length} from {partial}.");
            return (length, saved.Generation, expected);
        }

        private static bool IsResumable(Exception ex, CancellationToken token)
            => ex is OperationCanceledException
               || (!(ex is DataCorruptionException) && RetryStrategy.IsTransient(ex, token))
               || token.IsCancellationRequested;

        private static void Retrying(AsyncPipeline pipeline, RetryEvent e, string? what = null) => RetryReporter.For(pipeline).Report(pipeline, e, what);

        /// <summary>Lets the async method use the connection's client without capturing the cmdlet in lambdas.</summary>
        private sealed class HttpClientHolder
        {
            public HttpClientHolder(GcsConnection connection)
            {
                Client = connection.Client;
            }

            public System.Net.Http.HttpClient Client { get; }
        }
    }
}
