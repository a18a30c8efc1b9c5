using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using GcsMedia.Protocol;

namespace GcsMedia.Transfers
{
    /// <summary>
    /// Resumable uploads of files with saved state: a new upload (Send -Resumable), the rerun of one, and
    /// Resume-GcsUpload. The state is saved after the session opens and before the first chunk, kept when the
    /// upload is interrupted (cancellation, network), and removed when it completes or can never complete.
    /// </summary>
    internal static class ResumableTransfer
    {
        /// <summary>Starts a new session for the file, saves its state, and uploads.</summary>
        public static async Task<ObjectResource?> StartAsync(
            TransferManager manager,
            UploadState state,
            IDictionary<string, object?> metadata,
            long? ifGenerationMatch,
            ProgressTracker progress,
            ITransferObserver observer,
            CancellationToken token)
        {
            using (Stream file = OpenSource(state, manager.Limiter))
            using (ResumableUpload upload = ResumableUpload.ForBucket(
                manager.Client, manager.Urls, state.Bucket, (int)state.ChunkSize, ifGenerationMatch, ParseChecksum(state.Checksum), retryStrategy: manager.NewRetryStrategy()))
            {
                upload.Retrying = e => observer.Retrying(e, null);
                await upload.InitiateAsync(file, metadata, state.ContentType ?? ContentTypes.Default, state.Length, true, token).ConfigureAwait(false);
                state.SessionUri = upload.ResumableUrl!.AbsoluteUri;
                string statePath = manager.StateStore.Save(state);
                observer.Note($"Resumable upload of {state.SourcePath} to {state.ObjectUri} started; state saved in {statePath}.");
                return await RunAsync(manager.StateStore, state, upload, progress, observer, token).ConfigureAwait(false);
            }
        }

        /// <summary>Continues the session in <paramref name="state"/> from the server's offset; <paramref name="store"/> null: the state is not saved anywhere.</summary>
        public static async Task<ObjectResource?> ResumeAsync(
            TransferManager manager,
            IUploadStateStore? store,
            UploadState state,
            ProgressTracker progress,
            ITransferObserver observer,
            CancellationToken token)
        {
            using (Stream file = OpenSource(state, manager.Limiter))
            {
                ResumableUpload upload;
                try
                {
                    upload = await ResumableUpload.ResumeAsync(
                        manager.Client,
                        new Uri(state.SessionUri),
                        file,
                        state.Length,
                        (int)state.ChunkSize,
                        ParseChecksum(state.Checksum),
                        state.ContentType,
                        state.ObjectUri,
                        null,
                        manager.NewRetryStrategy(),
                        token,
                        e => observer.Retrying(e, null)).ConfigureAwait(false);
                }
                catch (InvalidResponseException ex) when (ex.StatusCode == 404 || ex.StatusCode == 410)
                {
                    // The session expired or was cancelled: it can never complete. Forget it. The server's answer is not
                    // kept as the inner exception: it may quote the session id, a bearer capability.
                    store?.Remove(state);
                    throw new UploadSessionExpiredException(state.ObjectUri, ex.StatusCode);
                }

                using (upload)
                {
                    observer.Note($"Resuming the upload of {state.SourcePath} to {state.ObjectUri} at byte {upload.BytesUploaded} of {state.Length}.");
                    progress.SetStartOffset(upload.BytesUploaded);
                    return await RunAsync(store, state, upload, progress, observer, token).ConfigureAwait(false);
                }
            }
        }

        private static async Task<ObjectResource?> RunAsync(
            IUploadStateStore? store, UploadState state, ResumableUpload upload, ProgressTracker progress, ITransferObserver observer, CancellationToken token)
        {
            upload.Retrying = e => observer.Retrying(e, null);
            upload.Progress = new InlineProgress(bytes => progress.Report(bytes));
            try
            {
                ObjectResource? resource = await upload.UploadAsync(token).ConfigureAwait(false);
                store?.Remove(state);
                observer.Note($"Resumable upload of {state.ObjectUri} complete; state file removed.");
                return resource;
            }
            catch (Exception ex) when (!IsResumable(ex, token))
            {
                // A checksum mismatch, a 4xx: this session cannot be finished. Forget it.
                store?.Remove(state);
                throw;
            }
        }

        /// <summary>True when a later run can continue the transfer that failed with <paramref name="ex"/>.</summary>
        public static bool IsResumable(Exception ex, CancellationToken token)
            => token.IsCancellationRequested
               || ex is OperationCanceledException
               || (!(ex is DataCorruptionException) && RetryStrategy.IsTransient(ex, token));

        public static ChecksumType ParseChecksum(string value)
            => Enum.TryParse(value, ignoreCase: true, out ChecksumType type) ? type : ChecksumType.Crc32c;

        /// <summary>Opens the source, checking it is the file the state describes; throttled when a limiter is given.</summary>
        private static Stream OpenSource(UploadState state, BandwidthLimiter? limiter)
        {
            var info = new FileInfo(state.SourcePath);
            if (!info.Exists)
            {
                throw new FileNotFoundException($"The source file '{state.SourcePath}' of the upload to {state.ObjectUri} no longer exists.", state.SourcePath);
            }

            if (info.Length != state.Length || info.LastWriteTimeUtc.Ticks != state.LastWriteTimeUtcTicks)
            {
                throw new SourceChangedException(state.SourcePath, state.ObjectUri);
            }

            var file = new FileStream(state.SourcePath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
            return TransferManager.Throttle(file, limiter);
        }
    }
}
