using System;
using System.Collections.Concurrent;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;

namespace GcsMedia.Cmdlets
{
    /// <summary>
    /// What a worker task may do to the pipeline. Every call is queued and runs on the pipeline thread, in order.
    /// Calls after the pipeline was stopped throw <see cref="OperationCanceledException"/> on the worker.
    /// </summary>
    public sealed class AsyncPipeline
    {
        private readonly BlockingCollection<Action> _queue;
        private readonly AsyncPSCmdlet _cmdlet;
        private readonly CancellationToken _stop;

        internal AsyncPipeline(BlockingCollection<Action> queue, AsyncPSCmdlet cmdlet, CancellationToken stop)
        {
            _queue = queue;
            _cmdlet = cmdlet;
            _stop = stop;
        }

        /// <summary>The cmdlet this pipeline writes for (to reach per-invocation helpers; call nothing of it from a worker).</summary>
        internal Cmdlet Cmdlet => _cmdlet;

        public void WriteObject(object? value) => Post(() => _cmdlet.WriteObject(value));

        public void WriteError(ErrorRecord record) => Post(() => _cmdlet.WriteError(record));

        public void WriteVerbose(string message) => Post(() => _cmdlet.WriteVerbose(message));

        public void WriteDebug(string message) => Post(() => _cmdlet.WriteDebug(message));

        public void WriteWarning(string message) => Post(() => _cmdlet.WriteWarning(message));

        public void WriteProgress(ProgressRecord record) => Post(() => _cmdlet.WriteProgress(record));

        /// <summary>Asks ShouldProcess on the pipeline thread and waits (asynchronously) for the answer.</summary>
        public async Task<bool> ShouldProcessAsync(string target, string action)
        {
            var answer = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            using (_stop.Register(() => answer.TrySetCanceled()))
            {
                Post(() =>
                {
                    try
                    {
                        answer.TrySetResult(_cmdlet.ShouldProcess(target, action));
                    }
                    catch (Exception ex)
                    {
                        answer.TrySetException(ex);
                    }
                });
                return await answer.Task.ConfigureAwait(false);
            }
        }

        internal void Complete() => _queue.CompleteAdding();

        private void Post(Action action)
        {
            _stop.ThrowIfCancellationRequested();
            try
            {
                _queue.Add(action, _stop);
            }
            catch (InvalidOperationException)
            {
                // The pump already finished (pipeline stopping): nothing can be written any more.
                throw new OperationCanceledException(_stop);
            }
        }
    }
}
