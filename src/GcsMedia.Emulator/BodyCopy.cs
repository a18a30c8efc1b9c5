using System.Buffers;

namespace GcsMedia.Emulator;

/// <summary>Streaming copies between request/response bodies and blobs, hashing on the way.</summary>
internal static class BodyCopy
{
    private const int BufferSize = 64 * 1024;

    /// <summary>Reads up to <paramref name="maxBytes"/> from <paramref name="source"/>; the first
    /// <paramref name="skipBytes"/> are discarded, the rest appended to <paramref name="target"/> and hashed.
    /// Returns the number of bytes read (skipped ones included).</summary>
    public static async Task<long> ToBlobAsync(Stream source, BlobWriter target, ObjectHasher? hasher, long maxBytes,
        long skipBytes, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            long total = 0;
            while (total < maxBytes)
            {
                var want = (int)Math.Min(BufferSize, maxBytes - total);
                var n = await source.ReadAsync(buffer.AsMemory(0, want), ct).ConfigureAwait(false);
                if (n == 0) break;
                var skip = (int)Math.Clamp(skipBytes - total, 0, n);
                total += n;
                if (skip == n) continue;
                var data = buffer.AsMemory(skip, n - skip);
                hasher?.Append(data.Span);
                await target.WriteAsync(data, ct).ConfigureAwait(false);
            }
            return total;
        }
        finally { ArrayPool<byte>.Shared.Return(buffer); }
    }

    /// <summary>Copies <paramref name="count"/> bytes (or everything when null) to the response body.</summary>
    public static async Task ToResponseAsync(Stream source, Stream destination, long? count, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            var remaining = count ?? long.MaxValue;
            while (remaining > 0)
            {
                var n = await source.ReadAsync(buffer.AsMemory(0, (int)Math.Min(BufferSize, remaining)), ct).ConfigureAwait(false);
                if (n == 0) break;
                await destination.WriteAsync(buffer.AsMemory(0, n), ct).ConfigureAwait(false);
                remaining -= n;
            }
        }
        finally { ArrayPool<byte>.Shared.Return(buffer); }
    }

    /// <summary>True when the stream has at least one more byte.</summary>
    public static async Task<bool> HasMoreAsync(Stream source, CancellationToken ct)
    {
        var one = new byte[1];
        return await source.ReadAsync(one, ct).ConfigureAwait(false) > 0;
    }
}
