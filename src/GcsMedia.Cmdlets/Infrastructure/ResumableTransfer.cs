using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using GcsMedia.Protocol;

namespace GcsMedia.Cmdlets
{
    /// <summary>
    /// Resumable uploads of files with a persisted state file: shared by Send-GcsMedia -Resumable and
    /// Resume-GcsUpload. The state is written after the session opens and before the first chunk, kept when the
    /// upload is interrupted (Ctrl+C, network), and removed when it completes or can never complete.
    /// </summary>
    internal static class ResumableTransfer
    {
        /// <summary>Starts a new session for the file, saves its state, and uploads.</summary>
        public static async Task<ObjectResource?> StartAsync(
            AsyncPipeline pipeline,
            HttpClient client,
            StorageUrls urls,
            UploadStateStore store,
            UploadState state,
            IDictionary<string, object?> metadata,
            long? ifGenerationMatch,
            TransferProgress progress,
            CancellationToken token,
            BandwidthLimiter? limiter = null)
        {
            using (Stream file = OpenSource(state, limiter))
            using (ResumableUpload upload = ResumableUpload.ForBucket(
                client, urls, state.Bucket, (int)state.ChunkSize, ifGenerationMatch, ParseChecksum(state.Checksum)))
            {
                upload.Retrying = e => Retrying(pipeline, e);
                upload.RetryStrategy = GcsCmdlet.RetryStrategyFor(pipeline);
                await upload.InitiateAsync(file, metadata, state.ContentType ?? "application/octet-stream", state.Length, true, token).ConfigureAwait(false);
                state.SessionUri = upload.ResumableUrl!.AbsoluteUri;
                string statePath = store.Save(state);
                pipeline.WriteVerbose($"Resumable upload of {state.SourcePath} to {state.ObjectUri} started; state saved in {statePath}.");
                return await RunAsync(pipeline, store, state, upload, progress, token).ConfigureAwait(false);
            }
        }

        /// <summary>Continues the session in <paramref name="state"/> from the server's offset.</summary>
        public static async Task<ObjectResource?> ResumeAsync(
            AsyncPipeline pipeline,
            HttpClient client,
            UploadStateStore? store,
            UploadState state,
            TransferProgress progress,
            CancellationToken token,
            BandwidthLimiter? limiter = null)
        {
            using (Stream file = OpenSource(state, limiter))
            {
                ResumableUpload upload;
                try
                {
                    upload = await ResumableUpload.ResumeAsync(
                        client,
                        new Uri(state.SessionUri),
                        file,
                        state.Length,
                        (int)state.ChunkSize,
                        ParseChecksum(state.Checksum),
                        state.ContentType,
                        state.ObjectUri,
                        null,
                        GcsCmdlet.RetryStrategyFor(pipeline),
                        token,
                        e => Retrying(pipeline, e)).ConfigureAwait(false);
                }
                catch (InvalidResponseException ex) when (ex.StatusCode == 404 || ex.StatusCode == 410)
                {
                    // The session expired or was cancelled: it can never complete. Forget it.
                    if (store != null)
                    {
                        store.Remove(state);
                    }

                    throw new InvalidResponseException(
                        $"The resumable session for {state.ObjectUri} no longer exists (it expires after a week, or was cancelled). " +
                        "Its state file was removed; upload the file again with Send-GcsMedia -Resumable.",
                        ex.StatusCode,
                        objectName: state.ObjectUri);
                }

                using (upload)
                {
                    pipeline.WriteVerbose($"Resuming the upload of {state.SourcePath} to {state.ObjectUri} at byte {upload.BytesUploaded} of {state.Length}.");
                    progress.SetStartOffset(upload.BytesUploaded);
                    return await RunAsync(pipeline, store, state, upload, progress, token).ConfigureAwait(false);
                }
            }
        }

        private static async Task<ObjectResource?> RunAsync(
            AsyncPipeline pipeline, UploadStateStore? store, UploadState state, ResumableUpload upload, TransferProgress progress, CancellationToken token)
        {
            upload.Retrying = e => Retrying(pipeline, e);
            upload.Progress = new InlineProgress(bytes => progress.Report(bytes));
            try
            {
                ObjectResource? resource = await upload.UploadAsync(token).ConfigureAwait(false);
                store?.Remove(state);
                pipeline.WriteVerbose($"Resumable upload of {state.ObjectUri} complete; state file removed.");
                return resource;
            }
            catch (Exception ex) when (!IsResumable(ex, token))
            {
                // A checksum mismatch, a 4xx: this session cannot be finished. Forget it.
                store?.Remove(state);
                throw;
            }
        }

        public static bool IsResumable(Exception ex, CancellationToken token)
            => token.IsCancellationRequested
               || ex is OperationCanceledException
               || (!(ex is DataCorruptionException) && RetryStrategy.IsTransient(ex, token));

        public static ChecksumType ParseChecksum(string value)
            => Enum.TryParse(value, ignoreCase: true, out ChecksumType type) ? type : ChecksumType.Crc32c;

        public static void Retrying(AsyncPipeline pipeline, RetryEvent e) => RetryReporter.For(pipeline).Report(pipeline, e);

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
                throw new InvalidOperationException(
                    $"The source file '{state.SourcePath}' changed since the upload to {state.ObjectUri} started (size or last write time differ). " +
                    "Upload it again with Send-GcsMedia -Resumable -Force.");
            }

            var file = new FileStream(state.SourcePath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
            return limiter == null ? file : new ThrottledStream(file, limiter);
        }

        /// <summary>IProgress that calls back synchronously (Progress&lt;T&gt; would post to a sync context).</summary>
        private sealed class InlineProgress : IProgress<long>
        {
            private readonly Action<long> _report;

            public InlineProgress(Action<long> report)
            {
                _report = report;
            }

            public void Report(long value) => _report(value);
        }
    }
}
