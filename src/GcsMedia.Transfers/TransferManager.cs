using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using GcsMedia.Protocol;

namespace GcsMedia.Transfers
{
    /// <summary>
    /// The entry point of the transfer layer: files, buffers and streams up; objects down into files; resumable
    /// uploads continued from saved state; planned parts of a multipart upload. Everything one manager runs shares
    /// one bandwidth limiter, one state store and one source of retry strategies. Reports through an
    /// <see cref="ITransferObserver"/>; fails with typed exceptions (<see cref="ObjectExistsException"/>,
    /// <see cref="DataCorruptionException"/>, <see cref="InvalidResponseException"/>, …). Cancelling a transfer
    /// returns once its own cleanup (an abort of a multipart upload, kept resume state) is done.
    /// </summary>
    public sealed class TransferManager
    {
        private readonly Func<RetryStrategy>? _retryStrategyFactory;
        private readonly string? _progressLabel;

        public TransferManager(HttpClient client, StorageUrls urls, TransferManagerOptions? options = null)
        {
            Client = client ?? throw new ArgumentNullException(nameof(client));
            Urls = urls ?? throw new ArgumentNullException(nameof(urls));
            options = options ?? new TransferManagerOptions();
            TransferLimits.CheckMaxBytesPerSecond(options.MaxBytesPerSecond);
            Limiter = options.MaxBytesPerSecond.HasValue ? new BandwidthLimiter(options.MaxBytesPerSecond.Value) : null;
            StateStore = options.StateStore ?? new FileUploadStateStore();
            _retryStrategyFactory = options.RetryStrategyFactory;
            _progressLabel = options.ProgressLabel;
        }

        private TransferManager(TransferManager shared, HttpClient client, StorageUrls urls)
        {
            Client = client;
            Urls = urls;
            Limiter = shared.Limiter;
            StateStore = shared.StateStore;
            _retryStrategyFactory = shared._retryStrategyFactory;
            _progressLabel = shared._progressLabel;
        }

        public HttpClient Client { get; }

        public StorageUrls Urls { get; }

        /// <summary>The endpoint, as saved in resume state (a state is only continued against the same endpoint).</summary>
        public string EndpointKey => Urls.Root;

        /// <summary>The bandwidth cap shared by everything this manager runs; null: none.</summary>
        public BandwidthLimiter? Limiter { get; }

        public IUploadStateStore StateStore { get; }

        /// <summary>A manager for another endpoint that shares this one's limiter, state store and retry settings.</summary>
        public TransferManager ForEndpoint(HttpClient client, StorageUrls urls) => new TransferManager(this, client, urls);

        /// <summary>A fresh retry strategy for one request sequence: the one place the layer's retries come from.</summary>
        public RetryStrategy NewRetryStrategy() => _retryStrategyFactory?.Invoke() ?? new RetryStrategy();

        /// <summary>
        /// Uploads a file. <see cref="UploadMode.Auto"/>: multipart when there is metadata, else simple. A resumable
        /// upload saves its state before the first chunk and continues a saved upload of the same file and target.
        /// </summary>
        public Task<UploadResult> UploadFileAsync(string path, GcsObjectRef target, UploadOptions options, ITransferObserver observer, CancellationToken cancellationToken = default)
        {
            var file = new FileInfo(path);
            if (!file.Exists)
            {
                throw new FileNotFoundException($"Cannot find the file '{path}'.", path);
            }

            CheckUploadOptions(options);
            string contentType = options.ContentType ?? ContentTypes.FromFileName(file.Name);
            switch (options.Mode)
            {
                case UploadMode.Parallel:
                    ParallelUpload.Plan(file, options.PartSize);
                    return ParallelUpload.RunAsync(this, target, file, contentType, options, observer, cancellationToken);
                case UploadMode.Resumable:
                    return RefuseOverwriteAsync(UploadFileResumableAsync(target, file, contentType, options, observer, cancellationToken), target, options);
                default:
                    return RefuseOverwriteAsync(
                        SingleUpload.RunAsync(
                            this, target, () => new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true),
                            file.Length, contentType, file.FullName, options, observer, cancellationToken),
                        target,
                        options);
            }
        }

        /// <summary>Uploads bytes held in memory (simple, multipart or resumable; never parallel).</summary>
        public Task<UploadResult> UploadBytesAsync(byte[] data, GcsObjectRef target, UploadOptions options, ITransferObserver observer, CancellationToken cancellationToken = default)
            => UploadBytesAsync(data, target, options, observer, cancellationToken, options.ContentType ?? ContentTypes.Default);

        private Task<UploadResult> UploadBytesAsync(
            byte[] data, GcsObjectRef target, UploadOptions options, ITransferObserver observer, CancellationToken cancellationToken, string contentType)
        {
            if (data == null)
            {
                throw new ArgumentNullException(nameof(data));
            }

            CheckUploadOptions(options);
            if (options.Mode == UploadMode.Parallel)
            {
                throw new ArgumentException("A parallel upload needs a file.", nameof(options));
            }

            return RefuseOverwriteAsync(
                SingleUpload.RunAsync(
                    this, target, () => new MemoryStream(data, writable: false), data.Length, contentType, null, options, observer, cancellationToken),
                target,
                options);
        }

        /// <summary>Uploads text as UTF-8 (without a byte order mark); its content type defaults to text/plain; charset=utf-8.</summary>
        public Task<UploadResult> UploadTextAsync(string text, GcsObjectRef target, UploadOptions options, ITransferObserver observer, CancellationToken cancellationToken = default)
        {
            if (text == null)
            {
                throw new ArgumentNullException(nameof(text));
            }

            byte[] data = new UTF8Encoding(false).GetBytes(text);
            return UploadBytesAsync(data, target, options, observer, cancellationToken, options.ContentType ?? ContentTypes.Utf8Text);
        }

        /// <summary>Uploads a stream of unknown length to its end (resumable, memory bounded by the chunk size). The stream is not closed.</summary>
        public Task<UploadResult> UploadStreamAsync(Stream source, GcsObjectRef target, UploadOptions options, ITransferObserver observer, CancellationToken cancellationToken = default)
        {
            if (source == null || !source.CanRead)
            {
                throw new ArgumentException("The stream cannot be read.", nameof(source));
            }

            CheckUploadOptions(options);
            return RefuseOverwriteAsync(
                SingleUpload.RunStreamAsync(this, target, source, options.ContentType ?? ContentTypes.Default, options, observer, cancellationToken), target, options);
        }

        /// <summary>
        /// Continues a resumable upload from its state (a saved state, or one built from a session URI). With
        /// <paramref name="saved"/> the state is forgotten in <see cref="StateStore"/> once the upload completes or
        /// can never complete.
        /// </summary>
        public async Task<UploadResult> ResumeUploadAsync(UploadState state, bool saved, ITransferObserver observer, CancellationToken cancellationToken = default)
        {
            TransferLimits.CheckUploadChunkSize(state.ChunkSize);
            var target = new GcsObjectRef(state.Bucket, state.ObjectName);
            var progress = new ProgressTracker(observer, Activity("Resume", target), state.SourcePath, state.Length);
            try
            {
                ObjectResource? resource = await ResumableTransfer.ResumeAsync(this, saved ? StateStore : null, state, progress, observer, cancellationToken).ConfigureAwait(false);
                return SingleUpload.Finish(resource, target, state.SourcePath, UploadTypes.Resumable, observer);
            }
            finally
            {
                progress.Complete();
            }
        }

        /// <summary>
        /// Downloads an object into a file through &lt;file&gt;.partial (renamed when complete and verified). A whole
        /// download continues the .partial of an interrupted earlier run of the same object generation.
        /// </summary>
        public Task<FileDownloadResult> DownloadFileAsync(GcsObjectRef source, string path, DownloadOptions options, ITransferObserver observer, CancellationToken cancellationToken = default)
        {
            TransferLimits.CheckSliceSize(options.SliceSize);
            return FileDownloader.RunAsync(this, source, path, options, observer, cancellationToken);
        }

        /// <summary>
        /// Uploads planned parts of a file to an initiated XML multipart upload, at most <paramref name="concurrency"/>
        /// at once. All or nothing: the first failure cancels the other parts and is thrown; on success the parts come
        /// back in part order (the upload is neither completed nor aborted here).
        /// </summary>
        public async Task<IReadOnlyList<UploadedPart>> UploadPartsAsync(
            GcsObjectRef target, string uploadId, string path, IReadOnlyList<XmlMpuPlannedPart> plan, int concurrency, ITransferObserver observer, CancellationToken cancellationToken = default)
        {
            var container = new XmlMpuContainer(Client, Urls, target, null, null, uploadId, NewRetryStrategy());
            return await MpuPartUploader.UploadAsync(observer, container, target, path, plan, concurrency, Limiter, Activity("Upload parts of", target), cancellationToken).ConfigureAwait(false);
        }

        /// <summary>An object's metadata (JSON API GET), retried like any read.</summary>
        public Task<ObjectResource> GetObjectAsync(GcsObjectRef target, long? generation, CancellationToken cancellationToken = default)
            => ObjectMetadataReader.GetAsync(Client, Urls, target, generation, NewRetryStrategy(), cancellationToken);

        /// <summary>
        /// The files below <paramref name="folder"/> that pass <paramref name="options"/>' include/exclude wildcards, as
        /// upload items named <paramref name="prefix"/> + relative path with '/' (see <see cref="FolderWalk"/> for links
        /// and empty folders). Reads the disk only.
        /// </summary>
        public IReadOnlyList<FileUploadItem> PlanFolderUpload(string folder, string bucket, string prefix, FolderOptions options, ITransferObserver observer)
            => FolderWalk.Plan(folder, bucket, prefix, new FolderFilter(options.Include, options.Exclude), observer);

        /// <summary>
        /// Uploads many files, <see cref="FolderOptions.MaxConcurrentFiles"/> at once under the one bandwidth limiter.
        /// Two different files for one object are refused before any request (<see cref="DuplicateTargetException"/>).
        /// Each file's outcome goes to <paramref name="completed"/> (from worker threads) as it finishes; a failed file
        /// does not stop the others. Cancellation stops starting files and lets the running ones keep their state.
        /// </summary>
        public Task<FolderSummary> UploadFilesAsync(
            IReadOnlyList<FileUploadItem> items, UploadOptions options, FolderOptions folder, ITransferObserver observer, Action<FolderItemResult> completed, CancellationToken cancellationToken = default)
        {
            CheckUploadOptions(options);
            return FolderUpload.RunAsync(this, items, options, folder, observer, completed, cancellationToken);
        }

        /// <summary>Uploads a folder's tree below <paramref name="prefix"/> (plan, then <see cref="UploadFilesAsync"/>).</summary>
        public Task<FolderSummary> UploadFolderAsync(
            string folder, string bucket, string prefix, UploadOptions options, FolderOptions folderOptions, ITransferObserver observer, Action<FolderItemResult> completed, CancellationToken cancellationToken = default)
            => UploadFilesAsync(PlanFolderUpload(folder, bucket, prefix, folderOptions, observer), options, folderOptions, observer, completed, cancellationToken);

        /// <summary>
        /// Downloads every object below <paramref name="prefix"/> into <paramref name="destination"/>, keeping the tree
        /// (the prefix stripped), several objects at once, each through its own .partial. Names that would land outside
        /// the destination and names that collide on a case-insensitive file system are per-object errors.
        /// </summary>
        public Task<FolderSummary> DownloadFolderAsync(
            string bucket, string prefix, string destination, DownloadOptions options, FolderOptions folder, ITransferObserver observer, Action<FolderItemResult> completed, CancellationToken cancellationToken = default)
        {
            TransferLimits.CheckSliceSize(options.SliceSize);
            if (!options.Whole || options.ChunkSize.HasValue)
            {
                throw new ArgumentException("A folder download takes whole objects: no range and no chunk size.", nameof(options));
            }

            return FolderDownload.RunAsync(this, bucket, prefix, destination, options, folder, observer, completed, cancellationToken);
        }

        internal string Activity(string verb, GcsObjectRef target) => Activity(verb, target.ToString());

        internal string Activity(string verb, string target) => $"{_progressLabel ?? verb} {target}";

        /// <summary>Wraps a stream in a <see cref="ThrottledStream"/> when there is a limiter (the wrapper owns the stream).</summary>
        internal static Stream Throttle(Stream stream, BandwidthLimiter? limiter) => limiter == null ? stream : new ThrottledStream(stream, limiter);

        /// <summary>Without overwrite the upload carried ifGenerationMatch=0, so a 412 means the object exists.</summary>
        private static async Task<UploadResult> RefuseOverwriteAsync(Task<UploadResult> upload, GcsObjectRef target, UploadOptions options)
        {
            try
            {
                return await upload.ConfigureAwait(false);
            }
            catch (InvalidResponseException ex) when (ex.StatusCode == 412 && !options.Overwrite)
            {
                throw new ObjectExistsException(target.ToString(), ex);
            }
        }

        private static void CheckUploadOptions(UploadOptions options)
        {
            if (options == null)
            {
                throw new ArgumentNullException(nameof(options));
            }

            if (options.Mode == UploadMode.Resumable || options.Mode == UploadMode.Auto)
            {
                TransferLimits.CheckUploadChunkSize(options.ChunkSize);
            }

            if (options.Mode == UploadMode.Parallel)
            {
                TransferLimits.CheckPartSize(options.PartSize);
                if (options.PartConcurrency < 1)
                {
                    throw new ArgumentException($"PartConcurrency {options.PartConcurrency} must be at least 1.", "PartConcurrency");
                }
            }
        }

        private async Task<UploadResult> UploadFileResumableAsync(
            GcsObjectRef target, FileInfo file, string contentType, UploadOptions options, ITransferObserver observer, CancellationToken token)
        {
            var state = new UploadState
            {
                Endpoint = EndpointKey,
                Bucket = target.Bucket,
                ObjectName = target.Name,
                SourcePath = file.FullName,
                Length = file.Length,
                LastWriteTimeUtcTicks = file.LastWriteTimeUtc.Ticks,
                ChunkSize = options.ChunkSize,
                Checksum = options.Checksum.ToString(),
                ContentType = contentType,
            };
            var progress = new ProgressTracker(observer, Activity("Upload", target), file.FullName, file.Length);
            try
            {
                UploadState? saved = StateStore.Find(state.Key);
                ObjectResource? resource;
                if (saved != null)
                {
                    observer.Note($"Found the state of an earlier upload of {file.FullName} to {target} ({saved.StatePath}); resuming it.");
                    resource = await ResumableTransfer.ResumeAsync(this, StateStore, saved, progress, observer, token).ConfigureAwait(false);
                }
                else
                {
                    resource = await ResumableTransfer.StartAsync(
                        this, state, SingleUpload.ObjectMetadata(target, contentType, options), SingleUpload.IfGenerationMatch(options), progress, observer, token).ConfigureAwait(false);
                }

                return SingleUpload.Finish(resource, target, file.FullName, UploadTypes.Resumable, observer);
            }
            finally
            {
                progress.Complete();
            }
        }
    }
}
