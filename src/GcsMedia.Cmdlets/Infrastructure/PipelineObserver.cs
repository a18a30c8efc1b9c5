using System;
using System.Management.Automation;
using GcsMedia.Protocol;
using GcsMedia.Transfers;

namespace GcsMedia.Cmdlets
{
    /// <summary>
    /// Turns what the transfer layer reports into Write-Progress, Write-Verbose and Write-Warning, queued onto the
    /// pipeline thread. Best effort: once the pipeline is stopping nothing more is written and the transfer goes on
    /// to its own cleanup. <see cref="Retrying(AsyncPipeline, RetryEvent, string)"/> is the one place where any
    /// cmdlet reports a retry.
    /// </summary>
    internal sealed class PipelineObserver : ITransferObserver
    {
        private readonly AsyncPipeline _pipeline;

        public PipelineObserver(AsyncPipeline pipeline)
        {
            _pipeline = pipeline;
        }

        /// <summary>Reports a retry of any request a cmdlet makes (through the layer or directly through the protocol).</summary>
        public static void Retrying(AsyncPipeline pipeline, RetryEvent retry, string? what = null)
            => RetryReporter.For(pipeline).Report(pipeline, retry, what);

        public void Retrying(RetryEvent retry, string? what) => Retrying(_pipeline, retry, what);

        public void Progress(ProgressUpdate update)
        {
            var record = new ProgressRecord(update.ActivityId, update.Activity, update.Status)
            {
                ParentActivityId = update.ParentActivityId,
            };
            if (update.Completed)
            {
                record.RecordType = ProgressRecordType.Completed;
            }
            else
            {
                record.CurrentOperation = update.CurrentOperation;
                record.PercentComplete = update.PercentComplete;
                record.SecondsRemaining = update.SecondsRemaining;
            }

            BestEffort(() => _pipeline.WriteProgress(record));
        }

        public void Note(string message) => BestEffort(() => _pipeline.WriteVerbose(GcsErrors.Redact(message)));

        public void Warning(TransferWarning warning)
        {
            string advice = warning.Kind == TransferWarningKind.MultipartAbortFailed && warning.Target != null && GcsObjectRef.TryParse(warning.Target, out GcsObjectRef? target)
                ? $" Run Get-GcsMpu -Bucket {target!.Bucket} | Stop-GcsMpu to abort it."
                : string.Empty;
            BestEffort(() => _pipeline.WriteWarning(GcsErrors.Redact(warning.Message) + advice));
        }

        private static void BestEffort(Action write)
        {
            try
            {
                write();
            }
            catch (OperationCanceledException)
            {
                // Stopping: the pipeline no longer takes output.
            }
        }
    }
}
