using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Http;

namespace GcsMedia.Protocol
{
    /// <summary>
    /// What every media download shares (the seed's <c>DownloadBase</c>): the media URL exactly as given, the
    /// destination stream, the byte range, the caller's request headers (kept by identity and mutated with
    /// <c>range</c>, as the seed does), and the tombstone <see cref="Finished"/>.
    /// </summary>
    public abstract class DownloadBase
    {
        protected DownloadBase(string mediaUrl, Stream destination, long? start, long? end, IDictionary<string, string>? headers)
        {
            if (string.IsNullOrEmpty(mediaUrl))
            {
                throw new ArgumentException("A media URL is required.", nameof(mediaUrl));
            }

            MediaUrl = mediaUrl;
            Destination = destination ?? throw new ArgumentNullException(nameof(destination));
            if (!destination.CanWrite)
            {
                throw new ArgumentException("The destination stream must be writable.", nameof(destination));
            }

            Start = start;
            End = end;
            Headers = headers ?? new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        }

        /// <summary>The URL, e.g. https://storage.googleapis.com/download/storage/v1/b/B/o/O?alt=media.</summary>
        public string MediaUrl { get; }

        /// <summary>Where the bytes go. Writes start at its current position.</summary>
        public Stream Destination { get; }

        /// <summary>First byte wanted; negative means the last -Start bytes (suffix). Null: from byte 0.</summary>
        public long? Start { get; }

        /// <summary>Last byte wanted (inclusive). Null: to the end of the object.</summary>
        public long? End { get; }

        /// <summary>The caller's request headers, by identity; <c>range</c> is added to them when a request is built.</summary>
        public IDictionary<string, string> Headers { get; }

        /// <summary>True once a response was processed (even a failed one): the object cannot be reused.</summary>
        public bool Finished { get; protected set; }

        /// <summary>The HTTP status of the last response processed, or null before any.</summary>
        public int? StatusCode { get; protected set; }

        /// <summary>The object generation: from the URL's generation= parameter, else the first x-goog-generation seen.</summary>
        public long? Generation { get; protected set; }

        /// <summary>gs://bucket/object (or any label) used in error messages; defaults to the URL's path.</summary>
        public string? ObjectName { get; set; }

        /// <summary>Backoff for transient failures. Replace <see cref="RetryStrategy.Delay"/> in tests.</summary>
        public RetryStrategy RetryStrategy { get; set; } = new RetryStrategy();

        /// <summary>Called before each retry wait (logging, verbose output).</summary>
        public Action<RetryEvent>? OnRetry { get; set; }

        /// <summary>How many retries the last operation used.</summary>
        public int Retries { get; protected set; }

        internal string Label => ObjectName ?? SafeUrlLabel(MediaUrl);

        /// <summary>Copies the caller's headers onto a request; Accept-Encoding is always <c>gzip</c> (see spec §3).</summary>
        internal static void ApplyHeaders(HttpRequestMessage request, IDictionary<string, string> headers, string? range)
        {
            foreach (KeyValuePair<string, string> header in headers)
            {
                if (string.Equals(header.Key, "range", StringComparison.OrdinalIgnoreCase)
                    || string.Equals(header.Key, "accept-encoding", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                request.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }

            request.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip");
            if (range != null)
            {
                request.Headers.TryAddWithoutValidation("Range", range);
            }
        }

        private static string SafeUrlLabel(string url)
        {
            // Never echo query strings: signed URLs carry credentials there.
            int query = url.IndexOf('?');
            return query < 0 ? url : url.Substring(0, query);
        }
    }
}
