using System.Globalization;
using System.Text.RegularExpressions;

namespace GcsMedia.Emulator;

/// <summary>A resumable PUT's Content-Range: "bytes a-b/total", "bytes a-b/*", "bytes */total" or "bytes */*".</summary>
internal readonly partial record struct ContentRangeHeader(long? First, long? Last, long? Total)
{
    public bool HasBytes => First is not null;
    public long ChunkLength => HasBytes ? Last!.Value - First!.Value + 1 : 0;

    [GeneratedRegex(@"^\s*bytes\s+(?:(\d+)-(\d+)|\*)/(\d+|\*)\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex Pattern();

    public static ContentRangeHeader Parse(string value)
    {
        var m = Pattern().Match(value);
        if (!m.Success) throw GcsException.BadRequest($"Invalid Content-Range header: '{value}'");
        static long N(string s) => long.Parse(s, NumberStyles.None, CultureInfo.InvariantCulture);
        long? total = m.Groups[3].Value == "*" ? null : N(m.Groups[3].Value);
        if (!m.Groups[1].Success) return new(null, null, total);
        var first = N(m.Groups[1].Value);
        var last = N(m.Groups[2].Value);
        if (last < first) throw GcsException.BadRequest($"Invalid Content-Range header: '{value}' (last byte before first)");
        if (total is { } t && last >= t) throw GcsException.BadRequest($"Invalid Content-Range header: '{value}' (range beyond total)");
        return new(first, last, total);
    }
}
