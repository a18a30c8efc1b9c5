using System;

namespace GcsMedia.Transfers
{
    /// <summary>
    /// An object's name cannot become a file below the destination folder: a '..' or '.' segment, an empty segment
    /// (an absolute path), a drive letter, a backslash, NUL or another character the file system rejects. Nothing
    /// was written for it.
    /// </summary>
    public sealed class UnsafeObjectNameException : Exception
    {
        public UnsafeObjectNameException(string objectUri, string reason)
            : base($"{objectUri} cannot be written below the destination folder: {reason}")
        {
            ObjectUri = objectUri;
        }

        public string ObjectUri { get; }
    }
}
