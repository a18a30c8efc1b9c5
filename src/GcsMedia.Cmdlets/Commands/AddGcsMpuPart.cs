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
            IReadOnlyList<XmlMpuPlannedPart> plan = ParameterSetName == OneSet ? PlanOne(target, file, fileSize) : PlanAll(target, file, fileSize);
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

        private IReadOnlyList<XmlMpuPlannedPart> PlanAll(GcsObjectRef target, string file, long fileSize)
        {
            try
            {
                return XmlMpuPlan.Split(fileSize, PartSize);
            }
            catch (ArgumentException ex)
            {
                ThrowTerminatingError(GcsErrors.InvalidArgument($"-PartSize {TransferLimits.DescribeSize(PartSize)} for '{file}': {MpuSupport.Clean(ex)}", "PartSize", target.ToString()));
                return Array.Empty<XmlMpuPlannedPart>();
            }
        }

        private IReadOnlyList<XmlMpuPlannedPart> PlanOne(GcsObjectRef target, string file, long fileSize)
        {
            void Fail(string message, string parameter) =>
                ThrowTerminatingError(GcsErrors.InvalidArgument(message, parameter, target.ToString()));

            if (!Offset.HasValue && !Length.HasValue && (PartSize < XmlMpuPlan.MinPartSize || PartSize > XmlMpuPlan.MaxPartSize))
            {
                Fail($"-PartSize {TransferLimits.DescribeSize(PartSize)} is outside GCS's part limits (5 MiB to 5 GiB for every part but the last). Use, for example, -PartSize {TransferLimits.DescribeSize(XmlMpuPlan.SuggestPartSize(fileSize))}.", "PartSize");
            }

            long offset = Offset ?? (PartNumber - 1) * PartSize;
            if (offset < 0)
            {
                Fail($"-Offset {offset} is negative. -Offset is the part's first byte in the file, counted from 0.", "Offset");
            }

            if (offset > fileSize || (offset == fileSize && fileSize > 0))
            {
                Fail($"-Offset {offset} is at or beyond the end of '{file}' ({fileSize} bytes). Part {PartNumber} has no data there; check -PartNumber, -Offset and -PartSize.", Offset.HasValue ? "Offset" : "PartNumber");
            }

            long length = Length ?? Math.Min(PartSize, fileSize - offset);
            if (length < 0 || (length == 0 && fileSize > 0))
            {
                Fail($"-Length {length} must be positive: it is the number of bytes in the part.", "Length");
            }

            if (offset + length > fileSize)
            {
                Fail($"-Offset {offset} plus -Length {length} goes past the end of '{file}' ({fileSize} bytes). Use -Length {fileSize - offset} for the last part.", "Length");
            }

            if (length > XmlMpuPlan.MaxPartSize)
            {
                Fail($"-Length {length} is above GCS's maximum part size of 5 GiB. Split the file into more, smaller parts.", "Length");
            }

            if (length < XmlMpuPlan.MinPartSize && offset + length != fileSize)
            {
                Fail($"-Length {length} is below GCS's minimum of 5 MiB ({XmlMpuPlan.MinPartSize} bytes); only the last part of the file may be smaller. Use a -Length of at least 5MB, or make this part run to the end of the file.", "Length");
            }

            return new[] { new XmlMpuPlannedPart(PartNumber, offset, length) };
        }
    }
}
