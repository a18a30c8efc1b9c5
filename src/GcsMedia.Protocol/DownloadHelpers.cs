using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;

namespace GcsMedia.Protocol
{
    /// <summary>
    /// The sans-I/O helpers of the download state machines (the seed's <c>_helpers.py</c> / <c>_download.py</c>
    /// free functions): header access, status checks, Range/Content-Range, generation, transcoding, checksums.
    /// Response headers are read as raw strings, so malformed values (storage-testbench's <c>bytes 0--1/0</c>) survive.
    /// </summary>
    public static class DownloadHelpers
    {
        /// <summary>Statuses a media download accepts.</summary>
        public static readonly IReadOnlyList<int> AcceptableStatusCodes = new[] { 200, 206 };

        /// <summary>The RETRYABLE statuses of the seed (408, 429, 500, 502, 503, 504).</summary>
        public static readonly IReadOnlyList<int> RetryableStatusCodes = new[] { 429, 408, 500, 502, 503, 504 };

        private static readonly Regex StrictContentRange = new Regex(
            @"^bytes (\d+)-(\d+)/(\d+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        private static readonly Regex LenientContentRange = new Regex(
            @"^\s*bytes\s+(\d+)-(-?\d+)/(\d+|\*)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        /// <summary>Response headers kept on exceptions for diagnosis (never request headers).</summary>
        private static readonly string[] DiagnosticHeaderNames =
        {
            "content-range", "content-length", "content-encoding", "content-type", "x-goog-hash", "x-goog-generation",
            "x-goog-stored-content-length", "x-goog-stored-content-encoding", "x-guploader-uploadid",
        };

        /// <summary>A response header (response or content headers) as the raw string(s) the server sent, joined with ", "; null when absent.</summary>
        public static string? GetHeader(HttpResponseMessage response, string name)
        {
            if (response == null)
            {
                throw new ArgumentNullException(nameof(response));
            }

#if NET8_0_OR_GREATER
            if (response.Headers.NonValidated.TryGetValues(name, out System.Net.Http.Headers.HeaderStringValues values))
            {
                return string.Join(", ", values);
            }

            if (response.Content != null && response.Content.Headers.NonValidated.TryGetValues(name, out System.Net.Http.Headers.HeaderStringValues contentValues))
            {
                return string.Join(", ", contentValues);
            }

            return null;
#else
            if (response.Headers.TryGetValues(name, out IEnumerable<string>? values))
            {
                return string.Join(", ", values);
            }

            if (response.Content != null && response.Content.Headers.TryGetValues(name, out IEnumerable<string>? contentValues))
            {
                return string.Join(", ", contentValues);
            }

            return null;
#endif
        }

        /// <summary>The response headers that matter for diagnosis, for <see cref="InvalidResponseException.ResponseHeaders"/>.</summary>
        public static IReadOnlyDictionary<string, string> DiagnosticHeaders(HttpResponseMessage response)
        {
            var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (string name in DiagnosticHeaderNames)
            {
                string? value = GetHeader(response, name);
                if (value != null)
                {
                    result[name] = value;
                }
            }

            return result;
        }

        /// <summary>
        /// The seed's <c>header_required</c>: returns the header's raw value, or calls <paramref name="onMissing"/>
        /// and throws <see cref="InvalidResponseException"/> "Response headers must contain header {name}".
        /// </summary>
        public static string RequireHeader(HttpResponseMessage response, string name, Action? onMissing = null, string? objectName = null)
        {
            string? value = GetHeader(response, name);
            if (value != null)
            {
                return value;
            }

            onMissing?.Invoke();
            throw new InvalidResponseException(
                $"Response headers must contain header {name}" + (objectName == null ? "." : $" (downloading {objectName})."),
                (int)response.StatusCode,
                responseHeaders: DiagnosticHeaders(response),
                objectName: objectName);
        }

        /// <summary>
        /// The seed's <c>require_status_code</c>: returns the status when it is one of <paramref name="expected"/>;
        /// otherwise calls <paramref name="onFailure"/> — only when the status is NOT retryable — and throws
        /// <see cref="InvalidResponseException"/> (message "... failed with status code N. Expected one of ...").
        /// </summary>
        public static int RequireStatusCode(
            HttpResponseMessage response,
            IReadOnlyList<int> expected,
            Action? onFailure = null,
            string? objectName = null,
            string? body = null)
        {
            int status = (int)response.StatusCode;
            if (expected.Contains(status))
            {
                return status;
            }

            if (!RetryStrategy.IsRetryableStatus(status))
            {
                onFailure?.Invoke();
            }

            throw InvalidResponseException.UnexpectedStatus(status, expected, objectName, DiagnosticHeaders(response), body);
        }

        /// <summary>Reads at most <paramref name="limit"/> characters of an error body, best effort (never throws but for cancellation).</summary>
        public static async Task<string?> ReadErrorBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken, int limit = 8192)
        {
            if (response.Content == null)
            {
                return null;
            }

            try
            {
                using Stream body = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
                var buffer = new byte[limit];
                int total = 0;
                while (total < limit)
                {
                    int n = await body.ReadAsync(buffer, total, limit - total, cancellationToken).ConfigureAwait(false);
                    if (n == 0)
                    {
                        break;
                    }

                    total += n;
                }

                return Encoding.UTF8.GetString(buffer, 0, total);
            }
            catch (Exception ex) when (!(ex is OperationCanceledException) || !cancellationToken.IsCancellationRequested)
            {
                return null;
            }
        }

        /// <summary>
        /// The seed's <c>add_bytes_range</c>: sets <c>range</c> in <paramref name="headers"/> (mutated) from start/end:
        /// none → nothing; (null, e) → bytes=0-e; (s ≥ 0, null) → bytes=s-; (s &lt; 0, null) → bytes=-N; (s, e) → bytes=s-e.
        /// </summary>
        public static void AddBytesRange(long? start, long? end, IDictionary<string, string> headers)
        {
            string? value = FormatBytesRange(start, end);
            if (value != null)
            {
                headers["range"] = value;
            }
        }

        /// <summary>The Range value for start/end (see <see cref="AddBytesRange"/>), or null for the whole object.</summary>
        public static string? FormatBytesRange(long? start, long? end)
        {
            if (start == null)
            {
                return end == null ? null : $"bytes=0-{end.Value}";
            }

            if (end == null)
            {
                return start.Value < 0 ? $"bytes={start.Value}" : $"bytes={start.Value}-";
            }

            return $"bytes={start.Value}-{end.Value}";
        }

        /// <summary>
        /// The seed's <c>get_range_info</c>: parses <c>content-range</c> strictly (<c>^bytes (\d+)-(\d+)/(\d+)</c>,
        /// case-insensitive). A missing or malformed header calls <paramref name="onFailure"/> and throws.
        /// </summary>
        public static (long Start, long End, long Total) GetRangeInfo(HttpResponseMessage response, Action? onFailure = null, string? objectName = null)
        {
            string value = RequireHeader(response, "content-range", onFailure, objectName);
            Match match = StrictContentRange.Match(value);
            long start = 0, end = 0, total = 0;
            if (!match.Success
                || !TryParseNumber(match.Groups[1].Value, out start)
                || !TryParseNumber(match.Groups[2].Value, out end)
                || !TryParseNumber(match.Groups[3].Value, out total)
                || end < start
                || end >= total)
            {
                onFailure?.Invoke();
                throw new InvalidResponseException(
                    $"Unexpected content-range header '{value}'. Expected to be of the form \"bytes {{start}}-{{end}}/{{total}}\".",
                    (int)response.StatusCode,
                    responseHeaders: DiagnosticHeaders(response),
                    objectName: objectName);
            }

            return (start, end, total);
        }

        /// <summary>
        /// Lenient Content-Range parse for whole/resumed downloads: accepts <c>bytes 0--1/0</c> (end -1: empty) and a
        /// <c>*</c> total (null). Returns false for anything else, including <c>bytes */N</c>.
        /// </summary>
        public static bool TryParseContentRange(string? value, out long start, out long end, out long? total)
        {
            start = 0;
            end = 0;
            total = null;
            if (value == null)
            {
                return false;
            }

            Match match = LenientContentRange.Match(value);
            if (!match.Success)
            {
                return false;
            }

            if (!TryParseNumber(match.Groups[1].Value, out start) || !long.TryParse(match.Groups[2].Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out end))
            {
                return false; // too large for a long
            }

            if (match.Groups[3].Value != "*")
            {
                if (!TryParseNumber(match.Groups[3].Value, out long parsedTotal))
                {
                    return false;
                }

                total = parsedTotal;
            }

            // Consistent ranges only: start <= end < total. The one exception is an empty object's "bytes 0--1/0".
            bool empty = start == 0 && end == -1 && (total == null || total == 0);
            return empty || (end >= start && (total == null || end < total.Value));
        }

        private static bool TryParseNumber(string digits, out long value)
            => long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out value);

        /// <summary>The seed's <c>_check_for_zero_content_range</c>: 416 with content-range exactly <c>bytes */0</c> (an empty object).</summary>
        public static bool IsZeroContentRange(HttpResponseMessage response, string? objectName = null)
        {
            if ((int)response.StatusCode != 416)
            {
                return false;
            }

            return RequireHeader(response, "content-range", null, objectName) == "bytes */0";
        }

        /// <summary>The seed's <c>_get_generation_from_url</c>: the <c>generation</c> query parameter, or null.</summary>
        public static long? GetGenerationFromUrl(string url)
        {
            int query = url.IndexOf('?');
            if (query < 0)
            {
                return null;
            }

            foreach (string pair in url.Substring(query + 1).Split('&'))
            {
                int equals = pair.IndexOf('=');
                string name = Uri.UnescapeDataString(equals < 0 ? pair : pair.Substring(0, equals));
                if (name == "generation" && equals >= 0 && long.TryParse(Uri.UnescapeDataString(pair.Substring(equals + 1)), out long generation))
                {
                    return generation;
                }
            }

            return null;
        }

        /// <summary>The seed's <c>_parse_generation_header</c>: <c>x-goog-generation</c> as a number, or null.</summary>
        public static long? ParseGenerationHeader(HttpResponseMessage response)
        {
            string? value = GetHeader(response, "x-goog-generation");
            return value != null && long.TryParse(value.Trim(), out long generation) ? generation : (long?)null;
        }

        /// <summary>
        /// The seed's <c>_is_decompressive_transcoding</c>: stored gzip served without <c>content-encoding: gzip</c>
        /// (GCS decompressed it; Range was ignored and x-goog-hash no longer describes the body).
        /// </summary>
        public static bool IsDecompressiveTranscoding(HttpResponseMessage response)
            => string.Equals(GetHeader(response, "x-goog-stored-content-encoding"), "gzip", StringComparison.OrdinalIgnoreCase)
               && !string.Equals(GetHeader(response, "content-encoding"), "gzip", StringComparison.OrdinalIgnoreCase);

        /// <summary>
        /// The seed's <c>add_query_parameters</c>: appends URL-encoded parameters with '?' or '&amp;'; an empty set returns the URL unchanged.
        /// </summary>
        public static string AddQueryParameters(string url, IEnumerable<KeyValuePair<string, string>> parameters)
        {
            var pairs = parameters.ToList();
            if (pairs.Count == 0)
            {
                return url;
            }

            string encoded = string.Join("&", pairs.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));
            int fragment = url.IndexOf('#');
            string tail = fragment < 0 ? string.Empty : url.Substring(fragment);
            string head = fragment < 0 ? url : url.Substring(0, fragment);
            string separator = head.IndexOf('?') < 0 ? "?" : (head.EndsWith("?") || head.EndsWith("&") ? string.Empty : "&");
            return head + separator + encoded + tail;
        }

        /// <summary>
        /// The seed's <c>_get_expected_checksum</c>: the expected value of <paramref name="type"/> from x-goog-hash, and a
        /// hasher to compute it. Header (or that type) missing → null and no hasher: nothing will be validated.
        /// Two values of the type → <see cref="InvalidResponseException"/>.
        /// </summary>
        public static string? GetExpectedChecksum(HttpResponseMessage response, ChecksumType type, string? objectName, out MediaHasher? hasher)
        {
            hasher = null;
            if (type != ChecksumType.None && type != ChecksumType.Crc32c && type != ChecksumType.Md5)
            {
                throw new ArgumentOutOfRangeException(nameof(type), type, "checksum must be Crc32c, Md5 or None");
            }

            if (type == ChecksumType.None)
            {
                return null;
            }

            string? expected = GoogHash.Parse(GetHeader(response, GoogHash.HeaderName), type, objectName);
            if (expected != null)
            {
                hasher = MediaHasher.Create(type);
            }

            return expected;
        }

        internal static long? ParseLong(string? value)
            => value != null && long.TryParse(value.Trim(), out long result) ? result : (long?)null;
    }
}
