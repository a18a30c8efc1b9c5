namespace GcsMedia.Transfers
{
    /// <summary>
    /// One progress record: an activity with an id, optionally the child of another (a slice or part under its
    /// file, a file under its folder). Shaped like PowerShell's ProgressRecord, but free of it.
    /// </summary>
    public sealed class ProgressUpdate
    {
        public int ActivityId { get; set; }

        /// <summary>-1 for a top-level record.</summary>
        public int ParentActivityId { get; set; } = -1;

        public string Activity { get; set; } = string.Empty;

        public string Status { get; set; } = string.Empty;

        public string? CurrentOperation { get; set; }

        /// <summary>0..100, or -1 when unknown.</summary>
        public int PercentComplete { get; set; } = -1;

        /// <summary>-1 when unknown.</summary>
        public int SecondsRemaining { get; set; } = -1;

        /// <summary>Bytes moved so far, when the record is about bytes.</summary>
        public long? BytesDone { get; set; }

        /// <summary>The activity is over; hosts remove its bar.</summary>
        public bool Completed { get; set; }
    }
}
