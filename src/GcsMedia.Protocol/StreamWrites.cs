using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace GcsMedia.Protocol
{
    /// <summary>
    /// Stream.WriteAsync of an array's first bytes on every target: the ReadOnlyMemory overload on .NET 8+ (a file
    /// stream without its own buffer then writes through a pooled ValueTask, no Task per write), the array overload
    /// on netstandard2.0, which has no other.
    /// </summary>
    internal static class StreamWrites
    {
        public static PendingWrite WriteAsync(Stream stream, byte[] buffer, int count, CancellationToken cancellationToken)
        {
#if NET8_0_OR_GREATER
            return stream.WriteAsync(new ReadOnlyMemory<byte>(buffer, 0, count), cancellationToken);
#else
            return stream.WriteAsync(buffer, 0, count, cancellationToken);
#endif
        }
    }
}
