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
    /// Send-GcsMedia -Resumable with -MaxBytesPerSecond: the same steps as <see cref="ResumableTransfer"/> (state saved
    /// after the session opens and before the first chunk, kept when interrupted, removed when done or hopeless), with
    /// the source file wrapped in a <see cref="ThrottledStream"/>. ResumableTransfer opens its file itself, so it cannot
    /// take the wrapper; without a cap Send-GcsMedia still uses ResumableTransfer. (If ResumableTransfer grows a
    /// stream-wrapping hook, this class can go.)
    /// </summary>
    internal static class ThrottledResumableTransfer
    {
        public static async Task<ObjectResource?> StartAsync(
            AsyncPipeline pipeline,
            HttpClient client,
            StorageUrls urls,
            UploadStateStore store,
            UploadState state,
            IDictionary<string, object?> metadata,
            long? ifGenerationMatch,
            TransferProgress progress,
            BandwidthLimiter limiter,
            CancellationToken token)
        {
            using (var file = new ThrottledStream(OpenSource(state), limiter))
            using (ResumableUpload upload = ResumableUpload.ForBucket(
                client, urls, state.Bucket, (int)state.ChunkSize, ifGenerationMatch, ResumableTransfer.ParseChecksum(state.Checksum)))
            {
                upload.Retrying = e => ResumableTransfer.Retrying(pipeline, e);
                await upload.InitiateAsync(file, metadata, state.ContentType ?? "application/octet-stream", state.Length, true, token).ConfigureAwait(false);
                state.SessionUri = upload.ResumableUrl!.AbsoluteUri;
                string statePath = store.Save(state);
                pipeline.WriteVerbose($"Resumable upload of {state.SourcePath} to {state.ObjectUri} started (at most {limiter.BytesPerSecond} bytes/s); state saved in {statePath}.");
                return await RunAsync(pipeline, store, state, upload, progress, token).ConfigureAwait(false);
            }
        }

        public static async Task<ObjectResource?> ResumeAsync(
            AsyncPipeline pipeline,
            HttpClient client,
            UploadStateStore store,
            UploadState state,
            TransferProgress progress,
            BandwidthLimiter limiter,
            CancellationToken token)
        {
            using (var file = new ThrottledStream(OpenSource(state), limiter))
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
                        ResumableTransfer.ParseChecksum(state.Checksum),
                        state.ContentType,
                        state.ObjectUri,
                        null,
                        null,
                        token).ConfigureAwait(false);
                }
                catch (InvalidResponseException ex) when (ex.StatusCode == 404 || ex.StatusCode == 410)
                {
                    store.Remove(state);
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
            AsyncPipeline pipeline, UploadStateStore store, UploadState state, ResumableUpload upload, TransferProgress progress, CancellationToken token)
        {
            upload.Retrying = e => ResumableTransfer.Retrying(pipeline, e);
            upload.Progress = new InlineProgress(bytes => progress.Report(bytes));
            try
            {
                ObjectResource? resource = await upload.UploadAsync(token).ConfigureAwait(false);
                store.Remove(state);
                pipeline.WriteVerbose($"Resumable upload of {state.ObjectUri} complete; state file removed.");
                return resource;
            }
            catch (Exception ex) when (!ResumableTransfer.IsResumable(ex, token))
            {
                store.Remove(state);
                throw;
            }
        }

        private static FileStream OpenSource(UploadState state)
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

            return new FileStream(state.SourcePath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        }

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
