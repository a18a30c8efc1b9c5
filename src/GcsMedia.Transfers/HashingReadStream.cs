using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using GcsMedia.Protocol;

namespace GcsMedia.Transfers
{
    /// <summary>
    /// A seekable pass-through that hashes the bytes as they are read, in order from the position it started at, so a
    /// simple upload knows its checksum once the bytes are sent instead of reading the file a second time. A seek back
    /// to the start (a retried request) starts the hash over; any other jump leaves no checksum.
    /// </summary>
    internal sealed class HashingReadStream : ReadOnlyStreamWrapper
    {
        private readonly ChecksumType _type;
        private readonly long _origin;
        private MediaHasher _hasher;
        private long _next;
        private bool _outOfOrder;

        public HashingReadStream(Stream inner, ChecksumType type)
            : base(inner, leaveOpen: true)
        {
            if (!inner.CanSeek)
            {
                throw new ArgumentException("The stream must be seekable.", nameof(inner));
            }

            _type = type;
            _hasher = MediaHasher.Create(type) ?? throw new ArgumentException("A checksum type is required.", nameof(type));
            _origin = inner.Position;
            _next = _origin;
        }

        public override bool CanSeek => true;

        public override long Position
        {
            get => Inner.Position;
            set => Seek(value, SeekOrigin.Begin);
        }

        /// <summary>The checksum of every byte from the start to the end of the stream, or null when the reads did not cover them in order.</summary>
        public string? Checksum => !_outOfOrder && _next == Inner.Length ? _hasher.GetBase64() : null;

        public override long Seek(long offset, SeekOrigin origin)
        {
            long position = Inner.Seek(offset, origin);
            if (position == _origin && _next != _origin)
            {
                _hasher.Dispose();
                _hasher = MediaHasher.Create(_type)!;
                _next = _origin;
            }
            else if (position != _next)
            {
                _outOfOrder = true;
            }

            return position;
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = Inner.Read(buffer, offset, count);
            Hash(buffer, offset, n);
            return n;
        }

        public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            int n = await Inner.ReadAsync(buffer, offset, count, cancellationToken).ConfigureAwait(false);
            Hash(buffer, offset, n);
            return n;
        }

        private void Hash(byte[] buffer, int offset, int count)
        {
            _hasher.Append(buffer, offset, count);
            _next += count;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _hasher.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
