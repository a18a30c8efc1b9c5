using System.Buffers.Binary;
using System.IO.Hashing;
using System.Security.Cryptography;

namespace GcsMedia.Emulator;

/// <summary>The md5 and crc32c of a byte sequence, in GCS wire form (base64; crc32c as 4 big-endian bytes).</summary>
internal readonly record struct ObjectHashes(string Crc32c, string? Md5)
{
    /// <summary>Value of an x-goog-hash header.</summary>
    public string XGoogHash => Md5 is null ? $"crc32c={Crc32c}" : $"crc32c={Crc32c},md5={Md5}";
}

/// <summary>Incremental md5 + CRC-32C (Castagnoli) computed while bytes stream through.</summary>
internal sealed class ObjectHasher : IDisposable
{
    private IncrementalHash _md5;
    private Crc32 _crc;

    public ObjectHasher()
    {
        _md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        _crc = new Crc32(Crc32ParameterSet.Crc32C);
    }

    private ObjectHasher(IncrementalHash md5, Crc32 crc)
    {
        _md5 = md5;
        _crc = crc;
    }

    public void Append(ReadOnlySpan<byte> data)
    {
        _md5.AppendData(data);
        _crc.Append(data);
    }

    public ObjectHasher Clone() => new(_md5.Clone(), _crc.Clone());

    /// <summary>Replaces this hasher's state with <paramref name="other"/>'s (used to roll back a failed chunk).</summary>
    public void RestoreFrom(ObjectHasher other)
    {
        _md5.Dispose();
        _md5 = other._md5.Clone();
        _crc = other._crc.Clone();
    }

    public uint Crc32cValue => _crc.GetCurrentHashAsUInt32();
    public byte[] Md5Bytes => _md5.GetCurrentHash();
    public ObjectHashes Current => new(Crc32cToBase64(Crc32cValue), Convert.ToBase64String(Md5Bytes));

    public void Dispose() => _md5.Dispose();

    public static string Crc32cToBase64(uint crc)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, crc);
        return Convert.ToBase64String(b);
    }

    /// <summary>Inverse of <see cref="Crc32cToBase64"/>.</summary>
    public static uint Crc32cFromBase64(string crc) => BinaryPrimitives.ReadUInt32BigEndian(Convert.FromBase64String(crc));

    public static ObjectHashes Compute(ReadOnlySpan<byte> data)
    {
        using var h = new ObjectHasher();
        h.Append(data);
        return h.Current;
    }
}

/// <summary>Parses the request headers that carry client-computed checksums.</summary>
internal static class ChecksumHeaders
{
    /// <summary>Reads "crc32c=…,md5=…" (any order, optional spaces). Duplicates of one type are a 400.</summary>
    public static (string? Crc32c, string? Md5) ParseXGoogHash(IEnumerable<string?> values)
    {
        string? crc = null, md5 = null;
        foreach (var value in values)
        {
            if (string.IsNullOrWhiteSpace(value)) continue;
            foreach (var entry in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var eq = entry.IndexOf('=');
                if (eq <= 0) throw GcsException.BadRequest($"Malformed x-goog-hash entry: {entry}", "InvalidDigest");
                var name = entry[..eq].Trim().ToLowerInvariant();
                var v = entry[(eq + 1)..].Trim();
                switch (name)
                {
                    case "crc32c":
                        if (crc is not null && crc != v) throw GcsException.BadRequest("x-goog-hash has several crc32c values", "InvalidDigest");
                        crc = v; break;
                    case "md5":
                        if (md5 is not null && md5 != v) throw GcsException.BadRequest("x-goog-hash has several md5 values", "InvalidDigest");
                        md5 = v; break;
                }
            }
        }
        return (crc, md5);
    }

    public static (string? Crc32c, string? Md5) FromRequest(HttpRequest request)
    {
        var (crc, md5) = ParseXGoogHash(request.Headers["x-goog-hash"]);
        var contentMd5 = request.Headers["Content-MD5"].ToString();
        if (!string.IsNullOrEmpty(contentMd5))
        {
            if (md5 is not null && md5 != contentMd5) throw GcsException.BadRequest("Content-MD5 and x-goog-hash md5 disagree", "InvalidDigest");
            md5 = contentMd5;
        }
        return (crc, md5);
    }

    /// <summary>Throws 400 when a client-supplied checksum differs from the computed one.</summary>
    public static void Verify(string? expectedCrc32c, string? expectedMd5, ObjectHashes actual, string xmlCode = "BadDigest")
    {
        if (expectedCrc32c is not null && expectedCrc32c != actual.Crc32c)
            throw GcsException.BadRequest(
                $"Provided CRC32C \"{expectedCrc32c}\" doesn't match calculated CRC32C \"{actual.Crc32c}\".", xmlCode);
        if (expectedMd5 is not null && expectedMd5 != actual.Md5)
            throw GcsException.BadRequest(
                $"Provided MD5 hash \"{expectedMd5}\" doesn't match calculated MD5 hash \"{actual.Md5}\".", xmlCode);
    }
}

/// <summary>CRC-32C (Castagnoli) combination: crc(A‖B) from crc(A), crc(B) and len(B), without the bytes
/// (zlib's crc32_combine with the reflected polynomial 0x82F63B78; O(log len) per call).</summary>
internal static class Crc32cCombine
{
    private const uint Poly = 0x82F63B78;

    /// <summary>x^(2^k) mod P for k = 0..31, in reflected form.</summary>
    private static readonly uint[] X2nTable = BuildTable();

    private static uint[] BuildTable()
    {
        var t = new uint[32];
        var p = 1u << 30; // x^1
        t[0] = p;
        for (var n = 1; n < 32; n++) t[n] = p = MultModP(p, p);
        return t;
    }

    /// <summary>a(x) * b(x) mod P(x), reflected.</summary>
    private static uint MultModP(uint a, uint b)
    {
        var m = 1u << 31;
        var p = 0u;
        while (true)
        {
            if ((a & m) != 0)
            {
                p ^= b;
                if ((a & (m - 1)) == 0) break;
            }
            m >>= 1;
            b = (b & 1) != 0 ? (b >> 1) ^ Poly : b >> 1;
        }
        return p;
    }

    /// <summary>x^(n * 2^k) mod P(x).</summary>
    private static uint X2nModP(long n, int k)
    {
        var p = 1u << 31; // x^0
        while (n != 0)
        {
            if ((n & 1) != 0) p = MultModP(X2nTable[k & 31], p);
            n >>= 1;
            k++;
        }
        return p;
    }

    /// <summary>The CRC-32C of A‖B given crc(A), crc(B) and the length of B in bytes.</summary>
    public static uint Combine(uint crcA, uint crcB, long lengthB)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(lengthB);
        return MultModP(X2nModP(lengthB, 3), crcA) ^ crcB;
    }

    /// <summary>Combines a sequence of (crc, length) pieces in order; the CRC of nothing is 0.</summary>
    public static uint Combine(IEnumerable<(uint Crc, long Length)> pieces)
    {
        var crc = 0u;
        foreach (var (c, len) in pieces) crc = Combine(crc, c, len);
        return crc;
    }
}
