using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using GcsMedia.Protocol;

namespace GcsMedia.Transfers
{
    /// <summary>
    /// Uploads that run start to end in this process: simple (checksum compared afterwards), multipart (checksum in
    /// the request), resumable without saved state (buffers), and a resumable upload of a stream of unknown length.
    /// </summary>
    internal static class SingleUpload
    {
        /// <summary>A simple, multipart or in-process resumable upload of a source that can be opened again (to verify a simple upload).</summary>
        public static async Task<UploadResult> RunAsync(
            TransferManager manager,
            GcsObjectRef target,
            Func<Stream> open,
            long length,
            string contentType,
            string? sourcePath,
            UploadOptions options,
            ITransferObserver observer,
            CancellationToken token)
        {
            var progress = new ProgressTracker(observer, manager.Activity("Upload", target), sourcePath ?? target.ToString(), length);
            try
            {
                using (var stream = new ProgressReadStream(TransferManager.Throttle(open(), manager.Limiter), progress.Report))
                {
                    ObjectResource? resource;
                    string uploadType;
                    long? ifGenerationMatch = IfGenerationMatch(options);
                    if (options.Mode == UploadMode.Resumable)
                    {
                        uploadType = UploadTypes.Resumable;
                        using (ResumableUpload upload = ResumableUpload.ForBucket(
                            manager.Client, manager.Urls, target.Bucket, (int)options.ChunkSize, ifGenerationMatch, options.Checksum, retryStrategy: manager.NewRetryStrategy()))
                        {
                            upload.Retrying = e => observer.Retrying(e, null);
                            await upload.InitiateAsync(stream, ObjectMetadata(target, contentType, options), contentType, length, true, token).ConfigureAwait(false);
                            resource = await upload.UploadAsync(token).ConfigureAwait(false);
                        }
                    }
                    else if (options.Mode == UploadMode.Multipart || (options.Mode == UploadMode.Auto && options.HasMetadata))
                    {
                        uploadType = UploadTypes.Multipart;
                        MultipartUpload upload = MultipartUpload.ForBucket(manager.Client, manager.Urls, target.Bucket, ifGenerationMatch, options.Checksum);
                        upload.RetryStrategy = manager.NewRetryStrategy();
                        upload.Retrying = e => observer.Retrying(e, null);
                        resource = await upload.TransmitAsync(stream, ObjectMetadata(target, contentType, options), contentType, token).ConfigureAwait(false);
                    }
                    else
                    {
                        uploadType = UploadTypes.Simple;
                        SimpleUpload upload = SimpleUpload.ForObject(manager.Client, manager.Urls, target, ifGenerationMatch);
                        upload.RetryStrategy = manager.NewRetryStrategy();
                        upload.Retrying = e => observer.Retrying(e, null);
                        // A media upload carries no checksum: the bytes are hashed as they are sent and compared with the
                        // server's value afterwards (the file is read again only when the sent bytes could not be hashed in order).
                        using (HashingReadStream? hashing = options.Checksum != ChecksumType.None && stream.CanSeek ? new HashingReadStream(stream, options.Checksum) : null)
                        {
                            resource = await upload.TransmitAsync((Stream?)hashing ?? stream, contentType, token).ConfigureAwait(false);
                            if (resource != null && options.Checksum != ChecksumType.None)
                            {
                                await VerifyAfterUploadAsync(open, resource, target, options.Checksum, hashing?.Checksum, token).ConfigureAwait(false);
                            }
                        }
                    }

                    return Finish(resource, target, sourcePath, uploadType, observer);
                }
            }
            finally
            {
                progress.Complete();
            }
        }

        /// <summary>A resumable upload of unknown size: one chunk in memory at a time; the stream is read once, never sought, and not closed.</summary>
        public static async Task<UploadResult> RunStreamAsync(
            TransferManager manager, GcsObjectRef target, Stream source, string contentType, UploadOptions options, ITransferObserver observer, CancellationToken token)
        {
            var progress = new ProgressTracker(observer, manager.Activity("Upload", target), "stream", null);
            try
            {
                // CountingReadStream never seeks, so the upload treats even a seekable stream as a one-pass stream read from where it is.
                Stream throttled = manager.Limiter == null ? source : new ThrottledStream(source, manager.Limiter, leaveOpen: true);
                using (var counted = new CountingReadStream(throttled, progress.Report, leaveOpen: true))
                using (ResumableUpload upload = ResumableUpload.ForBucket(
                    manager.Client, manager.Urls, target.Bucket, (int)options.ChunkSize, IfGenerationMatch(options), options.Checksum, retryStrategy: manager.NewRetryStrategy()))
                {
                    upload.Retrying = e => observer.Retrying(e, null);
                    await upload.InitiateAsync(counted, ObjectMetadata(target, contentType, options), contentType, totalBytes: null, streamFinal: false, token).ConfigureAwait(false);
                    ObjectResource? resource = await upload.UploadAsync(token).ConfigureAwait(false);
                    observer.Note($"Read {counted.BytesRead} bytes from the stream.");
                    return Finish(resource, target, null, UploadTypes.Resumable, observer);
                }
            }
            finally
            {
                progress.Complete();
            }
        }

        /// <summary>ifGenerationMatch=0 (create only) unless overwriting is allowed: the server refuses atomically, no GET needed.</summary>
        public static long? IfGenerationMatch(UploadOptions options) => options.Overwrite ? (long?)null : 0;

        /// <summary>The JSON object resource sent with multipart and resumable uploads.</summary>
        public static Dictionary<string, object?> ObjectMetadata(GcsObjectRef target, string contentType, UploadOptions options)
        {
            var metadata = new Dictionary<string, object?> { ["name"] = target.Name, ["contentType"] = contentType };
            if (options.ContentEncoding != null)
            {
                metadata["contentEncoding"] = options.ContentEncoding;
            }

            if (options.CacheControl != null)
            {
                metadata["cacheControl"] = options.CacheControl;
            }

            if (options.Metadata != null && options.Metadata.Count > 0)
            {
                metadata["metadata"] = new Dictionary<string, string>(options.Metadata);
            }

            return metadata;
        }

        public static UploadResult Finish(ObjectResource? resource, GcsObjectRef target, string? sourcePath, string uploadType, ITransferObserver observer)
        {
            if (resource == null)
            {
                throw new InvalidResponseException($"The upload of {target} finished, but the server's answer did not contain the object resource.", null, objectName: target.ToString());
            }

            observer.Note($"Uploaded {target}: {resource.Size} bytes, generation {resource.Generation}, crc32c {resource.Crc32c} ({uploadType}).");
            return new UploadResult(target, resource, uploadType, sourcePath);
        }

        private static async Task VerifyAfterUploadAsync(Func<Stream> open, ObjectResource resource, GcsObjectRef target, ChecksumType checksum, string? sent, CancellationToken token)
        {
            string? reported = resource.GetChecksum(checksum);
            if (reported == null)
            {
                return;
            }

            if (sent != null)
            {
                if (!string.Equals(sent, reported, StringComparison.Ordinal))
                {
                    throw DataCorruptionException.ForUpload(checksum, reported, sent, resource.Size ?? 0, target.ToString());
                }

                return;
            }

            using (Stream stream = open())
            using (MediaHasher hasher = MediaHasher.Create(checksum)!)
            {
                var buffer = new byte[1 << 20];
                int n;
                while ((n = await stream.ReadAsync(buffer, 0, buffer.Length, token).ConfigureAwait(false)) > 0)
                {
                    hasher.Append(buffer, 0, n);
                }

                string actual = hasher.GetBase64();
                if (!string.Equals(actual, reported, StringComparison.Ordinal))
                {
                    throw DataCorruptionException.ForUpload(checksum, reported, actual, stream.Length, target.ToString());
                }
            }
        }
    }
}
