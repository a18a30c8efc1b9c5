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
    /// plus, when -Headers or -EncryptionKey were given, a handler that adds those headers to every request, and with
    /// -Debug a <see cref="Cmdlets.RequestLog"/>; it hands out the retry strategy every request of the command uses. Secrets
    /// never appear in ToString, messages or logs.
    /// </summary>
    internal sealed class GcsConnection : IDisposable
    {
        private readonly bool _ownsClient;

        public GcsConnection(
            TransportOptions options, IReadOnlyList<KeyValuePair<string, string>> headers, string credentialSource, TimeSpan retryTimeout, bool logRequests = false)
        {
            CredentialSource = credentialSource;
            RetryTimeout = retryTimeout;
            if (headers.Count == 0 && !logRequests)
            {
                Transport = GcsTransport.Create(options);   // cached per endpoint + credential; never disposed
            }
            else
            {
                HttpMessageHandler handler = GcsTransport.CreatePrimaryHandler(options);
                if (logRequests)
                {
                    RequestLog = new RequestLog { InnerHandler = handler };
                    handler = RequestLog;
                }

                if (headers.Count > 0)
                {
                    handler = new RequestHeadersHandler(headers) { InnerHandler = handler };
                }

                Transport = GcsTransport.Create(options, handler);
                _ownsClient = true;
            }
        }

        /// <summary>-Debug's request log, when asked for.</summary>
        public RequestLog? RequestLog { get; }

        public GcsTransport Transport { get; }

        public HttpClient Client => Transport.Client;

        public StorageUrls Urls => Transport.Urls;

        /// <summary>The endpoint as a string, for state-file identity.</summary>
        public string EndpointKey => Urls.Root;

        public string AuthKind => Transport.AuthKind;

        /// <summary>Where the credentials come from, for -Verbose (never the secret itself).</summary>
        public string CredentialSource { get; }

        /// <summary>How long a command may spend retrying, in all (-RetryTimeout).</summary>
        public TimeSpan RetryTimeout { get; }

        /// <summary>A fresh retry strategy with this invocation's limit: every protocol object of the command gets one.</summary>
        public RetryStrategy CreateRetryStrategy() => new RetryStrategy(maxCumulativeRetry: RetryTimeout.TotalSeconds);

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
