using System.Text;
using Xunit;

namespace GcsMedia.Protocol.Tests.Core;

public class ChecksumTests
{
    [Theory]
    [InlineData("", "1B2M2Y8AsgTpgAmY7PhCfg==")]
    [InlineData("Hi", "waUpj5Oeh+j5YqXt/CBpGA==")]
    [InlineData("All of the data goes in a stream.", "GRvfKbqr5klAOwLkxgIf8w==")]
    [InlineData("up down charlie brown", "JvS1wjMvfbCXgEGeaJJLDQ==")]
    public void Md5_MatchesSpecVectors(string input, string expected)
    {
        using var hasher = new Md5Hasher();
        hasher.Append(Encoding.ASCII.GetBytes(input));
        Assert.Equal(expected, hasher.GetBase64());
    }

    [Fact]
    public void Md5_OfTestdataTimes32_MatchesSpecVector()
    {
        using var hasher = new Md5Hasher();
        hasher.Append(Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("testdata", 32))));
        Assert.Equal("pOUFGnohRRFFd24NztFuFw==", hasher.GetBase64());
    }

    [Theory]
    [InlineData("", "AAAAAA==")]
    [InlineData("Hi", "ihY6wA==")]
    [InlineData("All of the data goes in a stream.", "Qg8thA==")]
    [InlineData("up down charlie brown", "UNIQxg==")]
    public void Crc32c_MatchesSpecVectors(string input, string expected)
    {
        var hasher = new Crc32cHasher();
        hasher.Append(Encoding.ASCII.GetBytes(input));
        Assert.Equal(expected, hasher.GetBase64());
        Assert.Equal(expected, Crc32cHasher.ToBase64(Crc32cHasher.Compute(Encoding.ASCII.GetBytes(input))));
    }

    [Fact]
    public void Crc32c_IncrementalAppend_EqualsOneShot()
    {
        byte[] data = Encoding.ASCII.GetBytes("All of the data goes in a stream.");
        var hasher = new Crc32cHasher();
        hasher.Append(data, 0, 10);
        hasher.Append(data, 10, data.Length - 10);
        Assert.Equal("Qg8thA==", hasher.GetBase64());
    }

    [Fact]
    public void Crc32c_Base64RoundTrip_IsBigEndian()
    {
        Assert.Equal(0x8A163AC0u, Crc32cHasher.FromBase64("ihY6wA=="));
        Assert.Equal("ihY6wA==", Crc32cHasher.ToBase64(0x8A163AC0u));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(0, 17)]
    [InlineData(17, 0)]
    [InlineData(1, 1)]
    [InlineData(1000, 3)]
    [InlineData(262144, 262145)]
    [InlineData(4096, 1048576)]
    public void Crc32cCombine_OfTwoHalves_EqualsCrcOfWhole(int lengthA, int lengthB)
    {
        byte[] data = new byte[lengthA + lengthB];
        new Random(lengthA * 31 + lengthB).NextBytes(data);
        uint crcA = Crc32cHasher.Compute(data.AsSpan(0, lengthA));
        uint crcB = Crc32cHasher.Compute(data.AsSpan(lengthA));
        Assert.Equal(Crc32cHasher.Compute(data), Crc32cHasher.Combine(crcA, crcB, lengthB));
    }

    [Theory]
    [InlineData(ChecksumType.Md5, typeof(Md5Hasher))]
    [InlineData(ChecksumType.Crc32c, typeof(Crc32cHasher))]
    public void ChecksumObject_ForType_IsTheRightHasher(ChecksumType type, Type expected)
    {
        using MediaHasher? hasher = MediaHasher.Create(type);
        Assert.IsType(expected, hasher);
        Assert.Equal(type, hasher!.Type);
    }

    [Fact]
    public void ChecksumObject_ForNone_IsNull()
        => Assert.Null(MediaHasher.Create(ChecksumType.None));

    [Fact]
    public void ChecksumObject_InvalidType_Throws()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => MediaHasher.Create((ChecksumType)42));
        Assert.Contains("checksum must be Crc32c, Md5 or None", ex.Message);
    }

    [Fact]
    public void MetadataKeys_AreMd5HashAndCrc32c()
    {
        Assert.Equal("md5Hash", MediaHasher.MetadataKey(ChecksumType.Md5));
        Assert.Equal("crc32c", MediaHasher.MetadataKey(ChecksumType.Crc32c));
    }
}
