using System;

namespace GcsMedia.Protocol
{
    /// <summary>What a finished <see cref="SlicedDownload"/> reports: for the cmdlet's output object and for logs.</summary>
    public sealed class SlicedDownloadResult
    {
        public SlicedDownloadResult(
            string? objectName,
            string path,
            long bytesDownloaded,
            long bytesWritten,
            long? totalBytes,
            long? generation,
            int slices,
            long sliceSize,
            string? expectedCrc32c,
            string? actualCrc32c,
            bool checksumVerified,
            int retries,
            TimeSpan elapsed)
        {
            ObjectName = objectName;
            Path = path;
            BytesDownloaded = bytesDownloaded;
            BytesWritten = bytesWritten;
            TotalBytes = totalBytes;
            Generation = generation;
            Slices = slices;
            SliceSize = sliceSize;
            ExpectedCrc32c = expectedCrc32c;
            ActualCrc32c = actualCrc32c;
            ChecksumVerified = checksumVerified;
            Retries = retries;
            Elapsed = elapsed;
        }

        /// <summary>gs://bucket/object (or the label given), for messages.</summary>
        public string? ObjectName { get; }

        /// <summary>The file written (the path the caller passed).</summary>
        public string Path { get; }

        /// <summary>Bytes received from the server (stored bytes), all slices together.</summary>
        public long BytesDownloaded { get; }

        /// <summary>Bytes written to the file (differs from <see cref="BytesDownloaded"/> only for a decoded gzip object).</summary>
        public long BytesWritten { get; }

        /// <summary>The object's stored size, when known.</summary>
        public long? TotalBytes { get; }

        /// <summary>The generation every slice was pinned to (or the one the server reported).</summary>
        public long? Generation { get; }

        /// <summary>How many ranged requests the object was split into (1 for a single-stream download).</summary>
        public int Slices { get; }

        /// <summary>The slice size used.</summary>
        public long SliceSize { get; }

        /// <summary>The object's crc32c (base64) from its metadata or the caller; or x-goog-hash on a single stream.</summary>
        public string? ExpectedCrc32c { get; }

        /// <summary>The crc32c of the received bytes: the slices' CRCs combined in order (base64).</summary>
        public string? ActualCrc32c { get; }

        /// <summary>True when the received bytes were validated against the object's crc32c.</summary>
        public bool ChecksumVerified { get; }

        /// <summary>Retries used, summed over all slices.</summary>
        public int Retries { get; }

        public TimeSpan Elapsed { get; }

        public override string ToString()
            => $"{ObjectName ?? Path}: {BytesDownloaded} bytes in {Slices} slice(s), crc32c {(ChecksumVerified ? "verified" : "not verified")}";
    }
}
