using Xunit;

namespace GcsMedia.Protocol.Tests.Core;

public class InvalidResponseTests
{
    [Fact]
    public void Constructor_KeepsResponseDetails()
    {
        var headers = new Dictionary<string, string> { ["x-goog-generation"] = "7" };
        var ex = new InvalidResponseException("boom", 503, new[] { 200, 206 }, headers, "body text", "gs://b/o");
        Assert.Equal("boom", ex.Message);
        Assert.Equal(503, ex.StatusCode);
        Assert.Equal(new[] { 200, 206 }, ex.ExpectedStatusCodes);
        Assert.Equal("7", ex.ResponseHeaders["x-goog-generation"]);
        Assert.Equal("body text", ex.BodyExcerpt);
        Assert.Equal("gs://b/o", ex.ObjectName);
        Assert.True(ex.IsRetryable);
    }

    [Fact]
    public void UnexpectedStatus_MessageListsCodeAndExpected_AndServerMessage()
    {
        var ex = InvalidResponseException.UnexpectedStatus(404, new[] { 200, 206 }, "gs://b/o", body: "{\"error\":{\"message\":\"No such object: b/o\"}}");
        Assert.Equal("Request for gs://b/o failed with status code 404. Expected one of 200, 206. Server said: No such object: b/o", ex.Message);
        Assert.False(ex.IsRetryable);
    }

    [Fact]
    public void DataCorruption_ForDownload_NamesObjectValuesAndBytesRead()
    {
        var ex = DataCorruptionException.ForDownload(ChecksumType.Md5, "expected==", "actual==", 1234, "gs://b/o");
        Assert.Contains("Checksum mismatch while downloading gs://b/o", ex.Message);
        Assert.Contains("expected==", ex.Message);
        Assert.Contains("actual==", ex.Message);
        Assert.Contains("read 1234 bytes", ex.Message);
        Assert.Equal(1234, ex.BytesTransferred);
    }
}
