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
        /// The longest the Application Default Credentials search may take. Off Google Cloud the last step, probing the
        /// metadata server, would otherwise wait on DNS and connection timeouts.
        /// </summary>
        public static readonly TimeSpan ApplicationDefaultTimeout = TimeSpan.FromSeconds(8);

        /// <summary>
        /// A key file (service account or authorized user, via <see cref="CredentialFactory"/> with the type the file declares —
        /// GoogleCredential.FromFile is obsolete in 1.78), else ADC: GOOGLE_APPLICATION_CREDENTIALS, gcloud's
        /// application_default_credentials.json, then the metadata server. Scoped to devstorage.read_write.
        /// </summary>
        public static async Task<GoogleCredential> LoadAsync(string? keyFile, CancellationToken cancellationToken)
        {
            GoogleCredential credential;
            if (!string.IsNullOrEmpty(keyFile))
            {
                string path = Path.GetFullPath(keyFile);
                if (!File.Exists(path))
                {
                    throw new FileNotFoundException($"The credential key file '{path}' does not exist.", path);
                }

                string type = ReadCredentialType(path);
                credential = await CredentialFactory.FromFileAsync(path, type, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                credential = await LoadApplicationDefaultAsync(cancellationToken).ConfigureAwait(false);
            }

            return credential.IsCreateScopedRequired ? credential.CreateScoped(ReadWriteScope) : credential;
        }

        /// <summary>
        /// The ADC chain, bounded by <see cref="ApplicationDefaultTimeout"/>; nothing found (or a timeout) is a
        /// <see cref="CredentialsNotFoundException"/>.
        /// </summary>
        private static async Task<GoogleCredential> LoadApplicationDefaultAsync(CancellationToken cancellationToken)
        {
            string? named = Environment.GetEnvironmentVariable(ApplicationCredentialsVariable);
            if (!string.IsNullOrWhiteSpace(named) && !File.Exists(named))
            {
                throw new CredentialsNotFoundException($"{ApplicationCredentialsVariable} names '{named}', which does not exist.");
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ApplicationDefaultTimeout);
            Task<GoogleCredential> search = GoogleCredential.GetApplicationDefaultAsync(timeout.Token);
            Task finished = await Task.WhenAny(search, Task.Delay(ApplicationDefaultTimeout + TimeSpan.FromSeconds(1), cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            if (finished != search)
            {
                _ = search.ContinueWith(t => t.Exception, TaskScheduler.Default);
                throw new CredentialsNotFoundException(NotFoundMessage($"the search timed out after {ApplicationDefaultTimeout.TotalSeconds:0} s"));
            }

            try
            {
                return await search.ConfigureAwait(false);
            }
            catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw new CredentialsNotFoundException(NotFoundMessage($"the search timed out after {ApplicationDefaultTimeout.TotalSeconds:0} s"), ex);
            }
            catch (InvalidOperationException ex)
            {
                throw new CredentialsNotFoundException(NotFoundMessage(null), ex);
            }
        }

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
