using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace GcsMedia.Emulator.Tests;

/// <summary>Content-Encoding: gzip request bodies on the JSON API are decoded, as GCS does (Google's clients gzip
/// their JSON metadata by default).</summary>
public class GzipRequestBodyTests(EmulatorFixture f) : IClassFixture<EmulatorFixture>
{
    private static byte[] Gzip(byte[] data)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest)) gz.Write(data);
        return ms.ToArray();
    }

    private static ByteArrayContent GzippedContent(byte[] plain, string contentType)
    {
        var content = new ByteArrayContent(Gzip(plain));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        content.Headers.ContentEncoding.Add("gzip");
        return content;
    }

    private static async Task<JsonElement> ObjectAsync(HttpResponseMessage resp)
    {
        var text = await resp.Content.ReadAsStringAsync();
        Assert.True(resp.StatusCode == HttpStatusCode.OK, $"{(int)resp.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    [Fact]
    public async Task Resumable_initiation_with_gzipped_metadata_starts_a_session_for_the_named_object()
    {
        var bucket = await f.CreateBucketAsync();
        var data = TestData.Random(1000);
        using var start = await f.Http.PostAsync($"{f.UploadUrl(bucket)}?uploadType=resumable",
            GzippedContent("{\"name\":\"gz-meta\",\"contentType\":\"text/x-gz-test\"}"u8.ToArray(), "application/json"));
        Assert.True(start.StatusCode == HttpStatusCode.OK, await start.Content.ReadAsStringAsync());
        using var put = await f.PutChunkAsync(start.Headers.Location!.ToString(), data, 0, data.Length, $"bytes 0-{data.Length - 1}/{data.Length}");
        var o = await ObjectAsync(put);
        Assert.Equal("gz-meta", o.GetProperty("name").GetString());
        Assert.Equal("text/x-gz-test", o.GetProperty("contentType").GetString());
        Assert.Equal(Checksums.Crc32c(data), o.GetProperty("crc32c").GetString());
    }

    [Fact]
    public async Task Media_upload_with_gzipped_body_stores_the_decoded_bytes()
    {
        var bucket = await f.CreateBucketAsync();
        var data = TestData.Random(300_000);
        using var resp = await f.Http.PostAsync($"{f.UploadUrl(bucket)}?uploadType=media&name=gz-media",
            GzippedContent(data, "application/octet-stream"));
        var o = await ObjectAsync(resp);
        Assert.Equal("300000", o.GetProperty("size").GetString());
        Assert.Equal(Checksums.Crc32c(data), o.GetProperty("crc32c").GetString());
        Assert.False(o.TryGetProperty("contentEncoding", out _));
        Assert.Equal(data, await f.Http.GetByteArrayAsync(f.DownloadUrl(bucket, "gz-media")));
    }

    [Fact]
    public async Task Multipart_upload_with_gzipped_body_reads_metadata_and_media()
    {
        var bucket = await f.CreateBucketAsync();
        var data = TestData.Random(5000);
        const string boundary = "gz_boundary";
        using var body = new MemoryStream();
        body.Write(Encoding.ASCII.GetBytes($"--{boundary}\r\nContent-Type: application/json\r\n\r\n{{\"name\":\"gz-multi\"}}\r\n" +
                                           $"--{boundary}\r\nContent-Type: application/octet-stream\r\n\r\n"));
        body.Write(data);
        body.Write(Encoding.ASCII.GetBytes($"\r\n--{boundary}--\r\n"));
        using var resp = await f.Http.PostAsync($"{f.UploadUrl(bucket)}?uploadType=multipart",
            GzippedContent(body.ToArray(), $"multipart/related; boundary={boundary}"));
        var o = await ObjectAsync(resp);
        Assert.Equal("gz-multi", o.GetProperty("name").GetString());
        Assert.Equal(Checksums.Crc32c(data), o.GetProperty("crc32c").GetString());
    }

    [Fact]
    public async Task Resumable_chunk_with_gzipped_body_counts_the_decoded_bytes()
    {
        var bucket = await f.CreateBucketAsync();
        var data = TestData.Random(2 * 262144 + 100);
        var session = await f.StartResumableAsync(bucket, "gz-chunks");
        using (var first = new HttpRequestMessage(HttpMethod.Put, session) { Content = GzippedContent(data[..(2 * 262144)], "application/octet-stream") })
        {
            first.Content.Headers.TryAddWithoutValidation("Content-Range", $"bytes 0-{2 * 262144 - 1}/*");
            using var resp = await f.Http.SendAsync(first);
            Assert.Equal((HttpStatusCode)308, resp.StatusCode);
            Assert.Equal($"bytes=0-{2 * 262144 - 1}", TestData.Header(resp, "Range"));
        }
        using var last = new HttpRequestMessage(HttpMethod.Put, session) { Content = GzippedContent(data[(2 * 262144)..], "application/octet-stream") };
        last.Content.Headers.TryAddWithoutValidation("Content-Range", $"bytes {2 * 262144}-{data.Length - 1}/{data.Length}");
        var o = await ObjectAsync(await f.Http.SendAsync(last));
        Assert.Equal(Checksums.Crc32c(data), o.GetProperty("crc32c").GetString());
    }

    [Fact]
    public async Task Bucket_insert_with_gzipped_body_creates_the_bucket()
    {
        var name = EmulatorFixture.UniqueName("gzb").ToLowerInvariant();
        using var resp = await f.Http.PostAsync($"{f.Endpoint}/storage/v1/b?project=p",
            GzippedContent(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { name })), "application/json"));
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        using var get = await f.Http.GetAsync($"{f.Endpoint}/storage/v1/b/{name}");
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
    }

    [Fact]
    public async Task A_corrupt_gzip_body_is_a_400_with_a_json_error()
    {
        var bucket = await f.CreateBucketAsync();
        var content = new ByteArrayContent([0x1f, 0x8b, 0x08, 0x00, 0xde, 0xad, 0xbe, 0xef, 0x00, 0x01, 0x02]);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json");
        content.Headers.ContentEncoding.Add("gzip");
        using var resp = await f.Http.PostAsync($"{f.UploadUrl(bucket)}?uploadType=resumable", content);
        Assert.Equal(HttpStatusCode.BadRequest, resp.StatusCode);
        var error = JsonDocument.Parse(await resp.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        Assert.Equal(400, error.GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Xml_put_keeps_content_encoding_as_object_metadata_and_the_bytes_as_sent()
    {
        var bucket = await f.CreateBucketAsync();
        var gzipped = Gzip(Encoding.UTF8.GetBytes("hello, compressed world"));
        var content = new ByteArrayContent(gzipped);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("text/plain");
        content.Headers.ContentEncoding.Add("gzip");
        using var resp = await f.Http.PutAsync($"{f.Endpoint}/{bucket}/xml-gz", content);
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        using var meta = await f.Http.GetAsync(f.ObjectUrl(bucket, "xml-gz"));
        var o = await ObjectAsync(meta);
        Assert.Equal("gzip", o.GetProperty("contentEncoding").GetString());
        Assert.Equal(Checksums.Crc32c(gzipped), o.GetProperty("crc32c").GetString());
    }

    /// <summary>The reproduction from issue 11, run as written (printf | gzip | curl).</summary>
    [Fact]
    public async Task The_curl_reproduction_from_the_issue_starts_a_session()
    {
        var bucket = await f.CreateBucketAsync();
        var script = "printf '{\"name\":\"o\"}' | gzip | curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Encoding: gzip' " +
                     "-H 'content-type: application/json' --data-binary @- \"$E/upload/storage/v1/b/$B/o?uploadType=resumable\"";
        var info = new ProcessStartInfo("bash", ["-c", script]) { RedirectStandardOutput = true, RedirectStandardError = true };
        info.Environment["E"] = f.Endpoint;
        info.Environment["B"] = bucket;
        using var process = Process.Start(info)!;
        var status = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.Equal(0, process.ExitCode);
        Assert.Equal("200", status.Trim());
    }
}
