using System;
using GcsMedia.Protocol;

namespace GcsMedia.Transfers
{
    /// <summary>
    /// The observer one file of a folder transfer reports to: its top-level progress records become children of the
    /// folder's record, and their byte counts feed the folder's total. Everything else passes through.
    /// </summary>
    internal sealed class FolderItemObserver : ITransferObserver
    {
        private readonly ITransferObserver _inner;
        private readonly int _parentActivityId;
        private readonly Action<long> _bytesDone;

        public FolderItemObserver(ITransferObserver inner, int parentActivityId, Action<long> bytesDone)
        {
            _inner = inner;
            _parentActivityId = parentActivityId;
            _bytesDone = bytesDone;
        }

        public void Progress(ProgressUpdate update)
        {
            if (update.ParentActivityId < 0)
            {
                update.ParentActivityId = _parentActivityId;
                if (update.BytesDone.HasValue)
                {
                    _bytesDone(update.BytesDone.Value);
                }
            }

            _inner.Progress(update);
        }

        public void Retrying(RetryEvent retry, string? what) => _inner.Retrying(retry, what);

        public void Note(string message) => _inner.Note(message);

        public void Warning(TransferWarning warning) => _inner.Warning(warning);
    }
}
