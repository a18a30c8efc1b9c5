namespace GcsMedia.Protocol.Tests.Speed;

/// <summary>
/// Simulated time for <see cref="BandwidthLimiter"/>: <see cref="Delay"/> parks the caller until <see cref="Step"/>
/// moves the clock to its due time. Continuations run inline on the stepping thread (awaits in test code need
/// ConfigureAwait(false)), so tests are deterministic and never sleep.
/// </summary>
internal sealed class VirtualClock
{
    private readonly object _gate = new();
    private readonly List<Waiter> _waiters = new();
    private TimeSpan _now;

    public TimeSpan Now
    {
        get
        {
            lock (_gate)
            {
                return _now;
            }
        }
    }

    /// <summary>Every wait asked for, in order.</summary>
    public List<TimeSpan> Delays { get; } = new();

    public int PendingCount
    {
        get
        {
            lock (_gate)
            {
                return _waiters.Count;
            }
        }
    }

    public TimeSpan Clock() => Now;

    public Task Delay(TimeSpan wait, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Delays.Add(wait);
            if (wait <= TimeSpan.Zero)
            {
                return Task.CompletedTask;
            }

            var waiter = new Waiter(_now + wait, new TaskCompletionSource());
            _waiters.Add(waiter);
            if (cancellationToken.CanBeCanceled)
            {
                cancellationToken.Register(() =>
                {
                    lock (_gate)
                    {
                        _waiters.Remove(waiter);
                    }

                    waiter.Completion.TrySetCanceled(cancellationToken);
                });
            }

            return waiter.Completion.Task;
        }
    }

    /// <summary>Moves the clock to the earliest pending wait and releases it. False when nobody waits.</summary>
    public bool Step()
    {
        Waiter next;
        lock (_gate)
        {
            if (_waiters.Count == 0)
            {
                return false;
            }

            next = _waiters.MinBy(w => w.Due)!;
            _waiters.Remove(next);
            if (next.Due > _now)
            {
                _now = next.Due;
            }
        }

        // Continuations run inline only without a custom SynchronizationContext (xunit installs one).
        SynchronizationContext? previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        try
        {
            next.Completion.TrySetResult();
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }

        return true;
    }

    public void RunUntilIdle(int maxSteps = 1_000_000)
    {
        for (int i = 0; i < maxSteps && Step(); i++)
        {
        }
    }

    private sealed record Waiter(TimeSpan Due, TaskCompletionSource Completion);
}
