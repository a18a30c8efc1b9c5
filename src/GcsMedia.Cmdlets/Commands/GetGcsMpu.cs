using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using GcsMedia.Protocol;

namespace GcsMedia.Cmdlets.Commands
{
    /// <summary>
    /// Get-GcsMpu: lists the unfinished multipart uploads in a bucket (GET /bucket?uploads, every page), optionally
    /// under an object-name prefix, as <see cref="MpuUpload"/> objects; pipe them into Stop-GcsMpu to clean up.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "GcsMpu")]
    [OutputType(typeof(MpuUpload))]
    public sealed class GetGcsMpu : GcsCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Bucket { get; set; } = string.Empty;

        [Parameter(Position = 1)]
        [ValidateNotNull]
        public string? Prefix { get; set; }

        protected override void ProcessRecord()
        {
            string bucket = Bucket;
            if (bucket.StartsWith("gs://", StringComparison.OrdinalIgnoreCase))
            {
                bucket = bucket.Substring(5).TrimEnd('/');
            }

            if (bucket.Length == 0 || bucket.IndexOf('/') >= 0)
            {
                ThrowTerminatingError(GcsErrors.InvalidArgument(
                    $"-Bucket '{Bucket}' must be a bucket name (such as my-bucket or gs://my-bucket). To narrow the list to some objects use -Prefix.", "Bucket", Bucket));
            }

            RunRequests(
                (pipeline, token) => ListAsync(pipeline, bucket, token),
                ex => GcsErrors.FromException(ex, $"gs://{bucket}"));
        }

        private async Task ListAsync(AsyncPipeline pipeline, string bucket, CancellationToken token)
        {
            GcsConnection connection = Connection;
            var uploads = await XmlMpuContainer.ListUploadsAsync(connection.Client, connection.Urls, bucket, string.IsNullOrEmpty(Prefix) ? null : Prefix, connection.CreateRetryStrategy(), token, e => PipelineObserver.Retrying(pipeline, e))
                .ConfigureAwait(false);
            pipeline.WriteVerbose($"gs://{bucket}: {uploads.Count} unfinished multipart upload(s){(string.IsNullOrEmpty(Prefix) ? string.Empty : $" under '{Prefix}'")}.");
            foreach (XmlMpuUploadInfo upload in uploads)
            {
                pipeline.WriteObject(new MpuUpload
                {
                    Bucket = upload.Bucket,
                    ObjectName = upload.Key,
                    UploadId = upload.UploadId,
                    Endpoint = MpuCmdlet.EndpointOf(connection),
                    Initiated = upload.Initiated?.UtcDateTime,
                });
            }
        }
    }
}
