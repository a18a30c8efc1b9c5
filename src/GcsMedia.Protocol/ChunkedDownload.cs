using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace GcsMedia.Protocol
{
    /// <summary>
    /// A download in chunks of at most <see cref="ChunkSize"/> bytes, one request each (the seed's <c>ChunkedDownload</c>).
    /// Call <see cref="ConsumeNextChunkAsync"/> until <see cref="Finished"/>. Each chunk is buffered (memory = chunk size)
    /// and written only once it arrived whole, so a retried chunk re-requests the same range and nothing is written twice.
    /// Unlike the Python library, a chunked download of a whole object (start 0, no end) keeps a running crc32c/md5
    /// over the received bytes and validates it against the first chunk's x-goog-hash once every chunk arrived.
    /// </summary>
    public class ChunkedDownload : DownloadBase
    {
        private MediaHasher? _hasher;
        private bool _gotFirstResponse;
        private bool _contiguous = true;
        private (long Start, long End)? _currentRange;
        private DownloadChunkFeed? _feed;
        private Stream? _decoder;

        public ChunkedDownload(
            string mediaUrl,
            int chunkSize,
            Stream destination,
            long start = 0,
            long? end = null,
            IDictionary<string, string>? headers = null,
            ChecksumType checksum = ChecksumType.Crc32c)
            : base(mediaUrl, destination, start, end, headers)
        {
            if (start < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(start), start, "On a chunked download the start byte cannot be negative.");
            }

            if (chunkSize <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(chunkSize), chunkSize, "The chunk size must be positive.");
            }

            if (end.HasValue && end.Value < start)
            {
                throw new ArgumentOutOfRangeException(nameof(end), end, "The end byte cannot be before the start byte.");
            }

            if (checksum != ChecksumType.None && checksum != ChecksumType.Crc32c && checksum != ChecksumType.Md5)
            {
                throw new ArgumentOutOfRangeException(nameof(checksum), checksum, "checksum must be Crc32c, Md5 or None");
            }

            ChunkSize = chunkSize;
            ChecksumType = checksum;
            Generation = DownloadHelpers.GetGenerationFromUrl(mediaUrl);
        }

        public int ChunkSize { get; }

        public ChecksumType ChecksumType { get; }

        /// <summary>Wire bytes received and written so far.</summary>
        public long BytesDownloaded { get; internal set; }

        /// <summary>The object's size, from the first Content-Range; null before it.</summary>
        public long? TotalBytes { get; internal set; }

        /// <summary>True after a non-retryable failure: the object cannot be used any more.</summary>
        public bool Invalid { get; private set; }

        /// <summary>The first chunk's x-goog-hash value of <see cref="ChecksumType"/> (whole-object chunked downloads only).</summary>
        public string? ExpectedChecksum { get; private set; }

        public string? ActualChecksum { get; private set; }

        /// <summary>True when every chunk arrived and the running checksum matched x-goog-hash.</summary>
        public bool ChecksumVerified { get; private set; }

        public string? ContentEncoding { get; private set; }

        /// <summary>Receives <see cref="BytesDownloaded"/> after each chunk.</summary>
        public IProgress<long>? Progress { get; set; }

        public Action<long>? ProgressCallback { get; set; }

        /// <summary>Whether gzip-served bytes are decompressed before they are written. <see cref="RawChunkedDownload"/> says no.</summary>
        protected virtual bool DecodeGzip => true;

        /// <summary>The seed's <c>_get_byte_range</c>: (start+downloaded, min(that+chunk-1, End, TotalBytes-1)).</summary>
        public (long Start, long End) GetByteRange()
        {
            long first = (Start ?? 0) + BytesDownloaded;
            long last = first + ChunkSize - 1;
            if (End.HasValue)
            {
                last = Math.Min(last, End.Value);
            }

            if (TotalBytes.HasValue)
            {
                last = Math.Min(last, TotalBytes.Value - 1);
            }

            return (first, last);
        }

        /// <summary>
        /// Computes the next chunk's range (once: retries reuse it), sets <c>range</c> in <see cref="DownloadBase.Headers"/>
        /// and returns the request. Throws "Download has finished." / "Download is invalid and cannot be re-used.".
        /// </summary>
        public HttpRequestMessage BuildRequest()
        {
            PrepareNextChunk();
            return CreateRequest();
        }

        /// <summary>Downloads the next chunk, retrying transient failures with the same range. Returns the chunk's byte count.</summary>
        public async Task<long> ConsumeNextChunkAsync(HttpClient client, CancellationToken cancellationToken = default)
        {
            if (client == null)
            {
                throw new ArgumentNullException(nameof(client));
            }

            PrepareNextChunk();
            long before = BytesDownloaded;
            Retries = 0;
            await RetryStrategy.ExecuteAsync(
                async token =>
                {
                    using HttpRequestMessage request = CreateRequest();
                    using HttpResponseMessage response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token).ConfigureAwait(false);
                    await ProcessResponseAsync(response, token).ConfigureAwait(false);
                },
                cancellationToken,
                isRetryable: ex => !Invalid && RetryStrategy.IsTransient(ex, cancellationToken),
                onRetry: e =>
                {
                    Retries = e.RetryNumber;
                    OnRetry?.Invoke(e);
                }).ConfigureAwait(false);
            return BytesDownloaded - before;
        }

        /// <summary>Downloads every remaining chunk.</summary>
        public async Task ConsumeAllAsync(HttpClient client, CancellationToken cancellationToken = default)
        {
            while (!Finished)
            {
                await ConsumeNextChunkAsync(client, cancellationToken).ConfigureAwait(false);
            }
        }

        /// <summary>
        /// Processes one chunk response (the seed's <c>_process_response</c>): 416 + <c>bytes */0</c> finishes an empty
        /// object; status 200/206, a valid Content-Range and (without Transfer-Encoding) a matching Content-Length are
        /// required — failures mark the download invalid unless the status is retryable. The body is written only when whole.
        /// </summary>
        public async Task ProcessResponseAsync(HttpResponseMessage response, CancellationToken cancellationToken = default)
        {
            if (response == null)
            {
                throw new ArgumentNullException(nameof(response));
            }

            StatusCode = (int)response.StatusCode;
            if (DownloadHelpers.IsZeroContentRange(response, Label))
            {
                Finished = true;
                return;
            }

            if (StatusCode != 200 && StatusCode != 206)
            {
                string? errorBody = await DownloadHelpers.ReadErrorBodyAsync(response, cancellationToken).ConfigureAwait(false);
                DownloadHelpers.RequireStatusCode(response, DownloadHelpers.AcceptableStatusCodes, MakeInvalid, Label, errorBody);
            }

            Generation ??= DownloadHelpers.ParseGenerationHeader(response);
            (long start, long end, long total) = DownloadHelpers.GetRangeInfo(response, MakeInvalid, Label);
            bool chunkedEncoding = DownloadHelpers.GetHeader(response, "transfer-encoding") != null;
            long expectedLength;
            if (chunkedEncoding)
            {
                expectedLength = end - start + 1;
            }
            else
            {
                string lengthHeader = response.Content?.Headers.ContentLength?.ToString()
                    ?? DownloadHelpers.RequireHeader(response, "content-length", MakeInvalid, Label);
                expectedLength = DownloadHelpers.ParseLong(lengthHeader) ?? -1;
            }

            (byte[] body, int bodyLength) = await ReadBodyAsync(response, Math.Max(expectedLength, end - start + 1), Math.Max(ChunkSize, 1 << 20), cancellationToken).ConfigureAwait(false);
            try
            {
                await ConsumeBodyAsync(response, body, bodyLength, chunkedEncoding, expectedLength, start, end, total, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(body);
            }
        }

        private async Task ConsumeBodyAsync(
            HttpResponseMessage response, byte[] body, int bodyLength, bool chunkedEncoding, long expectedLength, long start, long end, long total,
            CancellationToken cancellationToken)
        {
            if (!chunkedEncoding && bodyLength != expectedLength)
            {
                MakeInvalid();
                throw new InvalidResponseException(
                    $"Response is different size than content-length: {bodyLength} bytes received, content-length {expectedLength}, for {Label}.",
                    StatusCode,
                    responseHeaders: DownloadHelpers.DiagnosticHeaders(response),
                    objectName: Label);
            }

            if (!_gotFirstResponse)
            {
                _gotFirstResponse = true;
                ContentEncoding = DownloadHelpers.GetHeader(response, "content-encoding");
                if ((Start ?? 0) == 0 && End == null && !DownloadHelpers.IsDecompressiveTranscoding(response))
                {
                    ExpectedChecksum = DownloadHelpers.GetExpectedChecksum(response, ChecksumType, Label, out _hasher);
                }
            }

            if (_currentRange.HasValue && start != _currentRange.Value.Start)
            {
                _contiguous = false;
            }

            _hasher?.Append(body, 0, bodyLength);
            await WriteAsync(body, bodyLength, response, cancellationToken).ConfigureAwait(false);
            BytesDownloaded += bodyLength;
            TotalBytes ??= total;
            if ((End.HasValue && end >= End.Value) || end >= total - 1)
            {
                Finished = true;
                await FinishDecoderAsync(cancellationToken).ConfigureAwait(false);
                ValidateChecksum();
            }

            Progress?.Report(BytesDownloaded);
            ProgressCallback?.Invoke(BytesDownloaded);
        }

        internal void MakeInvalid() => Invalid = true;

        private void PrepareNextChunk()
        {
            if (Finished)
            {
                throw new InvalidOperationException("Download has finished.");
            }

            if (Invalid)
            {
                throw new InvalidOperationException("Download is invalid and cannot be re-used.");
            }

            _currentRange = GetByteRange();
            Headers["range"] = $"bytes={_currentRange.Value.Start}-{_currentRange.Value.End}";
        }

        private HttpRequestMessage CreateRequest()
        {
            string url = MediaUrl;
            if (Generation.HasValue && DownloadHelpers.GetGenerationFromUrl(url) == null && _gotFirstResponse)
            {
                url = DownloadHelpers.AddQueryParameters(url, new[] { new KeyValuePair<string, string>("generation", Generation.Value.ToString()) });
            }

            var request = new HttpRequestMessage(HttpMethod.Get, url);
            string? range = _currentRange.HasValue ? $"bytes={_currentRange.Value.Start}-{_currentRange.Value.End}" : null;
            ApplyHeaders(request, Headers, range);
            return request;
        }

        /// <summary>
        /// Reads the body into a pooled buffer (return it to <see cref="ArrayPool{T}.Shared"/>): at most one byte past
        /// what is expected — enough to detect an oversized body, with memory bounded by the chunk. No per-chunk
        /// allocation of the chunk's size and no extra copy.
        /// </summary>
        private static async Task<(byte[] Buffer, int Length)> ReadBodyAsync(HttpResponseMessage response, long expected, int initialCapacity, CancellationToken cancellationToken)
        {
            int capacity = (int)Math.Min(Math.Max(0, expected), int.MaxValue - 64);
            using Stream body = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
            // A (hostile) header may claim far more than will come: start at the chunk size and grow as bytes arrive.
            byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Max(Math.Min(capacity, initialCapacity), 1));
            try
            {
                int filled = 0;
                while (filled < capacity)
                {
                    if (filled == buffer.Length)
                    {
                        byte[] larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(capacity, (long)buffer.Length * 2));
                        Buffer.BlockCopy(buffer, 0, larger, 0, filled);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }

                    int n = await body.ReadAsync(buffer, filled, Math.Min(capacity, buffer.Length) - filled, cancellationToken).ConfigureAwait(false);
                    if (n == 0)
                    {
                        return (buffer, filled);
                    }

                    filled += n;
                }

                // Everything expected arrived: one more byte means the body is too long.
                if (await body.ReadAsync(buffer, filled, buffer.Length > filled ? 1 : 0, cancellationToken).ConfigureAwait(false) > 0
                    || (buffer.Length == filled && await HasMoreAsync(body, cancellationToken).ConfigureAwait(false)))
                {
                    filled++;
                }

                return (buffer, filled);
            }
            catch
            {
                ArrayPool<byte>.Shared.Return(buffer);
                throw;
            }
        }

        private static async Task<bool> HasMoreAsync(Stream body, CancellationToken cancellationToken)
        {
            byte[] one = new byte[1];
            return await body.ReadAsync(one, 0, 1, cancellationToken).ConfigureAwait(false) > 0;
        }

        private async Task WriteAsync(byte[] body, int length, HttpResponseMessage response, CancellationToken cancellationToken)
        {
            bool gzip = DecodeGzip && string.Equals(DownloadHelpers.GetHeader(response, "content-encoding"), "gzip", StringComparison.OrdinalIgnoreCase);
            if (!gzip)
            {
                await Destination.WriteAsync(body, 0, length, cancellationToken).ConfigureAwait(false);
                return;
            }

            _feed ??= new DownloadChunkFeed();
            _decoder ??= new GZipStream(_feed, CompressionMode.Decompress, leaveOpen: true);
            byte[] exact = new byte[length]; // the feed holds on to it until the next chunk; the pooled buffer goes back
            Buffer.BlockCopy(body, 0, exact, 0, length);
            _feed.Push(exact);
            await DrainDecoderAsync(cancellationToken).ConfigureAwait(false);
        }

        private async Task DrainDecoderAsync(CancellationToken cancellationToken)
        {
            var output = new byte[64 * 1024];
            while (true)
            {
                int n = await _decoder!.ReadAsync(output, 0, output.Length, cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    return;
                }

                await Destination.WriteAsync(output, 0, n, cancellationToken).ConfigureAwait(false);
            }
        }

        private async Task FinishDecoderAsync(CancellationToken cancellationToken)
        {
            if (_decoder != null)
            {
                await DrainDecoderAsync(cancellationToken).ConfigureAwait(false);
                _decoder.Dispose();
                _decoder = null;
            }

            await Destination.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        private void ValidateChecksum()
        {
            if (_hasher == null || ExpectedChecksum == null || !_contiguous)
            {
                return;
            }

            string actual = _hasher.GetBase64();
            ActualChecksum = actual;
            if (!string.Equals(actual, ExpectedChecksum, StringComparison.Ordinal))
            {
                MakeInvalid();
                throw DataCorruptionException.ForDownload(ChecksumType, ExpectedChecksum, actual, BytesDownloaded, Label);
            }

            ChecksumVerified = true;
        }
    }
}
