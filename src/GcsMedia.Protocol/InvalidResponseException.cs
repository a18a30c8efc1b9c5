using System;
using System.Collections.Generic;
using System.Linq;

namespace GcsMedia.Protocol
{
    /// <summary>
    /// The server answered something the protocol did not expect: a status outside <see cref="ExpectedStatusCodes"/>,
    /// a missing or malformed header, or an unreadable body. Never carries request headers (tokens, keys).
    /// </summary>
    public class InvalidResponseException : Exception
    {
        private const int BodyExcerptLimit = 1024;

        public InvalidResponseException(
            string message,
            int? statusCode,
            IReadOnlyList<int>? expectedStatusCodes = null,
            IReadOnlyDictionary<string, string>? responseHeaders = null,
            string? bodyExcerpt = null,
            string? objectName = null,
            Exception? innerException = null)
            : base(message, innerException)
        {
            StatusCode = statusCode;
            ExpectedStatusCodes = expectedStatusCodes ?? Array.Empty<int>();
            ResponseHeaders = responseHeaders ?? new Dictionary<string, string>();
            BodyExcerpt = bodyExcerpt == null || bodyExcerpt.Length <= BodyExcerptLimit
                ? bodyExcerpt
                : bodyExcerpt.Substring(0, BodyExcerptLimit);
            ObjectName = objectName;
        }

        /// <summary>The HTTP status, or null when no response status applies (e.g. a malformed header).</summary>
        public int? StatusCode { get; }

        public IReadOnlyList<int> ExpectedStatusCodes { get; }

        /// <summary>Response headers that matter for diagnosis (never request headers).</summary>
        public IReadOnlyDictionary<string, string> ResponseHeaders { get; }

        public string? BodyExcerpt { get; }

        /// <summary>gs://bucket/object, when known.</summary>
        public string? ObjectName { get; }

        public bool IsRetryable => StatusCode.HasValue && RetryStrategy.IsRetryableStatus(StatusCode.Value);

        public static InvalidResponseException UnexpectedStatus(
            int statusCode,
            IReadOnlyList<int> expected,
            string? objectName,
            IReadOnlyDictionary<string, string>? headers = null,
            string? body = null)
        {
            string what = objectName == null ? "Request" : $"Request for {objectName}";
            string message = $"{what} failed with status code {statusCode}. Expected one of {string.Join(", ", expected.Select(c => c.ToString()))}.";
            string? serverMessage = GcsErrorBody.TryGetMessage(body);
            if (!string.IsNullOrEmpty(serverMessage))
            {
                message += " Server said: " + serverMessage;
            }

            return new InvalidResponseException(message, statusCode, expected, headers, body, objectName);
        }
    }
}
