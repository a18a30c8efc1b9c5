using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Security;
using GcsMedia.Protocol;
using GcsMedia.Transfers;

namespace GcsMedia.Cmdlets
{
    /// <summary>
    /// Connection parameters shared by every cmdlet. The endpoint is -Endpoint, else STORAGE_EMULATOR_HOST (both
    /// unauthenticated unless a token or key file is given), else https://storage.googleapis.com with
    /// credentials from -AccessToken, -KeyFile or Application Default Credentials. Everything is validated on the
    /// pipeline thread before any request.
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

        /// <summary>Extra request headers sent with every request (for example x-retry-test-id).</summary>
        [Parameter]
        public IDictionary? Headers { get; set; }

        /// <summary>A customer-supplied AES-256 key, base64 of 32 bytes.</summary>
        [Parameter]
        [SecureStringTransformation]
        public SecureString? EncryptionKey { get; set; }

        /// <summary>The connection, built in BeginProcessing.</summary>
        internal GcsConnection Connection => _connection ?? throw new InvalidOperationException("BeginProcessing has not run.");

        protected override void BeginProcessing()
        {
            _connection = BuildConnection();
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

            var options = new TransportOptions { KeyFile = keyFile };
            if (AccessToken != null)
            {
                options.AccessToken = SecretText.ToPlainText(AccessToken);
            }

            // An endpoint given by -Endpoint or STORAGE_EMULATOR_HOST is an emulator (no Authorization header) unless
            // credentials were given for an https:// endpoint: credentials never travel over plain http.
            bool explicitCredentials = AccessToken != null || keyFile != null;
            if (Endpoint != null)
            {
                options.Endpoint = Endpoint;
                options.Emulator = !explicitCredentials || Endpoint.Scheme == Uri.UriSchemeHttp;
            }
            else
            {
                Uri? fromEnvironment = null;
                try
                {
                    fromEnvironment = TransportOptions.EmulatorEndpointFromEnvironment();
                }
                catch (ArgumentException ex)
                {
                    ThrowTerminatingError(GcsErrors.InvalidArgument(
                        ex.Message + " Set it to the emulator's address, e.g. http://127.0.0.1:9000, or remove it.", EmulatorVariable, null));
                }

                if (fromEnvironment != null)
                {
                    options.Endpoint = fromEnvironment;
                    options.Emulator = !explicitCredentials || fromEnvironment.Scheme == Uri.UriSchemeHttp;
                }
            }

            GcsConnection? connection = null;
            try
            {
                connection = new GcsConnection(options, headers);
            }
            catch (ArgumentException ex)
            {
                ThrowTerminatingError(GcsErrors.InvalidArgument(ex.Message, "Endpoint", options.Endpoint));
            }

            WriteVerbose($"Endpoint {connection!.Urls.Root}, authentication: {connection.AuthKind}" + (EncryptionKey != null ? ", customer-supplied encryption key" : string.Empty) + ".");
            return connection;
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
        internal RetryStrategy CreateRetryStrategy() => new RetryStrategy();

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
                ThrowTerminatingError(GcsErrors.Create(
                    new FileNotFoundException($"Cannot find the file '{path}'.", path), "FileNotFound", ErrorCategory.ObjectNotFound, path,
                    $"-Path '{path}' does not exist. {advice}"));
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
