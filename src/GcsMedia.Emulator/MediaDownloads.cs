using System.Globalization;
using System.IO.Compression;

namespace GcsMedia.Emulator;

/// <summary>Media download (alt=media and the XML GET): ranges, generations, preconditions, gzip transcoding.</summary>
internal sealed class MediaDownloads(ObjectStore store)
{
    public async Task DownloadAsync(EmulatorRequest req, string bucket, string name)
    {
        var q = req.Request.Query;
        var o = store.Get(bucket, name, QueryValues.OptionalLong(q, "generation"));
        Preconditions.FromQuery(q).CheckForRead(o);

        var response = req.Response;
        var h = response.Headers;
        h["x-goog-hash"] = o.Hashes.XGoogHash;
        h["x-goog-generation"] = o.Generation.ToString(CultureInfo.InvariantCulture);
        h["x-goog-metageneration"] = o.Metageneration.ToString(CultureInfo.InvariantCulture);
        h["x-goog-stored-content-length"] = o.Size.ToString(CultureInfo.InvariantCulture);
        h["x-goog-stored-content-encoding"] = o.Metadata.ContentEncoding ?? "identity";
        h["x-goog-storage-class"] = "STANDARD";
        h.ETag = $"\"{o.ETag}\"";
        h.LastModified = o.TimeCreated.ToString("R", CultureInfo.InvariantCulture);
        h.AcceptRanges = "bytes";
        if (o.Metadata.CacheControl is not null) h.CacheControl = o.Metadata.CacheControl;
        if (o.Metadata.ContentDisposition is not null) h.ContentDisposition = o.Metadata.ContentDisposition;
        if (o.Metadata.ContentLanguage is not null) h.ContentLanguage = o.Metadata.ContentLanguage;
        foreach (var (k, v) in o.Metadata.Custom) h["x-goog-meta-" + k] = v;
        response.ContentType = o.ContentType;
        var isHead = HttpMethods.IsHead(req.Request.Method);

        if (o.IsGzip && !AcceptsGzip(req.Request))
        {
            // Decompressive transcoding: Range is ignored, the length is unknown up front.
            h["Warning"] = "214 UploadServer gunzipped";
            response.StatusCode = 200;
            if (isHead) return;
            await using var stored = o.Content.OpenRead();
            await using var gunzip = new GZipStream(stored, CompressionMode.Decompress);
            await BodyCopy.ToResponseAsync(gunzip, response.Body, null, req.Aborted).ConfigureAwait(false);
            return;
        }
        if (o.Metadata.ContentEncoding is { } encoding) h.ContentEncoding = encoding;

        var range = ByteRange.Parse(req.Request.Headers.Range.ToString(), o.Size);
        switch (range.Kind)
        {
            case RangeKind.Unsatisfiable:
                throw new GcsException(416, "requestedRangeNotSatisfiable", "The requested range cannot be satisfied.", "InvalidRange")
                {
                    ExtraHeaders = { ["Content-Range"] = $"bytes */{o.Size}" },
                };
            case RangeKind.Partial:
                response.StatusCode = 206;
                h.ContentRange = $"bytes {range.First}-{range.Last}/{o.Size}";
                response.ContentLength = range.Length;
                break;
            default:
                response.StatusCode = 200;
                response.ContentLength = o.Size;
                break;
        }
        if (isHead) return;
        await using var content = o.Content.OpenRead();
        if (range.Kind == RangeKind.Partial) content.Seek(range.First, SeekOrigin.Begin);
        await BodyCopy.ToResponseAsync(content, response.Body, response.ContentLength, req.Aborted).ConfigureAwait(false);
    }

    private static bool AcceptsGzip(HttpRequest request)
    {
        foreach (var value in request.Headers.AcceptEncoding)
        {
            if (value is null) continue;
            foreach (var part in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var token = part.Split(';')[0].Trim();
                if (token.Equals("gzip", StringComparison.OrdinalIgnoreCase) || token == "*")
                {
                    if (!part.Replace(" ", "").Contains(";q=0", StringComparison.Ordinal) || part.Contains(";q=0.", StringComparison.Ordinal))
                        return true;
                }
            }
        }
        return false;
    }
}
