using System;
using System.Collections.Generic;
using GcsMedia.Protocol;

namespace GcsMedia.Transfers
{
    /// <summary>
    /// The parts of a file for an XML multipart upload (<see cref="XmlMpuPlan"/>), refused in the words of the options
    /// that chose them: PartSize, and for one part PartNumber, Offset and Length. Every refusal is an
    /// <see cref="InvalidOptionException"/> naming the file, raised before any request.
    /// </summary>
    public static class MpuPartPlan
    {
        /// <summary>Every part of the file: <paramref name="partSize"/> bytes each, the last one possibly smaller.</summary>
        public static IReadOnlyList<XmlMpuPlannedPart> All(string path, long fileSize, long partSize)
        {
            try
            {
                return XmlMpuPlan.Split(fileSize, partSize);
            }
            catch (ArgumentException ex)
            {
                throw new InvalidOptionException($"PartSize {TransferLimits.DescribeSize(partSize)} for '{path}': {InvalidOptionException.PlainMessage(ex)}", "PartSize", partSize);
            }
        }

        /// <summary>
        /// Part <paramref name="number"/>: from <paramref name="offset"/> (default: where that part starts when every part
        /// has <paramref name="partSize"/> bytes) for <paramref name="length"/> bytes (default: up to the part size, not
        /// past the end). Only the file's last part may be under 5 MiB; no part is over 5 GiB.
        /// </summary>
        public static XmlMpuPlannedPart One(string path, long fileSize, int number, long partSize, long? offset, long? length)
        {
            if (!offset.HasValue && !length.HasValue && (partSize < XmlMpuPlan.MinPartSize || partSize > XmlMpuPlan.MaxPartSize))
            {
                throw new InvalidOptionException(
                    $"-PartSize {TransferLimits.DescribeSize(partSize)} is outside GCS's part limits (5 MiB to 5 GiB for every part but the last). Use, for example, -PartSize {TransferLimits.DescribeSize(XmlMpuPlan.SuggestPartSize(fileSize))}.",
                    "PartSize");
            }

            long first = offset ?? (number - 1) * partSize;
            if (first < 0)
            {
                throw new InvalidOptionException($"-Offset {first} is negative. -Offset is the part's first byte in the file, counted from 0.", "Offset");
            }

            if (first > fileSize || (first == fileSize && fileSize > 0))
            {
                throw new InvalidOptionException(
                    $"-Offset {first} is at or beyond the end of '{path}' ({fileSize} bytes). Part {number} has no data there; check -PartNumber, -Offset and -PartSize.",
                    offset.HasValue ? "Offset" : "PartNumber");
            }

            long bytes = length ?? Math.Min(partSize, fileSize - first);
            if (bytes < 0 || (bytes == 0 && fileSize > 0))
            {
                throw new InvalidOptionException($"-Length {bytes} must be positive: it is the number of bytes in the part.", "Length");
            }

            if (first + bytes > fileSize)
            {
                throw new InvalidOptionException($"-Offset {first} plus -Length {bytes} goes past the end of '{path}' ({fileSize} bytes). Use -Length {fileSize - first} for the last part.", "Length");
            }

            if (bytes > XmlMpuPlan.MaxPartSize)
            {
                throw new InvalidOptionException($"-Length {bytes} is above GCS's maximum part size of 5 GiB. Split the file into more, smaller parts.", "Length");
            }

            if (bytes < XmlMpuPlan.MinPartSize && first + bytes != fileSize)
            {
                throw new InvalidOptionException(
                    $"-Length {bytes} is below GCS's minimum of 5 MiB ({XmlMpuPlan.MinPartSize} bytes); only the last part of the file may be smaller. Use a -Length of at least 5MB, or make this part run to the end of the file.",
                    "Length");
            }

            return new XmlMpuPlannedPart(number, first, bytes);
        }
    }
}
