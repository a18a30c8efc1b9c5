namespace GcsMedia.Transfers
{
    /// <summary>The totals of a folder transfer.</summary>
    public sealed class FolderSummary
    {
        public int Files { get; internal set; }

        public int Transferred { get; internal set; }

        public int Skipped { get; internal set; }

        public int Failed { get; internal set; }

        /// <summary>Bytes of the files transferred (skipped files not counted).</summary>
        public long Bytes { get; internal set; }

        public override string ToString()
            => $"{Files} file(s): {Transferred} transferred ({Bytes} bytes), {Skipped} skipped as unchanged, {Failed} failed.";
    }
}
