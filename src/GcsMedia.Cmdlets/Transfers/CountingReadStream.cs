using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace GcsMedia.Cmdlets
{
    /// <summary>
    /// A read-only pass-through that counts the bytes read and reports the count after every read. Unlike
    /// ProgressReadStream it never asks the inner stream for its Position, so it works over pipes and other
    /// streams that cannot seek (Send-GcsMedia -InputStream). It never seeks and never claims to.
    /// </summary>
    internal sealed class CountingReadStream : Stream
    {
        private readonly Stream _inner;
        private readonly Action<long> _report;
        private long _count;

        public CountingReadStream(Stream inner, Action<long> report)
        {
            _inner = inner ?? throw new ArgumentNullException(nameof(inner));
            _report = report;
        }

        public long BytesRead => Interlocked.Read(ref _count);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => BytesRead;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Counted(_inner.Read(buffer, offset, count));

        public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            => Counted(await _inner.ReadAsync(buffer, offset, count, cancellationToken).ConfigureAwait(false));

#if NET8_0_OR_GREATER
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
            => Counted(await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));
#endif

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private int Counted(int n)
        {
            long total = Interlocked.Add(ref _count, n);
            _report(total);
            return n;
        }
    }
}
