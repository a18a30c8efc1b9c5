using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Newtonsoft.Json.Linq;

namespace GcsMedia.Protocol
{
    /// <summary>
    /// storage.objects.rewrite: a server-side copy, within or across buckets (and locations or storage classes), with no
    /// bytes through the client. GCS may answer before the copy is done, with a rewriteToken to send back; <see cref="RewriteAsync"/>
    /// loops on it and reports <see cref="TotalBytesRewritten"/> after every call. Each call is retried on transient
    /// failures only when the rewrite is idempotent, i.e. carries <see cref="IfGenerationMatch"/> (0 = only if the
    /// destination does not exist), the rule of Google's client libraries.
    /// </summary>
    public sealed class ObjectRewrite
    {
        private readonly HttpClient _client;
        private readonly StorageUrls _urls;
        private long? _maxBytesRewrittenPerCall;

        public ObjectRewrite(HttpClient client, StorageUrls urls, GcsObjectRef source, GcsObjectRef destination)
        {
            _client = client ?? throw new ArgumentNullException(nameof(client));
            _urls = urls ?? throw new ArgumentNullException(nameof(urls));
            Source = source ?? throw new ArgumentNullException(nameof(source));
            Destination = destination ?? throw new ArgumentNullException(nameof(destination));
        }

        public const long BytesPerCallUnit = 1024 * 1024;

        public GcsObjectRef Source { get; }

        public GcsObjectRef Destination { get; }

        /// <summary>Copies this generation of the source instead of the live one.</summary>
        public long? SourceGeneration { get; set; }

        /// <summary>Destination precondition: 0 = only if it does not exist; a generation = only while that one is live.</summary>
        public long? IfGenerationMatch { get; set; }

        /// <summary>Most bytes the server copies per call (a multiple of 1 MiB); null lets the server decide.</summary>
        public long? MaxBytesRewrittenPerCall
        {
            get => _maxBytesRewrittenPerCall;
            set
            {
                if (value.HasValue && (value.Value <= 0 || value.Value % BytesPerCallUnit != 0))
                {
                    throw new ArgumentOutOfRangeException(nameof(MaxBytesRewrittenPerCall), value, "The bytes per rewrite call must be a positive multiple of 1 MiB (1048576).");
                }

                _maxBytesRewrittenPerCall = value;
            }
        }

        /// <summary>An object resource (JSON) for the destination's metadata; null copies the source's metadata.</summary>
        public string? DestinationMetadataJson { get; set; }

        /// <summary>Extra headers on every call, e.g. x-goog-copy-source-encryption-* for a source under a customer-supplied key.</summary>
        public IList<KeyValuePair<string, string>> RequestHeaders { get; } = new List<KeyValuePair<string, string>>();

        public bool IsIdempotent => IfGenerationMatch.HasValue;

        public string? RewriteToken { get; private set; }

        public long TotalBytesRewritten { get; private set; }

        public long? ObjectSize { get; private set; }

        public int CallCount { get; private set; }

        public bool Finished { get; private set; }

        /// <summary>The destination's object resource, once finished.</summary>
        public ObjectResource? Resource { get; private set; }

        public RetryStrategy RetryStrategy { get; set; } = new RetryStrategy();

        public Action<RetryEvent>? Retrying { get; set; }

        /// <summary>Called after every call with (bytes rewritten so far, object size).</summary>
        public Action<long, long>? Progress { get; set; }

        public HttpRequestMessage BuildRequest()
        {
            if (Finished)
            {
                throw new InvalidOperationException("The rewrite is finished.");
            }

            var query = new StringBuilder();
            void Add(string name, string? value)
            {
                if (value != null)
                {
                    query.Append(query.Length == 0 ? '?' : '&').Append(name).Append('=').Append(StorageUrls.Escape(value));
                }
            }

            Add("sourceGeneration", SourceGeneration?.ToString(CultureInfo.InvariantCulture));
            Add("ifGenerationMatch", IfGenerationMatch?.ToString(CultureInfo.InvariantCulture));
            Add("maxBytesRewrittenPerCall", MaxBytesRewrittenPerCall?.ToString(CultureInfo.InvariantCulture));
            Add("rewriteToken", RewriteToken);
            var request = new HttpRequestMessage(HttpMethod.Post, _urls.RewriteTo(Source, Destination) + query)
            {
                Content = new StringContent(DestinationMetadataJson ?? "{}", Encoding.UTF8, "application/json"),
            };
            foreach (KeyValuePair<string, string> header in RequestHeaders)
            {
                request.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }

            return request;
        }

        /// <summary>Reads one call's answer and advances (no I/O); a non-200 status throws <see cref="InvalidResponseException"/>.</summary>
        public void ProcessResponse(JsonApiResponse response)
        {
            string what = $"{Source} -> {Destination}";
            response.RequireStatus(what, 200);
            JObject json = response.ParseObject(what);
            long? total = Number(json, "totalBytesRewritten");
            long? size = Number(json, "objectSize");
            bool done = json["done"]?.Type == JTokenType.Boolean && (bool)json["done"]!;
            string? token = json["rewriteToken"]?.Type == JTokenType.String ? (string?)json["rewriteToken"] : null;
            if (total == null || size == null)
            {
                throw new InvalidResponseException($"The rewrite response for {what} lacks totalBytesRewritten or objectSize.", 200, null, null, response.Body, what);
            }

            if (done && !(json["resource"] is JObject))
            {
                throw new InvalidResponseException($"The finished rewrite of {what} did not return the destination object.", 200, null, null, response.Body, what);
            }

            if (!done && string.IsNullOrEmpty(token))
            {
                throw new InvalidResponseException($"The unfinished rewrite of {what} returned no rewriteToken.", 200, null, null, null, what);
            }

            CallCount++;
            TotalBytesRewritten = total.Value;
            ObjectSize = size.Value;
            RewriteToken = done ? null : token;
            if (done)
            {
                Resource = ObjectResource.FromJson((JObject)json["resource"]!);
                Finished = true;
            }
        }

        /// <summary>One rewrite call, retried on transient failures when idempotent.</summary>
        public async Task RewriteOnceAsync(CancellationToken cancellationToken = default)
        {
            await (IsIdempotent ? RetryStrategy : RetryStrategy.None).ExecuteAsync(
                async token => ProcessResponse(await JsonApiResponse.SendAsync(_client, BuildRequest(), token).ConfigureAwait(false)),
                cancellationToken,
                onRetry: Retrying).ConfigureAwait(false);
            Progress?.Invoke(TotalBytesRewritten, ObjectSize ?? 0);
        }

        /// <summary>Calls until the copy is done; returns the destination's object resource.</summary>
        public async Task<ObjectResource> RewriteAsync(CancellationToken cancellationToken = default)
        {
            while (!Finished)
            {
                cancellationToken.ThrowIfCancellationRequested();
                await RewriteOnceAsync(cancellationToken).ConfigureAwait(false);
            }

            return Resource!;
        }

        private static long? Number(JObject json, string key)
        {
            JToken? value = json[key];
            return value != null && (value.Type == JTokenType.String || value.Type == JTokenType.Integer)
                && long.TryParse(value.ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out long n)
                ? n
                : (long?)null;
        }
    }
}
