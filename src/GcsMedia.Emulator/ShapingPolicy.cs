using Microsoft.AspNetCore.Connections.Features;

namespace GcsMedia.Emulator;

/// <summary>Benchmark shaping: a fixed delay per request and a per-connection bandwidth cap.</summary>
internal sealed class ShapingPolicy(int latencyMs, double bandwidthMbps)
{
    private const string BucketsKey = "GcsMedia.Emulator.Shaping.Buckets";

    public async Task ApplyAsync(HttpContext ctx)
    {
        if (latencyMs > 0) await Task.Delay(latencyMs, ctx.RequestAborted).ConfigureAwait(false);
        if (bandwidthMbps <= 0) return;

        var (read, write) = BucketsFor(ctx);
        ctx.Request.Body = new ShapedBodyStream(ctx.Request.Body, read);
        ctx.Response.Body = new ShapedBodyStream(ctx.Response.Body, write);
    }

    private (TokenBucket Read, TokenBucket Write) BucketsFor(HttpContext ctx)
    {
        var bytesPerSecond = bandwidthMbps * 1_000_000 / 8;
        var items = ctx.Features.Get<IConnectionItemsFeature>()?.Items;
        if (items is null) return (new TokenBucket(bytesPerSecond), new TokenBucket(bytesPerSecond));
        if (items.TryGetValue(BucketsKey, out var existing) && existing is ValueTuple<TokenBucket, TokenBucket> pair) return pair;
        var created = (new TokenBucket(bytesPerSecond), new TokenBucket(bytesPerSecond));
        items[BucketsKey] = created;
        return created;
    }
}
