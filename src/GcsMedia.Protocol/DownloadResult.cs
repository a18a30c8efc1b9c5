namespace GcsMedia.Protocol
{
    /// <summary>What a finished download reports: for the cmdlet's output object and for logs.</summary>
    public sealed class DownloadResult
    {
        public DownloadResult(
            int statusCode,
            long bytesDownloaded,
            long bytesWritten,
            long? totalBytes,
            long? generation,
            string? contentRange,
            ChecksumType checksumType,
            string? expectedChecksum,
            string? actualChecksum,
            bool checksumVerified,
            string? contentEncoding,
            string? storedContentEncoding,
            int retries)
        {
            StatusCode = statusCode;
            BytesDownloaded = bytesDownloaded;
            BytesWritten = bytesWritten;
            TotalBytes = totalBytes;
            Generation = generation;
            ContentRange = contentRange;
            ChecksumType = checksumType;
            ExpectedChecksum = expectedChecksum;
            ActualChecksum = actualChecksum;
            ChecksumVerified = checksumVerified;
            ContentEncoding = contentEncoding;
            StoredContentEncoding = storedContentEncoding;
            Retries = retries;
        }

        /// <summary>Status of the last response (200 or 206 on success).</summary>
        public int StatusCode { get; }

        /// <summary>Bytes received from the server (stored bytes; compressed for a gzip-served object).</summary>
        public long BytesDownloaded { get; }

        /// <summary>Bytes written to the destination (decompressed for a decoded gzip object).</summary>
        public long BytesWritten { get; }

        /// <summary>The object's stored size, when known.</summary>
        public long? TotalBytes { get; }

        public long? Generation { get; }

        /// <summary>The first successful response's Content-Range header, raw.</summary>
        public string? ContentRange { get; }

        public ChecksumType ChecksumType { get; }

        /// <summary>From x-goog-hash (whole downloads only).</summary>
        public string? ExpectedChecksum { get; }

        public string? ActualChecksum { get; }

        public bool ChecksumVerified { get; }

        public string? ContentEncoding { get; }

        public string? StoredContentEncoding { get; }

        public int Retries { get; }
    }
}
