using System;
using System.Buffers;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace GcsMedia.Protocol
{
    /// <summary>
    /// Request content that streams a range of a caller's stream, optionally between a prefix and a suffix
    /// (the multipart/related framing). It seeks to the range start each time it is serialized (so a retry
    /// sends the same bytes), never buffers the data, and never disposes the caller's stream.
    /// </summary>
    internal sealed class UploadStreamContent : HttpContent
    {
        private const int CopyBufferSize = 81920;
        private readonly Func<Stream> _open;
        private readonly bool _ownsStream;
        private readonly long _start;
        private readonly long? _length;
        private readonly byte[] _prefix;
        private readonly byte[] _suffix;
        private readonly CancellationToken _cancellationToken;

        /// <param name="open">Gives the stream to read; called once per serialization.</param>
        /// <param name="ownsStream">True when <paramref name="open"/> opens a new stream that this content must dispose.</param>
        /// <param name="start">Absolute position of the first byte, or -1 to read from the current position (non-seekable).</param>
        /// <param name="length">Bytes to send, or null for "to the end of the stream".</param>
        public UploadStreamContent(
            Func<Stream> open,
            bool ownsStream,
            long start,
            long? length,
            byte[]? prefix = null,
            byte[]? suffix = null,
            CancellationToken cancellationToken = default)
        {
            _open = open;
            _ownsStream = ownsStream;
            _start = start;
            _length = length;
            _prefix = prefix ?? Array.Empty<byte>();
            _suffix = suffix ?? Array.Empty<byte>();
            _cancellationToken = cancellationToken;
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            Stream source = _open();
            try
            {
                if (_start >= 0 && source.CanSeek && source.Position != _start)
                {
                    source.Seek(_start, SeekOrigin.Begin);
                }

                if (_prefix.Length > 0)
                {
                    await stream.WriteAsync(_prefix, 0, _prefix.Length, _cancellationToken).ConfigureAwait(false);
                }

                byte[] buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
                try
                {
                    long remaining = _length ?? long.MaxValue;
                    while (remaining > 0)
                    {
                        int want = (int)Math.Min(buffer.Length, remaining);
                        int n = await source.ReadAsync(buffer, 0, want, _cancellationToken).ConfigureAwait(false);
                        if (n == 0)
                        {
                            if (_length.HasValue)
                            {
                                throw new IOException(
                                    $"The source ended {remaining} bytes early: {_length.Value} bytes were to be sent. Was the file changed during the upload?");
                            }

                            break;
                        }

                        await stream.WriteAsync(buffer, 0, n, _cancellationToken).ConfigureAwait(false);
                        remaining -= n;
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }

                if (_suffix.Length > 0)
                {
                    await stream.WriteAsync(_suffix, 0, _suffix.Length, _cancellationToken).ConfigureAwait(false);
                }
            }
            finally
            {
                if (_ownsStream)
                {
                    source.Dispose();
                }
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            if (_length.HasValue)
            {
                length = _prefix.Length + _length.Value + _suffix.Length;
                return true;
            }

            length = 0;
            return false;
        }
    }
}
