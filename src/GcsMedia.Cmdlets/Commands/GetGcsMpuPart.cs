using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using GcsMedia.Protocol;

namespace GcsMedia.Cmdlets.Commands
{
    /// <summary>
    /// Get-GcsMpuPart: lists the parts the server holds for a multipart upload (XML API ListParts,
    /// GET /bucket/object?uploadId=…, every page), as <see cref="MpuPart"/> objects in part order. Takes upload
    /// objects (New-GcsMpu, Get-GcsMpu, imported) by property name, or -Uri/-Bucket/-ObjectName with -UploadId.
    /// The parts pipe into Complete-GcsMpu; ListParts reports no CRC32C, so their Crc32c is empty.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "GcsMpuPart")]
    [OutputType(typeof(MpuPart))]
    public sealed class GetGcsMpuPart : MpuCmdlet
    {
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? Bucket { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("Name", "Key")]
        [ValidateNotNullOrEmpty]
        public string? ObjectName { get; set; }

        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty]
        public string? Uri { get; set; }

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string UploadId { get; set; } = string.Empty;

        protected override void ProcessRecord()
        {
            GcsObjectRef target = ResolveUploadTarget(Uri, Bucket, ObjectName, UploadId);
            GcsConnection connection = ConnectionFor(Endpoint);
            string uploadId = UploadId;
            RunRequests(
                (pipeline, token) => ListAsync(pipeline, connection, target, uploadId, token),
                ex => GcsErrors.FromException(ex, target.ToString()),
                connection);
        }

        private static async Task ListAsync(AsyncPipeline pipeline, GcsConnection connection, GcsObjectRef target, string uploadId, CancellationToken token)
        {
            var container = new XmlMpuContainer(connection.Client, connection.Urls, target, null, null, uploadId)
            {
                Retrying = e => PipelineObserver.Retrying(pipeline, e),
                RetryStrategy = connection.CreateRetryStrategy(),
            };
            IReadOnlyList<XmlMpuPartInfo> parts = await container.ListPartsAsync(token).ConfigureAwait(false);
            pipeline.WriteVerbose($"The multipart upload of {target} has {parts.Count} part(s) on the server.");
            foreach (XmlMpuPartInfo part in parts)
            {
                pipeline.WriteObject(new MpuPart
                {
                    Bucket = target.Bucket,
                    ObjectName = target.Name,
                    UploadId = uploadId,
                    PartNumber = part.PartNumber,
                    ETag = part.ETag,
                    Size = part.Size ?? 0,
                    Endpoint = EndpointOf(connection),
                    LastModified = part.LastModified?.UtcDateTime,
                });
            }
        }
    }
}
