using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace GcsMedia.Transfers
{
    /// <summary>A seekable pass-through that reports the inner stream's position after every read (upload progress).</summary>
    internal sealed class ProgressReadStream : ReadOnlyStreamWrapper
    {
        private readonly Action<long> _report;

        public ProgressReadStream(Stream inner, Action<long> report)
            : base(inner, leaveOpen: false)
        {
            _report = report;
        }

        public override bool CanSeek => Inner.CanSeek;

        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = Inner.Read(buffer, offset, count);
            _report(Inner.Position);
            return n;
        }

        public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            int n = await Inner.ReadAsync(buffer, offset, count, cancellationToken).ConfigureAwait(false);
            _report(Inner.Position);
            return n;
        }
    }
}
