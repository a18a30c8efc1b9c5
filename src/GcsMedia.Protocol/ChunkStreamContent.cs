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
    /// A resumable upload chunk read from a seekable source while it is being sent: each piece is read into a small
    /// pooled buffer, handed to <c>onPiece</c> (hashing) and written to the connection, so reading and hashing overlap
    /// with the transfer and a chunk of any size costs one piece of memory, not the chunk. Every serialization (a
    /// retry) reads the chunk again from the source, starting at its first byte.
    /// </summary>
    internal sealed class ChunkStreamContent : HttpContent
    {
        internal const int PieceSize = 256 * 1024;
        private readonly Stream _source;
        private readonly long _start;
        private readonly long _length;
        private readonly Action<long, byte[], int> _onPiece;
        private readonly CancellationToken _cancellationToken;

        /// <param name="onPiece">Called with (position in the source, piece, count) after each piece is read.</param>
        public ChunkStreamContent(Stream source, long start, long length, Action<long, byte[], int> onPiece, CancellationToken cancellationToken)
        {
            _source = source;
            _start = start;
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

            byte[] piece = ArrayPool<byte>.Shared.Rent((int)Math.Min(PieceSize, Math.Max(1, _length)));
            try
            {
                long sent = 0;
                while (sent < _length)
                {
                    int n = await _source.ReadAsync(piece, 0, (int)Math.Min(piece.Length, _length - sent), _cancellationToken).ConfigureAwait(false);
                    if (n == 0)
                    {
                        SourceEndedEarly = true;
                        throw new InvalidOperationException(
                            $"The source ended {_length - sent} bytes before the end of the chunk at byte {_start + sent}. Was the file changed during the upload?");
                    }

                    _onPiece(_start + sent, piece, n);
                    await stream.WriteAsync(piece, 0, n, _cancellationToken).ConfigureAwait(false);
                    sent += n;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(piece);
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _length;
            return true;
        }
    }
}
