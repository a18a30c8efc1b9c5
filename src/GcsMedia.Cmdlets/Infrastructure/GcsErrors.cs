using System;
using System.IO;
using System.Management.Automation;
using System.Net.Http;
using System.Text.RegularExpressions;
using GcsMedia.Protocol;
using GcsMedia.Transfers;

namespace GcsMedia.Cmdlets
{
    /// <summary>
    /// Builds ErrorRecords: ErrorId "GcsMedia.&lt;Reason&gt;", a category from the HTTP status, the gs:// URI as the
    /// target, and a message that says what to do. Messages are scrubbed of session URIs and upload ids.
    /// </summary>
    internal static class GcsErrors
    {
        private static readonly Regex UploadIdPattern = new Regex(@"(upload_?id=)[^&\s""'<>]+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
        private static readonly Regex ParameterSuffix = new Regex(@"\s*\(Parameter '[^']*'\)$", RegexOptions.CultureInvariant);
        private static readonly Regex SessionUrlPattern = new Regex(@"https?://\S*upload_?id=\S*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        /// <summary>
        /// Maps an exception from the protocol or the file system. <paramref name="preconditionMeansExists"/>: the
        /// request carried ifGenerationMatch=0, so a 412 means the object already exists.
        /// </summary>
        public static ErrorRecord FromException(Exception exception, object? target, bool preconditionMeansExists = false, GcsOperation operation = GcsOperation.Other)
        {
            if (exception is AggregateException aggregate && aggregate.InnerExceptions.Count == 1)
            {
                exception = aggregate.InnerExceptions[0];
            }

            string what = target?.ToString() ?? "the object";
            switch (exception)
            {
                case ObjectExistsException exists when exists.Target.StartsWith("gs://", StringComparison.Ordinal):
                    return Create(exception, "PreconditionFailed", ErrorCategory.ResourceExists, target, $"{exists.Target} already exists. Use -Force to overwrite it.");
                case ObjectExistsException exists:
                    return Create(exception, "FileExists", ErrorCategory.ResourceExists, target,
                        $"The file '{exists.Target}' already exists. Use -Force to overwrite it, or choose another path.");
                case UploadSessionExpiredException expired:
                    return Create(exception, "SessionNotFound", ErrorCategory.ObjectNotFound, target,
                        $"{Redact(expired.Message)} Run Send-GcsMedia -Resumable again to start a new upload.");
                case DuplicateTargetException duplicate:
                    return Create(exception, "DuplicateTarget", ErrorCategory.InvalidArgument, target,
                        $"{Redact(duplicate.Message)} Neither was written over the other; give them different names or destinations.");
                case UnsafeObjectNameException unsafeName:
                    return Create(exception, "UnsafeObjectName", ErrorCategory.InvalidData, target,
                        $"{Redact(unsafeName.Message)} Nothing was written for it; download it on its own with Receive-GcsMedia -OutFile to choose a file name.");
                case SourceChangedException changed:
                    return Create(exception, "SourceChanged", ErrorCategory.InvalidData, target,
                        $"{Redact(changed.Message)} Upload it again with Send-GcsMedia -Resumable -Force.");
                case DataCorruptionException corruption:
                    return Create(
                        exception,
                        "DataCorruption",
                        ErrorCategory.InvalidResult,
                        target,
                        $"{Redact(corruption.Message)} The data was not kept; run the command again. If it keeps failing, compare the object's crc32c with Get-FileHash-style tools or use -Checksum Md5.");
                case CredentialsNotFoundException missing:
                    return Create(exception, "NoCredentials", ErrorCategory.AuthenticationError, target,
                        $"{Redact(missing.Message)} Give credentials in one of these ways: -KeyFile <service-account key .json>; -AccessToken (e.g. from `gcloud auth print-access-token`); " +
                        "set GOOGLE_APPLICATION_CREDENTIALS to a key file; or run `gcloud auth application-default login`. " +
                        "For public objects use -Anonymous; for an emulator set STORAGE_EMULATOR_HOST (e.g. http://127.0.0.1:9000) or give -Endpoint http://127.0.0.1:<port>.");
                case InvalidResponseException invalid when invalid.StatusCode == 404:
                    return NotFound(exception, invalid, target, operation);
                case InvalidResponseException invalid when invalid.StatusCode.HasValue:
                    return FromStatus(exception, invalid.StatusCode.Value, target, preconditionMeansExists, Redact(invalid.Message));
                case InvalidResponseException invalid:
                    return Create(exception, "InvalidResponse", ErrorCategory.InvalidResult, target,
                        $"The server's answer for {what} could not be understood: {Redact(invalid.Message)} Check that -Endpoint points at Google Cloud Storage or a compatible emulator.");
                case ArgumentException argument:
                    return Create(exception, "InvalidArgument", ErrorCategory.InvalidArgument, target, Redact(AsParameterText(argument)));
                case FileNotFoundException _:
                case DirectoryNotFoundException _:
                    return Create(exception, "FileNotFound", ErrorCategory.ObjectNotFound, target,
                        $"{Redact(exception.Message)} Check the path.");
                case UnauthorizedAccessException _:
                    return Create(exception, "AccessDenied", ErrorCategory.PermissionDenied, target,
                        $"{Redact(exception.Message)} Check the file permissions.");
                case HttpRequestException _:
                case System.Net.Sockets.SocketException _:
                    return Create(exception, "ConnectionFailed", ErrorCategory.ConnectionError, target,
                        $"Could not reach the storage endpoint for {what}: {Redact(exception.Message)} Check the network and -Endpoint / STORAGE_EMULATOR_HOST." + RetryNote);
                case TimeoutException _:
                case OperationCanceledException _:
                    return Create(exception, "Timeout", ErrorCategory.OperationTimeout, target,
                        $"The request for {what} timed out: {Redact(exception.Message)} Run the command again; resumable transfers continue where they stopped.");
                case IOException _:
                    return Create(exception, "IOError", ErrorCategory.WriteError, target,
                        $"{Redact(exception.Message)} Check the disk and the path, then run the command again.");
                default:
                    return Create(exception, "Failed", ErrorCategory.NotSpecified, target, Redact(exception.Message));
            }
        }

        private const string RetryNote =
            " Transient failures are retried for up to -RetryTimeout, except requests that cannot safely be repeated (a delete or server-side copy without a generation precondition).";

        public static ErrorRecord FromStatus(Exception exception, int status, object? target, bool preconditionMeansExists, string detail)
        {
            string what = target?.ToString() ?? "the object";
            switch (status)
            {
                case 400:
                    return Create(exception, "InvalidArgument", ErrorCategory.InvalidArgument, target,
                        $"The server rejected the request for {what} as invalid (400). {detail} Check the parameters (names, metadata, encryption key).");
                case 401:
                case 403:
                    return Create(exception, "AccessDenied", ErrorCategory.PermissionDenied, target,
                        $"Access to {what} was denied ({status}). {detail} Check the credentials (-AccessToken, -KeyFile or Application Default Credentials via GOOGLE_APPLICATION_CREDENTIALS) and the IAM roles on the bucket.");
                case 404:
                    return Create(exception, "ObjectNotFound", ErrorCategory.ObjectNotFound, target,
                        $"{what} was not found (404). {detail}");
                case 412 when preconditionMeansExists:
                    return Create(exception, "PreconditionFailed", ErrorCategory.ResourceExists, target,
                        $"{what} already exists (412 precondition failed). Use -Force to overwrite it.");
                case 412:
                    return Create(exception, "PreconditionFailed", ErrorCategory.InvalidOperation, target,
                        $"A precondition for {what} failed (412). {detail} The object changed; run the command again.");
                case 416:
                    return Create(exception, "InvalidRange", ErrorCategory.InvalidArgument, target,
                        $"The requested range is outside {what} (416). {detail} Check -Start and -End against the object's size.");
                case 408:
                case 429:
                    return Create(exception, "Throttled", ErrorCategory.LimitsExceeded, target,
                        $"The server kept throttling the request for {what} ({status}). {detail} Wait and run the command again." + RetryNote);
                default:
                    if (status >= 500)
                    {
                        return Create(exception, "ServerError", ErrorCategory.ConnectionError, target,
                            $"The server failed the request for {what} ({status}). {detail} Run the command again later; resumable transfers continue where they stopped." + RetryNote);
                    }

                    return Create(exception, "HttpError", ErrorCategory.NotSpecified, target,
                        $"The request for {what} failed with status {status}. {detail}");
            }
        }

        /// <summary>
        /// The text of an argument error without .NET's "(Parameter 'x')" suffix; a message from the transfer layer that
        /// starts with its option's name gets the parameter's dash ("ChunkSize 5 is …" becomes "-ChunkSize 5 is …").
        /// </summary>
        public static string AsParameterText(ArgumentException exception)
        {
            string message = ParameterSuffix.Replace(exception.Message, string.Empty);
            return exception.ParamName != null && message.StartsWith(exception.ParamName + " ", StringComparison.Ordinal) ? "-" + message : message;
        }

        /// <summary>A bad option refused by the transfer layer, found before any request was sent.</summary>
        public static ErrorRecord InvalidArgument(ArgumentException exception, object? target)
            => InvalidArgument(AsParameterText(exception), exception.ParamName ?? "Argument", target);

        /// <summary>
        /// A 404, told apart by what GCS says is missing: the bucket (JSON "The specified bucket does not exist", XML
        /// NoSuchBucket), the object (JSON "No such object", XML NoSuchKey), an MPU upload (NoSuchUpload) or, for a
        /// resumable upload, the session. The server's text is not repeated: it names the URI again and may carry ids.
        /// </summary>
        private static ErrorRecord NotFound(Exception exception, InvalidResponseException invalid, object? target, GcsOperation operation)
        {
            string what = target?.ToString() ?? "the object";
            string? code = GcsErrorBody.TryGetXmlCode(invalid.BodyExcerpt);
            string message = GcsErrorBody.TryGetMessage(invalid.BodyExcerpt) ?? string.Empty;
            if (code == "NoSuchBucket" || message.StartsWith("The specified bucket does not exist", StringComparison.Ordinal))
            {
                return Create(exception, "BucketNotFound", ErrorCategory.ObjectNotFound, target,
                    $"The bucket of {what} does not exist (404). Check the bucket name (`gcloud storage buckets list`), or create the bucket first.");
            }

            if (code == "NoSuchUpload")
            {
                return Create(exception, "UploadNotFound", ErrorCategory.ObjectNotFound, target,
                    $"The multipart upload of {what} no longer exists (404): it was completed or aborted. List the unfinished ones with Get-GcsMpu, or start a new one with New-GcsMpu.");
            }

            bool objectMissing = code == "NoSuchKey" || message.StartsWith("No such object", StringComparison.Ordinal);
            if (operation == GcsOperation.ResumableUpload && !objectMissing)
            {
                return Create(exception, "SessionNotFound", ErrorCategory.ObjectNotFound, target,
                    $"The resumable upload session for {what} has expired or was cancelled (404). Run Send-GcsMedia -Resumable again to start a new upload.");
            }

            string advice = operation == GcsOperation.Download
                ? "Check the object name (and -Generation, if given)."
                : "Check the object name.";
            return Create(exception, "ObjectNotFound", ErrorCategory.ObjectNotFound, target, $"{what} does not exist (404). {advice}");
        }

        /// <summary>A bad parameter, found before any request was sent.</summary>
        public static ErrorRecord InvalidArgument(string message, string parameterName, object? target)
        {
            message = ParameterSuffix.Replace(message, string.Empty);
            return Create(new ArgumentException(message, parameterName), "InvalidArgument", ErrorCategory.InvalidArgument, target, message);
        }

        /// <summary>A path parameter (given as <paramref name="given"/>, resolved to <paramref name="resolved"/>) names nothing on disk.</summary>
        public static ErrorRecord FileNotFound(string parameter, string given, string resolved, string advice, string what = "file")
            => Create(
                new FileNotFoundException($"Cannot find the {what} '{resolved}'.", resolved), "FileNotFound", ErrorCategory.ObjectNotFound, given,
                $"-{parameter} '{given}' does not exist. {advice}");

        public static ErrorRecord Create(Exception exception, string reason, ErrorCategory category, object? target, string message)
        {
            // An exception whose own message would leak a session URI is replaced by one with the scrubbed text.
            if (Redact(exception.Message) != exception.Message)
            {
                exception = new InvalidOperationException(Redact(exception.Message));
            }

            var record = new ErrorRecord(exception, "GcsMedia." + reason, category, target)
            {
                ErrorDetails = new ErrorDetails(Redact(message)),
            };
            return record;
        }

        /// <summary>Removes resumable session URIs and upload ids from text meant for people.</summary>
        public static string Redact(string? text)
        {
            if (string.IsNullOrEmpty(text))
            {
                return string.Empty;
            }

            string result = SessionUrlPattern.Replace(text!, "<session URI redacted>");
            return UploadIdPattern.Replace(result, "$1<redacted>");
        }
    }
}
