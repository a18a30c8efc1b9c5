using System;
using System.Collections.Generic;
using System.IO;
using GcsMedia.Protocol;

namespace GcsMedia.Transfers
{
    /// <summary>
    /// The files of one multi-file upload, in order, each with the object it becomes. A second, different file for
    /// an object already planned is refused (<see cref="DuplicateTargetException"/>) while planning, so nothing has
    /// been sent yet; the same file planned twice is kept once.
    /// </summary>
    public sealed class UploadPlan
    {
        private readonly List<FileUploadItem> _items = new List<FileUploadItem>();
        private readonly Dictionary<GcsObjectRef, string> _sourceByTarget = new Dictionary<GcsObjectRef, string>();

        public IReadOnlyList<FileUploadItem> Items => _items;

        public void Add(FileUploadItem item)
        {
            if (_sourceByTarget.TryGetValue(item.Target, out string? earlier))
            {
                if (string.Equals(earlier, item.SourcePath, StringComparison.Ordinal))
                {
                    return;
                }

                throw new DuplicateTargetException(earlier, item.SourcePath, item.Target.ToString());
            }

            _sourceByTarget[item.Target] = item.SourcePath;
            _items.Add(item);
        }

        /// <summary>
        /// Plans one file (not a folder) for <paramref name="destination"/>: the object is the destination's name, or,
        /// when the destination is a prefix, the prefix followed by the file's name.
        /// </summary>
        public void AddFile(string path, UploadDestination destination)
        {
            string source = new FileInfo(path).FullName;
            string name = Path.GetFileName(source);
            Add(new FileUploadItem(source, destination.TargetFor(name), name));
        }

        /// <summary>Checks a list planned elsewhere.</summary>
        public static void CheckDistinctTargets(IEnumerable<FileUploadItem> items)
        {
            var plan = new UploadPlan();
            foreach (FileUploadItem item in items)
            {
                plan.Add(item);
            }
        }
    }
}
