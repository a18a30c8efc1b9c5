using System;
using System.Collections.Concurrent;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;

namespace GcsMedia.Cmdlets
{
    /// <summary>
    /// Base for cmdlets whose work is asynchronous. The work runs on a worker task; everything that talks to
    /// PowerShell (WriteObject, WriteError, WriteProgress, WriteVerbose, WriteWarning, WriteDebug, ShouldProcess)
    /// is queued and performed on the pipeline thread, which drains the queue until the work ends.
    /// StopProcessing (Ctrl+C) cancels <see cref="StopToken"/>; the drain stops waiting for the worker after a
    /// short grace period so the pipeline stops promptly.
    /// </summary>
    public abstract class AsyncPSCmdlet : PSCmdlet, IDisposable
    {
        private static readonly TimeSpan DefaultStopGrace = TimeSpan.FromMilliseconds(900);
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();

        /// <summary>
        /// How long a stop waits for the work to finish its own cleanup (saving resume state; aborting a multipart
        /// upload, which the transfer layer finishes before its task ends).
        /// </summary>
        protected virtual TimeSpan StopGrace => DefaultStopGrace;

        /// <summary>Cancelled when the user presses Ctrl+C or the pipeline is stopped.</summary>
        protected CancellationToken StopToken => _stop.Token;

        /// <summary>
        /// Runs <paramref name="work"/> on a worker task and pumps its output onto the pipeline thread until it
        /// finishes. Exceptions from the work are rethrown here, on the pipeline thread; a stop becomes
        /// <see cref="PipelineStoppedException"/>.
        /// </summary>
        protected void RunAsync(Func<AsyncPipeline, CancellationToken, Task> work)
        {
            using (var queue = new BlockingCollection<Action>())
            {
                var pipeline = new AsyncPipeline(queue, this, _stop.Token);
                CancellationToken token = _stop.Token;
                OnPipelineStarting(pipeline);
                Task task = Task.Run(
                    async () =>
                    {
                        try
                        {
                            await work(pipeline, token).ConfigureAwait(false);
                        }
                        finally
                        {
                            OnPipelineEnding(pipeline);
                            pipeline.Complete();
                        }
                    });

                try
                {
                    foreach (Action action in queue.GetConsumingEnumerable(token))
                    {
                        action();
                    }
                }
                catch (OperationCanceledException) when (token.IsCancellationRequested)
                {
                    // Give the worker a moment to observe the cancellation (and save resumable state), then stop.
                    try
                    {
                        task.Wait(StopGrace);
                    }
                    catch (AggregateException)
                    {
                    }

                    throw new PipelineStoppedException();
                }

                if (token.IsCancellationRequested && task.IsCanceled)
                {
                    throw new PipelineStoppedException();
                }

                // The queue completed, so the task has finished or is finishing its last 'finally'.
                try
                {
                    task.GetAwaiter().GetResult();
                }
                catch (OperationCanceledException) when (token.IsCancellationRequested)
                {
                    throw new PipelineStoppedException();
                }
            }
        }

        /// <summary>Writes a verbose line; with -Debug without a prompt (see <see cref="DebugWithoutPrompts"/>).</summary>
        public new void WriteVerbose(string text)
        {
            if (DebugWithoutPrompts.WouldPrompt(MyInvocation, "Verbose"))
            {
                DebugWithoutPrompts.WriteVerbose(this, text);
            }
            else
            {
                base.WriteVerbose(text);
            }
        }

        /// <summary>Writes a warning; with -Debug without a prompt (see <see cref="DebugWithoutPrompts"/>).</summary>
        public new void WriteWarning(string text)
        {
            if (DebugWithoutPrompts.WouldPrompt(MyInvocation, "WarningAction"))
            {
                DebugWithoutPrompts.WriteWarning(this, text);
            }
            else
            {
                base.WriteWarning(text);
            }
        }

        /// <summary>Runs on the pipeline thread before the worker starts.</summary>
        protected virtual void OnPipelineStarting(AsyncPipeline pipeline)
        {
        }

        /// <summary>Runs on the worker when the work has ended, before the pipeline closes.</summary>
        protected virtual void OnPipelineEnding(AsyncPipeline pipeline)
        {
        }

        /// <summary>True when the command runs with -Debug: the caller asked for -Debug, or DebugPreference asks for debug lines.</summary>
        protected bool DebugRequested
        {
            get
            {
                if (MyInvocation.BoundParameters.TryGetValue("Debug", out object? debug))
                {
                    return debug is SwitchParameter flag ? flag.IsPresent : LanguagePrimitives.IsTrue(debug);
                }

                object? preference = GetVariableValue("DebugPreference");
                return preference is ActionPreference action && action != ActionPreference.SilentlyContinue && action != ActionPreference.Ignore;
            }
        }

        protected override void StopProcessing()
        {
            try
            {
                _stop.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }
        }

        public void Dispose()
        {
            Dispose(true);
            GC.SuppressFinalize(this);
        }

        protected virtual void Dispose(bool disposing)
        {
            if (disposing)
            {
                _stop.Dispose();
            }
        }
    }
}
