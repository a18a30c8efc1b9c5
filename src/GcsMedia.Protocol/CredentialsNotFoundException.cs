using System;

namespace GcsMedia.Protocol
{
    /// <summary>
    /// No credentials could be found: no key file or token was given and the Application Default Credentials chain
    /// (GOOGLE_APPLICATION_CREDENTIALS, gcloud's application_default_credentials.json, the metadata server) found
    /// nothing in time. The message says which sources were tried; it never contains a secret.
    /// </summary>
    public sealed class CredentialsNotFoundException : InvalidOperationException
    {
        public CredentialsNotFoundException(string message, Exception? innerException = null)
            : base(message, innerException)
        {
        }
    }
}
