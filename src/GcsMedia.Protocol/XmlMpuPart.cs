using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace GcsMedia.Protocol
{
    /// <summary>
    /// One MPU part: bytes [start, end) of a file or seekable stream, sent as
    /// PUT {url}?partNumber=N&amp;uploadId={encoded id} with x-goog-hash of the part (computed by reading the
    /// range first; the part is then streamed, never buffered). The response's x-goog-hash is checked, and the
    /// ETag kept for <see cref="XmlMpuContainer.RegisterPart"/>. Parts are idempotent, so transient failures are
    /// retried. Single-use.
    /// </summary>
    public sealed class XmlMpuPart
    {
        private static readonly int[] Ok = { 200 };
        private static readonly string[] DigestErrorCodes = { "InvalidDigest", "BadDigest", "CrcMismatch" };
        private readonly string? _filePath;
        private readonly Stream? _source;

        public XmlMpuPart(
            HttpClient client, string uploadUrl, string uploadId, string filePath, long start, long end, int partNumber,
            ChecksumType checksumType = ChecksumType.Crc32c, IDictionary<string, string>? headers = null,
            RetryStrategy? retryStrategy = null, string? objectName = null)
            : this(client, uploadUrl, uploadId, start, end, partNumber, checksumType, headers, retryStrategy, objectName)
        {
            if (string.IsNullOrEmpty(filePath))
            {
                throw new ArgumentException("A file path is required.", nameof(filePath));
            }

            _filePath = filePath;
        }

        public XmlMpuPart(
            HttpClient client, string uploadUrl, string uploadId, Stream source, long start, long end, int partNumber,
            ChecksumType checksumType = ChecksumType.Crc32c, IDictionary<string, string>? headers = null,
            RetryStrategy? retryStrategy = null, string? objectName = null)
            : this(client, uploadUrl, uploadId, start, end, partNumber, checksumType, headers, retryStrategy, objectName)
        {
            _source = source ?? throw new ArgumentNullException(nameof(source));
            if (!source.CanSeek)
            {
                throw new ArgumentException("A part's source stream must be seekable (the part is hashed, then sent, and may be resent).", nameof(source));
            }
        }

        private XmlMpuPart(
            HttpClient client, string uploadUrl, string uploadId, long start, long end, int partNumber,
            ChecksumType checksumType, IDictionary<string, string>? headers, RetryStrategy? retryStrategy, string? objectName)
        {
            Client = client ?? throw new ArgumentNullException(nameof(client));
            if (string.IsNullOrEmpty(uploadUrl))
            {
                throw new ArgumentException("An upload URL is required.", nameof(uploadUrl));
            }

            if (string.IsNullOrEmpty(uploadId))
            {
                throw new ArgumentException("An upload id is required (initiate the container first).", nameof(uploadId));
            }

            ValidatePartNumber(partNumber);
            if (start < 0 || end < start)
            {
                throw new ArgumentOutOfRangeException(nameof(end), $"A part is the byte range [start, end) with 0 <= start <= end; got [{start}, {end}).");
            }

            if (checksumType != ChecksumType.None)
            {
                MediaHasher.HeaderName(checksumType); // validates the enum value
            }

            UploadUrl = uploadUrl.TrimEnd('?');
            UploadId = uploadId;
            Start = start;
            End = end;
            PartNumber = partNumber;
            ChecksumType = checksumType;
            Headers = headers == null
                ? new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
                : new Dictionary<string, string>(headers, StringComparer.OrdinalIgnoreCase);
            RetryStrategy = retryStrategy ?? new RetryStrategy();
            ObjectName = objectName ?? XmlMpuContainer.DescribeXmlUrl(UploadUrl);
        }

        public HttpClient Client { get; }

        public string UploadUrl { get; }

        public string UploadId { get; }

        public int PartNumber { get; }

        /// <summary>First byte (inclusive).</summary>
        public long Start { get; }

        /// <summary>End of the range (exclusive).</summary>
        public long End { get; }

        public long Length => End - Start;

        public ChecksumType ChecksumType { get; }

        /// <summary>The part's checksum (base64), once computed.</summary>
        public string? ChecksumValue { get; private set; }

        public IDictionary<string, string> Headers { get; }

        public string? ObjectName { get; }

        public bool Finished { get; private set; }

        /// <summary>The part's ETag as the server wrote it (quotes included), once uploaded.</summary>
        public string? ETag { get; private set; }

        public RetryStrategy RetryStrategy { get; set; }

        public Action<RetryEvent>? Retrying { get; set; }

        private string Describe => $"part {PartNumber} of {ObjectName ?? "the object"}";

        internal static void ValidatePartNumber(int partNumber)
        {
            if (partNumber < 1 || partNumber > XmlMpuPlan.MaxParts)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(partNumber), partNumber, $"Part numbers go from 1 to {XmlMpuPlan.MaxParts}; {partNumber} is outside that range.");
            }
        }

        /// <summary>Hashes the range (once) and builds the PUT; the body is streamed from the source when sent.</summary>
        public async Task<HttpRequestMessage> BuildRequestAsync(CancellationToken cancellationToken = default)
        {
            if (Finished)
            {
                throw new InvalidOperationException($"{Capitalized(Describe)} has already been uploaded; a part upload can only be used once.");
            }

            if (ChecksumType != ChecksumType.None && ChecksumValue == null)
            {
                using MediaHasher hasher = MediaHasher.Create(ChecksumType)!;
                Stream stream = Open();
                try
                {
                    stream.Seek(Start, SeekOrigin.Begin);
                    long read = await UploadHttp.HashRangeAsync(stream, Length, hasher, cancellationToken).ConfigureAwait(false);
                    if (read != Length)
                    {
                        throw new InvalidOperationException(
                            $"The source of {Describe} ends at byte {Start + read}, before the part's end at {End}.");
                    }
                }
                finally
                {
                    if (_filePath != null)
                    {
                        stream.Dispose();
                    }
                }

                ChecksumValue = hasher.GetBase64();
            }

            string url = UploadUrl + "?partNumber=" + PartNumber + "&uploadId=" + Uri.EscapeDataString(UploadId);
            var request = new HttpRequestMessage(HttpMethod.Put, url)
            {
                Content = new UploadStreamContent(Open, ownsStream: _filePath != null, Start, Length),
            };
            UploadHttp.SetHeaders(request, Headers);
            if (ChecksumValue != null)
            {
                UploadHttp.SetHeader(request, GoogHash.HeaderName, GoogHash.Format(ChecksumType, ChecksumValue));
            }

            return request;
        }

        /// <summary>
        /// 200: checks the response x-goog-hash (missing → <see cref="InvalidResponseException"/>, different →
        /// <see cref="DataCorruptionException"/>), requires the ETag, marks finished. 400 with an XML digest error
        /// code (InvalidDigest, BadDigest, CrcMismatch) → <see cref="DataCorruptionException"/>.
        /// </summary>
        public async Task ProcessResponseAsync(HttpResponseMessage response, CancellationToken cancellationToken = default)
        {
            int status = (int)response.StatusCode;
            if (status == 400)
            {
                string body = await UploadHttp.ReadBodyAsync(response, cancellationToken).ConfigureAwait(false);
                string? code = GcsErrorBody.TryGetXmlCode(body);
                if (code != null && Array.IndexOf(DigestErrorCodes, code) >= 0)
                {
                    XmlElementText(body, "Details", out string? details);
                    throw new DataCorruptionException(
                        $"Checksum mismatch while uploading {Describe}: checksum calculated by client and server did not match. " +
                        $"Error code: {code}, Error message: {GcsErrorBody.TryGetMessage(body)}, Error details: {details}",
                        ChecksumType, expected: null, actual: ChecksumValue, Length, ObjectName);
                }

                throw InvalidResponseException.UnexpectedStatus(status, Ok, ObjectName, UploadHttp.SafeHeaders(response), body);
            }

            if (status != 200)
            {
                throw await UploadHttp.UnexpectedStatusAsync(response, Ok, ObjectName, cancellationToken).ConfigureAwait(false);
            }

            if (ChecksumType != ChecksumType.None)
            {
                string? reported = GoogHash.Parse(UploadHttp.GetHeader(response, GoogHash.HeaderName), ChecksumType, ObjectName);
                if (reported == null)
                {
                    throw new InvalidResponseException(
                        $"The response for {Describe} has no {MediaHasher.HeaderName(ChecksumType)} value in x-goog-hash to validate the part against.",
                        status, Ok, UploadHttp.SafeHeaders(response), objectName: ObjectName);
                }

                if (!string.Equals(reported, ChecksumValue, StringComparison.Ordinal))
                {
                    throw new DataCorruptionException(
                        $"Checksum mismatch while uploading {Describe}: the computed {MediaHasher.HeaderName(ChecksumType)} {ChecksumValue} " +
                        $"does not match {reported} reported by the server for the part's {Length} bytes. Upload the part again.",
                        ChecksumType, reported, ChecksumValue, Length, ObjectName);
                }
            }

            string? etag = response.Headers.ETag?.ToString() ?? UploadHttp.GetHeader(response, "ETag");
            if (string.IsNullOrEmpty(etag))
            {
                throw UploadHttp.MissingHeader(response, "etag", ObjectName);
            }

            ETag = etag;
            Finished = true;
        }

        /// <summary>Uploads the part (retrying transient failures) and returns its ETag.</summary>
        public async Task<string> UploadAsync(CancellationToken cancellationToken = default)
        {
            if (Finished)
            {
                throw new InvalidOperationException($"{Capitalized(Describe)} has already been uploaded; a part upload can only be used once.");
            }

            await RetryStrategy.ExecuteAsync(
                async token =>
                {
                    using HttpRequestMessage request = await BuildRequestAsync(token).ConfigureAwait(false);
                    using HttpResponseMessage response = await Client.SendAsync(request, token).ConfigureAwait(false);
                    await ProcessResponseAsync(response, token).ConfigureAwait(false);
                },
                cancellationToken,
                null,
                Retrying).ConfigureAwait(false);
            return ETag!;
        }

        public override string ToString() => $"{Capitalized(Describe)}: [{Start}, {End})" + (Finished ? ", uploaded" : string.Empty);

        private static string Capitalized(string text) => char.ToUpperInvariant(text[0]) + text.Substring(1);

        private static void XmlElementText(string body, string name, out string? value)
        {
            System.Xml.Linq.XElement? root = XmlMpuXml.TryParse(body);
            value = root == null ? null : XmlMpuXml.Child(root, name);
        }

        private Stream Open()
            => _source ?? new FileStream(
                _filePath!, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 81920,
                FileOptions.Asynchronous | FileOptions.SequentialScan);
    }
}
