using System.Buffers;

namespace GcsMedia.Emulator;

/// <summary>Wraps a response body to break, stall or corrupt it as a fault instruction says.</summary>
internal sealed class FaultingResponseStream(Stream inner, FaultInstruction fault, HttpContext ctx) : Stream
{
    private long _written;
    private bool _stalled;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _written; set => throw new NotSupportedException(); }

    /// <summary>Where a broken stream stops: never the whole body, so the client always sees a short read.</summary>
    private long BreakPoint
    {
        get
        {
            var limit = fault.AfterBytes;
            if (ctx.Response.ContentLength is { } len && len > 0 && limit >= len) limit = len - 1;
            return limit;
        }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        switch (fault.Kind)
        {
            case FaultKind.BrokenStream or FaultKind.ReturnStatusAfter:
            {
                var room = BreakPoint - _written;
                if (buffer.Length <= room) break;
                if (room > 0) await inner.WriteAsync(buffer[..(int)room], cancellationToken).ConfigureAwait(false);
                _written += Math.Max(room, 0);
                await ConnectionTermination.BreakAsync(ctx, inner).ConfigureAwait(false);
                throw new FaultAbortException();
            }
            case FaultKind.StallAfter when !_stalled:
            {
                var room = fault.AfterBytes - _written;
                if (buffer.Length < room) break;
                _stalled = true;
                if (room > 0) await inner.WriteAsync(buffer[..(int)room], cancellationToken).ConfigureAwait(false);
                await inner.FlushAsync(cancellationToken).ConfigureAwait(false);
                await Task.Delay(TimeSpan.FromSeconds(fault.StallSeconds), cancellationToken).ConfigureAwait(false);
                _written += room;
                buffer = buffer[(int)room..];
                break;
            }
            case FaultKind.CorruptedData when buffer.Length > 0:
            {
                var copy = ArrayPool<byte>.Shared.Rent(buffer.Length);
                try
                {
                    buffer.CopyTo(copy);
                    // Flip the first byte of the body and one byte in every following 64 KiB block.
                    for (var i = 0; i < buffer.Length; i++)
                        if ((_written + i) % 65536 == 0) copy[i] ^= 0xFF;
                    await inner.WriteAsync(copy.AsMemory(0, buffer.Length), cancellationToken).ConfigureAwait(false);
                }
                finally { ArrayPool<byte>.Shared.Return(copy); }
                _written += buffer.Length;
                return;
            }
        }
        await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        _written += buffer.Length;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) =>
        WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
    public override void Flush() => inner.Flush();
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
