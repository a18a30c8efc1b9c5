using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Security;
using System.Threading;
using System.Threading.Tasks;
using GcsMedia.Protocol;
using GcsMedia.Transfers;

namespace GcsMedia.Cmdlets.Commands
{
    /// <summary>
    /// Copy-GcsObject: a server-side copy (the JSON API rewrite, looped on its rewriteToken) within or across buckets;
    /// no bytes pass through this machine. Refuses to overwrite an existing destination unless -Force
    /// (ifGenerationMatch=0). Progress comes from the server's totalBytesRewritten. Outputs the destination object.
    /// </summary>
    [Cmdlet(VerbsCommon.Copy, "GcsObject", DefaultParameterSetName = UriSet, SupportsShouldProcess = true)]
    [OutputType(typeof(GcsObject))]
    public sealed class CopyGcsObject : GcsCmdlet
    {
        private const string UriSet = "Uri";
        private const string ObjectSet = "Object";

        private IReadOnlyList<KeyValuePair<string, string>> _sourceKeyHeaders = Array.Empty<KeyValuePair<string, string>>();

        /// <summary>The source, gs://bucket/object.</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = UriSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("SourceUri")]
        [ValidateNotNullOrEmpty]
        public string Uri { get; set; } = string.Empty;

        [Parameter(Mandatory = true, ParameterSetName = ObjectSet, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Bucket { get; set; } = string.Empty;

        [Parameter(Mandatory = true, ParameterSetName = ObjectSet, ValueFromPipelineByPropertyName = true)]
        [Alias("Name", "Key")]
        [ValidateNotNullOrEmpty]
        public string ObjectName { get; set; } = string.Empty;

        /// <summary>
        /// gs://bucket/name, or gs://bucket/folder/ (trailing '/': the source's last name segment is appended). Binds
        /// from the pipeline by property name, so a script block computes one destination per piped object.
        /// </summary>
        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Destination { get; set; } = string.Empty;

        /// <summary>Copies this generation of the source (a piped object's Generation binds here).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("Generation")]
        [ValidateRange(1, long.MaxValue)]
        public long? SourceGeneration { get; set; }

        /// <summary>The customer-supplied key the source is encrypted with (base64 of 32 bytes); -EncryptionKey is the destination's.</summary>
        [Parameter]
        [SecureStringTransformation]
        public SecureString? SourceEncryptionKey { get; set; }

        /// <summary>Overwrite an existing destination.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Most bytes the server copies per rewrite call (a multiple of 1MB); smaller values give more frequent progress.</summary>
        [Parameter]
        [SizeTransformation]
        public long? MaxBytesPerCall { get; set; }

        protected override void BeginProcessing()
        {
            if (MaxBytesPerCall.HasValue && (MaxBytesPerCall.Value <= 0 || MaxBytesPerCall.Value % ObjectRewrite.BytesPerCallUnit != 0))
            {
                ThrowTerminatingError(GcsErrors.InvalidArgument(
                    $"-MaxBytesPerCall {MaxBytesPerCall} is not a whole number of mebibytes. GCS copies in units of 1MB (1048576 bytes): use 1MB, 16MB, 256MB, ….",
                    "MaxBytesPerCall", MaxBytesPerCall));
            }

            if (SourceEncryptionKey != null)
            {
                try
                {
                    _sourceKeyHeaders = new List<KeyValuePair<string, string>>(CustomerEncryptionKey.Parse(SourceEncryptionKey, "SourceEncryptionKey").CopySourceHeaders());
                }
                catch (ArgumentException ex)
                {
                    ThrowTerminatingError(GcsErrors.InvalidArgument(ex.Message, "SourceEncryptionKey", null));
                }
            }

            base.BeginProcessing();
        }

        protected override void ProcessRecord()
        {
            GcsObjectRef source;
            GcsObjectRef destination;
            try
            {
                source = ObjectAddress.Resolve(ParameterSetName == UriSet ? Uri : null, Bucket, ObjectName);
                destination = ResolveDestination(source, Destination);
            }
            catch (ArgumentException ex)
            {
                ThrowTerminatingError(GcsErrors.InvalidArgument(ex.Message, ex.ParamName ?? "Uri", ParameterSetName == UriSet ? Uri : Bucket));
                return;
            }

            if (source.Equals(destination) && !SourceGeneration.HasValue)
            {
                ThrowTerminatingError(GcsErrors.InvalidArgument(
                    $"-Destination {destination} is the source itself. Give another name or bucket (to restore an old generation onto it, add -SourceGeneration and -Force).",
                    "Destination", Destination));
            }

            string action = $"Copy {source}{(SourceGeneration.HasValue ? $" generation {SourceGeneration}" : string.Empty)} here{(Force ? ", replacing an existing object" : string.Empty)}";
            if (!ShouldProcess(destination.ToString(), action))
            {
                return;
            }

            RunRequests(
                (pipeline, token) => CopyAsync(pipeline, source, destination, token),
                ex => GcsErrors.FromException(ex, destination.ToString(), preconditionMeansExists: !Force));
        }

        /// <summary>gs://bucket/name as given, or gs://bucket/folder/ (or gs://bucket) + the source's last name segment.</summary>
        private static GcsObjectRef ResolveDestination(GcsObjectRef source, string destination)
        {
            const string scheme = "gs://";
            string rest = destination.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) ? destination.Substring(scheme.Length) : string.Empty;
            int slash = rest.IndexOf('/');
            string bucket = slash < 0 ? rest : rest.Substring(0, slash);
            string name = slash < 0 ? string.Empty : rest.Substring(slash + 1);
            if (bucket.Length == 0)
            {
                throw new ArgumentException(
                    $"-Destination '{destination}' is not a gs:// address. Write gs://bucket/name, or gs://bucket/folder/ to keep the source's name.",
                    "Destination");
            }

            if (name.Length == 0 || name.EndsWith("/", StringComparison.Ordinal))
            {
                name += source.Name.Substring(source.Name.LastIndexOf('/') + 1);
            }

            if (name.IndexOfAny(new[] { '\r', '\n' }) >= 0)
            {
                throw new ArgumentException("-Destination: the object name contains a line break; GCS object names cannot contain carriage returns or line feeds.", "Destination");
            }

            return new GcsObjectRef(bucket, name);
        }

        private async Task CopyAsync(AsyncPipeline pipeline, GcsObjectRef source, GcsObjectRef destination, CancellationToken token)
        {
            GcsConnection connection = Connection;
            var progress = new RewriteProgress(pipeline, source, destination);
            var rewrite = new ObjectRewrite(connection.Client, connection.Urls, source, destination)
            {
                SourceGeneration = SourceGeneration,
                IfGenerationMatch = Force ? (long?)null : 0,
                MaxBytesRewrittenPerCall = MaxBytesPerCall,
                Retrying = e => PipelineObserver.Retrying(pipeline, e),
                Progress = progress.Report,
            };
            foreach (KeyValuePair<string, string> header in _sourceKeyHeaders)
            {
                rewrite.RequestHeaders.Add(header);
            }

            try
            {
                ObjectResource copy = await rewrite.RewriteAsync(token).ConfigureAwait(false);
                pipeline.WriteVerbose($"Copied {source} to {destination} on the server: {rewrite.TotalBytesRewritten} bytes in {rewrite.CallCount} rewrite call(s).");
                pipeline.WriteObject(GcsObject.From(copy, destination, null, null));
            }
            finally
            {
                progress.Complete();
            }
        }
    }
}
