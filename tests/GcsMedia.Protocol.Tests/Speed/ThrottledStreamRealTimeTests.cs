using System.Diagnostics;
using Xunit;

namespace GcsMedia.Protocol.Tests.Speed;

/// <summary>The one real-time check of the throttle (the rest run in simulated time).</summary>
public sealed class ThrottledStreamRealTimeTests
{
    [Fact]
    public async Task ACopyThroughTheThrottleTakesAboutAsLongAsTheCapSays()
    {
        var limiter = new BandwidthLimiter(4_000_000);
        byte[] data = TestSupport.EmulatorFixture.RandomBytes(3_000_000, 11);
        var target = new MemoryStream();
        using var throttled = new ThrottledStream(target, limiter, leaveOpen: true);

        Stopwatch watch = Stopwatch.StartNew();
        await new MemoryStream(data).CopyToAsync(throttled, 256 * 1024);
        watch.Stop();

        Assert.Equal(data, target.ToArray());

        // (3 000 000 − 500 000 burst) / 4 000 000 B/s = 0.625 s; unthrottled this copy takes a few milliseconds.
        Assert.InRange(watch.Elapsed.TotalSeconds, 0.55, 2.5);
    }
}
