using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net.Http;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace GcsMedia.Protocol
{
    /// <summary>
    /// A one-request upload of metadata and data: POST {upload URL with uploadType=multipart}, body
    /// multipart/related (JSON metadata part, then the data part), answered 200 + the object resource.
    /// With a checksum, its value goes into the metadata (md5Hash / crc32c) and the server checks it (400 on mismatch).
    /// The data part is streamed from the caller's stream, never concatenated in memory. Single-use.
    /// </summary>
    public sealed class MultipartUpload : UploadBase
    {
        public const string MetadataContentType = "application/json; charset=UTF-8";

        public MultipartUpload(
            HttpClient client,
            string uploadUrl,
            ChecksumType checksumType = ChecksumType.Crc32c,
            IDictionary<string, string>? headers = null,
            RetryStrategy? retryStrategy = null)
            : base(client, uploadUrl, headers, retryStrategy)
        {
            ChecksumType = checksumType;
            if (checksumType != ChecksumType.None)
            {
                MediaHasher.HeaderName(checksumType); // validates the enum value
            }
        }

        /// <summary>For an object in <paramref name="bucket"/> via the JSON API; the name goes in the metadata.</summary>
        public static MultipartUpload ForBucket(
            HttpClient client, StorageUrls urls, string bucket, long? ifGenerationMatch = null,
            ChecksumType checksumType = ChecksumType.Crc32c, IDictionary<string, string>? headers = null, RetryStrategy? retryStrategy = null)
            => new MultipartUpload(client, urls.Upload(bucket, "multipart", null, ifGenerationMatch), checksumType, headers, retryStrategy);

        public ChecksumType ChecksumType { get; }

        /// <summary>Makes the multipart boundary. Replace in tests for byte-exact bodies.</summary>
        public Func<string> BoundaryFactory { get; set; } = NewBoundary;

        /// <summary>The checksum sent in the metadata (base64), once a request was built.</summary>
        public string? ChecksumValue { get; private set; }

        /// <summary>"===============" + 19 random digits (zero-padded) + "==", as Python's email module makes them.</summary>
        public static string NewBoundary()
        {
            byte[] bytes = new byte[8];
            using (RandomNumberGenerator rng = RandomNumberGenerator.Create())
            {
                rng.GetBytes(bytes);
            }

            long value = (long)(BitConverter.ToUInt64(bytes, 0) % (ulong)long.MaxValue);
            return "===============" + value.ToString("D19", CultureInfo.InvariantCulture) + "==";
        }

        /// <summary>
        /// The bytes before and after the data part, for a boundary, the metadata JSON and the data's content type.
        /// The whole body is prefix + data + suffix, byte-exact with google-resumable-media (no trailing CRLF).
        /// </summary>
        public static (byte[] Prefix, byte[] Suffix) BuildFraming(string boundary, string metadataJson, string contentType)
        {
            string prefix =
                "--" + boundary + "\r\n" +
                "content-type: " + MetadataContentType + "\r\n" +
                "\r\n" +
                metadataJson + "\r\n" +
                "--" + boundary + "\r\n" +
                "content-type: " + contentType + "\r\n" +
                "\r\n";
            string suffix = "\r\n--" + boundary + "--";
            return (Encoding.UTF8.GetBytes(prefix), Encoding.UTF8.GetBytes(suffix));
        }

        /// <summary>
        /// Builds the request for the stream from its current position to its end. The caller's metadata is
        /// copied, never changed; with a checksum the computed value replaces any md5Hash/crc32c given.
        /// A checksum needs a seekable stream (the data is hashed before the metadata part is written).
        /// </summary>
        public async Task<HttpRequestMessage> BuildRequestAsync(
            Stream data, IDictionary<string, object?>? metadata, string contentType, CancellationToken cancellationToken = default)
        {
            EnsureNotFinished();
            Func<HttpRequestMessage> build = await PrepareAsync(data, metadata, contentType, cancellationToken).ConfigureAwait(false);
            return build();
        }

        public async Task<ObjectResource?> TransmitAsync(
            Stream data, IDictionary<string, object?>? metadata, string contentType, CancellationToken cancellationToken = default)
        {
            EnsureNotFinished();
            Func<HttpRequestMessage> build = await PrepareAsync(data, metadata, contentType, cancellationToken).ConfigureAwait(false);
            return await SendInsertAsync(build, data.CanSeek, cancellationToken).ConfigureAwait(false);
        }

        public Task<ObjectResource?> TransmitAsync(
            byte[] data, IDictionary<string, object?>? metadata, string contentType, CancellationToken cancellationToken = default)
            => TransmitAsync(new MemoryStream(data ?? throw new ArgumentNullException(nameof(data)), writable: false), metadata, contentType, cancellationToken);

        private async Task<Func<HttpRequestMessage>> PrepareAsync(
            Stream data, IDictionary<string, object?>? metadata, string contentType, CancellationToken cancellationToken)
        {
            if (data == null)
            {
                throw new ArgumentNullException(nameof(data));
            }

            if (string.IsNullOrEmpty(contentType))
            {
                throw new ArgumentException("A content type is required.", nameof(contentType));
            }

            var body = new Dictionary<string, object?>();
            if (metadata != null)
            {
                foreach (KeyValuePair<string, object?> pair in metadata)
                {
                    body[pair.Key] = pair.Value;
                }
            }

            if (body.TryGetValue("name", out object? name) && name is string objectName)
            {
                ObjectName = UploadHttp.DescribeJsonApiObject(UploadUrl, objectName);
            }

            long start = data.CanSeek ? data.Position : -1;
            long? length = data.CanSeek ? data.Length - data.Position : (long?)null;
            if (ChecksumType != ChecksumType.None)
            {
                if (!data.CanSeek)
                {
                    throw new NotSupportedException(
                        $"A multipart upload of {Describe} with a {MediaHasher.HeaderName(ChecksumType)} checksum needs a seekable stream " +
                        "(the data is hashed before it is sent). Use a resumable upload, or no checksum.");
                }

                using MediaHasher hasher = MediaHasher.Create(ChecksumType)!;
                await UploadHttp.HashRangeAsync(data, length!.Value, hasher, cancellationToken).ConfigureAwait(false);
                data.Seek(start, SeekOrigin.Begin);
                ChecksumValue = hasher.GetBase64();
                body[MediaHasher.MetadataKey(ChecksumType)] = ChecksumValue;
            }

            string boundary = BoundaryFactory();
            (byte[] prefix, byte[] suffix) = BuildFraming(boundary, UploadJson.Serialize(body), contentType);
            string multipartType = "multipart/related; boundary=\"" + boundary + "\"";
            return () =>
            {
                var request = new HttpRequestMessage(HttpMethod.Post, UploadUrl)
                {
                    Content = new UploadStreamContent(() => data, ownsStream: false, start, length, prefix, suffix),
                };
                UploadHttp.SetHeaders(request, Headers);
                UploadHttp.SetHeader(request, "content-type", multipartType);
                return request;
            };
        }
    }
}
