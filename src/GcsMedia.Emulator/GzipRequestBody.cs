using System.IO.Compression;

namespace GcsMedia.Emulator;

/// <summary>Content-Encoding: gzip on a JSON API request body is transport encoding: GCS decodes it before reading
/// the metadata or storing the media (Google's clients gzip their JSON bodies by default). On the XML API the header
/// is object metadata instead, so XML requests are left alone.</summary>
internal static class GzipRequestBody
{
    /// <summary>Set in HttpContext.Items when the body was decoded, so handlers know Content-Length no longer applies.</summary>
    public const string DecodedKey = "GcsMedia.Emulator.GzipDecoded";

    public static void DecodeIfGzipped(HttpContext ctx)
    {
        var encoding = ctx.Request.Headers.ContentEncoding.ToString().Trim();
        if (!encoding.Equals("gzip", StringComparison.OrdinalIgnoreCase) && !encoding.Equals("x-gzip", StringComparison.OrdinalIgnoreCase))
            return;
        ctx.Request.Body = new GZipStream(ctx.Request.Body, CompressionMode.Decompress, leaveOpen: true);
        ctx.Request.Headers.Remove("Content-Encoding");
        ctx.Request.ContentLength = null;
        ctx.Items[DecodedKey] = true;
    }

    public static bool WasDecoded(HttpContext ctx) => ctx.Items.ContainsKey(DecodedKey);
}
