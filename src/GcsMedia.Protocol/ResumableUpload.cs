using System;
using System.Buffers;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net.Http;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;

namespace GcsMedia.Protocol
{
    /// <summary>
    /// A resumable upload (google-resumable-media's ResumableUpload, with the improvements of spec §7):
    /// <see cref="InitiateAsync"/> opens a session, <see cref="TransmitNextChunkAsync"/> sends one chunk
    /// (PUT + Content-Range), <see cref="RecoverAsync"/> asks the server how much it kept. Transient failures
    /// of a chunk are retried by querying the session status and resending from the server's offset.
    /// A seekable source of known size is streamed from the source piece by piece (256 KiB of memory whatever the
    /// chunk size); any other source is read a chunk at a time into a pooled buffer. The session URI (<see cref="ResumableUrl"/>) is a
    /// bearer capability: it never appears in a message or in ToString().
    /// </summary>
    public sealed class ResumableUpload : UploadBase, IDisposable
    {
        /// <summary>Chunk sizes must be positive multiples of this (256 KiB).</summary>
        public const int ChunkGranularity = 262144;

        public const string MetadataContentType = "application/json; charset=UTF-8";

        private static readonly int[] InitiateOk = { 200, 201 };
        private static readonly int[] ChunkOk = { 200, 201, 308 };
        private static readonly int[] RecoverOk = { 308, 200, 201 };
        private static readonly int[] CancelOk = { 499, 204, 200 };
        private static readonly Regex RangePattern = new Regex(@"^bytes=0-(\d+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        private Stream? _stream;
        private MediaHasher? _hasher;
        private long _bytesChecksummed;
        private string? _finalChecksum;
        private byte[]? _buffer;
        private long _bufferStart;
        private int _bufferCount;
        private long _chunkStart;
        private int _chunkLength;
        private byte[]? _initiateBody;
        private int _chunksWithoutProgress;

        /// <summary>How many chunks in a row may be answered 308 without the server keeping a new byte before the upload fails.</summary>
        private const int MaxChunksWithoutProgress = 5;

        public ResumableUpload(
            HttpClient client,
            string uploadUrl,
            int chunkSize,
            ChecksumType checksumType = ChecksumType.Crc32c,
            IDictionary<string, string>? headers = null,
            RetryStrategy? retryStrategy = null)
            : this(client, uploadUrl, chunkSize, checksumType, headers, retryStrategy, validateChunkSize: true)
        {
        }

        private ResumableUpload(
            HttpClient client,
            string uploadUrl,
            int chunkSize,
            ChecksumType checksumType,
            IDictionary<string, string>? headers,
            RetryStrategy? retryStrategy,
            bool validateChunkSize)
            : base(client, uploadUrl, headers, retryStrategy)
        {
            if (chunkSize <= 0 || (validateChunkSize && chunkSize % ChunkGranularity != 0))
            {
                throw new ArgumentException(
                    $"The chunk size must be a positive multiple of {ChunkGranularity} bytes (256 KiB); {chunkSize} is not.",
                    nameof(chunkSize));
            }

            if (checksumType != ChecksumType.None)
            {
                MediaHasher.HeaderName(checksumType); // validates the enum value
            }

            ChunkSize = chunkSize;
            ChecksumType = checksumType;
        }

        /// <summary>For an object in <paramref name="bucket"/> via the JSON API; the name goes in the metadata.</summary>
        public static ResumableUpload ForBucket(
            HttpClient client, StorageUrls urls, string bucket, int chunkSize, long? ifGenerationMatch = null,
            ChecksumType checksumType = ChecksumType.Crc32c, IDictionary<string, string>? headers = null, RetryStrategy? retryStrategy = null)
            => new ResumableUpload(client, urls.Upload(bucket, "resumable", null, ifGenerationMatch), chunkSize, checksumType, headers, retryStrategy);

        /// <summary>The session URI, once initiated. A bearer capability: store it owner-only, never print it.</summary>
        public Uri? ResumableUrl { get; private set; }

        /// <summary>Bytes the server has acknowledged.</summary>
        public long BytesUploaded { get; private set; }

        /// <summary>The object's size, when known (declared, or found at the end of an unknown-size stream).</summary>
        public long? TotalBytes { get; private set; }

        /// <summary>The upload hit a non-retryable error; <see cref="RecoverAsync"/> makes it usable again.</summary>
        public bool Invalid { get; private set; }

        public int ChunkSize { get; }

        public ChecksumType ChecksumType { get; }

        /// <summary>The object's content type, sent on each chunk.</summary>
        public string? ContentType { get; private set; }

        /// <summary>Receives <see cref="BytesUploaded"/> after every acknowledgement.</summary>
        public IProgress<long>? Progress { get; set; }

        /// <summary>The upload URL is a signed URL (x-goog-signature / X-Goog-Signature in the query).</summary>
        public bool IsSignedUrl => UploadHttp.HasQueryParameter(UploadUrl, "x-goog-signature");

        /// <summary>
        /// Rebuilds an upload in a new process from its session URI and the same, seekable source: asks the
        /// server for its offset, re-reads the source prefix [0, offset) to rebuild the running checksum, and
        /// leaves the stream at the offset. Call <see cref="UploadAsync"/> to finish. A session that has already
        /// completed comes back <see cref="UploadBase.Finished"/>, its checksum validated against the whole source.
        /// </summary>
        /// <param name="totalBytes">The size declared when the session was started; null means the source's length.</param>
        public static async Task<ResumableUpload> ResumeAsync(
            HttpClient client,
            Uri sessionUri,
            Stream source,
            long? totalBytes,
            int chunkSize,
            ChecksumType checksumType = ChecksumType.Crc32c,
            string? contentType = null,
            string? objectName = null,
            IDictionary<string, string>? headers = null,
            RetryStrategy? retryStrategy = null,
            CancellationToken cancellationToken = default,
            Action<RetryEvent>? retrying = null)
        {
            if (sessionUri == null)
            {
                throw new ArgumentNullException(nameof(sessionUri));
            }

            if (source == null)
            {
                throw new ArgumentNullException(nameof(source));
            }

            if (!source.CanSeek)
            {
                throw new ArgumentException("Resuming an upload needs a seekable source (the server's offset may be anywhere).", nameof(source));
            }

            var upload = new ResumableUpload(client, sessionUri.AbsoluteUri, chunkSize, checksumType, headers, retryStrategy) { Retrying = retrying };
            upload.AttachSession(sessionUri, source, contentType, totalBytes ?? source.Length, objectName);
            await upload.RecoverAsync(cancellationToken).ConfigureAwait(false);
            if (!upload.Finished && upload._hasher != null && upload._bytesChecksummed < upload.BytesUploaded)
            {
                source.Seek(upload._bytesChecksummed, SeekOrigin.Begin);
                long hashed = await UploadHttp.HashRangeAsync(source, upload.BytesUploaded - upload._bytesChecksummed, upload._hasher, cancellationToken)
                    .ConfigureAwait(false);
                upload._bytesChecksummed += hashed;
                if (upload._bytesChecksummed != upload.BytesUploaded)
                {
                    throw new InvalidOperationException(
                        $"The source for {upload.Describe} has only {upload._bytesChecksummed} bytes, but the upload session already holds {upload.BytesUploaded}.");
                }
            }

            return upload;
        }

        /// <summary>
        /// Builds the request that opens the session. <paramref name="totalBytes"/> wins; otherwise, with
        /// <paramref name="streamFinal"/>, the (seekable) stream's length is declared; otherwise the size is unknown.
        /// </summary>
        public HttpRequestMessage BuildInitiateRequest(
            Stream stream, IDictionary<string, object?>? metadata, string contentType, long? totalBytes = null, bool streamFinal = true)
        {
            PrepareInitiate(stream, metadata, contentType, totalBytes, streamFinal);
            return CreateInitiateRequest();
        }

        /// <summary>Reads the initiate response: 200/201 and a Location header (stored as <see cref="ResumableUrl"/>).</summary>
        public async Task ProcessInitiateResponseAsync(HttpResponseMessage response, CancellationToken cancellationToken = default)
        {
            int status = (int)response.StatusCode;
            if (Array.IndexOf(InitiateOk, status) < 0)
            {
                if (!RetryStrategy.IsRetryableStatus(status))
                {
                    Invalid = true;
                }

                throw await UploadHttp.UnexpectedStatusAsync(response, InitiateOk, ObjectName, cancellationToken).ConfigureAwait(false);
            }

            string? location = response.Headers.Location?.OriginalString ?? UploadHttp.GetHeader(response, "Location");
            if (string.IsNullOrEmpty(location))
            {
                throw UploadHttp.MissingHeader(response, "location", ObjectName);
            }

            if (!Uri.TryCreate(new Uri(UploadUrl), location, out Uri? session)
                || (session.Scheme != Uri.UriSchemeHttps && session.Scheme != Uri.UriSchemeHttp))
            {
                // The value is a bearer capability: never echo it.
                throw new InvalidResponseException(
                    $"The response that opened the upload session for {Describe} has a 'location' header that is not an http(s) URL.",
                    status,
                    responseHeaders: UploadHttp.SafeHeaders(response),
                    objectName: ObjectName);
            }

            ResumableUrl = session;
        }

        /// <summary>Opens the session (retried on transient failures). The stream must be at position 0.</summary>
        public async Task InitiateAsync(
            Stream stream,
            IDictionary<string, object?>? metadata,
            string contentType,
            long? totalBytes = null,
            bool streamFinal = true,
            CancellationToken cancellationToken = default)
        {
            PrepareInitiate(stream, metadata, contentType, totalBytes, streamFinal);
            await RetryStrategy.ExecuteAsync(
                async token =>
                {
                    using HttpRequestMessage request = CreateInitiateRequest();
                    using HttpResponseMessage response = await Client.SendAsync(request, token).ConfigureAwait(false);
                    await ProcessInitiateResponseAsync(response, token).ConfigureAwait(false);
                },
                cancellationToken,
                null,
                Retrying).ConfigureAwait(false);
        }

        /// <summary>
        /// Reads the next chunk from the stream (at <see cref="BytesUploaded"/>) and builds its PUT: Content-Range
        /// per get_content_range, the caller's headers, the content type, and x-goog-hash on the final chunk.
        /// The request's body is the upload's own buffer: send it before building the next one.
        /// </summary>
        public async Task<HttpRequestMessage> BuildChunkRequestAsync(CancellationToken cancellationToken = default)
        {
            EnsureCanTransmit();
            Stream stream = _stream!;
            long start = BytesUploaded;
            long? total = TotalBytes;
            int want = total.HasValue && total.Value > 0 && start + ChunkSize >= total.Value
                ? (int)Math.Max(0, total.Value - start)
                : ChunkSize;
            _buffer ??= ArrayPool<byte>.Shared.Rent(ChunkSize);
            int n;
            if (stream.CanSeek)
            {
                if (stream.Position != start)
                {
                    throw new InvalidOperationException(
                        $"Bytes stream is in unexpected state. The local stream has had {stream.Position} bytes read from it while " +
                        $"{start} bytes have already been uploaded for {Describe} (they should match).");
                }

                n = await UploadHttp.ReadFullAsync(stream, _buffer, 0, want, cancellationToken).ConfigureAwait(false);
                _bufferStart = start;
                _bufferCount = n;
            }
            else
            {
                long bufferEnd = _bufferStart + _bufferCount;
                if (start < _bufferStart || start > bufferEnd)
                {
                    throw new InvalidOperationException(
                        $"The upload of {Describe} must continue at byte {start}, but the non-seekable stream holds bytes {_bufferStart}..{bufferEnd}. " +
                        "Start the upload again.");
                }

                int keep = (int)(bufferEnd - start);
                if (keep > 0 && start > _bufferStart)
                {
                    Buffer.BlockCopy(_buffer, (int)(start - _bufferStart), _buffer, 0, keep);
                }

                _bufferStart = start;
                _bufferCount = keep;
                if (keep < want)
                {
                    _bufferCount += await UploadHttp.ReadFullAsync(stream, _buffer, keep, want - keep, cancellationToken).ConfigureAwait(false);
                }

                n = Math.Min(want, _bufferCount);
            }

            if (total.HasValue)
            {
                if (total.Value == 0 && n > 0)
                {
                    throw new InvalidOperationException("Stream specified as empty, but produced non-empty content.");
                }

                if (total.Value > 0 && n == 0)
                {
                    throw new InvalidOperationException("Stream is already exhausted. There is no content remaining.");
                }

                if (total.Value > 0 && n < want)
                {
                    throw new InvalidOperationException(
                        $"The stream for {Describe} ended after {start + n} bytes, before the declared size of {total.Value} bytes.");
                }
            }
            else if (n < ChunkSize)
            {
                TotalBytes = total = start + n;
            }

            if (_hasher != null && start + n > _bytesChecksummed)
            {
                int skip = (int)Math.Max(0, _bytesChecksummed - start);
                _hasher.Append(_buffer, skip, n - skip);
                _bytesChecksummed = start + n;
            }

            _chunkStart = start;
            _chunkLength = n;
            var request = new HttpRequestMessage(HttpMethod.Put, ResumableUrl)
            {
                Content = new ByteArrayContent(_buffer, 0, n),
            };
            UploadHttp.SetHeaders(request, Headers);
            if (ContentType != null)
            {
                UploadHttp.SetHeader(request, "content-type", ContentType);
            }

            UploadHttp.SetHeader(request, "content-range", GetContentRange(start, start + n - 1, total));
            if (total.HasValue && start + n == total.Value)
            {
                string? checksum = TryGetFinalChecksum();
                if (checksum != null)
                {
                    UploadHttp.SetHeader(request, GoogHash.HeaderName, GoogHash.Format(ChecksumType, checksum));
                }
            }

            return request;
        }

        /// <summary>
        /// The request for a chunk of a seekable source of known size: its bytes are read, hashed and sent piece by
        /// piece (<see cref="ChunkStreamContent"/>), so the upload never holds a chunk in memory (a deliberate
        /// difference from google-resumable-media, which reads each chunk into memory; a retry reads the file again
        /// instead). The last chunk carries the whole object's checksum in its headers, so its bytes are hashed in a
        /// pass of their own before the send. Null when the chunk must be built by <see cref="BuildChunkRequestAsync"/>
        /// (a non-seekable or empty source, or a size the source does not have).
        /// </summary>
        private async Task<HttpRequestMessage?> TryBuildStreamedChunkRequestAsync(CancellationToken cancellationToken)
        {
            Stream stream = _stream!;
            long start = BytesUploaded;
            if (!stream.CanSeek || !TotalBytes.HasValue || start >= TotalBytes.Value || stream.Position != start
                || (_hasher != null && _bytesChecksummed < start))
            {
                return null;
            }

            long total = TotalBytes.Value;
            if (stream.Length < total)
            {
                Invalid = true;
                throw new InvalidOperationException(
                    $"The source for {Describe} holds {stream.Length} bytes, fewer than the declared size of {total} bytes. Was the file changed during the upload?");
            }

            int length = (int)Math.Min(ChunkSize, total - start);
            bool last = start + length == total;
            string? checksum = null;
            if (last && _hasher != null)
            {
                if (_bytesChecksummed < total)
                {
                    stream.Seek(_bytesChecksummed, SeekOrigin.Begin);
                    _bytesChecksummed += await UploadHttp.HashRangeAsync(stream, total - _bytesChecksummed, _hasher, cancellationToken).ConfigureAwait(false);
                    stream.Seek(start, SeekOrigin.Begin);
                    if (_bytesChecksummed != total)
                    {
                        Invalid = true;
                        throw new InvalidOperationException(
                            $"The stream for {Describe} ended after {_bytesChecksummed} bytes, before the declared size of {total} bytes.");
                    }
                }

                checksum = TryGetFinalChecksum();
            }

            _chunkStart = start;
            _chunkLength = length;
            var content = new ChunkStreamContent(stream, start, length, (position, piece, count) =>
            {
                long end = position + count;
                if (_hasher != null && end > _bytesChecksummed && position <= _bytesChecksummed)
                {
                    int skip = (int)(_bytesChecksummed - position);
                    _hasher.Append(piece, skip, count - skip);
                    _bytesChecksummed = end;
                }
            }, cancellationToken);
            var request = new HttpRequestMessage(HttpMethod.Put, ResumableUrl) { Content = content };
            UploadHttp.SetHeaders(request, Headers);
            if (ContentType != null)
            {
                UploadHttp.SetHeader(request, "content-type", ContentType);
            }

            UploadHttp.SetHeader(request, "content-range", GetContentRange(start, start + length - 1, total));
            if (checksum != null)
            {
                UploadHttp.SetHeader(request, GoogHash.HeaderName, GoogHash.Format(ChecksumType, checksum));
            }

            return request;
        }

        /// <summary>
        /// Reads a chunk response. 200/201: finished, object parsed, checksum validated. 308: the Range header
        /// gives the server's offset (none = 0 kept); when it kept less than was sent, the stream is rewound.
        /// Anything else: invalid (unless retryable) and <see cref="InvalidResponseException"/>.
        /// </summary>
        public async Task ProcessChunkResponseAsync(HttpResponseMessage response, CancellationToken cancellationToken = default)
        {
            int status = (int)response.StatusCode;
            if (status == 200 || status == 201)
            {
                BytesUploaded = _chunkStart + _chunkLength;
                TotalBytes ??= BytesUploaded;
                await CompleteAsync(response, cancellationToken).ConfigureAwait(false);
                return;
            }

            if (status != 308)
            {
                if (!RetryStrategy.IsRetryableStatus(status))
                {
                    Invalid = true;
                }

                throw await UploadHttp.UnexpectedStatusAsync(response, ChunkOk, ObjectName, cancellationToken).ConfigureAwait(false);
            }

            long kept;
            try
            {
                kept = ParseRange(response);
            }
            catch (InvalidResponseException)
            {
                Invalid = true;
                throw;
            }

            long sentEnd = _chunkStart + _chunkLength;
            if (kept > sentEnd)
            {
                Invalid = true;
                throw new InvalidResponseException(
                    $"The server reports {kept} bytes of {Describe} persisted, but only {sentEnd} were sent.",
                    status, ChunkOk, UploadHttp.SafeHeaders(response), objectName: ObjectName);
            }

            if (kept > _chunkStart || (_chunkLength == 0 && kept == sentEnd))
            {
                _chunksWithoutProgress = 0;
            }
            else if (++_chunksWithoutProgress > MaxChunksWithoutProgress)
            {
                Invalid = true;
                throw new InvalidResponseException(
                    $"The server made no progress on {Describe}: {_chunksWithoutProgress} chunks in a row were answered 308 " +
                    $"without keeping any new byte (it holds {kept} bytes).",
                    status, ChunkOk, UploadHttp.SafeHeaders(response), objectName: ObjectName);
            }

            BytesUploaded = kept;
            if (kept < sentEnd)
            {
                RewindTo(kept);
            }

            Progress?.Report(BytesUploaded);
        }

        /// <summary>Sends the next chunk; on a transient failure queries the session and resends from the server's offset.</summary>
        public async Task TransmitNextChunkAsync(CancellationToken cancellationToken = default)
        {
            EnsureCanTransmit();
            bool queryStatus = false;
            HttpRequestMessage? streamed = null;
            await RetryStrategy.ExecuteAsync(
                async token =>
                {
                    if (queryStatus)
                    {
                        await RecoverOnceAsync(token).ConfigureAwait(false);
                        queryStatus = false;
                        if (Finished)
                        {
                            return;
                        }
                    }

                    streamed = await TryBuildStreamedChunkRequestAsync(token).ConfigureAwait(false);
                    using HttpRequestMessage request = streamed ?? await BuildChunkRequestAsync(token).ConfigureAwait(false);
                    using HttpResponseMessage response = await Client.SendAsync(request, token).ConfigureAwait(false);
                    await ProcessChunkResponseAsync(response, token).ConfigureAwait(false);
                },
                cancellationToken,
                ex =>
                {
                    if (streamed?.Content is ChunkStreamContent content && content.SourceEndedEarly)
                    {
                        Invalid = true;
                        return false;
                    }

                    if (RetryStrategy.IsTransient(ex, cancellationToken))
                    {
                        queryStatus = true;
                        return true;
                    }

                    return false;
                },
                Retrying).ConfigureAwait(false);
        }

        /// <summary>Sends chunks until the upload finishes; returns the object resource.</summary>
        public async Task<ObjectResource?> UploadAsync(CancellationToken cancellationToken = default)
        {
            while (!Finished)
            {
                await TransmitNextChunkAsync(cancellationToken).ConfigureAwait(false);
            }

            return ObjectResource;
        }

        /// <summary>The status query: PUT with no body and only <c>content-range: bytes */*</c>.</summary>
        public HttpRequestMessage BuildRecoverRequest()
        {
            if (ResumableUrl == null)
            {
                throw new InvalidOperationException("This upload has not been initiated. Please call InitiateAsync() first.");
            }

            var request = new HttpRequestMessage(HttpMethod.Put, ResumableUrl)
            {
                Content = new ByteArrayContent(Array.Empty<byte>()),
            };
            request.Content.Headers.TryAddWithoutValidation("content-range", "bytes */*");
            return request;
        }

        /// <summary>
        /// Reads the status-query response. 308: offset from Range (none = 0), stream moved there, valid again.
        /// 200/201: the session already completed: finished, object parsed and validated (unlike Python).
        /// A malformed Range leaves the state as it was.
        /// </summary>
        public async Task ProcessRecoverResponseAsync(HttpResponseMessage response, CancellationToken cancellationToken = default)
        {
            int status = (int)response.StatusCode;
            if (status == 200 || status == 201)
            {
                string body = await UploadHttp.ReadBodyAsync(response, cancellationToken).ConfigureAwait(false);
                ObjectResource? resource = ObjectResource.TryParse(body, out ObjectResource? parsed) ? parsed : null;
                long size = resource?.Size ?? TotalBytes ?? Math.Max(BytesUploaded, _chunkStart + _chunkLength);
                BytesUploaded = size;
                TotalBytes = size;
                Invalid = false;
                if (_hasher != null && _bytesChecksummed < size && _stream != null && _stream.CanSeek)
                {
                    _stream.Seek(_bytesChecksummed, SeekOrigin.Begin);
                    _bytesChecksummed += await UploadHttp.HashRangeAsync(_stream, size - _bytesChecksummed, _hasher, cancellationToken)
                        .ConfigureAwait(false);
                }

                await CompleteAsync(response, cancellationToken, body).ConfigureAwait(false);
                return;
            }

            if (status != 308)
            {
                throw await UploadHttp.UnexpectedStatusAsync(response, RecoverOk, ObjectName, cancellationToken).ConfigureAwait(false);
            }

            long kept = ParseRange(response);
            BytesUploaded = kept;
            RewindTo(kept);
            Invalid = false;
            Progress?.Report(BytesUploaded);
        }

        /// <summary>Asks the server how much it kept and moves the stream there (retried on transient failures).</summary>
        public Task RecoverAsync(CancellationToken cancellationToken = default)
            => RetryStrategy.ExecuteAsync(RecoverOnceAsync, cancellationToken, null, Retrying);

        /// <summary>Ends the session: DELETE, answered 499 (also 204/200 accepted). The upload is invalid afterwards.</summary>
        public async Task CancelAsync(CancellationToken cancellationToken = default)
        {
            if (ResumableUrl == null)
            {
                throw new InvalidOperationException("This upload has not been initiated; there is no session to cancel.");
            }

            await RetryStrategy.ExecuteAsync(
                async token =>
                {
                    using var request = new HttpRequestMessage(HttpMethod.Delete, ResumableUrl);
                    UploadHttp.SetHeaders(request, Headers);
                    using HttpResponseMessage response = await Client.SendAsync(request, token).ConfigureAwait(false);
                    if (Array.IndexOf(CancelOk, (int)response.StatusCode) < 0)
                    {
                        throw await UploadHttp.UnexpectedStatusAsync(response, CancelOk, ObjectName, token).ConfigureAwait(false);
                    }
                },
                cancellationToken,
                null,
                Retrying).ConfigureAwait(false);
            Invalid = true;
        }

        /// <summary>Content-Range for a chunk: <c>bytes s-e/*</c>, <c>bytes */total</c> (empty chunk) or <c>bytes s-e/total</c>.</summary>
        public static string GetContentRange(long start, long end, long? total)
        {
            if (!total.HasValue)
            {
                return string.Format(CultureInfo.InvariantCulture, "bytes {0}-{1}/*", start, end);
            }

            if (end < start)
            {
                return string.Format(CultureInfo.InvariantCulture, "bytes */{0}", total.Value);
            }

            return string.Format(CultureInfo.InvariantCulture, "bytes {0}-{1}/{2}", start, end, total.Value);
        }

        public void Dispose()
        {
            if (_buffer != null)
            {
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = null;
            }

            _hasher?.Dispose();
        }

        public override string ToString()
            => $"ResumableUpload of {Describe}: {BytesUploaded}/{(TotalBytes.HasValue ? TotalBytes.Value.ToString(CultureInfo.InvariantCulture) : "?")} bytes" +
               (Finished ? ", finished" : Invalid ? ", invalid" : string.Empty);

        /// <summary>Unit tests only: any positive chunk size, to replay the Python vectors (e.g. chunk 6 over "abcdefghij").</summary>
        internal static ResumableUpload CreateWithAnyChunkSize(HttpClient client, string uploadUrl, int chunkSize, ChecksumType checksumType)
            => new ResumableUpload(client, uploadUrl, chunkSize, checksumType, null, null, validateChunkSize: false);

        /// <summary>Attaches an existing session (used by <see cref="ResumeAsync"/> and tests).</summary>
        internal void AttachSession(Uri sessionUri, Stream stream, string? contentType, long? totalBytes, string? objectName)
        {
            ResumableUrl = sessionUri;
            _stream = stream;
            ContentType = contentType;
            TotalBytes = totalBytes;
            if (objectName != null)
            {
                ObjectName = objectName;
            }

            _hasher = MediaHasher.Create(ChecksumType);
            _bytesChecksummed = 0;
        }

        private void PrepareInitiate(Stream stream, IDictionary<string, object?>? metadata, string contentType, long? totalBytes, bool streamFinal)
        {
            if (ResumableUrl != null)
            {
                throw new InvalidOperationException("This upload has already been initiated.");
            }

            if (stream == null)
            {
                throw new ArgumentNullException(nameof(stream));
            }

            if (string.IsNullOrEmpty(contentType))
            {
                throw new ArgumentException("A content type is required.", nameof(contentType));
            }

            if (stream.CanSeek && stream.Position != 0)
            {
                throw new ArgumentException("Stream must be at beginning.", nameof(stream));
            }

            if (totalBytes.HasValue && totalBytes.Value < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(totalBytes), totalBytes, "The total size cannot be negative.");
            }

            string? name = metadata != null && metadata.TryGetValue("name", out object? value) ? value as string : null;
            long? total = totalBytes ?? (streamFinal && stream.CanSeek ? stream.Length : (long?)null);
            AttachSession(null!, stream, contentType, total, UploadHttp.DescribeJsonApiObject(UploadUrl, name));
            ResumableUrl = null;
            _initiateBody = UploadJson.SerializeToUtf8(metadata ?? new Dictionary<string, object?>());
        }

        private HttpRequestMessage CreateInitiateRequest()
        {
            var request = new HttpRequestMessage(HttpMethod.Post, UploadUrl)
            {
                Content = new ByteArrayContent(_initiateBody!),
            };
            UploadHttp.SetHeaders(request, Headers);
            if (IsSignedUrl)
            {
                UploadHttp.SetHeader(request, "content-type", ContentType!);
            }
            else
            {
                UploadHttp.SetHeader(request, "content-type", MetadataContentType);
                UploadHttp.SetHeader(request, "x-upload-content-type", ContentType!);
            }

            if (TotalBytes.HasValue)
            {
                UploadHttp.SetHeader(request, "x-upload-content-length", TotalBytes.Value.ToString(CultureInfo.InvariantCulture));
            }

            return request;
        }

        private async Task RecoverOnceAsync(CancellationToken cancellationToken)
        {
            using HttpRequestMessage request = BuildRecoverRequest();
            using HttpResponseMessage response = await Client.SendAsync(request, cancellationToken).ConfigureAwait(false);
            await ProcessRecoverResponseAsync(response, cancellationToken).ConfigureAwait(false);
        }

        private void EnsureCanTransmit()
        {
            if (Finished)
            {
                throw new InvalidOperationException("Upload has finished.");
            }

            if (Invalid)
            {
                throw new InvalidOperationException("Upload is in an invalid state. To recover call RecoverAsync().");
            }

            if (ResumableUrl == null || _stream == null)
            {
                throw new InvalidOperationException(
                    "This upload has not been initiated. Please call InitiateAsync() before beginning to transmit chunks.");
            }
        }

        /// <summary>Bytes the server kept, from a 308's Range header; no header means none.</summary>
        private long ParseRange(HttpResponseMessage response)
        {
            string? range = UploadHttp.GetHeader(response, "Range");
            if (range == null)
            {
                return 0;
            }

            Match match = RangePattern.Match(range);
            if (!match.Success)
            {
                throw new InvalidResponseException(
                    $"Unexpected \"range\" header '{range}' in the response for {Describe}. Expected 'bytes=0-{{end}}'.",
                    (int)response.StatusCode,
                    responseHeaders: UploadHttp.SafeHeaders(response),
                    objectName: ObjectName);
            }

            if (!long.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out long last) || last == long.MaxValue)
            {
                throw new InvalidResponseException(
                    $"Unexpected \"range\" header '{range}' in the response for {Describe}: the offset is out of range.",
                    (int)response.StatusCode,
                    responseHeaders: UploadHttp.SafeHeaders(response),
                    objectName: ObjectName);
            }

            return last + 1;
        }

        private void RewindTo(long offset)
        {
            if (_stream == null)
            {
                return;
            }

            if (_stream.CanSeek)
            {
                _stream.Seek(offset, SeekOrigin.Begin);
                return;
            }

            if (offset < _bufferStart || offset > _bufferStart + _bufferCount)
            {
                Invalid = true;
                throw new InvalidOperationException(
                    $"The server kept {offset} bytes of {Describe}, but the non-seekable stream can only resend from byte {_bufferStart}. " +
                    "Start the upload again.");
            }
        }

        private string? TryGetFinalChecksum()
        {
            if (_hasher == null || !TotalBytes.HasValue || _bytesChecksummed != TotalBytes.Value)
            {
                return null;
            }

            // Computed once: on netstandard2.0 reading an MD5 value resets it.
            return _finalChecksum ??= _hasher.GetBase64();
        }

        private async Task CompleteAsync(HttpResponseMessage response, CancellationToken cancellationToken, string? body = null)
        {
            Finished = true;
            Invalid = false;
            body ??= await UploadHttp.ReadBodyAsync(response, cancellationToken).ConfigureAwait(false);
            ObjectResource = ObjectResource.TryParse(body, out ObjectResource? resource) ? resource : null;
            if (ObjectResource == null && LooksLikeJson(response, body))
            {
                throw new InvalidResponseException(
                    $"The final response for {Describe} (status {(int)response.StatusCode}) is not a valid JSON object resource " +
                    $"(truncated or malformed, {body.Length} characters); the upload's result cannot be read or validated.",
                    (int)response.StatusCode,
                    responseHeaders: UploadHttp.SafeHeaders(response),
                    bodyExcerpt: body,
                    objectName: ObjectName);
            }

            if (ObjectResource?.Uri != null)
            {
                ObjectName = ObjectResource.Uri;
            }

            Progress?.Report(BytesUploaded);
            ReleaseBuffer();
            ValidateChecksum(response);
        }

        private void ValidateChecksum(HttpResponseMessage response)
        {
            if (ChecksumType == ChecksumType.None)
            {
                return;
            }

            string? expected;
            if (ObjectResource != null)
            {
                expected = ObjectResource.GetChecksum(ChecksumType);
                if (expected == null)
                {
                    throw new InvalidResponseException(
                        $"The object resource returned for {Describe} has no '{MediaHasher.MetadataKey(ChecksumType)}' value, " +
                        $"so the {MediaHasher.HeaderName(ChecksumType)} checksum of the upload cannot be validated.",
                        (int)response.StatusCode,
                        responseHeaders: UploadHttp.SafeHeaders(response),
                        objectName: ObjectName);
                }
            }
            else
            {
                // Not JSON (an XML or signed-URL response): fall back to x-goog-hash, else nothing to compare with.
                expected = GoogHash.Parse(UploadHttp.GetHeader(response, GoogHash.HeaderName), ChecksumType, ObjectName);
                if (expected == null)
                {
                    return;
                }
            }

            string? actual = TryGetFinalChecksum();
            if (actual == null)
            {
                return; // not every byte passed through this upload's hasher (cannot happen with a seekable source)
            }

            if (!string.Equals(expected, actual, StringComparison.Ordinal))
            {
                throw DataCorruptionException.ForUpload(ChecksumType, expected, actual, BytesUploaded, ObjectName);
            }
        }

        private static bool LooksLikeJson(HttpResponseMessage response, string body)
        {
            if (string.IsNullOrWhiteSpace(body))
            {
                return false;
            }

            string trimmed = body.TrimStart();
            string? mediaType = response.Content?.Headers.ContentType?.MediaType;
            return trimmed.StartsWith("{", StringComparison.Ordinal)
                || trimmed.StartsWith("[", StringComparison.Ordinal)
                || (mediaType != null && mediaType.IndexOf("json", StringComparison.OrdinalIgnoreCase) >= 0);
        }

        private void ReleaseBuffer()
        {
            if (_buffer != null)
            {
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = null;
                _bufferCount = 0;
            }
        }
    }
}
