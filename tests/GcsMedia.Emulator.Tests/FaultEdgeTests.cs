using System.Net;
using System.Xml.Linq;

namespace GcsMedia.Emulator.Tests;

public class FaultEdgeTests(EmulatorFixture f) : IClassFixture<EmulatorFixture>
{
    private static readonly XNamespace S3 = "http://s3.amazonaws.com/doc/2006-03-01/";

    [Fact]
    public async Task Return_503_after_on_mpu_part_stores_no_part()
    {
        var bucket = await f.CreateBucketAsync();
        using var init = await f.Http.PostAsync($"{f.Endpoint}/{bucket}/k?uploads", new ByteArrayContent([]));
        var uploadId = XDocument.Parse(await init.Content.ReadAsStringAsync()).Root!.Element(S3 + "UploadId")!.Value;
        var id = await f.CreateRetryTestAsync("storage.multipart.uploadPart", "return-503-after-8K");
        var req = new HttpRequestMessage(HttpMethod.Put, $"{f.Endpoint}/{bucket}/k?partNumber=1&uploadId={Uri.EscapeDataString(uploadId)}")
        { Content = new ByteArrayContent(TestData.Random(50_000)) };
        req.Headers.Add("x-retry-test-id", id);
        using var resp = await f.Http.SendAsync(req);
        await TestData.XmlErrorCodeAsync(resp, HttpStatusCode.ServiceUnavailable);
        var parts = XDocument.Parse(await f.Http.GetStringAsync($"{f.Endpoint}/{bucket}/k?uploadId={Uri.EscapeDataString(uploadId)}")).Root!;
        Assert.Empty(parts.Elements(S3 + "Part"));
    }

    [Fact]
    public async Task Status_query_consumes_insert_instructions()
    {
        var bucket = await f.CreateBucketAsync();
        var session = await f.StartResumableAsync(bucket, "sq");
        var id = await f.CreateRetryTestAsync("storage.objects.insert", "return-503");
        using (var first = await f.StatusQueryAsync(session, testId: id)) Assert.Equal(HttpStatusCode.ServiceUnavailable, first.StatusCode);
        using var second = await f.StatusQueryAsync(session, testId: id);
        Assert.Equal((HttpStatusCode)308, second.StatusCode);
    }

    [Fact]
    public async Task Return_status_after_on_download_breaks_the_body()
    {
        var (bucket, name, data, _) = await f.NewObjectAsync(100_000);
        var id = await f.CreateRetryTestAsync("storage.objects.get", "return-503-after-32K");
        var req = new HttpRequestMessage(HttpMethod.Get, f.DownloadUrl(bucket, name));
        req.Headers.Add("x-retry-test-id", id);
        using var resp = await f.Http.SendAsync(req, HttpCompletionOption.ResponseHeadersRead);
        var ms = new MemoryStream();
        await Assert.ThrowsAnyAsync<IOException>(async () => await (await resp.Content.ReadAsStreamAsync()).CopyToAsync(ms));
        Assert.Equal(32 * 1024, ms.Length);
        Assert.Equal(data[..(32 * 1024)], ms.ToArray());
    }

    [Fact]
    public async Task Multipart_insert_with_precondition_retries_after_503()
    {
        var bucket = await f.CreateBucketAsync();
        var id = await f.CreateRetryTestAsync("storage.objects.insert", "return-503");
        HttpRequestMessage Make()
        {
            var r = new HttpRequestMessage(HttpMethod.Post, $"{f.UploadUrl(bucket)}?uploadType=media&name=idem&ifGenerationMatch=0")
            { Content = new ByteArrayContent("Hi"u8.ToArray()) };
            r.Headers.Add("x-retry-test-id", id);
            return r;
        }
        using (var first = await f.Http.SendAsync(Make())) Assert.Equal(HttpStatusCode.ServiceUnavailable, first.StatusCode);
        using var second = await f.Http.SendAsync(Make());
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        using var third = await f.Http.SendAsync(Make());
        Assert.Equal(HttpStatusCode.PreconditionFailed, third.StatusCode);
    }

    [Fact]
    public async Task Xml_path_errors_are_xml_even_for_bad_keys()
    {
        var bucket = await f.CreateBucketAsync();
        using var resp = await f.Http.GetAsync($"{f.Endpoint}/{bucket}/{new string('k', 1100)}");
        Assert.Equal("KeyTooLong", await TestData.XmlErrorCodeAsync(resp, HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task Xml_get_missing_object_is_NoSuchKey()
    {
        var bucket = await f.CreateBucketAsync();
        using var resp = await f.Http.GetAsync($"{f.Endpoint}/{bucket}/missing");
        Assert.Equal("NoSuchKey", await TestData.XmlErrorCodeAsync(resp, HttpStatusCode.NotFound));
    }
}
