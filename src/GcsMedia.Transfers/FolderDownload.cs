using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using GcsMedia.Protocol;

namespace GcsMedia.Transfers
{
    /// <summary>
    /// Every object below a prefix into a folder, keeping the tree (the prefix stripped), several objects at once,
    /// each through its own .partial and verified. An object whose name cannot become a file below the destination,
    /// or whose path collides with another's on a case-insensitive file system, is a per-object error and nothing is
    /// written for it; names ending in '/' become folders.
    /// </summary>
    internal static class FolderDownload
    {
        public static async Task<FolderSummary> RunAsync(
            TransferManager manager,
            string bucket,
            string prefix,
            string destination,
            DownloadOptions options,
            FolderOptions folder,
            ITransferObserver observer,
            Action<FolderItemResult> completed,
            CancellationToken token)
        {
            string root = Path.GetFullPath(destination);
            string scope = $"gs://{bucket}/{prefix}";
            var objects = new List<ObjectResource>();
            await FolderUpload.ForEachPageAsync(manager, bucket, prefix, observer, token, page => objects.AddRange(page.Items.Where(o => o.Name != null))).ConfigureAwait(false);
            observer.Note($"Found {objects.Count} object(s) below {scope}.");

            var filter = new FolderFilter(folder.Include, folder.Exclude);
            var files = new List<(ObjectResource Object, string Relative, string Local)>();
            var folders = new List<string>();
            var summary = new FolderSummary();
            Directory.CreateDirectory(root);
            foreach (ObjectResource item in objects.OrderBy(o => o.Name, StringComparer.Ordinal))
            {
                string relative = item.Name!.Substring(prefix.Length);
                string uri = $"gs://{bucket}/{item.Name}";
                if (relative.Length == 0)
                {
                    continue;
                }

                bool isFolder = relative.EndsWith("/", StringComparison.Ordinal);
                string? reason = LocalPaths.Check(isFolder ? relative.Substring(0, relative.Length - 1) : relative);
                string? local = reason == null ? LocalPaths.Below(root, isFolder ? relative.Substring(0, relative.Length - 1) : relative) : null;
                if (local == null)
                {
                    summary.Files++;
                    summary.Failed++;
                    completed(new FolderItemResult(root, uri, relative) { Error = new UnsafeObjectNameException(uri, reason ?? "it resolves outside the folder.") });
                    continue;
                }

                if (isFolder)
                {
                    folders.Add(local);
                }
                else if (filter.Accepts(relative))
                {
                    files.Add((item, relative, local));
                }
            }

            // Two names one case-insensitive file system cannot tell apart (or a file where a folder must go) would
            // overwrite each other: every one of them is an error, none is downloaded.
            var folderPaths = new HashSet<string>(folders.Concat(files.SelectMany(f => Ancestors(root, f.Local))), StringComparer.OrdinalIgnoreCase);
            var clashing = new HashSet<string>(
                files.GroupBy(f => f.Local, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).SelectMany(g => g.Select(f => f.Local))
                    .Concat(files.Where(f => folderPaths.Contains(f.Local)).Select(f => f.Local)),
                StringComparer.Ordinal);
            var filePaths = new HashSet<string>(files.Select(f => f.Local), StringComparer.OrdinalIgnoreCase);
            foreach (string path in folders.Where(f => !filePaths.Contains(f)))
            {
                Directory.CreateDirectory(path);
            }

            var work = new List<(ObjectResource Object, string Relative, string Local)>();
            foreach (var file in files)
            {
                if (clashing.Contains(file.Local))
                {
                    summary.Files++;
                    summary.Failed++;
                    string uri = $"gs://{bucket}/{file.Object.Name}";
                    completed(new FolderItemResult(file.Local, uri, file.Relative)
                    {
                        Error = new DuplicateTargetException(uri, string.Join(", ", files.Where(f => string.Equals(f.Local, file.Local, StringComparison.OrdinalIgnoreCase) && f.Object != file.Object).Select(f => $"gs://{bucket}/{f.Object.Name}").DefaultIfEmpty("a folder")), file.Local),
                    });
                }
                else
                {
                    work.Add(file);
                }
            }

            summary.Files += work.Count;
            var progress = new FolderProgress(observer, manager.Activity("Download", scope), root, work.Count, work.Sum(w => w.Object.Size ?? 0));
            await FolderRun.EachFileAsync(
                work.Count,
                folder.MaxConcurrentFiles,
                summary,
                progress,
                index => work[index].Object.Size ?? 0,
                index => new FolderItemResult(work[index].Local, $"gs://{bucket}/{work[index].Object.Name}", work[index].Relative),
                async (index, result) =>
                {
                    var (item, _, local) = work[index];
                    var target = new GcsObjectRef(bucket, item.Name!);
                    Directory.CreateDirectory(Path.GetDirectoryName(local)!);
                    if (folder.SkipUnchanged && await UnchangedAsync(local, item, token).ConfigureAwait(false))
                    {
                        result.Skipped = true;
                        observer.Note($"Skipped {target}: {local} has the same size and crc32c.");
                        return 0;
                    }

                    DownloadOptions fileOptions = options.Clone();
                    fileOptions.Generation = item.Generation;
                    fileOptions.KeepResumeState = (item.Size ?? long.MaxValue) >= folder.ResumableThreshold;
                    if ((item.Size ?? 0) <= options.SliceSize)
                    {
                        fileOptions.SliceConcurrency = 1;   // the listing gave the size: no metadata request to decide
                    }

                    var itemObserver = new FolderItemObserver(observer, progress.ActivityId, bytes => progress.Report(index, bytes));
                    result.Download = await FileDownloader.RunAsync(manager, target, local, fileOptions, itemObserver, token).ConfigureAwait(false);
                    return result.Download.BytesWritten;
                },
                completed,
                token).ConfigureAwait(false);

            observer.Note($"Download of {scope}: {summary}");
            return summary;
        }

        private static IEnumerable<string> Ancestors(string root, string local)
        {
            string? parent = Path.GetDirectoryName(local);
            while (parent != null && parent.Length > root.Length)
            {
                yield return parent;
                parent = Path.GetDirectoryName(parent);
            }
        }

        private static async Task<bool> UnchangedAsync(string local, ObjectResource item, CancellationToken token)
        {
            var info = new FileInfo(local);
            if (!info.Exists || item.Size != info.Length || item.Crc32c == null)
            {
                return false;
            }

            string? actual = await FileHashing.HashAsync(local, ChecksumType.Crc32c, token).ConfigureAwait(false);
            return string.Equals(actual, item.Crc32c, StringComparison.Ordinal);
        }
    }
}
