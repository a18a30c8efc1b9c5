using System;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace GcsMedia.Protocol
{
    /// <summary>
    /// A resumable upload chunk read from a seekable source while it is being sent: each piece is read into the
    /// upload's chunk buffer, handed to <c>onPiece</c> (hashing) and written to the connection, so reading and hashing
    /// overlap with the transfer instead of preceding it. Every serialization starts again at the chunk's first byte.
    /// </summary>
    internal sealed class ChunkStreamContent : HttpContent
    {
        private const int PieceSize = 256 * 1024;
        private readonly Stream _source;
        private readonly long _start;
        private readonly byte[] _buffer;
        private readonly int _length;
        private readonly Action<int, int> _onPiece;
        private readonly CancellationToken _cancellationToken;

        /// <param name="onPiece">Called with (offset in the chunk, count) after each piece is read into the buffer.</param>
        public ChunkStreamContent(Stream source, long start, byte[] buffer, int length, Action<int, int> onPiece, CancellationToken cancellationToken)
        {
            _source = source;
            _start = start;
            _buffer = buffer;
            _length = length;
            _onPiece = onPiece;
            _cancellationToken = cancellationToken;
        }

        /// <summary>True once a serialization found the source shorter than the chunk (the file changed): not worth a retry.</summary>
        public bool SourceEndedEarly { get; private set; }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            if (_source.Position != _start)
            {
                _source.Seek(_start, SeekOrigin.Begin);
            }

            int filled = 0;
            while (filled < _length)
            {
                int n = await _source.ReadAsync(_buffer, filled, Math.Min(PieceSize, _length - filled), _cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    SourceEndedEarly = true;
                    throw new InvalidOperationException(
                        $"The source ended {_length - filled} bytes before the end of the chunk at byte {_start + filled}. Was the file changed during the upload?");
                }

                _onPiece(filled, n);
                await stream.WriteAsync(_buffer, filled, n, _cancellationToken).ConfigureAwait(false);
                filled += n;
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _length;
            return true;
        }
    }
}
