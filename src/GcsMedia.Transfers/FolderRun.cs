using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace GcsMedia.Transfers
{
    /// <summary>The part folder uploads and downloads share: many files at once, one file's failure not stopping the others.</summary>
    internal static class FolderRun
    {
        /// <summary>
        /// Transfers files 0..count-1, at most <paramref name="limit"/> at once. A failure is recorded on that file's
        /// result; each result is counted in <paramref name="summary"/>, its progress finished, then reported to
        /// <paramref name="completed"/>. <paramref name="transfer"/> returns the bytes it moved, or marks the result skipped.
        /// </summary>
        public static async Task EachFileAsync(
            int count,
            int limit,
            FolderSummary summary,
            FolderProgress progress,
            Func<int, long> sizeOf,
            Func<int, FolderItemResult> describe,
            Func<int, FolderItemResult, Task<long>> transfer,
            Action<FolderItemResult> completed,
            CancellationToken token)
        {
            var gate = new object();
            try
            {
                await ForEachAsync(count, limit, token, async index =>
                {
                    FolderItemResult result = describe(index);
                    long moved = 0;
                    try
                    {
                        moved = await transfer(index, result).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (!token.IsCancellationRequested)
                    {
                        result.Error = ex;
                    }

                    lock (gate)
                    {
                        if (result.Error != null)
                        {
                            summary.Failed++;
                        }
                        else if (result.Skipped)
                        {
                            summary.Skipped++;
                        }
                        else
                        {
                            summary.Transferred++;
                            summary.Bytes += moved;
                        }
                    }

                    progress.Finish(index, sizeOf(index));
                    completed(result);
                }).ConfigureAwait(false);
            }
            finally
            {
                progress.Complete();
            }
        }

        /// <summary>Runs <paramref name="work"/> for 0..count-1, at most <paramref name="limit"/> at once; stops starting new ones when cancelled.</summary>
        private static async Task ForEachAsync(int count, int limit, CancellationToken token, Func<int, Task> work)
        {
            using (var throttle = new SemaphoreSlim(Math.Max(1, limit)))
            {
                var running = new List<Task>(count);
                for (int i = 0; i < count; i++)
                {
                    await throttle.WaitAsync(token).ConfigureAwait(false);
                    int index = i;
                    running.Add(Task.Run(async () =>
                    {
                        try
                        {
                            await work(index).ConfigureAwait(false);
                        }
                        finally
                        {
                            throttle.Release();
                        }
                    }));
                }

                await Task.WhenAll(running).ConfigureAwait(false);
            }
        }
    }
}
