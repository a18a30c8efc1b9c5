using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Security;
using System.Threading;
using System.Threading.Tasks;
using GcsMedia.Protocol;
using GcsMedia.Transfers;

namespace GcsMedia.Cmdlets
{
    /// <summary>
    /// Connection parameters shared by every cmdlet: the endpoint (-Endpoint, else STORAGE_EMULATOR_HOST, else
    /// https://storage.googleapis.com), the credentials (<see cref="CredentialRule"/>) and the retry limit
    /// (-RetryTimeout). Everything is validated on the pipeline thread before any request.
    /// </summary>
    public abstract class GcsCmdlet : AsyncPSCmdlet
    {
        public const string EmulatorVariable = "STORAGE_EMULATOR_HOST";

        private GcsConnection? _connection;

        /// <summary>The storage endpoint, e.g. http://127.0.0.1:9000 for an emulator.</summary>
        [Parameter]
        [ValidateNotNull]
        public Uri? Endpoint { get; set; }

        /// <summary>An OAuth2 access token (SecureString, or a string converted at once).</summary>
        [Parameter]
        [SecureStringTransformation]
        public SecureString? AccessToken { get; set; }

        /// <summary>A service-account JSON key file.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? KeyFile { get; set; }

        /// <summary>Send no credentials (public objects); conflicts with -AccessToken and -KeyFile.</summary>
        [Parameter]
        public SwitchParameter Anonymous { get; set; }

        /// <summary>How long the command keeps retrying transient failures, in all: seconds or a TimeSpan.</summary>
        [Parameter]
        [SecondsTransformation]
        public TimeSpan? RetryTimeout { get; set; }

        /// <summary>Extra request headers sent with every request (for example x-retry-test-id).</summary>
        [Parameter]
        public IDictionary? Headers { get; set; }

        /// <summary>A customer-supplied AES-256 key, base64 of 32 bytes.</summary>
        [Parameter]
        [SecureStringTransformation]
        public SecureString? EncryptionKey { get; set; }

        /// <summary>The connection, built in BeginProcessing.</summary>
        internal GcsConnection Connection => _connection ?? throw new InvalidOperationException("BeginProcessing has not run.");

        /// <summary>Reports this invocation's retries (warning once, progress while waiting).</summary>
        internal RetryReporter? RetryReporter { get; private set; }

        /// <summary>A retry strategy with the limit of the cmdlet behind <paramref name="pipeline"/> (for code that has no connection at hand).</summary>
        internal static RetryStrategy RetryStrategyFor(AsyncPipeline pipeline)
            => (pipeline.Cmdlet as GcsCmdlet)?._connection?.CreateRetryStrategy() ?? new RetryStrategy();

        /// <summary>Runs the transfer layer's parameter-combination check: a refusal ends the command before any request.</summary>
        protected void CheckOptions(Action check)
        {
            try
            {
                check();
            }
            catch (InvalidOptionException ex)
            {
                ThrowTerminatingError(GcsErrors.InvalidArgument(ex, ex.Value));
            }
        }

        protected override void BeginProcessing()
        {
            _connection = BuildConnection();
            RetryReporter = new RetryReporter(_connection.RetryTimeout);
        }

        private GcsConnection BuildConnection()
        {
            var headers = new List<KeyValuePair<string, string>>();
            if (Headers != null)
            {
                foreach (DictionaryEntry entry in Headers)
                {
                    string name = Convert.ToString(entry.Key) ?? string.Empty;
                    if (name.Length == 0 || name.IndexOfAny(new[] { ' ', ':', '\r', '\n' }) >= 0)
                    {
                        ThrowTerminatingError(GcsErrors.InvalidArgument($"-Headers has an invalid header name '{name}'.", "Headers", name));
                    }

                    object? value = entry.Value is PSObject ps ? ps.BaseObject : entry.Value;
                    headers.Add(new KeyValuePair<string, string>(name, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty));
                }
            }

            if (EncryptionKey != null)
            {
                try
                {
                    headers.AddRange(CustomerEncryptionKey.Parse(EncryptionKey).Headers());
                }
                catch (ArgumentException ex)
                {
                    ThrowTerminatingError(GcsErrors.InvalidArgument(ex.Message, "EncryptionKey", null));
                }
            }

            string? keyFile = null;
            if (KeyFile != null)
            {
                keyFile = GetUnresolvedProviderPathFromPSPath(KeyFile);
                if (!File.Exists(keyFile))
                {
                    ThrowTerminatingError(GcsErrors.InvalidArgument(
                        $"-KeyFile '{KeyFile}' does not exist. Give the path of a service-account JSON key file.", "KeyFile", KeyFile));
                }
            }

            if (Anonymous && (AccessToken != null || KeyFile != null))
            {
                ThrowTerminatingError(GcsErrors.InvalidArgument(
                    "-Anonymous sends no credentials, so it cannot be combined with -AccessToken or -KeyFile. Use one or the other.", "Anonymous", null));
            }

            TimeSpan retryTimeout = RetryTimeout ?? TimeSpan.FromSeconds(new RetryStrategy().MaxCumulativeRetry ?? RetryStrategy.DefaultMaxCumulativeRetry);
            if (retryTimeout < TimeSpan.Zero)
            {
                ThrowTerminatingError(GcsErrors.InvalidArgument(
                    $"-RetryTimeout {RetryTimeout} is negative. Give the seconds the command may spend retrying (0: no retries).", "RetryTimeout", RetryTimeout));
            }

            if (Endpoint != null && (!Endpoint.IsAbsoluteUri || (Endpoint.Scheme != Uri.UriSchemeHttps && Endpoint.Scheme != Uri.UriSchemeHttp)))
            {
                ThrowTerminatingError(GcsErrors.InvalidArgument(
                    $"-Endpoint '{Endpoint}' must be an absolute http(s) URL, e.g. https://storage.googleapis.com or http://127.0.0.1:9000.", "Endpoint", Endpoint));
            }

            Uri? endpoint = Endpoint;
            bool endpointFromEnvironment = false;
            if (endpoint == null)
            {
                try
                {
                    endpoint = TransportOptions.EmulatorEndpointFromEnvironment();
                    endpointFromEnvironment = endpoint != null;
                }
                catch (ArgumentException ex)
                {
                    ThrowTerminatingError(GcsErrors.InvalidArgument(
                        ex.Message + " Set it to the emulator's address, e.g. http://127.0.0.1:9000, or remove it.", EmulatorVariable, null));
                }
            }

            var options = new TransportOptions { KeyFile = keyFile, Endpoint = endpoint };
            if (AccessToken != null)
            {
                options.AccessToken = SecretText.ToPlainText(AccessToken);
            }

            string credentialSource = string.Empty;
            try
            {
                credentialSource = CredentialRule.Apply(options, endpointFromEnvironment, Anonymous);
            }
            catch (InsecureCredentialsException ex)
            {
                ThrowTerminatingError(GcsErrors.Create(ex, "InsecureCredentials", ErrorCategory.SecurityError, endpoint?.GetLeftPart(UriPartial.Authority), ex.Message));
            }

            GcsConnection? connection = null;
            try
            {
                connection = new GcsConnection(options, headers, credentialSource, retryTimeout, logRequests: DebugRequested);
            }
            catch (ArgumentException ex)
            {
                ThrowTerminatingError(GcsErrors.InvalidArgument(ex.Message, "Endpoint", options.Endpoint));
            }

            WriteVerbose($"Endpoint {connection!.Urls.Root}, credentials: {connection.CredentialSource}" + (EncryptionKey != null ? ", customer-supplied encryption key" : string.Empty) +
                         $", retries for up to {retryTimeout.TotalSeconds:0.#} s.");
            return connection;
        }

        protected override void OnPipelineStarting(AsyncPipeline pipeline)
        {
            if (_connection?.RequestLog != null)
            {
                _connection.RequestLog.Sink = pipeline.WriteDebug;
            }
        }

        protected override void OnPipelineEnding(AsyncPipeline pipeline)
        {
            RetryReporter?.CompleteAll(pipeline);
            if (_connection?.RequestLog != null)
            {
                _connection.RequestLog.Sink = null;
            }
        }

        /// <summary>
        /// The transfer layer over this command's connection: progress activities named after the command, one
        /// bandwidth cap for everything the command transfers, and the retry strategy every transfer uses.
        /// </summary>
        internal TransferManager CreateTransferManager(long? maxBytesPerSecond = null)
            => new TransferManager(Connection.Client, Connection.Urls, new TransferManagerOptions
            {
                MaxBytesPerSecond = maxBytesPerSecond,
                ProgressLabel = MyInvocation.MyCommand.Name,
                RetryStrategyFactory = CreateRetryStrategy,
            });

        /// <summary>The retry strategy of every request sequence the command makes (the one place to change retry settings).</summary>
        internal RetryStrategy CreateRetryStrategy() => Connection.CreateRetryStrategy();

        /// <summary>
        /// Runs requests of the command (a file, an object, a folder run, a listing) on the worker once the credentials of
        /// <paramref name="connection"/> (default: the command's) are found, and reports a failure as the ErrorRecord
        /// <paramref name="failure"/> makes of it (<see cref="ReportFailure"/>); without <paramref name="failure"/> other
        /// exceptions are rethrown.
        /// </summary>
        internal void RunRequests(Func<AsyncPipeline, CancellationToken, Task> work, Func<Exception, ErrorRecord>? failure, GcsConnection? connection = null)
        {
            try
            {
                RunAsync(AfterCredentials(work, connection));
            }
            catch (PipelineStoppedException)
            {
                throw;
            }
            catch (Exception ex) when (failure != null || ex is CredentialsNotFoundException)
            {
                ReportFailure(ex, failure?.Invoke(ex) ?? GcsErrors.FromException(ex, null));
            }
        }

        /// <summary><paramref name="work"/>, preceded by finding the credentials (<see cref="CredentialCheck"/>), for <see cref="AsyncPSCmdlet.RunAsync"/>.</summary>
        internal Func<AsyncPipeline, CancellationToken, Task> AfterCredentials(Func<AsyncPipeline, CancellationToken, Task> work, GcsConnection? connection = null)
        {
            GcsConnection credentials = connection ?? Connection;
            return async (pipeline, token) =>
            {
                await CredentialCheck.EnsureAsync(credentials, pipeline, token).ConfigureAwait(false);
                await work(pipeline, token).ConfigureAwait(false);
            };
        }

        /// <summary>
        /// Writes the failure of one file, object or record as a non-terminating error, so that one failure does not stop
        /// the others. Missing credentials are the exception: they belong to the command, not to a file, so, like the other
        /// credential problems (GcsMedia.InsecureCredentials, a missing -KeyFile), they end the command with one terminating
        /// error, found before any file of a folder run, or any later file or piped object, is tried.
        /// </summary>
        internal void ReportFailure(Exception exception, ErrorRecord record)
        {
            if ((exception is AggregateException aggregate ? aggregate.GetBaseException() : exception) is CredentialsNotFoundException)
            {
                ThrowTerminatingError(record);
            }

            WriteError(record);
        }

        /// <summary>
        /// Resolves a -Path (wildcards allowed) to file system paths on the pipeline thread; a path that matches
        /// nothing or is not on the file system is a terminating error naming -Path, with <paramref name="advice"/>.
        /// </summary>
        protected System.Collections.ObjectModel.Collection<string> ResolveFileSystemPaths(string path, string advice)
        {
            try
            {
                var resolved = GetResolvedProviderPathFromPSPath(path, out ProviderInfo provider);
                if (provider.Name != "FileSystem")
                {
                    ThrowTerminatingError(GcsErrors.InvalidArgument($"-Path '{path}' is not a file system path.", "Path", path));
                }

                return resolved;
            }
            catch (ItemNotFoundException)
            {
                ThrowTerminatingError(GcsErrors.FileNotFound("Path", path, path, advice));
                return new System.Collections.ObjectModel.Collection<string>();
            }
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _connection?.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
