using System;
using System.Collections.Generic;
using System.Management.Automation;
using GcsMedia.Protocol;

namespace GcsMedia.Cmdlets
{
    /// <summary>
    /// Base for the MPU cmdlets that take an upload (or its parts) from the pipeline: -Endpoint also binds by
    /// property name, so an upload object made against one endpoint (an emulator, GCS) is continued against the
    /// same one, even in another process. With -AccessToken or -KeyFile, a piped endpoint other than the command's
    /// own is refused: credentials are never sent to a host that only came from pipeline data. The connection built by <see cref="GcsCmdlet"/> in BeginProcessing (from
    /// -Endpoint or STORAGE_EMULATOR_HOST, with -AccessToken/-KeyFile/-Headers/-EncryptionKey) serves every record
    /// on that endpoint; a record naming another endpoint gets its own connection, built the same way, once.
    /// </summary>
    public abstract class MpuCmdlet : GcsCmdlet
    {
        private readonly Dictionary<string, GcsConnection> _connections = new Dictionary<string, GcsConnection>(StringComparer.OrdinalIgnoreCase);
        private GcsConnection? _initial;

        /// <summary>The storage endpoint; binds by property name from upload and part objects.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public new Uri? Endpoint
        {
            get => base.Endpoint;
            set => base.Endpoint = value;
        }

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            _initial = Connection;
            _connections[_initial.Urls.Root] = _initial;
        }

        /// <summary>The connection for an endpoint (null: the one from the command line / environment).</summary>
        internal GcsConnection ConnectionFor(Uri? endpoint)
        {
            GcsConnection initial = _initial ?? throw new InvalidOperationException("BeginProcessing has not run.");
            if (endpoint == null)
            {
                return initial;
            }

            if (!endpoint.IsAbsoluteUri)
            {
                ThrowTerminatingError(GcsErrors.InvalidArgument(
                    $"-Endpoint '{endpoint}' is not an absolute URL. Give it as http(s)://host[:port], e.g. https://storage.googleapis.com.", "Endpoint", endpoint));
            }

            string root = new StorageUrls(endpoint).Root;
            if (_connections.TryGetValue(root, out GcsConnection? existing))
            {
                return existing;
            }

            if (AccessToken != null || KeyFile != null)
            {
                // Credentials go only to an endpoint the user named (-Endpoint, STORAGE_EMULATOR_HOST, the default), never to
                // one that arrived with pipeline data (an imported upload object could name any host).
                ThrowTerminatingError(GcsErrors.Create(
                    new ArgumentException($"The piped Endpoint '{root}' differs from this command's endpoint '{initial.Urls.Root}'.", "Endpoint"),
                    "EndpointMismatch",
                    ErrorCategory.SecurityError,
                    root,
                    $"The upload's Endpoint '{root}' differs from this command's endpoint '{initial.Urls.Root}', and -AccessToken/-KeyFile credentials are sent only to an endpoint given on the command line. " +
                    $"If you trust it, add -Endpoint {root} to the command."));
            }

            // GcsCmdlet builds its connection from the current parameter values; Endpoint now holds this record's.
            Uri? saved = base.Endpoint;
            base.Endpoint = endpoint;
            try
            {
                base.BeginProcessing();
            }
            finally
            {
                base.Endpoint = saved;
            }

            GcsConnection connection = Connection;
            _connections[root] = connection;
            return connection;
        }

        /// <summary>A key for grouping by endpoint: the normalised root, or "" for the command line / environment one.</summary>
        internal static string EndpointKey(Uri? endpoint)
            => endpoint == null ? string.Empty : endpoint.IsAbsoluteUri ? new StorageUrls(endpoint).Root : endpoint.OriginalString;

        /// <summary>The endpoint root to report in output objects.</summary>
        internal static string EndpointOf(GcsConnection connection) => connection.Urls.Root;

        /// <summary>
        /// The upload's object from -Uri or -Bucket/-ObjectName, with an upload id required; bad values are a
        /// terminating error naming the parameter, before any request.
        /// </summary>
        protected GcsObjectRef ResolveUploadTarget(string? uri, string? bucket, string? objectName, string? uploadId)
        {
            try
            {
                GcsObjectRef target = MpuSupport.ResolveTarget(uri, bucket, objectName);
                MpuSupport.RequireUploadId(uploadId);
                return target;
            }
            catch (ArgumentException ex)
            {
                ThrowTerminatingError(GcsErrors.InvalidArgument(MpuSupport.Clean(ex), ex.ParamName ?? "Uri", uri ?? bucket));
                throw;
            }
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                GcsConnection? current = null;
                try
                {
                    current = Connection;
                }
                catch (InvalidOperationException)
                {
                }

                foreach (GcsConnection connection in _connections.Values)
                {
                    if (!ReferenceEquals(connection, current))
                    {
                        connection.Dispose();
                    }
                }

                _connections.Clear();
            }

            base.Dispose(disposing);
        }
    }
}
