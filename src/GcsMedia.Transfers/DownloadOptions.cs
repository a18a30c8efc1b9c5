using GcsMedia.Protocol;

namespace GcsMedia.Transfers
{
    /// <summary>How to download one object into a file.</summary>
    public sealed class DownloadOptions
    {
        /// <summary>First byte (0-based); negative: the last N bytes. Null with <see cref="End"/> null: the whole object.</summary>
        public long? Start { get; set; }

        /// <summary>Last byte, inclusive.</summary>
        public long? End { get; set; }

        /// <summary>Download in requests of this many bytes; null: one request.</summary>
        public long? ChunkSize { get; set; }

        /// <summary>Keep a gzip-encoded object's stored bytes (no decoding).</summary>
        public bool Raw { get; set; }

        public ChecksumType Checksum { get; set; } = ChecksumType.Crc32c;

        /// <summary>Download this generation; null: the live one (pinned once the first bytes arrive).</summary>
        public long? Generation { get; set; }

        /// <summary>Replace an existing file; false: an existing file is an error before any request.</summary>
        public bool Overwrite { get; set; }

        /// <summary>Most slices at once; above 1 a whole download larger than <see cref="SliceSize"/> is sliced.</summary>
        public int SliceConcurrency { get; set; } = 1;

        public long SliceSize { get; set; } = SlicedDownload.DefaultSliceSize;

        /// <summary>
        /// Keep a whole download's resume state (&lt;file&gt;.partial.json beside the .partial) so an interrupted download
        /// can be continued; false: an interrupted download leaves nothing behind and a rerun starts over.
        /// </summary>
        public bool KeepResumeState { get; set; } = true;

        public DownloadOptions Clone() => (DownloadOptions)MemberwiseClone();

        internal bool Whole => Start == null && End == null;
    }
}
