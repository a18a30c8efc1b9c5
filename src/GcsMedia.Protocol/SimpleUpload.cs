using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace GcsMedia.Protocol
{
    /// <summary>
    /// A one-request media upload: POST {upload URL with uploadType=media&amp;name=…}, body = the data,
    /// Content-Type = the object's type, answered 200 + the object resource. Single-use.
    /// </summary>
    public sealed class SimpleUpload : UploadBase
    {
        public SimpleUpload(HttpClient client, string uploadUrl, IDictionary<string, string>? headers = null, RetryStrategy? retryStrategy = null)
            : base(client, uploadUrl, headers, retryStrategy)
        {
        }

        /// <summary>For gs://bucket/name via the JSON API at <paramref name="urls"/>; ifGenerationMatch (0 = must not exist) makes it retryable.</summary>
        public static SimpleUpload ForObject(
            HttpClient client, StorageUrls urls, GcsObjectRef target, long? ifGenerationMatch = null,
            IDictionary<string, string>? headers = null, RetryStrategy? retryStrategy = null)
            => new SimpleUpload(client, urls.Upload(target.Bucket, "media", target.Name, ifGenerationMatch), headers, retryStrategy);

        /// <summary>Builds the request for the data from the stream's current position to its end. The stream is not disposed.</summary>
        public HttpRequestMessage BuildRequest(Stream data, string contentType)
        {
            EnsureNotFinished();
            if (data == null)
            {
                throw new ArgumentNullException(nameof(data));
            }

            long start = data.CanSeek ? data.Position : -1;
            long? length = data.CanSeek ? data.Length - data.Position : (long?)null;
            return BuildRequestCore(data, start, length, contentType);
        }

        public HttpRequestMessage BuildRequest(byte[] data, string contentType)
            => BuildRequest(new MemoryStream(data ?? throw new ArgumentNullException(nameof(data)), writable: false), contentType);

        /// <summary>Uploads the stream (from its current position to its end) and returns the object resource.</summary>
        public Task<ObjectResource?> TransmitAsync(Stream data, string contentType, CancellationToken cancellationToken = default)
        {
            EnsureNotFinished();
            if (data == null)
            {
                throw new ArgumentNullException(nameof(data));
            }

            long start = data.CanSeek ? data.Position : -1;
            long? length = data.CanSeek ? data.Length - data.Position : (long?)null;
            return SendInsertAsync(() => BuildRequestCore(data, start, length, contentType), data.CanSeek, cancellationToken);
        }

        public Task<ObjectResource?> TransmitAsync(byte[] data, string contentType, CancellationToken cancellationToken = default)
            => TransmitAsync(new MemoryStream(data ?? throw new ArgumentNullException(nameof(data)), writable: false), contentType, cancellationToken);

        private HttpRequestMessage BuildRequestCore(Stream data, long start, long? length, string contentType)
        {
            if (string.IsNullOrEmpty(contentType))
            {
                throw new ArgumentException("A content type is required.", nameof(contentType));
            }

            var request = new HttpRequestMessage(HttpMethod.Post, UploadUrl)
            {
                Content = new UploadStreamContent(() => data, ownsStream: false, start, length),
            };
            UploadHttp.SetHeaders(request, Headers);
            UploadHttp.SetHeader(request, "content-type", contentType);
            return request;
        }
    }
}
