using System;

namespace GcsMedia.Cmdlets
{
    /// <summary>Credentials were given for a plain-http endpoint off this machine: they would travel unencrypted.</summary>
    internal sealed class InsecureCredentialsException : InvalidOperationException
    {
        public InsecureCredentialsException(string message)
            : base(message)
        {
        }
    }
}
