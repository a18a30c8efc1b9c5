using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Security;
using System.Threading;
using System.Threading.Tasks;
using GcsMedia.Protocol;
using Google.Apis.Auth.OAuth2;

namespace GcsMedia.Cmdlets
{
    /// <summary>How requests authenticate.</summary>
    public enum GcsAuthMode
    {
        /// <summary>No Authorization header: an emulator (-Endpoint or STORAGE_EMULATOR_HOST).</summary>
        None,

        /// <summary>-AccessToken, sent as a bearer token.</summary>
        AccessToken,

        /// <summary>-KeyFile, a service-account JSON key.</summary>
        KeyFile,

        /// <summary>Application Default Credentials (GOOGLE_APPLICATION_CREDENTIALS, gcloud's ADC file, metadata server).</summary>
        ApplicationDefault,
    }

    /// <summary>
    /// One cmdlet invocation's connection: the endpoint, the extra request headers (-Headers and the CSEK
    /// headers), and an HttpClient whose handler adds them and the Authorization header to every request. Secrets
    /// are kept in SecureStrings or inside the handler and never appear in ToString, messages or logs.
    /// </summary>
    internal sealed class GcsConnection : IDisposable
    {
        public const string DevStorageScope = "https://www.googleapis.com/auth/devstorage.read_write";

        private readonly SecureString? _accessToken;
        private readonly string? _keyFile;
        private readonly IReadOnlyList<KeyValuePair<string, string>> _headers;
        private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);
        private HttpClient? _client;

        public GcsConnection(Uri endpoint, GcsAuthMode authMode, SecureString? accessToken, string? keyFile, IReadOnlyList<KeyValuePair<string, string>> headers)
        {
            Endpoint = endpoint;
            AuthMode = authMode;
            Urls = new StorageUrls(endpoint);
            _accessToken = accessToken;
            _keyFile = keyFile;
            _headers = headers;
        }

        public Uri Endpoint { get; }

        public GcsAuthMode AuthMode { get; }

        public StorageUrls Urls { get; }

        /// <summary>The endpoint as a string, for state-file identity.</summary>
        public string EndpointKey => Urls.Root;

        /// <summary>Creates (once) the HttpClient. Credentials are read here, on the worker, not at import.</summary>
        public async Task<HttpClient> GetClientAsync(CancellationToken cancellationToken)
        {
            await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (_client != null)
                {
                    return _client;
                }

                Func<CancellationToken, Task<string?>> token = await CreateTokenSourceAsync(cancellationToken).ConfigureAwait(false);
                var handler = new RequestHeadersHandler(token, _headers) { InnerHandler = CreateInnerHandler() };
                _client = new HttpClient(handler, disposeHandler: true)
                {
                    // Transfers can take hours; cancellation and the protocol's retry strategy bound them instead.
                    Timeout = System.Threading.Timeout.InfiniteTimeSpan,
                };
                return _client;
            }
            finally
            {
                _gate.Release();
            }
        }

        private static HttpMessageHandler CreateInnerHandler()
        {
#if NET8_0_OR_GREATER
            return new SocketsHttpHandler
            {
                ConnectTimeout = TimeSpan.FromSeconds(30),
                AutomaticDecompression = System.Net.DecompressionMethods.None,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            };
#else
            return new HttpClientHandler { AutomaticDecompression = System.Net.DecompressionMethods.None };
#endif
        }

        private async Task<Func<CancellationToken, Task<string?>>> CreateTokenSourceAsync(CancellationToken cancellationToken)
        {
            switch (AuthMode)
            {
                case GcsAuthMode.None:
                    return _ => Task.FromResult<string?>(null);
                case GcsAuthMode.AccessToken:
                    SecureString secure = _accessToken!;
                    return _ => Task.FromResult<string?>(SecretText.ToPlainText(secure));
                case GcsAuthMode.KeyFile:
#pragma warning disable CS0618 // FromFile is fine for a key file the user named explicitly.
                    GoogleCredential fromFile = GoogleCredential.FromFile(_keyFile!).CreateScoped(DevStorageScope);
#pragma warning restore CS0618
                    return ct => GetTokenAsync(fromFile, ct);
                default:
                    GoogleCredential adc = (await GoogleCredential.GetApplicationDefaultAsync(cancellationToken).ConfigureAwait(false))
                        .CreateScoped(DevStorageScope);
                    return ct => GetTokenAsync(adc, ct);
            }
        }

        private static async Task<string?> GetTokenAsync(GoogleCredential credential, CancellationToken cancellationToken)
            => await ((ITokenAccess)credential).GetAccessTokenForRequestAsync(null, cancellationToken).ConfigureAwait(false);

        public void Dispose()
        {
            _client?.Dispose();
            _gate.Dispose();
        }

        public override string ToString() => $"{Urls.Root} ({AuthMode})";

        /// <summary>Adds the Authorization header and the extra headers to every request.</summary>
        private sealed class RequestHeadersHandler : DelegatingHandler
        {
            private readonly Func<CancellationToken, Task<string?>> _token;
            private readonly IReadOnlyList<KeyValuePair<string, string>> _headers;

            public RequestHeadersHandler(Func<CancellationToken, Task<string?>> token, IReadOnlyList<KeyValuePair<string, string>> headers)
            {
                _token = token;
                _headers = headers;
            }

            protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            {
                foreach (KeyValuePair<string, string> header in _headers)
                {
                    if (!request.Headers.Contains(header.Key))
                    {
                        request.Headers.TryAddWithoutValidation(header.Key, header.Value);
                    }
                }

                string? token = await _token(cancellationToken).ConfigureAwait(false);
                if (!string.IsNullOrEmpty(token) && request.Headers.Authorization == null)
                {
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                }

                return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
