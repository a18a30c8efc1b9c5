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
    /// Query values that are secrets or capabilities (upload ids of resumable sessions and MPUs, signatures, keys,
    /// tokens) are replaced by &lt;redacted&gt;; headers are never logged. Lines go to <see cref="Sink"/>, which the cmdlet
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

        public static string RedactUrl(Uri? url) => url == null ? "(no URL)" : SecretQueryValue.Replace(url.AbsoluteUri, "<redacted>");

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
