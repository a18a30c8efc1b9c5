using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace GcsMedia.Protocol
{
    /// <summary>storage.objects.get of one object's metadata (no content). A read, so always retried on transient failures.</summary>
    public sealed class ObjectLookup
    {
        private readonly HttpClient _client;
        private readonly StorageUrls _urls;

        public ObjectLookup(HttpClient client, StorageUrls urls, GcsObjectRef target, long? generation = null)
        {
            _client = client ?? throw new ArgumentNullException(nameof(client));
            _urls = urls ?? throw new ArgumentNullException(nameof(urls));
            Target = target ?? throw new ArgumentNullException(nameof(target));
            Generation = generation;
        }

        public GcsObjectRef Target { get; }

        /// <summary>This generation instead of the live one.</summary>
        public long? Generation { get; }

        public RetryStrategy RetryStrategy { get; set; } = new RetryStrategy();

        public Action<RetryEvent>? Retrying { get; set; }

        public HttpRequestMessage BuildRequest() => new HttpRequestMessage(HttpMethod.Get, _urls.ObjectMetadata(Target, Generation));

        /// <summary>The object resource of a 200; anything else throws <see cref="InvalidResponseException"/> (404: no such object).</summary>
        public ObjectResource ProcessResponse(JsonApiResponse response)
        {
            response.RequireStatus(Target.ToString(), 200);
            return ObjectResource.FromJson(response.ParseObject(Target.ToString()));
        }

        public Task<ObjectResource> GetAsync(CancellationToken cancellationToken = default)
            => RetryStrategy.ExecuteAsync(
                async token => ProcessResponse(await JsonApiResponse.SendAsync(_client, BuildRequest(), token).ConfigureAwait(false)),
                cancellationToken,
                onRetry: Retrying);
    }
}
