using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace GcsMedia.Emulator.Tests;

public class DownloadTests(EmulatorFixture f) : IClassFixture<EmulatorFixture>
{
    private async Task<HttpResponseMessage> GetAsync(string url, string? range = null, bool gzip = false)
    {
        var req = new HttpRequestMessage(HttpMethod.Get, url);
        if (range is not null) req.Headers.TryAddWithoutValidation("Range", range);
        if (gzip) req.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
        return await f.Http.SendAsync(req);
    }

    [Fact]
    public async Task Whole_download_via_download_path()
    {
        var (bucket, name, data, _) = await f.NewObjectAsync(70_000);
        using var resp = await GetAsync(f.DownloadUrl(bucket, name));
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        Assert.Equal(data, await resp.Content.ReadAsByteArrayAsync());
        Assert.Equal(70_000, resp.Content.Headers.ContentLength);
    }

    [Fact]
    public async Task Whole_download_via_json_path_alt_media()
    {
        var (bucket, name, data, _) = await f.NewObjectAsync(3000);
        using var resp = await GetAsync($"{f.ObjectUrl(bucket, name)}?alt=media");
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        Assert.Equal(data, await resp.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Download_carries_goog_headers()
    {
        var (bucket, name, data, o) = await f.NewObjectAsync(100, "image/png");
        using var resp = await GetAsync(f.DownloadUrl(bucket, name));
        Assert.Equal($"crc32c={Checksums.Crc32c(data)},md5={Checksums.Md5(data)}", TestData.Header(resp, "x-goog-hash"));
        Assert.Equal(o.GetProperty("generation").GetString(), TestData.Header(resp, "x-goog-generation"));
        Assert.Equal("1", TestData.Header(resp, "x-goog-metageneration"));
        Assert.Equal("100", TestData.Header(resp, "x-goog-stored-content-length"));
        Assert.Equal("identity", TestData.Header(resp, "x-goog-stored-content-encoding"));
        Assert.Equal("image/png", resp.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task Range_first_last_is_206_with_content_range()
    {
        var (bucket, name, data, _) = await f.NewObjectAsync(1000);
        using var resp = await GetAsync(f.DownloadUrl(bucket, name), "bytes=10-19");
        Assert.Equal(HttpStatusCode.PartialContent, resp.StatusCode);
        Assert.Equal("bytes 10-19/1000", TestData.Header(resp, "Content-Range"));
        Assert.Equal(data[10..20], await resp.Content.ReadAsByteArrayAsync());
        Assert.Equal(10, resp.Content.Headers.ContentLength);
    }

    [Fact]
    public async Task Range_open_ended_reads_to_end()
    {
        var (bucket, name, data, _) = await f.NewObjectAsync(1000);
        using var resp = await GetAsync(f.DownloadUrl(bucket, name), "bytes=990-");
        Assert.Equal(HttpStatusCode.PartialContent, resp.StatusCode);
        Assert.Equal("bytes 990-999/1000", TestData.Header(resp, "Content-Range"));
        Assert.Equal(data[990..], await resp.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Range_suffix_minus_3_is_206_last_three_bytes()
    {
        var bucket = await f.CreateBucketAsync();
        await f.UploadAsync(bucket, "suffix", "abcdefgh"u8.ToArray());
        using var resp = await GetAsync(f.DownloadUrl(bucket, "suffix"), "bytes=-3");
        Assert.Equal(HttpStatusCode.PartialContent, resp.StatusCode);
        Assert.Equal("bytes 5-7/8", TestData.Header(resp, "Content-Range"));
        Assert.Equal("fgh", await resp.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Range_beyond_end_is_clamped()
    {
        var (bucket, name, data, _) = await f.NewObjectAsync(50);
        using var resp = await GetAsync(f.DownloadUrl(bucket, name), "bytes=40-5000");
        Assert.Equal(HttpStatusCode.PartialContent, resp.StatusCode);
        Assert.Equal("bytes 40-49/50", TestData.Header(resp, "Content-Range"));
        Assert.Equal(data[40..], await resp.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Unsatisfiable_range_is_416_with_star_content_range()
    {
        var (bucket, name, _, _) = await f.NewObjectAsync(50);
        using var resp = await GetAsync(f.DownloadUrl(bucket, name), "bytes=50-");
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, resp.StatusCode);
        Assert.Equal("bytes */50", TestData.Header(resp, "Content-Range"));
    }

    [Fact]
    public async Task Ranged_response_still_carries_whole_object_hash()
    {
        var (bucket, name, data, _) = await f.NewObjectAsync(500);
        using var resp = await GetAsync(f.DownloadUrl(bucket, name), "bytes=100-199");
        Assert.Equal(HttpStatusCode.PartialContent, resp.StatusCode);
        Assert.Equal($"crc32c={Checksums.Crc32c(data)},md5={Checksums.Md5(data)}", TestData.Header(resp, "x-goog-hash"));
        Assert.Equal("500", TestData.Header(resp, "x-goog-stored-content-length"));
    }

    [Fact]
    public async Task Multi_range_is_ignored_and_whole_object_served()
    {
        var (bucket, name, data, _) = await f.NewObjectAsync(100);
        using var resp = await GetAsync(f.DownloadUrl(bucket, name), "bytes=0-1,5-6");
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        Assert.Equal(data, await resp.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Generation_parameter_selects_live_generation_or_404()
    {
        var (bucket, name, data, o) = await f.NewObjectAsync(20);
        var gen = o.GetProperty("generation").GetString();
        using var ok = await GetAsync($"{f.DownloadUrl(bucket, name)}&generation={gen}");
        Assert.Equal(data, await ok.Content.ReadAsByteArrayAsync());
        using var bad = await GetAsync($"{f.DownloadUrl(bucket, name)}&generation=12345");
        Assert.Equal(HttpStatusCode.NotFound, bad.StatusCode);
    }

    [Fact]
    public async Task Old_generation_is_404_after_overwrite()
    {
        var (bucket, name, _, o) = await f.NewObjectAsync(20);
        await f.UploadAsync(bucket, name, [1, 2, 3]);
        using var resp = await GetAsync($"{f.DownloadUrl(bucket, name)}&generation={o.GetProperty("generation").GetString()}");
        await TestData.ErrorAsync(resp, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task IfGenerationMatch_mismatch_is_412_match_is_200()
    {
        var (bucket, name, _, o) = await f.NewObjectAsync(20);
        using var bad = await GetAsync($"{f.DownloadUrl(bucket, name)}&ifGenerationMatch=42");
        await TestData.ErrorAsync(bad, HttpStatusCode.PreconditionFailed);
        using var ok = await GetAsync($"{f.DownloadUrl(bucket, name)}&ifGenerationMatch={o.GetProperty("generation").GetString()}");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task IfGenerationNotMatch_current_is_304_other_is_200()
    {
        var (bucket, name, _, o) = await f.NewObjectAsync(20);
        using var same = await GetAsync($"{f.DownloadUrl(bucket, name)}&ifGenerationNotMatch={o.GetProperty("generation").GetString()}");
        Assert.Equal(HttpStatusCode.NotModified, same.StatusCode);
        using var other = await GetAsync($"{f.DownloadUrl(bucket, name)}&ifGenerationNotMatch=1");
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task Invalid_generation_value_is_400()
    {
        var (bucket, name, _, _) = await f.NewObjectAsync(20);
        using var resp = await GetAsync($"{f.DownloadUrl(bucket, name)}&generation=abc");
        await TestData.ErrorAsync(resp, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Download_missing_object_is_404_json()
    {
        var bucket = await f.CreateBucketAsync();
        using var resp = await GetAsync(f.DownloadUrl(bucket, "absent"));
        await TestData.ErrorAsync(resp, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Empty_object_downloads_as_zero_bytes()
    {
        var bucket = await f.CreateBucketAsync();
        var o = await f.UploadAsync(bucket, "empty", []);
        Assert.Equal("0", o.GetProperty("size").GetString());
        Assert.Equal("AAAAAA==", o.GetProperty("crc32c").GetString());
        using var resp = await GetAsync(f.DownloadUrl(bucket, "empty"));
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        Assert.Empty(await resp.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Head_returns_headers_without_body()
    {
        var (bucket, name, data, _) = await f.NewObjectAsync(300);
        using var resp = await f.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, f.DownloadUrl(bucket, name)));
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        Assert.Equal(300, resp.Content.Headers.ContentLength);
        Assert.Equal($"crc32c={Checksums.Crc32c(data)},md5={Checksums.Md5(data)}", TestData.Header(resp, "x-goog-hash"));
    }

    private async Task<(string Bucket, string Name, byte[] Plain, byte[] Gzipped)> GzipObjectAsync()
    {
        var bucket = await f.CreateBucketAsync();
        var plain = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("gzip me please ", 2000)));
        var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Optimal, leaveOpen: true)) gz.Write(plain);
        var gzipped = ms.ToArray();
        var o = await f.UploadAsync(bucket, "text.gz", gzipped, "text/plain", "&contentEncoding=gzip");
        Assert.Equal("gzip", o.GetProperty("contentEncoding").GetString());
        return (bucket, "text.gz", plain, gzipped);
    }

    [Fact]
    public async Task Gzip_object_without_accept_encoding_is_transcoded()
    {
        var (bucket, name, plain, gzipped) = await GzipObjectAsync();
        using var resp = await GetAsync(f.DownloadUrl(bucket, name), range: "bytes=0-9");
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        Assert.Empty(resp.Content.Headers.ContentEncoding);
        Assert.True(resp.Headers.TransferEncodingChunked); // no Content-Length on the wire
        Assert.Equal(plain, await resp.Content.ReadAsByteArrayAsync());
        Assert.Equal("gzip", TestData.Header(resp, "x-goog-stored-content-encoding"));
        Assert.Equal(gzipped.Length.ToString(), TestData.Header(resp, "x-goog-stored-content-length"));
        Assert.Contains($"crc32c={Checksums.Crc32c(gzipped)}", TestData.Header(resp, "x-goog-hash"));
    }

    [Fact]
    public async Task Gzip_object_with_accept_encoding_serves_stored_bytes()
    {
        var (bucket, name, _, gzipped) = await GzipObjectAsync();
        using var resp = await GetAsync(f.DownloadUrl(bucket, name), gzip: true);
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        Assert.Equal("gzip", Assert.Single(resp.Content.Headers.ContentEncoding));
        Assert.Equal(gzipped, await resp.Content.ReadAsByteArrayAsync());
        Assert.Equal($"crc32c={Checksums.Crc32c(gzipped)},md5={Checksums.Md5(gzipped)}", TestData.Header(resp, "x-goog-hash"));
    }

    [Fact]
    public async Task Gzip_object_with_accept_encoding_honours_range()
    {
        var (bucket, name, _, gzipped) = await GzipObjectAsync();
        using var resp = await GetAsync(f.DownloadUrl(bucket, name), "bytes=0-9", gzip: true);
        Assert.Equal(HttpStatusCode.PartialContent, resp.StatusCode);
        Assert.Equal(gzipped[..10], await resp.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Xml_api_get_downloads_object()
    {
        var (bucket, name, data, _) = await f.NewObjectAsync(64);
        using var resp = await GetAsync($"{f.Endpoint}/{bucket}/{name}", "bytes=-4");
        Assert.Equal(HttpStatusCode.PartialContent, resp.StatusCode);
        Assert.Equal(data[^4..], await resp.Content.ReadAsByteArrayAsync());
    }
}
