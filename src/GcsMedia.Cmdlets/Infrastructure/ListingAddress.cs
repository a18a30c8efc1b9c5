using System;
using GcsMedia.Protocol;

namespace GcsMedia.Cmdlets
{
    /// <summary>
    /// What Get-GcsObject was asked for: one object (gs://bucket/name), or a listing of a bucket under a prefix
    /// (gs://bucket, gs://bucket/ or gs://bucket/folder/ — a trailing '/' means "what is in this folder").
    /// </summary>
    internal sealed class ListingAddress
    {
        private ListingAddress(string bucket, string prefix, GcsObjectRef? single)
        {
            Bucket = bucket;
            Prefix = prefix;
            Object = single;
        }

        public string Bucket { get; }

        /// <summary>The listing's name prefix ("" for the whole bucket); for a single object, its name.</summary>
        public string Prefix { get; }

        /// <summary>Set when one object is meant.</summary>
        public GcsObjectRef? Object { get; }

        public string Display => $"gs://{Bucket}/{Prefix}";

        /// <summary>Throws ArgumentException naming the parameter when the address is malformed.</summary>
        public static ListingAddress FromUri(string uri)
        {
            const string scheme = "gs://";
            if (!uri.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
            {
                throw new ArgumentException(
                    $"-Uri '{uri}' is not a gs:// address. Write gs://bucket/object for one object, or gs://bucket/folder/ (trailing '/') or gs://bucket for a listing.",
                    "Uri");
            }

            string rest = uri.Substring(scheme.Length);
            int slash = rest.IndexOf('/');
            string bucket = slash < 0 ? rest : rest.Substring(0, slash);
            string name = slash < 0 ? string.Empty : rest.Substring(slash + 1);
            if (bucket.Length == 0)
            {
                throw new ArgumentException($"-Uri '{uri}' has no bucket name. Write it as gs://bucket/object or gs://bucket/folder/.", "Uri");
            }

            RefuseLineBreaks(name, "Uri");
            return name.Length == 0 || name.EndsWith("/", StringComparison.Ordinal)
                ? new ListingAddress(bucket, name, null)
                : new ListingAddress(bucket, name, new GcsObjectRef(bucket, name));
        }

        public static ListingAddress FromBucket(string bucket, string? prefix, string? objectName)
        {
            if (bucket.StartsWith("gs://", StringComparison.OrdinalIgnoreCase) || bucket.IndexOf('/') >= 0)
            {
                throw new ArgumentException(
                    $"-Bucket '{bucket}' must be a bare bucket name (no gs:// and no '/'). Narrow a listing with -Prefix, or give -Uri gs://bucket/folder/.",
                    "Bucket");
            }

            if (!string.IsNullOrEmpty(objectName))
            {
                RefuseLineBreaks(objectName!, "ObjectName");
                return new ListingAddress(bucket, objectName!, new GcsObjectRef(bucket, objectName!));
            }

            RefuseLineBreaks(prefix ?? string.Empty, "Prefix");
            return new ListingAddress(bucket, prefix ?? string.Empty, null);
        }

        private static void RefuseLineBreaks(string name, string parameter)
        {
            if (name.IndexOfAny(new[] { '\r', '\n' }) >= 0)
            {
                throw new ArgumentException($"-{parameter} contains a line break; GCS object names cannot contain carriage returns or line feeds.", parameter);
            }
        }
    }
}
