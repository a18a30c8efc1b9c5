using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace GcsMedia.Protocol
{
    /// <summary>Small HTTP helpers shared by the upload classes.</summary>
    internal static class UploadHttp
    {
        /// <summary>Response headers that must never reach an exception: they carry the session capability.</summary>
        private static readonly HashSet<string> SecretResponseHeaders = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            "Location", "X-GUploader-UploadID", "Set-Cookie", "Content-Location",
        };

        private static readonly HashSet<string> ContentHeaderNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            "Content-Type", "Content-Range", "Content-MD5", "Content-Encoding", "Content-Disposition",
            "Content-Language", "Content-Length", "Content-Location", "Expires", "Last-Modified", "Allow",
        };

        public static HttpMethod Patch { get; } = new HttpMethod("PATCH");

        /// <summary>Adds headers to the request, putting content headers on the content (created empty if needed).</summary>
        public static void SetHeader(HttpRequestMessage request, string name, string value)
        {
            if (ContentHeaderNames.Contains(name))
            {
                if (string.Equals(name, "Content-Length", StringComparison.OrdinalIgnoreCase))
                {
                    return; // computed by the content
                }

                request.Content ??= new ByteArrayContent(Array.Empty<byte>());
                request.Content.Headers.Remove(name);
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
            else
            {
                request.Headers.Remove(name);
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        public static void SetHeaders(HttpRequestMessage request, IEnumerable<KeyValuePair<string, string>>? headers)
        {
            if (headers == null)
            {
                return;
            }

            foreach (KeyValuePair<string, string> header in headers)
            {
                SetHeader(request, header.Key, header.Value);
            }
        }

        public static string? GetHeader(HttpResponseMessage response, string name)
        {
            if (response.Headers.TryGetValues(name, out IEnumerable<string>? values)
                || (response.Content != null && response.Content.Headers.TryGetValues(name, out values)))
            {
                return string.Join(",", values);
            }

            return null;
        }

        /// <summary>Response headers for diagnostics, without the ones that carry the session URI or upload id.</summary>
        public static IReadOnlyDictionary<string, string> SafeHeaders(HttpResponseMessage response)
        {
            var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            IEnumerable<KeyValuePair<string, IEnumerable<string>>> all = response.Headers;
            if (response.Content != null)
            {
                all = all.Concat(response.Content.Headers);
            }

            foreach (KeyValuePair<string, IEnumerable<string>> header in all)
            {
                if (!SecretResponseHeaders.Contains(header.Key))
                {
                    result[header.Key] = string.Join(",", header.Value);
                }
            }

            return result;
        }

        public static async Task<string> ReadBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
        {
            if (response.Content == null)
            {
                return string.Empty;
            }

#if NET8_0_OR_GREATER
            return await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
#else
            cancellationToken.ThrowIfCancellationRequested();
            return await response.Content.ReadAsStringAsync().ConfigureAwait(false);
#endif
        }

        /// <summary>An InvalidResponseException for an unexpected status, with safe headers and the body excerpt.</summary>
        public static async Task<InvalidResponseException> UnexpectedStatusAsync(
            HttpResponseMessage response, IReadOnlyList<int> expected, string? objectName, CancellationToken cancellationToken)
        {
            string body;
            try
            {
                body = await ReadBodyAsync(response, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException || ex is HttpRequestException)
            {
                body = string.Empty;
            }

            return InvalidResponseException.UnexpectedStatus((int)response.StatusCode, expected, objectName, SafeHeaders(response), body);
        }

        public static InvalidResponseException MissingHeader(HttpResponseMessage response, string name, string? objectName)
            => new InvalidResponseException(
                $"Response headers must contain header '{name}' (response to the upload of {objectName ?? "the object"}).",
                (int)response.StatusCode,
                responseHeaders: SafeHeaders(response),
                objectName: objectName);

        /// <summary>Reads until <paramref name="count"/> bytes arrived or the stream ended; returns the number read.</summary>
        public static async Task<int> ReadFullAsync(Stream stream, byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            int total = 0;
            while (total < count)
            {
                int n = await stream.ReadAsync(buffer, offset + total, count - total, cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                total += n;
            }

            return total;
        }

        /// <summary>Feeds <paramref name="length"/> bytes of the stream, from its current position, into the hasher.</summary>
        public static async Task<long> HashRangeAsync(Stream stream, long length, MediaHasher hasher, CancellationToken cancellationToken)
        {
            byte[] buffer = ArrayPool<byte>.Shared.Rent(128 * 1024); // stays in the CPU cache between the file copy and the hash
            try
            {
                long remaining = length;
                while (remaining > 0)
                {
                    int want = (int)Math.Min(buffer.Length, remaining);
                    int n = await stream.ReadAsync(buffer, 0, want, cancellationToken).ConfigureAwait(false);
                    if (n == 0)
                    {
                        break;
                    }

                    hasher.Append(buffer, 0, n);
                    remaining -= n;
                }

                return length - remaining;
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        /// <summary>"gs://bucket/name" from a JSON API upload URL (bucket from /b/{bucket}/o) and a name, or null.</summary>
        public static string? DescribeJsonApiObject(string uploadUrl, string? name)
        {
            string? bucket = null;
            string? queryName = null;
            if (Uri.TryCreate(uploadUrl, UriKind.Absolute, out Uri? uri))
            {
                string[] segments = uri.AbsolutePath.Split('/');
                int b = Array.IndexOf(segments, "b");
                if (b >= 0 && b + 1 < segments.Length && segments[b + 1].Length > 0)
                {
                    bucket = Uri.UnescapeDataString(segments[b + 1]);
                }

                queryName = QueryValue(uri, "name");
            }

            name ??= queryName;
            if (bucket == null)
            {
                return name;
            }

            return name == null ? $"gs://{bucket}" : $"gs://{bucket}/{name}";
        }

        public static string? QueryValue(Uri uri, string parameter)
        {
            string query = uri.Query.TrimStart('?');
            foreach (string pair in query.Split('&'))
            {
                int equals = pair.IndexOf('=');
                string key = equals < 0 ? pair : pair.Substring(0, equals);
                if (string.Equals(Uri.UnescapeDataString(key), parameter, StringComparison.OrdinalIgnoreCase))
                {
                    return equals < 0 ? string.Empty : Uri.UnescapeDataString(pair.Substring(equals + 1).Replace('+', ' '));
                }
            }

            return null;
        }

        public static bool HasQueryParameter(string url, string parameter)
            => Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) && QueryValue(uri, parameter) != null;
    }
}
