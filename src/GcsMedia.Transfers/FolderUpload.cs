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
    /// Many files up at once under the manager's one bandwidth limiter: a failed file is reported and the others go on;
    /// large files go resumably (a rerun continues them from their saved state); files whose object already has the
    /// same size and crc32c can be skipped, known from one listing instead of a request per file.
    /// </summary>
    internal static class FolderUpload
    {
        public static async Task<FolderSummary> RunAsync(
            TransferManager manager,
            IReadOnlyList<FileUploadItem> items,
            UploadOptions options,
            FolderOptions folder,
            ITransferObserver observer,
            Action<FolderItemResult> completed,
            CancellationToken token)
        {
            UploadPlan.CheckDistinctTargets(items);
            var lengths = items.Select(i => new FileInfo(i.SourcePath).Length).ToArray();
            string scope = items.Count == 0 ? string.Empty : CommonScope(items);
            Dictionary<string, ObjectResource> existing = folder.SkipUnchanged && items.Count > 0
                ? await ListAsync(manager, items[0].Target.Bucket, CommonPrefix(items), observer, token).ConfigureAwait(false)
                : new Dictionary<string, ObjectResource>(StringComparer.Ordinal);

            var summary = new FolderSummary { Files = items.Count };
            var progress = new FolderProgress(observer, manager.Activity("Upload", scope), scope, items.Count, lengths.Sum());
            await FolderRun.EachFileAsync(
                items.Count,
                folder.MaxConcurrentFiles,
                summary,
                progress,
                index => lengths[index],
                index => new FolderItemResult(items[index].SourcePath, items[index].Target.ToString(), items[index].RelativePath),
                async (index, result) =>
                {
                    FileUploadItem item = items[index];
                    if (await UnchangedAsync(item, lengths[index], existing, token).ConfigureAwait(false))
                    {
                        result.Skipped = true;
                        observer.Note($"Skipped {item.SourcePath}: {item.Target} has the same size and crc32c.");
                        return 0;
                    }

                    var itemObserver = new FolderItemObserver(observer, progress.ActivityId, bytes => progress.Report(index, bytes));
                    result.Upload = await manager.UploadFileAsync(item.SourcePath, item.Target, ForFile(options, folder, lengths[index]), itemObserver, token).ConfigureAwait(false);
                    return lengths[index];
                },
                completed,
                token).ConfigureAwait(false);

            observer.Note($"Upload of {scope}: {summary}");
            return summary;
        }

        /// <summary>Auto: large files resumable. Parallel: only files of more than one part (a small file goes in one request).</summary>
        private static UploadOptions ForFile(UploadOptions options, FolderOptions folder, long length)
        {
            UploadMode mode = options.Mode == UploadMode.Auto && length >= folder.ResumableThreshold ? UploadMode.Resumable
                : options.Mode == UploadMode.Parallel && length <= options.PartSize ? UploadMode.Auto
                : options.Mode;
            if (mode == options.Mode)
            {
                return options;
            }

            UploadOptions adjusted = options.Clone();
            adjusted.Mode = mode;
            return adjusted;
        }

        private static async Task<bool> UnchangedAsync(FileUploadItem item, long length, Dictionary<string, ObjectResource> existing, CancellationToken token)
        {
            if (!existing.TryGetValue(item.Target.Name, out ObjectResource? remote) || remote.Size != length || remote.Crc32c == null)
            {
                return false;
            }

            string? local = await FileHashing.HashAsync(item.SourcePath, ChecksumType.Crc32c, token).ConfigureAwait(false);
            return string.Equals(local, remote.Crc32c, StringComparison.Ordinal);
        }

        private static async Task<Dictionary<string, ObjectResource>> ListAsync(
            TransferManager manager, string bucket, string prefix, ITransferObserver observer, CancellationToken token)
        {
            var found = new Dictionary<string, ObjectResource>(StringComparer.Ordinal);
            await ForEachPageAsync(manager, bucket, prefix, observer, token, page =>
            {
                foreach (ObjectResource item in page.Items)
                {
                    if (item.Name != null)
                    {
                        found[item.Name] = item;
                    }
                }
            }).ConfigureAwait(false);
            return found;
        }

        /// <summary>Every page of a listing (no delimiter: everything below the prefix).</summary>
        internal static async Task ForEachPageAsync(
            TransferManager manager, string bucket, string prefix, ITransferObserver observer, CancellationToken token, Action<ObjectListingPage> onPage)
        {
            var listing = new ObjectListing(manager.Client, manager.Urls, bucket, new ObjectListingOptions { Prefix = prefix.Length == 0 ? null : prefix })
            {
                RetryStrategy = manager.NewRetryStrategy(),
                Retrying = e => observer.Retrying(e, "listing"),
            };
            while (!listing.Finished)
            {
                onPage(await listing.NextPageAsync(token).ConfigureAwait(false));
            }
        }

        /// <summary>The longest common prefix of the object names, cut back to a '/' (what one listing must cover).</summary>
        private static string CommonPrefix(IReadOnlyList<FileUploadItem> items)
        {
            string common = items[0].Target.Name;
            foreach (FileUploadItem item in items)
            {
                int n = 0;
                string name = item.Target.Name;
                while (n < common.Length && n < name.Length && common[n] == name[n])
                {
                    n++;
                }

                common = common.Substring(0, n);
            }

            int slash = common.LastIndexOf('/');
            return slash < 0 ? string.Empty : common.Substring(0, slash + 1);
        }

        private static string CommonScope(IReadOnlyList<FileUploadItem> items) => $"gs://{items[0].Target.Bucket}/{CommonPrefix(items)}";
    }
}
