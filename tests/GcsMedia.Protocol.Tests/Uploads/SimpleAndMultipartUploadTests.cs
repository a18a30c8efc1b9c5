using System.Net;
using System.Net.Http;
using System.Text;
using System.Text.RegularExpressions;
using GcsMedia.Protocol.Tests.TestSupport;
using Xunit;
using static GcsMedia.Protocol.Tests.Uploads.UploadTestSupport;

namespace GcsMedia.Protocol.Tests.Uploads;

public class UploadBaseTests
{
    private const string MediaUrl = "https://storage.test/upload/storage/v1/b/my-bucket/o?uploadType=media&name=hi.txt";

    [Fact]
    public void Constructor_Defaults_NotFinished_NoObject_NameFromUrl()
    {
        var upload = new SimpleUpload(new FakeHttpHandler().CreateClient(), MediaUrl);
        Assert.False(upload.Finished);
        Assert.Null(upload.ObjectResource);
        Assert.Equal(MediaUrl, upload.UploadUrl);
        Assert.Empty(upload.Headers);
        Assert.Equal("gs://my-bucket/hi.txt", upload.ObjectName);
        Assert.False(upload.HasGenerationPrecondition);
    }

    [Fact]
    public void Constructor_ExplicitHeaders_AreCopied()
    {
        var headers = new Dictionary<string, string> { ["x-goog-user-project"] = "p" };
        var upload = new SimpleUpload(new FakeHttpHandler().CreateClient(), MediaUrl, headers);
        headers["other"] = "1";
        Assert.Equal("p", upload.Headers["x-goog-user-project"]);
        Assert.False(upload.Headers.ContainsKey("other"));
    }

    [Fact]
    public void Finished_IsReadOnly()
    {
        Assert.False(typeof(UploadBase).GetProperty(nameof(UploadBase.Finished))!.SetMethod!.IsPublic);
        Assert.False(typeof(ResumableUpload).GetProperty(nameof(ResumableUpload.BytesUploaded))!.SetMethod!.IsPublic);
        Assert.False(typeof(ResumableUpload).GetProperty(nameof(ResumableUpload.TotalBytes))!.SetMethod!.IsPublic);
        Assert.False(typeof(ResumableUpload).GetProperty(nameof(ResumableUpload.Invalid))!.SetMethod!.IsPublic);
        Assert.False(typeof(ResumableUpload).GetProperty(nameof(ResumableUpload.ResumableUrl))!.SetMethod!.IsPublic);
    }

    [Fact]
    public async Task ProcessResponse_503_Throws_AndStillSetsFinished()
    {
        var upload = new SimpleUpload(new FakeHttpHandler().CreateClient(), MediaUrl);
        var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => upload.ProcessResponseAsync(Response(503, "{\"error\": {\"message\": \"try later\"}}")));
        Assert.True(upload.Finished);
        Assert.Equal(503, ex.StatusCode);
        Assert.Equal(new[] { 200 }, ex.ExpectedStatusCodes);
        Assert.Contains("gs://my-bucket/hi.txt", ex.Message);
        Assert.Contains("try later", ex.Message);
    }

    [Fact]
    public async Task ProcessResponse_200_SetsFinished_AndParsesObject()
    {
        var upload = new SimpleUpload(new FakeHttpHandler().CreateClient(), MediaUrl);
        await upload.ProcessResponseAsync(Response(200, ObjectJson("hi.txt", 2, crc32c: "ihY6wA==")));
        Assert.True(upload.Finished);
        Assert.Equal("hi.txt", upload.ObjectResource!.Name);
        Assert.Equal(2, upload.ObjectResource.Size);
        Assert.Equal("ihY6wA==", upload.ObjectResource.Crc32c);
    }

    [Fact]
    public void ObjectResource_ParsesStringNumbers_Dates_Metadata()
    {
        var resource = ObjectResource.Parse(
            "{\"name\":\"a/b.txt\",\"bucket\":\"bk\",\"generation\":\"1700000000000001\",\"metageneration\":\"3\",\"size\":\"12\"," +
            "\"contentType\":\"text/plain\",\"contentEncoding\":\"gzip\",\"md5Hash\":\"m\",\"crc32c\":\"c\",\"etag\":\"e\"," +
            "\"timeCreated\":\"2024-01-02T03:04:05.678Z\",\"updated\":\"2024-01-02T03:04:06Z\",\"metadata\":{\"k\":\"v\"}}");
        Assert.Equal("gs://bk/a/b.txt", resource.Uri);
        Assert.Equal(1700000000000001, resource.Generation);
        Assert.Equal(3, resource.Metageneration);
        Assert.Equal(12, resource.Size);
        Assert.Equal("gzip", resource.ContentEncoding);
        Assert.Equal("m", resource.GetChecksum(ChecksumType.Md5));
        Assert.Equal("c", resource.GetChecksum(ChecksumType.Crc32c));
        Assert.Equal("v", resource.Metadata["k"]);
        Assert.Equal(new DateTimeOffset(2024, 1, 2, 3, 4, 5, 678, TimeSpan.Zero), resource.TimeCreated);
        Assert.False(ObjectResource.TryParse("<xml/>", out _));
    }
}

public class SimpleUploadTests
{
    private const string MediaUrl = "https://storage.test/upload/storage/v1/b/my-bucket/o?uploadType=media&name=hi.txt";

    [Fact]
    public async Task Transmit_Finished_Throws_AnUploadCanOnlyBeUsedOnce()
    {
        var handler = new FakeHttpHandler().Respond(HttpStatusCode.OK, ObjectJson("hi.txt", 2));
        var upload = new SimpleUpload(handler.CreateClient(), MediaUrl);
        await upload.TransmitAsync(Bytes("Hi"), "text/plain");
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => upload.TransmitAsync(Bytes("Hi"), "text/plain"));
        Assert.Equal("An upload can only be used once.", ex.Message);
        Assert.Throws<InvalidOperationException>(() => upload.BuildRequest(Bytes("Hi"), "text/plain"));
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task Transmit_NullData_Throws()
    {
        var upload = new SimpleUpload(new FakeHttpHandler().CreateClient(), MediaUrl);
        await Assert.ThrowsAsync<ArgumentNullException>(() => upload.TransmitAsync((Stream)null!, "text/plain"));
        Assert.Throws<ArgumentNullException>(() => upload.BuildRequest((byte[])null!, "text/plain"));
    }

    [Fact]
    public async Task BuildRequest_IsPost_WithContentTypeOnly_AndTheData()
    {
        var upload = new SimpleUpload(new FakeHttpHandler().CreateClient(), MediaUrl);
        using HttpRequestMessage request = upload.BuildRequest(Bytes("Hi"), "text/plain");
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal(MediaUrl, request.RequestUri!.AbsoluteUri);
        Assert.Equal("text/plain", request.Content!.Headers.ContentType!.ToString());
        Assert.Empty(request.Headers);
        Assert.Equal(Bytes("Hi"), await request.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Transmit_WithHeaders_SendsUserHeaders_CallerDictionaryUnchanged_UnlikePython()
    {
        var handler = new FakeHttpHandler().Respond(HttpStatusCode.OK, ObjectJson("hi.txt", 2));
        var headers = new Dictionary<string, string> { ["x-goog-user-project"] = "proj", ["x-goog-encryption-algorithm"] = "AES256" };
        var upload = new SimpleUpload(handler.CreateClient(), MediaUrl, headers);
        await upload.TransmitAsync(Bytes("Hi"), "text/plain");
        Assert.Equal(
            new Dictionary<string, string> { ["content-type"] = "text/plain", ["x-goog-user-project"] = "proj", ["x-goog-encryption-algorithm"] = "AES256" },
            SentHeaders(handler.Requests[0]));
        Assert.Equal(2, headers.Count);
    }

    [Fact]
    public async Task Transmit_SendsExactRequest_AndReturnsObject()
    {
        var handler = new FakeHttpHandler().Respond(HttpStatusCode.OK, ObjectJson("hi.txt", 2));
        var upload = SimpleUpload.ForObject(handler.CreateClient(), Urls, new GcsObjectRef(Bucket, "hi.txt"));
        ObjectResource? resource = await upload.TransmitAsync(Bytes("Hi"), "text/plain");
        RecordedRequest sent = Assert.Single(handler.Requests);
        Assert.Equal(HttpMethod.Post, sent.Method);
        Assert.Equal("https://storage.test/upload/storage/v1/b/my-bucket/o?uploadType=media&name=hi.txt", sent.Uri.AbsoluteUri);
        Assert.Equal(Bytes("Hi"), sent.Body);
        Assert.Equal("2", sent.Header("Content-Length"));
        Assert.Equal("hi.txt", resource!.Name);
        Assert.True(upload.Finished);
    }

    [Fact]
    public async Task Transmit_Stream_SendsFromCurrentPosition_AndLeavesStreamOpen()
    {
        var handler = new FakeHttpHandler().Respond(HttpStatusCode.OK, ObjectJson("hi.txt", 3));
        var stream = new MemoryStream(Bytes("xx abc"));
        stream.Position = 3;
        await new SimpleUpload(handler.CreateClient(), MediaUrl).TransmitAsync(stream, "text/plain");
        Assert.Equal(Bytes("abc"), handler.Requests[0].Body);
        Assert.True(stream.CanRead);
    }

    [Fact]
    public async Task Transmit_503_WithoutPrecondition_IsNotRetried()
    {
        var handler = new FakeHttpHandler().Respond(HttpStatusCode.ServiceUnavailable).Respond(HttpStatusCode.OK, ObjectJson("hi.txt", 2));
        var upload = new SimpleUpload(handler.CreateClient(), MediaUrl, retryStrategy: NoSleep());
        var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => upload.TransmitAsync(Bytes("Hi"), "text/plain"));
        Assert.Equal(503, ex.StatusCode);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task Transmit_ConnectionReset_WithoutPrecondition_IsNotRetried()
    {
        var handler = new FakeHttpHandler().Throw(new HttpRequestException("reset")).Respond(HttpStatusCode.OK, ObjectJson("hi.txt", 2));
        var upload = new SimpleUpload(handler.CreateClient(), MediaUrl, retryStrategy: NoSleep());
        await Assert.ThrowsAsync<HttpRequestException>(() => upload.TransmitAsync(Bytes("Hi"), "text/plain"));
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task Transmit_503ThenReset_WithIfGenerationMatch_IsRetried_WithTheSameBody()
    {
        var waits = new List<TimeSpan>();
        var handler = new FakeHttpHandler()
            .Respond(HttpStatusCode.ServiceUnavailable)
            .Throw(new HttpRequestException("reset"))
            .Respond(HttpStatusCode.OK, ObjectJson("hi.txt", 2));
        var upload = SimpleUpload.ForObject(handler.CreateClient(), Urls, new GcsObjectRef(Bucket, "hi.txt"), ifGenerationMatch: 0, retryStrategy: NoSleep(waits));
        Assert.True(upload.HasGenerationPrecondition);
        await upload.TransmitAsync(new MemoryStream(Bytes("Hi")), "text/plain");
        Assert.Equal(3, handler.Requests.Count);
        Assert.All(handler.Requests, r => Assert.Equal(Bytes("Hi"), r.Body));
        Assert.Contains("ifGenerationMatch=0", handler.Requests[2].Uri.Query);
        Assert.Equal(new[] { TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2) }, waits);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(403)]
    [InlineData(404)]
    [InlineData(412)]
    public async Task Transmit_NonRetryableStatus_WithPrecondition_IsNeverRetried(int status)
    {
        var handler = new FakeHttpHandler().Respond((HttpStatusCode)status).Respond(HttpStatusCode.OK, ObjectJson("hi.txt", 2));
        var upload = SimpleUpload.ForObject(handler.CreateClient(), Urls, new GcsObjectRef(Bucket, "hi.txt"), ifGenerationMatch: 5, retryStrategy: NoSleep());
        var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => upload.TransmitAsync(Bytes("Hi"), "text/plain"));
        Assert.Equal(status, ex.StatusCode);
        Assert.Single(handler.Requests);
    }
}

public class MultipartUploadTests
{
    private static MultipartUpload NewUpload(FakeHttpHandler handler, ChecksumType checksum = ChecksumType.None, IDictionary<string, string>? headers = null)
        => new(handler.CreateClient(), MultipartUrl, checksum, headers, NoSleep()) { BoundaryFactory = () => "==3==" };

    private static string ExpectedBody(string json, string data, string contentType = "text/plain")
        => "--==3==\r\ncontent-type: application/json; charset=UTF-8\r\n\r\n" + json + "\r\n" +
           "--==3==\r\ncontent-type: " + contentType + "\r\n\r\n" + data + "\r\n--==3==--";

    [Fact]
    public void Constructor_Defaults_Crc32c_UnlikePythonNone()
    {
        var upload = new MultipartUpload(new FakeHttpHandler().CreateClient(), MultipartUrl);
        Assert.Equal(ChecksumType.Crc32c, upload.ChecksumType);
        Assert.False(upload.Finished);
        Assert.Equal("gs://my-bucket", upload.ObjectName);
    }

    [Fact]
    public void Constructor_Explicit()
    {
        var upload = new MultipartUpload(new FakeHttpHandler().CreateClient(), MultipartUrl, ChecksumType.Md5, H(("h", "v")));
        Assert.Equal(ChecksumType.Md5, upload.ChecksumType);
        Assert.Equal("v", upload.Headers["h"]);
    }

    [Fact]
    public async Task Transmit_Finished_Throws_AnUploadCanOnlyBeUsedOnce()
    {
        var handler = new FakeHttpHandler().Respond(HttpStatusCode.OK, ObjectJson("hi.txt", 2));
        var upload = NewUpload(handler);
        await upload.TransmitAsync(Bytes("Hi"), null, "text/plain");
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => upload.TransmitAsync(Bytes("Hi"), null, "text/plain"));
        Assert.Equal("An upload can only be used once.", ex.Message);
    }

    [Fact]
    public async Task Transmit_NullData_Throws()
        => await Assert.ThrowsAsync<ArgumentNullException>(() => NewUpload(new FakeHttpHandler()).TransmitAsync((byte[])null!, null, "text/plain"));

    [Fact]
    public async Task BuildRequest_ByteExactBody_WithBoundary3_AndContentType()
    {
        var upload = NewUpload(new FakeHttpHandler());
        using HttpRequestMessage request = await upload.BuildRequestAsync(new MemoryStream(Bytes("Hi")), new Dictionary<string, object?> { ["Some"] = "Stuff" }, "text/plain");
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal(MultipartUrl, request.RequestUri!.AbsoluteUri);
        Assert.Equal("multipart/related; boundary=\"==3==\"", string.Join(",", request.Content!.Headers.GetValues("Content-Type")));
        Assert.Equal(ExpectedBody("{\"Some\": \"Stuff\"}", "Hi"), Encoding.UTF8.GetString(await request.Content.ReadAsByteArrayAsync()));
        Assert.Equal(request.Content.Headers.ContentLength, (await request.Content.ReadAsByteArrayAsync()).Length);
    }

    [Fact]
    public async Task Transmit_WithHeaders_SendsUserHeadersAndMultipartType()
    {
        var handler = new FakeHttpHandler().Respond(HttpStatusCode.OK, ObjectJson("hi.txt", 2));
        await NewUpload(handler, headers: H(("x-goog-user-project", "proj"))).TransmitAsync(Bytes("Hi"), new Dictionary<string, object?> { ["Some"] = "Stuff" }, "text/plain");
        Assert.Equal(
            new Dictionary<string, string> { ["content-type"] = "multipart/related; boundary=\"==3==\"", ["x-goog-user-project"] = "proj" },
            SentHeaders(handler.Requests[0]));
        Assert.Equal(ExpectedBody("{\"Some\": \"Stuff\"}", "Hi"), Encoding.UTF8.GetString(handler.Requests[0].Body));
    }

    [Theory]
    [InlineData(ChecksumType.Md5, "md5Hash", "waUpj5Oeh+j5YqXt/CBpGA==")]
    [InlineData(ChecksumType.Crc32c, "crc32c", "ihY6wA==")]
    public async Task BuildRequest_WithChecksum_PutsItInTheMetadata(ChecksumType type, string key, string value)
    {
        var upload = NewUpload(new FakeHttpHandler(), type);
        using HttpRequestMessage request = await upload.BuildRequestAsync(new MemoryStream(Bytes("Hi")), new Dictionary<string, object?> { ["Some"] = "Stuff" }, "text/plain");
        Assert.Equal(ExpectedBody($"{{\"Some\": \"Stuff\", \"{key}\": \"{value}\"}}", "Hi"), Encoding.UTF8.GetString(await request.Content!.ReadAsByteArrayAsync()));
        Assert.Equal(value, upload.ChecksumValue);
    }

    [Theory]
    [InlineData(ChecksumType.Md5, "md5Hash", "waUpj5Oeh+j5YqXt/CBpGA==")]
    [InlineData(ChecksumType.Crc32c, "crc32c", "ihY6wA==")]
    public async Task BuildRequest_ChecksumOverwritesUserValue_InPlace_CallerMetadataUnchanged(ChecksumType type, string key, string value)
    {
        var metadata = new Dictionary<string, object?> { ["Some"] = "Stuff", [key] = "ZZZ", ["After"] = 1 };
        using HttpRequestMessage request = await NewUpload(new FakeHttpHandler(), type).BuildRequestAsync(new MemoryStream(Bytes("Hi")), metadata, "text/plain");
        Assert.Equal(
            ExpectedBody($"{{\"Some\": \"Stuff\", \"{key}\": \"{value}\", \"After\": 1}}", "Hi"),
            Encoding.UTF8.GetString(await request.Content!.ReadAsByteArrayAsync()));
        Assert.Equal("ZZZ", metadata[key]);
    }

    [Fact]
    public async Task BuildRequest_ChecksumWithNonSeekableStream_IsRejected()
        => await Assert.ThrowsAsync<NotSupportedException>(() => NewUpload(new FakeHttpHandler(), ChecksumType.Crc32c).BuildRequestAsync(new NonSeekableStream(Bytes("Hi")), null, "text/plain"));

    [Fact]
    public async Task Transmit_NonSeekableStream_NoChecksum_StreamsTheData()
    {
        var handler = new FakeHttpHandler().Respond(HttpStatusCode.OK, ObjectJson("big.bin", 5000));
        byte[] data = RandomBytes(5000);
        await NewUpload(handler).TransmitAsync(new NonSeekableStream(data), new Dictionary<string, object?> { ["name"] = "big.bin" }, "application/octet-stream");
        byte[] prefix = Bytes("--==3==\r\ncontent-type: application/json; charset=UTF-8\r\n\r\n{\"name\": \"big.bin\"}\r\n--==3==\r\ncontent-type: application/octet-stream\r\n\r\n");
        byte[] expected = prefix.Concat(data).Concat(Bytes("\r\n--==3==--")).ToArray();
        Assert.Equal(expected, handler.Requests[0].Body);
    }

    [Fact]
    public void GetBoundary_Format_15Equals_19Digits_2Equals()
    {
        string boundary = MultipartUpload.NewBoundary();
        Assert.Matches(new Regex("^={15}[0-9]{19}==$"), boundary);
        Assert.NotEqual(boundary, MultipartUpload.NewBoundary());
    }

    [Fact]
    public void ConstructMultipartRequest_Binary()
    {
        (byte[] prefix, byte[] suffix) = MultipartUpload.BuildFraming("==4==", UploadJson.Serialize(new Dictionary<string, object?> { ["name"] = "file.bin" }), "application/octet-stream");
        byte[] data = { 0, 0xFF, 0x10, 0x0D, 0x0A };
        byte[] body = prefix.Concat(data).Concat(suffix).ToArray();
        byte[] expected = Bytes("--==4==\r\ncontent-type: application/json; charset=UTF-8\r\n\r\n{\"name\": \"file.bin\"}\r\n--==4==\r\ncontent-type: application/octet-stream\r\n\r\n")
            .Concat(data).Concat(Bytes("\r\n--==4==--")).ToArray();
        Assert.Equal(expected, body);
    }

    [Fact]
    public async Task ConstructMultipartRequest_Unicode_MetadataEscaped_DataUtf8()
    {
        var upload = NewUpload(new FakeHttpHandler());
        byte[] snowman = Bytes("\u2603");
        using HttpRequestMessage request = await upload.BuildRequestAsync(new MemoryStream(snowman), new Dictionary<string, object?> { ["name"] = "\u2603.txt" }, "text/plain");
        byte[] expected = Bytes("--==3==\r\ncontent-type: application/json; charset=UTF-8\r\n\r\n{\"name\": \"\\u2603.txt\"}\r\n--==3==\r\ncontent-type: text/plain\r\n\r\n")
            .Concat(new byte[] { 0xE2, 0x98, 0x83 }).Concat(Bytes("\r\n--==3==--")).ToArray();
        Assert.Equal(expected, await request.Content!.ReadAsByteArrayAsync());
        Assert.Equal("gs://my-bucket/\u2603.txt", upload.ObjectName);
    }

    [Fact]
    public async Task Transmit_503_WithoutPrecondition_IsNotRetried()
    {
        var handler = new FakeHttpHandler().Respond(HttpStatusCode.ServiceUnavailable).Respond(HttpStatusCode.OK, ObjectJson("hi.txt", 2));
        await Assert.ThrowsAsync<InvalidResponseException>(() => NewUpload(handler).TransmitAsync(Bytes("Hi"), new Dictionary<string, object?> { ["name"] = "hi.txt" }, "text/plain"));
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task Transmit_503_WithIfGenerationMatch_IsRetried_SameBytes()
    {
        var handler = new FakeHttpHandler().Respond(HttpStatusCode.ServiceUnavailable).Respond(HttpStatusCode.OK, ObjectJson("hi.txt", 2));
        var upload = MultipartUpload.ForBucket(handler.CreateClient(), Urls, Bucket, ifGenerationMatch: 0, retryStrategy: NoSleep());
        upload.BoundaryFactory = () => "==3==";
        await upload.TransmitAsync(Bytes("Hi"), new Dictionary<string, object?> { ["name"] = "hi.txt" }, "text/plain");
        Assert.Equal(2, handler.Requests.Count);
        Assert.Equal(handler.Requests[0].Body, handler.Requests[1].Body);
        Assert.Equal(ExpectedBody("{\"name\": \"hi.txt\", \"crc32c\": \"ihY6wA==\"}", "Hi"), Encoding.UTF8.GetString(handler.Requests[1].Body));
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    public async Task Transmit_400Or401_WithPrecondition_IsNeverRetried(int status)
    {
        var handler = new FakeHttpHandler().Respond((HttpStatusCode)status, "{\"error\": {\"message\": \"Provided CRC32C \\\"AAAAAA==\\\" doesn't match calculated CRC32C\"}}");
        var upload = MultipartUpload.ForBucket(handler.CreateClient(), Urls, Bucket, ifGenerationMatch: 0, retryStrategy: NoSleep());
        var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => upload.TransmitAsync(Bytes("Hi"), new Dictionary<string, object?> { ["name"] = "hi.txt" }, "text/plain"));
        Assert.Single(handler.Requests);
        Assert.Contains("gs://my-bucket/hi.txt", ex.Message);
        Assert.True(upload.Finished);
    }
}

public class UploadJsonTests
{
    [Fact]
    public void Serialize_UsesPythonSeparators_AndKeepsOrder()
        => Assert.Equal(
            "{\"b\": 1, \"a\": [true, false, null], \"c\": {\"d\": \"e\"}, \"f\": 1.5, \"g\": 2.0}",
            UploadJson.Serialize(new Dictionary<string, object?> { ["b"] = 1, ["a"] = new object?[] { true, false, null }, ["c"] = new Dictionary<string, string> { ["d"] = "e" }, ["f"] = 1.5, ["g"] = 2.0 }));

    [Fact]
    public void Serialize_EnsureAscii_EscapesNonAsciiAndControls_LikePython()
        => Assert.Equal(
            "\"\\u2603 \\ud83d\\ude00 \\u00e9 \\\"q\\\" \\\\ / < \\n\\t\\u0001\\u007f\"",
            UploadJson.Serialize("\u2603 \U0001F600 \u00e9 \"q\" \\ / < \n\t\u0001\u007f"));

    [Fact]
    public void Serialize_Empty() => Assert.Equal("{}", UploadJson.Serialize(new Dictionary<string, object?>()));
}
