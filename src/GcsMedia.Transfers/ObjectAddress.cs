using System;
using GcsMedia.Protocol;

namespace GcsMedia.Transfers
{
    /// <summary>Turns -Uri gs://bucket/object, or -Bucket plus -ObjectName, into a <see cref="GcsObjectRef"/>.</summary>
    public static class ObjectAddress
    {
        /// <summary>Throws ArgumentException naming the parameter when the address is malformed or incomplete.</summary>
        public static GcsObjectRef Resolve(string? uri, string? bucket, string? objectName)
        {
            if (!string.IsNullOrEmpty(uri))
            {
                if (!GcsObjectRef.TryParse(uri, out GcsObjectRef? parsed))
                {
                    throw new ArgumentException(
                        $"-Uri '{uri}' is not a gs:// object URI. Write it as gs://bucket/object (for example gs://my-bucket/videos/a.mp4), or use -Bucket and -ObjectName.",
                        "Uri");
                }

                RefuseLineBreaks(parsed!.Name, "Uri");
                return parsed!;
            }

            if (string.IsNullOrWhiteSpace(bucket))
            {
                throw new ArgumentException("-Bucket is required when -Uri is not given.", "Bucket");
            }

            if (bucket!.StartsWith("gs://", StringComparison.OrdinalIgnoreCase) || bucket.IndexOf('/') >= 0)
            {
                throw new ArgumentException(
                    $"-Bucket '{bucket}' must be a bare bucket name (no gs:// and no '/'). To give a full address use -Uri gs://bucket/object.",
                    "Bucket");
            }

            if (string.IsNullOrEmpty(objectName))
            {
                throw new ArgumentException("-ObjectName is required with -Bucket.", "ObjectName");
            }

            RefuseLineBreaks(objectName!, "ObjectName");
            return new GcsObjectRef(bucket, objectName!);
        }

        /// <summary>
        /// An upload destination from -Uri: gs://bucket/name, or a prefix ending in '/' (gs://bucket/folder/, or
        /// gs://bucket/ for the top of the bucket), returned as the name. Throws ArgumentException naming -Uri.
        /// </summary>
        public static (string Bucket, string Name) ResolveDestination(string uri)
        {
            const string scheme = "gs://";
            if (uri.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
            {
                string rest = uri.Substring(scheme.Length);
                int slash = rest.IndexOf('/');
                if (slash > 0 && slash == rest.Length - 1)
                {
                    return (rest.Substring(0, slash), string.Empty);
                }
            }

            GcsObjectRef resolved = Resolve(uri, null, null);
            return (resolved.Bucket, resolved.Name);
        }

        /// <summary>
        /// The objects below a prefix, for a folder download: -Uri gs://bucket/prefix (with or without a final '/'), or
        /// -Bucket with -ObjectName as the prefix. The prefix comes back ending in '/', or empty for the whole bucket.
        /// </summary>
        public static (string Bucket, string Prefix) ResolveFolder(string? uri, string? bucket, string? objectName)
        {
            string prefix;
            if (uri != null)
            {
                (bucket, prefix) = ResolveDestination(uri);
            }
            else
            {
                GcsObjectRef named = Resolve(null, bucket, objectName);
                (bucket, prefix) = (named.Bucket, named.Name);
            }

            return (bucket!, prefix.Length > 0 && !prefix.EndsWith("/", StringComparison.Ordinal) ? prefix + "/" : prefix);
        }

        private static void RefuseLineBreaks(string name, string parameter)
        {
            if (name.IndexOfAny(new[] { '\r', '\n' }) >= 0)
            {
                throw new ArgumentException($"-{parameter}: the object name contains a line break; GCS object names cannot contain carriage returns or line feeds.", parameter);
            }
        }
    }
}
