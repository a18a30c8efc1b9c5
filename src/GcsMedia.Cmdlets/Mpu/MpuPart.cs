using System;

namespace GcsMedia
{
    /// <summary>
    /// One uploaded part of an XML API multipart upload, as Add-GcsMpuPart outputs it. Pipe parts into
    /// Complete-GcsMpu (it collects them all, sorts them by number and completes the upload). Plain types only,
    /// so parts survive Export-Clixml / ConvertTo-Json and can be completed elsewhere.
    /// </summary>
    public sealed class MpuPart
    {
        public string Bucket { get; set; } = string.Empty;

        public string ObjectName { get; set; } = string.Empty;

        public string UploadId { get; set; } = string.Empty;

        /// <summary>1..10000.</summary>
        public int PartNumber { get; set; }

        /// <summary>The part's ETag exactly as the server wrote it (quotes included).</summary>
        public string ETag { get; set; } = string.Empty;

        /// <summary>Bytes in the part.</summary>
        public long Size { get; set; }

        /// <summary>Base64 big-endian CRC32C of the part, as sent in x-goog-hash and confirmed by the server.</summary>
        public string? Crc32c { get; set; }

        public string? Endpoint { get; set; }

        /// <summary>When the server stored the part (UTC); set by Get-GcsMpuPart, which reads the server's list.</summary>
        public DateTime? LastModified { get; set; }

        /// <summary>gs://bucket/object of the upload the part belongs to.</summary>
        public string Uri => $"gs://{Bucket}/{ObjectName}";

        public override string ToString() => $"{Uri} part {PartNumber}";

        internal static MpuPart From(GcsMedia.Transfers.UploadedPart part, GcsMedia.Protocol.GcsObjectRef target, string uploadId, string endpoint) => new MpuPart
        {
            Bucket = target.Bucket,
            ObjectName = target.Name,
            UploadId = uploadId,
            PartNumber = part.PartNumber,
            ETag = part.ETag,
            Size = part.Size,
            Crc32c = part.Crc32c,
            Endpoint = endpoint,
        };
    }
}
