using System;
using System.Globalization;

namespace GcsMedia.Cmdlets
{
    /// <summary>What Receive-GcsMedia reports for each download (it always outputs one).</summary>
    public sealed class GcsDownloadResult
    {
        public string Uri { get; set; } = string.Empty;

        /// <summary>The file written (full path).</summary>
        public string Path { get; set; } = string.Empty;

        /// <summary>HTTP status of the last response: 200 whole, 206 partial.</summary>
        public int StatusCode { get; set; }

        /// <summary>The requested first byte (null for a whole download; negative for the last N bytes).</summary>
        public long? Start { get; set; }

        /// <summary>The requested last byte, inclusive (null for "to the end").</summary>
        public long? End { get; set; }

        /// <summary>
        /// The requested bytes in words: "whole", "100-199" (inclusive), "100-" (to the end) or "last 100".
        /// </summary>
        public string Range =>
            Start == null && End == null ? "whole"
            : Start < 0 ? string.Format(CultureInfo.InvariantCulture, "last {0}", -Start)
            : string.Format(CultureInfo.InvariantCulture, "{0}-{1}", Start ?? 0, End);

        /// <summary>The Content-Range the server answered with, when it sent one.</summary>
        public string? ContentRange { get; set; }

        /// <summary>Bytes in the file at the end.</summary>
        public long BytesWritten { get; set; }

        /// <summary>Bytes received from the server by this run (less than BytesWritten after a resume from .partial).</summary>
        public long BytesDownloaded { get; set; }

        /// <summary>The object's size on the server.</summary>
        public long? TotalBytes { get; set; }

        public long? Generation { get; set; }

        /// <summary>Crc32c, Md5 or None.</summary>
        public string ChecksumType { get; set; } = "Crc32c";

        /// <summary>True when the bytes were compared with the server's checksum and matched.</summary>
        public bool ChecksumVerified { get; set; }

        /// <summary>The checksum computed over the bytes (base64), when one was computed.</summary>
        public string? Checksum { get; set; }

        /// <summary>Whole, Range or Chunked.</summary>
        public string Mode { get; set; } = "Whole";

        /// <summary>True when the download continued from an earlier run's .partial file.</summary>
        public bool Resumed { get; set; }

        /// <summary>Transient failures retried along the way.</summary>
        public int Retries { get; set; }

        public TimeSpan Elapsed { get; set; }

        public override string ToString() => Path;

        internal static GcsDownloadResult From(GcsMedia.Transfers.FileDownloadResult result) => new GcsDownloadResult
        {
            Uri = result.Uri,
            Path = result.Path,
            StatusCode = result.StatusCode,
            Start = result.Start,
            End = result.End,
            ContentRange = result.ContentRange,
            BytesWritten = result.BytesWritten,
            BytesDownloaded = result.BytesDownloaded,
            TotalBytes = result.TotalBytes,
            Generation = result.Generation,
            ChecksumType = result.ChecksumType,
            ChecksumVerified = result.ChecksumVerified,
            Checksum = result.Checksum,
            Mode = result.Mode,
            Resumed = result.Resumed,
            Retries = result.Retries,
            Elapsed = result.Elapsed,
        };
    }
}
