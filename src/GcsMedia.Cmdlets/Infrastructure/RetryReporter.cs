using System;
using System.Collections.Concurrent;
using System.Globalization;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using GcsMedia.Protocol;

namespace GcsMedia.Cmdlets
{
    /// <summary>
    /// Tells the user about retries, so that no command waits in silence: the first retry of a command invocation is a
    /// warning (what failed, how long the command keeps retrying, and -RetryTimeout to change that); every retry is a
    /// verbose line and a progress record ("retrying in 4 s, attempt 3") that is completed when the wait ends.
    /// One instance per cmdlet invocation; thread-safe (parallel parts and slices retry at once).
    /// </summary>
    internal sealed class RetryReporter
    {
        private static int _nextActivityId = 5000;

        private readonly TimeSpan _timeout;
        private readonly ConcurrentDictionary<int, bool> _open = new ConcurrentDictionary<int, bool>();
        private int _warned;

        public RetryReporter(TimeSpan timeout)
        {
            _timeout = timeout;
        }

        /// <summary>The reporter of the cmdlet behind <paramref name="pipeline"/>; a fresh one for other cmdlets.</summary>
        public static RetryReporter For(AsyncPipeline pipeline)
            => (pipeline.Cmdlet as GcsCmdlet)?.RetryReporter ?? new RetryReporter(TimeSpan.FromSeconds(RetryStrategy.DefaultMaxCumulativeRetry));

        /// <summary>Reports one retry about to happen; <paramref name="what"/> names the part of the transfer (e.g. "slice 3").</summary>
        public void Report(AsyncPipeline pipeline, RetryEvent retry, string? what = null)
        {
            string error = GcsErrors.Redact(retry.Error.Message).TrimEnd();
            if (!error.EndsWith(".", StringComparison.Ordinal))
            {
                error += ".";
            }

            string of = what == null ? string.Empty : " of " + what;
            double wait = retry.Wait.TotalSeconds;
            int attempt = retry.RetryNumber + 1;
            try
            {
                if (Interlocked.Exchange(ref _warned, 1) == 0)
                {
                    pipeline.WriteWarning(
                        $"A request{of} failed and will be retried: {error} The command keeps retrying for up to {Seconds(_timeout.TotalSeconds)} s in all; " +
                        "change that with -RetryTimeout (seconds, or a TimeSpan; 0 fails at once).");
                }

                pipeline.WriteVerbose($"Retry {retry.RetryNumber}{of} in {wait.ToString("0.0", CultureInfo.InvariantCulture)} s after: {error}");
                int activityId = Interlocked.Increment(ref _nextActivityId);
                string status = $"retrying{of} in {Seconds(wait)} s, attempt {attempt}";
                _open[activityId] = true;
                pipeline.WriteProgress(new ProgressRecord(activityId, "Retrying", status) { SecondsRemaining = (int)Math.Ceiling(wait) });
                _ = CompleteAfterAsync(pipeline, activityId, retry.Wait);
            }
            catch (OperationCanceledException)
            {
                // The pipeline is stopping: nothing more can be written.
            }
        }

        /// <summary>Completes every retry progress record still shown; the cmdlet calls it before its pipeline closes.</summary>
        public void CompleteAll(AsyncPipeline pipeline)
        {
            foreach (int activityId in _open.Keys)
            {
                Complete(pipeline, activityId);
            }
        }

        private async Task CompleteAfterAsync(AsyncPipeline pipeline, int activityId, TimeSpan wait)
        {
            await Task.Delay(wait).ConfigureAwait(false);
            Complete(pipeline, activityId);
        }

        private void Complete(AsyncPipeline pipeline, int activityId)
        {
            if (!_open.TryRemove(activityId, out _))
            {
                return;
            }

            try
            {
                pipeline.WriteProgress(new ProgressRecord(activityId, "Retrying", "retrying") { RecordType = ProgressRecordType.Completed });
            }
            catch (Exception)
            {
                // The command finished (or was stopped) during the wait; its progress display is gone with it.
            }
        }

        private static string Seconds(double seconds) => Math.Ceiling(seconds).ToString("0", CultureInfo.InvariantCulture);
    }
}
