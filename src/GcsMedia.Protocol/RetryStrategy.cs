using System;
using System.IO;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace GcsMedia.Protocol
{
    /// <summary>
    /// Exponential backoff with jitter, as google-resumable-media does it: base waits 1, 2, 4 … capped at
    /// <see cref="MaxSleep"/>, plus 0–1 s of jitter, until the cumulative sleep passes
    /// <see cref="MaxCumulativeRetry"/> (default 600 s) or, when set instead, the retry count passes <see cref="MaxRetries"/>.
    /// Time and randomness are injectable so tests never sleep.
    /// </summary>
    public sealed class RetryStrategy
    {
        public const double DefaultMaxSleep = 64.0;
        public const double DefaultMaxCumulativeRetry = 600.0;

        /// <summary>
        /// Overrides the default cumulative retry limit (seconds) for the whole process, e.g. for a runbook that
        /// would rather fail fast than wait ten minutes for a link to come back.
        /// </summary>
        public const string MaxRetrySecondsVariable = "GCSMEDIA_MAX_RETRY_SECONDS";

        private static readonly int[] RetryableStatusCodes = { 408, 429, 500, 502, 503, 504 };
        private static readonly AsyncLocal<int> Attempt = new AsyncLocal<int>();

        public RetryStrategy(
            double maxSleep = DefaultMaxSleep,
            double? maxCumulativeRetry = null,
            int? maxRetries = null,
            double initialDelay = 1.0,
            double multiplier = 2.0)
        {
            if (maxCumulativeRetry.HasValue && maxRetries.HasValue)
            {
                throw new ArgumentException("Specify at most one of maxCumulativeRetry and maxRetries.");
            }

            MaxSleep = maxSleep;
            MaxRetries = maxRetries;
            MaxCumulativeRetry = maxRetries.HasValue ? null : maxCumulativeRetry ?? CumulativeLimitFromEnvironment();
            InitialDelay = initialDelay;
            Multiplier = multiplier;
        }

        /// <summary>A strategy that never retries.</summary>
        public static RetryStrategy None => new RetryStrategy(maxRetries: 0);

        public double MaxSleep { get; }

        public double? MaxCumulativeRetry { get; }

        public int? MaxRetries { get; }

        public double InitialDelay { get; }

        public double Multiplier { get; }

        /// <summary>Milliseconds of jitter, 0..1000 inclusive. Replace in tests.</summary>
        public Func<int> Jitter { get; set; } = SharedRandom.NextJitter;

        /// <summary>How to wait. Replace in tests to record waits instead of sleeping.</summary>
        public Func<TimeSpan, CancellationToken, Task> Delay { get; set; } = (wait, ct) => Task.Delay(wait, ct);

        private static double CumulativeLimitFromEnvironment()
            => ParseCumulativeLimit(Environment.GetEnvironmentVariable(MaxRetrySecondsVariable));

        internal static double ParseCumulativeLimit(string? value)
        {
            return double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double seconds) && seconds >= 0
                ? seconds
                : DefaultMaxCumulativeRetry;
        }

        /// <summary>
        /// The attempt (1 = first try) of the innermost <see cref="ExecuteAsync{T}"/> running in this async flow, or 0
        /// outside one: lets an HTTP handler say which attempt a request belongs to.
        /// </summary>
        public static int CurrentAttempt => Attempt.Value;

        public static bool IsRetryableStatus(int statusCode) => Array.IndexOf(RetryableStatusCodes, statusCode) >= 0;

        public bool RetryAllowed(double totalSleep, int numRetries)
            => MaxCumulativeRetry.HasValue ? totalSleep <= MaxCumulativeRetry.Value : numRetries <= MaxRetries!.Value;

        /// <summary>The seed's formula: base = min(base × multiplier, maxSleep); wait = base + jitter/1000.</summary>
        public double NextWait(ref double baseWait, int jitterMilliseconds)
        {
            baseWait = Math.Min(baseWait * Multiplier, MaxSleep);
            return baseWait + (jitterMilliseconds / 1000.0);
        }

        /// <summary>
        /// A transient failure: a retryable status, a connection reset, a truncated body, or a timeout that is
        /// not the caller's own cancellation.
        /// </summary>
        public static bool IsTransient(Exception exception, CancellationToken callerToken)
        {
            switch (exception)
            {
                case InvalidResponseException invalid:
                    return invalid.IsRetryable;
                case DataCorruptionException:
                    return false;
                case OperationCanceledException:
                    return !callerToken.IsCancellationRequested;
                case HttpRequestException:
                case IOException:
                case TimeoutException:
                case System.Net.Sockets.SocketException:
                    return true;
                default:
                    return false;
            }
        }

        /// <summary>
        /// Runs <paramref name="attempt"/> until it succeeds, fails with a non-transient error, or the
        /// strategy's limit is reached (then the last error is rethrown). <paramref name="onRetry"/> runs
        /// before each wait (for logging/progress); re-syncing state belongs at the start of <paramref name="attempt"/>.
        /// </summary>
        public async Task<T> ExecuteAsync<T>(
            Func<CancellationToken, Task<T>> attempt,
            CancellationToken cancellationToken,
            Func<Exception, bool>? isRetryable = null,
            Action<RetryEvent>? onRetry = null)
        {
            double baseWait = InitialDelay / Multiplier;
            double totalSleep = 0;
            int numRetries = 0;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Attempt.Value = numRetries + 1;
                try
                {
                    return await attempt(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when ((isRetryable ?? (e => IsTransient(e, cancellationToken)))(ex))
                {
                    double wait = NextWait(ref baseWait, Jitter());
                    numRetries++;
                    totalSleep += wait;
                    if (!RetryAllowed(totalSleep, numRetries))
                    {
                        throw;
                    }

                    onRetry?.Invoke(new RetryEvent(numRetries, TimeSpan.FromSeconds(wait), ex));
                    await Delay(TimeSpan.FromSeconds(wait), cancellationToken).ConfigureAwait(false);
                }
            }
        }

        public Task ExecuteAsync(
            Func<CancellationToken, Task> attempt,
            CancellationToken cancellationToken,
            Func<Exception, bool>? isRetryable = null,
            Action<RetryEvent>? onRetry = null)
            => ExecuteAsync<bool>(
                async ct =>
                {
                    await attempt(ct).ConfigureAwait(false);
                    return true;
                },
                cancellationToken,
                isRetryable,
                onRetry);

        private static class SharedRandom
        {
            private static readonly object Gate = new object();
            private static readonly Random Random = new Random();

            public static int NextJitter()
            {
                lock (Gate)
                {
                    return Random.Next(0, 1001);
                }
            }
        }
    }
}
