using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Security;
using GcsMedia.Protocol;
using GcsMedia.Transfers;

namespace GcsMedia.Cmdlets.Commands
{
    /// <summary>
    /// Resume-GcsUpload: finishes interrupted resumable uploads. From a state file (-StatePath), from the state of a
    /// file's upload (-Path, optionally narrowed by -Bucket/-ObjectName or -Uri), every pending upload (no
    /// arguments), or from a session URI (-SessionUri with -Path). Asks the server how much it kept, sends the rest,
    /// validates the final checksum, removes the state file and outputs the object.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Resume, "GcsUpload", DefaultParameterSetName = AllSet, SupportsShouldProcess = true)]
    [OutputType(typeof(GcsObject))]
    public sealed class ResumeGcsUpload : GcsCmdlet
    {
        private const string AllSet = "All";
        private const string StateSet = "StatePath";
        private const string PathSet = "Path";
        private const string SessionSet = "SessionUri";

        [Parameter(Mandatory = true, ParameterSetName = StateSet, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string[] StatePath { get; set; } = Array.Empty<string>();

        [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipelineByPropertyName = true)]
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = SessionSet, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName", "LiteralPath")]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = string.Empty;

        [Parameter(ParameterSetName = PathSet)]
        [Parameter(ParameterSetName = SessionSet)]
        [ValidateNotNullOrEmpty]
        public string? Bucket { get; set; }

        [Parameter(ParameterSetName = PathSet)]
        [Parameter(ParameterSetName = SessionSet)]
        [Alias("Name", "Key")]
        [ValidateNotNullOrEmpty]
        public string? ObjectName { get; set; }

        [Parameter(ParameterSetName = PathSet)]
        [Parameter(ParameterSetName = SessionSet)]
        [ValidateNotNullOrEmpty]
        public string? Uri { get; set; }

        /// <summary>The session URI (SecureString, or a string converted at once). Never echoed.</summary>
        [Parameter(Mandatory = true, ParameterSetName = SessionSet)]
        [SecureStringTransformation]
        public SecureString? SessionUri { get; set; }

        [Parameter(ParameterSetName = SessionSet)]
        [SizeTransformation]
        public long ChunkSize { get; set; } = TransferLimits.DefaultUploadChunkSize;

        [Parameter(ParameterSetName = SessionSet)]
        public ChecksumType Checksum { get; set; } = ChecksumType.Crc32c;

        [Parameter(ParameterSetName = SessionSet)]
        [ValidateNotNullOrEmpty]
        public string? ContentType { get; set; }

        private TransferManager? _transfers;

        private TransferManager Transfers => _transfers ?? throw new InvalidOperationException("BeginProcessing has not run.");

        protected override void BeginProcessing()
        {
            if (ParameterSetName == SessionSet)
            {
                try
                {
                    TransferLimits.CheckUploadChunkSize(ChunkSize);
                }
                catch (ArgumentException ex)
                {
                    ThrowTerminatingError(GcsErrors.InvalidArgument(ex, ChunkSize));
                }
            }

            base.BeginProcessing();
            _transfers = CreateTransferManager();
        }

        protected override void ProcessRecord()
        {
            IUploadStateStore store = Transfers.StateStore;
            switch (ParameterSetName)
            {
                case StateSet:
                    foreach (string path in StatePath)
                    {
                        string resolved = GetUnresolvedProviderPathFromPSPath(path);
                        if (!File.Exists(resolved))
                        {
                            ThrowTerminatingError(GcsErrors.FileNotFound(
                                "StatePath", path, resolved, $"The upload may have finished already; pending uploads are in {store.Location}.", what: "state file"));
                        }

                        UploadState state;
                        try
                        {
                            state = FileUploadStateStore.Load(resolved);
                        }
                        catch (Exception ex) when (ex is IOException || ex is Newtonsoft.Json.JsonException || ex is UnauthorizedAccessException)
                        {
                            ThrowTerminatingError(GcsErrors.InvalidArgument($"-StatePath '{path}' is not a readable GcsMedia upload state file.", "StatePath", path));
                            return;
                        }

                        Resume(saved: true, state);
                    }

                    break;
                case PathSet:
                    ResumeByPath(store);
                    break;
                case SessionSet:
                    ResumeFromSession();
                    break;
                default:
                    List<UploadState> pending = store.All().ToList();
                    WriteVerbose($"{pending.Count} pending upload(s) in {store.Location}.");
                    foreach (UploadState state in pending)
                    {
                        if (state.Endpoint == Connection.EndpointKey)
                        {
                            Resume(saved: true, state);
                        }
                        else
                        {
                            WriteVerbose($"Skipping the upload of {state.SourcePath} to {state.ObjectUri}: it was started against {state.Endpoint}, not {Connection.EndpointKey}.");
                        }
                    }

                    break;
            }
        }

        private string ResolveSource()
        {
            string path = GetUnresolvedProviderPathFromPSPath(Path);
            if (!File.Exists(path))
            {
                ThrowTerminatingError(GcsErrors.FileNotFound("Path", Path, path, "Give the file whose upload was interrupted."));
            }

            return path;
        }

        private GcsObjectRef? ResolveTarget(bool required)
        {
            if (Uri == null && Bucket == null && ObjectName == null && !required)
            {
                return null;
            }

            try
            {
                return ObjectAddress.Resolve(Uri, Bucket, ObjectName ?? (Bucket != null ? System.IO.Path.GetFileName(Path) : null));
            }
            catch (ArgumentException ex)
            {
                ThrowTerminatingError(GcsErrors.InvalidArgument(ex.Message, ex.ParamName ?? "Uri", Uri ?? Bucket));
                return null;
            }
        }

        private void ResumeByPath(IUploadStateStore store)
        {
            string source = ResolveSource();
            GcsObjectRef? target = ResolveTarget(required: false);
            List<UploadState> matches = store.All()
                .Where(s => string.Equals(s.SourcePath, source, StringComparison.Ordinal)
                            && (target == null || (s.Bucket == target.Bucket && s.ObjectName == target.Name)))
                .ToList();
            if (matches.Count == 0)
            {
                ThrowTerminatingError(GcsErrors.Create(
                    new FileNotFoundException($"No pending upload of '{source}'."), "NoPendingUpload", ErrorCategory.ObjectNotFound, source,
                    $"There is no pending resumable upload of '{source}'{(target != null ? " to " + target : string.Empty)} in {store.Location}. " +
                    "It may have finished already; otherwise start it with Send-GcsMedia -Resumable, or give -SessionUri."));
            }

            foreach (UploadState state in matches)
            {
                Resume(saved: true, state);
            }
        }

        private void ResumeFromSession()
        {
            string source = ResolveSource();
            GcsObjectRef target = ResolveTarget(required: true)!;
            string session = SecretText.ToPlainText(SessionUri!);
            if (!System.Uri.TryCreate(session, UriKind.Absolute, out System.Uri? parsed) || (parsed.Scheme != System.Uri.UriSchemeHttp && parsed.Scheme != System.Uri.UriSchemeHttps))
            {
                // Never echo the value: it is a credential.
                ThrowTerminatingError(GcsErrors.InvalidArgument("-SessionUri is not an absolute http(s) URL (the value is not shown).", "SessionUri", target.ToString()));
            }

            var info = new FileInfo(source);
            var state = new UploadState
            {
                Endpoint = Connection.EndpointKey,
                Bucket = target.Bucket,
                ObjectName = target.Name,
                SourcePath = info.FullName,
                Length = info.Length,
                LastWriteTimeUtcTicks = info.LastWriteTimeUtc.Ticks,
                ChunkSize = ChunkSize,
                Checksum = Checksum.ToString(),
                ContentType = ContentType,
                SessionUri = session,
            };
            Resume(saved: false, state);
        }

        private void Resume(bool saved, UploadState state)
        {
            if (state.Endpoint != Connection.EndpointKey)
            {
                WriteError(GcsErrors.InvalidArgument(
                    $"The upload of {state.SourcePath} to {state.ObjectUri} was started against {state.Endpoint}; resume it with -Endpoint {state.Endpoint}.",
                    "Endpoint",
                    state.ObjectUri));
                return;
            }

            if (!ShouldProcess(state.ObjectUri, $"Resume the upload of {state.SourcePath}"))
            {
                return;
            }

            TransferManager transfers = Transfers;
            RunRequests(
                async (pipeline, token) =>
                {
                    UploadResult result = await transfers.ResumeUploadAsync(state, saved, new PipelineObserver(pipeline), token).ConfigureAwait(false);
                    pipeline.WriteObject(GcsObject.From(result.Resource, result.Target, result.SourcePath, result.UploadType));
                },
                ex => GcsErrors.FromException(ex, state.ObjectUri, operation: GcsOperation.ResumableUpload));
        }
    }
}
