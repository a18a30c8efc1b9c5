using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using GcsMedia.Protocol;

namespace GcsMedia.Transfers
{
    /// <summary>
    /// Downloads an object (whole, a byte range, in chunks, or in parallel slices) into a file. Bytes go to
    /// &lt;file&gt;.partial, which is renamed once the download is complete and verified. An interrupted whole
    /// download keeps the .partial (and a small .partial.json naming the object generation) so a rerun continues it.
    /// </summary>
    internal static class FileDownloader
    {
        // Downloads write whole 128 KiB buffers: a FileStream buffer of its own would only add a copy, and on .NET 8
        // its async write path allocates per write where the bare file handle's does not. 1 turns buffering off.
        private const int UnbufferedFile = 1;

        public static async Task<FileDownloadResult> RunAsync(
            TransferManager manager, GcsObjectRef target, string outFile, DownloadOptions options, ITransferObserver observer, CancellationToken token)
        {
            if (File.Exists(outFile) && !options.Overwrite)
            {
                throw new ObjectExistsException(outFile);
            }

            var clock = Stopwatch.StartNew();
            bool whole = options.Whole;
            string partial = PartialDownload.PartialPath(outFile);
            long offset = 0;
            long? pinnedGeneration = options.Generation;
            string? expectedWholeChecksum = null;

            if (whole)
            {
                (offset, pinnedGeneration, expectedWholeChecksum) = await PrepareResumeAsync(manager, target, outFile, options, observer, token).ConfigureAwait(false);
            }
            else
            {
                PartialDownload.Delete(outFile);
            }

            // Sliced: only a fresh whole download (a .partial left by an interrupted single-stream run is resumed as one
            // stream), only with crc32c (slice CRCs combine; MD5s do not) or no checksum, and only for an object that is
            // not gzip-encoded and is larger than one slice. Everything else falls back to one stream.
            if (options.SliceConcurrency > 1 && whole && !options.ChunkSize.HasValue && offset == 0 && options.Checksum != ChecksumType.Md5)
            {
                ObjectResource metadata = await manager.ReadMetadataAsync(target, options.Generation, observer, token).ConfigureAwait(false);
                bool gzip = string.Equals(metadata.ContentEncoding, "gzip", StringComparison.OrdinalIgnoreCase);
                if (!gzip && metadata.Size.HasValue && metadata.Size.Value > options.SliceSize)
                {
                    return await DownloadSlicedAsync(manager, target, outFile, metadata, options, observer, clock, token).ConfigureAwait(false);
                }

                pinnedGeneration = metadata.Generation ?? pinnedGeneration;
                observer.Note(gzip
                    ? $"{target} is stored gzip-encoded: its byte ranges cannot be decoded piecewise, so it is downloaded as one stream."
                    : $"{target} ({metadata.Size} bytes) fits in one slice of {options.SliceSize} bytes: downloading it as one stream.");
            }
            else if (options.SliceConcurrency > 1 && offset > 0)
            {
                observer.Note($"Continuing the interrupted download in {partial} as one stream (a sliced download would start over).");
            }
            else if (options.SliceConcurrency > 1 && options.Checksum == ChecksumType.Md5)
            {
                observer.Note("An MD5 checksum cannot be checked slice by slice: downloading as one stream.");
            }

            var progress = new ProgressTracker(observer, manager.Activity("Download", target), outFile, null);
            progress.SetStartOffset(offset);
            var result = new FileDownloadResult
            {
                Uri = target.ToString(),
                Path = outFile,
                Start = options.Start,
                End = options.End,
                ChecksumType = options.Checksum.ToString(),
                Mode = options.ChunkSize.HasValue ? "Chunked" : whole ? "Whole" : "Range",
                Resumed = offset > 0,
            };

            bool keepPartial = false;
            try
            {
                ChecksumType checksum = offset > 0 ? ChecksumType.None : options.Checksum;
                using (Stream stream = TransferManager.Throttle(
                    new FileStream(partial, offset > 0 ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.Read, UnbufferedFile, useAsync: true), manager.Limiter))
                {
                    string mediaUrl = manager.Urls.MediaDownload(target, pinnedGeneration);
                    long? start = offset > 0 ? offset : options.Start;
                    bool sidecarWritten = offset > 0;
                    Action<long?> onFirstBytes = generation =>
                    {
                        if (!sidecarWritten && whole && generation.HasValue && options.KeepResumeState)
                        {
                            sidecarWritten = true;
                            new PartialDownload { Uri = target.ToString(), Endpoint = manager.EndpointKey, Generation = generation.Value, Raw = options.Raw }.Save(outFile);
                        }
                    };

                    if (options.ChunkSize.HasValue)
                    {
                        int chunkSize = (int)options.ChunkSize.Value;
                        ChunkedDownload chunked = options.Raw
                            ? new RawChunkedDownload(mediaUrl, chunkSize, stream, start ?? 0, options.End, null, checksum)
                            : new ChunkedDownload(mediaUrl, chunkSize, stream, start ?? 0, options.End, null, checksum);
                        chunked.ObjectName = target.ToString();
                        chunked.RetryStrategy = manager.NewRetryStrategy();
                        chunked.OnRetry = e => observer.Retrying(e, null);
                        chunked.ProgressCallback = bytes =>
                        {
                            onFirstBytes(chunked.Generation);
                            progress.TotalBytes = chunked.TotalBytes;
                            progress.Report(offset + bytes);
                        };
                        int retries = 0;
                        while (!chunked.Finished)
                        {
                            await chunked.ConsumeNextChunkAsync(manager.Client, token).ConfigureAwait(false);
                            retries += chunked.Retries;
                        }

                        result.StatusCode = chunked.StatusCode ?? 0;
                        result.BytesDownloaded = chunked.BytesDownloaded;
                        result.TotalBytes = chunked.TotalBytes;
                        result.Generation = chunked.Generation;
                        result.ChecksumVerified = chunked.ChecksumVerified;
                        result.Checksum = chunked.ActualChecksum;
                        result.Retries = retries;
                    }
                    else
                    {
                        Download download = options.Raw
                            ? new RawDownload(mediaUrl, stream, start, options.End, null, checksum)
                            : new Download(mediaUrl, stream, start, options.End, null, checksum);
                        download.ObjectName = target.ToString();
                        download.RetryStrategy = manager.NewRetryStrategy();
                        download.OnRetry = e => observer.Retrying(e, null);
                        download.ProgressCallback = bytes =>
                        {
                            onFirstBytes(download.Generation);
                            progress.TotalBytes = download.TotalBytes;
                            progress.Report(offset + download.BytesWritten);
                        };
                        DownloadResult done = await download.ConsumeAsync(manager.Client, token).ConfigureAwait(false);
                        result.StatusCode = done.StatusCode;
                        result.ContentRange = done.ContentRange;
                        result.BytesDownloaded = done.BytesDownloaded;
                        result.TotalBytes = done.TotalBytes;
                        result.Generation = done.Generation;
                        result.ChecksumVerified = done.ChecksumVerified;
                        result.Checksum = done.ActualChecksum;
                        result.Retries = done.Retries;
                    }
                }

                if (offset > 0)
                {
                    // Resumed from an earlier run: the bytes came in two parts, so check the whole file against the
                    // checksum the object's metadata reports for that generation.
                    result.Generation = pinnedGeneration;
                    string? actual = await FileHashing.HashAsync(partial, options.Checksum, token).ConfigureAwait(false);
                    result.Checksum = actual;
                    if (expectedWholeChecksum != null && actual != null)
                    {
                        if (!string.Equals(actual, expectedWholeChecksum, StringComparison.Ordinal))
                        {
                            throw DataCorruptionException.ForDownload(options.Checksum, expectedWholeChecksum, actual, new FileInfo(partial).Length, target.ToString());
                        }

                        result.ChecksumVerified = true;
                    }
                }

                MovePartialIntoPlace(partial, outFile);
                result.BytesWritten = new FileInfo(outFile).Length;
                result.Elapsed = clock.Elapsed;
                observer.Note($"Downloaded {target} to {outFile}: {result.BytesWritten} bytes, checksum {(result.ChecksumVerified ? "verified" : "not verified")}.");
                return result;
            }
            catch (Exception ex) when (whole && ResumableTransfer.IsResumable(ex, token))
            {
                keepPartial = File.Exists(PartialDownload.SidecarPath(outFile));
                throw;
            }
            finally
            {
                if (!keepPartial && File.Exists(partial))
                {
                    PartialDownload.Delete(outFile);
                }

                progress.Complete();
            }
        }

        /// <summary>The verified .partial becomes the file (replacing one that may be there: overwriting was allowed).</summary>
        private static void MovePartialIntoPlace(string partial, string outFile)
        {
            if (File.Exists(outFile))
            {
                File.Delete(outFile);
            }

            File.Move(partial, outFile);
            PartialDownload.Delete(outFile);
        }

        /// <summary>
        /// A whole download in parallel slices (<see cref="SlicedDownload"/>) into the .partial file, validated with the
        /// combined CRC32C against the object's crc32c, then renamed to the output file. On any failure the .partial is
        /// deleted (a sliced download is not resumed; a rerun starts over).
        /// </summary>
        private static async Task<FileDownloadResult> DownloadSlicedAsync(
            TransferManager manager, GcsObjectRef target, string outFile, ObjectResource metadata, DownloadOptions options, ITransferObserver observer, Stopwatch clock, CancellationToken token)
        {
            string partial = PartialDownload.PartialPath(outFile);
            long size = metadata.Size!.Value;
            long sliceSize = options.SliceSize;
            var sliced = new SlicedDownload(
                manager.Urls.MediaDownload(target, metadata.Generation),
                partial,
                size,
                metadata.Generation,
                options.Checksum == ChecksumType.None ? null : metadata.Crc32c)
            {
                SliceSize = sliceSize,
                ThrottleLimit = options.SliceConcurrency,
                BandwidthLimiter = manager.Limiter,
                ObjectName = target.ToString(),
                ContentEncoding = metadata.ContentEncoding,
                RetryStrategy = manager.NewRetryStrategy(),
            };
            int count = (int)((size + sliceSize - 1) / sliceSize);
            var parent = new ProgressTracker(observer, manager.Activity("Download", target), $"{outFile}: {count} slices of {ProgressTracker.FormatBytes(sliceSize)}", size);
            var children = new ConcurrentDictionary<int, ProgressTracker>();
            sliced.Progress = new InlineProgress(parent.Report);
            sliced.SliceProgress = (index, bytes, length) =>
            {
                ProgressTracker child = children.GetOrAdd(index, i =>
                {
                    long first = i * sliceSize;
                    return new ProgressTracker(observer, $"Slice {i + 1} of {count}", $"bytes {first}-{first + Math.Max(length, 1) - 1}", length < 0 ? (long?)null : length, parent.ActivityId);
                });
                if (length >= 0 && bytes >= length)
                {
                    child.Complete();
                }
                else
                {
                    child.Report(bytes);
                }
            };
            sliced.OnRetry = (index, e) => observer.Retrying(e, index < 0 ? "metadata" : $"slice {index + 1}");

            observer.Note($"Downloading {target} ({size} bytes, generation {metadata.Generation}) in {count} slices of {sliceSize} bytes, {options.SliceConcurrency} at a time.");
            bool done = false;
            try
            {
                SlicedDownloadResult r = await sliced.ConsumeAsync(manager.Client, token).ConfigureAwait(false);
                MovePartialIntoPlace(partial, outFile);
                done = true;
                var result = new FileDownloadResult
                {
                    Uri = target.ToString(),
                    Path = outFile,
                    StatusCode = 206,
                    BytesDownloaded = r.BytesDownloaded,
                    BytesWritten = new FileInfo(outFile).Length,
                    TotalBytes = r.TotalBytes,
                    Generation = r.Generation,
                    ChecksumType = options.Checksum == ChecksumType.None ? ChecksumType.None.ToString() : ChecksumType.Crc32c.ToString(),
                    ChecksumVerified = r.ChecksumVerified,
                    Checksum = r.ActualCrc32c,
                    Mode = "Sliced",
                    Retries = r.Retries,
                    Elapsed = clock.Elapsed,
                };
                observer.Note($"Downloaded {target} to {outFile}: {result.BytesWritten} bytes in {r.Slices} slices, crc32c {(result.ChecksumVerified ? "verified" : "not verified")}.");
                return result;
            }
            finally
            {
                if (!done)
                {
                    // Preallocated and partly written (or corrupt): never leave it looking like a resumable .partial.
                    try
                    {
                        PartialDownload.Delete(outFile);
                        if (File.Exists(partial))
                        {
                            File.Delete(partial);
                        }
                    }
                    catch (IOException)
                    {
                    }
                }

                foreach (ProgressTracker child in children.Values)
                {
                    child.Complete();
                }

                parent.Complete();
            }
        }

        /// <summary>
        /// Looks for a .partial from an earlier run of the same download. Returns the offset to continue from (0 to
        /// start over), the generation to pin, and the whole object's checksum to validate against at the end.
        /// </summary>
        private static async Task<(long Offset, long? Generation, string? Expected)> PrepareResumeAsync(
            TransferManager manager, GcsObjectRef target, string outFile, DownloadOptions options, ITransferObserver observer, CancellationToken token)
        {
            string partial = PartialDownload.PartialPath(outFile);
            PartialDownload? saved = PartialDownload.TryLoad(outFile);
            long length = File.Exists(partial) ? new FileInfo(partial).Length : 0;
            if (saved == null || length == 0 || saved.Uri != target.ToString() || saved.Endpoint != manager.EndpointKey || saved.Raw != options.Raw
                || (options.Generation.HasValue && options.Generation.Value != saved.Generation) || options.Checksum == ChecksumType.None)
            {
                PartialDownload.Delete(outFile);
                return (0, options.Generation, null);
            }

            ObjectResource current;
            try
            {
                current = await manager.ReadMetadataAsync(target, options.Generation, observer, token).ConfigureAwait(false);
            }
            catch (InvalidResponseException ex) when (ex.StatusCode == 404)
            {
                PartialDownload.Delete(outFile);
                return (0, options.Generation, null);
            }

            string? expected = current.GetChecksum(options.Checksum);
            bool gzip = string.Equals(current.ContentEncoding, "gzip", StringComparison.OrdinalIgnoreCase);
            if (current.Generation != saved.Generation || expected == null || (gzip && !options.Raw) || !current.Size.HasValue || length >= current.Size.Value)
            {
                observer.Note($"Found {partial} from an earlier run, but {target} changed (or cannot be resumed); starting over.");
                PartialDownload.Delete(outFile);
                return (0, options.Generation, null);
            }

            observer.Note($"Resuming the download of {target} (generation {saved.Generation}) at byte {length} from {partial}.");
            return (length, saved.Generation, expected);
        }
    }
}
