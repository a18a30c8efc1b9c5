using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace GcsMedia.Cmdlets
{
    /// <summary>
    /// A part's source: the file, seekable, with progress. XmlMpuPart reads the range twice: once to hash it
    /// (exactly Length bytes), then to send it (again after a retry). Reads past the first Length bytes are the
    /// sending, and report position − Start (a retry starts again from 0).
    /// </summary>
    internal sealed class PartProgressStream : Stream
    {
        private readonly Stream _inner;
        private readonly long _start;
        private readonly long _length;
        private readonly Action<long> _report;
        private long _totalRead;

        public PartProgressStream(string path, long start, long length, Action<long> report)
        {
            _inner = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 81920, FileOptions.Asynchronous);
            _start = start;
            _length = length;
            _report = report;
        }

        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => false;

        public override long Length => _inner.Length;

        public override long Position
        {
            get => _inner.Position;
            set => _inner.Position = value;
        }

        public override int Read(byte[] buffer, int offset, int count) => Counted(_inner.Read(buffer, offset, count));

        public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            => Counted(await _inner.ReadAsync(buffer, offset, count, cancellationToken).ConfigureAwait(false));

        public override long Seek(long offset, SeekOrigin origin) => _inner.Seek(offset, origin);

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }

        private int Counted(int n)
        {
            _totalRead += n;
            if (_totalRead > _length)
            {
                _report(Math.Min(_length, Math.Max(0, _inner.Position - _start)));
            }

            return n;
        }
    }
}
