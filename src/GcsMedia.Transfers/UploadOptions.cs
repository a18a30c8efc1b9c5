using System.Collections.Generic;
using GcsMedia.Protocol;

namespace GcsMedia.Transfers
{
    /// <summary>How to upload one file, stream or buffer.</summary>
    public sealed class UploadOptions
    {
        public const long DefaultChunkSize = TransferLimits.DefaultUploadChunkSize;
        public const long DefaultPartSize = 32L * 1024 * 1024;

        public UploadMode Mode { get; set; } = UploadMode.Auto;

        /// <summary>
        /// An explicit content type (sent as object metadata, so <see cref="UploadMode.Auto"/> chooses multipart).
        /// Null: a file's type comes from its extension (<see cref="ContentTypes"/>), text is text/plain UTF-8, other
        /// data application/octet-stream.
        /// </summary>
        public string? ContentType { get; set; }

        public string? ContentEncoding { get; set; }

        public string? CacheControl { get; set; }

        /// <summary>Custom metadata (x-goog-meta-*).</summary>
        public IDictionary<string, string>? Metadata { get; set; }

        /// <summary>Replace an existing object; false: the upload fails with <see cref="ObjectExistsException"/> if one exists.</summary>
        public bool Overwrite { get; set; }

        public ChecksumType Checksum { get; set; } = ChecksumType.Crc32c;

        /// <summary>Resumable chunk size, a multiple of 256 KiB.</summary>
        public long ChunkSize { get; set; } = DefaultChunkSize;

        /// <summary>Bytes per part of a parallel upload.</summary>
        public long PartSize { get; set; } = DefaultPartSize;

        /// <summary>Most parts of a parallel upload in flight at once.</summary>
        public int PartConcurrency { get; set; } = 8;

        public UploadOptions Clone() => (UploadOptions)MemberwiseClone();

        /// <summary>The request carries metadata beyond the name and content type.</summary>
        internal bool HasMetadata => (Metadata != null && Metadata.Count > 0) || ContentType != null || ContentEncoding != null || CacheControl != null;
    }
}
