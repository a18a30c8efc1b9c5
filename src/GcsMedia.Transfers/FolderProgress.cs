using System.Collections.Concurrent;
using System.Threading;

namespace GcsMedia.Transfers
{
    /// <summary>The parent progress record of a folder transfer: files done of all, bytes done of all, rate, time left.</summary>
    internal sealed class FolderProgress
    {
        private readonly ProgressTracker _tracker;
        private readonly ConcurrentDictionary<int, long> _active = new ConcurrentDictionary<int, long>();
        private readonly int _files;
        private long _finishedBytes;
        private int _finishedFiles;

        public FolderProgress(ITransferObserver observer, string activity, string target, int files, long totalBytes)
        {
            _files = files;
            _tracker = new ProgressTracker(observer, activity, target, totalBytes) { Label = $"0 of {files} files" };
        }

        public int ActivityId => _tracker.ActivityId;

        /// <summary>File <paramref name="index"/> has moved <paramref name="bytes"/> so far.</summary>
        public void Report(int index, long bytes)
        {
            _active[index] = bytes;
            Update();
        }

        /// <summary>File <paramref name="index"/> is finished (transferred, skipped or failed) and counts <paramref name="bytes"/>.</summary>
        public void Finish(int index, long bytes)
        {
            _active.TryRemove(index, out _);
            Interlocked.Add(ref _finishedBytes, bytes);
            Interlocked.Increment(ref _finishedFiles);
            Update();
        }

        public void Complete() => _tracker.Complete();

        private void Update()
        {
            long done = Interlocked.Read(ref _finishedBytes);
            foreach (long bytes in _active.Values)
            {
                done += bytes;
            }

            _tracker.Label = $"{Volatile.Read(ref _finishedFiles)} of {_files} files";
            _tracker.Report(done);
        }
    }
}
