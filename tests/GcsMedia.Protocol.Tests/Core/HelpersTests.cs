using System.Net;
using GcsMedia.Protocol.Tests.TestSupport;
using Xunit;

namespace GcsMedia.Protocol.Tests.Core;

/// <summary>The seed's _helpers.py / _download.py free functions, as <see cref="DownloadHelpers"/>.</summary>
public class HelpersTests
{
    private static HttpResponseMessage Response(HttpStatusCode status, IDictionary<string, string>? headers = null)
        => FakeHttpHandler.Build(status, Array.Empty<byte>(), headers);

    [Fact]
    public void HeaderRequired_Success_ReturnsValue_CallbackNotCalled()
    {
        int calls = 0;
        using var response = Response(HttpStatusCode.OK, new Dictionary<string, string> { ["some-header"] = "the value" });
        Assert.Equal("the value", DownloadHelpers.RequireHeader(response, "some-header", () => calls++));
        Assert.Equal(0, calls);
    }

    [Fact]
    public void HeaderRequired_Failure_NamesTheHeader_AndCallsCallbackOnce()
    {
        int calls = 0;
        using var response = Response(HttpStatusCode.OK);
        var ex = Assert.Throws<InvalidResponseException>(() => DownloadHelpers.RequireHeader(response, "content-range", () => calls++));
        Assert.StartsWith("Response headers must contain header content-range", ex.Message);
        Assert.Equal(200, ex.StatusCode);
        Assert.Equal(1, calls);
    }

    [Fact]
    public void HeaderRequired_ReadsContentHeadersCaseInsensitively()
    {
        using var response = Response(HttpStatusCode.OK, new Dictionary<string, string> { ["Content-Range"] = "bytes 0-1/2" });
        Assert.Equal("bytes 0-1/2", DownloadHelpers.RequireHeader(response, "content-range"));
    }

    [Fact]
    public void RequireStatusCode_Success_ReturnsStatus()
    {
        using var response = Response(HttpStatusCode.PartialContent);
        Assert.Equal(206, DownloadHelpers.RequireStatusCode(response, new[] { 200, 206 }));
    }

    [Fact]
    public void RequireStatusCode_Failure_ArgsAreCodeAndExpected_AndCallsCallback()
    {
        int calls = 0;
        using var response = Response(HttpStatusCode.NotFound);
        var ex = Assert.Throws<InvalidResponseException>(
            () => DownloadHelpers.RequireStatusCode(response, new[] { 200, 206 }, () => calls++));
        Assert.Equal(404, ex.StatusCode);
        Assert.Equal(new[] { 200, 206 }, ex.ExpectedStatusCodes);
        Assert.Contains("failed with status code 404", ex.Message);
        Assert.Contains("Expected one of 200, 206", ex.Message);
        Assert.Equal(1, calls);
    }

    [Theory]
    [InlineData(408)]
    [InlineData(429)]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    public void RequireStatusCode_RetryableFailure_DoesNotCallCallback(int status)
    {
        int calls = 0;
        using var response = Response((HttpStatusCode)status);
        var ex = Assert.Throws<InvalidResponseException>(
            () => DownloadHelpers.RequireStatusCode(response, new[] { 200 }, () => calls++));
        Assert.Equal(status, ex.StatusCode);
        Assert.True(ex.IsRetryable);
        Assert.Equal(0, calls);
    }

    [Fact]
    public void RetryableCodes_AreTheSeedsSix()
        => Assert.Equal(new[] { 408, 429, 500, 502, 503, 504 }, DownloadHelpers.RetryableStatusCodes.OrderBy(c => c));

    [Fact]
    public void GetExpectedChecksum_HeaderPresent_ReturnsValueAndHasher()
    {
        foreach (string header in new[] { "crc32c=qmNCyg==,md5=fPAJHnnoi/+NadyNxT2c2w==", "crc32c=qmNCyg==, md5=fPAJHnnoi/+NadyNxT2c2w==" })
        {
            using var response = Response(HttpStatusCode.OK, new Dictionary<string, string> { ["x-goog-hash"] = header });
            Assert.Equal("fPAJHnnoi/+NadyNxT2c2w==", DownloadHelpers.GetExpectedChecksum(response, ChecksumType.Md5, null, out MediaHasher? md5));
            Assert.IsType<Md5Hasher>(md5);
            Assert.Equal("qmNCyg==", DownloadHelpers.GetExpectedChecksum(response, ChecksumType.Crc32c, null, out MediaHasher? crc));
            Assert.IsType<Crc32cHasher>(crc);
        }
    }

    [Fact]
    public void GetExpectedChecksum_HeaderMissing_NullAndNoHasher()
    {
        using var response = Response(HttpStatusCode.OK);
        Assert.Null(DownloadHelpers.GetExpectedChecksum(response, ChecksumType.Md5, null, out MediaHasher? hasher));
        Assert.Null(hasher);
    }

    [Fact]
    public void GetExpectedChecksum_None_NullAndNoHasher()
    {
        using var response = Response(HttpStatusCode.OK, new Dictionary<string, string> { ["x-goog-hash"] = "crc32c=qmNCyg==" });
        Assert.Null(DownloadHelpers.GetExpectedChecksum(response, ChecksumType.None, null, out MediaHasher? hasher));
        Assert.Null(hasher);
    }

    [Fact]
    public void GetExpectedChecksum_InvalidType_Throws()
    {
        using var response = Response(HttpStatusCode.OK);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => DownloadHelpers.GetExpectedChecksum(response, (ChecksumType)9, null, out _));
        Assert.Contains("checksum must be Crc32c, Md5 or None", ex.Message);
    }

    [Fact]
    public void ParseGenerationHeader_Missing_IsNull()
    {
        using var response = Response(HttpStatusCode.OK);
        Assert.Null(DownloadHelpers.ParseGenerationHeader(response));
    }

    [Fact]
    public void ParseGenerationHeader_Present_IsParsed()
    {
        using var response = Response(HttpStatusCode.OK, new Dictionary<string, string> { ["x-goog-generation"] = "1641590104888641" });
        Assert.Equal(1641590104888641L, DownloadHelpers.ParseGenerationHeader(response));
    }

    [Fact]
    public void GetGenerationFromUrl_Missing_IsNull()
        => Assert.Null(DownloadHelpers.GetGenerationFromUrl("https://storage.googleapis.com/download/storage/v1/b/b/o/o?alt=media"));

    [Fact]
    public void GetGenerationFromUrl_Present_IsParsed()
        => Assert.Equal(1641590104888641L, DownloadHelpers.GetGenerationFromUrl("https://host/download/storage/v1/b/b/o/o?alt=media&generation=1641590104888641"));

    [Fact]
    public void IsDecompressiveTranscoding_NoHeaders_False()
    {
        using var response = Response(HttpStatusCode.OK);
        Assert.False(DownloadHelpers.IsDecompressiveTranscoding(response));
    }

    [Fact]
    public void IsDecompressiveTranscoding_StoredGzip_True()
    {
        using var response = Response(HttpStatusCode.OK, new Dictionary<string, string> { ["x-goog-stored-content-encoding"] = "gzip" });
        Assert.True(DownloadHelpers.IsDecompressiveTranscoding(response));
    }

    [Fact]
    public void IsDecompressiveTranscoding_StoredIdentity_False()
    {
        using var response = Response(HttpStatusCode.OK, new Dictionary<string, string> { ["x-goog-stored-content-encoding"] = "identity" });
        Assert.False(DownloadHelpers.IsDecompressiveTranscoding(response));
    }

    [Fact]
    public void IsDecompressiveTranscoding_StoredGzipServedGzip_False()
    {
        using var response = Response(HttpStatusCode.OK, new Dictionary<string, string>
        {
            ["x-goog-stored-content-encoding"] = "gzip",
            ["content-encoding"] = "gzip",
        });
        Assert.False(DownloadHelpers.IsDecompressiveTranscoding(response));
    }

    [Fact]
    public void AddQueryParameters_Empty_SameUrl()
        => Assert.Equal("https://h/p?x=1", DownloadHelpers.AddQueryParameters("https://h/p?x=1", new Dictionary<string, string>()));

    [Fact]
    public void AddQueryParameters_NoQuery_AddsQuestionMark()
        => Assert.Equal("https://h/p?generation=12&a%20b=c%26d",
            DownloadHelpers.AddQueryParameters("https://h/p", new Dictionary<string, string> { ["generation"] = "12", ["a b"] = "c&d" }));

    [Fact]
    public void AddQueryParameters_ExistingQuery_AddsAmpersand()
        => Assert.Equal("https://h/p?alt=media&generation=12",
            DownloadHelpers.AddQueryParameters("https://h/p?alt=media", new Dictionary<string, string> { ["generation"] = "12" }));

    [Fact]
    public void AddBytesRange_Nothing_NoHeader()
    {
        var headers = new Dictionary<string, string>();
        DownloadHelpers.AddBytesRange(null, null, headers);
        Assert.Empty(headers);
    }

    [Theory]
    [InlineData(17L, 1997L, "bytes=17-1997")]
    [InlineData(null, 909L, "bytes=0-909")]
    [InlineData(3735928559L, null, "bytes=3735928559-")]
    [InlineData(-1024L, null, "bytes=-1024")]
    public void AddBytesRange_SetsRangeHeader(long? start, long? end, string expected)
    {
        var headers = new Dictionary<string, string> { ["other"] = "kept" };
        DownloadHelpers.AddBytesRange(start, end, headers);
        Assert.Equal(expected, headers["range"]);
        Assert.Equal("kept", headers["other"]);
    }

    [Fact]
    public void GetRangeInfo_ParsesCaseInsensitively()
    {
        using var response = Response(HttpStatusCode.PartialContent, new Dictionary<string, string> { ["content-range"] = "Bytes 7-11/42" });
        Assert.Equal((7L, 11L, 42L), DownloadHelpers.GetRangeInfo(response));
    }

    [Fact]
    public void GetRangeInfo_Malformed_ThrowsAndCallsCallback()
    {
        int calls = 0;
        using var response = Response(HttpStatusCode.PartialContent, new Dictionary<string, string> { ["content-range"] = "nope x-6/y" });
        var ex = Assert.Throws<InvalidResponseException>(() => DownloadHelpers.GetRangeInfo(response, () => calls++));
        Assert.Contains("nope x-6/y", ex.Message);
        Assert.Equal(1, calls);
        Assert.Throws<InvalidResponseException>(() => DownloadHelpers.GetRangeInfo(response));
    }

    [Fact]
    public void GetRangeInfo_Missing_ThrowsAndCallsCallback()
    {
        int calls = 0;
        using var response = Response(HttpStatusCode.PartialContent);
        var ex = Assert.Throws<InvalidResponseException>(() => DownloadHelpers.GetRangeInfo(response, () => calls++));
        Assert.Contains("content-range", ex.Message);
        Assert.Equal(1, calls);
        Assert.Throws<InvalidResponseException>(() => DownloadHelpers.GetRangeInfo(response));
    }

    [Fact]
    public void CheckForZeroContentRange_416WithStarSlash0_True()
    {
        using var response = Response(HttpStatusCode.RequestedRangeNotSatisfiable, new Dictionary<string, string> { ["content-range"] = "bytes */0" });
        Assert.True(DownloadHelpers.IsZeroContentRange(response));
    }

    [Fact]
    public void CheckForZeroContentRange_416WithOtherRange_False()
    {
        using var response = Response(HttpStatusCode.RequestedRangeNotSatisfiable, new Dictionary<string, string> { ["content-range"] = "bytes 2-5/3" });
        Assert.False(DownloadHelpers.IsZeroContentRange(response));
    }

    [Fact]
    public void CheckForZeroContentRange_200WithStarSlash0_False()
    {
        using var response = Response(HttpStatusCode.OK, new Dictionary<string, string> { ["content-range"] = "bytes */0" });
        Assert.False(DownloadHelpers.IsZeroContentRange(response));
    }

    [Theory]
    [InlineData("bytes 0--1/0", 0L, -1L, 0L)]
    [InlineData("bytes 5-9/*", 5L, 9L, null)]
    [InlineData("bytes 0-99/100", 0L, 99L, 100L)]
    public void LenientContentRange_AcceptsTestbenchQuirks(string value, long start, long end, long? total)
    {
        Assert.True(DownloadHelpers.TryParseContentRange(value, out long s, out long e, out long? t));
        Assert.Equal((start, end, total), (s, e, t));
    }

    [Fact]
    public void LenientContentRange_RejectsUnsatisfiedForm()
        => Assert.False(DownloadHelpers.TryParseContentRange("bytes */100", out _, out _, out _));

    [Fact]
    public void GetHeader_MalformedContentRange_ReadRaw()
    {
        using var response = Response(HttpStatusCode.OK, new Dictionary<string, string> { ["Content-Range"] = "bytes 0--1/0" });
        Assert.Equal("bytes 0--1/0", DownloadHelpers.GetHeader(response, "content-range"));
    }
}
