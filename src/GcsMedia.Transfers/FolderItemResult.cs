using System;

namespace GcsMedia.Transfers
{
    /// <summary>What happened to one file of a folder transfer: transferred, skipped as unchanged, or failed.</summary>
    public sealed class FolderItemResult
    {
        public FolderItemResult(string localPath, string objectUri, string relativePath)
        {
            LocalPath = localPath;
            ObjectUri = objectUri;
            RelativePath = relativePath;
        }

        /// <summary>The file on disk (the source of an upload, the destination of a download).</summary>
        public string LocalPath { get; }

        /// <summary>gs://bucket/name.</summary>
        public string ObjectUri { get; }

        /// <summary>The path below the folder and below the prefix, with '/'.</summary>
        public string RelativePath { get; }

        public UploadResult? Upload { get; internal set; }

        public FileDownloadResult? Download { get; internal set; }

        /// <summary>Left alone: its counterpart already had the same size and crc32c.</summary>
        public bool Skipped { get; internal set; }

        /// <summary>Why this file failed; the other files go on.</summary>
        public Exception? Error { get; internal set; }
    }
}
