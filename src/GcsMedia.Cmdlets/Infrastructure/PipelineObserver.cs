using System;
using GcsMedia.Protocol;

namespace GcsMedia.Cmdlets
{
    /// <summary>Reports what the protocol does in the background (retries) as Write-Verbose, queued onto the pipeline thread.</summary>
    internal sealed class PipelineObserver
    {
        /// <summary>Reports a retry of any request a cmdlet makes; best effort once the pipeline is stopping.</summary>
        public static void Retrying(AsyncPipeline pipeline, RetryEvent retry, string? what = null)
        {
            try
            {
                pipeline.WriteVerbose(
                    $"Retry {retry.RetryNumber}{(what == null ? string.Empty : " of " + what)} in {retry.Wait.TotalSeconds:0.0} s after: {GcsErrors.Redact(retry.Error.Message)}");
            }
            catch (OperationCanceledException)
            {
            }
        }
    }
}
