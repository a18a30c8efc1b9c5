using System.Text.Json;

namespace GcsMedia.Emulator;

/// <summary>Writes small JSON documents as complete responses with a Content-Length.</summary>
internal static class JsonResponses
{
    public static async Task WriteAsync(HttpContext ctx, int status, Action<Utf8JsonWriter> write)
    {
        var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            write(w);
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json; charset=UTF-8";
        ctx.Response.ContentLength = buffer.Length;
        await ctx.Response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), ctx.RequestAborted).ConfigureAwait(false);
    }
}
