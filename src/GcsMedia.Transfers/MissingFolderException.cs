using System.IO;

namespace GcsMedia.Transfers
{
    /// <summary>The folder a file would be written into does not exist (it is not created for a single file). Nothing was written.</summary>
    public sealed class MissingFolderException : DirectoryNotFoundException
    {
        public MissingFolderException(string path, string folder)
            : base($"'{path}': the folder '{folder}' does not exist.")
        {
            Path = path;
            Folder = folder;
        }

        /// <summary>The file that would have been written.</summary>
        public string Path { get; }

        /// <summary>The missing folder.</summary>
        public string Folder { get; }
    }
}
