using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace GcsMedia.Emulator;

/// <summary>storage.objects.insert: uploadType=media, multipart and the start of resumable uploads; XML PUT.</summary>
internal sealed class MediaUploads(ObjectStore store, ResumableSessions sessions)
{
    private const int MaxMetadataBytes = 1024 * 1024;

    public async Task InsertAsync(EmulatorRequest req, string bucket)
    {
        try
        {
            await InsertCoreAsync(req, bucket).ConfigureAwait(false);
        }
        catch (Exception e) when (req.AnswersInjectedStatusAfterBody && !req.Response.HasStarted &&
                                  e is IOException or GcsException { Status: 400 })
        {
            // The body was cut short on purpose (return-NNN-after-YK): answer the injected status, not a parse error.
            await req.RespondWithInjectedStatusAsync().ConfigureAwait(false);
        }
    }

    private Task InsertCoreAsync(EmulatorRequest req, string bucket)
    {
        store.GetBucket(bucket);
        var uploadType = req.Request.Query["uploadType"].ToString();
        return uploadType switch
        {
            "media" => SimpleAsync(req, bucket),
            "multipart" => MultipartAsync(req, bucket),
            "resumable" => StartResumableAsync(req, bucket),
            "" => throw GcsException.BadRequest("uploadType is required (media, multipart or resumable)."),
            _ => throw GcsException.BadRequest($"Unsupported uploadType: {uploadType}"),
        };
    }

    private async Task SimpleAsync(EmulatorRequest req, string bucket)
    {
        var q = req.Request.Query;
        var name = q["name"].ToString();
        if (name.Length == 0) throw GcsException.BadRequest("The 'name' query parameter is required for uploadType=media.");
        var metadata = new ObjectMetadata
        {
            ContentType = NonEmpty(req.Request.ContentType),
            ContentEncoding = NonEmpty(q["contentEncoding"].ToString()),
        };
        var (crc, md5) = ChecksumHeaders.FromRequest(req.Request);
        var o = await StoreBodyAsync(req, bucket, name, metadata, req.Request.Body, crc, md5).ConfigureAwait(false);
        if (o is not null) await WriteObjectAsync(req, o).ConfigureAwait(false);
    }

    private async Task MultipartAsync(EmulatorRequest req, string bucket)
    {
        if (!MediaTypeHeaderValue.TryParse(req.Request.ContentType, out var mediaType) ||
            !mediaType.MediaType.Equals("multipart/related", StringComparison.OrdinalIgnoreCase))
            throw GcsException.BadRequest("uploadType=multipart needs Content-Type: multipart/related; boundary=…");
        var boundary = HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value;
        if (string.IsNullOrEmpty(boundary)) throw GcsException.BadRequest("The multipart/related Content-Type has no boundary.");

        var reader = new MultipartReader(boundary, req.Request.Body) { HeadersLengthLimit = 64 * 1024 };
        MultipartSection? metaSection, dataSection;
        try { metaSection = await reader.ReadNextSectionAsync(req.Aborted).ConfigureAwait(false); }
        catch (IOException e) when (!req.Aborted.IsCancellationRequested) { throw GcsException.BadRequest("Malformed multipart body: " + e.Message); }
        if (metaSection is null) throw GcsException.BadRequest("The multipart body has no metadata part.");
        var json = await ReadLimitedStringAsync(metaSection.Body, req.Aborted).ConfigureAwait(false);
        var (metadata, metaName, metaMd5, metaCrc) = ObjectMetadata.FromJson(json);

        try { dataSection = await reader.ReadNextSectionAsync(req.Aborted).ConfigureAwait(false); }
        catch (IOException e) when (!req.Aborted.IsCancellationRequested) { throw GcsException.BadRequest("Malformed multipart body: " + e.Message); }
        if (dataSection is null) throw GcsException.BadRequest("The multipart body has no media part.");
        metadata.ContentType ??= NonEmpty(dataSection.ContentType);

        var name = metaName ?? NonEmpty(req.Request.Query["name"].ToString());
        if (name is null) throw GcsException.BadRequest("The object name is required (\"name\" in the metadata part).");

        var (hdrCrc, hdrMd5) = ChecksumHeaders.FromRequest(req.Request);
        try
        {
            var o = await StoreBodyAsync(req, bucket, name, metadata, dataSection.Body, metaCrc ?? hdrCrc, metaMd5 ?? hdrMd5,
                afterBody: async () =>
                {
                    if (await reader.ReadNextSectionAsync(req.Aborted).ConfigureAwait(false) is not null)
                        throw GcsException.BadRequest("The multipart body has more than two parts.");
                }).ConfigureAwait(false);
            if (o is not null) await WriteObjectAsync(req, o).ConfigureAwait(false);
        }
        catch (IOException e) when (!req.Aborted.IsCancellationRequested && e is not EndOfStreamException)
        {
            throw GcsException.BadRequest("Malformed multipart body: " + e.Message);
        }
    }

    private async Task StartResumableAsync(EmulatorRequest req, string bucket)
    {
        var q = req.Request.Query;
        var json = await ReadLimitedStringAsync(req.Request.Body, req.Aborted).ConfigureAwait(false);
        var (metadata, metaName, metaMd5, metaCrc) = ObjectMetadata.FromJson(json);
        var name = metaName ?? NonEmpty(q["name"].ToString());
        if (name is null) throw GcsException.BadRequest("The object name is required (\"name\" in the metadata or the 'name' query parameter).");
        metadata.ContentType ??= NonEmpty(req.Request.Headers["X-Upload-Content-Type"].ToString());
        metadata.ContentEncoding ??= NonEmpty(q["contentEncoding"].ToString());
        long? declared = null;
        if (req.Request.Headers["X-Upload-Content-Length"].ToString() is { Length: > 0 } lenText)
        {
            if (!long.TryParse(lenText, NumberStyles.None, CultureInfo.InvariantCulture, out var len))
                throw GcsException.BadRequest($"Invalid X-Upload-Content-Length: {lenText}");
            declared = len;
        }
        var pre = Preconditions.FromQuery(q);
        pre.CheckForWrite(store.TryGet(bucket, name));

        var session = sessions.Start(bucket, name, metadata, declared, pre, metaCrc, metaMd5);
        var location = $"{req.BaseUrl}/upload/storage/v1/b/{Uri.EscapeDataString(bucket)}/o?uploadType=resumable&upload_id={session.Id}";
        req.Response.StatusCode = 200;
        req.Response.Headers.Location = location;
        req.Response.Headers["X-GUploader-UploadID"] = session.Id;
        req.Response.ContentLength = 0;
    }

    /// <summary>XML API PUT /bucket/object: a whole-object upload.</summary>
    public async Task XmlPutAsync(EmulatorRequest req, string bucket, string key)
    {
        store.GetBucket(bucket);
        var metadata = XmlMultipartEndpoints.MetadataFromHeaders(req.Request);
        var (crc, md5) = ChecksumHeaders.FromRequest(req.Request);
        var o = await StoreBodyAsync(req, bucket, key, metadata, req.Request.Body, crc, md5).ConfigureAwait(false);
        if (o is null) return;
        req.Response.StatusCode = 200;
        req.Response.Headers.ETag = $"\"{Convert.ToHexStringLower(Convert.FromBase64String(o.Md5!))}\"";
        req.Response.Headers["x-goog-hash"] = o.Hashes.XGoogHash;
        req.Response.Headers["x-goog-generation"] = o.Generation.ToString(CultureInfo.InvariantCulture);
        req.Response.ContentLength = 0;
    }

    /// <summary>Streams a body into a new object. Returns null when an injected fault already answered.</summary>
    private async Task<StoredObject?> StoreBodyAsync(EmulatorRequest req, string bucket, string name, ObjectMetadata metadata,
        Stream body, string? expectedCrc, string? expectedMd5, Func<Task>? afterBody = null)
    {
        var pre = Preconditions.FromQuery(req.Request.Query);
        using var writer = store.CreateWriter();
        using var hasher = new ObjectHasher();
        await BodyCopy.ToBlobAsync(body, writer, hasher, long.MaxValue, 0, req.Aborted).ConfigureAwait(false);
        if (req.AnswersInjectedStatusAfterBody)
        {
            await req.RespondWithInjectedStatusAsync().ConfigureAwait(false);
            return null;
        }
        if (afterBody is not null) await afterBody().ConfigureAwait(false);
        var hashes = hasher.Current;
        ChecksumHeaders.Verify(expectedCrc, expectedMd5, hashes);
        return store.Commit(bucket, name, metadata, writer.Commit(), hasher.Crc32cValue, hashes.Md5, pre);
    }

    public static Task WriteObjectAsync(EmulatorRequest req, StoredObject o) =>
        JsonResponses.WriteAsync(req.Http, 200, w => ResourceJson.WriteObject(w, o, req.BaseUrl));

    private static async Task<string> ReadLimitedStringAsync(Stream body, CancellationToken ct)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int n;
        while ((n = await body.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + n > MaxMetadataBytes) throw GcsException.BadRequest("Object metadata is too large.");
            buffer.Write(chunk, 0, n);
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static string? NonEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
