using System;
using System.Collections.Generic;

namespace GcsMedia.Protocol
{
    /// <summary>Reads and writes the x-goog-hash header ("crc32c=AAAAAA==,md5=1B2M2Y8AsgTpgAmY7PhCfg==").</summary>
    public static class GoogHash
    {
        public const string HeaderName = "x-goog-hash";

        /// <summary>
        /// The value for <paramref name="type"/>, or null when the header is absent or lacks that type.
        /// Entries are split on ',' and on their first '='; names may carry leading spaces.
        /// Two values of the same type are an <see cref="InvalidResponseException"/>, as in the Python library.
        /// </summary>
        public static string? Parse(string? headerValue, ChecksumType type, string? objectName = null)
        {
            if (string.IsNullOrEmpty(headerValue) || type == ChecksumType.None)
            {
                return null;
            }

            string wanted = MediaHasher.HeaderName(type);
            var matches = new List<string>();
            foreach (string entry in headerValue!.Split(','))
            {
                int equals = entry.IndexOf('=');
                if (equals < 0)
                {
                    continue;
                }

                string name = entry.Substring(0, equals).Trim();
                if (string.Equals(name, wanted, StringComparison.OrdinalIgnoreCase))
                {
                    matches.Add(entry.Substring(equals + 1).Trim());
                }
            }

            if (matches.Count > 1)
            {
                throw new InvalidResponseException(
                    $"X-Goog-Hash header had multiple '{wanted}' values ({string.Join(", ", matches)}){ObjectSuffix(objectName)}.",
                    statusCode: null);
            }

            return matches.Count == 1 ? matches[0] : null;
        }

        /// <summary>Parses a header (or several header values joined) with every value; used when several headers arrive.</summary>
        public static string? Parse(IEnumerable<string>? headerValues, ChecksumType type, string? objectName = null)
            => headerValues == null ? null : Parse(string.Join(",", headerValues), type, objectName);

        public static string Format(ChecksumType type, string base64Value) => $"{MediaHasher.HeaderName(type)}={base64Value}";

        private static string ObjectSuffix(string? objectName) => objectName == null ? string.Empty : $" for {objectName}";
    }
}
