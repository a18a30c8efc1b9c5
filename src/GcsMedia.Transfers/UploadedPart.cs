namespace GcsMedia.Transfers
{
    /// <summary>One part of an XML multipart upload, uploaded and confirmed by the server.</summary>
    public sealed class UploadedPart
    {
        public UploadedPart(int partNumber, string etag, long offset, long size, string? crc32c)
        {
            PartNumber = partNumber;
            ETag = etag;
            Offset = offset;
            Size = size;
            Crc32c = crc32c;
        }

        public int PartNumber { get; }

        /// <summary>The part's ETag exactly as the server wrote it (quotes included).</summary>
        public string ETag { get; }

        /// <summary>The part's first byte in the source file.</summary>
        public long Offset { get; }

        public long Size { get; }

        /// <summary>Base64 big-endian CRC32C, as sent in x-goog-hash and confirmed by the server.</summary>
        public string? Crc32c { get; }
    }
}
