using GcsMedia.Protocol;

namespace GcsMedia.Transfers
{
    /// <summary>One file of a planned multi-file upload and the object it becomes.</summary>
    public sealed class FileUploadItem
    {
        public FileUploadItem(string sourcePath, GcsObjectRef target, string relativePath)
        {
            SourcePath = sourcePath;
            Target = target;
            RelativePath = relativePath;
        }

        public string SourcePath { get; }

        public GcsObjectRef Target { get; }

        /// <summary>The path below the folder that was walked ('/'-separated), or the file name.</summary>
        public string RelativePath { get; }
    }
}
