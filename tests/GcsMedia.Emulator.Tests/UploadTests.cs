using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace GcsMedia.Emulator.Tests;

public class SimpleUploadTests(EmulatorFixture f) : IClassFixture<EmulatorFixture>
{
    [Theory]
    [InlineData("", "AAAAAA==", "1B2M2Y8AsgTpgAmY7PhCfg==")]
    [InlineData("Hi", "ihY6wA==", "waUpj5Oeh+j5YqXt/CBpGA==")]
    [InlineData("All of the data goes in a stream.", "Qg8thA==", "GRvfKbqr5klAOwLkxgIf8w==")]
    public async Task Simple_upload_reports_reference_checksums(string text, string crc32c, string md5)
    {
        var bucket = await f.CreateBucketAsync();
        var o = await f.UploadAsync(bucket, "vec", Encoding.ASCII.GetBytes(text), "text/plain");
        Assert.Equal(crc32c, o.GetProperty("crc32c").GetString());
        Assert.Equal(md5, o.GetProperty("md5Hash").GetString());
        Assert.Equal(text.Length.ToString(), o.GetProperty("size").GetString());
    }

    [Fact]
    public async Task Simple_upload_stores_content_type_and_bytes()
    {
        var bucket = await f.CreateBucketAsync();
        var data = TestData.Random(300_000);
        var o = await f.UploadAsync(bucket, "blob.bin", data, "application/x-custom");
        Assert.Equal("application/x-custom", o.GetProperty("contentType").GetString());
        Assert.Equal(data, await f.Http.GetByteArrayAsync(f.DownloadUrl(bucket, "blob.bin")));
    }

    [Fact]
    public async Task Simple_upload_without_name_is_400()
    {
        var bucket = await f.CreateBucketAsync();
        using var resp = await f.Http.PostAsync($"{f.UploadUrl(bucket)}?uploadType=media", new ByteArrayContent([1]));
        await TestData.ErrorAsync(resp, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Simple_upload_with_matching_x_goog_hash_succeeds_and_mismatch_is_400()
    {
        var bucket = await f.CreateBucketAsync();
        var good = new HttpRequestMessage(HttpMethod.Post, $"{f.UploadUrl(bucket)}?uploadType=media&name=h") { Content = new ByteArrayContent("Hi"u8.ToArray()) };
        good.Headers.TryAddWithoutValidation("x-goog-hash", "crc32c=ihY6wA==,md5=waUpj5Oeh+j5YqXt/CBpGA==");
        using (var resp = await f.Http.SendAsync(good)) Assert.Equal(HttpStatusCode.OK, resp.StatusCode);

        var bad = new HttpRequestMessage(HttpMethod.Post, $"{f.UploadUrl(bucket)}?uploadType=media&name=h2") { Content = new ByteArrayContent("Hi"u8.ToArray()) };
        bad.Headers.TryAddWithoutValidation("x-goog-hash", "crc32c=AAAAAA==");
        using (var resp = await f.Http.SendAsync(bad)) await TestData.ErrorAsync(resp, HttpStatusCode.BadRequest);
        using var get = await f.Http.GetAsync(f.ObjectUrl(bucket, "h2"));
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
    }

    [Fact]
    public async Task IfGenerationMatch_zero_prevents_overwrite()
    {
        var bucket = await f.CreateBucketAsync();
        await f.UploadAsync(bucket, "once", [1], extraQuery: "&ifGenerationMatch=0");
        using var resp = await f.Http.PostAsync($"{f.UploadUrl(bucket)}?uploadType=media&name=once&ifGenerationMatch=0", new ByteArrayContent([2]));
        await TestData.ErrorAsync(resp, HttpStatusCode.PreconditionFailed);
        Assert.Equal(new byte[] { 1 }, await f.Http.GetByteArrayAsync(f.DownloadUrl(bucket, "once")));
    }

    [Fact]
    public async Task IfGenerationMatch_current_generation_allows_overwrite()
    {
        var bucket = await f.CreateBucketAsync();
        var o = await f.UploadAsync(bucket, "v", [1]);
        var o2 = await f.UploadAsync(bucket, "v", [2], extraQuery: $"&ifGenerationMatch={o.GetProperty("generation").GetString()}");
        Assert.NotEqual(o.GetProperty("generation").GetString(), o2.GetProperty("generation").GetString());
    }

    [Fact]
    public async Task Unknown_upload_type_is_400()
    {
        var bucket = await f.CreateBucketAsync();
        using var resp = await f.Http.PostAsync($"{f.UploadUrl(bucket)}?uploadType=weird&name=x", new ByteArrayContent([1]));
        await TestData.ErrorAsync(resp, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Missing_upload_type_is_400()
    {
        var bucket = await f.CreateBucketAsync();
        using var resp = await f.Http.PostAsync($"{f.UploadUrl(bucket)}?name=x", new ByteArrayContent([1]));
        await TestData.ErrorAsync(resp, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Xml_put_uploads_object_with_meta_headers()
    {
        var bucket = await f.CreateBucketAsync();
        var req = new HttpRequestMessage(HttpMethod.Put, $"{f.Endpoint}/{bucket}/x/y.txt") { Content = new ByteArrayContent("Hi"u8.ToArray()) };
        req.Content.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
        req.Headers.Add("x-goog-meta-color", "blue");
        using var resp = await f.Http.SendAsync(req);
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        Assert.Equal("\"c1a5298f939e87e8f962a5edfc206918\"", resp.Headers.ETag!.ToString());
        var o = JsonDocument.Parse(await f.Http.GetStringAsync(f.ObjectUrl(bucket, "x/y.txt"))).RootElement;
        Assert.Equal("blue", o.GetProperty("metadata").GetProperty("color").GetString());
        Assert.Equal("text/plain", o.GetProperty("contentType").GetString());
    }
}

public class MultipartUploadTests(EmulatorFixture f) : IClassFixture<EmulatorFixture>
{
    /// <summary>Builds the body byte-exactly like google-resumable-media (no trailing CRLF).</summary>
    private static ByteArrayContent Multipart(string metadataJson, byte[] data, string dataType = "application/octet-stream",
        string boundary = "===============1234567890123456789==")
    {
        var ms = new MemoryStream();
        void W(string s) => ms.Write(Encoding.UTF8.GetBytes(s));
        W($"--{boundary}\r\ncontent-type: application/json; charset=UTF-8\r\n\r\n{metadataJson}\r\n");
        W($"--{boundary}\r\ncontent-type: {dataType}\r\n\r\n");
        ms.Write(data);
        W($"\r\n--{boundary}--");
        var content = new ByteArrayContent(ms.ToArray());
        content.Headers.TryAddWithoutValidation("Content-Type", $"multipart/related; boundary=\"{boundary}\"");
        return content;
    }

    private async Task<HttpResponseMessage> PostAsync(string bucket, HttpContent content, string query = "") =>
        await f.Http.PostAsync($"{f.UploadUrl(bucket)}?uploadType=multipart{query}", content);

    [Fact]
    public async Task Multipart_upload_stores_metadata_and_data()
    {
        var bucket = await f.CreateBucketAsync();
        var data = TestData.Random(50_000);
        using var resp = await PostAsync(bucket, Multipart(
            "{\"name\": \"mp.bin\", \"contentType\": \"application/x-mp\", \"metadata\": {\"k\": \"v\"}}", data, "text/ignored"));
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        var o = JsonDocument.Parse(await resp.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("mp.bin", o.GetProperty("name").GetString());
        Assert.Equal("application/x-mp", o.GetProperty("contentType").GetString());
        Assert.Equal("v", o.GetProperty("metadata").GetProperty("k").GetString());
        Assert.Equal(Checksums.Md5(data), o.GetProperty("md5Hash").GetString());
        Assert.Equal(data, await f.Http.GetByteArrayAsync(f.DownloadUrl(bucket, "mp.bin")));
    }

    [Fact]
    public async Task Multipart_content_type_falls_back_to_media_part()
    {
        var bucket = await f.CreateBucketAsync();
        using var resp = await PostAsync(bucket, Multipart("{\"name\": \"t.txt\"}", "Hi"u8.ToArray(), "text/plain"));
        var o = JsonDocument.Parse(await resp.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("text/plain", o.GetProperty("contentType").GetString());
    }

    [Fact]
    public async Task Multipart_with_correct_md5_and_crc_succeeds()
    {
        var bucket = await f.CreateBucketAsync();
        using var resp = await PostAsync(bucket, Multipart(
            "{\"name\": \"ok\", \"md5Hash\": \"waUpj5Oeh+j5YqXt/CBpGA==\", \"crc32c\": \"ihY6wA==\"}", "Hi"u8.ToArray()));
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
    }

    [Fact]
    public async Task Multipart_with_wrong_md5_is_400_and_no_object()
    {
        var bucket = await f.CreateBucketAsync();
        using var resp = await PostAsync(bucket, Multipart("{\"name\": \"bad\", \"md5Hash\": \"1B2M2Y8AsgTpgAmY7PhCfg==\"}", "Hi"u8.ToArray()));
        var e = await TestData.ErrorAsync(resp, HttpStatusCode.BadRequest);
        Assert.Contains("MD5", e.GetProperty("message").GetString());
        using var get = await f.Http.GetAsync(f.ObjectUrl(bucket, "bad"));
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
    }

    [Fact]
    public async Task Multipart_with_wrong_crc32c_is_400()
    {
        var bucket = await f.CreateBucketAsync();
        using var resp = await PostAsync(bucket, Multipart("{\"name\": \"bad\", \"crc32c\": \"AAAAAA==\"}", "Hi"u8.ToArray()));
        var e = await TestData.ErrorAsync(resp, HttpStatusCode.BadRequest);
        Assert.Contains("CRC32C", e.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Multipart_name_from_query_when_metadata_has_none()
    {
        var bucket = await f.CreateBucketAsync();
        using var resp = await PostAsync(bucket, Multipart("{}", [5]), "&name=fromquery");
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        Assert.Equal(new byte[] { 5 }, await f.Http.GetByteArrayAsync(f.DownloadUrl(bucket, "fromquery")));
    }

    [Fact]
    public async Task Multipart_without_boundary_is_400()
    {
        var bucket = await f.CreateBucketAsync();
        var content = new ByteArrayContent([1, 2, 3]);
        content.Headers.TryAddWithoutValidation("Content-Type", "multipart/related");
        using var resp = await PostAsync(bucket, content);
        await TestData.ErrorAsync(resp, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Multipart_with_garbage_body_is_400()
    {
        var bucket = await f.CreateBucketAsync();
        var content = new ByteArrayContent("not multipart at all"u8.ToArray());
        content.Headers.TryAddWithoutValidation("Content-Type", "multipart/related; boundary=xyz");
        using var resp = await PostAsync(bucket, content);
        await TestData.ErrorAsync(resp, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Multipart_with_invalid_metadata_json_is_400()
    {
        var bucket = await f.CreateBucketAsync();
        using var resp = await PostAsync(bucket, Multipart("{not json", [1]));
        await TestData.ErrorAsync(resp, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Multipart_ifGenerationMatch_zero_on_existing_is_412()
    {
        var bucket = await f.CreateBucketAsync();
        await f.UploadAsync(bucket, "exists", [1]);
        using var resp = await PostAsync(bucket, Multipart("{\"name\": \"exists\"}", [2]), "&ifGenerationMatch=0");
        await TestData.ErrorAsync(resp, HttpStatusCode.PreconditionFailed);
    }

    [Fact]
    public async Task Multipart_gzip_content_encoding_is_stored()
    {
        var bucket = await f.CreateBucketAsync();
        using var resp = await PostAsync(bucket, Multipart("{\"name\": \"z\", \"contentEncoding\": \"gzip\"}", [0x1f, 0x8b]));
        var o = JsonDocument.Parse(await resp.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("gzip", o.GetProperty("contentEncoding").GetString());
    }
}
