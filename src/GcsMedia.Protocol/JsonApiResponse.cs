using System;
using System.IO;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace GcsMedia.Protocol
{
    /// <summary>A JSON API response as the metadata operations (list, delete, rewrite) consume it: status and body text.</summary>
    public sealed class JsonApiResponse
    {
        public JsonApiResponse(int statusCode, string body)
        {
            StatusCode = statusCode;
            Body = body ?? string.Empty;
        }

        public int StatusCode { get; }

        public string Body { get; }

        /// <summary>Sends a small request and reads the whole (small) response body.</summary>
        internal static async Task<JsonApiResponse> SendAsync(HttpClient client, HttpRequestMessage request, CancellationToken cancellationToken)
        {
            using (request)
            using (HttpResponseMessage response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false))
            {
                string body = response.Content == null ? string.Empty : await response.Content.ReadAsStringAsync().ConfigureAwait(false);
                return new JsonApiResponse((int)response.StatusCode, body);
            }
        }

        /// <summary>The body as a JSON object (timestamps kept as text); an unreadable body is an <see cref="InvalidResponseException"/>.</summary>
        internal JObject ParseObject(string what)
        {
            try
            {
                using var reader = new JsonTextReader(new StringReader(Body)) { DateParseHandling = DateParseHandling.None };
                if (JToken.ReadFrom(reader) is JObject json)
                {
                    return json;
                }
            }
            catch (JsonException)
            {
            }

            throw new InvalidResponseException($"The response for {what} is not a JSON object.", null, null, null, Body, what);
        }

        /// <summary>Throws the usual <see cref="InvalidResponseException"/> unless the status is one of <paramref name="expected"/>.</summary>
        internal void RequireStatus(string what, params int[] expected)
        {
            if (Array.IndexOf(expected, StatusCode) < 0)
            {
                throw InvalidResponseException.UnexpectedStatus(StatusCode, expected, what, null, Body);
            }
        }
    }
}
