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
                credential = await GoogleCredential.GetApplicationDefaultAsync(cancellationToken).ConfigureAwait(false);
            }

            return credential.IsCreateScopedRequired ? credential.CreateScoped(ReadWriteScope) : credential;
        }

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
