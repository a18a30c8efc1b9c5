using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace GcsMedia.Protocol
{
    /// <summary>
    /// What every JSON API upload shares: the transport, the upload URL, the caller's extra headers, the
    /// retry strategy, and the finished state. Uploads are single-use.
    /// </summary>
    public abstract class UploadBase
    {
        private static readonly int[] Ok = { 200 };

        protected UploadBase(HttpClient client, string uploadUrl, IDictionary<string, string>? headers, RetryStrategy? retryStrategy)
        {
            Client = client ?? throw new ArgumentNullException(nameof(client));
            if (string.IsNullOrEmpty(uploadUrl))
            {
                throw new ArgumentException("An upload URL is required.", nameof(uploadUrl));
            }

            UploadUrl = uploadUrl;
            Headers = headers == null
                ? new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
                : new Dictionary<string, string>(headers, StringComparer.OrdinalIgnoreCase);
            RetryStrategy = retryStrategy ?? new RetryStrategy();
            ObjectName = UploadHttp.DescribeJsonApiObject(uploadUrl, null);
        }

        /// <summary>The transport. Authentication (if any) belongs in its handler.</summary>
        public HttpClient Client { get; }

        /// <summary>The JSON API upload URL (…/upload/storage/v1/b/B/o?uploadType=…). May be a signed URL: never logged.</summary>
        public string UploadUrl { get; }

        /// <summary>Extra request headers (a copy of the caller's). The caller's dictionary is never changed.</summary>
        public IDictionary<string, string> Headers { get; }

        /// <summary>gs://bucket/object when known (for messages); never a URL.</summary>
        public string? ObjectName { get; protected set; }

        public bool Finished { get; protected set; }

        /// <summary>The object resource from the final response, once finished (null if the body was not JSON).</summary>
        public ObjectResource? ObjectResource { get; protected set; }

        public RetryStrategy RetryStrategy { get; set; }

        /// <summary>Called before each retry wait (for verbose logging).</summary>
        public Action<RetryEvent>? Retrying { get; set; }

        /// <summary>
        /// True when the URL carries an ifGenerationMatch precondition. Only then are simple and multipart
        /// inserts retried (Google's retry conformance: a non-idempotent insert is never retried).
        /// </summary>
        public bool HasGenerationPrecondition => UploadHttp.HasQueryParameter(UploadUrl, "ifGenerationMatch");

        protected string Describe => ObjectName ?? "the object";

        /// <summary>
        /// Reads a simple or multipart upload's response: marks the upload finished (even on failure, as the
        /// Python library does), requires status 200 and parses the object resource.
        /// </summary>
        public async Task ProcessResponseAsync(HttpResponseMessage response, CancellationToken cancellationToken = default)
        {
            if (response == null)
            {
                throw new ArgumentNullException(nameof(response));
            }

            Finished = true;
            if ((int)response.StatusCode != 200)
            {
                throw await UploadHttp.UnexpectedStatusAsync(response, Ok, ObjectName, cancellationToken).ConfigureAwait(false);
            }

            string body = await UploadHttp.ReadBodyAsync(response, cancellationToken).ConfigureAwait(false);
            ObjectResource = ObjectResource.TryParse(body, out ObjectResource? resource) ? resource : null;
        }

        protected void EnsureNotFinished()
        {
            if (Finished)
            {
                throw new InvalidOperationException("An upload can only be used once.");
            }
        }

        /// <summary>Sends a one-shot insert, retrying transient failures only with a precondition and a rewindable body.</summary>
        protected async Task<ObjectResource?> SendInsertAsync(Func<HttpRequestMessage> build, bool rewindable, CancellationToken cancellationToken)
        {
            EnsureNotFinished();
            bool retryable = rewindable && HasGenerationPrecondition;
            await RetryStrategy.ExecuteAsync(
                async token =>
                {
                    using HttpRequestMessage request = build();
                    using HttpResponseMessage response = await Client.SendAsync(request, token).ConfigureAwait(false);
                    await ProcessResponseAsync(response, token).ConfigureAwait(false);
                },
                cancellationToken,
                ex => retryable && RetryStrategy.IsTransient(ex, cancellationToken),
                Retrying).ConfigureAwait(false);
            return ObjectResource;
        }
    }
}
