namespace GcsMedia.Emulator;

/// <summary>Wraps an upload's request body: cuts it short, stalls it, breaks the connection or flips a byte.</summary>
internal sealed class FaultingRequestStream(Stream inner, FaultInstruction fault, HttpContext ctx) : Stream
{
    private long _read;
    private bool _stalled;

    /// <summary>True once a return-NNN-after-YK limit has hidden the rest of the body.</summary>
    public bool Truncated { get; private set; }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _read; set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        switch (fault.Kind)
        {
            case FaultKind.ReturnStatusAfter:
            {
                var room = fault.AfterBytes - _read;
                if (room <= 0) { Truncated = true; return 0; }
                if (buffer.Length > room) buffer = buffer[..(int)room];
                break;
            }
            case FaultKind.BrokenStream:
            {
                var room = fault.AfterBytes - _read;
                if (room <= 0)
                {
                    ctx.Abort();
                    throw new FaultAbortException();
                }
                if (buffer.Length > room) buffer = buffer[..(int)room];
                break;
            }
            case FaultKind.StallAfter when !_stalled:
            {
                var room = fault.AfterBytes - _read;
                if (room <= 0)
                {
                    _stalled = true;
                    await Task.Delay(TimeSpan.FromSeconds(fault.StallSeconds), cancellationToken).ConfigureAwait(false);
                }
                else if (buffer.Length > room) buffer = buffer[..(int)room];
                break;
            }
        }
        var n = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (fault.Kind == FaultKind.CorruptedData && _read == 0 && n > 0) buffer.Span[0] ^= 0xFF;
        _read += n;
        return n;
    }

    /// <summary>Reads and discards whatever the client is still sending, so it sees the response cleanly.</summary>
    public async Task DrainAsync(CancellationToken ct)
    {
        var scratch = new byte[64 * 1024];
        while (await inner.ReadAsync(scratch, ct).ConfigureAwait(false) > 0) { }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
