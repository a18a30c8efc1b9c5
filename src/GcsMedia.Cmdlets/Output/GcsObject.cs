using System;
using System.Collections;
using System.Collections.Generic;
using GcsMedia.Protocol;

namespace GcsMedia.Cmdlets
{
    /// <summary>
    /// An object resource, as Send-GcsMedia, Resume-GcsUpload, Get-GcsObject and Copy-GcsObject output it. Plain .NET
    /// types only. In a one-level listing a "folder" (a delimiter prefix) is a GcsObject too, with IsPrefix set and
    /// Name ending in '/', so one table shows both.
    /// </summary>
    public sealed class GcsObject
    {
        public string Bucket { get; set; } = string.Empty;

        public string Name { get; set; } = string.Empty;

        public long? Size { get; set; }

        public long? Generation { get; set; }

        public long? Metageneration { get; set; }

        public string? ContentType { get; set; }

        public string? ContentEncoding { get; set; }

        /// <summary>Base64 big-endian CRC32C, as GCS reports it.</summary>
        public string? Crc32c { get; set; }

        /// <summary>Base64 MD5, as GCS reports it (absent for composite objects).</summary>
        public string? Md5Hash { get; set; }

        public Hashtable Metadata { get; set; } = new Hashtable();

        public DateTime? TimeCreated { get; set; }

        public DateTime? Updated { get; set; }

        public string? ETag { get; set; }

        public string? StorageClass { get; set; }

        /// <summary>Set only on a noncurrent generation (Get-GcsObject -AllVersions): when it stopped being live.</summary>
        public DateTime? TimeDeleted { get; set; }

        /// <summary>True for a folder prefix from a one-level listing (not an object: no size, generation or checksum).</summary>
        public bool IsPrefix { get; set; }

        /// <summary>gs://bucket/name.</summary>
        public string Uri => $"gs://{Bucket}/{Name}";

        /// <summary>The local file that was uploaded, when there was one.</summary>
        public string? SourcePath { get; set; }

        /// <summary>How it was uploaded: Simple, Multipart or Resumable.</summary>
        public string? UploadType { get; set; }

        public override string ToString() => Uri;

        /// <summary>A folder prefix of a listing, e.g. gs://bucket/logs/2024/.</summary>
        internal static GcsObject ForPrefix(string bucket, string prefix) => new GcsObject { Bucket = bucket, Name = prefix, IsPrefix = true };

        internal static GcsObject From(ObjectResource resource, GcsObjectRef fallback, string? sourcePath, string? uploadType)
        {
            var result = new GcsObject
            {
                Bucket = resource.Bucket ?? fallback.Bucket,
                Name = resource.Name ?? fallback.Name,
                Size = resource.Size,
                Generation = resource.Generation,
                Metageneration = resource.Metageneration,
                ContentType = resource.ContentType,
                ContentEncoding = resource.ContentEncoding,
                Crc32c = resource.Crc32c,
                Md5Hash = resource.Md5Hash,
                TimeCreated = resource.TimeCreated?.UtcDateTime,
                Updated = resource.Updated?.UtcDateTime,
                ETag = resource.ETag,
                StorageClass = resource.StorageClass,
                TimeDeleted = resource.TimeDeleted?.UtcDateTime,
                SourcePath = sourcePath,
                UploadType = uploadType,
            };
            foreach (KeyValuePair<string, string> pair in resource.Metadata)
            {
                result.Metadata[pair.Key] = pair.Value;
            }

            return result;
        }
    }
}
