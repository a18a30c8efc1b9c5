using System.Net;
using System.Net.Http;
using System.Text;
using GcsMedia.Protocol.Tests.TestSupport;
using Xunit;
using static GcsMedia.Protocol.Tests.Uploads.UploadTestSupport;

namespace GcsMedia.Protocol.Tests.Uploads;

public sealed class XmlMpuTests : IDisposable
{
    private const string ObjectUrl = "https://storage.test/my-bucket/dir/big%20file.bin";
    private const string UploadId = "ABPnzm5+Q/x==";
    private const string EncodedId = "ABPnzm5%2BQ%2Fx%3D%3D";
    private const string InitiateXml =
        "<?xml version='1.0' encoding='UTF-8'?><InitiateMultipartUploadResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">" +
        "<Bucket>my-bucket</Bucket><Key>dir/big file.bin</Key><UploadId>" + UploadId + "</UploadId></InitiateMultipartUploadResult>";

    private static readonly byte[] TestData = Bytes(string.Concat(Enumerable.Repeat("testdata", 128)));
    private readonly string _file = Path.Combine(Path.GetTempPath(), "gcsmedia-mpu-" + Guid.NewGuid().ToString("N"));

    public XmlMpuTests() => File.WriteAllBytes(_file, TestData);

    public void Dispose() => File.Delete(_file);

    private static XmlMpuContainer Container(FakeHttpHandler handler, string? uploadId = null, IDictionary<string, string>? headers = null)
        => new(handler.CreateClient(), Urls, new GcsObjectRef(Bucket, "dir/big file.bin"), "application/octet-stream", headers, uploadId, NoSleep());

    private XmlMpuPart Part(FakeHttpHandler handler, ChecksumType checksum, long start = 0, long end = 256, int number = 1)
        => new(handler.CreateClient(), ObjectUrl, UploadId, _file, start, end, number, checksum, retryStrategy: NoSleep());

    [Fact]
    public void Container_ConstructorAndProperties()
    {
        var container = Container(new FakeHttpHandler());
        Assert.Equal(ObjectUrl, container.UploadUrl);
        Assert.Equal("gs://my-bucket/dir/big file.bin", container.ObjectName);
        Assert.Equal("application/octet-stream", container.ContentType);
        Assert.Null(container.UploadId);
        Assert.Empty(container.Parts);
        Assert.False(container.Finished);
        Assert.Equal(UploadId, Container(new FakeHttpHandler(), UploadId).UploadId);
        Assert.Equal("gs://bkt/a/b", new XmlMpuContainer(new FakeHttpHandler().CreateClient(), "https://bkt.storage.googleapis.com/a/b").ObjectName);
    }

    [Fact]
    public async Task Initiate_PostsUploads_WithContentTypeAndMetadata_ParsesUploadId()
    {
        var handler = new FakeHttpHandler().Respond(HttpStatusCode.OK, InitiateXml);
        var container = Container(handler, headers: H(("x-goog-user-project", "p")));
        string id = await container.InitiateAsync(new Dictionary<string, string> { ["color"] = "blue" });
        RecordedRequest sent = Assert.Single(handler.Requests);
        Assert.Equal(HttpMethod.Post, sent.Method);
        Assert.Equal(ObjectUrl + "?uploads", sent.Uri.AbsoluteUri);
        Assert.Equal(
            new Dictionary<string, string> { ["content-type"] = "application/octet-stream", ["x-goog-meta-color"] = "blue", ["x-goog-user-project"] = "p" },
            SentHeaders(sent));
        Assert.Equal(UploadId, id);
        Assert.Equal(UploadId, container.UploadId);
    }

    [Fact]
    public async Task Initiate_Twice_Throws_BeforeAnyRequest()
    {
        var handler = new FakeHttpHandler().Respond(HttpStatusCode.OK, InitiateXml);
        var container = Container(handler);
        await container.InitiateAsync();
        await Assert.ThrowsAsync<InvalidOperationException>(() => container.InitiateAsync());
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task Initiate_ResponseWithoutUploadId_IsInvalidResponse()
    {
        var container = Container(new FakeHttpHandler().Respond(HttpStatusCode.OK, "<InitiateMultipartUploadResult/>"));
        Assert.Contains("gs://my-bucket/dir/big file.bin", (await Assert.ThrowsAsync<InvalidResponseException>(() => container.InitiateAsync())).Message);
    }

    [Fact]
    public async Task Finalize_PostsUrlEncodedUploadId_UnlikePython_PartsAscending_ParsesETag()
    {
        var handler = new FakeHttpHandler().Respond(HttpStatusCode.OK,
            "<CompleteMultipartUploadResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Location>x</Location><Bucket>my-bucket</Bucket><Key>k</Key><ETag>\"final-etag\"</ETag></CompleteMultipartUploadResult>");
        var container = Container(handler, UploadId);
        container.RegisterPart(2, "\"etag-2\"");
        container.RegisterPart(1, "\"etag-1\"");
        await container.FinalizeAsync();
        RecordedRequest sent = handler.Requests[0];
        Assert.Equal(HttpMethod.Post, sent.Method);
        Assert.Equal(ObjectUrl + "?uploadId=" + EncodedId, sent.Uri.AbsoluteUri);
        Assert.Equal(
            "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>\"etag-1\"</ETag></Part><Part><PartNumber>2</PartNumber><ETag>\"etag-2\"</ETag></Part></CompleteMultipartUpload>",
            Encoding.UTF8.GetString(sent.Body));
        Assert.Equal("application/octet-stream", sent.Header("content-type"));
        Assert.True(container.Finished);
        Assert.Equal("\"final-etag\"", container.ETag);
    }

    [Fact]
    public async Task Finalize_BeforeInitiate_OrWithoutParts_Throws_WithoutRequest()
    {
        var handler = new FakeHttpHandler();
        await Assert.ThrowsAsync<InvalidOperationException>(() => Container(handler).FinalizeAsync());
        await Assert.ThrowsAsync<InvalidOperationException>(() => Container(handler, UploadId).FinalizeAsync());
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task Finalize_200WithErrorDocument_IsInvalidResponse()
    {
        var container = Container(new FakeHttpHandler().Respond(HttpStatusCode.OK, "<Error><Code>InvalidPart</Code><Message>bad part</Message></Error>"), UploadId);
        container.RegisterPart(1, "\"e\"");
        Assert.Contains("InvalidPart", (await Assert.ThrowsAsync<InvalidResponseException>(() => container.FinalizeAsync())).Message);
        Assert.False(container.Finished);
    }

    [Fact]
    public void RegisterPart_ValidatesNumberAndETag_ReplacesEarlierETag()
    {
        var container = Container(new FakeHttpHandler(), UploadId);
        Assert.Throws<ArgumentOutOfRangeException>(() => container.RegisterPart(0, "\"e\""));
        Assert.Throws<ArgumentOutOfRangeException>(() => container.RegisterPart(10001, "\"e\""));
        Assert.Throws<ArgumentException>(() => container.RegisterPart(1, ""));
        container.RegisterPart(10000, "\"a\"");
        container.RegisterPart(10000, "\"b\"");
        Assert.Equal("\"b\"", container.Parts[10000]);
    }

    [Fact]
    public async Task Cancel_Deletes_Expects204()
    {
        var handler = new FakeHttpHandler().Respond(HttpStatusCode.NoContent);
        await Container(handler, UploadId).CancelAsync();
        Assert.Equal(HttpMethod.Delete, handler.Requests[0].Method);
        Assert.Equal(ObjectUrl + "?uploadId=" + EncodedId, handler.Requests[0].Uri.AbsoluteUri);

        var notFound = Container(new FakeHttpHandler().Respond(HttpStatusCode.NotFound, "<Error><Code>NoSuchUpload</Code><Message>gone</Message></Error>"), UploadId);
        var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => notFound.CancelAsync());
        Assert.Equal(404, ex.StatusCode);
        Assert.Contains("gone", ex.Message);
    }

    [Fact]
    public async Task ListParts_ParsesAllPages()
    {
        var handler = new FakeHttpHandler()
            .Respond(HttpStatusCode.OK, "<ListPartsResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><IsTruncated>true</IsTruncated><NextPartNumberMarker>1</NextPartNumberMarker>" +
                "<Part><PartNumber>1</PartNumber><ETag>\"a\"</ETag><Size>5242880</Size><LastModified>2024-01-02T03:04:05.000Z</LastModified></Part></ListPartsResult>")
            .Respond(HttpStatusCode.OK, "<ListPartsResult><IsTruncated>false</IsTruncated><Part><PartNumber>2</PartNumber><ETag>\"b\"</ETag><Size>7</Size></Part></ListPartsResult>");
        IReadOnlyList<XmlMpuPartInfo> parts = await Container(handler, UploadId).ListPartsAsync();
        Assert.Equal(new[] { 1, 2 }, parts.Select(p => p.PartNumber));
        Assert.Equal(new long?[] { 5242880, 7 }, parts.Select(p => p.Size));
        Assert.Equal("\"a\"", parts[0].ETag);
        Assert.Equal(ObjectUrl + "?uploadId=" + EncodedId + "&part-number-marker=1", handler.Requests[1].Uri.AbsoluteUri);
    }

    [Fact]
    public async Task ListParts_WithPageSize_SendsMaxPartsOnEveryPage()
    {
        var handler = new FakeHttpHandler()
            .Respond(HttpStatusCode.OK, "<ListPartsResult><IsTruncated>true</IsTruncated><NextPartNumberMarker>4</NextPartNumberMarker><Part><PartNumber>4</PartNumber><ETag>\"a\"</ETag></Part></ListPartsResult>")
            .Respond(HttpStatusCode.OK, "<ListPartsResult><IsTruncated>false</IsTruncated><Part><PartNumber>9</PartNumber><ETag>\"b\"</ETag></Part></ListPartsResult>");
        IReadOnlyList<XmlMpuPartInfo> parts = await Container(handler, UploadId).ListPartsAsync(1);
        Assert.Equal(new[] { 4, 9 }, parts.Select(p => p.PartNumber));
        Assert.Equal(ObjectUrl + "?uploadId=" + EncodedId + "&max-parts=1", handler.Requests[0].Uri.AbsoluteUri);
        Assert.Equal(ObjectUrl + "?uploadId=" + EncodedId + "&max-parts=1&part-number-marker=4", handler.Requests[1].Uri.AbsoluteUri);
    }

    [Fact]
    public async Task ListParts_ReportsEachRetryThroughRetrying()
    {
        var handler = new FakeHttpHandler()
            .Respond(HttpStatusCode.ServiceUnavailable, "busy")
            .Respond(HttpStatusCode.OK, "<ListPartsResult><IsTruncated>false</IsTruncated><Part><PartNumber>1</PartNumber><ETag>\"a\"</ETag></Part></ListPartsResult>");
        var events = new List<RetryEvent>();
        XmlMpuContainer container = Container(handler, UploadId);
        container.Retrying = events.Add;
        Assert.Single(await container.ListPartsAsync());
        Assert.Single(events);
    }

    [Theory]
    [InlineData("<NextPartNumberMarker>1</NextPartNumberMarker>")]
    [InlineData("")]
    public async Task ListParts_TruncatedPageThatDoesNotAdvance_IsAnErrorNotAShortList(string markerElement)
    {
        var handler = new FakeHttpHandler()
            .Respond(HttpStatusCode.OK, "<ListPartsResult><IsTruncated>true</IsTruncated><NextPartNumberMarker>1</NextPartNumberMarker><Part><PartNumber>1</PartNumber><ETag>\"a\"</ETag></Part></ListPartsResult>")
            .Respond(HttpStatusCode.OK, $"<ListPartsResult><IsTruncated>true</IsTruncated>{markerElement}<Part><PartNumber>1</PartNumber><ETag>\"a\"</ETag></Part></ListPartsResult>");
        var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => Container(handler, UploadId).ListPartsAsync());
        Assert.Contains("NextPartNumberMarker", ex.Message);
        Assert.Equal(2, handler.Requests.Count);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1001)]
    public async Task ListParts_PageSizeOutOfRange_IsRefusedBeforeAnyRequest(int pageSize)
    {
        var handler = new FakeHttpHandler();
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Container(handler, UploadId).ListPartsAsync(pageSize));
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task ListUploads_ParsesKeysAndIds()
    {
        var handler = new FakeHttpHandler().Respond(HttpStatusCode.OK,
            "<ListMultipartUploadsResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Bucket>my-bucket</Bucket><IsTruncated>false</IsTruncated>" +
            "<Upload><Key>a.bin</Key><UploadId>id1</UploadId><Initiated>2024-01-02T03:04:05.000Z</Initiated></Upload><Upload><Key>b/c.bin</Key><UploadId>id2</UploadId></Upload></ListMultipartUploadsResult>");
        IReadOnlyList<XmlMpuUploadInfo> uploads = await XmlMpuContainer.ListUploadsAsync(handler.CreateClient(), Urls, Bucket, prefix: "a");
        Assert.Equal("https://storage.test/my-bucket?uploads&prefix=a", handler.Requests[0].Uri.AbsoluteUri);
        Assert.Equal(new[] { "gs://my-bucket/a.bin", "gs://my-bucket/b/c.bin" }, uploads.Select(u => u.ObjectName));
        Assert.Equal(new[] { "id1", "id2" }, uploads.Select(u => u.UploadId));
        Assert.Equal(new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero), uploads[0].Initiated);
    }

    [Fact]
    public void ToJson_FromJson_RoundTrip_CarriesStateButNoHeaders()
    {
        var handler = new FakeHttpHandler();
        var container = Container(handler, UploadId, H(("Authorization", "Bearer SECRET-TOKEN"), ("x-goog-encryption-key", "SECRET-KEY")));
        container.RegisterPart(3, "\"c\"");
        container.RegisterPart(1, "\"a\"");
        string json = container.ToJson();
        Assert.DoesNotContain("SECRET", json);
        XmlMpuContainer copy = XmlMpuContainer.FromJson(json, handler.CreateClient());
        Assert.Equal(container.UploadUrl, copy.UploadUrl);
        Assert.Equal(UploadId, copy.UploadId);
        Assert.Equal("application/octet-stream", copy.ContentType);
        Assert.Equal("gs://my-bucket/dir/big file.bin", copy.ObjectName);
        Assert.Equal(new[] { 1, 3 }, copy.Parts.Keys);
        Assert.Equal("\"c\"", copy.Parts[3]);
        Assert.Empty(copy.Headers);
    }

    [Fact]
    public async Task Part_PutsRange0To256_WithPartNumberAndEncodedUploadId_CapturesETag()
    {
        var handler = new FakeHttpHandler().Respond(HttpStatusCode.OK, "", H(("ETag", "\"part-etag\""), ("x-goog-hash", "crc32c=" + Crc(TestData[..256]))));
        XmlMpuPart part = Part(handler, ChecksumType.Crc32c);
        string etag = await part.UploadAsync();
        RecordedRequest sent = handler.Requests[0];
        Assert.Equal(HttpMethod.Put, sent.Method);
        Assert.Equal(ObjectUrl + "?partNumber=1&uploadId=" + EncodedId, sent.Uri.AbsoluteUri);
        Assert.Equal(Bytes(string.Concat(Enumerable.Repeat("testdata", 32))), sent.Body);
        Assert.Equal("\"part-etag\"", etag);
        Assert.Equal("\"part-etag\"", part.ETag);
        Assert.True(part.Finished);
        Assert.Null(sent.Header("content-type"));
    }

    [Fact]
    public async Task Part_MiddleRange_SendsExactlyThoseBytes()
    {
        var handler = new FakeHttpHandler().Respond(HttpStatusCode.OK, "", H(("ETag", "\"e\"")));
        await Part(handler, ChecksumType.None, 100, 900, 2).UploadAsync();
        Assert.Equal(TestData[100..900], handler.Requests[0].Body);
        Assert.Contains("partNumber=2", handler.Requests[0].Uri.Query);
    }

    [Fact]
    public async Task Part_WithMd5_SendsXGoogHashRequestHeader()
    {
        var handler = new FakeHttpHandler().Respond(HttpStatusCode.OK, "", H(("ETag", "\"e\""), ("x-goog-hash", "crc32c=xxxx,md5=pOUFGnohRRFFd24NztFuFw==")));
        XmlMpuPart part = Part(handler, ChecksumType.Md5);
        await part.UploadAsync();
        Assert.Equal("md5=pOUFGnohRRFFd24NztFuFw==", handler.Requests[0].Header("x-goog-hash"));
        Assert.Equal("pOUFGnohRRFFd24NztFuFw==", part.ChecksumValue);
    }

    [Fact]
    public async Task Part_WithCrc32c_SendsXGoogHashRequestHeader()
    {
        string crc = Crc(TestData[..256]);
        var handler = new FakeHttpHandler().Respond(HttpStatusCode.OK, "", H(("ETag", "\"e\""), ("x-goog-hash", "crc32c=" + crc)));
        await Part(handler, ChecksumType.Crc32c).UploadAsync();
        Assert.Equal("crc32c=" + crc, handler.Requests[0].Header("x-goog-hash"));
    }

    [Fact]
    public async Task Part_WithMd5_ResponseWithoutXGoogHash_IsInvalidResponse()
    {
        var part = Part(new FakeHttpHandler().Respond(HttpStatusCode.OK, "", H(("ETag", "\"e\""))), ChecksumType.Md5);
        Assert.Contains("md5", (await Assert.ThrowsAsync<InvalidResponseException>(() => part.UploadAsync())).Message);
        Assert.False(part.Finished);
    }

    [Fact]
    public async Task Part_ChecksumFailure_IsDataCorruption()
    {
        var part = Part(new FakeHttpHandler().Respond(HttpStatusCode.OK, "", H(("ETag", "\"e\""), ("x-goog-hash", "md5=1B2M2Y8AsgTpgAmY7PhCfg=="))), ChecksumType.Md5);
        var ex = await Assert.ThrowsAsync<DataCorruptionException>(() => part.UploadAsync());
        Assert.Equal("1B2M2Y8AsgTpgAmY7PhCfg==", ex.Expected);
        Assert.Equal("pOUFGnohRRFFd24NztFuFw==", ex.Actual);
        Assert.Contains("part 1 of gs://my-bucket/dir/big file.bin", ex.Message);
        Assert.Equal("gs://my-bucket/dir/big file.bin", ex.ObjectName);
    }

    [Fact]
    public async Task Part_ChecksumSuccess()
    {
        var part = Part(new FakeHttpHandler().Respond(HttpStatusCode.OK, "", H(("ETag", "\"e\""), ("x-goog-hash", "md5=pOUFGnohRRFFd24NztFuFw=="))), ChecksumType.Md5);
        await part.UploadAsync();
        Assert.True(part.Finished);
    }

    [Theory]
    [InlineData("InvalidDigest")]
    [InlineData("BadDigest")]
    [InlineData("CrcMismatch")]
    public async Task Part_Xml400DigestError_IsDataCorruption(string code)
    {
        var part = Part(new FakeHttpHandler().Respond(HttpStatusCode.BadRequest, $"<?xml version='1.0' encoding='UTF-8'?><Error><Code>{code}</Code><Message>The digest did not match.</Message><Details>crc32c mismatch</Details></Error>"), ChecksumType.Crc32c);
        var ex = await Assert.ThrowsAsync<DataCorruptionException>(() => part.UploadAsync());
        Assert.Contains($"Error code: {code}", ex.Message);
        Assert.Contains("The digest did not match.", ex.Message);
        Assert.Contains("crc32c mismatch", ex.Message);
    }

    [Fact]
    public async Task Part_Xml400OtherError_IsInvalidResponse_NotRetried()
    {
        var handler = new FakeHttpHandler().Respond(HttpStatusCode.BadRequest, "<Error><Code>InvalidArgument</Code><Message>nope</Message></Error>");
        var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => Part(handler, ChecksumType.Crc32c).UploadAsync());
        Assert.Equal(400, ex.StatusCode);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task Part_TransientFailures_AreRetried_WithTheSameBytes()
    {
        string crc = Crc(TestData[..256]);
        var handler = new FakeHttpHandler()
            .Respond(HttpStatusCode.ServiceUnavailable)
            .Throw(new HttpRequestException("reset"))
            .Respond(HttpStatusCode.OK, "", H(("ETag", "\"e\""), ("x-goog-hash", "crc32c=" + crc)));
        await Part(handler, ChecksumType.Crc32c).UploadAsync();
        Assert.Equal(3, handler.Requests.Count);
        Assert.All(handler.Requests, r => Assert.Equal(TestData[..256], r.Body));
        Assert.All(handler.Requests, r => Assert.Equal("crc32c=" + crc, r.Header("x-goog-hash")));
    }

    [Fact]
    public async Task Part_AlreadyFinished_Throws()
    {
        var handler = new FakeHttpHandler().Respond(HttpStatusCode.OK, "", H(("ETag", "\"e\"")));
        XmlMpuPart part = Part(handler, ChecksumType.None);
        await part.UploadAsync();
        await Assert.ThrowsAsync<InvalidOperationException>(() => part.UploadAsync());
        await Assert.ThrowsAsync<InvalidOperationException>(() => part.BuildRequestAsync());
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task Part_MissingETag_IsInvalidResponse()
        => Assert.Contains("etag", (await Assert.ThrowsAsync<InvalidResponseException>(() => Part(new FakeHttpHandler().Respond(HttpStatusCode.OK), ChecksumType.None).UploadAsync())).Message);

    [Theory]
    [InlineData(0)]
    [InlineData(10001)]
    [InlineData(-1)]
    public void Part_NumberOutside1To10000_IsRejected(int number)
        => Assert.Contains(number.ToString(), Assert.Throws<ArgumentOutOfRangeException>(() => Part(new FakeHttpHandler(), ChecksumType.None, number: number)).Message);

    [Fact]
    public void Part_BadRangeOrNonSeekableStream_IsRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Part(new FakeHttpHandler(), ChecksumType.None, 10, 5));
        Assert.Throws<ArgumentException>(() => new XmlMpuPart(new FakeHttpHandler().CreateClient(), ObjectUrl, UploadId, new NonSeekableStream(TestData), 0, 10, 1));
    }

    [Fact]
    public async Task Part_RangePastEndOfFile_IsRejectedBeforeSending()
    {
        var handler = new FakeHttpHandler();
        await Assert.ThrowsAsync<InvalidOperationException>(() => Part(handler, ChecksumType.Crc32c, 1000, 2000).UploadAsync());
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task Mpu_RoundTrip_InitiateUploadPartsOutOfOrder_RegisterFinalize()
    {
        byte[] data = TestData;
        var handler = new FakeHttpHandler().Respond(HttpStatusCode.OK, InitiateXml);
        var container = Container(handler);
        await container.InitiateAsync();
        var stream = new MemoryStream(data);
        foreach (int n in new[] { 2, 1 })
        {
            long start = (n - 1) * 512;
            handler.Respond(HttpStatusCode.OK, "", H(("ETag", $"\"etag{n}\""), ("x-goog-hash", "crc32c=" + Crc(data[(int)start..(int)(start + 512)]))));
            XmlMpuPart part = container.CreatePart(stream, start, start + 512, n);
            container.RegisterPart(n, await part.UploadAsync());
        }

        handler.Respond(HttpStatusCode.OK, "<CompleteMultipartUploadResult><ETag>\"all\"</ETag></CompleteMultipartUploadResult>");
        await container.FinalizeAsync();
        Assert.Equal(4, handler.Requests.Count);
        Assert.Equal(data[512..], handler.Requests[1].Body);
        Assert.Equal(data[..512], handler.Requests[2].Body);
        Assert.Contains("<PartNumber>1</PartNumber><ETag>\"etag1\"</ETag></Part><Part><PartNumber>2</PartNumber>", Encoding.UTF8.GetString(handler.Requests[3].Body));
        Assert.True(container.Finished);
    }
}

public class XmlMpuPlanTests
{
    private const long MiB = 1024 * 1024;

    [Fact]
    public void Split_12MiB_By5MiB_Gives5_5_2()
    {
        IReadOnlyList<XmlMpuPlannedPart> parts = XmlMpuPlan.Split(12 * MiB, 5 * MiB);
        Assert.Equal(new[] { 1, 2, 3 }, parts.Select(p => p.Number));
        Assert.Equal(new[] { 0, 5 * MiB, 10 * MiB }, parts.Select(p => p.Offset));
        Assert.Equal(new[] { 5 * MiB, 5 * MiB, 2 * MiB }, parts.Select(p => p.Length));
        Assert.Equal(12 * MiB, parts[^1].End);
    }

    [Fact]
    public void Split_ExactMultiple_HasNoEmptyTail()
        => Assert.Equal(new[] { 5 * MiB, 5 * MiB }, XmlMpuPlan.Split(10 * MiB, 5 * MiB).Select(p => p.Length));

    [Fact]
    public void Split_EmptyFile_GivesOneEmptyPart()
        => Assert.Equal(0, Assert.Single(XmlMpuPlan.Split(0, 5 * MiB)).Length);

    [Fact]
    public void Split_PartSizeBelow5MiB_IsRejected_SuggestingASize()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => XmlMpuPlan.Split(100 * MiB, 5 * MiB - 1));
        Assert.Contains("5 MiB", ex.Message);
        Assert.Contains("33554432 bytes (32 MiB)", ex.Message);
    }

    [Fact]
    public void Split_PartSizeAbove5GiB_IsRejected()
        => Assert.Contains("5 GiB", Assert.Throws<ArgumentOutOfRangeException>(() => XmlMpuPlan.Split(100 * MiB, 5L * 1024 * MiB + 1)).Message);

    [Fact]
    public void Split_MoreThan10000Parts_IsRejected_SuggestingTheSmallestSize()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => XmlMpuPlan.Split(100_000 * MiB, 5 * MiB));
        Assert.Contains("20000 parts", ex.Message);
        Assert.Contains("10485760 bytes (10 MiB)", ex.Message);
        Assert.Equal(10000, XmlMpuPlan.Split(100_000 * MiB, 10 * MiB).Count);
    }
}
