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
        /// <summary>The smallest bandwidth cap accepted (1 KiB/s); below that a transfer would look hung.</summary>
        public const long MinimumBytesPerSecond = 1024;

        /// <summary>The largest resumable chunk: a multiple of 256 KiB that still fits one buffer.</summary>
        public const long MaximumChunkSize = int.MaxValue - (int.MaxValue % ResumableUpload.ChunkGranularity);

        public static void CheckMaxBytesPerSecond(long? bytesPerSecond)
        {
            if (bytesPerSecond.HasValue && bytesPerSecond.Value < MinimumBytesPerSecond)
            {
                throw new ArgumentException(
                    $"MaxBytesPerSecond {bytesPerSecond} is too small. Give a rate of at least 1KB (1024 bytes per second), for example 10MB.",
                    "MaxBytesPerSecond");
            }
        }

        /// <summary>A resumable upload's chunk size: a positive multiple of 256 KiB.</summary>
        public static void CheckUploadChunkSize(long chunkSize)
        {
            if (chunkSize <= 0 || chunkSize % ResumableUpload.ChunkGranularity != 0 || chunkSize > MaximumChunkSize)
            {
                throw new ArgumentException(
                    $"ChunkSize {chunkSize} is not a positive multiple of 256 KiB (262144 bytes). Use a value such as 256KB, 8MB or 16MB.",
                    "ChunkSize");
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
