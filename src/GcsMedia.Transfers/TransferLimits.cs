using System;
using System.Globalization;
using GcsMedia.Protocol;

namespace GcsMedia.Transfers
{
    /// <summary>
    /// The limits every transfer option is checked against, in one place. Each check throws
    /// <see cref="ArgumentException"/> whose ParamName is the option's name and whose message starts with it.
    /// </summary>
    public static class TransferLimits
    {
        /// <summary>
        /// The resumable chunk size when none is given: 64 MiB. Each chunk is one request plus the server's bookkeeping
        /// (and a round trip on a long link); in the chunk-size curve of bench/RESULTS.md 1 GiB went at 0.875x curl with
        /// 64 MiB chunks, 0.76x with 16 MiB and 0.89x with 256 MiB, so 64 MiB is the fast one that holds least memory.
        /// </summary>
        public const long DefaultUploadChunkSize = 64L * 1024 * 1024;

        /// <summary>The smallest bandwidth cap accepted (1 KiB/s); below that a transfer would look hung.</summary>
        public const long MinimumBytesPerSecond = 1024;

        /// <summary>
        /// The largest resumable chunk: it is held in one byte array, so the largest multiple of 256 KiB below 2 GiB,
        /// 2,147,221,504 bytes (2 GiB - 256 KiB).
        /// </summary>
        public const long MaximumChunkSize = int.MaxValue - (int.MaxValue % ResumableUpload.ChunkGranularity);

        /// <summary>The largest download chunk: chunks are streamed, but one request's length is an int (2 GiB - 1).</summary>
        public const long MaximumDownloadChunkSize = int.MaxValue;

        public static void CheckMaxBytesPerSecond(long? bytesPerSecond)
        {
            if (bytesPerSecond.HasValue && bytesPerSecond.Value < MinimumBytesPerSecond)
            {
                throw new ArgumentException(
                    $"MaxBytesPerSecond {bytesPerSecond} is too small. Give a rate of at least 1KB (1024 bytes per second), for example 10MB.",
                    "MaxBytesPerSecond");
            }
        }

        /// <summary>A resumable upload's chunk size: a positive multiple of 256 KiB, at most <see cref="MaximumChunkSize"/>.</summary>
        public static void CheckUploadChunkSize(long chunkSize)
        {
            string? problem = null;
            if (chunkSize <= 0)
            {
                problem = $"ChunkSize {N(chunkSize)} is not positive. Give a multiple of 256 KiB (262144 bytes) such as 256KB, 8MB or 16MB.";
            }
            else if (chunkSize > MaximumChunkSize)
            {
                problem = $"ChunkSize {N(chunkSize)} is too large: a resumable upload chunk is held in memory and can be at most " +
                          $"{N(MaximumChunkSize)} bytes (2GB - 256KB, a multiple of 256 KiB). Use 1GB or less; 16MB to 256MB is usually fastest.";
            }
            else if (chunkSize % ResumableUpload.ChunkGranularity != 0)
            {
                long lower = chunkSize - (chunkSize % ResumableUpload.ChunkGranularity);
                problem = $"ChunkSize {N(chunkSize)} is not a multiple of 256 KiB (262144 bytes)" +
                          (lower > 0 ? $"; the nearest smaller one is {N(lower)}." : ".") + " Use a value such as 256KB, 8MB or 16MB.";
            }

            if (problem != null)
            {
                throw new ArgumentException(problem, "ChunkSize");
            }
        }

        /// <summary>A chunked download's chunk size: positive, at most <see cref="MaximumDownloadChunkSize"/>.</summary>
        public static void CheckDownloadChunkSize(long chunkSize)
        {
            if (chunkSize <= 0 || chunkSize > MaximumDownloadChunkSize)
            {
                throw new ArgumentException(
                    $"ChunkSize {N(chunkSize)} is out of range. Give a positive size up to {N(MaximumDownloadChunkSize)} bytes (2GB - 1 byte), for example 32MB.",
                    "ChunkSize");
            }
        }

        /// <summary>
        /// A download's byte range and chunking: -End is the last byte (inclusive, from 0); a negative start means the last
        /// N bytes, which takes no end and no chunking (a chunked download needs a known first byte).
        /// </summary>
        public static void CheckDownloadRange(long? start, long? end, long? chunkSize)
        {
            if (end.HasValue && end.Value < 0)
            {
                throw new ArgumentException($"End {end} is negative. -End is the last byte to download, counted from 0.", "End");
            }

            if (start.HasValue && start.Value < 0 && end.HasValue)
            {
                throw new ArgumentException(
                    $"-Start {start} (the last {-start} bytes) cannot be combined with -End. Remove -End, or give a non-negative -Start.", "End");
            }

            if (start.HasValue && end.HasValue && end.Value < start.Value)
            {
                throw new ArgumentException(
                    $"End {end} is before -Start {start}. -End is the last byte to download (inclusive) and must be at least -Start.", "End");
            }

            if (chunkSize.HasValue)
            {
                CheckDownloadChunkSize(chunkSize.Value);
                if (start.HasValue && start.Value < 0)
                {
                    throw new ArgumentException(
                        "Start must not be negative with -ChunkSize: a chunked download needs a known first byte. Remove -ChunkSize to download the last N bytes.", "Start");
                }
            }
        }

        /// <summary>A parallel upload's part size: within GCS's limits for every part but the last.</summary>
        public static void CheckPartSize(long partSize)
        {
            if (partSize < XmlMpuPlan.MinPartSize || partSize > XmlMpuPlan.MaxPartSize)
            {
                throw new ArgumentException(
                    $"PartSize {DescribeSize(partSize)} is outside GCS's part limits (5MB to 5GB for every part but the last). Use, for example, 32MB.",
                    "PartSize");
            }
        }

        /// <summary>A sliced download's slice size.</summary>
        public static void CheckSliceSize(long sliceSize)
        {
            if (sliceSize < SlicedDownload.MinimumSliceSize)
            {
                throw new ArgumentException(
                    $"SliceSize {sliceSize} is too small. A slice is at least 1MB (1048576 bytes); the default is 32MB.", "SliceSize");
            }
        }

        private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);

        /// <summary>Whole MiB as "32MB", anything else in bytes.</summary>
        public static string DescribeSize(long bytes)
        {
            const long mib = 1024 * 1024;
            return bytes % mib == 0 && bytes > 0
                ? string.Format(CultureInfo.InvariantCulture, "{0}MB", bytes / mib)
                : string.Format(CultureInfo.InvariantCulture, "{0} bytes", bytes);
        }
    }
}
