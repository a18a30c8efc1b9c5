using System;
using System.Globalization;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace GcsMedia.Protocol
{
    /// <summary>
    /// storage.objects.delete of one object, or of one generation of it. Retried on transient failures only when it is
    /// idempotent, that is when it names a <see cref="Generation"/> or carries an <see cref="IfGenerationMatch"/>
    /// precondition (Google's client libraries use the same rule): an unconditional delete that timed out may have
    /// happened, and repeating it could delete a newer object written in between.
    /// </summary>
    public sealed class ObjectDeletion
    {
        private readonly HttpClient _client;
        private readonly StorageUrls _urls;

        public ObjectDeletion(HttpClient client, StorageUrls urls, GcsObjectRef target, long? generation = null, long? ifGenerationMatch = null)
        {
            _client = client ?? throw new ArgumentNullException(nameof(client));
            _urls = urls ?? throw new ArgumentNullException(nameof(urls));
            Target = target ?? throw new ArgumentNullException(nameof(target));
            if (generation <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(generation), generation, "A generation is a positive number.");
            }

            if (ifGenerationMatch < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(ifGenerationMatch), ifGenerationMatch, "ifGenerationMatch is a generation (or 0).");
            }

            Generation = generation;
            IfGenerationMatch = ifGenerationMatch;
        }

        public GcsObjectRef Target { get; }

        /// <summary>Deletes exactly this generation (on a versioned bucket: permanently).</summary>
        public long? Generation { get; }

        /// <summary>Deletes only while the live generation is this one; otherwise 412.</summary>
        public long? IfGenerationMatch { get; }

        public bool IsIdempotent => Generation.HasValue || IfGenerationMatch.HasValue;

        public bool Finished { get; private set; }

        public RetryStrategy RetryStrategy { get; set; } = new RetryStrategy();

        public Action<RetryEvent>? Retrying { get; set; }

        public HttpRequestMessage BuildRequest()
        {
            string url = _urls.ObjectMetadata(Target, Generation);
            if (IfGenerationMatch.HasValue)
            {
                url += (Generation.HasValue ? "&" : "?") + "ifGenerationMatch=" + IfGenerationMatch.Value.ToString(CultureInfo.InvariantCulture);
            }

            return new HttpRequestMessage(HttpMethod.Delete, url);
        }

        /// <summary>204 (or 200) is done; anything else throws <see cref="InvalidResponseException"/> (404: no such object or generation).</summary>
        public void ProcessResponse(JsonApiResponse response)
        {
            response.RequireStatus(Target.ToString(), 204, 200);
            Finished = true;
        }

        public Task DeleteAsync(CancellationToken cancellationToken = default)
            => (IsIdempotent ? RetryStrategy : RetryStrategy.None).ExecuteAsync(
                async token => ProcessResponse(await JsonApiResponse.SendAsync(_client, BuildRequest(), token).ConfigureAwait(false)),
                cancellationToken,
                onRetry: Retrying);
    }
}
