using System;
using System.IO;

namespace GcsMedia.Protocol
{
    /// <summary>
    /// Feeds one chunk at a time to a gzip decoder that lives across the chunks of a <see cref="ChunkedDownload"/>:
    /// reads return the pushed bytes, then 0 ("no more for now") until the next chunk is pushed.
    /// </summary>
    internal sealed class DownloadChunkFeed : Stream
    {
        private byte[] _data = Array.Empty<byte>();
        private int _offset;

        public void Push(byte[] data)
        {
            _data = data;
            _offset = 0;
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = Math.Min(count, _data.Length - _offset);
            Buffer.BlockCopy(_data, _offset, buffer, offset, n);
            _offset += n;
            return n;
        }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
