using System.Diagnostics;

namespace GcsMedia.Emulator;

/// <summary>A token bucket in bytes: callers take tokens and are delayed while the bucket is in debt.</summary>
internal sealed class TokenBucket
{
    private readonly double _bytesPerSecond;
    private readonly double _capacity;
    private readonly object _gate = new();
    private double _tokens;
    private long _lastTicks = Stopwatch.GetTimestamp();

    public TokenBucket(double bytesPerSecond)
    {
        _bytesPerSecond = bytesPerSecond;
        _capacity = Math.Max(16 * 1024, bytesPerSecond / 20);
        _tokens = _capacity;
    }

    public Task TakeAsync(int bytes, CancellationToken ct)
    {
        double wait;
        lock (_gate)
        {
            var now = Stopwatch.GetTimestamp();
            _tokens = Math.Min(_capacity, _tokens + Stopwatch.GetElapsedTime(_lastTicks, now).TotalSeconds * _bytesPerSecond);
            _lastTicks = now;
            _tokens -= bytes;
            wait = _tokens >= 0 ? 0 : -_tokens / _bytesPerSecond;
        }
        return wait <= 0 ? Task.CompletedTask : Task.Delay(TimeSpan.FromSeconds(wait), ct);
    }
}
