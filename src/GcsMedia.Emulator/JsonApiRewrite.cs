using System.Globalization;
using System.Text;
using System.Text.Json;

namespace GcsMedia.Emulator;

/// <summary>
/// storage.objects.rewrite: POST /storage/v1/b/SB/o/SO/rewriteTo/b/DB/o/DO, within or across buckets. A call moves at
/// most maxBytesRewrittenPerCall (a multiple of 1 MiB) or the emulator's own per-call cap, whichever is smaller, and
/// answers with a rewriteToken until the total reaches the object size; the call that reaches it writes the copy.
/// The token pins the source generation and the destination, so a token cannot be replayed on another pair.
/// Customer-supplied encryption keys are not emulated: their headers are accepted and ignored, as on every route.
/// </summary>
internal sealed class JsonApiRewrite(ObjectStore store, long bytesPerCallCap)
{
    private const long MiB = 1024 * 1024;

    /// <summary>Recognises storage/v1/b/SB/o/SO.../rewriteTo/b/DB/o/DO... in raw (percent-encoded) segments.</summary>
    public static bool TryParseRoute(string[] raw, out int rewriteToIndex)
    {
        for (var i = 6; i + 4 < raw.Length; i++)
        {
            if (raw[i] == "rewriteTo" && raw[i + 1] == "b" && raw[i + 3] == "o")
            {
                rewriteToIndex = i;
                return true;
            }
        }
        rewriteToIndex = -1;
        return false;
    }

    public async Task RewriteAsync(EmulatorRequest req, string sourceBucket, string sourceName, string destinationBucket, string destinationName)
    {
        var q = req.Request.Query;
        var body = await ReadBodyAsync(req).ConfigureAwait(false);
        var destinationPreconditions = Preconditions.FromQuery(q);
        var perCall = PerCallLimit(q);
        var token = q["rewriteToken"].ToString();

        StoredObject source;
        long done;
        if (token.Length == 0)
        {
            source = store.Get(sourceBucket, sourceName, QueryValues.OptionalLong(q, "sourceGeneration"));
            if (QueryValues.OptionalLong(q, "ifSourceGenerationMatch") is { } sourceMatch && sourceMatch != source.Generation)
                throw GcsException.PreconditionFailed();
            done = 0;
        }
        else
        {
            var state = RewriteToken.Decode(token);
            if (state.SourceBucket != sourceBucket || state.SourceName != sourceName ||
                state.DestinationBucket != destinationBucket || state.DestinationName != destinationName)
                throw GcsException.BadRequest("The rewriteToken belongs to another source or destination.");
            source = store.Get(sourceBucket, sourceName, state.SourceGeneration);
            done = state.BytesRewritten;
        }
        destinationPreconditions.CheckForWrite(store.TryGet(destinationBucket, destinationName));

        var total = Math.Min(source.Size, done + perCall);
        if (total < source.Size)
        {
            var next = RewriteToken.Encode(new RewriteState(sourceBucket, sourceName, source.Generation, destinationBucket, destinationName, total));
            await JsonResponses.WriteAsync(req.Http, 200, w => WriteProgress(w, total, source.Size, next)).ConfigureAwait(false);
            return;
        }

        var metadata = DestinationMetadata(body, source);
        var copy = store.CreateWriter();
        StoredObject created;
        try
        {
            await using (var input = source.Content.OpenRead())
            {
                var buffer = new byte[128 * 1024];
                int n;
                while ((n = await input.ReadAsync(buffer, req.Aborted).ConfigureAwait(false)) > 0)
                    await copy.WriteAsync(buffer.AsMemory(0, n), req.Aborted).ConfigureAwait(false);
            }
            created = store.Commit(destinationBucket, destinationName, metadata, copy.Commit(),
                ObjectHasher.Crc32cFromBase64(source.Crc32c), source.Md5, destinationPreconditions, source.ComponentCount);
        }
        finally
        {
            copy.Dispose();
        }
        await JsonResponses.WriteAsync(req.Http, 200, w =>
        {
            WriteProgress(w, source.Size, source.Size, null, writeEnd: false);
            w.WritePropertyName("resource");
            ResourceJson.WriteObject(w, created, req.BaseUrl);
            w.WriteEndObject();
        }).ConfigureAwait(false);
    }

    private long PerCallLimit(IQueryCollection q)
    {
        var limit = long.MaxValue;
        if (QueryValues.OptionalLong(q, "maxBytesRewrittenPerCall") is { } requested)
        {
            if (requested <= 0 || requested % MiB != 0)
                throw GcsException.BadRequest($"maxBytesRewrittenPerCall must be a positive multiple of {MiB}: {requested}");
            limit = requested;
        }
        return bytesPerCallCap > 0 ? Math.Min(limit, bytesPerCallCap) : limit;
    }

    /// <summary>The request body's object resource when it sets anything, otherwise the source's metadata.</summary>
    private static ObjectMetadata DestinationMetadata(string body, StoredObject source)
    {
        var (metadata, _, _, _) = ObjectMetadata.FromJson(body);
        var given = metadata.ContentType ?? metadata.ContentEncoding ?? metadata.ContentDisposition ?? metadata.ContentLanguage ?? metadata.CacheControl;
        return given is null && metadata.Custom.Count == 0 ? source.Metadata : metadata;
    }

    private static void WriteProgress(Utf8JsonWriter w, long rewritten, long size, string? token, bool writeEnd = true)
    {
        w.WriteStartObject();
        w.WriteString("kind", "storage#rewriteResponse");
        w.WriteString("totalBytesRewritten", rewritten.ToString(CultureInfo.InvariantCulture));
        w.WriteString("objectSize", size.ToString(CultureInfo.InvariantCulture));
        w.WriteBoolean("done", token is null);
        if (token is not null) w.WriteString("rewriteToken", token);
        if (writeEnd) w.WriteEndObject();
    }

    private static async Task<string> ReadBodyAsync(EmulatorRequest req)
    {
        using var reader = new StreamReader(req.Request.Body, Encoding.UTF8);
        var text = await reader.ReadToEndAsync(req.Aborted).ConfigureAwait(false);
        return text.Length > 1024 * 1024 ? throw GcsException.BadRequest("The rewrite request body is too large.") : text;
    }
}
