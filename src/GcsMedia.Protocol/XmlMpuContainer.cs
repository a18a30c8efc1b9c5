using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using System.Xml.Linq;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace GcsMedia.Protocol
{
    /// <summary>
    /// An XML API multipart upload (MPU): <see cref="InitiateAsync"/> gets an upload id, parts are uploaded
    /// (by <see cref="XmlMpuPart"/>, here or in another process) and registered by number and ETag, and
    /// <see cref="FinalizeAsync"/> assembles the object. <see cref="ToJson"/> / <see cref="FromJson"/> carry the
    /// state (no credentials, no headers) between processes. Upload ids are URL-encoded in every request.
    /// </summary>
    public sealed class XmlMpuContainer
    {
        private static readonly int[] Ok = { 200 };
        private static readonly int[] CancelOk = { 204 };
        private readonly SortedDictionary<int, string> _parts = new SortedDictionary<int, string>();

        /// <param name="uploadUrl">The XML object URL, {endpoint}/{bucket}/{object} (see <see cref="StorageUrls.XmlObject"/>).</param>
        /// <param name="contentType">The object's content type, sent on initiate (and on finalize, as python-storage does).</param>
        public XmlMpuContainer(
            HttpClient client,
            string uploadUrl,
            string? contentType = null,
            IDictionary<string, string>? headers = null,
            string? uploadId = null,
            RetryStrategy? retryStrategy = null,
            string? objectName = null)
        {
            Client = client ?? throw new ArgumentNullException(nameof(client));
            if (string.IsNullOrEmpty(uploadUrl))
            {
                throw new ArgumentException("An upload URL is required.", nameof(uploadUrl));
            }

            UploadUrl = uploadUrl.TrimEnd('?');
            ContentType = contentType;
            Headers = headers == null
                ? new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
                : new Dictionary<string, string>(headers, StringComparer.OrdinalIgnoreCase);
            UploadId = uploadId;
            RetryStrategy = retryStrategy ?? new RetryStrategy();
            ObjectName = objectName ?? DescribeXmlUrl(UploadUrl);
        }

        public XmlMpuContainer(
            HttpClient client,
            StorageUrls urls,
            GcsObjectRef target,
            string? contentType = null,
            IDictionary<string, string>? headers = null,
            string? uploadId = null,
            RetryStrategy? retryStrategy = null)
            : this(client, urls.XmlObject(target), contentType, headers, uploadId, retryStrategy, target.ToString())
        {
        }

        public HttpClient Client { get; }

        /// <summary>The XML object URL (no query).</summary>
        public string UploadUrl { get; }

        /// <summary>gs://bucket/object when known.</summary>
        public string? ObjectName { get; }

        public string? ContentType { get; }

        /// <summary>Extra headers for every container request (a copy of the caller's).</summary>
        public IDictionary<string, string> Headers { get; }

        /// <summary>Set by <see cref="InitiateAsync"/>, or given to resume an upload.</summary>
        public string? UploadId { get; private set; }

        /// <summary>Registered parts, by number (ascending), with their ETags as the server wrote them.</summary>
        public IReadOnlyDictionary<int, string> Parts => _parts;

        public bool Finished { get; private set; }

        /// <summary>The assembled object's ETag, from the completion result.</summary>
        public string? ETag { get; private set; }

        /// <summary>The assembled object's CRC32C (base64), when the completion answer carried it in x-goog-hash.</summary>
        public string? Crc32c { get; private set; }

        /// <summary>The assembled object's generation, when the completion answer carried x-goog-generation.</summary>
        public long? Generation { get; private set; }

        public RetryStrategy RetryStrategy { get; set; }

        public Action<RetryEvent>? Retrying { get; set; }

        private string Describe => ObjectName ?? "the object";

        /// <summary>POST {url}?uploads with the content type, x-goog-meta-* for <paramref name="customMetadata"/>, and the extra headers.</summary>
        public HttpRequestMessage BuildInitiateRequest(IDictionary<string, string>? customMetadata = null)
        {
            if (UploadId != null)
            {
                throw new InvalidOperationException($"The multipart upload of {Describe} has already been initiated.");
            }

            var request = new HttpRequestMessage(HttpMethod.Post, UploadUrl + "?uploads")
            {
                Content = new ByteArrayContent(Array.Empty<byte>()),
            };
            UploadHttp.SetHeaders(request, Headers);
            UploadHttp.SetHeader(request, "content-type", ContentType ?? "application/octet-stream");
            if (customMetadata != null)
            {
                foreach (KeyValuePair<string, string> pair in customMetadata)
                {
                    UploadHttp.SetHeader(request, "x-goog-meta-" + pair.Key, pair.Value);
                }
            }

            return request;
        }

        /// <summary>Requires 200 and reads UploadId from the InitiateMultipartUploadResult.</summary>
        public async Task ProcessInitiateResponseAsync(HttpResponseMessage response, CancellationToken cancellationToken = default)
        {
            string body = await RequireOkAsync(response, Ok, cancellationToken).ConfigureAwait(false);
            XElement? root = XmlMpuXml.TryParse(body);
            string? uploadId = root == null ? null : XmlMpuXml.Child(root, "UploadId");
            if (string.IsNullOrEmpty(uploadId))
            {
                throw new InvalidResponseException(
                    $"The answer to initiating the multipart upload of {Describe} has no UploadId.",
                    (int)response.StatusCode, Ok, UploadHttp.SafeHeaders(response), body, ObjectName);
            }

            UploadId = uploadId;
        }

        /// <summary>Starts the upload and returns its id. Initiating twice is an <see cref="InvalidOperationException"/>.</summary>
        public async Task<string> InitiateAsync(IDictionary<string, string>? customMetadata = null, CancellationToken cancellationToken = default)
        {
            BuildInitiateRequest(customMetadata).Dispose(); // validates the state before any request
            await RetryStrategy.ExecuteAsync(
                async token =>
                {
                    using HttpRequestMessage request = BuildInitiateRequest(customMetadata);
                    using HttpResponseMessage response = await Client.SendAsync(request, token).ConfigureAwait(false);
                    await ProcessInitiateResponseAsync(response, token).ConfigureAwait(false);
                },
                cancellationToken,
                null,
                Retrying).ConfigureAwait(false);
            return UploadId!;
        }

        /// <summary>Records a part's ETag (replacing any earlier one for that number).</summary>
        public void RegisterPart(int partNumber, string etag)
        {
            XmlMpuPart.ValidatePartNumber(partNumber);
            if (string.IsNullOrEmpty(etag))
            {
                throw new ArgumentException($"Part {partNumber} of {Describe} needs the ETag its upload returned.", nameof(etag));
            }

            _parts[partNumber] = etag;
        }

        /// <summary>A part upload for this container (its URL and upload id).</summary>
        public XmlMpuPart CreatePart(string filePath, long start, long end, int partNumber, ChecksumType checksumType = ChecksumType.Crc32c)
            => new XmlMpuPart(Client, UploadUrl, RequireUploadId(), filePath, start, end, partNumber, checksumType, Headers, RetryStrategy, ObjectName);

        public XmlMpuPart CreatePart(Stream source, long start, long end, int partNumber, ChecksumType checksumType = ChecksumType.Crc32c)
            => new XmlMpuPart(Client, UploadUrl, RequireUploadId(), source, start, end, partNumber, checksumType, Headers, RetryStrategy, ObjectName);

        /// <summary>The CompleteMultipartUpload document, parts in ascending order, no XML declaration.</summary>
        public string BuildCompletionXml()
        {
            var root = new XElement(
                "CompleteMultipartUpload",
                _parts.Select(p => new XElement("Part", new XElement("PartNumber", p.Key), new XElement("ETag", p.Value))));
            return root.ToString(SaveOptions.DisableFormatting);
        }

        /// <summary>POST {url}?uploadId={encoded id} with the completion document.</summary>
        public HttpRequestMessage BuildFinalizeRequest()
        {
            string uploadId = RequireUploadId();
            if (Finished)
            {
                throw new InvalidOperationException($"The multipart upload of {Describe} has already been completed.");
            }

            if (_parts.Count == 0)
            {
                throw new InvalidOperationException($"No parts are registered for the multipart upload of {Describe}; register at least one.");
            }

            var request = new HttpRequestMessage(HttpMethod.Post, UploadUrl + "?uploadId=" + Uri.EscapeDataString(uploadId))
            {
                Content = new ByteArrayContent(Encoding.UTF8.GetBytes(BuildCompletionXml())),
            };
            UploadHttp.SetHeaders(request, Headers);
            UploadHttp.SetHeader(request, "content-type", ContentType ?? "application/xml");
            return request;
        }

        /// <summary>Requires 200 (and not an Error document); marks finished and reads the object's ETag.</summary>
        public async Task ProcessFinalizeResponseAsync(HttpResponseMessage response, CancellationToken cancellationToken = default)
        {
            string body = await RequireOkAsync(response, Ok, cancellationToken).ConfigureAwait(false);
            XElement? root = XmlMpuXml.TryParse(body);
            if (root != null && root.Name.LocalName == "Error")
            {
                throw new InvalidResponseException(
                    $"Completing the multipart upload of {Describe} failed ({XmlMpuXml.Child(root, "Code")}): {XmlMpuXml.Child(root, "Message")}",
                    (int)response.StatusCode, Ok, UploadHttp.SafeHeaders(response), body, ObjectName);
            }

            if (root == null && !string.IsNullOrWhiteSpace(body))
            {
                throw new InvalidResponseException(
                    $"The answer to completing the multipart upload of {Describe} is not XML, so whether the object was assembled is unknown.",
                    (int)response.StatusCode, Ok, UploadHttp.SafeHeaders(response), body, ObjectName);
            }

            Finished = true;
            ETag = root == null ? null : XmlMpuXml.Child(root, "ETag");
            Crc32c = response.Headers.TryGetValues("x-goog-hash", out IEnumerable<string>? hashes)
                ? GoogHash.Parse(hashes, ChecksumType.Crc32c, ObjectName)
                : null;
            Generation = response.Headers.TryGetValues("x-goog-generation", out IEnumerable<string>? generations) &&
                         long.TryParse(generations.FirstOrDefault(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long generation)
                ? generation
                : (long?)null;
        }

        public async Task FinalizeAsync(CancellationToken cancellationToken = default)
        {
            BuildFinalizeRequest().Dispose(); // validates the state before any request
            await RetryStrategy.ExecuteAsync(
                async token =>
                {
                    using HttpRequestMessage request = BuildFinalizeRequest();
                    using HttpResponseMessage response = await Client.SendAsync(request, token).ConfigureAwait(false);
                    await ProcessFinalizeResponseAsync(response, token).ConfigureAwait(false);
                },
                cancellationToken,
                null,
                Retrying).ConfigureAwait(false);
        }

        /// <summary>DELETE {url}?uploadId={encoded id}.</summary>
        public HttpRequestMessage BuildCancelRequest()
        {
            var request = new HttpRequestMessage(HttpMethod.Delete, UploadUrl + "?uploadId=" + Uri.EscapeDataString(RequireUploadId()));
            UploadHttp.SetHeaders(request, Headers);
            return request;
        }

        /// <summary>Aborts the upload (204); its parts are discarded.</summary>
        public async Task CancelAsync(CancellationToken cancellationToken = default)
        {
            RequireUploadId();
            await RetryStrategy.ExecuteAsync(
                async token =>
                {
                    using HttpRequestMessage request = BuildCancelRequest();
                    using HttpResponseMessage response = await Client.SendAsync(request, token).ConfigureAwait(false);
                    await RequireOkAsync(response, CancelOk, token).ConfigureAwait(false);
                },
                cancellationToken,
                null,
                Retrying).ConfigureAwait(false);
        }

        /// <summary>The parts the server holds for this upload (all pages, in the server's default page size).</summary>
        public Task<IReadOnlyList<XmlMpuPartInfo>> ListPartsAsync(CancellationToken cancellationToken = default)
            => ListPartsAsync(null, cancellationToken);

        /// <summary>
        /// The parts the server holds for this upload: every page, asking for at most <paramref name="pageSize"/>
        /// parts per request (max-parts, 1..1000), following NextPartNumberMarker while IsTruncated.
        /// </summary>
        public async Task<IReadOnlyList<XmlMpuPartInfo>> ListPartsAsync(int? pageSize, CancellationToken cancellationToken = default)
        {
            if (pageSize.HasValue && (pageSize.Value < 1 || pageSize.Value > 1000))
            {
                throw new ArgumentOutOfRangeException(nameof(pageSize), pageSize, "The ListParts page size (max-parts) must be between 1 and 1000.");
            }

            string baseUrl = UploadUrl + "?uploadId=" + Uri.EscapeDataString(RequireUploadId())
                + (pageSize.HasValue ? "&max-parts=" + pageSize.Value.ToString(System.Globalization.CultureInfo.InvariantCulture) : string.Empty);
            var result = new List<XmlMpuPartInfo>();
            string? marker = null;
            while (true)
            {
                string url = marker == null ? baseUrl : baseUrl + "&part-number-marker=" + Uri.EscapeDataString(marker);
                XElement root = await GetXmlAsync(Client, url, Headers, RetryStrategy, ObjectName, cancellationToken, Retrying).ConfigureAwait(false);
                foreach (XElement part in XmlMpuXml.Children(root, "Part"))
                {
                    result.Add(new XmlMpuPartInfo(
                        (int)(XmlMpuXml.Long(part, "PartNumber") ?? 0),
                        XmlMpuXml.Child(part, "ETag") ?? string.Empty,
                        XmlMpuXml.Long(part, "Size"),
                        XmlMpuXml.Time(part, "LastModified")));
                }

                if (!XmlMpuXml.IsTruncated(root))
                {
                    return result;
                }

                // A truncated page must move the marker forward; otherwise the listing would stop short (and an
                // upload completed from it would miss parts) or never end.
                string? next = XmlMpuXml.Child(root, "NextPartNumberMarker");
                if (!int.TryParse(next, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int nextNumber) ||
                    (marker != null && nextNumber <= int.Parse(marker, System.Globalization.CultureInfo.InvariantCulture)))
                {
                    throw new InvalidResponseException(
                        $"Listing the parts of {Describe}: the server said the list continues but gave NextPartNumberMarker '{next}' after '{marker ?? "(start)"}', so the full list of parts cannot be read.",
                        200, null, null, null, ObjectName);
                }

                marker = next;
            }
        }

        /// <summary>Unfinished multipart uploads in a bucket (all pages), optionally under a name prefix.</summary>
        public static async Task<IReadOnlyList<XmlMpuUploadInfo>> ListUploadsAsync(
            HttpClient client, StorageUrls urls, string bucket, string? prefix = null, RetryStrategy? retryStrategy = null,
            CancellationToken cancellationToken = default, Action<RetryEvent>? retrying = null)
        {
            if (client == null)
            {
                throw new ArgumentNullException(nameof(client));
            }

            string baseUrl = urls.XmlBucket(bucket) + "?uploads" + (prefix == null ? string.Empty : "&prefix=" + Uri.EscapeDataString(prefix));
            var result = new List<XmlMpuUploadInfo>();
            string? keyMarker = null;
            string? idMarker = null;
            RetryStrategy retry = retryStrategy ?? new RetryStrategy();
            while (true)
            {
                string url = baseUrl;
                if (keyMarker != null)
                {
                    url += "&key-marker=" + Uri.EscapeDataString(keyMarker);
                }

                if (idMarker != null)
                {
                    url += "&upload-id-marker=" + Uri.EscapeDataString(idMarker);
                }

                XElement root = await GetXmlAsync(client, url, null, retry, $"gs://{bucket}", cancellationToken, retrying).ConfigureAwait(false);
                foreach (XElement upload in XmlMpuXml.Children(root, "Upload"))
                {
                    result.Add(new XmlMpuUploadInfo(
                        bucket,
                        XmlMpuXml.Child(upload, "Key") ?? string.Empty,
                        XmlMpuXml.Child(upload, "UploadId") ?? string.Empty,
                        XmlMpuXml.Time(upload, "Initiated")));
                }

                keyMarker = XmlMpuXml.Child(root, "NextKeyMarker");
                idMarker = XmlMpuXml.Child(root, "NextUploadIdMarker");
                if (!XmlMpuXml.IsTruncated(root) || (string.IsNullOrEmpty(keyMarker) && string.IsNullOrEmpty(idMarker)))
                {
                    return result;
                }
            }
        }

        /// <summary>The state to finish the upload elsewhere: URL, bucket/object, upload id, content type, parts. No headers or credentials.</summary>
        public string ToJson()
        {
            var json = new JObject
            {
                ["uploadUrl"] = UploadUrl,
                ["objectName"] = ObjectName,
                ["uploadId"] = UploadId,
                ["contentType"] = ContentType,
                ["finished"] = Finished,
                ["parts"] = new JArray(_parts.Select(p => new JObject { ["partNumber"] = p.Key, ["etag"] = p.Value })),
            };
            return json.ToString(Formatting.None);
        }

        /// <summary>Rebuilds a container from <see cref="ToJson"/>; add headers (e.g. CSEK) again if the upload needs them.</summary>
        public static XmlMpuContainer FromJson(
            string json, HttpClient client, IDictionary<string, string>? headers = null, RetryStrategy? retryStrategy = null)
        {
            JObject state;
            try
            {
                using var reader = new JsonTextReader(new StringReader(json)) { DateParseHandling = DateParseHandling.None };
                state = JObject.Load(reader);
            }
            catch (JsonException ex)
            {
                throw new FormatException("The multipart upload state is not valid JSON.", ex);
            }

            string uploadUrl = (string?)state["uploadUrl"] ?? throw new FormatException("The multipart upload state has no uploadUrl.");
            var container = new XmlMpuContainer(
                client, uploadUrl, (string?)state["contentType"], headers, (string?)state["uploadId"], retryStrategy, (string?)state["objectName"]);
            if (state["parts"] is JArray parts)
            {
                foreach (JToken part in parts)
                {
                    container.RegisterPart((int)part["partNumber"]!, (string)part["etag"]!);
                }
            }

            container.Finished = (bool?)state["finished"] ?? false;
            return container;
        }

        public override string ToString() => $"XmlMpuContainer for {Describe}: {_parts.Count} part(s) registered" + (Finished ? ", finished" : string.Empty);

        /// <summary>"gs://bucket/object" from a path-style or virtual-hosted XML URL.</summary>
        internal static string? DescribeXmlUrl(string url)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out Uri? uri))
            {
                return null;
            }

            string path = uri.AbsolutePath.TrimStart('/');
            const string hostSuffix = ".storage.googleapis.com";
            if (uri.Host.EndsWith(hostSuffix, StringComparison.OrdinalIgnoreCase))
            {
                string bucket = uri.Host.Substring(0, uri.Host.Length - hostSuffix.Length);
                return $"gs://{bucket}/{Uri.UnescapeDataString(path)}";
            }

            int slash = path.IndexOf('/');
            if (slash <= 0)
            {
                return null;
            }

            return $"gs://{Uri.UnescapeDataString(path.Substring(0, slash))}/{Uri.UnescapeDataString(path.Substring(slash + 1))}";
        }

        private static async Task<XElement> GetXmlAsync(
            HttpClient client, string url, IDictionary<string, string>? headers, RetryStrategy retry, string? objectName, CancellationToken cancellationToken,
            Action<RetryEvent>? retrying = null)
        {
            return await retry.ExecuteAsync(
                async token =>
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, url);
                    UploadHttp.SetHeaders(request, headers);
                    using HttpResponseMessage response = await client.SendAsync(request, token).ConfigureAwait(false);
                    if ((int)response.StatusCode != 200)
                    {
                        throw await UploadHttp.UnexpectedStatusAsync(response, Ok, objectName, token).ConfigureAwait(false);
                    }

                    string body = await UploadHttp.ReadBodyAsync(response, token).ConfigureAwait(false);
                    return XmlMpuXml.TryParse(body) ?? throw new InvalidResponseException(
                        $"The listing for {objectName ?? "the bucket"} is not XML.", 200, Ok, UploadHttp.SafeHeaders(response), body, objectName);
                },
                cancellationToken,
                null,
                retrying).ConfigureAwait(false);
        }

        private string RequireUploadId()
            => UploadId ?? throw new InvalidOperationException(
                $"The multipart upload of {Describe} has not been initiated. Please call InitiateAsync() first.");

        private async Task<string> RequireOkAsync(HttpResponseMessage response, int[] expected, CancellationToken cancellationToken)
        {
            if (Array.IndexOf(expected, (int)response.StatusCode) < 0)
            {
                throw await UploadHttp.UnexpectedStatusAsync(response, expected, ObjectName, cancellationToken).ConfigureAwait(false);
            }

            return await UploadHttp.ReadBodyAsync(response, cancellationToken).ConfigureAwait(false);
        }
    }
}
