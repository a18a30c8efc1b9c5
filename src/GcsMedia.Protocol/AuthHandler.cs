using System;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading;
using System.Threading.Tasks;

namespace GcsMedia.Protocol
{
    /// <summary>
    /// Adds <c>Authorization: Bearer &lt;token&gt;</c> to requests for the transport's endpoint host (and only that host).
    /// The token source is created once, lazily and thread-safely; the token never appears in messages or ToString().
    /// </summary>
    public sealed class AuthHandler : DelegatingHandler
    {
        private readonly Uri _endpoint;
        private readonly Func<Action<string>?, Task<Func<CancellationToken, Task<string>>>> _sourceFactory;
        private readonly object _gate = new object();
        private Task<Func<CancellationToken, Task<string>>>? _source;

        /// <param name="endpoint">Requests to other hosts get no token.</param>
        /// <param name="sourceFactory">Creates the token source once (e.g. loads the credential).</param>
        public AuthHandler(Uri endpoint, Func<Task<Func<CancellationToken, Task<string>>>> sourceFactory, HttpMessageHandler? innerHandler = null)
            : this(endpoint, Wrap(sourceFactory ?? throw new ArgumentNullException(nameof(sourceFactory))), innerHandler)
        {
        }

        /// <param name="endpoint">Requests to other hosts get no token.</param>
        /// <param name="sourceFactory">Creates the token source once; its argument, when not null, is told what a slow step waits for.</param>
        /// <param name="innerHandler">The next handler.</param>
        public AuthHandler(Uri endpoint, Func<Action<string>?, Task<Func<CancellationToken, Task<string>>>> sourceFactory, HttpMessageHandler? innerHandler = null)
        {
            _endpoint = endpoint ?? throw new ArgumentNullException(nameof(endpoint));
            _sourceFactory = sourceFactory ?? throw new ArgumentNullException(nameof(sourceFactory));
            if (innerHandler != null)
            {
                InnerHandler = innerHandler;
            }
        }

        /// <summary>A handler that sends a fixed access token.</summary>
        public static AuthHandler ForAccessToken(Uri endpoint, string accessToken, HttpMessageHandler? innerHandler = null)
        {
            if (string.IsNullOrWhiteSpace(accessToken))
            {
                throw new ArgumentException("The access token is empty.", nameof(accessToken));
            }

            Func<CancellationToken, Task<string>> source = _ => Task.FromResult(accessToken);
            return new AuthHandler(endpoint, () => Task.FromResult(source), innerHandler);
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri != null && SameAuthority(request.RequestUri, _endpoint))
            {
                Func<CancellationToken, Task<string>> source = await TokenSource(null).ConfigureAwait(false);
                string token = await source(cancellationToken).ConfigureAwait(false);
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }

            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>
        /// Finds the credentials now rather than at the first request, so that a command can report missing credentials
        /// once before it starts many transfers, and show what it waits for (<paramref name="waiting"/>).
        /// </summary>
        public Task PrepareAsync(Action<string>? waiting) => TokenSource(waiting);

        /// <summary>The token source, created once; a failed creation (no credentials yet) is tried again next time.</summary>
        private Task<Func<CancellationToken, Task<string>>> TokenSource(Action<string>? waiting)
        {
            lock (_gate)
            {
                if (_source == null || _source.IsFaulted || _source.IsCanceled)
                {
                    _source = _sourceFactory(waiting);
                }

                return _source;
            }
        }

        private static Func<Action<string>?, Task<Func<CancellationToken, Task<string>>>> Wrap(Func<Task<Func<CancellationToken, Task<string>>>> factory)
            => _ => factory();

        public override string ToString() => $"AuthHandler(endpoint={_endpoint.GetLeftPart(UriPartial.Authority)}, token=(hidden))";

        private static bool SameAuthority(Uri a, Uri b)
            => string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase)
               && string.Equals(a.Host, b.Host, StringComparison.OrdinalIgnoreCase)
               && a.Port == b.Port;
    }
}
