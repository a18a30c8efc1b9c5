using System.Globalization;
using System.Text.RegularExpressions;

namespace GcsMedia.Emulator;

/// <summary>A resumable PUT's Content-Range: "bytes a-b/total", "bytes a-b/*", "bytes */total", "bytes */*", or with an
/// open end "bytes a-*/total" and "bytes a-*/*" (the end is a plus the body's length, as GCS and storage-testbench take it;
/// Google's Node.js client sends its whole upload that way).</summary>
internal readonly partial record struct ContentRangeHeader(long? First, long? Last, long? Total)
{
    public bool HasBytes => First is not null;
    /// <summary>True for "bytes a-*/…": the body, however long, is the rest of the object.</summary>
    public bool OpenEnd => First is not null && Last is null;
    public long ChunkLength => HasBytes && !OpenEnd ? Last!.Value - First!.Value + 1 : 0;

    [GeneratedRegex(@"^\s*bytes\s+(?:(\d+)-(\d+|\*)|\*)/(\d+|\*)\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex Pattern();

    public static ContentRangeHeader Parse(string value)
    {
        var m = Pattern().Match(value);
        if (!m.Success) throw GcsException.BadRequest($"Invalid Content-Range header: '{value}'");
        static long N(string s) => long.Parse(s, NumberStyles.None, CultureInfo.InvariantCulture);
        long? total = m.Groups[3].Value == "*" ? null : N(m.Groups[3].Value);
        if (!m.Groups[1].Success) return new(null, null, total);
        var first = N(m.Groups[1].Value);
        if (m.Groups[2].Value == "*")
        {
            if (total is { } whole && first > whole)
                throw GcsException.BadRequest($"Invalid Content-Range header: '{value}' (first byte beyond total)");
            return new(first, null, total);
        }
        var last = N(m.Groups[2].Value);
        if (last < first) throw GcsException.BadRequest($"Invalid Content-Range header: '{value}' (last byte before first)");
        if (total is { } t && last >= t) throw GcsException.BadRequest($"Invalid Content-Range header: '{value}' (range beyond total)");
        return new(first, last, total);
    }
}
