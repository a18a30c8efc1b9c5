using System;

namespace GcsMedia.Transfers
{
    /// <summary>What a download into a file produced.</summary>
    public sealed class FileDownloadResult
    {
        /// <summary>gs://bucket/object.</summary>
        public string Uri { get; set; } = string.Empty;

        /// <summary>The file written.</summary>
        public string Path { get; set; } = string.Empty;

        public int StatusCode { get; set; }

        public long? Start { get; set; }

        public long? End { get; set; }

        public string? ContentRange { get; set; }

        public long BytesWritten { get; set; }

        public long BytesDownloaded { get; set; }

        public long? TotalBytes { get; set; }

        public long? Generation { get; set; }

        public string ChecksumType { get; set; } = "Crc32c";

        public bool ChecksumVerified { get; set; }

        public string? Checksum { get; set; }

        /// <summary>Whole, Range, Chunked or Sliced.</summary>
        public string Mode { get; set; } = "Whole";

        /// <summary>Continued from a .partial file of an earlier run.</summary>
        public bool Resumed { get; set; }

        public int Retries { get; set; }

        public TimeSpan Elapsed { get; set; }
    }
}
