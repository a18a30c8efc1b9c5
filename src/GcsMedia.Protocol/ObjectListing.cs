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
    /// storage.objects.list, one page per call: <c>while (!listing.Finished) { var page = await listing.NextPageAsync(ct); … }</c>.
    /// Memory holds one page at a time, so a caller can stream millions of objects. A list is a read, so every page
    /// request is retried with <see cref="RetryStrategy"/> on transient failures; the page token keeps the position.
    /// </summary>
    public sealed class ObjectListing
    {
        private readonly HttpClient _client;
        private readonly StorageUrls _urls;

        public ObjectListing(HttpClient client, StorageUrls urls, string bucket, ObjectListingOptions? options = null)
        {
            _client = client ?? throw new ArgumentNullException(nameof(client));
            _urls = urls ?? throw new ArgumentNullException(nameof(urls));
            if (string.IsNullOrWhiteSpace(bucket))
            {
                throw new ArgumentException("A bucket name is required.", nameof(bucket));
            }

            Bucket = bucket;
            Options = (options ?? new ObjectListingOptions()).Clone();
        }

        public string Bucket { get; }

        public ObjectListingOptions Options { get; }

        /// <summary>True once the last page has been read.</summary>
        public bool Finished { get; private set; }

        /// <summary>The token the next request sends; null before the first page and after the last.</summary>
        public string? PageToken { get; private set; }

        public int PagesRead { get; private set; }

        public RetryStrategy RetryStrategy { get; set; } = new RetryStrategy();

        /// <summary>Called before each retry wait.</summary>
        public Action<RetryEvent>? Retrying { get; set; }

        /// <summary>gs://bucket/prefix, for messages.</summary>
        public string Target => $"gs://{Bucket}/{Options.Prefix}";

        /// <summary>The GET for the next page (no I/O).</summary>
        public HttpRequestMessage BuildRequest()
        {
            if (Finished)
            {
                throw new InvalidOperationException("The listing is finished: every page has been read.");
            }

            var query = new StringBuilder();
            void Add(string name, string? value)
            {
                if (!string.IsNullOrEmpty(value))
                {
                    query.Append(query.Length == 0 ? '?' : '&').Append(name).Append('=').Append(StorageUrls.Escape(value!));
                }
            }

            Add("prefix", Options.Prefix);
            Add("delimiter", Options.Delimiter);
            Add("versions", Options.AllVersions ? "true" : null);
            Add("startOffset", Options.StartOffset);
            Add("endOffset", Options.EndOffset);
            Add("maxResults", Options.PageSize?.ToString(CultureInfo.InvariantCulture));
            Add("pageToken", PageToken);
            return new HttpRequestMessage(HttpMethod.Get, _urls.ObjectList(Bucket) + query);
        }

        /// <summary>Reads a page from a response and advances (no I/O). A non-200 status throws <see cref="InvalidResponseException"/>.</summary>
        public ObjectListingPage ProcessResponse(JsonApiResponse response)
        {
            response.RequireStatus(Target, 200);
            JObject json = response.ParseObject(Target);
            var items = new List<ObjectResource>();
            if (json["items"] is JArray array)
            {
                foreach (JToken item in array)
                {
                    if (item is JObject obj)
                    {
                        items.Add(ObjectResource.FromJson(obj));
                    }
                }
            }

            var prefixes = new List<string>();
            if (json["prefixes"] is JArray folded)
            {
                foreach (JToken prefix in folded)
                {
                    if (prefix.Type == JTokenType.String)
                    {
                        prefixes.Add((string)prefix!);
                    }
                }
            }

            string? next = json["nextPageToken"]?.Type == JTokenType.String ? (string?)json["nextPageToken"] : null;
            if (!string.IsNullOrEmpty(next) && next == PageToken)
            {
                throw new InvalidResponseException($"The server returned the same page token twice while listing {Target}.", 200, null, null, null, Target);
            }

            PagesRead++;
            PageToken = string.IsNullOrEmpty(next) ? null : next;
            Finished = PageToken == null;
            return new ObjectListingPage(items, prefixes, PageToken);
        }

        /// <summary>Fetches the next page, retrying transient failures.</summary>
        public Task<ObjectListingPage> NextPageAsync(CancellationToken cancellationToken = default)
            => RetryStrategy.ExecuteAsync(
                async token => ProcessResponse(await JsonApiResponse.SendAsync(_client, BuildRequest(), token).ConfigureAwait(false)),
                cancellationToken,
                onRetry: Retrying);
    }
}
