using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;
using GcsMedia.Protocol;

namespace GcsMedia.Transfers
{
    /// <summary>
    /// Uploads planned parts of one file to an initiated XML multipart upload, in parallel: the parts of a
    /// parallel upload, and planned parts uploaded on their own (Add-GcsMpuPart). Each part is its own <see cref="XmlMpuPart"/> (crc32c in
    /// x-goog-hash, checked against the server's, retried on transient failures). At most
    /// <c>throttleLimit</c> parts run at once; an optional <see cref="BandwidthLimiter"/> is shared by all of them.
    /// Progress: a parent record for the file and a child record per part in flight, Completed always sent.
    /// All or nothing: the first real failure cancels the other parts and is rethrown (a stop is rethrown as
    /// cancellation); on success the parts are returned in part order.
    /// </summary>
    internal static class MpuPartUploader
    {
        public static async Task<UploadedPart[]> UploadAsync(
            ITransferObserver observer,
            XmlMpuContainer container,
            GcsObjectRef target,
            string file,
            IReadOnlyList<XmlMpuPlannedPart> plan,
            int throttleLimit,
            BandwidthLimiter? limiter,
            string activity,
            CancellationToken token)
        {
            long totalBytes = plan.Sum(p => p.Length);
            var parent = new ProgressTracker(observer, activity, $"{file}: {plan.Count} part(s)", totalBytes);
            long sent = 0;
            var results = new UploadedPart[plan.Count];
            Exception? firstError = null;
            using (var failFast = CancellationTokenSource.CreateLinkedTokenSource(token))
            using (var throttle = new SemaphoreSlim(Math.Max(1, throttleLimit)))
            {
                async Task RunPart(int index)
                {
                    XmlMpuPlannedPart planned = plan[index];
                    await throttle.WaitAsync(failFast.Token).ConfigureAwait(false);
                    try
                    {
                        results[index] = await UploadOneAsync(
                            observer, container, target, file, planned, plan.Count, parent,
                            delta => parent.Report(Interlocked.Add(ref sent, delta)), limiter, failFast.Token).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (!(ex is OperationCanceledException && failFast.IsCancellationRequested))
                    {
                        // The first real failure stops the other parts: a file's parts are output all or none.
                        Interlocked.CompareExchange(ref firstError, ex, null);
                        try
                        {
                            failFast.Cancel();
                        }
                        catch (ObjectDisposedException)
                        {
                        }

                        throw;
                    }
                    finally
                    {
                        throttle.Release();
                    }
                }

                var tasks = new List<Task>(plan.Count);
                for (int i = 0; i < plan.Count; i++)
                {
                    int index = i;
                    tasks.Add(Task.Run(() => RunPart(index)));
                }

                try
                {
                    await Task.WhenAll(tasks).ConfigureAwait(false);
                }
                catch
                {
                    // Reported below: the user's stop first, then the first part failure.
                }
                finally
                {
                    parent.Complete();
                }
            }

            token.ThrowIfCancellationRequested();
            if (firstError != null)
            {
                ExceptionDispatchInfo.Capture(firstError).Throw();
            }

            return results;
        }

        private static async Task<UploadedPart> UploadOneAsync(
            ITransferObserver observer, XmlMpuContainer container, GcsObjectRef target, string file,
            XmlMpuPlannedPart planned, int count, ProgressTracker parent, Action<long> addToParent, BandwidthLimiter? limiter, CancellationToken token)
        {
            var child = new ProgressTracker(
                observer, $"Part {planned.Number} of {count}", $"bytes {planned.Offset}-{Math.Max(planned.Offset, planned.End - 1)} of {file}",
                planned.Length, parent.ActivityId);
            long reported = 0;
            void OnProgress(long bytes)
            {
                long delta = bytes - Interlocked.Exchange(ref reported, bytes);
                addToParent(delta);
                child.Report(bytes);
            }

            try
            {
                child.Report(0);
                using (var source = new PartSourceStream(file, planned.Offset, planned.Length, OnProgress, limiter))
                {
                    XmlMpuPart part = container.CreatePart(source, planned.Offset, planned.End, planned.Number);
                    part.Retrying = e => observer.Retrying(e, $"part {planned.Number}");
                    string etag = await part.UploadAsync(token).ConfigureAwait(false);
                    OnProgress(planned.Length);
                    observer.Note($"Part {planned.Number} of {target} uploaded: bytes {planned.Offset}-{planned.End - 1}, crc32c {part.ChecksumValue}, ETag {etag}.");
                    return new UploadedPart(planned.Number, etag, planned.Offset, planned.Length, part.ChecksumValue);
                }
            }
            finally
            {
                child.Complete();
            }
        }
    }
}
