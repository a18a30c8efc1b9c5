using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;

namespace GcsMedia.Protocol
{
    /// <summary>
    /// Stream.ReadAsync into a Memory&lt;byte&gt; on every target: the ValueTask overload on .NET 8+ (no Task per read),
    /// the array overload (a Task) on netstandard2.0, which has no other.
    /// </summary>
    internal static class StreamReads
    {
        public static ReadResult ReadAsync(Stream stream, Memory<byte> buffer, CancellationToken cancellationToken)
        {
#if NET8_0_OR_GREATER
            return stream.ReadAsync(buffer, cancellationToken);
#else
            if (!MemoryMarshal.TryGetArray((ReadOnlyMemory<byte>)buffer, out ArraySegment<byte> segment))
            {
                throw new ArgumentException("Reads need array-backed memory on this target.", nameof(buffer));
            }

            return stream.ReadAsync(segment.Array!, segment.Offset, segment.Count, cancellationToken);
#endif
        }
    }
}
