using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using GcsMedia.Protocol;

namespace GcsMedia.Transfers
{
    /// <summary>
    /// A part's source for <see cref="XmlMpuPart"/>: the file, seekable, with progress and an optional shared
    /// <see cref="BandwidthLimiter"/>. XmlMpuPart reads the range twice: first to hash it (exactly Length bytes),
    /// then to send it (again after a retry). Only the sending reads (those after the first Length bytes) report
    /// progress (position − Start) and are throttled, so hashing a part does not use up the bandwidth budget.
    /// </summary>
    internal sealed class PartSourceStream : ReadOnlyStreamWrapper
    {
        private readonly long _start;
        private readonly long _length;
        private readonly Action<long> _report;
        private readonly BandwidthLimiter? _limiter;
        private long _totalRead;

        public PartSourceStream(string path, long start, long length, Action<long> report, BandwidthLimiter? limiter)
            : base(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 81920, FileOptions.Asynchronous), leaveOpen: false)
        {
            _start = start;
            _length = length;
            _report = report;
            _limiter = limiter;
        }

        public override bool CanSeek => true;

        public override int Read(byte[] buffer, int offset, int count)
        {
            bool sending = _totalRead >= _length;
            int n = Inner.Read(buffer, offset, Limit(count, sending));
            if (sending && n > 0)
            {
                _limiter?.Wait(n);
            }

            return Counted(n);
        }

        public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            bool sending = _totalRead >= _length;
            int n = await Inner.ReadAsync(buffer, offset, Limit(count, sending), cancellationToken).ConfigureAwait(false);
            if (sending && n > 0 && _limiter != null)
            {
                await _limiter.WaitAsync(n, cancellationToken).ConfigureAwait(false);
            }

            return Counted(n);
        }

        /// <summary>Throttled reads are cut into pieces of at most 64 KiB so parallel parts sharing a limiter interleave.</summary>
        private int Limit(int count, bool sending) => sending && _limiter != null ? Math.Min(count, ThrottledStream.MaxChunkSize) : count;

        private int Counted(int n)
        {
            _totalRead += n;
            if (_totalRead > _length)
            {
                _report(Math.Min(_length, Math.Max(0, Inner.Position - _start)));
            }

            return n;
        }
    }
}
