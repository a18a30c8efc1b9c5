using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace GcsMedia.Protocol
{
    /// <summary>
    /// A read-only, forward-only stream whose every read, by array or by Memory, goes through
    /// <see cref="ReadCoreAsync"/>; the wrappers around a response body derive from it.
    /// </summary>
    internal abstract class ForwardReadStream : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count)
            => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
#if NET8_0_OR_GREATER
            => ReadCoreAsync(new Memory<byte>(buffer, offset, count), cancellationToken).AsTask();

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
            => ReadCoreAsync(buffer, cancellationToken);
#else
            => ReadCoreAsync(new Memory<byte>(buffer, offset, count), cancellationToken);
#endif

        /// <summary>Reads into <paramref name="buffer"/>; on .NET 8+ an override should use a pooling method builder.</summary>
        protected abstract ReadResult ReadCoreAsync(Memory<byte> buffer, CancellationToken cancellationToken);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
