using System;
using System.IO;
using System.Linq;
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

        private TransferManager? _transfers;

        protected override void BeginProcessing()
        {
            try
            {
                TransferLimits.CheckMaxBytesPerSecond(MaxBytesPerSecond);
                TransferLimits.CheckSliceSize(SliceSize);
            }
            catch (ArgumentException ex)
            {
                ThrowTerminatingError(GcsErrors.InvalidArgument(ex, ex.ParamName == "SliceSize" ? SliceSize : MaxBytesPerSecond));
            }

            if (ThrottleLimit > 1 && (Start.HasValue || End.HasValue || ChunkSize.HasValue))
            {
                string given = string.Join(", ", new[] { Start.HasValue ? "-Start" : null, End.HasValue ? "-End" : null, ChunkSize.HasValue ? "-ChunkSize" : null }.Where(x => x != null));
                ThrowTerminatingError(GcsErrors.InvalidArgument(
                    $"-ThrottleLimit {ThrottleLimit} (a sliced download) downloads the whole object in parallel ranges, so it cannot be combined with {given}. " +
                    "Remove -ThrottleLimit for a ranged or chunked download, or remove " + given + " to download the whole object in slices.",
                    "ThrottleLimit",
                    ThrottleLimit));
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
                target = ObjectAddress.Resolve(ParameterSetName == UriSet ? Uri : null, Bucket, ObjectName);
            }
            catch (ArgumentException ex)
            {
                ThrowTerminatingError(GcsErrors.InvalidArgument(ex.Message, ex.ParamName ?? "Uri", ParameterSetName == UriSet ? Uri : Bucket));
                return;
            }

            ValidateRange(target);
            string outFile = ResolveOutFile(target);
            bool exists = File.Exists(outFile);
            string action = exists ? $"Download {target}, replacing the existing file" : $"Download {target}";
            if (!ShouldProcess(outFile, action))
            {
                return;
            }

            TransferManager transfers = _transfers!;
            DownloadOptions options = new DownloadOptions
            {
                Start = Start,
                End = End,
                ChunkSize = ChunkSize,
                Raw = Raw,
                Checksum = Checksum,
                Generation = Generation,
                Overwrite = Force,
                SliceConcurrency = ThrottleLimit,
                SliceSize = SliceSize,
            };
            try
            {
                RunAsync(async (pipeline, token) =>
                {
                    FileDownloadResult result = await transfers.DownloadFileAsync(target, outFile, options, new PipelineObserver(pipeline), token).ConfigureAwait(false);
                    pipeline.WriteObject(GcsDownloadResult.From(result));
                });
            }
            catch (PipelineStoppedException)
            {
                throw;
            }
            catch (Exception ex)
            {
                WriteError(GcsErrors.FromException(ex, target.ToString(), operation: GcsOperation.Download));
            }
        }

        private void ValidateRange(GcsObjectRef target)
        {
            if (End.HasValue && End.Value < 0)
            {
                ThrowTerminatingError(GcsErrors.InvalidArgument($"-End {End} is negative. -End is the last byte to download, counted from 0.", "End", target.ToString()));
            }

            if (Start.HasValue && Start.Value < 0 && End.HasValue)
            {
                ThrowTerminatingError(GcsErrors.InvalidArgument(
                    $"-Start {Start} (the last {-Start} bytes) cannot be combined with -End. Remove -End, or give a non-negative -Start.", "End", target.ToString()));
            }

            if (Start.HasValue && End.HasValue && End.Value < Start.Value)
            {
                ThrowTerminatingError(GcsErrors.InvalidArgument(
                    $"-End {End} is before -Start {Start}. -End is the last byte to download (inclusive) and must be at least -Start.", "End", target.ToString()));
            }

            if (ChunkSize.HasValue)
            {
                try
                {
                    TransferLimits.CheckDownloadChunkSize(ChunkSize.Value);
                }
                catch (ArgumentException ex)
                {
                    ThrowTerminatingError(GcsErrors.InvalidArgument(ex, target.ToString()));
                }

                if (Start.HasValue && Start.Value < 0)
                {
                    ThrowTerminatingError(GcsErrors.InvalidArgument(
                        "-Start must not be negative with -ChunkSize: a chunked download needs a known first byte. Remove -ChunkSize to download the last N bytes.", "Start", target.ToString()));
                }
            }
        }

        private string ResolveOutFile(GcsObjectRef target)
        {
            string path = GetUnresolvedProviderPathFromPSPath(OutFile);
            if (Directory.Exists(path))
            {
                ThrowTerminatingError(GcsErrors.InvalidArgument(
                    $"-OutFile '{path}' is a directory. Give a file path, for example {Path.Combine(path, Path.GetFileName(target.Name))}.", "OutFile", path));
            }

            string? folder = Path.GetDirectoryName(path);
            if (!string.IsNullOrEmpty(folder) && !Directory.Exists(folder))
            {
                ThrowTerminatingError(GcsErrors.InvalidArgument(
                    $"-OutFile '{path}': the folder '{folder}' does not exist. Create it first (New-Item -ItemType Directory).", "OutFile", path));
            }

            if (File.Exists(path) && !Force)
            {
                ThrowTerminatingError(GcsErrors.Create(
                    new IOException($"The file '{path}' already exists."),
                    "FileExists",
                    ErrorCategory.ResourceExists,
                    path,
                    $"The file '{path}' already exists. Use -Force to overwrite it, or choose another -OutFile."));
            }

            return path;
        }
    }
}
