using System.Security;
using System.Text;
using System.Text.Json;

namespace GcsMedia.Emulator;

/// <summary>Which error body shape a route answers with.</summary>
internal enum ApiFlavor { Json, Xml }

/// <summary>A request failure that becomes a GCS-shaped error response.</summary>
internal sealed class GcsException : Exception
{
    public GcsException(int status, string reason, string message, string? xmlCode = null) : base(message)
    {
        Status = status;
        Reason = reason;
        XmlCode = xmlCode ?? reason;
    }

    public int Status { get; }
    /// <summary>JSON API "reason" (notFound, invalid, conditionNotMet, ...).</summary>
    public string Reason { get; }
    /// <summary>XML API error code (NoSuchUpload, BadDigest, ...).</summary>
    public string XmlCode { get; }
    /// <summary>The XML API's own wording, when it differs from the JSON API's; the JSON message then goes in &lt;Details&gt;.</summary>
    public string? XmlMessage { get; init; }
    /// <summary>Headers that belong on the error response (e.g. Content-Range on a 416).</summary>
    public Dictionary<string, string> ExtraHeaders { get; } = new(StringComparer.OrdinalIgnoreCase);

    public static GcsException BadRequest(string message, string xmlCode = "InvalidArgument") => new(400, "invalid", message, xmlCode);
    public static GcsException NotFound(string message, string xmlCode = "NoSuchKey") => new(404, "notFound", message, xmlCode);
    public static GcsException BucketNotFound(string bucket) => new(404, "notFound", "The specified bucket does not exist.", "NoSuchBucket")
    {
        XmlMessage = "The specified bucket does not exist.",
    };

    public static GcsException ObjectNotFound(string bucket, string name) => new(404, "notFound", $"No such object: {bucket}/{name}", "NoSuchKey")
    {
        XmlMessage = "The specified key does not exist.",
    };
    public static GcsException PreconditionFailed(string message = "At least one of the pre-conditions you specified did not hold.") =>
        new(412, "conditionNotMet", message, "PreconditionFailed");
}

/// <summary>Writes GCS-shaped error bodies.</summary>
internal static class GcsErrors
{
    public static string ReasonFor(int status) => status switch
    {
        400 => "invalid",
        401 => "required",
        403 => "forbidden",
        404 => "notFound",
        408 => "requestTimeout",
        409 => "conflict",
        412 => "conditionNotMet",
        416 => "requestedRangeNotSatisfiable",
        429 => "rateLimitExceeded",
        499 => "clientClosedRequest",
        500 => "internalError",
        502 => "badGateway",
        503 => "backendError",
        504 => "gatewayTimeout",
        _ => "error",
    };

    public static string JsonBody(int status, string reason, string message)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteStartObject("error");
            w.WriteNumber("code", status);
            w.WriteString("message", message);
            w.WriteStartArray("errors");
            w.WriteStartObject();
            w.WriteString("message", message);
            w.WriteString("domain", "global");
            w.WriteString("reason", reason);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    public static string XmlBody(string code, string message, string? details = null) =>
        "<?xml version='1.0' encoding='UTF-8'?><Error><Code>" + SecurityElement.Escape(code) + "</Code><Message>" +
        SecurityElement.Escape(message) + "</Message>" +
        (details is null ? "" : "<Details>" + SecurityElement.Escape(details) + "</Details>") + "</Error>";

    public static Task WriteAsync(HttpContext ctx, ApiFlavor flavor, int status, string reason, string message, string? xmlCode = null)
    {
        if (ctx.Response.HasStarted) { ctx.Abort(); return Task.CompletedTask; }
        ctx.Response.Clear();
        return WriteCoreAsync(ctx, flavor, status, reason, message, xmlCode);
    }

    private static async Task WriteCoreAsync(HttpContext ctx, ApiFlavor flavor, int status, string reason, string message, string? xmlCode,
        string? xmlMessage = null)
    {
        ctx.Response.StatusCode = status;
        if (status == 304) return;
        string body;
        if (flavor == ApiFlavor.Xml)
        {
            ctx.Response.ContentType = "application/xml; charset=UTF-8";
            body = xmlMessage is null || xmlMessage == message
                ? XmlBody(xmlCode ?? reason, xmlMessage ?? message)
                : XmlBody(xmlCode ?? reason, xmlMessage, details: message);
        }
        else
        {
            ctx.Response.ContentType = "application/json; charset=UTF-8";
            body = JsonBody(status, reason, message);
        }
        var bytes = Encoding.UTF8.GetBytes(body);
        ctx.Response.ContentLength = bytes.Length;
        await ctx.Response.Body.WriteAsync(bytes).ConfigureAwait(false);
    }

    public static async Task WriteAsync(HttpContext ctx, ApiFlavor flavor, GcsException e)
    {
        if (ctx.Response.HasStarted) { ctx.Abort(); return; }
        ctx.Response.Clear();
        foreach (var (k, v) in e.ExtraHeaders) ctx.Response.Headers[k] = v;
        await WriteCoreAsync(ctx, flavor, e.Status, e.Reason, e.Message, e.XmlCode, e.XmlMessage).ConfigureAwait(false);
    }
}
