using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using GcsMedia.Protocol;

namespace GcsMedia.Transfers
{
    /// <summary>
    /// An object's metadata through the protocol's <see cref="ObjectLookup"/>, with the manager's retry strategy. The
    /// layer needs it before a sliced download, to validate a .partial resume, and after an XML multipart upload
    /// (whose completion answers XML, not the object).
    /// </summary>
    internal static class ObjectMetadataReader
    {
        public static Task<ObjectResource> GetAsync(
            HttpClient client, StorageUrls urls, GcsObjectRef obj, long? generation, RetryStrategy retryStrategy, CancellationToken cancellationToken)
            => new ObjectLookup(client, urls, obj, generation) { RetryStrategy = retryStrategy }.GetAsync(cancellationToken);
    }
}
