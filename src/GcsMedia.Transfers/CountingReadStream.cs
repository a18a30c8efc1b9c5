using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace GcsMedia.Transfers
{
    /// <summary>
    /// A pass-through that counts the bytes read and reports the count after every read. Unlike
    /// <see cref="ProgressReadStream"/> it never asks the inner stream for its Position, so it works over pipes and
    /// other streams that cannot seek. It never seeks and never claims to.
    /// </summary>
    internal sealed class CountingReadStream : ReadOnlyStreamWrapper
    {
        private readonly Action<long> _report;
        private long _count;

        public CountingReadStream(Stream inner, Action<long> report, bool leaveOpen)
            : base(inner, leaveOpen)
        {
            _report = report;
        }

        public long BytesRead => Interlocked.Read(ref _count);

        public override int Read(byte[] buffer, int offset, int count) => Counted(Inner.Read(buffer, offset, count));

        public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            => Counted(await Inner.ReadAsync(buffer, offset, count, cancellationToken).ConfigureAwait(false));

#if NET8_0_OR_GREATER
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
            => Counted(await Inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));
#endif

        private int Counted(int n)
        {
            long total = Interlocked.Add(ref _count, n);
            _report(total);
            return n;
        }
    }
}
