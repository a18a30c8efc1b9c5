using System;
using System.Diagnostics;

namespace GcsMedia.Transfers
{
    /// <summary>
    /// Throttled progress for one transfer (or one slice, part or folder): at most four updates a second, showing
    /// bytes, rate and time remaining; <see cref="Complete"/> always sends the Completed record. Thread-safe.
    /// </summary>
    public sealed class ProgressTracker
    {
        private static readonly long MinTicksBetweenUpdates = Stopwatch.Frequency / 4;
        private static int _nextActivityId = 1000;

        private readonly ITransferObserver _observer;
        private readonly string _activity;
        private readonly string _target;
        private readonly int _parentActivityId;
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly object _gate = new object();
        private long _lastUpdateTicks = long.MinValue;
        private long _startBytes;
        private bool _completed;

        public ProgressTracker(ITransferObserver observer, string activity, string target, long? totalBytes, int parentActivityId = -1)
        {
            _observer = observer;
            _activity = activity;
            _target = target;
            TotalBytes = totalBytes;
            _parentActivityId = parentActivityId;
            ActivityId = System.Threading.Interlocked.Increment(ref _nextActivityId);
        }

        public int ActivityId { get; }

        public long? TotalBytes { get; set; }

        /// <summary>Put before the byte counts in the status (for example "3 of 40 files").</summary>
        public string? Label { get; set; }

        /// <summary>Bytes already present when the transfer started (a resume); excluded from the rate.</summary>
        public void SetStartOffset(long bytes)
        {
            lock (_gate)
            {
                _startBytes = bytes;
            }
        }

        public void Report(long bytesDone)
        {
            ProgressUpdate? record = null;
            lock (_gate)
            {
                long now = _clock.ElapsedTicks;
                if (_completed || (_lastUpdateTicks != long.MinValue && now - _lastUpdateTicks < MinTicksBetweenUpdates))
                {
                    return;
                }

                _lastUpdateTicks = now;
                record = Build(bytesDone, now);
            }

            _observer.Progress(record);
        }

        public void Complete()
        {
            lock (_gate)
            {
                if (_completed)
                {
                    return;
                }

                _completed = true;
            }

            _observer.Progress(new ProgressUpdate
            {
                ActivityId = ActivityId,
                Activity = _activity,
                Status = _target,
                ParentActivityId = _parentActivityId,
                Completed = true,
            });
        }

        private ProgressUpdate Build(long bytesDone, long nowTicks)
        {
            double seconds = Math.Max(nowTicks / (double)Stopwatch.Frequency, 0.001);
            double rate = Math.Max(bytesDone - _startBytes, 0) / seconds;
            string status = TotalBytes.HasValue
                ? $"{FormatBytes(bytesDone)} of {FormatBytes(TotalBytes.Value)} at {FormatBytes((long)rate)}/s"
                : $"{FormatBytes(bytesDone)} at {FormatBytes((long)rate)}/s";
            var record = new ProgressUpdate
            {
                ActivityId = ActivityId,
                Activity = _activity,
                Status = Label == null ? status : Label + ", " + status,
                BytesDone = bytesDone,
                ParentActivityId = _parentActivityId,
                CurrentOperation = _target,
            };
            if (TotalBytes.HasValue && TotalBytes.Value > 0)
            {
                record.PercentComplete = (int)Math.Min(100, bytesDone * 100 / TotalBytes.Value);
                if (rate > 0)
                {
                    record.SecondsRemaining = (int)Math.Min(int.MaxValue, Math.Max(0, (TotalBytes.Value - bytesDone) / rate));
                }
            }

            return record;
        }

        public static string FormatBytes(long bytes)
        {
            string[] units = { "B", "KB", "MB", "GB", "TB" };
            double value = bytes;
            int unit = 0;
            while (value >= 1024 && unit < units.Length - 1)
            {
                value /= 1024;
                unit++;
            }

            return unit == 0 ? $"{bytes} B" : $"{value:0.0} {units[unit]}";
        }
    }
}
