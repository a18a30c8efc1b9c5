using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;

namespace GcsMedia.Emulator.Tests;

public class XmlMultipartUploadTests(EmulatorFixture f) : IClassFixture<EmulatorFixture>
{
    private static readonly XNamespace S3 = "http://s3.amazonaws.com/doc/2006-03-01/";
    private const int FiveMiB = 5 * 1024 * 1024;

    private string Url(string bucket, string key) => $"{f.Endpoint}/{bucket}/{Uri.EscapeDataString(key).Replace("%2F", "/")}";

    private async Task<string> InitiateAsync(string bucket, string key, Action<HttpRequestMessage>? configure = null)
    {
        using var req = new HttpRequestMessage(HttpMethod.Post, Url(bucket, key) + "?uploads") { Content = new ByteArrayContent([]) };
        req.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-mpu");
        configure?.Invoke(req);
        using var resp = await f.Http.SendAsync(req);
        var text = await resp.Content.ReadAsStringAsync();
        Assert.True(resp.StatusCode == HttpStatusCode.OK, text);
        var root = XDocument.Parse(text).Root!;
        Assert.Equal(S3 + "InitiateMultipartUploadResult", root.Name);
        Assert.Equal(bucket, root.Element(S3 + "Bucket")!.Value);
        Assert.Equal(key, root.Element(S3 + "Key")!.Value);
        return root.Element(S3 + "UploadId")!.Value;
    }

    private async Task<HttpResponseMessage> PutPartAsync(string bucket, string key, string uploadId, int number, byte[] data,
        Action<HttpRequestMessage>? configure = null)
    {
        var req = new HttpRequestMessage(HttpMethod.Put, $"{Url(bucket, key)}?partNumber={number}&uploadId={Uri.EscapeDataString(uploadId)}")
        { Content = new ByteArrayContent(data) };
        configure?.Invoke(req);
        return await f.Http.SendAsync(req);
    }

    private async Task<string> PartAsync(string bucket, string key, string uploadId, int number, byte[] data)
    {
        using var resp = await PutPartAsync(bucket, key, uploadId, number, data);
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        return resp.Headers.ETag!.ToString();
    }

    private static string CompleteXml(params (int Number, string ETag)[] parts) =>
        "<CompleteMultipartUpload>" + string.Concat(parts.Select(p => $"<Part><PartNumber>{p.Number}</PartNumber><ETag>{p.ETag}</ETag></Part>")) +
        "</CompleteMultipartUpload>";

    private async Task<HttpResponseMessage> CompleteAsync(string bucket, string key, string uploadId, string xml) =>
        await f.Http.PostAsync($"{Url(bucket, key)}?uploadId={Uri.EscapeDataString(uploadId)}", new StringContent(xml, Encoding.UTF8, "application/xml"));

    [Fact]
    public async Task Initiate_returns_upload_id_in_s3_namespace()
    {
        var bucket = await f.CreateBucketAsync();
        var id = await InitiateAsync(bucket, "k");
        Assert.True(id.Length > 20);
    }

    [Fact]
    public async Task Initiate_in_missing_bucket_is_404_NoSuchBucket()
    {
        using var resp = await f.Http.PostAsync($"{f.Endpoint}/no-such-mpu-bucket/k?uploads", new ByteArrayContent([]));
        Assert.Equal("NoSuchBucket", await TestData.XmlErrorCodeAsync(resp, HttpStatusCode.NotFound));
    }

    [Fact]
    public async Task Part_upload_returns_md5_etag_and_hashes()
    {
        var bucket = await f.CreateBucketAsync();
        var id = await InitiateAsync(bucket, "k");
        var data = TestData.Random(1000);
        using var resp = await PutPartAsync(bucket, "k", id, 1, data);
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        Assert.Equal($"\"{Convert.ToHexStringLower(MD5.HashData(data))}\"", resp.Headers.ETag!.ToString());
        Assert.Equal($"crc32c={Checksums.Crc32c(data)},md5={Checksums.Md5(data)}", TestData.Header(resp, "x-goog-hash"));
    }

    [Theory]
    [InlineData("crc32c")]
    [InlineData("md5")]
    [InlineData("content-md5")]
    public async Task Part_with_wrong_digest_is_400_BadDigest(string kind)
    {
        var bucket = await f.CreateBucketAsync();
        var id = await InitiateAsync(bucket, "k");
        using var resp = await PutPartAsync(bucket, "k", id, 1, "Hi"u8.ToArray(), req =>
        {
            if (kind == "content-md5") req.Content!.Headers.TryAddWithoutValidation("Content-MD5", "1B2M2Y8AsgTpgAmY7PhCfg==");
            else req.Headers.TryAddWithoutValidation("x-goog-hash", kind == "crc32c" ? "crc32c=AAAAAA==" : "md5=1B2M2Y8AsgTpgAmY7PhCfg==");
        });
        Assert.Equal("BadDigest", await TestData.XmlErrorCodeAsync(resp, HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task Part_with_correct_digests_is_accepted()
    {
        var bucket = await f.CreateBucketAsync();
        var id = await InitiateAsync(bucket, "k");
        using var resp = await PutPartAsync(bucket, "k", id, 1, "Hi"u8.ToArray(), req =>
        {
            req.Headers.TryAddWithoutValidation("x-goog-hash", "crc32c=ihY6wA==");
            req.Content!.Headers.TryAddWithoutValidation("Content-MD5", "waUpj5Oeh+j5YqXt/CBpGA==");
        });
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("10001")]
    [InlineData("abc")]
    public async Task Part_number_out_of_range_is_400_InvalidArgument(string number)
    {
        var bucket = await f.CreateBucketAsync();
        var id = await InitiateAsync(bucket, "k");
        using var resp = await f.Http.PutAsync($"{Url(bucket, "k")}?partNumber={number}&uploadId={id}", new ByteArrayContent([1]));
        Assert.Equal("InvalidArgument", await TestData.XmlErrorCodeAsync(resp, HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task Part_number_10000_is_accepted()
    {
        var bucket = await f.CreateBucketAsync();
        var id = await InitiateAsync(bucket, "k");
        using var resp = await PutPartAsync(bucket, "k", id, 10000, [1]);
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
    }

    [Fact]
    public async Task Part_for_unknown_upload_is_404_NoSuchUpload()
    {
        var bucket = await f.CreateBucketAsync();
        using var resp = await PutPartAsync(bucket, "k", "bogus-id", 1, [1]);
        Assert.Equal("NoSuchUpload", await TestData.XmlErrorCodeAsync(resp, HttpStatusCode.NotFound));
    }

    [Fact]
    public async Task Complete_assembles_object_with_crc32c_but_no_md5()
    {
        var bucket = await f.CreateBucketAsync();
        var key = "dir/assembled.bin";
        var id = await InitiateAsync(bucket, key, req => req.Headers.Add("x-goog-meta-origin", "mpu"));
        var p1 = TestData.Random(FiveMiB);
        var p2 = TestData.Random(12345);
        var e1 = await PartAsync(bucket, key, id, 1, p1);
        var e2 = await PartAsync(bucket, key, id, 2, p2);
        using var resp = await CompleteAsync(bucket, key, id, CompleteXml((1, e1), (2, e2)));
        var text = await resp.Content.ReadAsStringAsync();
        Assert.True(resp.StatusCode == HttpStatusCode.OK, text);
        var root = XDocument.Parse(text).Root!;
        Assert.Equal(S3 + "CompleteMultipartUploadResult", root.Name);
        Assert.Equal(bucket, root.Element(S3 + "Bucket")!.Value);
        Assert.Equal(key, root.Element(S3 + "Key")!.Value);
        Assert.EndsWith("-2\"", root.Element(S3 + "ETag")!.Value);
        Assert.Contains(bucket, root.Element(S3 + "Location")!.Value);

        var all = p1.Concat(p2).ToArray();
        var o = JsonDocument.Parse(await f.Http.GetStringAsync(f.ObjectUrl(bucket, key))).RootElement;
        Assert.Equal(Checksums.Crc32c(all), o.GetProperty("crc32c").GetString());
        Assert.False(o.TryGetProperty("md5Hash", out _));
        Assert.Equal(all.Length.ToString(), o.GetProperty("size").GetString());
        Assert.Equal("application/x-mpu", o.GetProperty("contentType").GetString());
        Assert.Equal("mpu", o.GetProperty("metadata").GetProperty("origin").GetString());

        using var dl = await f.Http.GetAsync(f.DownloadUrl(bucket, key));
        Assert.Equal($"crc32c={Checksums.Crc32c(all)}", TestData.Header(dl, "x-goog-hash"));
        Assert.Equal(all, await dl.Content.ReadAsByteArrayAsync());

        using var again = await PutPartAsync(bucket, key, id, 3, [1]);
        Assert.Equal("NoSuchUpload", await TestData.XmlErrorCodeAsync(again, HttpStatusCode.NotFound));
    }

    [Fact]
    public async Task Single_small_part_completes()
    {
        var bucket = await f.CreateBucketAsync();
        var id = await InitiateAsync(bucket, "small");
        var e1 = await PartAsync(bucket, "small", id, 1, "Hi"u8.ToArray());
        using var resp = await CompleteAsync(bucket, "small", id, CompleteXml((1, e1)));
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        Assert.Equal("Hi", await f.Http.GetStringAsync(f.DownloadUrl(bucket, "small")));
    }

    [Fact]
    public async Task Reuploading_a_part_replaces_it()
    {
        var bucket = await f.CreateBucketAsync();
        var id = await InitiateAsync(bucket, "re");
        await PartAsync(bucket, "re", id, 1, "old"u8.ToArray());
        var e = await PartAsync(bucket, "re", id, 1, "new"u8.ToArray());
        using var resp = await CompleteAsync(bucket, "re", id, CompleteXml((1, e)));
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        Assert.Equal("new", await f.Http.GetStringAsync(f.DownloadUrl(bucket, "re")));
    }

    [Fact]
    public async Task Complete_with_descending_parts_is_InvalidPartOrder()
    {
        var bucket = await f.CreateBucketAsync();
        var id = await InitiateAsync(bucket, "o");
        var e1 = await PartAsync(bucket, "o", id, 1, [1]);
        var e2 = await PartAsync(bucket, "o", id, 2, [2]);
        using var resp = await CompleteAsync(bucket, "o", id, CompleteXml((2, e2), (1, e1)));
        Assert.Equal("InvalidPartOrder", await TestData.XmlErrorCodeAsync(resp, HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task Complete_with_unknown_part_is_InvalidPart()
    {
        var bucket = await f.CreateBucketAsync();
        var id = await InitiateAsync(bucket, "u");
        var e1 = await PartAsync(bucket, "u", id, 1, [1]);
        using var resp = await CompleteAsync(bucket, "u", id, CompleteXml((1, e1), (2, e1)));
        Assert.Equal("InvalidPart", await TestData.XmlErrorCodeAsync(resp, HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task Complete_with_wrong_etag_is_InvalidPart()
    {
        var bucket = await f.CreateBucketAsync();
        var id = await InitiateAsync(bucket, "w");
        await PartAsync(bucket, "w", id, 1, [1]);
        using var resp = await CompleteAsync(bucket, "w", id, CompleteXml((1, "\"00000000000000000000000000000000\"")));
        Assert.Equal("InvalidPart", await TestData.XmlErrorCodeAsync(resp, HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task Complete_with_small_non_last_part_is_EntityTooSmall_and_upload_survives()
    {
        var bucket = await f.CreateBucketAsync();
        var id = await InitiateAsync(bucket, "s");
        var e1 = await PartAsync(bucket, "s", id, 1, new byte[1024]);
        var e2 = await PartAsync(bucket, "s", id, 2, new byte[10]);
        using var resp = await CompleteAsync(bucket, "s", id, CompleteXml((1, e1), (2, e2)));
        Assert.Equal("EntityTooSmall", await TestData.XmlErrorCodeAsync(resp, HttpStatusCode.BadRequest));
        using var retry = await CompleteAsync(bucket, "s", id, CompleteXml((2, e2)));
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
    }

    [Fact]
    public async Task Complete_with_malformed_xml_is_MalformedXML()
    {
        var bucket = await f.CreateBucketAsync();
        var id = await InitiateAsync(bucket, "m");
        using var resp = await CompleteAsync(bucket, "m", id, "<CompleteMultipartUpload><Part>");
        Assert.Equal("MalformedXML", await TestData.XmlErrorCodeAsync(resp, HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task Abort_is_204_then_NoSuchUpload()
    {
        var bucket = await f.CreateBucketAsync();
        var id = await InitiateAsync(bucket, "a");
        var e1 = await PartAsync(bucket, "a", id, 1, [1]);
        using (var del = await f.Http.DeleteAsync($"{Url(bucket, "a")}?uploadId={Uri.EscapeDataString(id)}"))
            Assert.Equal(HttpStatusCode.NoContent, del.StatusCode);
        using var part = await PutPartAsync(bucket, "a", id, 2, [1]);
        Assert.Equal("NoSuchUpload", await TestData.XmlErrorCodeAsync(part, HttpStatusCode.NotFound));
        using var complete = await CompleteAsync(bucket, "a", id, CompleteXml((1, e1)));
        Assert.Equal("NoSuchUpload", await TestData.XmlErrorCodeAsync(complete, HttpStatusCode.NotFound));
        using var del2 = await f.Http.DeleteAsync($"{Url(bucket, "a")}?uploadId={Uri.EscapeDataString(id)}");
        Assert.Equal(HttpStatusCode.NotFound, del2.StatusCode);
    }

    [Fact]
    public async Task List_parts_shows_uploaded_parts()
    {
        var bucket = await f.CreateBucketAsync();
        var id = await InitiateAsync(bucket, "lp");
        var e2 = await PartAsync(bucket, "lp", id, 2, new byte[7]);
        var e1 = await PartAsync(bucket, "lp", id, 1, new byte[3]);
        var text = await f.Http.GetStringAsync($"{Url(bucket, "lp")}?uploadId={Uri.EscapeDataString(id)}");
        var root = XDocument.Parse(text).Root!;
        Assert.Equal(S3 + "ListPartsResult", root.Name);
        Assert.Equal(id, root.Element(S3 + "UploadId")!.Value);
        var parts = root.Elements(S3 + "Part").ToList();
        Assert.Equal(new[] { "1", "2" }, parts.Select(p => p.Element(S3 + "PartNumber")!.Value));
        Assert.Equal(new[] { e1, e2 }, parts.Select(p => p.Element(S3 + "ETag")!.Value));
        Assert.Equal(new[] { "3", "7" }, parts.Select(p => p.Element(S3 + "Size")!.Value));
    }

    [Fact]
    public async Task List_parts_pages_with_max_parts_and_part_number_marker()
    {
        var bucket = await f.CreateBucketAsync();
        var id = await InitiateAsync(bucket, "paged");
        foreach (var n in new[] { 5, 1, 3, 2, 4 }) await PartAsync(bucket, "paged", id, n, new byte[n]);
        var seen = new List<string>();
        var marker = "";
        var pages = 0;
        while (true)
        {
            var query = $"?uploadId={Uri.EscapeDataString(id)}&max-parts=2" + (marker.Length > 0 ? $"&part-number-marker={marker}" : "");
            var root = XDocument.Parse(await f.Http.GetStringAsync(Url(bucket, "paged") + query)).Root!;
            pages++;
            Assert.Equal("2", root.Element(S3 + "MaxParts")!.Value);
            Assert.Equal(marker.Length == 0 ? "0" : marker, root.Element(S3 + "PartNumberMarker")!.Value);
            var numbers = root.Elements(S3 + "Part").Select(p => p.Element(S3 + "PartNumber")!.Value).ToList();
            Assert.InRange(numbers.Count, 1, 2);
            seen.AddRange(numbers);
            Assert.Equal(numbers[^1], root.Element(S3 + "NextPartNumberMarker")!.Value);
            if (root.Element(S3 + "IsTruncated")!.Value != "true") break;
            marker = root.Element(S3 + "NextPartNumberMarker")!.Value;
        }
        Assert.Equal(3, pages);
        Assert.Equal(new[] { "1", "2", "3", "4", "5" }, seen);
    }

    [Fact]
    public async Task List_parts_of_an_upload_without_parts_is_empty_and_not_truncated()
    {
        var bucket = await f.CreateBucketAsync();
        var id = await InitiateAsync(bucket, "none");
        var root = XDocument.Parse(await f.Http.GetStringAsync($"{Url(bucket, "none")}?uploadId={Uri.EscapeDataString(id)}")).Root!;
        Assert.Empty(root.Elements(S3 + "Part"));
        Assert.Equal("false", root.Element(S3 + "IsTruncated")!.Value);
    }

    [Fact]
    public async Task List_parts_of_an_unknown_upload_is_NoSuchUpload()
    {
        var bucket = await f.CreateBucketAsync();
        using var resp = await f.Http.GetAsync($"{Url(bucket, "x")}?uploadId=nope");
        Assert.Equal("NoSuchUpload", await TestData.XmlErrorCodeAsync(resp, HttpStatusCode.NotFound));
    }

    [Fact]
    public async Task List_uploads_shows_open_uploads_only()
    {
        var bucket = await f.CreateBucketAsync();
        var a = await InitiateAsync(bucket, "a/1");
        var b = await InitiateAsync(bucket, "b/2");
        (await f.Http.DeleteAsync($"{Url(bucket, "b/2")}?uploadId={Uri.EscapeDataString(b)}")).Dispose();
        var text = await f.Http.GetStringAsync($"{f.Endpoint}/{bucket}?uploads");
        var root = XDocument.Parse(text).Root!;
        Assert.Equal(S3 + "ListMultipartUploadsResult", root.Name);
        var uploads = root.Elements(S3 + "Upload").ToList();
        Assert.Equal(a, Assert.Single(uploads).Element(S3 + "UploadId")!.Value);
        Assert.Equal("a/1", uploads[0].Element(S3 + "Key")!.Value);
    }

    [Fact]
    public async Task Upload_id_for_other_key_is_NoSuchUpload()
    {
        var bucket = await f.CreateBucketAsync();
        var id = await InitiateAsync(bucket, "mine");
        using var resp = await PutPartAsync(bucket, "other", id, 1, [1]);
        Assert.Equal("NoSuchUpload", await TestData.XmlErrorCodeAsync(resp, HttpStatusCode.NotFound));
    }

    [Fact]
    public async Task Xml_unknown_route_is_404_xml()
    {
        var bucket = await f.CreateBucketAsync();
        using var resp = await f.Http.PostAsync($"{f.Endpoint}/{bucket}/k", new ByteArrayContent([]));
        await TestData.XmlErrorCodeAsync(resp, HttpStatusCode.NotFound);
    }
}
