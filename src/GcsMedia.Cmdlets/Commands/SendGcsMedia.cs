using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using GcsMedia.Protocol;
using GcsMedia.Transfers;

namespace GcsMedia.Cmdlets.Commands
{
    /// <summary>
    /// Send-GcsMedia: uploads files (-Path / -LiteralPath, one object per file, from the pipeline too), text
    /// (-Value, UTF-8) or bytes (-InputObject). A simple upload when no metadata is given, a multipart upload with
    /// -Metadata / -ContentType / -ContentEncoding / -CacheControl, a resumable upload with -Resumable (state file
    /// written before the first chunk, so a rerun or Resume-GcsUpload finishes it). Never overwrites without -Force.
    /// </summary>
    [Cmdlet(VerbsCommunications.Send, "GcsMedia", DefaultParameterSetName = PathSet, SupportsShouldProcess = true)]
    [OutputType(typeof(GcsObject))]
    public sealed class SendGcsMedia : GcsCmdlet
    {
        private const string PathSet = "Path";
        private const string LiteralPathSet = "LiteralPath";
        private const string ValueSet = "Value";
        private const string BytesSet = "InputObject";
        private const string StreamSet = "InputStream";

        [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true)]
        [ValidateNotNullOrEmpty]
        public string[] Path { get; set; } = Array.Empty<string>();

        [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName", "PSPath", "LP")]
        [ValidateNotNullOrEmpty]
        public string[] LiteralPath { get; set; } = Array.Empty<string>();

        [Parameter(Mandatory = true, ParameterSetName = ValueSet)]
        [AllowEmptyString]
        public string Value { get; set; } = string.Empty;

        [Parameter(Mandatory = true, ParameterSetName = BytesSet)]
        [AllowEmptyCollection]
        public byte[] InputObject { get; set; } = Array.Empty<byte>();

        /// <summary>
        /// A stream to upload to its end (a pipe, a process's standard output, a network stream, …): a resumable
        /// upload of unknown size with memory bounded by -ChunkSize; the stream need not seek. It is not closed.
        /// </summary>
        [Parameter(Mandatory = true, ParameterSetName = StreamSet)]
        [ValidateNotNull]
        public Stream? InputStream { get; set; }

        [Parameter(Position = 1)]
        [ValidateNotNullOrEmpty]
        public string? Bucket { get; set; }

        /// <summary>The object name; defaults to the file's name. Ending in '/', a prefix for each file's name.</summary>
        [Parameter]
        [Alias("Name", "Key")]
        [ValidateNotNullOrEmpty]
        public string? ObjectName { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Uri { get; set; }

        [Parameter]
        public Hashtable? Metadata { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? ContentType { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? ContentEncoding { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? CacheControl { get; set; }

        [Parameter]
        public SwitchParameter Resumable { get; set; }

        [Parameter]
        [SizeTransformation]
        public long ChunkSize { get; set; } = TransferLimits.DefaultUploadChunkSize;

        [Parameter]
        public ChecksumType Checksum { get; set; } = ChecksumType.Crc32c;

        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Upload each file as an XML multipart upload whose parts are sent in parallel.</summary>
        [Parameter(ParameterSetName = PathSet)]
        [Parameter(ParameterSetName = LiteralPathSet)]
        public SwitchParameter Parallel { get; set; }

        /// <summary>Bytes per part with -Parallel (5MB to 5GB; default 32MB).</summary>
        [Parameter(ParameterSetName = PathSet)]
        [Parameter(ParameterSetName = LiteralPathSet)]
        [SizeTransformation]
        public long PartSize { get; set; } = UploadOptions.DefaultPartSize;

        /// <summary>Upload the files below each folder of -Path/-LiteralPath, keeping the tree in the object names.</summary>
        [Parameter(ParameterSetName = PathSet)]
        [Parameter(ParameterSetName = LiteralPathSet)]
        public SwitchParameter Recurse { get; set; }

        /// <summary>With -Recurse: only files matching one of these wildcards (a pattern with '/' matches the relative path).</summary>
        [Parameter(ParameterSetName = PathSet)]
        [Parameter(ParameterSetName = LiteralPathSet)]
        [ValidateNotNullOrEmpty]
        public string[]? Include { get; set; }

        /// <summary>With -Recurse: leave out files matching one of these wildcards.</summary>
        [Parameter(ParameterSetName = PathSet)]
        [Parameter(ParameterSetName = LiteralPathSet)]
        [ValidateNotNullOrEmpty]
        public string[]? Exclude { get; set; }

        /// <summary>With -Recurse: skip a file whose object already has the same size and crc32c.</summary>
        [Parameter(ParameterSetName = PathSet)]
        [Parameter(ParameterSetName = LiteralPathSet)]
        public SwitchParameter SkipUnchanged { get; set; }

        /// <summary>Most parts uploading at once with -Parallel, and with -Recurse most files at once (default 8).</summary>
        [Parameter(ParameterSetName = PathSet)]
        [Parameter(ParameterSetName = LiteralPathSet)]
        [Alias("ConcurrentTaskCount")]
        [ValidateRange(1, 64)]
        public int ThrottleLimit { get; set; } = 8;

        /// <summary>A bandwidth cap in bytes per second (e.g. 10MB), shared by all parts and files of this invocation.</summary>
        [Parameter]
        [SizeTransformation]
        public long? MaxBytesPerSecond { get; set; }

        private readonly UploadPlan _plan = new UploadPlan();
        private UploadRequest? _request;
        private TransferManager? _transfers;
        private UploadDestination? _destination;

        private UploadRequest Request => _request ?? throw new InvalidOperationException("BeginProcessing has not run.");

        private TransferManager Transfers => _transfers ?? throw new InvalidOperationException("BeginProcessing has not run.");

        private UploadDestination Destination => _destination ?? throw new InvalidOperationException("BeginProcessing has not run.");

        protected override void BeginProcessing()
        {
            var request = new UploadRequest(MyInvocation.BoundParameters.Keys)
            {
                Recurse = Recurse,
                Parallel = Parallel,
                Resumable = Resumable,
                ContentType = ContentType,
                ContentEncoding = ContentEncoding,
                CacheControl = CacheControl,
                Overwrite = Force,
                Checksum = Checksum,
                ChunkSize = ChunkSize,
                PartSize = PartSize,
                Concurrency = ThrottleLimit,
                MaxBytesPerSecond = MaxBytesPerSecond,
                Include = Include ?? Array.Empty<string>(),
                Exclude = Exclude ?? Array.Empty<string>(),
                SkipUnchanged = SkipUnchanged,
            };
            CheckOptions(request.Check);

            try
            {
                _destination = UploadDestination.Resolve(Uri, Bucket, ObjectName);
            }
            catch (ArgumentException ex)
            {
                ThrowTerminatingError(GcsErrors.InvalidArgument(ex.Message, ex.ParamName ?? "Uri", Uri ?? Bucket));
            }

            try
            {
                request.Metadata = Metadata == null ? null : MpuSupport.ConvertMetadata(Metadata);
            }
            catch (ArgumentException ex)
            {
                ThrowTerminatingError(GcsErrors.InvalidArgument(MpuSupport.Clean(ex), "Metadata", null));
            }

            if ((ParameterSetName == ValueSet || ParameterSetName == BytesSet || ParameterSetName == StreamSet) && Destination.IsPrefix)
            {
                ThrowTerminatingError(GcsErrors.InvalidArgument(
                    "An object name is required with -Value, -InputObject or -InputStream: there is no file name to use, and a -Uri or -ObjectName ending in '/' is a prefix. " +
                    "Give the full name, e.g. -Uri gs://bucket/folder/name.txt.",
                    Uri != null ? "Uri" : "ObjectName",
                    null));
            }

            _request = request;
            base.BeginProcessing();
            _transfers = CreateTransferManager(MaxBytesPerSecond);
        }

        protected override void ProcessRecord()
        {
            switch (ParameterSetName)
            {
                case ValueSet:
                    string text = Value;
                    Upload(Destination.TargetFor(null), $"{new UTF8Encoding(false).GetByteCount(text)} bytes", (transfers, target, options, observer, token) => transfers.UploadTextAsync(text, target, options, observer, token));
                    break;
                case BytesSet:
                    byte[] data = InputObject;
                    Upload(Destination.TargetFor(null), $"{data.Length} bytes", (transfers, target, options, observer, token) => transfers.UploadBytesAsync(data, target, options, observer, token));
                    break;
                case StreamSet:
                    Stream source = InputStream!;
                    if (!source.CanRead)
                    {
                        ThrowTerminatingError(GcsErrors.InvalidArgument(
                            "-InputStream cannot be read (CanRead is false). Give a readable stream, e.g. a process's StandardOutput.BaseStream.", "InputStream", Destination.TargetFor(null).ToString()));
                    }

                    Upload(Destination.TargetFor(null), "a stream of unknown length", (transfers, target, options, observer, token) => transfers.UploadStreamAsync(source, target, options, observer, token));
                    break;
                default:
                    foreach (string file in ResolveFiles())
                    {
                        PlanFile(file);
                    }

                    break;
            }
        }

        /// <summary>Files are uploaded once every source of the invocation is known and no two share an object name.</summary>
        protected override void EndProcessing()
        {
            if (Recurse)
            {
                UploadTree();
            }
            else
            {
                foreach (FileUploadItem planned in _plan.Items)
                {
                    string file = planned.SourcePath;
                    Upload(planned.Target, $"{file} ({new FileInfo(file).Length} bytes)", (transfers, target, options, observer, token) => transfers.UploadFileAsync(file, target, options, observer, token));
                }
            }

            base.EndProcessing();
        }

        /// <summary>Resolves -Path (wildcards) or -LiteralPath on the pipeline thread. A missing file is a terminating error.</summary>
        private List<string> ResolveFiles()
        {
            var files = new List<string>();
            if (ParameterSetName == PathSet)
            {
                foreach (string path in Path)
                {
                    files.AddRange(ResolveFileSystemPaths(path, "Check the path (and that wildcards match at least one file)."));
                }
            }
            else
            {
                foreach (string path in LiteralPath)
                {
                    string resolved = GetUnresolvedProviderPathFromPSPath(path);
                    if (!File.Exists(resolved) && !Directory.Exists(resolved))
                    {
                        ThrowTerminatingError(GcsErrors.FileNotFound("LiteralPath", path, resolved, "Check the path."));
                    }

                    files.Add(resolved);
                }
            }

            return files;
        }

        /// <summary>
        /// Adds a file, or with -Recurse a folder's files, to the invocation's plan. A second, different file for an object
        /// name already planned is a terminating error naming both, raised before any upload starts.
        /// </summary>
        private void PlanFile(string file)
        {
            if (Directory.Exists(file) && !Recurse)
            {
                WriteError(GcsErrors.Create(
                    new IOException($"'{file}' is a directory."), "IsDirectory", ErrorCategory.InvalidArgument, file,
                    $"'{file}' is a directory. Add -Recurse to upload the files below it, keeping the tree in the object names."));
                return;
            }

            try
            {
                if (Directory.Exists(file))
                {
                    foreach (FileUploadItem item in Transfers.PlanFolderUpload(file, Destination.Bucket, Destination.TreePrefix, Request.ToFolderOptions(), new ImmediateObserver(this)))
                    {
                        _plan.Add(item);
                    }
                }
                else
                {
                    _plan.AddFile(file, Destination);
                }
            }
            catch (DuplicateTargetException ex)
            {
                ThrowTerminatingError(GcsErrors.Create(
                    ex,
                    "DuplicateObjectName",
                    ErrorCategory.InvalidArgument,
                    ex.Target,
                    $"'{ex.First}' and '{ex.Second}' would both be uploaded as {ex.Target}, the second replacing the first; nothing was uploaded. " +
                    "Give each file its own -ObjectName or -Uri, or send the folder with -Recurse to keep its tree in the object names."));
            }
        }

        /// <summary>Asks ShouldProcess, then runs one upload and writes its object; a failure is a non-terminating error, so one failed file does not stop the others.</summary>
        private void Upload(GcsObjectRef target, string what, Func<TransferManager, GcsObjectRef, UploadOptions, ITransferObserver, CancellationToken, Task<UploadResult>> upload)
        {
            if (!ShouldProcess(target.ToString(), $"Upload {what}{Replacing}"))
            {
                return;
            }

            TransferManager transfers = Transfers;
            UploadOptions options = Request.ToUploadOptions();
            RunRequests(
                async (pipeline, token) =>
                {
                    UploadResult result = await upload(transfers, target, options, new PipelineObserver(pipeline), token).ConfigureAwait(false);
                    pipeline.WriteObject(GcsObject.From(result.Resource, result.Target, result.SourcePath, result.UploadType));
                },
                ex => GcsErrors.FromException(ex, target.ToString(), preconditionMeansExists: !Force, operation: Resumable ? GcsOperation.ResumableUpload : GcsOperation.Upload));
        }

        private string Replacing => Force ? ", replacing any existing object" : string.Empty;

        /// <summary>
        /// -Recurse: every planned file, -ThrottleLimit at a time under one bandwidth cap; one object (or one
        /// non-terminating error) per file as it finishes, and a summary.
        /// </summary>
        private void UploadTree()
        {
            var approved = _plan.Items.Where(f => ShouldProcess(f.Target.ToString(), $"Upload {f.SourcePath}{Replacing}")).ToList();
            if (approved.Count == 0)
            {
                return;
            }

            TransferManager transfers = Transfers;
            UploadOptions options = Request.ToUploadOptions();
            FolderOptions folder = Request.ToFolderOptions();
            bool force = Force;
            FolderSummary? summary = null;
            RunRequests(
                async (pipeline, token) =>
                {
                    summary = await transfers.UploadFilesAsync(approved, options, folder, new PipelineObserver(pipeline), result => FolderResults.WriteUpload(pipeline, result, force), token).ConfigureAwait(false);
                },
                ex => GcsErrors.FromException(ex, approved[0].Target.ToString(), preconditionMeansExists: !force));
            FolderResults.WriteSummary(this, summary, "Send-GcsMedia ... -Recurse -SkipUnchanged");
        }

        /// <summary>A stopped parallel upload ends once its multipart upload is aborted (the layer gives the abort 30 s).</summary>
        protected override TimeSpan StopGrace => Parallel ? TimeSpan.FromSeconds(31) : base.StopGrace;
    }
}
