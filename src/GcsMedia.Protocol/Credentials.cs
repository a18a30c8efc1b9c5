using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Google.Apis.Auth.OAuth2;
using Newtonsoft.Json.Linq;

namespace GcsMedia.Protocol
{
    /// <summary>Loads Google credentials for Cloud Storage: a key file, or the Application Default Credentials chain.</summary>
    public static class Credentials
    {
        public const string ReadWriteScope = "https://www.googleapis.com/auth/devstorage.read_write";

        public const string ApplicationCredentialsVariable = "GOOGLE_APPLICATION_CREDENTIALS";

        /// <summary>
        /// A key file (service account or authorized user, via <see cref="CredentialFactory"/> with the type the file declares —
        /// GoogleCredential.FromFile is obsolete in 1.78), else ADC: GOOGLE_APPLICATION_CREDENTIALS, gcloud's
        /// application_default_credentials.json, then the metadata server. Scoped to devstorage.read_write.
        /// </summary>
        /// <param name="waiting">Told, before the one step that can take seconds (probing the metadata server), what it waits for.</param>
        public static async Task<GoogleCredential> LoadAsync(string? keyFile, CancellationToken cancellationToken, Action<string>? waiting = null)
        {
            GoogleCredential credential;
            if (!string.IsNullOrEmpty(keyFile))
            {
                string path = Path.GetFullPath(keyFile);
                if (!File.Exists(path))
                {
                    throw new FileNotFoundException($"The credential key file '{path}' does not exist.", path);
                }

                credential = await FromFileAsync(path, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                credential = await LoadApplicationDefaultAsync(waiting, cancellationToken).ConfigureAwait(false);
            }

            return credential.IsCreateScopedRequired ? credential.CreateScoped(ReadWriteScope) : credential;
        }

        /// <summary>
        /// The ADC chain, in Google's order: GOOGLE_APPLICATION_CREDENTIALS, gcloud's application_default_credentials.json,
        /// then the metadata server (<see cref="MetadataServerProbe"/>: at once when nothing listens, at most its
        /// Timeout when nothing answers). Nothing found is a
        /// <see cref="CredentialsNotFoundException"/>. Walked here rather than through GoogleCredential.GetApplicationDefaultAsync,
        /// which caches its answer for the process: a user who runs `gcloud auth application-default login` after the
        /// error must not have to restart PowerShell.
        /// </summary>
        private static async Task<GoogleCredential> LoadApplicationDefaultAsync(Action<string>? waiting, CancellationToken cancellationToken)
        {
            string? named = Environment.GetEnvironmentVariable(ApplicationCredentialsVariable);
            if (!string.IsNullOrWhiteSpace(named))
            {
                if (!File.Exists(named))
                {
                    throw new CredentialsNotFoundException($"{ApplicationCredentialsVariable} names '{named}', which does not exist.");
                }

                return await FromFileAsync(Path.GetFullPath(named!), cancellationToken).ConfigureAwait(false);
            }

            string? gcloudFile = GcloudCredentialsFile();
            if (gcloudFile != null && File.Exists(gcloudFile))
            {
                return await FromFileAsync(gcloudFile, cancellationToken).ConfigureAwait(false);
            }

            Uri metadataServer = MetadataServerProbe.Address();
            waiting?.Invoke($"checking the metadata server {metadataServer.Authority} (up to {MetadataServerProbe.Timeout.TotalSeconds:0} s)");
            if (!await MetadataServerProbe.IsAvailableAsync(cancellationToken).ConfigureAwait(false))
            {
                cancellationToken.ThrowIfCancellationRequested();
                throw new CredentialsNotFoundException(NotFoundMessage($"no metadata server answered at {metadataServer.Authority} within {MetadataServerProbe.Timeout.TotalSeconds:0} s"));
            }

            return GoogleCredential.FromComputeCredential(new ComputeCredential());
        }

        /// <summary>gcloud's application_default_credentials.json: under CLOUDSDK_CONFIG, else %APPDATA%\gcloud, else ~/.config/gcloud.</summary>
        public static string? GcloudCredentialsFile()
        {
            string? config = Environment.GetEnvironmentVariable("CLOUDSDK_CONFIG");
            if (string.IsNullOrEmpty(config))
            {
                string? appData = Environment.GetEnvironmentVariable("APPDATA");
                string? home = Environment.GetEnvironmentVariable("HOME");
                config = !string.IsNullOrEmpty(appData) ? Path.Combine(appData, "gcloud")
                    : !string.IsNullOrEmpty(home) ? Path.Combine(home, ".config", "gcloud")
                    : null;
            }

            return config == null ? null : Path.Combine(config, "application_default_credentials.json");
        }

        private static async Task<GoogleCredential> FromFileAsync(string path, CancellationToken cancellationToken)
            => await CredentialFactory.FromFileAsync(path, ReadCredentialType(path), cancellationToken).ConfigureAwait(false);

        private static string NotFoundMessage(string? why)
            => $"No Google credentials were found{(why == null ? string.Empty : " (" + why + ")")}: {ApplicationCredentialsVariable} is not set, " +
               "gcloud's application_default_credentials.json does not exist, and no metadata server answered.";

        /// <summary>A token source over a credential; the credential refreshes its token itself, thread-safely.</summary>
        public static Func<CancellationToken, Task<string>> TokenSource(ITokenAccess credential)
            => ct => credential.GetAccessTokenForRequestAsync(null, ct);

        private static string ReadCredentialType(string path)
        {
            try
            {
                JToken? type = JObject.Parse(File.ReadAllText(path))["type"];
                if (type == null || type.Type != Newtonsoft.Json.Linq.JTokenType.String)
                {
                    throw new InvalidDataException($"The credential file '{path}' has no \"type\" field.");
                }

                return (string)type!;
            }
            catch (Newtonsoft.Json.JsonException ex)
            {
                // The parser's message may quote file content (a private key): keep only the position.
                throw new InvalidDataException($"The credential file '{path}' is not valid JSON.", new FormatException(ex.GetType().Name));
            }
        }
    }
}
