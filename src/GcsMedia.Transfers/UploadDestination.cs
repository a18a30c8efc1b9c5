using System;
using GcsMedia.Protocol;

namespace GcsMedia.Transfers
{
    /// <summary>
    /// Where an upload goes: -Uri gs://bucket/name, or -Bucket with -ObjectName. A name that is missing or ends in '/'
    /// (from either) is a prefix, followed by each file's name or relative path.
    /// </summary>
    public sealed class UploadDestination
    {
        private UploadDestination(string bucket, string? name)
        {
            Bucket = bucket;
            Name = name;
        }

        public string Bucket { get; }

        /// <summary>The object name or the prefix; null: none (the top of the bucket).</summary>
        public string? Name { get; }

        public bool IsPrefix => string.IsNullOrEmpty(Name) || Name!.EndsWith("/", StringComparison.Ordinal);

        /// <summary>The prefix for a folder's tree: the prefix, or the name taken as a folder.</summary>
        public string TreePrefix => IsPrefix ? Name ?? string.Empty : Name + "/";

        /// <summary>Throws ArgumentException naming the parameter at fault.</summary>
        public static UploadDestination Resolve(string? uri, string? bucket, string? objectName)
        {
            if (uri != null && (bucket != null || objectName != null))
            {
                throw new ArgumentException("Give either -Uri or -Bucket (with -ObjectName), not both.", "Uri");
            }

            if (uri != null)
            {
                (string fromBucket, string name) = ObjectAddress.ResolveDestination(uri);
                return new UploadDestination(fromBucket, name);
            }

            if (bucket == null)
            {
                throw new ArgumentException("-Bucket or -Uri is required: where should the object go?", "Bucket");
            }

            if (bucket.StartsWith("gs://", StringComparison.OrdinalIgnoreCase) || bucket.IndexOf('/') >= 0)
            {
                throw new ArgumentException($"-Bucket '{bucket}' must be a bare bucket name (no gs:// and no '/'). To give a full address use -Uri gs://bucket/object.", "Bucket");
            }

            if (objectName != null && objectName.IndexOfAny(new[] { '\r', '\n' }) >= 0)
            {
                throw new ArgumentException("-ObjectName contains a line break; GCS object names cannot contain carriage returns or line feeds.", "ObjectName");
            }

            return new UploadDestination(bucket, objectName);
        }

        /// <summary>The object for a file (a prefix is followed by <paramref name="fileName"/>), or for data without a file name.</summary>
        public GcsObjectRef TargetFor(string? fileName)
            => new GcsObjectRef(Bucket, IsPrefix && fileName != null ? (Name ?? string.Empty) + fileName : Name!);
    }
}
