using System;
using System.IO;
using System.Management.Automation;
using GcsMedia.Protocol;
using GcsMedia.Transfers;

namespace GcsMedia.Cmdlets.Commands
{
    /// <summary>
    /// Receive-GcsMedia: downloads an object (whole, a byte range, or in chunks) to a file. Bytes go to
    /// &lt;OutFile&gt;.partial, which is renamed once the download is complete and verified. An interrupted whole
    /// download keeps the .partial (and a small .partial.json naming the object generation) so a rerun continues it.
    /// Always outputs a <see cref="GcsDownloadResult"/>.
    /// </summary>
    [Cmdlet(VerbsCommunications.Receive, "GcsMedia", DefaultParameterSetName = UriSet, SupportsShouldProcess = true)]
    [OutputType(typeof(GcsDownloadResult))]
    public sealed class ReceiveGcsMedia : GcsCmdlet
    {
        private const string UriSet = "Uri";
        private const string ObjectSet = "Object";

        [Parameter(Mandatory = true, Position = 0, ParameterSetName = UriSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Uri { get; set; } = string.Empty;

        [Parameter(Mandatory = true, ParameterSetName = ObjectSet, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Bucket { get; set; } = string.Empty;

        [Parameter(Mandatory = true, ParameterSetName = ObjectSet, ValueFromPipelineByPropertyName = true)]
        [Alias("Name", "Key")]
        [ValidateNotNullOrEmpty]
        public string ObjectName { get; set; } = string.Empty;

        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [Alias("Destination")]
        [ValidateNotNullOrEmpty]
        public string OutFile { get; set; } = string.Empty;

        /// <summary>First byte (0-based). Negative: the last N bytes.</summary>
        [Parameter]
        public long? Start { get; set; }

        /// <summary>Last byte, inclusive.</summary>
        [Parameter]
        public long? End { get; set; }

        [Parameter]
        [SizeTransformation]
        public long? ChunkSize { get; set; }

        [Parameter]
        public SwitchParameter Raw { get; set; }

        [Parameter]
        public ChecksumType Checksum { get; set; } = ChecksumType.Crc32c;

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateRange(1, long.MaxValue)]
        public long? Generation { get; set; }

        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>
        /// Most byte ranges downloaded at once. 1 (the default) is one stream; above 1 a whole download of an object
        /// larger than -SliceSize is split into slices written in parallel into the .partial file.
        /// </summary>
        [Parameter]
        [Alias("ConcurrentTaskCount")]
        [ValidateRange(1, 64)]
        public int ThrottleLimit { get; set; } = 1;

        /// <summary>Bytes per slice of a sliced download (at least 1MB; default 32MB).</summary>
        [Parameter]
        [SizeTransformation]
        public long SliceSize { get; set; } = SlicedDownload.DefaultSliceSize;

        /// <summary>A bandwidth cap in bytes per second (e.g. 10MB), shared by all slices of this invocation.</summary>
        [Parameter]
        [SizeTransformation]
        public long? MaxBytesPerSecond { get; set; }

        /// <summary>Download every object below the -Uri (or -Bucket/-ObjectName) prefix into the -OutFile (-Destination) folder, keeping the tree.</summary>
        [Parameter]
        public SwitchParameter Recurse { get; set; }

        /// <summary>With -Recurse: only objects whose relative name matches one of these wildcards (a pattern with '/' matches the relative path).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? Include { get; set; }

        /// <summary>With -Recurse: leave out objects matching one of these wildcards.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? Exclude { get; set; }

        /// <summary>With -Recurse: skip an object whose local file already has the same size and crc32c.</summary>
        [Parameter]
        public SwitchParameter SkipUnchanged { get; set; }

        private readonly DownloadFilePlan _files = new DownloadFilePlan();
        private DownloadRequest? _request;
        private TransferManager? _transfers;

        private DownloadRequest Request => _request ?? throw new InvalidOperationException("BeginProcessing has not run.");

        private TransferManager Transfers => _transfers ?? throw new InvalidOperationException("BeginProcessing has not run.");

        protected override void BeginProcessing()
        {
            var request = new DownloadRequest(MyInvocation.BoundParameters.Keys)
            {
                Start = Start,
                End = End,
                ChunkSize = ChunkSize,
                Raw = Raw,
                Checksum = Checksum,
                Overwrite = Force,
                Concurrency = ThrottleLimit,
                SliceSize = SliceSize,
                MaxBytesPerSecond = MaxBytesPerSecond,
                Recurse = Recurse,
                Include = Include ?? Array.Empty<string>(),
                Exclude = Exclude ?? Array.Empty<string>(),
                SkipUnchanged = SkipUnchanged,
            };
            CheckOptions(request.Check);

            _request = request;
            base.BeginProcessing();
            _transfers = CreateTransferManager(MaxBytesPerSecond);
        }

        protected override void ProcessRecord()
        {
            if (Recurse)
            {
                DownloadTree();
                return;
            }

            // Everything is checked here, on the pipeline thread, before any request.
            GcsObjectRef target;
            try
            {
                target = ObjectAddress.Resolve(ParameterSetName == UriSet ? Uri : null, Bucket, ObjectName);
            }
            catch (ArgumentException ex)
            {
                ThrowTerminatingError(GcsErrors.InvalidArgument(ex.Message, ex.ParamName ?? "Uri", ParameterSetName == UriSet ? Uri : Bucket));
                return;
            }

            try
            {
                Request.CheckRange();
            }
            catch (ArgumentException ex)
            {
                ThrowTerminatingError(GcsErrors.InvalidArgument(ex, target.ToString()));
            }

            string outFile = PlanOutFile(target);
            string action = File.Exists(outFile) ? $"Download {target}, replacing the existing file" : $"Download {target}";
            if (!ShouldProcess(outFile, action))
            {
                return;
            }

            TransferManager transfers = Transfers;
            Request.Generation = Generation;   // per record: it binds from the pipeline by property name
            DownloadOptions options = Request.ToDownloadOptions();
            RunRequests(
                async (pipeline, token) =>
                {
                    FileDownloadResult result = await transfers.DownloadFileAsync(target, outFile, options, new PipelineObserver(pipeline), token).ConfigureAwait(false);
                    pipeline.WriteObject(GcsDownloadResult.From(result));
                },
                ex => GcsErrors.FromException(ex, target.ToString(), operation: GcsOperation.Download));
        }

        /// <summary>
        /// -Recurse: every object below the prefix into the destination folder (created if missing), -ThrottleLimit
        /// objects at once (4 unless given); one result (or one non-terminating error) per object, and a summary.
        /// </summary>
        private void DownloadTree()
        {
            string bucket;
            string prefix;
            try
            {
                (bucket, prefix) = ObjectAddress.ResolveFolder(ParameterSetName == UriSet ? Uri : null, Bucket, ObjectName);
            }
            catch (ArgumentException ex)
            {
                ThrowTerminatingError(GcsErrors.InvalidArgument(ex.Message, ex.ParamName ?? "Uri", ParameterSetName == UriSet ? Uri : Bucket));
                return;
            }

            string destination = GetUnresolvedProviderPathFromPSPath(OutFile);
            if (File.Exists(destination))
            {
                ThrowTerminatingError(GcsErrors.InvalidArgument($"-OutFile (-Destination) '{destination}' is a file; -Recurse needs a folder (it is created if missing).", "OutFile", destination));
            }

            string scope = $"gs://{bucket}/{prefix}";
            if (!ShouldProcess(destination, $"Download every object below {scope}{(Force ? ", replacing existing files" : string.Empty)}"))
            {
                return;
            }

            TransferManager transfers = Transfers;
            DownloadOptions options = Request.ToFolderDownloadOptions();
            FolderOptions folder = Request.ToFolderOptions();
            FolderSummary? summary = null;
            RunRequests(
                async (pipeline, token) =>
                {
                    summary = await transfers.DownloadFolderAsync(bucket, prefix, destination, options, folder, new PipelineObserver(pipeline), result => FolderResults.WriteDownload(pipeline, result), token).ConfigureAwait(false);
                },
                ex => GcsErrors.FromException(ex, scope));
            FolderResults.WriteSummary(this, summary, "Receive-GcsMedia ... -Recurse -SkipUnchanged");
        }

        /// <summary>The file for <paramref name="target"/> (<see cref="DownloadFilePlan"/>); its refusals become terminating errors.</summary>
        private string PlanOutFile(GcsObjectRef target)
        {
            string path = GetUnresolvedProviderPathFromPSPath(OutFile);
            try
            {
                return _files.Add(path, target, Force);
            }
            catch (InvalidOptionException ex)
            {
                ThrowTerminatingError(GcsErrors.InvalidArgument(ex, ex.Value));
            }
            catch (DuplicateTargetException ex)
            {
                ThrowTerminatingError(GcsErrors.Create(
                    new ArgumentException($"{ex.First} and {ex.Second} would both be written to '{ex.Target}'."),
                    "DuplicateOutFile",
                    ErrorCategory.InvalidArgument,
                    ex.Target,
                    $"{ex.First} was already written to '{ex.Target}' by this command; {ex.Second} would replace it, so it was not downloaded. " +
                    "Give each object its own -OutFile (pipe objects with an OutFile property, or use a folder as -OutFile)."));
            }
            catch (MissingFolderException ex)
            {
                ThrowTerminatingError(GcsErrors.InvalidArgument(
                    $"-OutFile '{ex.Path}': the folder '{ex.Folder}' does not exist. Create it first (New-Item -ItemType Directory).", "OutFile", ex.Path));
            }
            catch (ObjectExistsException ex)
            {
                ThrowTerminatingError(GcsErrors.Create(
                    new IOException($"The file '{ex.Target}' already exists."),
                    "FileExists",
                    ErrorCategory.ResourceExists,
                    ex.Target,
                    $"The file '{ex.Target}' already exists. Use -Force to overwrite it, or choose another -OutFile."));
            }

            return path;
        }
    }
}
