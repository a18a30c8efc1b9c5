using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using GcsMedia.Protocol;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace GcsMedia.Transfers
{
    /// <summary>
    /// A file as an XML multipart upload whose parts are sent in parallel: refuse an existing object unless
    /// overwriting, initiate, upload the parts, complete, and check the object's crc32c against the parts' combined
    /// crc32c. Any failure or a cancellation aborts the upload before the task ends, so no unfinished upload (and its
    /// stored parts) is left behind and a caller that waits for the task waits for the abort.
    /// </summary>
    internal static class ParallelUpload
    {
        private static readonly TimeSpan AbortTimeLimit = TimeSpan.FromSeconds(30);

        public static async Task<UploadResult> RunAsync(
            TransferManager manager, GcsObjectRef target, FileInfo file, string contentType, UploadOptions options, ITransferObserver observer, CancellationToken token)
        {
            IReadOnlyList<XmlMpuPlannedPart> plan = Plan(file, options.PartSize);
            if (!options.Overwrite)
            {
                await RefuseExistingAsync(manager, target, observer, token).ConfigureAwait(false);
            }

            var container = new XmlMpuContainer(manager.Client, manager.Urls, target, contentType, retryStrategy: manager.NewRetryStrategy())
            {
                Retrying = e => observer.Retrying(e, null),
            };
            string uploadId;
            try
            {
                uploadId = await container.InitiateAsync(options.Metadata == null || options.Metadata.Count == 0 ? null : options.Metadata, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested && container.UploadId != null)
            {
                await AbortAsync(container, target, observer).ConfigureAwait(false);
                throw;
            }

            observer.Note($"Started a multipart upload of {target}: {plan.Count} part(s) of up to {options.PartSize} bytes, {options.PartConcurrency} at a time.");
            UploadedPart[] parts;
            try
            {
                parts = await MpuPartUploader.UploadAsync(
                    observer, container, target, file.FullName, plan, options.PartConcurrency, manager.Limiter, manager.Activity("Upload", target), token).ConfigureAwait(false);
                foreach (UploadedPart part in parts)
                {
                    container.RegisterPart(part.PartNumber, part.ETag);
                }

                await container.FinalizeAsync(token).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Also on cancellation: the abort uses its own time limit.
                await AbortAsync(container, target, observer).ConfigureAwait(false);
                throw;
            }

            string? combined = CombinedCrc32c(parts);
            ObjectResource resource;
            try
            {
                resource = await manager.ReadMetadataAsync(target, null, observer, token).ConfigureAwait(false);
            }
            catch (InvalidResponseException ex) when (ex.StatusCode == 403)
            {
                // Committed, but these credentials may create objects without reading them: report what is known.
                observer.Warning(new TransferWarning(
                    TransferWarningKind.ObjectMetadataUnavailable,
                    $"{target} was uploaded, but its metadata could not be read back (403: the credentials lack storage.objects.get), so the server's crc32c was not compared; " +
                    $"each part's crc32c was checked by the server. Output has the name, size, combined crc32c and ETag only.",
                    target.ToString()));
                return SingleUpload.Finish(KnownObject(target, file.Length, combined, container.ETag, contentType), target, file.FullName, UploadTypes.XmlMpu, observer);
            }

            string? expected = options.Checksum == ChecksumType.None ? null : combined;
            if (expected != null && resource.Crc32c != null && !string.Equals(expected, resource.Crc32c, StringComparison.Ordinal))
            {
                throw DataCorruptionException.ForUpload(ChecksumType.Crc32c, resource.Crc32c, expected, file.Length, target.ToString());
            }

            return SingleUpload.Finish(resource, target, file.FullName, UploadTypes.XmlMpu, observer);
        }

        /// <summary>
        /// Without overwrite, an existing object stops the upload before it starts. The XML API takes no preconditions
        /// (GCS documents that for multipart uploads), so this is a check, not a guarantee: an object created between
        /// the check and the completion is replaced. Credentials that may create but not read objects (403) cannot
        /// check; the upload goes on, and replaces an existing object only if the credentials may also delete objects.
        /// </summary>
        private static async Task RefuseExistingAsync(TransferManager manager, GcsObjectRef target, ITransferObserver observer, CancellationToken token)
        {
            try
            {
                await manager.ReadMetadataAsync(target, null, observer, token).ConfigureAwait(false);
            }
            catch (InvalidResponseException ex) when (ex.StatusCode == 404)
            {
                return;
            }
            catch (InvalidResponseException ex) when (ex.StatusCode == 403)
            {
                observer.Warning(new TransferWarning(
                    TransferWarningKind.General,
                    $"Could not check whether {target} already exists (403: the credentials lack storage.objects.get). A multipart upload takes no precondition, " +
                    "so it replaces an existing object if the credentials may delete objects (storage.objects.delete).",
                    target.ToString()));
                return;
            }

            throw new ObjectExistsException(target.ToString());
        }

        /// <summary>What is known of an uploaded object whose metadata cannot be read.</summary>
        private static ObjectResource KnownObject(GcsObjectRef target, long size, string? crc32c, string? etag, string contentType)
        {
            var json = new JObject
            {
                ["bucket"] = target.Bucket,
                ["name"] = target.Name,
                ["size"] = size.ToString(CultureInfo.InvariantCulture),
                ["contentType"] = contentType,
            };
            if (crc32c != null)
            {
                json["crc32c"] = crc32c;
            }

            if (etag != null)
            {
                json["etag"] = etag;
            }

            return ObjectResource.Parse(json.ToString(Formatting.None));
        }

        /// <summary>The file's parts; <see cref="ArgumentException"/> (ParamName PartSize) when the part size does not fit the file.</summary>
        public static IReadOnlyList<XmlMpuPlannedPart> Plan(FileInfo file, long partSize) => MpuPartPlan.All(file.FullName, file.Length, partSize);

        /// <summary>The object's crc32c computed from its parts' crc32c values; null when a part's value is unknown.</summary>
        public static string? CombinedCrc32c(IReadOnlyList<UploadedPart> parts)
        {
            if (parts.Count == 0)
            {
                return null;
            }

            foreach (UploadedPart part in parts)
            {
                if (part.Crc32c == null)
                {
                    return null;
                }
            }

            uint combined = Crc32cHasher.FromBase64(parts[0].Crc32c!);
            for (int i = 1; i < parts.Count; i++)
            {
                combined = Crc32cHasher.Combine(combined, Crc32cHasher.FromBase64(parts[i].Crc32c!), parts[i].Size);
            }

            return Crc32cHasher.ToBase64(combined);
        }

        /// <summary>Aborts the multipart upload with its own time limit (the caller's token may be cancelled already).</summary>
        private static async Task AbortAsync(XmlMpuContainer container, GcsObjectRef target, ITransferObserver observer)
        {
            using (var limit = new CancellationTokenSource(AbortTimeLimit))
            {
                try
                {
                    container.RetryStrategy = new RetryStrategy();
                    await container.CancelAsync(limit.Token).ConfigureAwait(false);
                    observer.Note($"Aborted the multipart upload of {target}; its parts were discarded.");
                }
                catch (Exception ex)
                {
                    observer.Warning(new TransferWarning(
                        TransferWarningKind.MultipartAbortFailed,
                        $"Could not abort the multipart upload of {target}: {ex.Message} Its parts stay stored until the upload is aborted.",
                        target.ToString()));
                }
            }
        }
    }
}
