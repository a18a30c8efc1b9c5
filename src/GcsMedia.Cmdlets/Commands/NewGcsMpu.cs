using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using GcsMedia.Protocol;
using GcsMedia.Transfers;

namespace GcsMedia.Cmdlets.Commands
{
    /// <summary>
    /// New-GcsMpu: initiates an XML API multipart upload (POST /bucket/object?uploads) with the object's content
    /// type and x-goog-meta-* metadata, and outputs a <see cref="MpuUpload"/> that binds by property name into
    /// Add-GcsMpuPart, Complete-GcsMpu and Stop-GcsMpu.
    /// </summary>
    [Cmdlet(VerbsCommon.New, "GcsMpu", DefaultParameterSetName = UriSet, SupportsShouldProcess = true)]
    [OutputType(typeof(MpuUpload))]
    public sealed class NewGcsMpu : GcsCmdlet
    {
        private const string UriSet = "Uri";
        private const string ObjectSet = "Object";
        private const string DefaultContentType = "application/octet-stream";

        [Parameter(Mandatory = true, Position = 0, ParameterSetName = UriSet, ValueFromPipeline = true)]
        [ValidateNotNullOrEmpty]
        public string Uri { get; set; } = string.Empty;

        [Parameter(Mandatory = true, Position = 0, ParameterSetName = ObjectSet, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Bucket { get; set; } = string.Empty;

        [Parameter(Mandatory = true, Position = 1, ParameterSetName = ObjectSet, ValueFromPipelineByPropertyName = true)]
        [Alias("Name", "Key")]
        [ValidateNotNullOrEmpty]
        public string ObjectName { get; set; } = string.Empty;

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? ContentType { get; set; }

        [Parameter]
        public Hashtable? Metadata { get; set; }

        private Dictionary<string, string> _metadata = new Dictionary<string, string>();

        protected override void BeginProcessing()
        {
            try
            {
                _metadata = MpuSupport.ConvertMetadata(Metadata);
            }
            catch (ArgumentException ex)
            {
                ThrowTerminatingError(GcsErrors.InvalidArgument(MpuSupport.Clean(ex), "Metadata", null));
            }

            base.BeginProcessing();
        }

        protected override void ProcessRecord()
        {
            GcsObjectRef target;
            try
            {
                target = ObjectAddress.Resolve(ParameterSetName == UriSet ? Uri : null, Bucket, ObjectName);
            }
            catch (ArgumentException ex)
            {
                ThrowTerminatingError(GcsErrors.InvalidArgument(MpuSupport.Clean(ex), ex.ParamName ?? "Uri", ParameterSetName == UriSet ? Uri : Bucket));
                return;
            }

            string contentType = ContentType ?? DefaultContentType;
            if (!ShouldProcess(target.ToString(), $"Start a multipart upload ({contentType})"))
            {
                return;
            }

            RunRequests(
                (pipeline, token) => InitiateAsync(pipeline, target, contentType, token),
                ex => GcsErrors.FromException(ex, target.ToString(), operation: GcsOperation.MultipartUpload));
        }

        private async Task InitiateAsync(AsyncPipeline pipeline, GcsObjectRef target, string contentType, CancellationToken token)
        {
            GcsConnection connection = Connection;
            var container = new XmlMpuContainer(connection.Client, connection.Urls, target, contentType)
            {
                Retrying = e => PipelineObserver.Retrying(pipeline, e),
                RetryStrategy = connection.CreateRetryStrategy(),
            };
            string uploadId = await container.InitiateAsync(_metadata.Count == 0 ? null : _metadata, token).ConfigureAwait(false);
            pipeline.WriteVerbose($"Started a multipart upload of {target} ({contentType}{(_metadata.Count > 0 ? $", {_metadata.Count} metadata key(s)" : string.Empty)}).");
            pipeline.WriteObject(new MpuUpload
            {
                Bucket = target.Bucket,
                ObjectName = target.Name,
                UploadId = uploadId,
                ContentType = contentType,
                Endpoint = MpuCmdlet.EndpointOf(connection),
                Initiated = DateTime.UtcNow,
            });
        }
    }
}
