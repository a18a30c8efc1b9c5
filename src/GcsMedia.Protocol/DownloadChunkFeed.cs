using System;
using System.Threading;
#if !NET8_0_OR_GREATER
using System.Threading.Tasks;
#endif

namespace GcsMedia.Protocol
{
    /// <summary>
    /// Feeds one chunk at a time to a gzip decoder that lives across the chunks of a <see cref="ChunkedDownload"/>:
    /// reads return the pushed bytes, then 0 ("no more for now") until the next chunk is pushed.
    /// </summary>
    internal sealed class DownloadChunkFeed : ForwardReadStream
    {
        private byte[] _data = Array.Empty<byte>();
        private int _offset;

        public void Push(byte[] data)
        {
            _data = data;
            _offset = 0;
        }

        public override int Read(byte[] buffer, int offset, int count) => Take(new Span<byte>(buffer, offset, count));

        protected override ReadResult ReadCoreAsync(Memory<byte> buffer, CancellationToken cancellationToken)
        {
#if NET8_0_OR_GREATER
            return new ReadResult(Take(buffer.Span));
#else
            return Task.FromResult(Take(buffer.Span));
#endif
        }

        private int Take(Span<byte> destination)
        {
            int n = Math.Min(destination.Length, _data.Length - _offset);
            _data.AsSpan(_offset, n).CopyTo(destination);
            _offset += n;
            return n;
        }
    }
}
