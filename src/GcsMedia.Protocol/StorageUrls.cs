using System;

namespace GcsMedia.Protocol
{
    /// <summary>
    /// Builds the JSON and XML API URLs for an endpoint: https://storage.googleapis.com by default, or an
    /// emulator such as http://127.0.0.1:9000. Object names are percent-encoded ('/' as %2F on the JSON API).
    /// </summary>
    public sealed class StorageUrls
    {
        public static readonly Uri DefaultEndpoint = new Uri("https://storage.googleapis.com");

        public StorageUrls(Uri? endpoint = null)
        {
            Endpoint = new Uri((endpoint ?? DefaultEndpoint).GetLeftPart(UriPartial.Authority) + "/");
        }

        public Uri Endpoint { get; }

        public string Root => Endpoint.AbsoluteUri.TrimEnd('/');

        public string MediaDownload(GcsObjectRef obj, long? generation = null)
            => $"{Root}/download/storage/v1/b/{Escape(obj.Bucket)}/o/{Escape(obj.Name)}?alt=media" + GenerationQuery(generation, "&");

        public string ObjectMetadata(GcsObjectRef obj, long? generation = null)
            => $"{Root}/storage/v1/b/{Escape(obj.Bucket)}/o/{Escape(obj.Name)}" + GenerationQuery(generation, "?");

        /// <summary>JSON API object list of a bucket; the query is added by the caller.</summary>
        public string ObjectList(string bucket) => $"{Root}/storage/v1/b/{Escape(bucket)}/o";

        /// <summary>JSON API rewrite (server-side copy) of one object to another, within or across buckets.</summary>
        public string RewriteTo(GcsObjectRef source, GcsObjectRef destination)
            => $"{Root}/storage/v1/b/{Escape(source.Bucket)}/o/{Escape(source.Name)}/rewriteTo/b/{Escape(destination.Bucket)}/o/{Escape(destination.Name)}";

        /// <summary>uploadType is media, multipart or resumable; media uploads carry the name in the query.</summary>
        public string Upload(string bucket, string uploadType, string? objectName = null, long? ifGenerationMatch = null)
        {
            string url = $"{Root}/upload/storage/v1/b/{Escape(bucket)}/o?uploadType={uploadType}";
            if (objectName != null)
            {
                url += "&name=" + Escape(objectName);
            }

            if (ifGenerationMatch.HasValue)
            {
                url += "&ifGenerationMatch=" + ifGenerationMatch.Value;
            }

            return url;
        }

        /// <summary>XML API object URL (MPU): {root}/{bucket}/{object}, '/' in the object name kept.</summary>
        public string XmlObject(GcsObjectRef obj) => $"{Root}/{Escape(obj.Bucket)}/{EscapePath(obj.Name)}";

        public string XmlBucket(string bucket) => $"{Root}/{Escape(bucket)}";

        public static string Escape(string value) => Uri.EscapeDataString(value);

        public static string EscapePath(string value) => string.Join("/", Array.ConvertAll(value.Split('/'), Uri.EscapeDataString));

        private static string GenerationQuery(long? generation, string separator)
            => generation.HasValue ? $"{separator}generation={generation.Value}" : string.Empty;
    }
}
