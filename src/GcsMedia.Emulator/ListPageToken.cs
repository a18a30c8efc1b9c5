using System.Text;

namespace GcsMedia.Emulator;

/// <summary>Opaque list page tokens: base64url of the last returned object name or prefix.</summary>
internal static class ListPageToken
{
    public static string AfterName(string name) => Encode("o:" + name);

    public static string AfterPrefix(string prefix) => Encode("p:" + prefix);

    public static (string? AfterName, string? AfterPrefix) Decode(string? token)
    {
        if (string.IsNullOrEmpty(token)) return (null, null);
        string text;
        try
        {
            var b64 = token.Replace('-', '+').Replace('_', '/');
            text = Encoding.UTF8.GetString(Convert.FromBase64String(b64.PadRight(b64.Length + (4 - b64.Length % 4) % 4, '=')));
        }
        catch (FormatException)
        {
            throw GcsException.BadRequest($"Invalid pageToken: {token}");
        }
        return text switch
        {
            ['o', ':', ..] => (text[2..], null),
            ['p', ':', ..] => (null, text[2..]),
            _ => throw GcsException.BadRequest($"Invalid pageToken: {token}"),
        };
    }

    private static string Encode(string text) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
