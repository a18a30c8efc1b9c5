using System;
using System.Collections.Generic;
using System.Globalization;

namespace GcsMedia.Protocol
{
    /// <summary>One planned part: number (1-based), offset in the file, length; End is exclusive.</summary>
    public sealed class XmlMpuPlannedPart
    {
        public XmlMpuPlannedPart(int number, long offset, long length)
        {
            Number = number;
            Offset = offset;
            Length = length;
        }

        public int Number { get; }

        public long Offset { get; }

        public long Length { get; }

        public long End => Offset + Length;

        public override string ToString() => string.Format(CultureInfo.InvariantCulture, "part {0}: [{1}, {2})", Number, Offset, End);
    }

    /// <summary>Splits a file into MPU parts within GCS's limits, before any request is made.</summary>
    public static class XmlMpuPlan
    {
        public const long MinPartSize = 5L * 1024 * 1024;
        public const long MaxPartSize = 5L * 1024 * 1024 * 1024;
        public const int MaxParts = 10000;

        /// <summary>
        /// Parts [(n-1)·partSize, min(n·partSize, fileSize)). Every part but the last has exactly partSize bytes.
        /// partSize must be 5 MiB..5 GiB and give at most 10,000 parts. An empty file gives one empty part
        /// (a completion needs at least one part).
        /// </summary>
        public static IReadOnlyList<XmlMpuPlannedPart> Split(long fileSize, long partSize)
        {
            if (fileSize < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(fileSize), fileSize, "The file size cannot be negative.");
            }

            if (partSize < MinPartSize)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(partSize), partSize,
                    $"A part size of {partSize} bytes is below GCS's minimum of {MinPartSize} bytes (5 MiB) for every part but the last. " +
                    $"Use a part size of at least 5 MiB, e.g. {Describe(SuggestPartSize(fileSize))}.");
            }

            if (partSize > MaxPartSize)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(partSize), partSize,
                    $"A part size of {partSize} bytes is above GCS's maximum of {MaxPartSize} bytes (5 GiB). " +
                    $"Use a part size of at most 5 GiB, e.g. {Describe(SuggestPartSize(fileSize))}.");
            }

            long count = fileSize == 0 ? 1 : (fileSize + partSize - 1) / partSize;
            if (count > MaxParts)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(partSize), partSize,
                    $"Splitting {fileSize} bytes into parts of {partSize} bytes gives {count} parts; GCS allows at most {MaxParts}. " +
                    $"Use a part size of at least {Describe(SmallestPartSize(fileSize))}.");
            }

            var parts = new List<XmlMpuPlannedPart>((int)count);
            for (int n = 1; n <= count; n++)
            {
                long offset = (n - 1) * partSize;
                parts.Add(new XmlMpuPlannedPart(n, offset, Math.Min(partSize, fileSize - offset)));
            }

            return parts;
        }

        /// <summary>The preferred size (default 32 MiB, python-storage's) raised as needed to stay within 10,000 parts.</summary>
        public static long SuggestPartSize(long fileSize, long preferred = 32L * 1024 * 1024)
        {
            long size = Math.Max(Math.Max(preferred, MinPartSize), SmallestPartSize(fileSize));
            return Math.Min(size, MaxPartSize);
        }

        /// <summary>The smallest whole-MiB part size (≥ 5 MiB) that keeps the file within 10,000 parts.</summary>
        private static long SmallestPartSize(long fileSize)
        {
            const long mib = 1024 * 1024;
            long perPart = (fileSize + MaxParts - 1) / MaxParts;
            long rounded = (perPart + mib - 1) / mib * mib;
            return Math.Max(rounded, MinPartSize);
        }

        private static string Describe(long bytes)
            => string.Format(CultureInfo.InvariantCulture, "{0} bytes ({1} MiB)", bytes, (bytes + (1024 * 1024) - 1) / (1024 * 1024));
    }
}
