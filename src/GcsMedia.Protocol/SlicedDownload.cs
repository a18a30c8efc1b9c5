using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;

namespace GcsMedia.Protocol
{
    /// <summary>One byte range of a sliced download.</summary>
    public readonly struct SliceRange
    {
        public SliceRange(int index, long start, long length)
        {
            Index = index;
            Start = start;
            Length = length;
        }

        /// <summary>0-based position of the slice in the object.</summary>
        public int Index { get; }

        /// <summary>First byte (offset in the object and in the file).</summary>
        public long Start { get; }

        public long Length { get; }

        /// <summary>Last byte, inclusive (as in a Range header).</summary>
        public long End => Start + Length - 1;

        public override string ToString() => $"slice {Index}: bytes {Start}-{End}";
    }

    /// <summary>
    /// Downloads one object into a file in parallel byte ranges ("sliced download", python-storage's
    /// <c>download_chunks_concurrently</c>), validated end to end with the object's CRC32C.
    /// <list type="bullet">
    /// <item>The object's metadata (size, generation, crc32c, contentEncoding) is fetched first, unless the caller gave
    /// them with the media-URL constructor. Every slice URL carries <c>generation=</c>, so an object replaced during the
    /// download fails the remaining slices (404) instead of mixing two generations into one file.</item>
    /// <item>The file is created (truncated) and preallocated to the object's size; each slice is its own ranged
    /// <see cref="Download"/> (checksum None, retried and resumed on its own per <see cref="RetryStrategy"/>) writing at
    /// its offset through its own file handle, computing the slice's CRC32C as bytes are written. The slice CRCs are
    /// combined in order (<see cref="Crc32cHasher.Combine"/>) and compared with the object's crc32c: a mismatch is a
    /// <see cref="DataCorruptionException"/> naming the object.</item>
    /// <item>Objects of at most one slice, of unknown size, or stored gzip-encoded (ranges of gzip bytes cannot be
    /// decoded piecewise) are downloaded as a single stream (a whole <see cref="Download"/> that also checks x-goog-hash).</item>
    /// <item>At most <see cref="ThrottleLimit"/> slices run at once; memory is bounded by Download's buffer × that limit.</item>
    /// <item>Cancellation stops every slice. On the first failure the other slices are cancelled and that failure is
    /// rethrown (not the resulting cancellations).</item>
    /// </list>
    /// <para><b>The destination file is left as it is on failure or cancellation</b> — preallocated and partly written. Pass
    /// a temporary path and move it into place only after <see cref="ConsumeAsync"/> returned; delete it on failure.</para>
    /// </summary>
    public sealed class SlicedDownload
    {
        public const long DefaultSliceSize = 32L * 1024 * 1024;
        public const long MinimumSliceSize = 1024 * 1024;
        public const int DefaultThrottleLimit = 8;

        /// <summary>Progress is reported at most once per this many bytes (and once at the end).</summary>
        public const int ProgressInterval = 64 * 1024;

        private readonly StorageUrls? _urls;
        private readonly object _progressGate = new object();
        private long _sliceSize = DefaultSliceSize;
        private int _throttleLimit = DefaultThrottleLimit;
        private long _bytesWritten;
        private long _lastReported = -1;
        private int _used;

        /// <summary>Downloads gs://bucket/object from the endpoint of <paramref name="urls"/>; the metadata is fetched first.</summary>
        /// <param name="headers">Sent on the metadata request and on every slice (CSEK keys, user project, …); never mutated.</param>
        public SlicedDownload(StorageUrls urls, GcsObjectRef obj, string destinationPath, IDictionary<string, string>? headers = null)
        {
            _urls = urls ?? throw new ArgumentNullException(nameof(urls));
            Object = obj ?? throw new ArgumentNullException(nameof(obj));
            DestinationPath = CheckPath(destinationPath);
            Headers = CopyHeaders(headers);
        }

        /// <summary>
        /// Downloads a media URL whose facts the caller already knows (no metadata request). Without
        /// <paramref name="totalBytes"/> the download is a single stream; without <paramref name="generation"/> (and no
        /// <c>generation=</c> in the URL) slices are not pinned, but slices answered from different generations still fail;
        /// without <paramref name="crc32c"/> a sliced download cannot be validated (<see cref="SlicedDownloadResult.ChecksumVerified"/> false).
        /// </summary>
        public SlicedDownload(
            string mediaUrl,
            string destinationPath,
            long? totalBytes,
            long? generation = null,
            string? crc32c = null,
            IDictionary<string, string>? headers = null)
        {
            if (string.IsNullOrEmpty(mediaUrl))
            {
                throw new ArgumentException("A media URL is required.", nameof(mediaUrl));
            }

            if (totalBytes < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(totalBytes), totalBytes, "The size cannot be negative.");
            }

            if (crc32c != null)
            {
                Crc32cHasher.FromBase64(crc32c);
            }

            long? urlGeneration = DownloadHelpers.GetGenerationFromUrl(mediaUrl);
            if (generation.HasValue && urlGeneration.HasValue && generation.Value != urlGeneration.Value)
            {
                throw new ArgumentException($"The URL asks for generation {urlGeneration}, but generation {generation} was given.", nameof(generation));
            }

            DestinationPath = CheckPath(destinationPath);
            Headers = CopyHeaders(headers);
            TotalBytes = totalBytes;
            Generation = generation ?? urlGeneration;
            ExpectedCrc32c = crc32c;
            MediaUrl = Generation.HasValue && !urlGeneration.HasValue
                ? DownloadHelpers.AddQueryParameters(mediaUrl, new[] { new KeyValuePair<string, string>("generation", Generation.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)) })
                : mediaUrl;
        }

        /// <summary>The object, for the bucket/object constructor; null otherwise.</summary>
        public GcsObjectRef? Object { get; }

        /// <summary>The media URL every slice requests (generation pinned when known). Set after the metadata request.</summary>
        public string? MediaUrl { get; private set; }

        /// <summary>The file written. Created or truncated; see the class remarks about failures.</summary>
        public string DestinationPath { get; }

        /// <summary>A copy of the caller's headers; each slice gets its own copy of this.</summary>
        public IDictionary<string, string> Headers { get; }

        /// <summary>Bytes per slice (≥ <see cref="MinimumSliceSize"/>, default <see cref="DefaultSliceSize"/>).</summary>
        public long SliceSize
        {
            get => _sliceSize;
            set
            {
                if (value < MinimumSliceSize)
                {
                    throw new ArgumentOutOfRangeException(nameof(value), value, $"The slice size must be at least {MinimumSliceSize} bytes (1 MiB).");
                }

                _sliceSize = value;
            }
        }

        /// <summary>Most slices downloading at once (≥ 1, default <see cref="DefaultThrottleLimit"/>).</summary>
        public int ThrottleLimit
        {
            get => _throttleLimit;
            set
            {
                if (value < 1)
                {
                    throw new ArgumentOutOfRangeException(nameof(value), value, "ThrottleLimit must be at least 1.");
                }

                _throttleLimit = value;
            }
        }

        /// <summary>An optional bandwidth cap shared by all slices (and by anything else given the same limiter).</summary>
        public BandwidthLimiter? BandwidthLimiter { get; set; }

        /// <summary>Backoff for the metadata request and for each slice (shared; it keeps no per-call state).</summary>
        public RetryStrategy RetryStrategy { get; set; } = new RetryStrategy();

        /// <summary>Total bytes written across all slices; monotonic, at most every <see cref="ProgressInterval"/> bytes and at the end.</summary>
        public IProgress<long>? Progress { get; set; }

        /// <summary>
        /// Per-slice progress: (slice index, bytes written in that slice, slice length or -1 when unknown), from the
        /// slice's own task, at most every <see cref="ProgressInterval"/> bytes and at the end of the slice.
        /// </summary>
        public Action<int, long, long>? SliceProgress { get; set; }

        /// <summary>Called before each retry wait: (slice index, or -1 for the metadata request; the event).</summary>
        public Action<int, RetryEvent>? OnRetry { get; set; }

        /// <summary>gs://bucket/object (or any label) for messages; defaults to the object or the URL without its query.</summary>
        public string? ObjectName { get; set; }

        /// <summary>The metadata fetched (bucket/object constructor), after <see cref="ConsumeAsync"/> started.</summary>
        public ObjectResource? Metadata { get; private set; }

        /// <summary>The object's size, given or from the metadata.</summary>
        public long? TotalBytes { get; private set; }

        public long? Generation { get; private set; }

        /// <summary>The object's crc32c (base64), given or from the metadata.</summary>
        public string? ExpectedCrc32c { get; private set; }

        /// <summary>The object's contentEncoding; "gzip" forces a single stream. Set it with the media-URL constructor if known.</summary>
        public string? ContentEncoding { get; set; }

        /// <summary>Bytes written to the file so far, across slices.</summary>
        public long BytesWritten => Interlocked.Read(ref _bytesWritten);

        internal string Label => ObjectName ?? Object?.ToString() ?? UrlLabel(MediaUrl);

        /// <summary>
        /// The slices of an object: [0, s), [s, 2s), … the last one shorter. Empty for a 0-byte object.
        /// </summary>
        public static IReadOnlyList<SliceRange> PlanSlices(long totalBytes, long sliceSize)
        {
            if (totalBytes < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(totalBytes), totalBytes, "The size cannot be negative.");
            }

            if (sliceSize <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(sliceSize), sliceSize, "The slice size must be positive.");
            }

            long count = (totalBytes + sliceSize - 1) / sliceSize;
            if (count > int.MaxValue)
            {
                throw new ArgumentOutOfRangeException(nameof(sliceSize), sliceSize, "Too many slices; use a larger slice size.");
            }

            var slices = new SliceRange[count];
            for (int i = 0; i < slices.Length; i++)
            {
                long start = i * sliceSize;
                slices[i] = new SliceRange(i, start, Math.Min(sliceSize, totalBytes - start));
            }

            return slices;
        }

        /// <summary>
        /// Fetches the metadata (unless given), downloads every slice into <see cref="DestinationPath"/>, and validates the
        /// combined CRC32C. Throws the first slice failure, <see cref="DataCorruptionException"/> on a checksum mismatch,
        /// or <see cref="OperationCanceledException"/> when cancelled. Can be called once.
        /// </summary>
        public async Task<SlicedDownloadResult> ConsumeAsync(HttpClient client, CancellationToken cancellationToken = default)
        {
            if (client == null)
            {
                throw new ArgumentNullException(nameof(client));
            }

            if (Interlocked.Exchange(ref _used, 1) != 0)
            {
                throw new InvalidOperationException("A sliced download can only be used once.");
            }

            Stopwatch watch = Stopwatch.StartNew();
            if (Object != null)
            {
                ObjectResource metadata = await FetchMetadataAsync(client, cancellationToken).ConfigureAwait(false);
                Metadata = metadata;
                TotalBytes = metadata.Size;
                Generation = metadata.Generation;
                ExpectedCrc32c = metadata.Crc32c;
                ContentEncoding = metadata.ContentEncoding;
                MediaUrl = _urls!.MediaDownload(Object, Generation);
            }

            if (ExpectedCrc32c != null && !TryParseCrc(ExpectedCrc32c, out _))
            {
                throw new InvalidResponseException($"The crc32c '{ExpectedCrc32c}' of {Label} is not a base64 4-byte value.", null, objectName: Label);
            }

            string url = MediaUrl!;
            bool gzip = string.Equals(ContentEncoding, "gzip", StringComparison.OrdinalIgnoreCase);
            bool single = gzip || !TotalBytes.HasValue || TotalBytes.Value <= SliceSize;
            IReadOnlyList<SliceRange> plan = single ? Array.Empty<SliceRange>() : PlanSlices(TotalBytes!.Value, SliceSize);

            using (var file = new FileStream(DestinationPath, FileMode.Create, FileAccess.Write, FileShare.ReadWrite))
            {
                if (!single)
                {
                    file.SetLength(TotalBytes!.Value);
                }
            }

            SliceOutcome[] outcomes = single
                ? new[] { await RunSliceAsync(client, url, 0, 0, gzip ? null : TotalBytes, whole: true, cancellationToken).ConfigureAwait(false) }
                : await RunSlicesAsync(client, url, plan, cancellationToken).ConfigureAwait(false);

            return Finish(outcomes, single, gzip, watch.Elapsed);
        }

        private async Task<SliceOutcome[]> RunSlicesAsync(HttpClient client, string url, IReadOnlyList<SliceRange> plan, CancellationToken cancellationToken)
        {
            var outcomes = new SliceOutcome[plan.Count];
            var gate = new object();
            Exception? failure = null;
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            using var throttle = new SemaphoreSlim(ThrottleLimit, ThrottleLimit);

            async Task RunOne(SliceRange slice)
            {
                try
                {
                    await throttle.WaitAsync(cts.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                try
                {
                    outcomes[slice.Index] = await RunSliceAsync(client, url, slice.Index, slice.Start, slice.Length, whole: false, cts.Token).ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    bool first;
                    lock (gate)
                    {
                        // Cancellations caused by another slice's failure (or the caller) are not the story.
                        first = failure == null && !(ex is OperationCanceledException && cts.IsCancellationRequested);
                        if (first)
                        {
                            failure = ex;
                        }
                    }

                    if (first)
                    {
                        try
                        {
                            cts.Cancel();
                        }
                        catch (AggregateException)
                        {
                        }
                    }
                }
                finally
                {
                    throttle.Release();
                }
            }

            await Task.WhenAll(plan.Select(RunOne)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            if (failure != null)
            {
                ExceptionDispatchInfo.Capture(failure).Throw();
            }

            if (cts.IsCancellationRequested)
            {
                throw new OperationCanceledException(cancellationToken);
            }

            return outcomes;
        }

        private async Task<SliceOutcome> RunSliceAsync(
            HttpClient client,
            string url,
            int index,
            long start,
            long? length,
            bool whole,
            CancellationToken cancellationToken)
        {
            long lastSliceReport = -1;
            void OnWrite(int count, long sliceBytes)
            {
                ReportTotal(Interlocked.Add(ref _bytesWritten, count));
                if (SliceProgress != null && (sliceBytes - lastSliceReport >= ProgressInterval || sliceBytes == length))
                {
                    lastSliceReport = sliceBytes;
                    SliceProgress(index, sliceBytes, length ?? -1);
                }
            }

            var file = new FileStream(DestinationPath, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 1, useAsync: true);
            using var sink = new SliceWriteStream(file, whole ? null : length, OnWrite);
            if (!whole)
            {
                file.Position = start;
            }

            using Stream destination = BandwidthLimiter != null ? new ThrottledStream(sink, BandwidthLimiter, leaveOpen: true) : sink;
            var headers = new Dictionary<string, string>(Headers.Count + 1, StringComparer.OrdinalIgnoreCase);
            foreach (KeyValuePair<string, string> header in Headers)
            {
                headers[header.Key] = header.Value;
            }

            Download download = whole
                ? new Download(url, destination, null, null, headers, ChecksumType.Crc32c)
                : new Download(url, destination, start, start + length!.Value - 1, headers, ChecksumType.None);
            download.RetryStrategy = RetryStrategy;
            download.ObjectName = Label;
            download.OnRetry = e => OnRetry?.Invoke(index, e);
            DownloadResult result = await download.ConsumeAsync(client, cancellationToken).ConfigureAwait(false);

            if (length.HasValue && sink.BytesWritten != length.Value)
            {
                throw new InvalidResponseException(
                    $"Slice {index} of {Label} (bytes {start}-{start + length.Value - 1}) received {sink.BytesWritten} of {length.Value} bytes.",
                    result.StatusCode,
                    objectName: Label);
            }

            if (SliceProgress != null && lastSliceReport != sink.BytesWritten)
            {
                SliceProgress(index, sink.BytesWritten, length ?? -1);
            }

            return new SliceOutcome(sink.Crc, sink.BytesWritten, result);
        }

        private SlicedDownloadResult Finish(SliceOutcome[] outcomes, bool single, bool gzip, TimeSpan elapsed)
        {
            long?[] generations = outcomes.Select(o => o.Result.Generation).Where(g => g.HasValue).Distinct().ToArray();
            if (generations.Length > 1 || (Generation.HasValue && generations.Length == 1 && generations[0] != Generation))
            {
                throw new InvalidResponseException(
                    $"{Label} changed during the download: the slices came from generations {string.Join(", ", generations.Select(g => g.ToString()))}"
                    + (Generation.HasValue ? $" (expected {Generation})" : string.Empty) + ". The file mixes two versions; download it again.",
                    null,
                    objectName: Label);
            }

            Generation ??= generations.FirstOrDefault();
            TotalBytes ??= outcomes[0].Result.TotalBytes;
            long bytesDownloaded = outcomes.Sum(o => o.Result.BytesDownloaded);
            long bytesWritten = outcomes.Sum(o => o.Written);
            int retries = outcomes.Sum(o => o.Result.Retries);
            ReportTotal(Interlocked.Read(ref _bytesWritten), force: true);

            string? expected;
            string? actual;
            bool verified;
            if (gzip)
            {
                // The file holds decoded bytes; the whole Download validated the stored (wire) bytes against x-goog-hash.
                DownloadResult r = outcomes[0].Result;
                expected = r.ExpectedChecksum ?? ExpectedCrc32c;
                actual = r.ActualChecksum;
                verified = r.ChecksumVerified;
            }
            else
            {
                uint combined = outcomes[0].Crc;
                for (int i = 1; i < outcomes.Length; i++)
                {
                    combined = Crc32cHasher.Combine(combined, outcomes[i].Crc, outcomes[i].Written);
                }

                actual = Crc32cHasher.ToBase64(combined);
                expected = ExpectedCrc32c ?? (single ? outcomes[0].Result.ExpectedChecksum : null);
                verified = false;
                if (expected != null)
                {
                    if (!TryParseCrc(expected, out uint expectedValue) || expectedValue != combined)
                    {
                        throw new DataCorruptionException(
                            $"Checksum mismatch in the sliced download of {Label}: the object's crc32c is {expected}, the {outcomes.Length} slice(s) "
                            + $"combine to {actual} over {bytesWritten} bytes. The file {DestinationPath} is not a valid copy; delete it and download again.",
                            ChecksumType.Crc32c,
                            expected,
                            actual,
                            bytesDownloaded,
                            Label);
                    }

                    verified = true;
                }
                else if (single && outcomes[0].Result.ChecksumVerified)
                {
                    verified = true;
                }
            }

            return new SlicedDownloadResult(
                Label,
                DestinationPath,
                bytesDownloaded,
                bytesWritten,
                TotalBytes,
                Generation,
                outcomes.Length,
                SliceSize,
                expected,
                actual,
                verified,
                retries,
                elapsed);
        }

        private async Task<ObjectResource> FetchMetadataAsync(HttpClient client, CancellationToken cancellationToken)
        {
            string url = _urls!.ObjectMetadata(Object!);
            return await RetryStrategy.ExecuteAsync(
                async token =>
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, url);
                    foreach (KeyValuePair<string, string> header in Headers)
                    {
                        if (!string.Equals(header.Key, "range", StringComparison.OrdinalIgnoreCase))
                        {
                            request.Headers.TryAddWithoutValidation(header.Key, header.Value);
                        }
                    }

                    using HttpResponseMessage response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token).ConfigureAwait(false);
                    int status = (int)response.StatusCode;
                    if (status != 200)
                    {
                        string? body = await DownloadHelpers.ReadErrorBodyAsync(response, token).ConfigureAwait(false);
                        throw InvalidResponseException.UnexpectedStatus(status, new[] { 200 }, Label, DownloadHelpers.DiagnosticHeaders(response), body);
                    }

                    string text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
                    if (!ObjectResource.TryParse(text, out ObjectResource? resource))
                    {
                        throw new InvalidResponseException(
                            $"The metadata of {Label} is not a JSON object resource.", status, bodyExcerpt: text, objectName: Label);
                    }

                    return resource!;
                },
                cancellationToken,
                onRetry: e => OnRetry?.Invoke(-1, e)).ConfigureAwait(false);
        }

        private void ReportTotal(long total, bool force = false)
        {
            if (Progress == null)
            {
                return;
            }

            lock (_progressGate)
            {
                bool due = total > _lastReported
                    && (force || total - Math.Max(0, _lastReported) >= ProgressInterval || total == TotalBytes);
                if (due)
                {
                    _lastReported = total;
                    Progress.Report(total);
                }
            }
        }

        private static bool TryParseCrc(string value, out uint crc)
        {
            try
            {
                crc = Crc32cHasher.FromBase64(value);
                return true;
            }
            catch (FormatException)
            {
                crc = 0;
                return false;
            }
        }

        private static string CheckPath(string path)
        {
            if (string.IsNullOrEmpty(path))
            {
                throw new ArgumentException("A destination file path is required.", nameof(path));
            }

            return Path.GetFullPath(path);
        }

        private static IDictionary<string, string> CopyHeaders(IDictionary<string, string>? headers)
        {
            var copy = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            if (headers != null)
            {
                foreach (KeyValuePair<string, string> header in headers)
                {
                    copy[header.Key] = header.Value;
                }
            }

            return copy;
        }

        private static string UrlLabel(string? url)
        {
            if (url == null)
            {
                return "the object";
            }

            int query = url.IndexOf('?');
            return query < 0 ? url : url.Substring(0, query);
        }

        private readonly struct SliceOutcome
        {
            public SliceOutcome(uint crc, long written, DownloadResult result)
            {
                Crc = crc;
                Written = written;
                Result = result;
            }

            public uint Crc { get; }

            public long Written { get; }

            public DownloadResult Result { get; }
        }

        /// <summary>
        /// Where one slice's bytes go: its own file handle positioned at the slice's offset, a running CRC32C, a byte
        /// count, and a guard against writing past the slice. Not seekable, so a resumed response that restarts at byte 0
        /// is skipped by <see cref="Download"/> instead of rewinding (and truncating) the shared file.
        /// </summary>
        private sealed class SliceWriteStream : Stream
        {
            private readonly Stream _file;
            private readonly long? _limit;
            private readonly Action<int, long> _onWrite;
            private readonly Crc32cHasher _crc = new Crc32cHasher();

            public SliceWriteStream(Stream file, long? limit, Action<int, long> onWrite)
            {
                _file = file;
                _limit = limit;
                _onWrite = onWrite;
            }

            public long BytesWritten { get; private set; }

            public uint Crc => _crc.GetValue();

            public override bool CanRead => false;

            public override bool CanSeek => false;

            public override bool CanWrite => true;

            public override long Length => throw new NotSupportedException();

            public override long Position
            {
                get => BytesWritten;
                set => throw new NotSupportedException();
            }

            public override void Write(byte[] buffer, int offset, int count)
            {
                Check(count);
                _file.Write(buffer, offset, count);
                Written(new ReadOnlySpan<byte>(buffer, offset, count));
            }

            public override async Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            {
                Check(count);
                await _file.WriteAsync(buffer, offset, count, cancellationToken).ConfigureAwait(false);
                Written(new ReadOnlySpan<byte>(buffer, offset, count));
            }

#if NET8_0_OR_GREATER
            public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
            {
                Check(buffer.Length);
                await _file.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
                Written(buffer.Span);
            }
#endif

            public override void Flush() => _file.Flush();

            public override Task FlushAsync(CancellationToken cancellationToken) => _file.FlushAsync(cancellationToken);

            public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

            public override void SetLength(long value) => throw new NotSupportedException();

            protected override void Dispose(bool disposing)
            {
                if (disposing)
                {
                    _file.Dispose();
                    _crc.Dispose();
                }

                base.Dispose(disposing);
            }

            private void Check(int count)
            {
                if (_limit.HasValue && BytesWritten + count > _limit.Value)
                {
                    throw new InvalidOperationException(
                        $"A slice of {_limit.Value} bytes was sent {BytesWritten + count} bytes; the neighbouring slice is not overwritten.");
                }
            }

            private void Written(ReadOnlySpan<byte> data)
            {
                _crc.Append(data);
                BytesWritten += data.Length;
                _onWrite(data.Length, BytesWritten);
            }
        }
    }
}
