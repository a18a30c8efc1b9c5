using System;

namespace GcsMedia.Protocol
{
    /// <summary>One retry about to happen: which attempt, how long the wait, and what failed.</summary>
    public sealed class RetryEvent
    {
        public RetryEvent(int retryNumber, TimeSpan wait, Exception error)
        {
            RetryNumber = retryNumber;
            Wait = wait;
            Error = error;
        }

        public int RetryNumber { get; }

        public TimeSpan Wait { get; }

        public Exception Error { get; }
    }
}
