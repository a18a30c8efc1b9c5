using System.Globalization;
using GcsMedia.Protocol;

namespace GcsMedia.Cmdlets
{
    /// <summary>
    /// What -ChunkSize may be, and the message when it may not. A resumable upload buffers one chunk in a byte array,
    /// so its chunk is at most the largest multiple of 256 KiB below 2 GiB: 2,147,221,504 bytes (2 GiB − 256 KiB).
    /// A chunked download streams each chunk, but sizes one request by an int: at most 2,147,483,647 bytes (2 GiB − 1).
    /// </summary>
    internal static class ChunkSizeLimits
    {
        public const long UploadMaximum = int.MaxValue - (int.MaxValue % ResumableUpload.ChunkGranularity);

        public const long DownloadMaximum = int.MaxValue;

        /// <summary>Null when <paramref name="chunkSize"/> is a valid upload chunk size, else the reason.</summary>
        public static string? UploadProblem(long chunkSize)
        {
            if (chunkSize <= 0)
            {
                return $"-ChunkSize {N(chunkSize)} is not positive. Give a multiple of 256 KiB (262144 bytes) such as 256KB, 8MB or 16MB.";
            }

            if (chunkSize > UploadMaximum)
            {
                return $"-ChunkSize {N(chunkSize)} is too large: a resumable upload chunk is held in memory and can be at most " +
                       $"{N(UploadMaximum)} bytes (2GB - 256KB, a multiple of 256 KiB). Use 1GB or less; 16MB to 256MB is usually fastest.";
            }

            if (chunkSize % ResumableUpload.ChunkGranularity != 0)
            {
                long lower = chunkSize - (chunkSize % ResumableUpload.ChunkGranularity);
                return $"-ChunkSize {N(chunkSize)} is not a multiple of 256 KiB (262144 bytes)" +
                       (lower > 0 ? $"; the nearest smaller one is {N(lower)}." : ".") + " Use a value such as 256KB, 8MB or 16MB.";
            }

            return null;
        }

        /// <summary>Null when <paramref name="chunkSize"/> is a valid download chunk size, else the reason.</summary>
        public static string? DownloadProblem(long chunkSize)
            => chunkSize <= 0 || chunkSize > DownloadMaximum
                ? $"-ChunkSize {N(chunkSize)} is out of range. Give a positive size up to {N(DownloadMaximum)} bytes (2GB - 1 byte), for example 32MB."
                : null;

        private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);
    }
}
