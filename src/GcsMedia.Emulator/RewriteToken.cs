using System.Text.Json;

namespace GcsMedia.Emulator;

/// <summary>Where an unfinished rewrite stands; carried by the client as an opaque token.</summary>
internal sealed record RewriteState(string SourceBucket, string SourceName, long SourceGeneration, string DestinationBucket,
    string DestinationName, long BytesRewritten);

internal static class RewriteToken
{
    public static string Encode(RewriteState state) =>
        Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(state)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static RewriteState Decode(string token)
    {
        try
        {
            var b64 = token.Replace('-', '+').Replace('_', '/');
            b64 = b64.PadRight(b64.Length + (4 - b64.Length % 4) % 4, '=');
            return JsonSerializer.Deserialize<RewriteState>(Convert.FromBase64String(b64))
                ?? throw GcsException.BadRequest("Invalid rewriteToken.");
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            throw GcsException.BadRequest("Invalid rewriteToken.");
        }
    }
}
