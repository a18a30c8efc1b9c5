using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace GcsMedia.Protocol
{
    /// <summary>
    /// A stream that moves bytes no faster than a (possibly shared) <see cref="BandwidthLimiter"/> allows, in both
    /// directions. Writes reserve bytes before writing; reads reserve what was read, after reading. Large requests are
    /// cut into pieces of at most <see cref="MaxChunkSize"/> bytes so the rate stays smooth and parallel streams
    /// sharing one limiter interleave. Seeking and length are passed through to the inner stream.
    /// </summary>
    public sealed class ThrottledStream : Stream
    {
        /// <summary>The largest piece read or written per reservation.</summary>
        public const int MaxChunkSize = 64 * 1024;

        private readonly Stream _inner;
        private readonly bool _leaveOpen;

        public ThrottledStream(Stream inner, BandwidthLimiter limiter, bool leaveOpen = false)
        {
            _inner = inner ?? throw new ArgumentNullException(nameof(inner));
            Limiter = limiter ?? throw new ArgumentNullException(nameof(limiter));
            _leaveOpen = leaveOpen;
        }

        public BandwidthLimiter Limiter { get; }

        public Stream InnerStream => _inner;

        public override bool CanRead => _inner.CanRead;

        public override bool CanSeek => _inner.CanSeek;

        public override bool CanWrite => _inner.CanWrite;

        public override bool CanTimeout => _inner.CanTimeout;

        public override long Length => _inner.Length;

        public override long Position
        {
            get => _inner.Position;
            set => _inner.Position = value;
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            ValidateBuffer(buffer, offset, count);
            int n = _inner.Read(buffer, offset, Math.Min(count, MaxChunkSize));
            Limiter.Wait(n);
            return n;
        }

        public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            ValidateBuffer(buffer, offset, count);
            int n = await _inner.ReadAsync(buffer, offset, Math.Min(count, MaxChunkSize), cancellationToken).ConfigureAwait(false);
            await Limiter.WaitAsync(n, cancellationToken).ConfigureAwait(false);
            return n;
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            ValidateBuffer(buffer, offset, count);
            while (count > 0)
            {
                int piece = Math.Min(count, MaxChunkSize);
                Limiter.Wait(piece);
                _inner.Write(buffer, offset, piece);
                offset += piece;
                count -= piece;
            }
        }

        public override async Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            ValidateBuffer(buffer, offset, count);
            while (count > 0)
            {
                int piece = Math.Min(count, MaxChunkSize);
                await Limiter.WaitAsync(piece, cancellationToken).ConfigureAwait(false);
                await _inner.WriteAsync(buffer, offset, piece, cancellationToken).ConfigureAwait(false);
                offset += piece;
                count -= piece;
            }
        }

#if NET8_0_OR_GREATER
        public override int Read(Span<byte> buffer)
        {
            int n = _inner.Read(buffer.Length > MaxChunkSize ? buffer.Slice(0, MaxChunkSize) : buffer);
            Limiter.Wait(n);
            return n;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            int n = await _inner.ReadAsync(buffer.Length > MaxChunkSize ? buffer.Slice(0, MaxChunkSize) : buffer, cancellationToken).ConfigureAwait(false);
            await Limiter.WaitAsync(n, cancellationToken).ConfigureAwait(false);
            return n;
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            while (!buffer.IsEmpty)
            {
                int piece = Math.Min(buffer.Length, MaxChunkSize);
                Limiter.Wait(piece);
                _inner.Write(buffer.Slice(0, piece));
                buffer = buffer.Slice(piece);
            }
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            while (!buffer.IsEmpty)
            {
                int piece = Math.Min(buffer.Length, MaxChunkSize);
                await Limiter.WaitAsync(piece, cancellationToken).ConfigureAwait(false);
                await _inner.WriteAsync(buffer.Slice(0, piece), cancellationToken).ConfigureAwait(false);
                buffer = buffer.Slice(piece);
            }
        }
#endif

        public override void Flush() => _inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);

        public override long Seek(long offset, SeekOrigin origin) => _inner.Seek(offset, origin);

        public override void SetLength(long value) => _inner.SetLength(value);

        protected override void Dispose(bool disposing)
        {
            if (disposing && !_leaveOpen)
            {
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }

        private static void ValidateBuffer(byte[] buffer, int offset, int count)
        {
            if (buffer == null)
            {
                throw new ArgumentNullException(nameof(buffer));
            }

            if (offset < 0 || count < 0 || offset > buffer.Length - count)
            {
                throw new ArgumentOutOfRangeException(nameof(count), "offset and count must describe a range inside the buffer.");
            }
        }
    }
}
