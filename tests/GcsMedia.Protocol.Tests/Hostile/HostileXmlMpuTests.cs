using System.Net;
using System.Text;
using GcsMedia.Protocol.Tests.TestSupport;
using Xunit;
using static GcsMedia.Protocol.Tests.Hostile.HostileSupport;

namespace GcsMedia.Protocol.Tests.Hostile;

/// <summary>XML multipart uploads against a loopback server answering hand-crafted (often malformed) responses.</summary>
public class HostileXmlMpuTests
{
    private const string Label = "gs://hostile-bucket/dir/obj.bin";
    private const string Ns = "http://s3.amazonaws.com/doc/2006-03-01/";
    private static readonly byte[] Part1 = Responses.RandomBytes(70_000, seed: 3);

    private static XmlMpuContainer Container(HostileServer server, string? uploadId = null)
        => new(Client(server), server.Url("hostile-bucket/dir/obj.bin"), "application/octet-stream", uploadId: uploadId, retryStrategy: Retry());

    private static string InitiateXml(string uploadIdElement)
        => $"<?xml version='1.0' encoding='UTF-8'?><InitiateMultipartUploadResult xmlns=\"{Ns}\"><Bucket>hostile-bucket</Bucket><Key>dir/obj.bin</Key>{uploadIdElement}</InitiateMultipartUploadResult>";

    private static string CompleteXml => $"<?xml version='1.0' encoding='UTF-8'?><CompleteMultipartUploadResult xmlns=\"{Ns}\"><Bucket>hostile-bucket</Bucket><Key>dir/obj.bin</Key><ETag>\"final\"</ETag></CompleteMultipartUploadResult>";

    [Theory]
    [InlineData("<html><head><title>502 Bad Gateway</title></head><body>oops</body></html>")]
    [InlineData("<!DOCTYPE html><html><body>Sign in</body></html>")]
    [InlineData("not xml at all <<<")]
    [InlineData("")]
    [InlineData("{\"uploadId\":\"abc\"}")]
    [InlineData("<InitiateMultipartUploadResult><UploadId>abc")]                                     // truncated
    [InlineData("<InitiateMultipartUploadResult xmlns=\"x\"><Bucket>b</Bucket></InitiateMultipartUploadResult>")] // no UploadId
    [InlineData("<InitiateMultipartUploadResult><UploadId></UploadId></InitiateMultipartUploadResult>")]          // empty
    [InlineData("<InitiateMultipartUploadResult><UploadId>   </UploadId></InitiateMultipartUploadResult>")]       // blank
    public async Task Initiate200WithJunkOrNoUploadId_IsInvalidResponse_NamingUploadIdAndObject(string body)
    {
        await using var server = new HostileServer((_, c) => c.RespondAsync(200, body, ("Content-Type", "text/html")));
        var container = Container(server);
        using var cts = Timeout();
        var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => container.InitiateAsync(cancellationToken: cts.Token));
        Assert.Contains("UploadId", ex.Message);
        Assert.Contains(Label, ex.Message);
        Assert.Null(container.UploadId);
        Assert.Single(server.Snapshot());
    }

    [Fact]
    public async Task UploadIdWithUrlSpecialCharacters_IsPercentEncodedInEveryUrl_AndDecodesBackExactly()
    {
        const string id = "a/b+c=d&e?f#g %";
        await using var server = new HostileServer(async (r, c) =>
        {
            if (r.Method == "POST" && r.Target.EndsWith("?uploads"))
            {
                await c.RespondAsync(200, InitiateXml("<UploadId>a/b+c=d&amp;e?f#g %</UploadId>"));
            }
            else if (r.Method == "PUT")
            {
                await c.RespondAsync(200, Array.Empty<byte>(), ("ETag", "\"etag-1\""), ("x-goog-hash", $"crc32c={Responses.Crc32c(r.Body)}"));
            }
            else if (r.Method == "POST")
            {
                await c.RespondAsync(200, CompleteXml);
            }
            else if (r.Method == "GET")
            {
                await c.RespondAsync(200, $"<ListPartsResult xmlns=\"{Ns}\"><Part><PartNumber>1</PartNumber><ETag>\"etag-1\"</ETag><Size>70000</Size></Part></ListPartsResult>");
            }
            else
            {
                await c.RespondAsync(204);
            }
        });
        using var cts = Timeout();
        var container = Container(server);
        Assert.Equal(id, await container.InitiateAsync(cancellationToken: cts.Token));
        string etag = await container.CreatePart(new MemoryStream(Part1), 0, Part1.Length, 1).UploadAsync(cts.Token);
        container.RegisterPart(1, etag);
        Assert.Single(await container.ListPartsAsync(cts.Token));
        await container.FinalizeAsync(cts.Token);
        await Container(server, id).CancelAsync(cts.Token);

        HostileRequest[] requests = server.Snapshot().Skip(1).ToArray();
        Assert.Equal(new[] { "PUT", "GET", "POST", "DELETE" }, requests.Select(r => r.Method));
        foreach (HostileRequest request in requests)
        {
            Assert.Contains("uploadId=a%2Fb%2Bc%3Dd%26e%3Ff%23g%20%25", request.Target);
            Assert.Equal(id, request.Query("uploadId"));
            Assert.DoesNotContain("#", request.Target);
        }

        Assert.Equal("1", requests[0].Query("partNumber"));
        Assert.Equal(Part1, requests[0].Body);
        Assert.True(container.Finished);
    }

    [Fact]
    public async Task PartAnswered200WithoutETag_IsInvalidResponse_NamingETagAndPart()
    {
        await using var server = new HostileServer((r, c) => c.RespondAsync(200, Array.Empty<byte>(), ("x-goog-hash", $"crc32c={Responses.Crc32c(r.Body)}")));
        using var cts = Timeout();
        var part = Container(server, "upload-1").CreatePart(new MemoryStream(Part1), 0, Part1.Length, 1);
        var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => part.UploadAsync(cts.Token));
        Assert.Contains("etag", ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(Label, ex.Message);
        Assert.False(part.Finished);
    }

    [Theory]
    [InlineData("crc32c=AAAAAA==")]
    [InlineData("crc32c=AAAAAA==,md5=AAAAAAAAAAAAAAAAAAAAAA==")]
    public async Task PartWithAMismatchedGoogHash_IsDataCorruption(string hash)
    {
        await using var server = new HostileServer((r, c) => c.RespondAsync(200, Array.Empty<byte>(), ("ETag", "\"e1\""), ("x-goog-hash", hash)));
        using var cts = Timeout();
        var part = Container(server, "upload-1").CreatePart(new MemoryStream(Part1), 0, Part1.Length, 1);
        var ex = await Assert.ThrowsAsync<DataCorruptionException>(() => part.UploadAsync(cts.Token));
        Assert.Equal("AAAAAA==", ex.Expected);
        Assert.Equal(Responses.Crc32c(Part1), ex.Actual);
        Assert.Contains("part 1", ex.Message);
        Assert.False(part.Finished);
        Assert.Single(server.Snapshot()); // corruption is not retried blindly
    }

    [Theory]
    [InlineData(null)]
    [InlineData("md5=AAAAAAAAAAAAAAAAAAAAAA==")]
    [InlineData("crc32c")]
    public async Task PartWithoutAUsableCrc32cInGoogHash_IsInvalidResponse_NamingTheHeader(string? hash)
    {
        await using var server = new HostileServer((r, c) => hash == null
            ? c.RespondAsync(200, Array.Empty<byte>(), ("ETag", "\"e1\""))
            : c.RespondAsync(200, Array.Empty<byte>(), ("ETag", "\"e1\""), ("x-goog-hash", hash)));
        using var cts = Timeout();
        var part = Container(server, "upload-1").CreatePart(new MemoryStream(Part1), 0, Part1.Length, 1);
        var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => part.UploadAsync(cts.Token));
        Assert.Contains("x-goog-hash", ex.Message);
    }

    [Theory]
    [InlineData("<Error><Code>InternalError</Code><Message>We encountered an internal error. Please try again.</Message></Error>")]
    [InlineData("<?xml version='1.0' encoding='UTF-8'?><Error><Code>InternalError</Code><Message>retry</Message></Error>")]
    [InlineData("<Error xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Code>InternalError</Code><Message>retry</Message></Error>")]
    [InlineData("\n   \n   \n<?xml version='1.0' encoding='UTF-8'?><Error><Code>InternalError</Code><Message>slow</Message></Error>")] // keep-alive padding
    public async Task Complete200WithAnErrorBody_IsInvalidResponse_WithTheErrorCode(string body)
    {
        await using var server = new HostileServer((_, c) => c.RespondAsync(200, body, ("Content-Type", "application/xml")));
        var container = Container(server, "upload-1");
        container.RegisterPart(1, "\"e1\"");
        using var cts = Timeout();
        var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => container.FinalizeAsync(cts.Token));
        Assert.Contains("InternalError", ex.Message);
        Assert.Contains(Label, ex.Message);
        Assert.False(container.Finished);
    }

    [Theory]
    [InlineData("<html><body>Service Unavailable</body>")]
    [InlineData("<CompleteMultipartUploadResult><ETag>\"trunc")]
    public async Task Complete200WithAnUnreadableBody_IsInvalidResponse_NotMarkedFinished(string body)
    {
        await using var server = new HostileServer((_, c) => c.RespondAsync(200, body, ("Content-Type", "application/xml")));
        var container = Container(server, "upload-1");
        container.RegisterPart(1, "\"e1\"");
        using var cts = Timeout();
        var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => container.FinalizeAsync(cts.Token));
        Assert.Contains(Label, ex.Message);
        Assert.False(container.Finished);
    }

    [Fact]
    public async Task Complete200WithPaddedResult_IsAccepted()
    {
        await using var server = new HostileServer((_, c) => c.RespondAsync(200, "\n  \n" + CompleteXml, ("Content-Type", "application/xml")));
        var container = Container(server, "upload-1");
        container.RegisterPart(1, "\"e1\"");
        using var cts = Timeout();
        await container.FinalizeAsync(cts.Token);
        Assert.True(container.Finished);
        Assert.Equal("\"final\"", container.ETag);
    }
}
