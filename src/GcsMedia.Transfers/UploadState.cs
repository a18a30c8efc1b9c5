using System;
using System.Security.Cryptography;
using System.Text;
using Newtonsoft.Json;

namespace GcsMedia.Transfers
{
    /// <summary>
    /// What a new process needs to finish a resumable upload. Persisted by an <see cref="IUploadStateStore"/> (a file
    /// store writes owner-only files). <see cref="SessionUri"/> is a bearer capability: it is never printed, logged or put in an
    /// error message, and no output object exposes it.
    /// </summary>
    [JsonObject(MemberSerialization.OptIn)]
    public sealed class UploadState
    {
        public const int CurrentVersion = 1;

        [JsonProperty("version")]
        public int Version { get; set; } = CurrentVersion;

        [JsonProperty("endpoint")]
        public string Endpoint { get; set; } = string.Empty;

        [JsonProperty("bucket")]
        public string Bucket { get; set; } = string.Empty;

        [JsonProperty("objectName")]
        public string ObjectName { get; set; } = string.Empty;

        [JsonProperty("sourcePath")]
        public string SourcePath { get; set; } = string.Empty;

        [JsonProperty("length")]
        public long Length { get; set; }

        /// <summary>The source file's last write time (UTC ticks) when the upload started.</summary>
        [JsonProperty("lastWriteTimeUtcTicks")]
        public long LastWriteTimeUtcTicks { get; set; }

        [JsonProperty("chunkSize")]
        public long ChunkSize { get; set; }

        [JsonProperty("checksum")]
        public string Checksum { get; set; } = "Crc32c";

        [JsonProperty("contentType")]
        public string? ContentType { get; set; }

        [JsonProperty("sessionUri")]
        public string SessionUri { get; set; } = string.Empty;

        [JsonProperty("createdUtc")]
        public DateTime CreatedUtc { get; set; } = DateTime.UtcNow;

        /// <summary>The file this state was read from or saved to (not serialized).</summary>
        public string? StatePath { get; set; }

        public string ObjectUri => $"gs://{Bucket}/{ObjectName}";

        /// <summary>
        /// The identity of the upload: a hash of (endpoint, bucket, object, full source path, file length, last write
        /// time). A changed file or target is a different upload.
        /// </summary>
        public string Key => KeyFor(Endpoint, Bucket, ObjectName, SourcePath, Length, LastWriteTimeUtcTicks);

        public static string KeyFor(string endpoint, string bucket, string objectName, string sourcePath, long length, long lastWriteTimeUtcTicks)
        {
            string identity = string.Join("\n", endpoint.TrimEnd('/'), bucket, objectName, sourcePath, length.ToString(), lastWriteTimeUtcTicks.ToString());
            using (SHA256 sha = SHA256.Create())
            {
                byte[] digest = sha.ComputeHash(Encoding.UTF8.GetBytes(identity));
                var hex = new StringBuilder(digest.Length * 2);
                foreach (byte b in digest)
                {
                    hex.Append(b.ToString("x2"));
                }

                return hex.ToString();
            }
        }

        public override string ToString() => $"Resumable upload of {SourcePath} to {ObjectUri}";
    }
}
