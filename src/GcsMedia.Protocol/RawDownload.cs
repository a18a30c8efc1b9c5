using System.Collections.Generic;
using System.IO;

namespace GcsMedia.Protocol
{
    /// <summary>
    /// A <see cref="Download"/> that writes the bytes exactly as served: a gzip-served object stays gzip
    /// (the seed's <c>RawDownload</c>). Hashing, validation, resume and retries are the same.
    /// </summary>
    public sealed class RawDownload : Download
    {
        public RawDownload(
            string mediaUrl,
            Stream destination,
            long? start = null,
            long? end = null,
            IDictionary<string, string>? headers = null,
            ChecksumType checksum = ChecksumType.Crc32c)
            : base(mediaUrl, destination, start, end, headers, checksum)
        {
        }

        protected override bool DecodeGzip => false;
    }
}
