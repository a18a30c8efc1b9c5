using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Net.Http;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;

namespace GcsMedia.Protocol
{
    /// <summary>
    /// A whole or ranged media download into a stream (the seed's <c>Download</c>), with resume on transient failures.
    /// <list type="bullet">
    /// <item>Always sends <c>Accept-Encoding: gzip</c>; bytes are hashed as received on the wire. A gzip-served
    /// object (<c>Content-Encoding: gzip</c>) is decompressed for the caller (<see cref="RawDownload"/> keeps the gzip bytes).</item>
    /// <item>A whole download (no Start/End) is validated against the x-goog-hash of the first 2xx response — also
    /// after a resume, unlike the Python library. Missing hash: <see cref="ChecksumVerified"/> stays false.</item>
    /// <item>Mid-stream failures resume with <c>Range: bytes=&lt;first+downloaded&gt;-&lt;last&gt;</c> and the generation pinned.</item>
    /// </list>
    /// </summary>
    public class Download : DownloadBase
    {
        /// <summary>Progress is reported at most once per this many bytes (and once at the end).</summary>
        public const int ProgressInterval = 64 * 1024;

        /// <summary>
        /// Size of each of the two pooled copy buffers. Reads fill one while the other is written, so the socket, the
        /// hash and the destination's write overlap. Measured on loopback into a file: 128 KiB beats both 64 KiB
        /// (more, smaller writes) and 1 MiB (the buffer falls out of the CPU cache between the socket copy and the
        /// file copy: 1 MiB buffers ran at a third of the speed).
        /// </summary>
        private const int BufferSize = 128 * 1024;

        private readonly DownloadWireStream _wire = new DownloadWireStream();
        private Stream? _decoder;
        private bool _gotFirstResponse;
        private bool _inProgress;
        private bool _transcoded;
        private int _attempts;
        private long _firstByte;
        private long? _lastByte;
        private long? _storedContentLength;
        private long _destinationOrigin = -1;
        private long _lastReported = -1;

        public Download(
            string mediaUrl,
            Stream destination,
            long? start = null,
            long? end = null,
            IDictionary<string, string>? headers = null,
            ChecksumType checksum = ChecksumType.Crc32c)
            : base(mediaUrl, destination, start, end, headers)
        {
            if (checksum != ChecksumType.None && checksum != ChecksumType.Crc32c && checksum != ChecksumType.Md5)
            {
                throw new ArgumentOutOfRangeException(nameof(checksum), checksum, "checksum must be Crc32c, Md5 or None");
            }

            if (start.HasValue && end.HasValue && (start.Value < 0 || end.Value < start.Value))
            {
                throw new ArgumentException($"Invalid byte range {start}-{end}: a suffix (negative start) takes no end, and end must be ≥ start.");
            }

            ChecksumType = checksum;
            Generation = DownloadHelpers.GetGenerationFromUrl(mediaUrl);
        }

        public ChecksumType ChecksumType { get; }

        /// <summary>Receives the bytes downloaded so far, at most every <see cref="ProgressInterval"/> bytes and at the end.</summary>
        public IProgress<long>? Progress { get; set; }

        /// <summary>Same as <see cref="Progress"/>, as a delegate.</summary>
        public Action<long>? ProgressCallback { get; set; }

        /// <summary>Bytes received from the server (wire bytes, i.e. compressed for a gzip-served object), kept so far.</summary>
        public long BytesDownloaded => _wire.BytesRead;

        /// <summary>Bytes written to <see cref="DownloadBase.Destination"/> (decompressed, for a decoded gzip object).</summary>
        public long BytesWritten { get; private set; }

        /// <summary>The object's size in stored bytes, when the server said (Content-Range total, Content-Length of a 200, x-goog-stored-content-length).</summary>
        public long? TotalBytes { get; private set; }

        /// <summary>How many wire bytes this download expects (the range's length), when known.</summary>
        public long? ExpectedBytes { get; private set; }

        /// <summary>The x-goog-hash value of <see cref="ChecksumType"/> to validate against (whole downloads only), or null.</summary>
        public string? ExpectedChecksum { get; private set; }

        /// <summary>The checksum computed over the received bytes, once the download ended (whole downloads with a hasher).</summary>
        public string? ActualChecksum { get; private set; }

        /// <summary>True when the bytes were validated against the server's checksum.</summary>
        public bool ChecksumVerified { get; private set; }

        /// <summary>The first 2xx response's Content-Range, raw.</summary>
        public string? ContentRange { get; private set; }

        public string? ContentEncoding { get; private set; }

        public string? StoredContentEncoding { get; private set; }

        /// <summary>True when the server decompressed a gzip-stored object (decompressive transcoding): not validated.</summary>
        public bool Transcoded => _transcoded;

        /// <summary>Whether gzip-served bytes are decompressed before they are written. <see cref="RawDownload"/> says no.</summary>
        protected virtual bool DecodeGzip => true;

        /// <summary>Builds the first request (GET, caller headers, Range per start/end, Accept-Encoding: gzip).</summary>
        public HttpRequestMessage BuildRequest()
        {
            if (Finished)
            {
                throw new InvalidOperationException("A download can only be used once.");
            }

            return BuildAttemptRequest();
        }

        /// <summary>
        /// Sends the request (retrying transient failures per <see cref="DownloadBase.RetryStrategy"/>, resuming where
        /// the body broke off) and writes the body to the destination.
        /// </summary>
        public async Task<DownloadResult> ConsumeAsync(HttpClient client, CancellationToken cancellationToken = default)
        {
            if (client == null)
            {
                throw new ArgumentNullException(nameof(client));
            }

            if (Finished || _inProgress)
            {
                throw new InvalidOperationException("A download can only be used once.");
            }

            _inProgress = true;
            Retries = 0;
            try
            {
                await RetryStrategy.ExecuteAsync(
                    async token =>
                    {
                        using HttpRequestMessage request = BuildAttemptRequest();
                        using HttpResponseMessage response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token).ConfigureAwait(false);
                        await ProcessResponseAsync(response, token).ConfigureAwait(false);
                    },
                    cancellationToken,
                    onRetry: e =>
                    {
                        Retries = e.RetryNumber;
                        OnRetry?.Invoke(e);
                    }).ConfigureAwait(false);
            }
            finally
            {
                _inProgress = false;
                _decoder?.Dispose();
                _decoder = null;
                _wire.Detach();
            }

            return ToResult();
        }

        /// <summary>
        /// Processes one response: marks the download finished (even when the status is bad), checks the status
        /// (200/206), reconciles a resumed body with what was already received, writes the body and, at the end of a
        /// whole download, validates the checksum. Transient problems surface as <see cref="IOException"/> or a
        /// retryable <see cref="InvalidResponseException"/> so the caller can retry with the next <see cref="BuildRequest"/>.
        /// </summary>
        public async Task ProcessResponseAsync(HttpResponseMessage response, CancellationToken cancellationToken = default)
        {
            if (response == null)
            {
                throw new ArgumentNullException(nameof(response));
            }

            Finished = true;
            StatusCode = (int)response.StatusCode;
            if (StatusCode != 200 && StatusCode != 206)
            {
                string? errorBody = await DownloadHelpers.ReadErrorBodyAsync(response, cancellationToken).ConfigureAwait(false);
                DownloadHelpers.RequireStatusCode(response, DownloadHelpers.AcceptableStatusCodes, null, Label, errorBody);
            }

            Generation ??= DownloadHelpers.ParseGenerationHeader(response);
            string? contentRange = DownloadHelpers.GetHeader(response, "content-range");
            bool hasRange = DownloadHelpers.TryParseContentRange(contentRange, out long rangeStart, out long rangeEnd, out long? rangeTotal);
            if (StatusCode == 206 && !hasRange)
            {
                DownloadHelpers.RequireHeader(response, "content-range", null, Label);
                throw new InvalidResponseException(
                    $"Unexpected content-range header '{contentRange}' on a 206 response for {Label}.",
                    StatusCode,
                    responseHeaders: DownloadHelpers.DiagnosticHeaders(response),
                    objectName: Label);
            }

            bool transcoding = DownloadHelpers.IsDecompressiveTranscoding(response);
            string? contentEncoding = DownloadHelpers.GetHeader(response, "content-encoding");
            long bodyStart = hasRange ? rangeStart : 0;
            if (!_gotFirstResponse)
            {
                InitializeFromFirstResponse(response, contentRange, hasRange, rangeStart, rangeEnd, rangeTotal, transcoding, contentEncoding);
            }
            else if (transcoding)
            {
                _transcoded = true;
            }

            long wanted = _firstByte + _wire.BytesRead;
            if (bodyStart > wanted)
            {
                throw new InvalidResponseException(
                    $"The server resumed {Label} at byte {bodyStart}, but byte {wanted} was expected.",
                    StatusCode,
                    responseHeaders: DownloadHelpers.DiagnosticHeaders(response),
                    objectName: Label);
            }

            if (bodyStart < wanted && bodyStart == 0 && !hasRange && Destination.CanSeek && _destinationOrigin >= 0)
            {
                // storage-testbench (and transcoding GCS) answer a resumed request with the whole object: start over.
                RestartFromZero();
                wanted = _firstByte;
            }

            long skip = wanted - bodyStart;
            long? remaining = _lastByte.HasValue ? _lastByte.Value - wanted + 1 : (long?)null;
            bool decode = DecodeGzip && string.Equals(contentEncoding, "gzip", StringComparison.OrdinalIgnoreCase);

            using Stream body = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
            _wire.SetSource(body, skip, remaining);
            Stream source = _wire;
            if (decode)
            {
                _decoder ??= new GZipStream(_wire, CompressionMode.Decompress, leaveOpen: true);
                source = _decoder;
            }

            await CopyToDestinationAsync(source, cancellationToken).ConfigureAwait(false);

            _wire.Detach();
            await Destination.FlushAsync(cancellationToken).ConfigureAwait(false);

            if (ExpectedBytes.HasValue && _wire.BytesRead < ExpectedBytes.Value)
            {
                throw new IOException(
                    $"The response body for {Label} ended after {_wire.BytesRead} of {ExpectedBytes.Value} bytes.");
            }

            ValidateChecksum();
            ReportProgress(force: true);
        }

        /// <summary>
        /// Copies the body to <see cref="DownloadBase.Destination"/> with two pooled buffers: while one full buffer is
        /// being written, the next is read (and hashed by the wire stream). Every byte read is written before this
        /// returns or throws (a failed read still keeps what came before it; a failed write ends the copy at once), so the resume offset
        /// (<see cref="BytesDownloaded"/>) always matches the destination.
        /// </summary>
        private async Task CopyToDestinationAsync(Stream source, CancellationToken cancellationToken)
        {
            byte[] current = ArrayPool<byte>.Shared.Rent(BufferSize);
            byte[] spare = ArrayPool<byte>.Shared.Rent(BufferSize);
            PendingWrite pending = default!;
            bool writing = false;
            int writingCount = 0;
            int filled = 0;
            ExceptionDispatchInfo? readFailure = null;
            try
            {
                while (true)
                {
                    // Reads ask for at most ProgressInterval bytes so progress stays as fine-grained as documented; a
                    // socket read rarely returns more anyway. Writes go out a full buffer at a time.
                    int n;
                    try
                    {
                        n = await StreamReads.ReadAsync(source, new Memory<byte>(current, filled, Math.Min(ProgressInterval, current.Length - filled)), cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception ex)
                    {
                        readFailure = ExceptionDispatchInfo.Capture(ex);
                        break;
                    }

                    if (n == 0)
                    {
                        break;
                    }

                    filled += n;
                    if (filled == current.Length)
                    {
                        if (writing)
                        {
                            writing = false;
                            await pending.ConfigureAwait(false);
                            BytesWritten += writingCount;
                        }

                        pending = StreamWrites.WriteAsync(Destination, current, filled, cancellationToken);
                        writing = true;
                        writingCount = filled;
                        (current, spare) = (spare, current);
                        filled = 0;
                    }
                }

                // A failed read still keeps the bytes received before it (and a cancelled token does not stop that last
                // write), unless a write failed too: after a failed write the file's position is not to be trusted.
                if (writing)
                {
                    writing = false;
                    try
                    {
                        await pending.ConfigureAwait(false);
                    }
                    catch (Exception) when (readFailure != null)
                    {
                        readFailure.Throw();
                    }

                    BytesWritten += writingCount;
                }

                if (filled > 0)
                {
                    await StreamWrites.WriteAsync(Destination, current, filled, readFailure == null ? cancellationToken : CancellationToken.None).ConfigureAwait(false);
                    BytesWritten += filled;
                }

                readFailure?.Throw();
            }
            finally
            {
                if (writing)
                {
                    // Never return a buffer that is still being written (observing any failure of that write).
                    try
                    {
                        await pending.ConfigureAwait(false);
                    }
                    catch (Exception)
                    {
                    }
                }

                ArrayPool<byte>.Shared.Return(current);
                ArrayPool<byte>.Shared.Return(spare);
            }
        }

        /// <summary>A summary of the download so far (complete once <see cref="ConsumeAsync"/> returned).</summary>
        public DownloadResult ToResult() => new DownloadResult(
            StatusCode ?? 0,
            BytesDownloaded,
            BytesWritten,
            TotalBytes,
            Generation,
            ContentRange,
            ChecksumType,
            ExpectedChecksum,
            ActualChecksum,
            ChecksumVerified,
            ContentEncoding,
            StoredContentEncoding,
            Retries);

        internal HttpRequestMessage BuildAttemptRequest()
        {
            string url = MediaUrl;
            string? range;
            if (_attempts == 0)
            {
                DownloadHelpers.AddBytesRange(Start, End, Headers);
                range = DownloadHelpers.FormatBytesRange(Start, End);
            }
            else
            {
                if (_wire.BytesRead > 0 && _gotFirstResponse)
                {
                    long next = _firstByte + _wire.BytesRead;
                    range = $"bytes={next}-{(_lastByte.HasValue ? _lastByte.Value.ToString() : string.Empty)}";
                }
                else
                {
                    range = DownloadHelpers.FormatBytesRange(Start, End);
                }

                if (Generation.HasValue && DownloadHelpers.GetGenerationFromUrl(url) == null)
                {
                    url = DownloadHelpers.AddQueryParameters(url, new[] { new KeyValuePair<string, string>("generation", Generation.Value.ToString()) });
                }
            }

            _attempts++;
            var request = new HttpRequestMessage(HttpMethod.Get, url);
            ApplyHeaders(request, Headers, range);
            return request;
        }

        private void InitializeFromFirstResponse(
            HttpResponseMessage response,
            string? contentRange,
            bool hasRange,
            long rangeStart,
            long rangeEnd,
            long? rangeTotal,
            bool transcoding,
            string? contentEncoding)
        {
            _gotFirstResponse = true;
            _transcoded = transcoding;
            ContentRange = contentRange;
            ContentEncoding = contentEncoding;
            StoredContentEncoding = DownloadHelpers.GetHeader(response, "x-goog-stored-content-encoding");
            _storedContentLength = DownloadHelpers.ParseLong(DownloadHelpers.GetHeader(response, "x-goog-stored-content-length"));
            long? contentLength = transcoding ? null : response.Content?.Headers.ContentLength;

            if (hasRange)
            {
                _firstByte = rangeStart;
                _lastByte = rangeEnd;
                TotalBytes = rangeTotal;
            }
            else
            {
                // A 200 without Content-Range carries the object from byte 0 (Range ignored, e.g. transcoding).
                TotalBytes = contentLength ?? (transcoding ? null : _storedContentLength);
                if (contentLength.HasValue && _storedContentLength.HasValue && contentLength.Value < _storedContentLength.Value
                    && !IsGzip(contentEncoding))
                {
                    // A whole-object 200 shorter than the stored object is a truncated body, not the object: expect
                    // every stored byte, so the short body is resumed instead of silently accepted.
                    TotalBytes = _storedContentLength;
                }
                if (Start.HasValue && Start.Value < 0)
                {
                    _firstByte = TotalBytes.HasValue ? Math.Max(0, TotalBytes.Value + Start.Value) : 0;
                }
                else
                {
                    _firstByte = Start ?? 0;
                }

                _lastByte = End ?? (TotalBytes.HasValue ? TotalBytes.Value - 1 : (long?)null);
            }

            if (TotalBytes == null && !transcoding)
            {
                TotalBytes = _storedContentLength;
            }

            ExpectedBytes = _lastByte.HasValue ? Math.Max(0, _lastByte.Value - _firstByte + 1) : (long?)null;

            bool whole = Start == null && End == null;
            if (whole && !transcoding)
            {
                ExpectedChecksum = DownloadHelpers.GetExpectedChecksum(response, ChecksumType, Label, out MediaHasher? hasher);
                _wire.Hasher = hasher;
            }

            _wire.OnBytes = _ => ReportProgress(force: false);
            _destinationOrigin = Destination.CanSeek ? Destination.Position : -1;
        }

        private void RestartFromZero()
        {
            Destination.Position = _destinationOrigin;
            Destination.SetLength(_destinationOrigin);
            _wire.BytesRead = 0;
            BytesWritten = 0;
            _lastReported = -1;
            if (_wire.Hasher != null)
            {
                _wire.Hasher.Dispose();
                _wire.Hasher = MediaHasher.Create(ChecksumType);
            }

            _decoder?.Dispose();
            _decoder = null;
        }

        private void ValidateChecksum()
        {
            if (ExpectedChecksum == null || _wire.Hasher == null || _transcoded)
            {
                return;
            }

            string actual = _wire.Hasher.GetBase64();
            ActualChecksum = actual;
            if (string.Equals(actual, ExpectedChecksum, StringComparison.Ordinal))
            {
                ChecksumVerified = true;
                return;
            }

            if (_storedContentLength.HasValue && _wire.BytesRead < _storedContentLength.Value && !IsGzip(StoredContentEncoding))
            {
                // A truncated body, not corruption: the retry resumes where it broke off (the hash continues).
                ActualChecksum = null;
                RecreateHasherAfterRead();
                throw new IOException(
                    $"The response body for {Label} ended after {_wire.BytesRead} of {_storedContentLength.Value} bytes.");
            }

            throw DataCorruptionException.ForDownload(ChecksumType, ExpectedChecksum, actual, _wire.BytesRead, Label);
        }

        private void RecreateHasherAfterRead()
        {
#if !NET8_0_OR_GREATER
            // On netstandard2.0, reading an md5 value resets it: a resume would hash a suffix only. Restart is safer.
            if (ChecksumType == ChecksumType.Md5 && Destination.CanSeek && _destinationOrigin >= 0)
            {
                RestartFromZero();
            }
#endif
        }

        private void ReportProgress(bool force)
        {
            long bytes = _wire.BytesRead;
            if (!force && bytes - Math.Max(0, _lastReported) < ProgressInterval)
            {
                return;
            }

            if (bytes == _lastReported)
            {
                return;
            }

            _lastReported = bytes;
            Progress?.Report(bytes);
            ProgressCallback?.Invoke(bytes);
        }

        private static bool IsGzip(string? encoding) => string.Equals(encoding, "gzip", StringComparison.OrdinalIgnoreCase);
    }
}
