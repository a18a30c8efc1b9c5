using System.Collections.Generic;

namespace GcsMedia.Transfers
{
    /// <summary>How a folder (or a list of files) moves: which files, how many at once, what to skip.</summary>
    public sealed class FolderOptions
    {
        /// <summary>Wildcards (* ? [abc]) a file must match to be transferred; empty: every file. See <see cref="FolderFilter"/>.</summary>
        public IList<string> Include { get; set; } = new List<string>();

        /// <summary>Wildcards of files left out; they win over <see cref="Include"/>.</summary>
        public IList<string> Exclude { get; set; } = new List<string>();

        /// <summary>Most files transferred at once.</summary>
        public int MaxConcurrentFiles { get; set; } = 4;

        /// <summary>
        /// Skip a file whose counterpart (the object for an upload, the local file for a download) already has the same
        /// size and crc32c, as rsync -c and gsutil rsync -c do; without it an existing counterpart is an error unless
        /// overwriting is allowed.
        /// </summary>
        public bool SkipUnchanged { get; set; }

        /// <summary>
        /// Files at least this large are uploaded resumably (with saved state, so a rerun continues them) when the upload
        /// mode is <see cref="UploadMode.Auto"/>; smaller ones in one request. gsutil's resumable threshold is the same.
        /// Downloads likewise keep resume state (a .partial.json per file) only for objects at least this large: for a
        /// small file, creating and deleting that state file costs about as much as the rest of its download.
        /// </summary>
        public long ResumableThreshold { get; set; } = 8L * 1024 * 1024;
    }
}
