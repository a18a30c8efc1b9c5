using System.Text;

namespace GcsMedia.Emulator.Tests;

public class HashingUnitTests
{
    [Theory]
    [InlineData("", "AAAAAA==", "1B2M2Y8AsgTpgAmY7PhCfg==")]
    [InlineData("Hi", "ihY6wA==", "waUpj5Oeh+j5YqXt/CBpGA==")]
    [InlineData("All of the data goes in a stream.", "Qg8thA==", "GRvfKbqr5klAOwLkxgIf8w==")]
    [InlineData("up down charlie brown", "UNIQxg==", "JvS1wjMvfbCXgEGeaJJLDQ==")]
    public void ObjectHasher_matches_reference_vectors(string input, string crc32c, string md5)
    {
        var hashes = ObjectHasher.Compute(Encoding.ASCII.GetBytes(input));
        Assert.Equal(crc32c, hashes.Crc32c);
        Assert.Equal(md5, hashes.Md5);
    }

    [Fact]
    public void ObjectHasher_incremental_equals_one_shot_and_clone_rolls_back()
    {
        var data = TestData.Random(100_000);
        using var h = new ObjectHasher();
        h.Append(data.AsSpan(0, 40_000));
        using var snapshot = h.Clone();
        h.Append(TestData.Random(777));
        h.RestoreFrom(snapshot);
        h.Append(data.AsSpan(40_000));
        Assert.Equal(ObjectHasher.Compute(data), h.Current);
        Assert.Equal(Checksums.Crc32c(data), h.Current.Crc32c);
    }

    [Fact]
    public void XGoogHash_omits_md5_when_absent()
    {
        Assert.Equal("crc32c=AAAAAA==", new ObjectHashes("AAAAAA==", null).XGoogHash);
        Assert.Equal("crc32c=AAAAAA==,md5=x==", new ObjectHashes("AAAAAA==", "x==").XGoogHash);
    }

    [Theory]
    [InlineData("crc32c=ihY6wA==,md5=waUpj5Oeh+j5YqXt/CBpGA==", "ihY6wA==", "waUpj5Oeh+j5YqXt/CBpGA==")]
    [InlineData("md5=abc=, crc32c=def=", "def=", "abc=")]
    [InlineData("crc32c=only==", "only==", null)]
    public void ParseXGoogHash_reads_both_types(string header, string? crc, string? md5)
    {
        var parsed = ChecksumHeaders.ParseXGoogHash([header]);
        Assert.Equal(crc, parsed.Crc32c);
        Assert.Equal(md5, parsed.Md5);
    }

    [Fact]
    public void ParseXGoogHash_rejects_conflicting_duplicates()
    {
        var e = Assert.Throws<GcsException>(() => ChecksumHeaders.ParseXGoogHash(["md5=a==,md5=b=="]));
        Assert.Equal(400, e.Status);
    }

    [Fact]
    public void Verify_throws_BadDigest_on_mismatch()
    {
        var actual = ObjectHasher.Compute("Hi"u8);
        ChecksumHeaders.Verify("ihY6wA==", "waUpj5Oeh+j5YqXt/CBpGA==", actual);
        var e = Assert.Throws<GcsException>(() => ChecksumHeaders.Verify("AAAAAA==", null, actual));
        Assert.Equal("BadDigest", e.XmlCode);
        Assert.Contains("CRC32C", e.Message);
    }
}

public class ByteRangeUnitTests
{
    [Theory]
    [InlineData("bytes=0-9", 100, "Partial", 0, 9)]
    [InlineData("bytes=10-", 100, "Partial", 10, 99)]
    [InlineData("bytes=-3", 100, "Partial", 97, 99)]
    [InlineData("bytes=-500", 100, "Partial", 0, 99)]
    [InlineData("bytes=90-1000", 100, "Partial", 90, 99)]
    [InlineData("bytes=100-", 100, "Unsatisfiable", 0, -1)]
    [InlineData("bytes=-0", 100, "Unsatisfiable", 0, -1)]
    [InlineData("bytes=0-", 0, "Unsatisfiable", 0, -1)]
    [InlineData("bytes=5-2", 100, "Whole", 0, -1)]
    [InlineData("bytes=0-1,5-6", 100, "Whole", 0, -1)]
    [InlineData("items=0-1", 100, "Whole", 0, -1)]
    [InlineData("", 100, "Whole", 0, -1)]
    public void Parse_resolves_against_size(string header, long size, string kindName, long first, long last)
    {
        var kind = Enum.Parse<RangeKind>(kindName);
        var r = ByteRange.Parse(header, size);
        Assert.Equal(kind, r.Kind);
        if (kind == RangeKind.Partial)
        {
            Assert.Equal(first, r.First);
            Assert.Equal(last, r.Last);
        }
    }
}

public class ContentRangeUnitTests
{
    [Fact]
    public void Parses_all_four_forms()
    {
        Assert.Equal(new ContentRangeHeader(0, 9, 10), ContentRangeHeader.Parse("bytes 0-9/10"));
        Assert.Equal(new ContentRangeHeader(0, 9, null), ContentRangeHeader.Parse("bytes 0-9/*"));
        Assert.Equal(new ContentRangeHeader(null, null, 10), ContentRangeHeader.Parse("bytes */10"));
        Assert.Equal(new ContentRangeHeader(null, null, null), ContentRangeHeader.Parse("bytes */*"));
    }

    [Theory]
    [InlineData("bytes 5-4/10")]
    [InlineData("bytes 0-10/10")]
    [InlineData("bytes=0-1/2")]
    [InlineData("0-1/2")]
    [InlineData("bytes a-b/c")]
    public void Rejects_malformed(string value)
    {
        var e = Assert.Throws<GcsException>(() => ContentRangeHeader.Parse(value));
        Assert.Equal(400, e.Status);
    }
}

public class FaultInstructionUnitTests
{
    [Theory]
    [InlineData("return-503", "ReturnStatus", 503, 0, 0)]
    [InlineData("return-408", "ReturnStatus", 408, 0, 0)]
    [InlineData("return-reset-connection", "ResetConnection", 0, 0, 0)]
    [InlineData("return-broken-stream", "BrokenStream", 0, FaultInstruction.BrokenStreamBytes, 0)]
    [InlineData("return-broken-stream-after-256K", "BrokenStream", 0, 262144, 0)]
    [InlineData("return-503-after-8192K", "ReturnStatusAfter", 503, 8388608, 0)]
    [InlineData("stall-for-2s-after-128K", "StallAfter", 0, 131072, 2)]
    [InlineData("return-corrupted-data", "CorruptedData", 0, 0, 0)]
    public void Parses_testbench_grammar(string text, string kindName, int status, long after, double stall)
    {
        var kind = Enum.Parse<FaultKind>(kindName);
        Assert.True(FaultInstruction.TryParse(text, out var f));
        Assert.Equal(kind, f.Kind);
        Assert.Equal(status, f.Status);
        Assert.Equal(after, f.AfterBytes);
        Assert.Equal(stall, f.StallSeconds);
    }

    [Theory]
    [InlineData("return-5")]
    [InlineData("return-999")]
    [InlineData("explode")]
    [InlineData("stall-for-s-after-1K")]
    [InlineData("")]
    public void Rejects_unknown(string text) => Assert.False(FaultInstruction.TryParse(text, out _));
}
