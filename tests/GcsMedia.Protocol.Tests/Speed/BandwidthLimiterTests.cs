using Xunit;

namespace GcsMedia.Protocol.Tests.Speed;

/// <summary>The token bucket in simulated time (<see cref="VirtualClock"/>): no real sleeps.</summary>
public sealed class BandwidthLimiterTests
{
    private const long Rate = 10_000; // bytes per second; default burst 1250 bytes (1/8 s)

    private static (BandwidthLimiter Limiter, VirtualClock Clock) Create(long rate = Rate, long? burst = null)
    {
        var clock = new VirtualClock();
        return (new BandwidthLimiter(rate, burst, clock.Clock, clock.Delay), clock);
    }

    [Fact]
    public void DefaultBurstIsAnEighthOfASecond()
    {
        (BandwidthLimiter limiter, _) = Create();
        Assert.Equal(1250, limiter.BurstBytes);
        Assert.Equal(Rate, limiter.BytesPerSecond);
    }

    [Fact]
    public void RejectsANonPositiveRate()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new BandwidthLimiter(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BandwidthLimiter(-5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BandwidthLimiter(100, burstBytes: 0));
    }

    [Fact]
    public async Task TheBurstPassesAtOnceThenTheCallerWaits()
    {
        (BandwidthLimiter limiter, VirtualClock clock) = Create();
        await limiter.WaitAsync(1250);
        Assert.Empty(clock.Delays);

        Task next = limiter.WaitAsync(500);
        Assert.False(next.IsCompleted);
        Assert.Equal(TimeSpan.FromSeconds(0.05), Assert.Single(clock.Delays));
        clock.RunUntilIdle();
        await next;
        Assert.Equal(TimeSpan.FromSeconds(0.05), clock.Now);
    }

    [Fact]
    public async Task TheRateIsRespectedOverSimulatedTime()
    {
        (BandwidthLimiter limiter, VirtualClock clock) = Create();
        var samples = new List<(TimeSpan Now, long Granted)>();

        async Task Transfer()
        {
            for (int i = 0; i < 100; i++)
            {
                await limiter.WaitAsync(1000).ConfigureAwait(false); // inline continuations: the clock drives them
                samples.Add((clock.Now, limiter.BytesGranted));
            }
        }

        Task transfer = Transfer();
        clock.RunUntilIdle();
        Assert.True(transfer.IsCompleted, "the transfer is still waiting after the clock ran out of waiters");
        await transfer;

        // 100 000 bytes at 10 000 B/s with 1 250 bytes of burst: (100 000 − 1 250) / 10 000 = 9.875 s.
        Assert.InRange(clock.Now.TotalSeconds, 9.87, 9.9);
        foreach ((TimeSpan now, long granted) in samples)
        {
            Assert.True(granted <= limiter.BurstBytes + (Rate * now.TotalSeconds) + 1, $"{granted} bytes granted by {now.TotalSeconds} s");
        }
    }

    [Fact]
    public async Task AfterAnIdlePeriodOnlyOneBurstIsSaved()
    {
        (BandwidthLimiter limiter, VirtualClock clock) = Create();
        await limiter.WaitAsync(1250);

        // Ten idle (simulated) seconds must not bank 100 000 bytes: the bucket holds one burst.
        Task idle = clock.Delay(TimeSpan.FromSeconds(10), CancellationToken.None);
        clock.RunUntilIdle();
        await idle;
        clock.Delays.Clear();

        await limiter.WaitAsync(1250);
        Assert.Empty(clock.Delays);
        Task more = limiter.WaitAsync(1000);
        Assert.False(more.IsCompleted);
        clock.RunUntilIdle();
        await more;
        Assert.Equal(TimeSpan.FromSeconds(10.1), clock.Now);
    }

    [Fact]
    public async Task TwoStreamsShareOneCap()
    {
        (BandwidthLimiter limiter, VirtualClock clock) = Create();
        var first = new MemoryStream();
        var second = new MemoryStream();
        var finished = new TimeSpan[2];
        byte[] piece = new byte[1000];

        async Task Write(Stream target, int index)
        {
            using var throttled = new ThrottledStream(target, limiter, leaveOpen: true);
            for (int i = 0; i < 50; i++)
            {
                await throttled.WriteAsync(piece).ConfigureAwait(false);
            }

            finished[index] = clock.Now;
        }

        Task both = Task.WhenAll(Write(first, 0), Write(second, 1));
        clock.RunUntilIdle();
        Assert.True(both.IsCompleted, "a stream is still waiting after the clock ran out of waiters");
        await both;

        Assert.Equal(50_000, first.Length);
        Assert.Equal(50_000, second.Length);

        // Together 100 000 bytes: 9.875 s at the shared rate (each stream alone would take about 4.9 s).
        Assert.InRange(clock.Now.TotalSeconds, 9.87, 9.9);

        // Reservations are served in order, so the two streams interleave and both finish near the end.
        Assert.All(finished, t => Assert.True(t.TotalSeconds > 9.5, $"a stream finished at {t.TotalSeconds} s"));
    }

    [Fact]
    public async Task ACancelledWaitThrowsAndGivesItsBytesBack()
    {
        (BandwidthLimiter limiter, VirtualClock clock) = Create(rate: 1000, burst: 125);
        await limiter.WaitAsync(125);

        using var cts = new CancellationTokenSource();
        Task waiting = limiter.WaitAsync(500, cts.Token);
        Assert.False(waiting.IsCompleted);
        Assert.Equal(TimeSpan.FromSeconds(0.5), clock.Delays[^1]);

        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.Equal(125, limiter.BytesGranted);
        Assert.Equal(0, clock.PendingCount);
        Assert.Equal(TimeSpan.Zero, clock.Now);

        // The refund means the next caller waits as long as the cancelled one would have, not twice as long.
        Task next = limiter.WaitAsync(500);
        Assert.Equal(TimeSpan.FromSeconds(0.5), clock.Delays[^1]);
        clock.RunUntilIdle();
        await next;
    }

    [Fact]
    public async Task AnAlreadyCancelledTokenThrowsWithoutTakingBytes()
    {
        (BandwidthLimiter limiter, VirtualClock clock) = Create();
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => limiter.WaitAsync(100, cts.Token));
        Assert.Equal(0, limiter.BytesGranted);
        Assert.Empty(clock.Delays);
    }

    [Fact]
    public async Task LargeWritesAreCutIntoPiecesOf64KiB()
    {
        (BandwidthLimiter limiter, VirtualClock clock) = Create(rate: 100_000);
        var inner = new RecordingStream();
        using var throttled = new ThrottledStream(inner, limiter);

        Task write = throttled.WriteAsync(new byte[200_000], 0, 200_000);
        clock.RunUntilIdle();
        Assert.True(write.IsCompleted);
        await write;

        Assert.Equal(200_000, inner.Written);
        Assert.All(inner.WriteSizes, n => Assert.True(n <= ThrottledStream.MaxChunkSize, $"a write of {n} bytes"));
        Assert.Equal(4, inner.WriteSizes.Count);

        // (200 000 − 12 500) / 100 000 = 1.875 s
        Assert.InRange(clock.Now.TotalSeconds, 1.87, 1.9);
    }

    [Fact]
    public async Task ReadsAreThrottledToo()
    {
        (BandwidthLimiter limiter, VirtualClock clock) = Create();
        byte[] data = EmulatorData(20_000);
        using var throttled = new ThrottledStream(new MemoryStream(data), limiter);
        var copy = new MemoryStream();

        Task read = throttled.CopyToAsync(copy, 1000);
        clock.RunUntilIdle();
        Assert.True(read.IsCompleted);
        await read;

        Assert.Equal(data, copy.ToArray());
        Assert.InRange(clock.Now.TotalSeconds, 1.87, 1.9);
    }

    private static byte[] EmulatorData(int length) => TestSupport.EmulatorFixture.RandomBytes(length, 7);

    private sealed class RecordingStream : Stream
    {
        public List<int> WriteSizes { get; } = new();

        public long Written { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => Written;

        public override long Position { get => Written; set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count)
        {
            WriteSizes.Add(count);
            Written += count;
        }

        // Synchronous on purpose: the base class would hop to the thread pool and race the simulated clock.
        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Write(buffer, offset, count);
            return Task.CompletedTask;
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            WriteSizes.Add(buffer.Length);
            Written += buffer.Length;
            return ValueTask.CompletedTask;
        }
    }
}
