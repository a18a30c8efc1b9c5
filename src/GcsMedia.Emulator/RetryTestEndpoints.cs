using System.Text.Json;

namespace GcsMedia.Emulator;

/// <summary>HTTP surface of fault injection: POST/GET/DELETE /retry_test[/{id}], GET /retry_tests.</summary>
internal sealed class RetryTestEndpoints(RetryTestRegistry registry)
{
    public async Task CreateAsync(HttpContext ctx)
    {
        JsonElement body;
        try
        {
            using var doc = await JsonDocument.ParseAsync(ctx.Request.Body, cancellationToken: ctx.RequestAborted).ConfigureAwait(false);
            body = doc.RootElement.Clone();
        }
        catch (JsonException e) { throw GcsException.BadRequest("Invalid JSON: " + e.Message); }
        var test = registry.Create(body);
        await JsonResponses.WriteAsync(ctx, 200, test.WriteJson).ConfigureAwait(false);
    }

    public Task GetAsync(HttpContext ctx, string id) => JsonResponses.WriteAsync(ctx, 200, registry.Get(id).WriteJson);

    public Task ListAsync(HttpContext ctx) => JsonResponses.WriteAsync(ctx, 200, w =>
    {
        w.WriteStartObject();
        w.WriteStartArray("retry_test");
        foreach (var t in registry.All) t.WriteJson(w);
        w.WriteEndArray();
        w.WriteEndObject();
    });

    public Task DeleteAsync(HttpContext ctx, string id)
    {
        if (!registry.Delete(id)) throw GcsException.NotFound($"Retry test {id} not found");
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentLength = 0;
        return Task.CompletedTask;
    }
}
