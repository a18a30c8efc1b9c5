using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using GcsMedia.Protocol;

namespace GcsMedia.Cmdlets.Commands
{
    /// <summary>
    /// Stop-GcsMpu: aborts multipart uploads (DELETE /bucket/object?uploadId=…), discarding their parts. Takes upload
    /// objects (New-GcsMpu, Get-GcsMpu, imported) or parts by property name, or -Uri/-Bucket/-ObjectName with
    /// -UploadId. Each upload is aborted once per call, however many of its parts arrive. -PassThru outputs the
    /// aborted upload.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Stop, "GcsMpu", SupportsShouldProcess = true)]
    [OutputType(typeof(MpuUpload))]
    public sealed class StopGcsMpu : MpuCmdlet
    {
        private readonly HashSet<string> _done = new HashSet<string>(StringComparer.Ordinal);

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

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <summary>Bound from a piped upload object, so that -PassThru outputs it unchanged.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public DateTime? Initiated { get; set; }

        /// <summary>Bound from a piped upload object, so that -PassThru outputs it unchanged.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string? ContentType { get; set; }

        protected override void ProcessRecord()
        {
            GcsObjectRef target = ResolveUploadTarget(Uri, Bucket, ObjectName, UploadId);

            if (!_done.Add($"{EndpointKey(Endpoint)}|{target}|{UploadId}"))
            {
                return;
            }

            if (!ShouldProcess(target.ToString(), $"Abort the multipart upload {UploadId} and delete its parts"))
            {
                return;
            }

            GcsConnection connection = ConnectionFor(Endpoint);
            var upload = new MpuUpload
            {
                Bucket = target.Bucket,
                ObjectName = target.Name,
                UploadId = UploadId,
                ContentType = string.IsNullOrEmpty(ContentType) ? null : ContentType,
                Endpoint = EndpointOf(connection),
                Initiated = Initiated?.ToUniversalTime(),
            };
            RunRequests(
                (pipeline, token) => AbortAsync(pipeline, connection, target, upload, token),
                ex => GcsErrors.FromException(ex, target.ToString(), operation: GcsOperation.MultipartUpload),
                connection);
        }

        private async Task AbortAsync(AsyncPipeline pipeline, GcsConnection connection, GcsObjectRef target, MpuUpload upload, CancellationToken token)
        {
            var container = new XmlMpuContainer(connection.Client, connection.Urls, target, null, null, upload.UploadId)
            {
                Retrying = e => PipelineObserver.Retrying(pipeline, e),
                RetryStrategy = connection.CreateRetryStrategy(),
            };
            await container.CancelAsync(token).ConfigureAwait(false);
            pipeline.WriteVerbose($"Aborted the multipart upload of {target}; its parts are deleted.");
            if (PassThru)
            {
                pipeline.WriteObject(upload);
            }
        }
    }
}
