using System;
using System.IO;
using GcsMedia.Protocol;

namespace GcsMedia.Cmdlets
{
    /// <summary>
    /// The one rule that decides which credentials a command sends (README "Authentication", about_GcsMedia):
    /// <list type="bullet">
    /// <item>-Anonymous: none, to any endpoint (conflicts with -AccessToken/-KeyFile, checked by the caller).</item>
    /// <item>-AccessToken or -KeyFile: sent to https:// endpoints, and to http:// ones only when the host is this
    /// machine (localhost, 127.0.0.0/8, ::1); any other http:// endpoint is an <see cref="InsecureCredentialsException"/>.</item>
    /// <item>No credentials given, endpoint from STORAGE_EMULATOR_HOST or an http:// -Endpoint: an emulator, none sent.</item>
    /// <item>Otherwise (Google's endpoint or an https:// -Endpoint): Application Default Credentials.</item>
    /// </list>
    /// </summary>
    internal static class CredentialRule
    {
        /// <summary>Sets <see cref="TransportOptions.Emulator"/>/<see cref="TransportOptions.Anonymous"/>; returns the source, for -Verbose.</summary>
        public static string Apply(TransportOptions options, bool endpointFromEnvironment, bool anonymous)
        {
            Uri? endpoint = options.Endpoint;
            bool plainHttp = endpoint != null && endpoint.Scheme == Uri.UriSchemeHttp;
            if (anonymous)
            {
                options.Anonymous = true;
                options.Emulator = endpointFromEnvironment || plainHttp;
                return "none (-Anonymous)";
            }

            bool explicitCredentials = options.AccessToken != null || options.KeyFile != null;
            if (explicitCredentials)
            {
                string given = options.AccessToken != null ? "-AccessToken" : "-KeyFile";
                if (plainHttp && !TransportOptions.IsLoopback(endpoint!))
                {
                    string from = endpointFromEnvironment ? GcsCmdlet.EmulatorVariable : "-Endpoint";
                    throw new InsecureCredentialsException(
                        $"{given} would travel unencrypted to {endpoint!.GetLeftPart(UriPartial.Authority)} ({from} uses http://). " +
                        "Credentials are sent over http:// only to this machine (localhost, 127.0.0.0/8, ::1). " +
                        $"Use an https:// endpoint, or leave out {given} for an emulator.");
                }

                options.Emulator = false;
                return options.AccessToken != null ? "-AccessToken" : $"-KeyFile '{options.KeyFile}'";
            }

            if (endpointFromEnvironment || plainHttp)
            {
                options.Emulator = true;
                return endpointFromEnvironment
                    ? $"none ({GcsCmdlet.EmulatorVariable} names an emulator)"
                    : "none (an http:// -Endpoint without -AccessToken/-KeyFile is an emulator)";
            }

            options.Emulator = false;
            return ApplicationDefaultSource();
        }

        /// <summary>Which link of the Application Default Credentials chain will answer, as far as can be told without loading it.</summary>
        private static string ApplicationDefaultSource()
        {
            string? named = Environment.GetEnvironmentVariable(Credentials.ApplicationCredentialsVariable);
            if (!string.IsNullOrWhiteSpace(named))
            {
                return $"Application Default Credentials from {Credentials.ApplicationCredentialsVariable} ('{named}')";
            }

            string? gcloudFile = Credentials.GcloudCredentialsFile();
            if (gcloudFile != null && File.Exists(gcloudFile))
            {
                return $"Application Default Credentials from gcloud ('{gcloudFile}')";
            }

            return "Application Default Credentials from the metadata server (on Google Cloud; none elsewhere)";
        }
    }
}
