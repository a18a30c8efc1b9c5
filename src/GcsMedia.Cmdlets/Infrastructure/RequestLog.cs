using System;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using GcsMedia.Protocol;

namespace GcsMedia.Cmdlets
{
    /// <summary>
    /// -Debug's view of the wire: one line per HTTP request with method, URL, status (or failure), time and attempt.
    /// Query values that are secrets or capabilities (MPU upload ids, signatures, keys, tokens) are replaced by
    /// &lt;redacted&gt;, resumable session URIs are not shown at all, and headers are never logged. Lines go to <see cref="Sink"/>, which the cmdlet
    /// points at its pipeline while a command runs.
    /// </summary>
    internal sealed class RequestLog : DelegatingHandler
    {
        private static readonly Regex SecretQueryValue = new Regex(
            @"(?<=[?&](upload_?id|x-goog-signature|x-goog-credential|signature|googleaccessid|key|access_token)=)[^&#]*",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        private int _sequence;

        /// <summary>Where lines go; null drops them.</summary>
        public Action<string>? Sink { get; set; }

        private static readonly Regex ResumableQuery = new Regex(@"[?&](upload_id=|uploadType=resumable(&|$))", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        /// <summary>
        /// The URL with secret query values redacted. A resumable upload's URL is not shown at all, only the endpoint:
        /// the session URI is a bearer capability, and its shape alone is kept out of every stream.
        /// </summary>
        public static string RedactUrl(Uri? url)
        {
            if (url == null)
            {
                return "(no URL)";
            }

            if (ResumableQuery.IsMatch(url.Query))
            {
                string authority = url.GetLeftPart(UriPartial.Authority);
                return url.Query.IndexOf("upload_id=", StringComparison.OrdinalIgnoreCase) >= 0
                    ? $"<resumable upload session at {authority}>"
                    : $"<new resumable upload session at {authority}>";
            }

            return SecretQueryValue.Replace(url.AbsoluteUri, "<redacted>");
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            int number = Interlocked.Increment(ref _sequence);
            int attempt = Math.Max(RetryStrategy.CurrentAttempt, 1);
            string what = $"HTTP #{number} {request.Method} {RedactUrl(request.RequestUri)} (attempt {attempt.ToString(CultureInfo.InvariantCulture)})";
            long? length = request.Content?.Headers.ContentLength;
            Write(what + (length.HasValue ? $", {length.Value} bytes" : string.Empty));
            var clock = Stopwatch.StartNew();
            try
            {
                HttpResponseMessage response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
                Write($"HTTP #{number} {(int)response.StatusCode} {response.ReasonPhrase} after {clock.ElapsedMilliseconds} ms");
                return response;
            }
            catch (Exception ex)
            {
                Write($"HTTP #{number} failed after {clock.ElapsedMilliseconds} ms: {ex.GetType().Name}: {GcsErrors.Redact(ex.Message)}");
                throw;
            }
        }

        private void Write(string line)
        {
            try
            {
                Sink?.Invoke(line);
            }
            catch (OperationCanceledException)
            {
                // The command is stopping; the line has nowhere to go.
            }
        }
    }
}
