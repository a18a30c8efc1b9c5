using GcsMedia.Protocol;

namespace GcsMedia.Transfers
{
    /// <summary>
    /// What a transfer reports while it runs. Called from worker threads, possibly several at once: an
    /// implementation that writes to a single-threaded host (a PowerShell pipeline, a UI) must marshal the calls.
    /// Every call is best effort: the transfer does not depend on what the observer does with it.
    /// </summary>
    public interface ITransferObserver
    {
        /// <summary>A progress record changed (throttled to a few a second per record; Completed always sent).</summary>
        void Progress(ProgressUpdate update);

        /// <summary>A request failed transiently and is retried after <see cref="RetryEvent.Wait"/>. <paramref name="what"/> names the piece (a slice, a part) or is null.</summary>
        void Retrying(RetryEvent retry, string? what);

        /// <summary>A detail worth showing on request (what was decided, what was found).</summary>
        void Note(string message);

        /// <summary>Something the user should know although the transfer goes on (or has finished).</summary>
        void Warning(TransferWarning warning);
    }
}
