using System.Globalization;

namespace GcsMedia.Emulator;

/// <summary>storage.objects.get (metadata), list (prefix, delimiter, startOffset/endOffset, pages of up to 1000) and delete.</summary>
internal sealed class JsonApiObjects(ObjectStore store)
{
    public Task GetAsync(EmulatorRequest req, string bucket, string name)
    {
        var q = req.Request.Query;
        var o = store.Get(bucket, name, QueryValues.OptionalLong(q, "generation"));
        Preconditions.FromQuery(q).CheckForRead(o);
        return JsonResponses.WriteAsync(req.Http, 200, w => ResourceJson.WriteObject(w, o, req.BaseUrl));
    }

    public Task ListAsync(EmulatorRequest req, string bucket)
    {
        var q = req.Request.Query;
        var maxResults = 1000;
        if (q["maxResults"].ToString() is { Length: > 0 } mr &&
            (!int.TryParse(mr, NumberStyles.Integer, CultureInfo.InvariantCulture, out maxResults) || maxResults <= 0))
            throw GcsException.BadRequest($"Invalid maxResults: {mr}");
        if (q.ContainsKey("matchGlob"))
            throw GcsException.BadRequest("matchGlob is not supported by this emulator; filter with prefix, delimiter, startOffset and endOffset.");
        // versions=true is accepted: this emulator keeps only the live generation of each object, so it lists that.
        var (items, prefixes, next) = store.List(bucket, new ListQuery(q["prefix"].ToString(), q["delimiter"].ToString(),
            q["startOffset"].ToString(), q["endOffset"].ToString(), Math.Min(maxResults, 1000),
            q["pageToken"].ToString() is { Length: > 0 } token ? token : null));
        return JsonResponses.WriteAsync(req.Http, 200, w =>
        {
            w.WriteStartObject();
            w.WriteString("kind", "storage#objects");
            if (next is not null) w.WriteString("nextPageToken", next);
            if (prefixes.Count > 0)
            {
                w.WriteStartArray("prefixes");
                foreach (var p in prefixes) w.WriteStringValue(p);
                w.WriteEndArray();
            }
            if (items.Count > 0)
            {
                w.WriteStartArray("items");
                foreach (var o in items) ResourceJson.WriteObject(w, o, req.BaseUrl);
                w.WriteEndArray();
            }
            w.WriteEndObject();
        });
    }

    public Task DeleteAsync(EmulatorRequest req, string bucket, string name)
    {
        var q = req.Request.Query;
        store.Delete(bucket, name, QueryValues.OptionalLong(q, "generation"), Preconditions.FromQuery(q));
        req.Response.StatusCode = 204;
        return Task.CompletedTask;
    }
}
