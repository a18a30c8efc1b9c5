using System;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace GcsMedia.Protocol
{
    /// <summary>
    /// Asks whether a Google Cloud metadata server (GCE, GKE, Cloud Run, Cloud Functions) answers on this machine: the
    /// last link of the Application Default Credentials chain. On Google Cloud it answers within milliseconds. Off it,
    /// a refused connection or an unknown host ends the probe at once; only a host that swallows packets makes it wait,
    /// and then for at most <see cref="Timeout"/> in all. GCE_METADATA_HOST (host[:port]) points the probe, and the
    /// Google.Apis.Auth token requests that follow, at another metadata server, as in Google's client libraries.
    /// </summary>
    public static class MetadataServerProbe
    {
        public const string HostVariable = "GCE_METADATA_HOST";

        public const string DefaultHost = "169.254.169.254";

        /// <summary>The longest the whole probe may take (three attempts of at most 1 s each).</summary>
        public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

        private const int Attempts = 3;

        /// <summary>The metadata server's address: http://$GCE_METADATA_HOST, else http://169.254.169.254.</summary>
        public static Uri Address()
        {
            string? host = Environment.GetEnvironmentVariable(HostVariable);
            return new Uri("http://" + (string.IsNullOrWhiteSpace(host) ? DefaultHost : host!.Trim()) + "/");
        }

        /// <summary>
        /// True when a metadata server answers with the header Metadata-Flavor: Google. False when nothing listens there,
        /// the name does not resolve, something else answers, or no answer comes within <see cref="Timeout"/>.
        /// </summary>
        public static async Task<bool> IsAvailableAsync(CancellationToken cancellationToken)
        {
            Uri address = Address();
            TimeSpan perAttempt = TimeSpan.FromTicks(Timeout.Ticks / Attempts);
            using (var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseProxy = false }) { Timeout = System.Threading.Timeout.InfiniteTimeSpan })
            {
                for (int attempt = 0; attempt < Attempts; attempt++)
                {
                    using (var attemptTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
                    using (var request = new HttpRequestMessage(HttpMethod.Get, address))
                    {
                        attemptTimeout.CancelAfter(perAttempt);
                        request.Headers.Add("Metadata-Flavor", "Google");
                        try
                        {
                            using (HttpResponseMessage response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, attemptTimeout.Token).ConfigureAwait(false))
                            {
                                return response.Headers.TryGetValues("Metadata-Flavor", out var flavors) && flavors.Contains("Google", StringComparer.OrdinalIgnoreCase);
                            }
                        }
                        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                        {
                            // No answer within this attempt's share of the timeout: a slow or starting server gets another try.
                        }
                        catch (HttpRequestException)
                        {
                            // Refused, unreachable or an unknown host: nothing will answer on a later attempt either.
                            return false;
                        }
                    }
                }
            }

            return false;
        }
    }
}
