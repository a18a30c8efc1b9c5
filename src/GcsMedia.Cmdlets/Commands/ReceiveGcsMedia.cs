using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
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

        private readonly Dictionary<string, string> _written = new Dictionary<string, string>(PathComparer);
        private TransferManager? _transfers;

        /// <summary>Windows and macOS file systems usually ignore case; two names differing only in case are one file there.</summary>
        private static StringComparer PathComparer
            => RuntimeInformation.IsOSPlatform(OSPlatform.Linux) ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase;

        private static string LastSegment(string objectName)
        {
            int slash = objectName.LastIndexOf('/');
            return slash < 0 ? objectName : objectName.Substring(slash + 1);
        }

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

            if (Recurse && (Start.HasValue || End.HasValue || ChunkSize.HasValue))
            {
                ThrowTerminatingError(GcsErrors.InvalidArgument(
                    "-Recurse downloads whole objects; it cannot be combined with -Start, -End or -ChunkSize.", Start.HasValue ? "Start" : End.HasValue ? "End" : "ChunkSize", null));
            }

            if (!Recurse)
            {
                foreach (string name in new[] { "Include", "Exclude", "SkipUnchanged" })
                {
                    if (MyInvocation.BoundParameters.ContainsKey(name))
                    {
                        ThrowTerminatingError(GcsErrors.InvalidArgument($"-{name} applies to folder downloads only. Add -Recurse, or remove -{name}.", name, null));
                    }
                }
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
                TransferLimits.CheckDownloadRange(Start, End, ChunkSize);
            }
            catch (ArgumentException ex)
            {
                ThrowTerminatingError(GcsErrors.InvalidArgument(ex, target.ToString()));
            }
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
                if (ParameterSetName == UriSet)
                {
                    (bucket, prefix) = ObjectAddress.ResolveDestination(Uri);
                }
                else
                {
                    GcsObjectRef named = ObjectAddress.Resolve(null, Bucket, ObjectName);
                    (bucket, prefix) = (named.Bucket, named.Name);
                }
            }
            catch (ArgumentException ex)
            {
                ThrowTerminatingError(GcsErrors.InvalidArgument(ex.Message, ex.ParamName ?? "Uri", ParameterSetName == UriSet ? Uri : Bucket));
                return;
            }

            if (prefix.Length > 0 && !prefix.EndsWith("/", StringComparison.Ordinal))
            {
                prefix += "/";
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

            TransferManager transfers = _transfers!;
            int concurrency = MyInvocation.BoundParameters.ContainsKey(nameof(ThrottleLimit)) ? ThrottleLimit : 4;
            var options = new DownloadOptions { Raw = Raw, Checksum = Checksum, Overwrite = Force, SliceConcurrency = concurrency, SliceSize = SliceSize };
            var folder = new FolderOptions
            {
                Include = Include ?? Array.Empty<string>(),
                Exclude = Exclude ?? Array.Empty<string>(),
                MaxConcurrentFiles = concurrency,
                SkipUnchanged = SkipUnchanged,
            };
            FolderSummary? summary = null;
            try
            {
                RunAsync(async (pipeline, token) =>
                {
                    summary = await transfers.DownloadFolderAsync(bucket, prefix, destination, options, folder, new PipelineObserver(pipeline), result => FolderResults.WriteDownload(pipeline, result), token).ConfigureAwait(false);
                });
            }
            catch (PipelineStoppedException)
            {
                throw;
            }
            catch (Exception ex)
            {
                WriteError(GcsErrors.FromException(ex, scope));
            }

            FolderResults.WriteSummary(this, summary, "Receive-GcsMedia ... -Recurse -SkipUnchanged");
        }

        /// <summary>
        /// The file to write: -OutFile, or, when -OutFile is an existing folder, the object's last name segment in it. A
        /// path this invocation already wrote (another object into the same file) is a terminating error.
        /// </summary>
        private string ResolveOutFile(GcsObjectRef target)
        {
            string path = GetUnresolvedProviderPathFromPSPath(OutFile);
            if (Directory.Exists(path))
            {
                string leaf = LastSegment(target.Name);
                if (leaf.Length == 0)
                {
                    ThrowTerminatingError(GcsErrors.InvalidArgument(
                        $"{target} has no file name to use in the folder '{path}' (it ends in '/'). Give -OutFile as a file path.", "OutFile", path));
                }

                path = Path.Combine(path, leaf);
            }

            if (_written.TryGetValue(path, out string? earlier) && earlier != target.ToString())
            {
                ThrowTerminatingError(GcsErrors.Create(
                    new ArgumentException($"{earlier} and {target} would both be written to '{path}'."),
                    "DuplicateOutFile",
                    ErrorCategory.InvalidArgument,
                    path,
                    $"{earlier} was already written to '{path}' by this command; {target} would replace it, so it was not downloaded. " +
                    "Give each object its own -OutFile (pipe objects with an OutFile property, or use a folder as -OutFile)."));
            }

            _written[path] = target.ToString();
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
