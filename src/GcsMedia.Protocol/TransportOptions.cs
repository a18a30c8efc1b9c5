using System;

namespace GcsMedia.Protocol
{
    /// <summary>
    /// Where and how to talk to Cloud Storage. Everything is optional: with nothing set, <see cref="GcsTransport.Create"/>
    /// uses STORAGE_EMULATOR_HOST when set (no auth), else https://storage.googleapis.com with Application Default Credentials.
    /// </summary>
    public sealed class TransportOptions
    {
        public const string EmulatorHostVariable = "STORAGE_EMULATOR_HOST";

        /// <summary>Endpoint root, e.g. https://storage.googleapis.com or http://127.0.0.1:9000. Null: environment, then GCS.</summary>
        public Uri? Endpoint { get; set; }

        /// <summary>A ready OAuth2 access token (e.g. from `gcloud auth print-access-token`). Never printed.</summary>
        public string? AccessToken { get; set; }

        /// <summary>Path to a service-account key or authorized-user JSON file.</summary>
        public string? KeyFile { get; set; }

        /// <summary>True: the endpoint is an emulator (no auth, http:// allowed). Null: true only when the endpoint came from STORAGE_EMULATOR_HOST.</summary>
        public bool? Emulator { get; set; }

        /// <summary>True: send no credentials to any endpoint (public objects).</summary>
        public bool Anonymous { get; set; }

        /// <summary>Longest wait for response headers of a body-less request, and for any single read of a response body. Default 60 s.</summary>
        public TimeSpan ReadTimeout { get; set; } = TimeSpan.FromSeconds(60);

        /// <summary>Longest wait for a TCP (and TLS) connection. Default 61 s, as the seed.</summary>
        public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(61);

        /// <summary>Options read from the environment: STORAGE_EMULATOR_HOST (endpoint + emulator) when set.</summary>
        public static TransportOptions FromEnvironment()
        {
            var options = new TransportOptions();
            Uri? emulator = EmulatorEndpointFromEnvironment();
            if (emulator != null)
            {
                options.Endpoint = emulator;
                options.Emulator = true;
            }

            return options;
        }

        /// <summary>STORAGE_EMULATOR_HOST as a URI ("127.0.0.1:9000" means http://127.0.0.1:9000), or null when unset.</summary>
        public static Uri? EmulatorEndpointFromEnvironment()
        {
            string? value = Environment.GetEnvironmentVariable(EmulatorHostVariable);
            return string.IsNullOrWhiteSpace(value) ? null : ParseEmulatorHost(value!);
        }

        /// <summary>Parses an emulator host value: a full URI or host:port (http assumed).</summary>
        public static Uri ParseEmulatorHost(string value)
        {
            string trimmed = value.Trim();
            if (!trimmed.StartsWith("http://", StringComparison.OrdinalIgnoreCase) && !trimmed.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            {
                trimmed = "http://" + trimmed;
            }

            if (!Uri.TryCreate(trimmed, UriKind.Absolute, out Uri? uri))
            {
                throw new ArgumentException($"{EmulatorHostVariable} value '{value}' is not a host:port or http(s) URL.");
            }

            return uri;
        }

        /// <summary>
        /// True when requests to the endpoint never leave this machine: localhost, 127.0.0.0/8 or ::1. Credentials may
        /// travel over plain http only to such an endpoint.
        /// </summary>
        public static bool IsLoopback(Uri endpoint)
        {
            if (endpoint == null)
            {
                throw new ArgumentNullException(nameof(endpoint));
            }

            string host = endpoint.IdnHost.Trim('[', ']');
            if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }

            return System.Net.IPAddress.TryParse(host, out System.Net.IPAddress? address) && System.Net.IPAddress.IsLoopback(address);
        }

        public TransportOptions Clone() => (TransportOptions)MemberwiseClone();

        /// <summary>Describes the options without secrets.</summary>
        public override string ToString()
            => $"Endpoint={Endpoint?.ToString() ?? "(default)"}, Emulator={Emulator?.ToString() ?? "(auto)"}, Anonymous={Anonymous}, " +
               $"AccessToken={(AccessToken == null ? "(none)" : "(set)")}, KeyFile={KeyFile ?? "(none)"}, ReadTimeout={ReadTimeout}";
    }
}
