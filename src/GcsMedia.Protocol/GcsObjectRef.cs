using System;

namespace GcsMedia.Protocol
{
    /// <summary>A bucket and object name, written gs://bucket/object.</summary>
    public sealed class GcsObjectRef : IEquatable<GcsObjectRef>
    {
        public GcsObjectRef(string bucket, string name)
        {
            if (string.IsNullOrWhiteSpace(bucket))
            {
                throw new ArgumentException("A bucket name is required.", nameof(bucket));
            }

            if (string.IsNullOrEmpty(name))
            {
                throw new ArgumentException("An object name is required.", nameof(name));
            }

            Bucket = bucket;
            Name = name;
        }

        public string Bucket { get; }

        public string Name { get; }

        /// <summary>Parses "gs://bucket/object/with/slashes". The object part may not be empty.</summary>
        public static GcsObjectRef Parse(string uri)
        {
            if (!TryParse(uri, out GcsObjectRef? result))
            {
                throw new FormatException($"'{uri}' is not a gs:// object URI. Write it as gs://bucket/object.");
            }

            return result!;
        }

        public static bool TryParse(string? uri, out GcsObjectRef? result)
        {
            result = null;
            const string scheme = "gs://";
            if (uri == null || !uri.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }

            string rest = uri.Substring(scheme.Length);
            int slash = rest.IndexOf('/');
            if (slash <= 0 || slash == rest.Length - 1)
            {
                return false;
            }

            result = new GcsObjectRef(rest.Substring(0, slash), rest.Substring(slash + 1));
            return true;
        }

        public override string ToString() => $"gs://{Bucket}/{Name}";

        public bool Equals(GcsObjectRef? other) => other != null && other.Bucket == Bucket && other.Name == Name;

        public override bool Equals(object? obj) => Equals(obj as GcsObjectRef);

        public override int GetHashCode() => (Bucket.GetHashCode() * 397) ^ Name.GetHashCode();
    }
}
