using System;
using System.IO;

namespace GcsMedia.Transfers
{
    /// <summary>
    /// The base of the layer's read-only pass-through streams: reads go to the inner stream (subclasses add what
    /// they watch), writing is refused, seeking is refused unless a subclass allows it, and disposing disposes the
    /// inner stream unless it was left open.
    /// </summary>
    internal abstract class ReadOnlyStreamWrapper : Stream
    {
        private readonly bool _leaveOpen;

        protected ReadOnlyStreamWrapper(Stream inner, bool leaveOpen)
        {
            Inner = inner ?? throw new ArgumentNullException(nameof(inner));
            _leaveOpen = leaveOpen;
        }

        protected Stream Inner { get; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => CanSeek ? Inner.Length : throw new NotSupportedException();

        public override long Position
        {
            get => CanSeek ? Inner.Position : throw new NotSupportedException();
            set
            {
                if (!CanSeek)
                {
                    throw new NotSupportedException();
                }

                Inner.Position = value;
            }
        }

        public override long Seek(long offset, SeekOrigin origin) => CanSeek ? Inner.Seek(offset, origin) : throw new NotSupportedException();

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing && !_leaveOpen)
            {
                Inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
