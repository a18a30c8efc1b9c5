using System.Collections.Generic;
using System.IO;

namespace GcsMedia.Protocol
{
    /// <summary>A <see cref="ChunkedDownload"/> that writes the bytes as served (gzip stays gzip), the seed's <c>RawChunkedDownload</c>.</summary>
    public sealed class RawChunkedDownload : ChunkedDownload
    {
        public RawChunkedDownload(
            string mediaUrl,
            int chunkSize,
            Stream destination,
            long start = 0,
            long? end = null,
            IDictionary<string, string>? headers = null,
            ChecksumType checksum = ChecksumType.Crc32c)
            : base(mediaUrl, chunkSize, destination, start, end, headers, checksum)
        {
        }

        protected override bool DecodeGzip => false;
    }
}
