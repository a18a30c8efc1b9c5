using System;
using System.Collections.Concurrent;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace GcsMedia.Protocol
{
    /// <summary>
    /// An HttpClient set up for Cloud Storage: no automatic decompression (bytes are hashed as served), no redirects
    /// (credentials never follow to another host), pooled connections, a connect timeout, no Expect: 100-continue,
    /// an infinite overall timeout but an idle-read timeout (<see cref="TransportOptions.ReadTimeout"/>) that fails a
    /// stalled body with a <see cref="TimeoutException"/> (transient for <see cref="RetryStrategy"/>), and bearer auth —
    /// none for an emulator. <see cref="Create"/> caches one transport per (endpoint, credential) and is thread-safe.
    /// </summary>
    public sealed class GcsTransport
    {
        private static readonly ConcurrentDictionary<string, Lazy<GcsTransport>> Cache = new ConcurrentDictionary<string, Lazy<GcsTransport>>();

        private readonly AuthHandler? _auth;

        private GcsTransport(HttpClient client, Uri endpoint, bool isEmulator, string authKind, AuthHandler? auth)
        {
            _auth = auth;
            Client = client;
            Urls = new StorageUrls(endpoint);
            IsEmulator = isEmulator;
            AuthKind = authKind;
        }

        /// <summary>The shared client. Do not dispose it: it is cached for the process.</summary>
        public HttpClient Client { get; }

        public StorageUrls Urls { get; }

        public Uri Endpoint => Urls.Endpoint;

        public bool IsEmulator { get; }

        /// <summary>"none" (emulator), "access-token", "key-file" or "application-default".</summary>
        public string AuthKind { get; }

        /// <summary>A cached transport for the options (null: <see cref="TransportOptions.FromEnvironment"/>).</summary>
        public static GcsTransport Create(TransportOptions? options = null)
        {
            Resolved resolved = Resolve(options ?? TransportOptions.FromEnvironment());
            Lazy<GcsTransport> lazy = Cache.GetOrAdd(
                resolved.CacheKey,
                _ => new Lazy<GcsTransport>(() => Build(resolved, CreatePrimaryHandler(resolved.Options)), LazyThreadSafetyMode.ExecutionAndPublication));
            return lazy.Value;
        }

        /// <summary>An uncached transport over a given innermost handler (tests, custom proxies).</summary>
        public static GcsTransport Create(TransportOptions options, HttpMessageHandler primaryHandler)
            => Build(Resolve(options ?? throw new ArgumentNullException(nameof(options))), primaryHandler ?? throw new ArgumentNullException(nameof(primaryHandler)));

        /// <summary>The socket-level handler: SocketsHttpHandler on .NET 8+, HttpClientHandler on netstandard2.0.</summary>
        public static HttpMessageHandler CreatePrimaryHandler(TransportOptions options)
        {
#if NET8_0_OR_GREATER
            return new SocketsHttpHandler
            {
                AutomaticDecompression = DecompressionMethods.None,
                AllowAutoRedirect = false,
                UseCookies = false,
                ConnectTimeout = options.ConnectTimeout,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                PooledConnectionIdleTimeout = TimeSpan.FromSeconds(90),
                Expect100ContinueTimeout = TimeSpan.Zero,
            };
#else
            return new HttpClientHandler
            {
                AutomaticDecompression = DecompressionMethods.None,
                AllowAutoRedirect = false,
                UseCookies = false,
            };
#endif
        }

        /// <summary>
        /// Loads the credentials (when this transport sends any and has not loaded them yet) before the first request:
        /// a missing credential fails here with <see cref="CredentialsNotFoundException"/>. <paramref name="waiting"/> is
        /// told what a step that can take seconds waits for.
        /// </summary>
        public async Task EnsureCredentialsAsync(Action<string>? waiting, CancellationToken cancellationToken)
        {
            if (_auth == null)
            {
                return;
            }

            Task prepared = _auth.PrepareAsync(waiting);
            var cancelled = new TaskCompletionSource<bool>();
            using (cancellationToken.Register(() => cancelled.TrySetCanceled()))
            {
                await (await Task.WhenAny(prepared, cancelled.Task).ConfigureAwait(false)).ConfigureAwait(false);
            }
        }

        public override string ToString() => $"GcsTransport({Endpoint}, emulator={IsEmulator}, auth={AuthKind})";

        private static GcsTransport Build(Resolved resolved, HttpMessageHandler primary)
        {
            HttpMessageHandler handler = new ReadTimeoutHandler(resolved.Options.ReadTimeout, primary);
            string authKind = "none";
            AuthHandler? auth = null;
            if (resolved.SendsCredentials)
            {
                TransportOptions o = resolved.Options;
                if (!string.IsNullOrEmpty(o.AccessToken))
                {
                    handler = auth = AuthHandler.ForAccessToken(resolved.Endpoint, o.AccessToken!, handler);
                    authKind = "access-token";
                }
                else
                {
                    string? keyFile = o.KeyFile;
                    handler = auth = new AuthHandler(
                        resolved.Endpoint,
                        async waiting => Credentials.TokenSource(await Credentials.LoadAsync(keyFile, CancellationToken.None, waiting).ConfigureAwait(false)),
                        handler);
                    authKind = keyFile == null ? "application-default" : "key-file";
                }
            }

            var client = new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
            client.DefaultRequestHeaders.ExpectContinue = false;
            client.DefaultRequestHeaders.UserAgent.ParseAdd("GcsMedia/" + typeof(GcsTransport).Assembly.GetName().Version?.ToString(3));
            return new GcsTransport(client, resolved.Endpoint, resolved.IsEmulator, authKind, auth);
        }

        private static Resolved Resolve(TransportOptions options)
        {
            TransportOptions o = options.Clone();
            Uri endpoint;
            bool isEmulator;
            if (o.Endpoint != null)
            {
                endpoint = o.Endpoint;
                isEmulator = o.Emulator ?? false;
            }
            else
            {
                Uri? fromEnvironment = TransportOptions.EmulatorEndpointFromEnvironment();
                endpoint = fromEnvironment ?? StorageUrls.DefaultEndpoint;
                isEmulator = o.Emulator ?? fromEnvironment != null;
            }

            if (!endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttps && endpoint.Scheme != Uri.UriSchemeHttp))
            {
                throw new ArgumentException($"The endpoint '{endpoint}' must be an absolute http(s) URL.", nameof(options));
            }

            bool sendsCredentials = !isEmulator && !o.Anonymous;
            if (endpoint.Scheme == Uri.UriSchemeHttp && sendsCredentials && !TransportOptions.IsLoopback(endpoint))
            {
                throw new ArgumentException(
                    $"The endpoint '{endpoint.GetLeftPart(UriPartial.Authority)}' uses http://, and credentials are sent over plain http only to this machine (localhost, 127.0.0.0/8, ::1): they would travel unencrypted. Use https://, or send no credentials to an emulator.",
                    nameof(options));
            }

            if (o.ReadTimeout <= TimeSpan.Zero && o.ReadTimeout != Timeout.InfiniteTimeSpan)
            {
                throw new ArgumentOutOfRangeException(nameof(options), o.ReadTimeout, "ReadTimeout must be positive (or infinite).");
            }

            endpoint = new Uri(endpoint.GetLeftPart(UriPartial.Authority) + "/");
            string auth = !sendsCredentials ? "none"
                : !string.IsNullOrEmpty(o.AccessToken) ? "token:" + Fingerprint(o.AccessToken!)
                : !string.IsNullOrEmpty(o.KeyFile) ? "key:" + Path.GetFullPath(o.KeyFile)
                : "adc";
            string key = $"{endpoint}|{isEmulator}|{auth}|{o.ReadTimeout.Ticks}|{o.ConnectTimeout.Ticks}";
            return new Resolved(o, endpoint, isEmulator, sendsCredentials, key);
        }

        private static string Fingerprint(string secret)
        {
            using SHA256 sha = SHA256.Create();
            return Convert.ToBase64String(sha.ComputeHash(Encoding.UTF8.GetBytes(secret)));
        }

        private sealed class Resolved
        {
            public Resolved(TransportOptions options, Uri endpoint, bool isEmulator, bool sendsCredentials, string cacheKey)
            {
                Options = options;
                Endpoint = endpoint;
                IsEmulator = isEmulator;
                SendsCredentials = sendsCredentials;
                CacheKey = cacheKey;
            }

            public TransportOptions Options { get; }

            public Uri Endpoint { get; }

            public bool IsEmulator { get; }

            public bool SendsCredentials { get; }

            public string CacheKey { get; }
        }
    }

    /// <summary>
    /// Applies the idle-read timeout: a body-less request must get its response headers within the timeout, and every
    /// read of a response body must return within it; otherwise <see cref="TimeoutException"/> (a transient failure).
    /// </summary>
    internal sealed class ReadTimeoutHandler : DelegatingHandler
    {
        private readonly TimeSpan _timeout;

        public ReadTimeoutHandler(TimeSpan timeout, HttpMessageHandler inner)
            : base(inner)
        {
            _timeout = timeout;
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (_timeout == Timeout.InfiniteTimeSpan)
            {
                return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            }

            HttpResponseMessage response;
            if (request.Content == null)
            {
                using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                cts.CancelAfter(_timeout);
                try
                {
                    response = await base.SendAsync(request, cts.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new TimeoutException($"No response from {request.RequestUri?.GetLeftPart(UriPartial.Authority)} within {_timeout.TotalSeconds:0.#} s.", ex);
                }
            }
            else
            {
                // Uploads: sending the body may legitimately take longer than the read timeout, so the clock starts
                // only once the body has been sent: then the response headers must come within the timeout.
                var bodySent = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                if (request.Content.Headers.ContentLength == 0)
                {
                    bodySent.TrySetResult(true); // nothing to send: the handler may never ask for the body
                }

                request.Content = new BodySentContent(request.Content, bodySent);
                using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                _ = bodySent.Task.ContinueWith(
                    _ =>
                    {
                        try
                        {
                            cts.CancelAfter(_timeout);
                        }
                        catch (ObjectDisposedException)
                        {
                        }
                    },
                    CancellationToken.None,
                    TaskContinuationOptions.ExecuteSynchronously,
                    TaskScheduler.Default);
                try
                {
                    response = await base.SendAsync(request, cts.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested && bodySent.Task.IsCompleted)
                {
                    throw new TimeoutException(
                        $"No response from {request.RequestUri?.GetLeftPart(UriPartial.Authority)} within {_timeout.TotalSeconds:0.#} s after the request body was sent.",
                        ex);
                }
            }

            if (response.Content != null)
            {
                response.Content = new TimeoutContent(response.Content, _timeout);
            }

            return response;
        }

        /// <summary>Wraps a request body and signals once it has been written to the connection.</summary>
        private sealed class BodySentContent : HttpContent
        {
            private readonly HttpContent _inner;
            private readonly TaskCompletionSource<bool> _sent;

            public BodySentContent(HttpContent inner, TaskCompletionSource<bool> sent)
            {
                _inner = inner;
                _sent = sent;
                foreach (var header in inner.Headers)
                {
                    Headers.TryAddWithoutValidation(header.Key, header.Value);
                }
            }

            protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
            {
                await _inner.CopyToAsync(stream).ConfigureAwait(false);
                _sent.TrySetResult(true);
            }

            protected override bool TryComputeLength(out long length)
            {
                long? inner = _inner.Headers.ContentLength;
                length = inner ?? 0;
                return inner.HasValue;
            }

            protected override void Dispose(bool disposing)
            {
                if (disposing)
                {
                    _inner.Dispose();
                }

                base.Dispose(disposing);
            }
        }

        private sealed class TimeoutContent : HttpContent
        {
            private readonly HttpContent _inner;
            private readonly TimeSpan _timeout;

            public TimeoutContent(HttpContent inner, TimeSpan timeout)
            {
                _inner = inner;
                _timeout = timeout;
                foreach (var header in inner.Headers)
                {
                    Headers.TryAddWithoutValidation(header.Key, header.Value);
                }
            }

            protected override async Task<Stream> CreateContentReadStreamAsync()
                => new TimeoutStream(await _inner.ReadAsStreamAsync().ConfigureAwait(false), _timeout);

            protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
            {
                using Stream source = await CreateContentReadStreamAsync().ConfigureAwait(false);
                await source.CopyToAsync(stream).ConfigureAwait(false);
            }

            protected override bool TryComputeLength(out long length)
            {
                length = 0;
                return false;
            }

            protected override void Dispose(bool disposing)
            {
                if (disposing)
                {
                    _inner.Dispose();
                }

                base.Dispose(disposing);
            }
        }

        private sealed class TimeoutStream : ForwardReadStream
        {
            private readonly Stream _inner;
            private readonly TimeSpan _timeout;
            private CancellationTokenSource? _timer;
            private CancellationToken _timerLinkedTo;

            public TimeoutStream(Stream inner, TimeSpan timeout)
            {
                _inner = inner;
                _timeout = timeout;
            }

#if NET8_0_OR_GREATER
            [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
#endif
            protected override async ReadResult ReadCoreAsync(Memory<byte> buffer, CancellationToken cancellationToken)
            {
                CancellationTokenSource timer = TimerFor(cancellationToken);
                timer.CancelAfter(_timeout);
                try
                {
                    return await StreamReads.ReadAsync(_inner, buffer, timer.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new TimeoutException($"The response body stalled: no data for {_timeout.TotalSeconds:0.#} s.", ex);
                }
                finally
                {
                    timer.CancelAfter(Timeout.InfiniteTimeSpan);
                }
            }

            /// <summary>
            /// One timer for all the reads made with the same caller token (a download makes thousands per GiB): a linked
            /// source and its timer per read were a third of a download's allocations. Replaced once it has fired.
            /// </summary>
            private CancellationTokenSource TimerFor(CancellationToken cancellationToken)
            {
                if (_timer == null || _timer.IsCancellationRequested || !_timerLinkedTo.Equals(cancellationToken))
                {
                    _timer?.Dispose();
                    _timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    _timerLinkedTo = cancellationToken;
                }

                return _timer;
            }

            protected override void Dispose(bool disposing)
            {
                if (disposing)
                {
                    _inner.Dispose();
                    _timer?.Dispose();
                }

                base.Dispose(disposing);
            }
        }
    }
}
