using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.IO;
using System.Linq;
using System.Management.Automation;
using GcsMedia.Protocol;
using GcsMedia.Transfers;

namespace GcsMedia.Cmdlets.Commands
{
    /// <summary>
    /// Add-GcsMpuPart: uploads parts of a file to a multipart upload (taken by property name from an upload object,
    /// or -Uri/-Bucket/-ObjectName with -UploadId). Every part of the file in parallel (-PartSize, -ThrottleLimit),
    /// or one part (-PartNumber, -Offset, -Length). Each part carries its crc32c in x-goog-hash, is checked against
    /// the server's, and is retried on transient failures (XmlMpuPart). Everything is validated before any request.
    /// Outputs one <see cref="MpuPart"/> per part, in part order, once all of the file's parts are uploaded.
    /// </summary>
    [Cmdlet(VerbsCommon.Add, "GcsMpuPart", DefaultParameterSetName = AllSet, SupportsShouldProcess = true)]
    [OutputType(typeof(MpuPart))]
    public sealed class AddGcsMpuPart : MpuCmdlet
    {
        private const string AllSet = "AllParts";
        private const string OneSet = "OnePart";

        [Parameter(Mandatory = true, Position = 0)]
        [Alias("FullName", "File")]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = string.Empty;

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? Bucket { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("Name", "Key")]
        [ValidateNotNullOrEmpty]
        public string? ObjectName { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Uri { get; set; }

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string UploadId { get; set; } = string.Empty;

        [Parameter]
        [SizeTransformation]
        public long PartSize { get; set; } = UploadOptions.DefaultPartSize;

        [Parameter(ParameterSetName = AllSet)]
        [Alias("ConcurrentTaskCount")]
        [ValidateRange(1, 64)]
        public int ThrottleLimit { get; set; } = 4;

        [Parameter(Mandatory = true, ParameterSetName = OneSet)]
        public int PartNumber { get; set; }

        [Parameter(ParameterSetName = OneSet)]
        [SizeTransformation]
        public long? Offset { get; set; }

        [Parameter(ParameterSetName = OneSet)]
        [SizeTransformation]
        public long? Length { get; set; }

        /// <summary>
        /// A bandwidth cap in bytes per second (e.g. 10MB), shared by all the parts this invocation uploads (every
        /// record and file of the command); hashing a part before sending it is not counted.
        /// </summary>
        [Parameter]
        [SizeTransformation]
        public long? MaxBytesPerSecond { get; set; }

        private TransferManager? _transfers;

        protected override void BeginProcessing()
        {
            try
            {
                TransferLimits.CheckMaxBytesPerSecond(MaxBytesPerSecond);
            }
            catch (ArgumentException ex)
            {
                ThrowTerminatingError(GcsErrors.InvalidArgument(ex, MaxBytesPerSecond));
            }

            base.BeginProcessing();
            _transfers = CreateTransferManager(MaxBytesPerSecond);
        }

        protected override void ProcessRecord()
        {
            // Everything is checked here, on the pipeline thread, before any request.
            GcsObjectRef target;
            try
            {
                target = MpuSupport.ResolveTarget(Uri, Bucket, ObjectName);
                MpuSupport.RequireUploadId(UploadId);
                if (ParameterSetName == OneSet)
                {
                    MpuSupport.ValidatePartNumber(PartNumber);
                }
            }
            catch (ArgumentException ex)
            {
                ThrowTerminatingError(GcsErrors.InvalidArgument(MpuSupport.Clean(ex), ex.ParamName ?? "Uri", Uri ?? Bucket));
                return;
            }

            string file = ResolveFile();
            long fileSize = new FileInfo(file).Length;
            IReadOnlyList<XmlMpuPlannedPart> plan = Array.Empty<XmlMpuPlannedPart>();
            try
            {
                plan = ParameterSetName == OneSet
                    ? new[] { MpuPartPlan.One(file, fileSize, PartNumber, PartSize, Offset, Length) }
                    : MpuPartPlan.All(file, fileSize, PartSize);
            }
            catch (InvalidOptionException ex)
            {
                ThrowTerminatingError(GcsErrors.InvalidArgument(ex, target.ToString()));
            }

            string parts = plan.Count == 1 ? $"part {plan[0].Number}" : $"parts 1-{plan.Count}";
            if (!ShouldProcess(target.ToString(), $"Upload {parts} of '{file}' to the multipart upload {UploadId}"))
            {
                return;
            }

            GcsConnection connection = ConnectionFor(Endpoint);
            TransferManager transfers = _transfers!.ForEndpoint(connection.Client, connection.Urls);
            int concurrency = ParameterSetName == AllSet ? ThrottleLimit : 1;
            string uploadId = UploadId;
            string endpoint = EndpointOf(connection);
            RunRequests(
                async (pipeline, token) =>
                {
                    IReadOnlyList<UploadedPart> parts = await transfers.UploadPartsAsync(target, uploadId, file, plan, concurrency, new PipelineObserver(pipeline), token).ConfigureAwait(false);
                    foreach (UploadedPart part in parts)
                    {
                        pipeline.WriteObject(MpuPart.From(part, target, uploadId, endpoint));
                    }
                },
                ex =>
                {
                    ErrorRecord record = GcsErrors.FromException(ex, target.ToString(), operation: GcsOperation.MultipartUpload);
                    if (ex is CredentialsNotFoundException)
                    {
                        return record;   // no part was tried
                    }

                    string advice = plan.Count > 1
                        ? " No part objects were output for this file. Parts already uploaded stay in the upload: run Add-GcsMpuPart again (a part number uploaded again replaces the earlier part), or abort with Stop-GcsMpu."
                        : " Run the command again: uploading a part number again replaces the earlier part.";
                    record.ErrorDetails = new ErrorDetails(GcsErrors.Redact((record.ErrorDetails?.Message ?? ex.Message) + advice));
                    return record;
                },
                connection);
        }

        private string ResolveFile()
        {
            Collection<string> resolved = ResolveFileSystemPaths(Path, "Check the path of the file to upload in parts.");

            if (resolved.Count != 1)
            {
                ThrowTerminatingError(GcsErrors.InvalidArgument(
                    $"-Path '{Path}' matches {resolved.Count} files; a multipart upload takes exactly one file. Give a path without wildcards.", "Path", Path));
            }

            string file = resolved[0];
            if (Directory.Exists(file))
            {
                ThrowTerminatingError(GcsErrors.InvalidArgument($"-Path '{file}' is a directory; give the file to upload in parts.", "Path", file));
            }

            if (!File.Exists(file))
            {
                ThrowTerminatingError(GcsErrors.FileNotFound("Path", Path, file, "Check the path of the file to upload in parts."));
            }

            return file;
        }
    }
}
