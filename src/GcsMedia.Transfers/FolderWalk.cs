using System;
using System.Collections.Generic;
using System.IO;
using GcsMedia.Protocol;

namespace GcsMedia.Transfers
{
    /// <summary>
    /// The files below a folder, in a stable order, as upload items named prefix + relative path ('/'-separated).
    /// Links to files are uploaded as the file they point to; links to folders are not followed (they can loop or lead
    /// out of the tree) and are noted. Empty folders produce nothing (GCS has no folders). Unreadable folders are a
    /// warning and the walk goes on.
    /// </summary>
    internal static class FolderWalk
    {
        public static List<FileUploadItem> Plan(string folder, string bucket, string prefix, FolderFilter filter, ITransferObserver observer)
        {
            var root = new DirectoryInfo(folder);
            if (!root.Exists)
            {
                throw new DirectoryNotFoundException($"Cannot find the folder '{folder}'.");
            }

            var items = new List<FileUploadItem>();
            var pending = new Stack<(DirectoryInfo Folder, string Relative)>();
            pending.Push((root, string.Empty));
            while (pending.Count > 0)
            {
                (DirectoryInfo current, string relative) = pending.Pop();
                FileSystemInfo[] entries;
                try
                {
                    entries = current.GetFileSystemInfos();
                }
                catch (Exception ex) when (ex is UnauthorizedAccessException || ex is IOException)
                {
                    observer.Warning(new TransferWarning(TransferWarningKind.General, $"Cannot read the folder '{current.FullName}': {ex.Message} Its files are not uploaded.", current.FullName));
                    continue;
                }

                Array.Sort(entries, (a, b) => string.CompareOrdinal(a.Name, b.Name));
                var folders = new List<(DirectoryInfo, string)>();
                foreach (FileSystemInfo entry in entries)
                {
                    string path = relative.Length == 0 ? entry.Name : relative + "/" + entry.Name;
                    bool link = (entry.Attributes & FileAttributes.ReparsePoint) != 0;
                    if (entry is DirectoryInfo directory)
                    {
                        if (link)
                        {
                            observer.Note($"Not following the folder link '{entry.FullName}'.");
                        }
                        else
                        {
                            folders.Add((directory, path));
                        }

                        continue;
                    }

                    if (link && !File.Exists(entry.FullName))
                    {
                        observer.Note($"Skipping the broken link '{entry.FullName}'.");
                        continue;
                    }

                    if (filter.Accepts(path))
                    {
                        items.Add(new FileUploadItem(entry.FullName, new GcsObjectRef(bucket, prefix + path), path));
                    }
                }

                for (int i = folders.Count - 1; i >= 0; i--)
                {
                    pending.Push(folders[i]);
                }
            }

            return items;
        }
    }
}
