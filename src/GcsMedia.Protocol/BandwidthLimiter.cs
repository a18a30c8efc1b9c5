using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace GcsMedia.Protocol
{
    /// <summary>
    /// A thread-safe token bucket in bytes per second, shared by any number of streams (so the parallel parts or
    /// slices of one transfer share one cap). Callers reserve bytes with <see cref="WaitAsync"/> before moving them.
    /// <list type="bullet">
    /// <item>The bucket holds at most <see cref="BurstBytes"/> (default 1/8 s of the rate) and starts full.</item>
    /// <item>A reservation larger than what the bucket holds is granted as a debt: the caller waits until the debt is
    /// paid back at the rate. Reservations are served in the order they were made, so concurrent streams interleave
    /// fairly, and over any interval the bytes granted never exceed <c>BurstBytes + rate × elapsed</c>.</item>
    /// <item>A cancelled wait gives its bytes back.</item>
    /// <item>The clock and the delay are injectable, so tests run in simulated time without sleeping.</item>
    /// </list>
    /// </summary>
    public sealed class BandwidthLimiter
    {
        private readonly object _gate = new object();
        private readonly Func<TimeSpan> _clock;
        private readonly Func<TimeSpan, CancellationToken, Task> _delay;
        private double _tokens;
        private TimeSpan _lastRefill;
        private long _bytesGranted;

        /// <param name="bytesPerSecond">The cap, in bytes per second (&gt; 0).</param>
        /// <param name="burstBytes">How many bytes may pass at once after an idle period; default <c>max(1, rate / 8)</c>.</param>
        /// <param name="clock">Monotonic time since an arbitrary origin; default a <see cref="Stopwatch"/>.</param>
        /// <param name="delay">How to wait; default <see cref="Task.Delay(TimeSpan, CancellationToken)"/>.</param>
        public BandwidthLimiter(
            long bytesPerSecond,
            long? burstBytes = null,
            Func<TimeSpan>? clock = null,
            Func<TimeSpan, CancellationToken, Task>? delay = null)
        {
            if (bytesPerSecond <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(bytesPerSecond), bytesPerSecond, "The rate must be positive (bytes per second).");
            }

            long burst = burstBytes ?? Math.Max(1, bytesPerSecond / 8);
            if (burst <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(burstBytes), burstBytes, "The burst must be positive.");
            }

            BytesPerSecond = bytesPerSecond;
            BurstBytes = burst;
            if (clock == null)
            {
                Stopwatch watch = Stopwatch.StartNew();
                clock = () => watch.Elapsed;
            }

            _clock = clock;
            _delay = delay ?? ((wait, ct) => Task.Delay(wait, ct));
            _tokens = burst;
            _lastRefill = _clock();
        }

        /// <summary>The cap, in bytes per second.</summary>
        public long BytesPerSecond { get; }

        /// <summary>The bucket's capacity: the most bytes granted without waiting after an idle period.</summary>
        public long BurstBytes { get; }

        /// <summary>Bytes granted so far (reservations not cancelled), across all callers.</summary>
        public long BytesGranted => Interlocked.Read(ref _bytesGranted);

        /// <summary>
        /// Reserves <paramref name="bytes"/> and waits until the rate allows them. Returns at once while the bucket
        /// has enough tokens. Throws <see cref="OperationCanceledException"/> when cancelled (the bytes are given back).
        /// </summary>
        public async Task WaitAsync(int bytes, CancellationToken cancellationToken = default)
        {
            if (bytes < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(bytes), bytes, "The byte count cannot be negative.");
            }

            cancellationToken.ThrowIfCancellationRequested();
            if (bytes == 0)
            {
                return;
            }

            TimeSpan wait = Reserve(bytes);
            if (wait <= TimeSpan.Zero)
            {
                return;
            }

            try
            {
                await _delay(wait, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                Refund(bytes);
                throw;
            }

            // A delay that ignores the token (or a custom one) still must not let a cancelled caller proceed.
            if (cancellationToken.IsCancellationRequested)
            {
                Refund(bytes);
                cancellationToken.ThrowIfCancellationRequested();
            }
        }

        /// <summary>Synchronous <see cref="WaitAsync"/>, for synchronous stream calls.</summary>
        public void Wait(int bytes, CancellationToken cancellationToken = default)
            => WaitAsync(bytes, cancellationToken).GetAwaiter().GetResult();

        /// <summary>Takes the bytes from the bucket now (possibly into debt) and returns how long the caller must wait.</summary>
        private TimeSpan Reserve(int bytes)
        {
            lock (_gate)
            {
                Refill();
                _tokens -= bytes;
                Interlocked.Add(ref _bytesGranted, bytes);
                if (_tokens >= 0)
                {
                    return TimeSpan.Zero;
                }

                double seconds = -_tokens / BytesPerSecond;
                return TimeSpan.FromTicks((long)Math.Ceiling(seconds * TimeSpan.TicksPerSecond));
            }
        }

        private void Refund(int bytes)
        {
            lock (_gate)
            {
                Refill();
                _tokens = Math.Min(BurstBytes, _tokens + bytes);
                Interlocked.Add(ref _bytesGranted, -bytes);
            }
        }

        private void Refill()
        {
            TimeSpan now = _clock();
            TimeSpan elapsed = now - _lastRefill;
            if (elapsed <= TimeSpan.Zero)
            {
                return;
            }

            _lastRefill = now;
            _tokens = Math.Min(BurstBytes, _tokens + (elapsed.TotalSeconds * BytesPerSecond));
        }
    }
}
