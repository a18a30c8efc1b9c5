using Xunit;

namespace GcsMedia.Protocol.Tests.Core;

public class GoogHashTests
{
    [Fact]
    public void ParseChecksumHeader_Empty_IsNull()
    {
        Assert.Null(GoogHash.Parse((string?)null, ChecksumType.Md5));
        Assert.Null(GoogHash.Parse("", ChecksumType.Crc32c));
    }

    [Fact]
    public void ParseChecksumHeader_Crc32cOnly()
    {
        Assert.Equal("AAAAAA==", GoogHash.Parse("crc32c=AAAAAA==", ChecksumType.Crc32c));
        Assert.Null(GoogHash.Parse("crc32c=AAAAAA==", ChecksumType.Md5));
    }

    [Fact]
    public void ParseChecksumHeader_Md5Only()
    {
        Assert.Equal("1B2M2Y8AsgTpgAmY7PhCfg==", GoogHash.Parse("md5=1B2M2Y8AsgTpgAmY7PhCfg==", ChecksumType.Md5));
        Assert.Null(GoogHash.Parse("md5=1B2M2Y8AsgTpgAmY7PhCfg==", ChecksumType.Crc32c));
    }

    [Theory]
    [InlineData("crc32c=AAAAAA==,md5=1B2M2Y8AsgTpgAmY7PhCfg==")]
    [InlineData("crc32c=AAAAAA==, md5=1B2M2Y8AsgTpgAmY7PhCfg==")]
    [InlineData("md5=1B2M2Y8AsgTpgAmY7PhCfg==, crc32c=AAAAAA==")]
    public void ParseChecksumHeader_Both_InEitherSeparatorForm(string header)
    {
        Assert.Equal("1B2M2Y8AsgTpgAmY7PhCfg==", GoogHash.Parse(header, ChecksumType.Md5));
        Assert.Equal("AAAAAA==", GoogHash.Parse(header, ChecksumType.Crc32c));
    }

    [Fact]
    public void ParseChecksumHeader_TwoMd5Values_ThrowsInvalidResponse()
    {
        var ex = Assert.Throws<InvalidResponseException>(
            () => GoogHash.Parse("md5=aaaa,crc32c=AAAAAA==,md5=bbbb", ChecksumType.Md5, "gs://b/o"));
        Assert.Contains("multiple 'md5' values", ex.Message);
        Assert.Contains("aaaa", ex.Message);
        Assert.Contains("bbbb", ex.Message);
        Assert.Contains("gs://b/o", ex.Message);
    }

    [Fact]
    public void ParseChecksumHeader_SeveralHeaderValues_AreJoined()
        => Assert.Equal("AAAAAA==", GoogHash.Parse(new[] { "md5=x", "crc32c=AAAAAA==" }, ChecksumType.Crc32c));

    [Fact]
    public void Format_WritesNameEqualsValue()
        => Assert.Equal("crc32c=ihY6wA==", GoogHash.Format(ChecksumType.Crc32c, "ihY6wA=="));
}
