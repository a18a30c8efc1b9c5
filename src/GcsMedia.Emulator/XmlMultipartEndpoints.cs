using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace GcsMedia.Emulator;

/// <summary>XML API multipart upload: initiate, upload part, complete, abort, list parts, list uploads.</summary>
internal sealed class XmlMultipartEndpoints(ObjectStore store, MultipartUploads uploads)
{
    private static readonly XNamespace S3 = "http://s3.amazonaws.com/doc/2006-03-01/";
    private const int MaxCompleteBodyBytes = 4 * 1024 * 1024;

    /// <summary>Object metadata carried as XML API request headers.</summary>
    public static ObjectMetadata MetadataFromHeaders(HttpRequest request)
    {
        var h = request.Headers;
        static string? NonEmpty(string s) => s.Length == 0 ? null : s;
        var m = new ObjectMetadata
        {
            ContentType = NonEmpty(request.ContentType ?? ""),
            ContentEncoding = NonEmpty(h.ContentEncoding.ToString()) ?? NonEmpty(h["x-goog-content-encoding"].ToString()),
            ContentDisposition = NonEmpty(h.ContentDisposition.ToString()),
            ContentLanguage = NonEmpty(h.ContentLanguage.ToString()),
            CacheControl = NonEmpty(h.CacheControl.ToString()),
        };
        foreach (var (name, value) in h)
        {
            if (name.StartsWith("x-goog-meta-", StringComparison.OrdinalIgnoreCase) && name.Length > "x-goog-meta-".Length)
                m.Custom[name["x-goog-meta-".Length..].ToLowerInvariant()] = value.ToString();
        }
        return m;
    }

    public Task InitiateAsync(EmulatorRequest req, string bucket, string key)
    {
        var upload = uploads.Initiate(bucket, key, MetadataFromHeaders(req.Request));
        return WriteXmlAsync(req, 200, new XElement(S3 + "InitiateMultipartUploadResult",
            new XElement(S3 + "Bucket", bucket),
            new XElement(S3 + "Key", key),
            new XElement(S3 + "UploadId", upload.Id)));
    }

    public async Task UploadPartAsync(EmulatorRequest req, string bucket, string key, string uploadId)
    {
        var numberText = req.Request.Query["partNumber"].ToString();
        if (!int.TryParse(numberText, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ||
            number is < MultipartUploads.MinPartNumber or > MultipartUploads.MaxPartNumber)
            throw GcsException.BadRequest(
                $"Part number must be an integer between {MultipartUploads.MinPartNumber} and {MultipartUploads.MaxPartNumber}, inclusive (got '{numberText}').",
                "InvalidArgument");
        var upload = uploads.Find(bucket, key, uploadId);
        var (expectedCrc, expectedMd5) = ChecksumHeaders.FromRequest(req.Request);

        using var writer = store.CreateWriter();
        using var hasher = new ObjectHasher();
        await BodyCopy.ToBlobAsync(req.Request.Body, writer, hasher, long.MaxValue, 0, req.Aborted).ConfigureAwait(false);
        if (req.AnswersInjectedStatusAfterBody)
        {
            await req.RespondWithInjectedStatusAsync().ConfigureAwait(false);
            return;
        }
        var hashes = hasher.Current;
        ChecksumHeaders.Verify(expectedCrc, expectedMd5, hashes, "BadDigest");
        var md5Hex = Convert.ToHexStringLower(hasher.Md5Bytes);
        var part = new UploadedPart(number, writer.Commit(), md5Hex, hashes, DateTimeOffset.UtcNow);
        uploads.PutPart(upload, part);

        req.Response.StatusCode = 200;
        req.Response.Headers.ETag = part.ETag;
        req.Response.Headers["x-goog-hash"] = hashes.XGoogHash;
        req.Response.ContentLength = 0;
    }

    public async Task CompleteAsync(EmulatorRequest req, string bucket, string key, string uploadId)
    {
        var upload = uploads.Find(bucket, key, uploadId);
        var requested = ParseCompleteBody(await ReadBodyAsync(req).ConfigureAwait(false));

        List<UploadedPart> parts;
        await upload.CompleteGate.WaitAsync(req.Aborted).ConfigureAwait(false);
        try
        {
            lock (upload.Parts)
            {
                if (upload.Closed) throw MultipartUploads.NoSuchUpload(uploadId);
                parts = ValidateParts(upload, requested);
                upload.Closed = true; // no more part uploads; the parts we read stay intact
            }

            // No copy and no re-hash: the object's bytes are the part blobs in order, and its CRC32C is the
            // parts' CRC32C values combined. The parts now belong to the object (deleted with it).
            var content = new CompositeBlob(parts.Select(p => p.Content));
            var crc32c = Crc32cCombine.Combine(parts.Select(p => (ObjectHasher.Crc32cFromBase64(p.Hashes.Crc32c), p.Content.Length)));
            var etag = MultipartETag(parts);
            StoredObject created;
            try
            {
                created = store.Commit(bucket, key, upload.Metadata, content, crc32c, md5: null,
                    new Preconditions(), componentCount: parts.Count);
            }
            finally
            {
                // Frees parts that were uploaded but not listed; on a failed commit the listed ones were freed by Commit.
                uploads.Remove(upload, keep: parts);
            }

            req.Response.Headers["x-goog-hash"] = created.Hashes.XGoogHash;
            req.Response.Headers["x-goog-generation"] = created.Generation.ToString(CultureInfo.InvariantCulture);
            await WriteXmlAsync(req, 200, new XElement(S3 + "CompleteMultipartUploadResult",
                new XElement(S3 + "Location", $"{req.BaseUrl}/{Uri.EscapeDataString(bucket)}/{Uri.EscapeDataString(key)}"),
                new XElement(S3 + "Bucket", bucket),
                new XElement(S3 + "Key", key),
                new XElement(S3 + "ETag", etag))).ConfigureAwait(false);
        }
        finally
        {
            upload.CompleteGate.Release();
        }
    }

    private static List<UploadedPart> ValidateParts(MultipartUpload upload, List<(int Number, string ETag)> requested)
    {
        if (requested.Count == 0)
            throw GcsException.BadRequest("The XML you provided was not well-formed or did not validate: no parts.", "MalformedXML");
        var result = new List<UploadedPart>(requested.Count);
        var previous = 0;
        foreach (var (number, etag) in requested)
        {
            if (number <= previous)
                throw GcsException.BadRequest("The list of parts was not in ascending order. The parts list must be specified in order by part number.",
                    "InvalidPartOrder");
            previous = number;
            if (!upload.Parts.TryGetValue(number, out var part) ||
                !string.Equals(part.Md5Hex, etag.Trim().Trim('"'), StringComparison.OrdinalIgnoreCase))
                throw GcsException.BadRequest(
                    $"One or more of the specified parts could not be found or the ETag did not match (part {number}).", "InvalidPart");
            result.Add(part);
        }
        for (var i = 0; i < result.Count - 1; i++)
        {
            if (result[i].Content.Length < MultipartUploads.MinPartSize)
                throw GcsException.BadRequest(
                    $"Your proposed upload is smaller than the minimum allowed object size: part {result[i].Number} is {result[i].Content.Length} bytes; every part but the last must be at least 5 MiB.",
                    "EntityTooSmall");
        }
        return result;
    }

    private static string MultipartETag(List<UploadedPart> parts)
    {
        var all = parts.SelectMany(p => Convert.FromHexString(p.Md5Hex)).ToArray();
        return $"\"{Convert.ToHexStringLower(MD5.HashData(all))}-{parts.Count}\"";
    }

    private static async Task<string> ReadBodyAsync(EmulatorRequest req)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int n;
        while ((n = await req.Request.Body.ReadAsync(chunk, req.Aborted).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + n > MaxCompleteBodyBytes) throw GcsException.BadRequest("The CompleteMultipartUpload body is too large.", "MaxMessageLengthExceeded");
            buffer.Write(chunk, 0, n);
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static List<(int Number, string ETag)> ParseCompleteBody(string xml)
    {
        XDocument doc;
        try { doc = XDocument.Parse(xml); }
        catch (XmlException e) { throw GcsException.BadRequest("The XML you provided was not well-formed: " + e.Message, "MalformedXML"); }
        if (doc.Root?.Name.LocalName != "CompleteMultipartUpload")
            throw GcsException.BadRequest("The root element must be CompleteMultipartUpload.", "MalformedXML");
        var parts = new List<(int, string)>();
        foreach (var part in doc.Root.Elements().Where(e => e.Name.LocalName == "Part"))
        {
            var numberText = part.Elements().FirstOrDefault(e => e.Name.LocalName == "PartNumber")?.Value.Trim();
            var etag = part.Elements().FirstOrDefault(e => e.Name.LocalName == "ETag")?.Value;
            if (!int.TryParse(numberText, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || etag is null)
                throw GcsException.BadRequest("Each Part needs a PartNumber and an ETag.", "MalformedXML");
            parts.Add((number, etag));
        }
        return parts;
    }

    public Task AbortAsync(EmulatorRequest req, string bucket, string key, string uploadId)
    {
        uploads.Abort(uploads.Find(bucket, key, uploadId));
        req.Response.StatusCode = 204;
        return Task.CompletedTask;
    }

    public Task ListPartsAsync(EmulatorRequest req, string bucket, string key, string uploadId)
    {
        var upload = uploads.Find(bucket, key, uploadId);
        var q = req.Request.Query;
        var marker = int.TryParse(q["part-number-marker"].ToString(), out var m) ? m : 0;
        var maxParts = int.TryParse(q["max-parts"].ToString(), out var mp) && mp > 0 ? Math.Min(mp, 1000) : 1000;
        List<UploadedPart> parts;
        lock (upload.Parts) parts = upload.Parts.Values.Where(p => p.Number > marker).ToList();
        var page = parts.Take(maxParts).ToList();
        var truncated = parts.Count > page.Count;
        var root = new XElement(S3 + "ListPartsResult",
            new XElement(S3 + "Bucket", bucket),
            new XElement(S3 + "Key", key),
            new XElement(S3 + "UploadId", uploadId),
            new XElement(S3 + "StorageClass", "STANDARD"),
            new XElement(S3 + "PartNumberMarker", marker),
            new XElement(S3 + "NextPartNumberMarker", page.Count > 0 ? page[^1].Number : marker),
            new XElement(S3 + "MaxParts", maxParts),
            new XElement(S3 + "IsTruncated", truncated ? "true" : "false"),
            page.Select(p => new XElement(S3 + "Part",
                new XElement(S3 + "PartNumber", p.Number),
                new XElement(S3 + "LastModified", ResourceJson.Timestamp(p.LastModified)),
                new XElement(S3 + "ETag", p.ETag),
                new XElement(S3 + "Size", p.Content.Length))));
        return WriteXmlAsync(req, 200, root);
    }

    public Task ListUploadsAsync(EmulatorRequest req, string bucket)
    {
        var q = req.Request.Query;
        var prefix = q["prefix"].ToString();
        var list = uploads.InBucket(bucket).Where(u => u.Key.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        var root = new XElement(S3 + "ListMultipartUploadsResult",
            new XElement(S3 + "Bucket", bucket),
            new XElement(S3 + "KeyMarker", q["key-marker"].ToString()),
            new XElement(S3 + "UploadIdMarker", q["upload-id-marker"].ToString()),
            new XElement(S3 + "NextKeyMarker", list.Count > 0 ? list[^1].Key : ""),
            new XElement(S3 + "NextUploadIdMarker", list.Count > 0 ? list[^1].Id : ""),
            new XElement(S3 + "Prefix", prefix),
            new XElement(S3 + "MaxUploads", 1000),
            new XElement(S3 + "IsTruncated", "false"),
            list.Select(u => new XElement(S3 + "Upload",
                new XElement(S3 + "Key", u.Key),
                new XElement(S3 + "UploadId", u.Id),
                new XElement(S3 + "StorageClass", "STANDARD"),
                new XElement(S3 + "Initiated", ResourceJson.Timestamp(u.Initiated)))));
        return WriteXmlAsync(req, 200, root);
    }

    private static async Task WriteXmlAsync(EmulatorRequest req, int status, XElement root)
    {
        var text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>" + root.ToString(SaveOptions.DisableFormatting);
        var bytes = Encoding.UTF8.GetBytes(text);
        req.Response.StatusCode = status;
        req.Response.ContentType = "application/xml; charset=UTF-8";
        req.Response.ContentLength = bytes.Length;
        await req.Response.Body.WriteAsync(bytes, req.Aborted).ConfigureAwait(false);
    }
}
