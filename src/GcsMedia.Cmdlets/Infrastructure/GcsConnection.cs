using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using GcsMedia.Protocol;

namespace GcsMedia.Cmdlets
{
    /// <summary>
    /// One cmdlet invocation's connection: a <see cref="GcsTransport"/> (endpoint, auth, timeouts — from the protocol)
    /// plus, when -Headers or -EncryptionKey were given, a handler that adds those headers to every request. Secrets
    /// never appear in ToString, messages or logs.
    /// </summary>
    internal sealed class GcsConnection : IDisposable
    {
        private readonly bool _ownsClient;

        public GcsConnection(TransportOptions options, IReadOnlyList<KeyValuePair<string, string>> headers)
        {
            if (headers.Count == 0)
            {
                Transport = GcsTransport.Create(options);   // cached per endpoint + credential; never disposed
            }
            else
            {
                var handler = new RequestHeadersHandler(headers) { InnerHandler = GcsTransport.CreatePrimaryHandler(options) };
                Transport = GcsTransport.Create(options, handler);
                _ownsClient = true;
            }
        }

        public GcsTransport Transport { get; }

        public HttpClient Client => Transport.Client;

        public StorageUrls Urls => Transport.Urls;

        /// <summary>The endpoint as a string, for state-file identity.</summary>
        public string EndpointKey => Urls.Root;

        public string AuthKind => Transport.AuthKind;

        public void Dispose()
        {
            if (_ownsClient)
            {
                Transport.Client.Dispose();
            }
        }

        public override string ToString() => $"{Urls.Root} (auth: {AuthKind})";

        /// <summary>Adds -Headers and the CSEK headers to every request. Logs nothing.</summary>
        private sealed class RequestHeadersHandler : DelegatingHandler
        {
            private readonly IReadOnlyList<KeyValuePair<string, string>> _headers;

            public RequestHeadersHandler(IReadOnlyList<KeyValuePair<string, string>> headers)
            {
                _headers = headers;
            }

            protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            {
                foreach (KeyValuePair<string, string> header in _headers)
                {
                    if (!request.Headers.Contains(header.Key))
                    {
                        request.Headers.TryAddWithoutValidation(header.Key, header.Value);
                    }
                }

                return base.SendAsync(request, cancellationToken);
            }
        }
    }
}
