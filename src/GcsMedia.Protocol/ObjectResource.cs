using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace GcsMedia.Protocol
{
    /// <summary>The object resource GCS returns after an upload (JSON API), parsed leniently.</summary>
    public sealed class ObjectResource
    {
        private ObjectResource(JObject json)
        {
            Json = json.ToString(Formatting.None);
            Name = Text(json, "name");
            Bucket = Text(json, "bucket");
            Generation = Number(json, "generation");
            Metageneration = Number(json, "metageneration");
            Size = Number(json, "size");
            ContentType = Text(json, "contentType");
            ContentEncoding = Text(json, "contentEncoding");
            Md5Hash = Text(json, "md5Hash");
            Crc32c = Text(json, "crc32c");
            ETag = Text(json, "etag");
            TimeCreated = Time(json, "timeCreated");
            Updated = Time(json, "updated");
            TimeDeleted = Time(json, "timeDeleted");
            StorageClass = Text(json, "storageClass");
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            if (json["metadata"] is JObject custom)
            {
                foreach (JProperty property in custom.Properties())
                {
                    metadata[property.Name] = property.Value.Type == JTokenType.String
                        ? (string)property.Value!
                        : property.Value.ToString(Formatting.None);
                }
            }

            Metadata = metadata;
        }

        public string? Name { get; }

        public string? Bucket { get; }

        public long? Generation { get; }

        public long? Metageneration { get; }

        /// <summary>Bytes; null when the server left it out (some emulators do for empty objects).</summary>
        public long? Size { get; }

        public string? ContentType { get; }

        public string? ContentEncoding { get; }

        /// <summary>Base64 MD5; absent for composite and XML-MPU objects.</summary>
        public string? Md5Hash { get; }

        /// <summary>Base64 big-endian CRC32C.</summary>
        public string? Crc32c { get; }

        public IReadOnlyDictionary<string, string> Metadata { get; }

        public DateTimeOffset? TimeCreated { get; }

        public DateTimeOffset? Updated { get; }

        /// <summary>Set only on a noncurrent generation (listed with versions=true): when it stopped being live.</summary>
        public DateTimeOffset? TimeDeleted { get; }

        public string? StorageClass { get; }

        public string? ETag { get; }

        /// <summary>The JSON as received (compact).</summary>
        public string Json { get; }

        /// <summary>gs://bucket/name, or null when either is missing.</summary>
        public string? Uri => Bucket != null && Name != null ? $"gs://{Bucket}/{Name}" : null;

        /// <summary>The checksum of the given type as reported here (md5Hash or crc32c), or null.</summary>
        public string? GetChecksum(ChecksumType type) => type switch
        {
            ChecksumType.Md5 => Md5Hash,
            ChecksumType.Crc32c => Crc32c,
            _ => null,
        };

        public static ObjectResource Parse(string json)
        {
            if (!TryParse(json, out ObjectResource? resource))
            {
                throw new FormatException("The response body is not a JSON object resource.");
            }

            return resource!;
        }

        /// <summary>An object resource from an already parsed JSON object (a list item or a rewrite's resource).</summary>
        internal static ObjectResource FromJson(JObject json) => new ObjectResource(json);

        public static bool TryParse(string? json, out ObjectResource? resource)
        {
            resource = null;
            if (string.IsNullOrWhiteSpace(json) || !json!.TrimStart().StartsWith("{", StringComparison.Ordinal))
            {
                return false;
            }

            try
            {
                using var reader = new JsonTextReader(new StringReader(json)) { DateParseHandling = DateParseHandling.None };
                if (JToken.ReadFrom(reader) is JObject obj)
                {
                    resource = new ObjectResource(obj);
                    return true;
                }
            }
            catch (JsonException)
            {
            }

            return false;
        }

        public override string ToString() => Uri ?? Name ?? "(object)";

        private static string? Text(JObject json, string key)
            => json[key] is JValue value && value.Value != null ? Convert.ToString(value.Value, CultureInfo.InvariantCulture) : null;

        private static long? Number(JObject json, string key)
            => long.TryParse(Text(json, key), NumberStyles.Integer, CultureInfo.InvariantCulture, out long n) ? n : (long?)null;

        private static DateTimeOffset? Time(JObject json, string key)
            => DateTimeOffset.TryParse(Text(json, key), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset t)
                ? t
                : (DateTimeOffset?)null;
    }
}
