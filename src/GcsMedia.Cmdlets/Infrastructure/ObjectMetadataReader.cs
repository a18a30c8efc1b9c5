using System.Collections.Generic;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using GcsMedia.Protocol;

namespace GcsMedia.Cmdlets
{
    /// <summary>
    /// GET of an object's metadata (JSON API), retried like any idempotent read. The protocol assembly has no
    /// metadata call yet; this is the one request the cmdlets build themselves (used to validate a .partial resume).
    /// </summary>
    internal static class ObjectMetadataReader
    {
        /// <summary>Retried with the command's -RetryTimeout; retries are reported through <paramref name="pipeline"/>.</summary>
        public static Task<ObjectResource> GetAsync(AsyncPipeline pipeline, HttpClient client, StorageUrls urls, GcsObjectRef obj, long? generation, CancellationToken cancellationToken)
            => GcsCmdlet.RetryStrategyFor(pipeline).ExecuteAsync(
                async token =>
                {
                    using (var request = new HttpRequestMessage(HttpMethod.Get, urls.ObjectMetadata(obj, generation)))
                    using (HttpResponseMessage response = await client.SendAsync(request, token).ConfigureAwait(false))
                    {
                        string body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
                        if ((int)response.StatusCode != 200)
                        {
                            throw InvalidResponseException.UnexpectedStatus((int)response.StatusCode, new[] { 200 }, obj.ToString(), null, body);
                        }

                        return ObjectResource.Parse(body);
                    }
                },
                cancellationToken,
                onRetry: e => RetryReporter.For(pipeline).Report(pipeline, e, "the metadata request"));
    }
}
