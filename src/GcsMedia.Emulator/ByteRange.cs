using System.Globalization;

namespace GcsMedia.Emulator;

internal enum RangeKind { Whole, Partial, Unsatisfiable }

/// <summary>A single-range "Range: bytes=…" request resolved against an object size.</summary>
internal readonly record struct ByteRange(RangeKind Kind, long First = 0, long Last = -1)
{
    public long Length => Last - First + 1;

    /// <summary>Supports bytes=a-b, bytes=a-, bytes=-N. Malformed or multi-range headers are ignored (whole object), as GCS does.</summary>
    public static ByteRange Parse(string? header, long size)
    {
        if (string.IsNullOrWhiteSpace(header)) return new(RangeKind.Whole);
        header = header.Trim();
        if (!header.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase)) return new(RangeKind.Whole);
        var spec = header[6..].Trim();
        if (spec.Contains(',')) return new(RangeKind.Whole);
        var dash = spec.IndexOf('-');
        if (dash < 0) return new(RangeKind.Whole);
        var first = spec[..dash].Trim();
        var last = spec[(dash + 1)..].Trim();
        static bool Num(string s, out long v) =>
            long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out v);

        if (first.Length == 0)
        {
            if (!Num(last, out var suffix)) return new(RangeKind.Whole);
            if (suffix == 0 || size == 0) return new(RangeKind.Unsatisfiable);
            return new(RangeKind.Partial, Math.Max(0, size - suffix), size - 1);
        }
        if (!Num(first, out var a)) return new(RangeKind.Whole);
        long b;
        if (last.Length == 0) b = long.MaxValue;
        else if (!Num(last, out b) || b < a) return new(RangeKind.Whole);
        if (a >= size) return new(RangeKind.Unsatisfiable);
        return new(RangeKind.Partial, a, Math.Min(b, size - 1));
    }
}
