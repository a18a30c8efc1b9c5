using System;

namespace GcsMedia.Transfers
{
    /// <summary>The local file of a saved resumable upload changed (size or last write time) since the upload started.</summary>
    public sealed class SourceChangedException : InvalidOperationException
    {
        public SourceChangedException(string sourcePath, string objectUri)
            : base($"The source file '{sourcePath}' changed since the upload to {objectUri} started (size or last write time differ).")
        {
            SourcePath = sourcePath;
        }

        public string SourcePath { get; }
    }
}
