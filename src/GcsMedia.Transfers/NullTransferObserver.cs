using GcsMedia.Protocol;

namespace GcsMedia.Transfers
{
    /// <summary>An observer that ignores everything, for callers that only want the result.</summary>
    public sealed class NullTransferObserver : ITransferObserver
    {
        public static readonly NullTransferObserver Instance = new NullTransferObserver();

        public void Progress(ProgressUpdate update)
        {
        }

        public void Retrying(RetryEvent retry, string? what)
        {
        }

        public void Note(string message)
        {
        }

        public void Warning(TransferWarning warning)
        {
        }
    }
}
