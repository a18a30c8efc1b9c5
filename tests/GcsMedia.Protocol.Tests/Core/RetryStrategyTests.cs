using System.Net;
using System.Net.Sockets;
using Xunit;

namespace GcsMedia.Protocol.Tests.Core;

public class RetryStrategyTests
{
    private static InvalidResponseException Status(int code) => new("status " + code, code);

    [Fact]
    public void Constructor_Defaults_Are64And600AndNoRetryCount()
    {
        var strategy = new RetryStrategy();
        Assert.Equal(64.0, strategy.MaxSleep);
        Assert.Equal(600.0, strategy.MaxCumulativeRetry);
        Assert.Null(strategy.MaxRetries);
        Assert.Equal(1.0, strategy.InitialDelay);
        Assert.Equal(2.0, strategy.Multiplier);
    }

    [Theory]
    [InlineData("2.5", 2.5)]
    [InlineData("0", 0.0)]
    [InlineData(null, 600.0)]
    [InlineData("", 600.0)]
    [InlineData("ten", 600.0)]
    [InlineData("-1", 600.0)]
    public void CumulativeLimit_FromGcsMediaMaxRetrySeconds_FallsBackTo600(string? value, double expected)
        => Assert.Equal(expected, RetryStrategy.ParseCumulativeLimit(value));

    [Fact]
    public async Task CurrentAttempt_NumbersEachTry_AndIsZeroOutside()
    {
        var strategy = new RetryStrategy(maxRetries: 5) { Delay = (_, _) => Task.CompletedTask };
        var seen = new List<int>();
        await strategy.ExecuteAsync(
            _ =>
            {
                seen.Add(RetryStrategy.CurrentAttempt);
                return seen.Count < 3 ? Task.FromException(Status(503)) : Task.CompletedTask;
            },
            CancellationToken.None);
        Assert.Equal(new[] { 1, 2, 3 }, seen);
        Assert.Equal(0, RetryStrategy.CurrentAttempt);
    }

    [Fact]
    public void Constructor_BothLimits_Throws()
        => Assert.Throws<ArgumentException>(() => new RetryStrategy(maxCumulativeRetry: 1.0, maxRetries: 2));

    [Fact]
    public void Constructor_CustomDelayAndMultiplier_AreKept()
    {
        var strategy = new RetryStrategy(initialDelay: 3.0, multiplier: 4.0);
        Assert.Equal(3.0, strategy.InitialDelay);
        Assert.Equal(4.0, strategy.Multiplier);
    }

    [Fact]
    public void Constructor_ExplicitBoundCumulative()
    {
        var strategy = new RetryStrategy(maxSleep: 10.0, maxCumulativeRetry: 100.0);
        Assert.Equal(10.0, strategy.MaxSleep);
        Assert.Equal(100.0, strategy.MaxCumulativeRetry);
        Assert.Null(strategy.MaxRetries);
    }

    [Fact]
    public void Constructor_ExplicitBoundRetries()
    {
        var strategy = new RetryStrategy(maxSleep: 13.0, maxRetries: 6);
        Assert.Equal(13.0, strategy.MaxSleep);
        Assert.Null(strategy.MaxCumulativeRetry);
        Assert.Equal(6, strategy.MaxRetries);
    }

    [Fact]
    public void RetryAllowed_BoundCumulative_100AllowedAnd101Not()
    {
        var strategy = new RetryStrategy(maxCumulativeRetry: 100.0);
        Assert.True(strategy.RetryAllowed(50.0, 10));
        Assert.True(strategy.RetryAllowed(100.0, 10));
        Assert.False(strategy.RetryAllowed(101.0, 10));
    }

    [Fact]
    public void RetryAllowed_BoundRetries_6AllowedAnd7Not()
    {
        var strategy = new RetryStrategy(maxRetries: 6);
        Assert.True(strategy.RetryAllowed(1000.0, 6));
        Assert.False(strategy.RetryAllowed(0.0, 7));
    }

    [Fact]
    public void CalculateRetryWait_PastLimit_CapsAt64()
    {
        var strategy = new RetryStrategy();
        double baseWait = 70.0;
        Assert.Equal(64.125, strategy.NextWait(ref baseWait, 125));
        Assert.Equal(64.0, baseWait);
    }

    [Fact]
    public void CalculateRetryWait_AtLimit_Stays64()
    {
        var strategy = new RetryStrategy();
        double baseWait = 64.0;
        Assert.Equal(64.999, strategy.NextWait(ref baseWait, 999), 9);
        Assert.Equal(64.0, baseWait);
    }

    [Fact]
    public void CalculateRetryWait_UnderLimit_Doubles()
    {
        var strategy = new RetryStrategy();
        double baseWait = 16.0;
        Assert.Equal(32.875, strategy.NextWait(ref baseWait, 875));
        Assert.Equal(32.0, baseWait);
    }

    [Fact]
    public void CalculateRetryWait_CustomMultiplier_Triples()
    {
        var strategy = new RetryStrategy(multiplier: 3.0);
        double baseWait = 16.0;
        Assert.Equal(48.0, strategy.NextWait(ref baseWait, 0));
        Assert.Equal(48.0, baseWait);
    }

    [Fact]
    public void RequireStatusCode_RetryableCodes_AreExactlyTheSeedsSet()
    {
        foreach (int code in new[] { 408, 429, 500, 502, 503, 504 })
        {
            Assert.True(RetryStrategy.IsRetryableStatus(code), code.ToString());
        }

        foreach (int code in new[] { 200, 400, 401, 403, 404, 410, 412, 416, 501 })
        {
            Assert.False(RetryStrategy.IsRetryableStatus(code), code.ToString());
        }
    }

    private sealed class Recorder
    {
        private readonly Queue<int> _jitter;

        public Recorder(params int[] jitter) => _jitter = new Queue<int>(jitter);

        public List<double> Sleeps { get; } = new();

        public int JitterCalls { get; private set; }

        public int Calls { get; set; }

        public RetryStrategy Attach(RetryStrategy strategy)
        {
            strategy.Jitter = () =>
            {
                JitterCalls++;
                return _jitter.Count > 0 ? _jitter.Dequeue() : 0;
            };
            strategy.Delay = (wait, _) =>
            {
                Sleeps.Add(wait.TotalSeconds);
                return Task.CompletedTask;
            };
            return strategy;
        }
    }

    private static void AssertSleeps(IReadOnlyList<double> expected, IReadOnlyList<double> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i], actual[i], 6);
        }
    }

    [Fact]
    public async Task WaitAndRetry_Success_NoRetry()
    {
        var recorder = new Recorder();
        RetryStrategy strategy = recorder.Attach(new RetryStrategy());
        int result = await strategy.ExecuteAsync(_ => { recorder.Calls++; return Task.FromResult(42); }, CancellationToken.None);
        Assert.Equal(42, result);
        Assert.Equal(1, recorder.Calls);
        Assert.Empty(recorder.Sleeps);
    }

    [Fact]
    public async Task WaitAndRetry_RetryableStatuses_SleepWithJitter_1125_2625_4375()
    {
        var recorder = new Recorder(125, 625, 375);
        RetryStrategy strategy = recorder.Attach(new RetryStrategy());
        var statuses = new Queue<int>(new[] { 500, 503, 429 });
        int result = await strategy.ExecuteAsync(
            _ =>
            {
                recorder.Calls++;
                if (statuses.Count > 0)
                {
                    throw Status(statuses.Dequeue());
                }

                return Task.FromResult(200);
            },
            CancellationToken.None);
        Assert.Equal(200, result);
        Assert.Equal(4, recorder.Calls);
        AssertSleeps(new[] { 1.125, 2.625, 4.375 }, recorder.Sleeps);
    }

    [Fact]
    public async Task WaitAndRetry_RetriesThenNonRetryable404_Raises404()
    {
        var recorder = new Recorder(125, 625);
        RetryStrategy strategy = recorder.Attach(new RetryStrategy());
        var statuses = new Queue<int>(new[] { 503, 504, 404 });
        var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => strategy.ExecuteAsync<int>(
            _ =>
            {
                recorder.Calls++;
                throw Status(statuses.Dequeue());
            },
            CancellationToken.None));
        Assert.Equal(404, ex.StatusCode);
        Assert.Equal(3, recorder.Calls);
        AssertSleeps(new[] { 1.125, 2.625 }, recorder.Sleeps);
    }

    [Fact]
    public async Task WaitAndRetry_CustomDelayAndMultiplier_3125_12625_48375()
    {
        var recorder = new Recorder(125, 625, 375);
        RetryStrategy strategy = recorder.Attach(new RetryStrategy(initialDelay: 3.0, multiplier: 4.0));
        int failures = 3;
        await strategy.ExecuteAsync(
            _ =>
            {
                recorder.Calls++;
                if (failures-- > 0)
                {
                    throw Status(503);
                }

                return Task.FromResult(0);
            },
            CancellationToken.None);
        Assert.Equal(4, recorder.Calls);
        AssertSleeps(new[] { 3.125, 12.625, 48.375 }, recorder.Sleeps);
    }

    public static IEnumerable<object[]> ConnectionErrors() => new[]
    {
        new object[] { new HttpRequestException("connection refused") },
        new object[] { new IOException("connection reset") },
        new object[] { new SocketException((int)SocketError.ConnectionReset) },
        new object[] { new TimeoutException("read timed out") },
        new object[] { new TaskCanceledException("HttpClient timeout, not the caller") },
    };

    [Theory]
    [MemberData(nameof(ConnectionErrors))]
    public async Task WaitAndRetry_ConnectionErrors_AreRetried(Exception error)
    {
        var recorder = new Recorder(125, 625);
        RetryStrategy strategy = recorder.Attach(new RetryStrategy());
        int failures = 2;
        int result = await strategy.ExecuteAsync(
            _ =>
            {
                recorder.Calls++;
                if (failures-- > 0)
                {
                    throw error;
                }

                return Task.FromResult(7);
            },
            CancellationToken.None);
        Assert.Equal(7, result);
        Assert.Equal(3, recorder.Calls);
        AssertSleeps(new[] { 1.125, 2.625 }, recorder.Sleeps);
    }

    [Fact]
    public async Task WaitAndRetry_CumulativeLimit100_RaisesAfter7Calls()
    {
        var recorder = new Recorder(875, 0, 375, 500, 500, 250, 125);
        RetryStrategy strategy = recorder.Attach(new RetryStrategy(maxCumulativeRetry: 100.0));
        var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => strategy.ExecuteAsync<int>(
            _ =>
            {
                recorder.Calls++;
                throw Status(503);
            },
            CancellationToken.None));
        Assert.Equal(503, ex.StatusCode);
        Assert.Equal(7, recorder.Calls);
        Assert.Equal(7, recorder.JitterCalls);
        AssertSleeps(new[] { 1.875, 2.0, 4.375, 8.5, 16.5, 32.25 }, recorder.Sleeps);
    }

    [Fact]
    public async Task WaitAndRetry_MaxRetries6_RaisesAfter7Calls()
    {
        var recorder = new Recorder(875, 0, 375, 500, 500, 250, 125);
        RetryStrategy strategy = recorder.Attach(new RetryStrategy(maxRetries: 6));
        await Assert.ThrowsAsync<InvalidResponseException>(() => strategy.ExecuteAsync<int>(
            _ =>
            {
                recorder.Calls++;
                throw Status(503);
            },
            CancellationToken.None));
        Assert.Equal(7, recorder.Calls);
        Assert.Equal(7, recorder.JitterCalls);
        AssertSleeps(new[] { 1.875, 2.0, 4.375, 8.5, 16.5, 32.25 }, recorder.Sleeps);
    }

    [Fact]
    public async Task WaitAndRetry_MaxRetries0_OneCallNoSleep()
    {
        var recorder = new Recorder(875);
        RetryStrategy strategy = recorder.Attach(new RetryStrategy(maxRetries: 0));
        await Assert.ThrowsAsync<InvalidResponseException>(() => strategy.ExecuteAsync<int>(
            _ =>
            {
                recorder.Calls++;
                throw Status(503);
            },
            CancellationToken.None));
        Assert.Equal(1, recorder.Calls);
        Assert.Equal(1, recorder.JitterCalls);
        Assert.Empty(recorder.Sleeps);
    }

    [Fact]
    public async Task WaitAndRetry_ConnectionErrorReraised_WhenRetriesRunOut()
    {
        var recorder = new Recorder();
        RetryStrategy strategy = recorder.Attach(new RetryStrategy(maxRetries: 2));
        var ex = await Assert.ThrowsAsync<IOException>(() => strategy.ExecuteAsync<int>(
            _ =>
            {
                recorder.Calls++;
                throw new IOException("reset #" + recorder.Calls);
            },
            CancellationToken.None));
        Assert.Equal("reset #3", ex.Message);
        Assert.Equal(3, recorder.Calls);
    }

    [Fact]
    public async Task WaitAndRetry_404_IsNotRetried()
    {
        var recorder = new Recorder();
        RetryStrategy strategy = recorder.Attach(new RetryStrategy());
        await Assert.ThrowsAsync<InvalidResponseException>(() => strategy.ExecuteAsync<int>(
            _ =>
            {
                recorder.Calls++;
                throw Status(404);
            },
            CancellationToken.None));
        Assert.Equal(1, recorder.Calls);
        Assert.Empty(recorder.Sleeps);
    }

    [Fact]
    public async Task WaitAndRetry_DataCorruption_IsNotRetried()
    {
        var recorder = new Recorder();
        RetryStrategy strategy = recorder.Attach(new RetryStrategy());
        await Assert.ThrowsAsync<DataCorruptionException>(() => strategy.ExecuteAsync<int>(
            _ =>
            {
                recorder.Calls++;
                throw DataCorruptionException.ForDownload(ChecksumType.Crc32c, "a", "b", 1, null);
            },
            CancellationToken.None));
        Assert.Equal(1, recorder.Calls);
        Assert.Empty(recorder.Sleeps);
    }

    [Fact]
    public async Task WaitAndRetry_CallerCancellation_IsNotRetried()
    {
        var recorder = new Recorder();
        RetryStrategy strategy = recorder.Attach(new RetryStrategy());
        using var cts = new CancellationTokenSource();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => strategy.ExecuteAsync<int>(
            ct =>
            {
                recorder.Calls++;
                cts.Cancel();
                ct.ThrowIfCancellationRequested();
                return Task.FromResult(0);
            },
            cts.Token));
        Assert.Equal(1, recorder.Calls);
        Assert.Empty(recorder.Sleeps);
    }
}
