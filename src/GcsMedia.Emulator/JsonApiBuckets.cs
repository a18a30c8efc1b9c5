using System.Text.Json;

namespace GcsMedia.Emulator;

/// <summary>storage.buckets.insert / get / list / delete.</summary>
internal sealed class JsonApiBuckets(ObjectStore store)
{
    public async Task InsertAsync(EmulatorRequest req)
    {
        string? name;
        try
        {
            using var doc = await JsonDocument.ParseAsync(req.Request.Body, cancellationToken: req.Aborted).ConfigureAwait(false);
            name = doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("name", out var n) &&
                   n.ValueKind == JsonValueKind.String ? n.GetString() : null;
        }
        catch (JsonException e) { throw GcsException.BadRequest("Invalid JSON bucket resource: " + e.Message); }
        if (string.IsNullOrEmpty(name)) throw GcsException.BadRequest("Bucket name is required (\"name\" in the JSON body).");
        var project = req.Request.Query["project"].ToString();
        var bucket = store.CreateBucket(name, project.Length > 0 ? project : "test-project");
        await JsonResponses.WriteAsync(req.Http, 200, w => ResourceJson.WriteBucket(w, bucket, req.BaseUrl)).ConfigureAwait(false);
    }

    public Task GetAsync(EmulatorRequest req, string bucket)
    {
        var b = store.GetBucket(bucket);
        return JsonResponses.WriteAsync(req.Http, 200, w => ResourceJson.WriteBucket(w, b, req.BaseUrl));
    }

    public Task ListAsync(EmulatorRequest req)
    {
        var buckets = store.ListBuckets();
        return JsonResponses.WriteAsync(req.Http, 200, w =>
        {
            w.WriteStartObject();
            w.WriteString("kind", "storage#buckets");
            if (buckets.Count > 0)
            {
                w.WriteStartArray("items");
                foreach (var b in buckets) ResourceJson.WriteBucket(w, b, req.BaseUrl);
                w.WriteEndArray();
            }
            w.WriteEndObject();
        });
    }

    public Task DeleteAsync(EmulatorRequest req, string bucket)
    {
        store.DeleteBucket(bucket);
        req.Response.StatusCode = 204;
        return Task.CompletedTask;
    }
}
