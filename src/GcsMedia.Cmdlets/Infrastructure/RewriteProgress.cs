using System;
using System.Management.Automation;
using GcsMedia.Protocol;

namespace GcsMedia.Cmdlets
{
    /// <summary>
    /// Write-Progress for a server-side copy: one record per rewrite call (calls are seconds apart, so no throttling),
    /// from the server's totalBytesRewritten; <see cref="Complete"/> always sends the Completed record.
    /// </summary>
    internal sealed class RewriteProgress
    {
        private static int _nextActivityId = 5000;

        private readonly AsyncPipeline _pipeline;
        private readonly string _activity;
        private readonly string _target;
        private readonly int _activityId = System.Threading.Interlocked.Increment(ref _nextActivityId);
        private bool _completed;

        public RewriteProgress(AsyncPipeline pipeline, GcsObjectRef source, GcsObjectRef destination)
        {
            _pipeline = pipeline;
            _activity = $"Copying {source} on the server";
            _target = destination.ToString();
        }

        public void Report(long bytesRewritten, long objectSize)
        {
            var record = new ProgressRecord(_activityId, _activity, $"{bytesRewritten} of {objectSize} bytes copied")
            {
                CurrentOperation = _target,
                PercentComplete = objectSize > 0 ? (int)Math.Min(100, bytesRewritten * 100 / objectSize) : 100,
            };
            Write(record);
        }

        public void Complete()
        {
            if (_completed)
            {
                return;
            }

            _completed = true;
            Write(new ProgressRecord(_activityId, _activity, "Done") { RecordType = ProgressRecordType.Completed });
        }

        private void Write(ProgressRecord record)
        {
            try
            {
                _pipeline.WriteProgress(record);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }
}
