using System.Net;
using System.Text.Json;

namespace GcsMedia.Emulator.Tests;

public class ResumableUploadTests(EmulatorFixture f) : IClassFixture<EmulatorFixture>
{
    private const int Q = 262144;

    private static async Task<JsonElement> ObjectAsync(HttpResponseMessage resp)
    {
        var text = await resp.Content.ReadAsStringAsync();
        Assert.True(resp.StatusCode == HttpStatusCode.OK, $"{(int)resp.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    [Fact]
    public async Task Start_returns_location_with_upload_id_and_header()
    {
        var bucket = await f.CreateBucketAsync();
        using var req = new HttpRequestMessage(HttpMethod.Post, $"{f.UploadUrl(bucket)}?uploadType=resumable") { Content = EmulatorFixture.Json(new { name = "r" }) };
        req.Headers.Add("X-Upload-Content-Type", "text/plain");
        using var resp = await f.Http.SendAsync(req);
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        var location = resp.Headers.Location!.ToString();
        Assert.StartsWith($"{f.Endpoint}/upload/storage/v1/b/{bucket}/o?uploadType=resumable&upload_id=", location);
        var id = location[(location.IndexOf("upload_id=", StringComparison.Ordinal) + 10)..];
        Assert.Equal(id, TestData.Header(resp, "X-GUploader-UploadID"));
    }

    [Fact]
    public async Task Upload_600000_bytes_in_two_chunks()
    {
        var bucket = await f.CreateBucketAsync();
        var data = TestData.Random(600_000);
        var session = await f.StartResumableAsync(bucket, "six");
        using (var first = await f.PutChunkAsync(session, data, 0, 2 * Q, $"bytes 0-{2 * Q - 1}/*"))
        {
            Assert.Equal((HttpStatusCode)308, first.StatusCode);
            Assert.Equal($"bytes=0-{2 * Q - 1}", TestData.Header(first, "Range"));
        }
        using var last = await f.PutChunkAsync(session, data, 2 * Q, data.Length - 2 * Q, $"bytes {2 * Q}-{data.Length - 1}/{data.Length}");
        var o = await ObjectAsync(last);
        Assert.Equal("600000", o.GetProperty("size").GetString());
        Assert.Equal(Checksums.Crc32c(data), o.GetProperty("crc32c").GetString());
        Assert.Equal(Checksums.Md5(data), o.GetProperty("md5Hash").GetString());
        Assert.Equal("application/x-test", o.GetProperty("contentType").GetString());
        Assert.Equal(data, await f.Http.GetByteArrayAsync(f.DownloadUrl(bucket, "six")));
    }

    [Fact]
    public async Task Status_query_before_any_data_is_308_without_range()
    {
        var bucket = await f.CreateBucketAsync();
        var session = await f.StartResumableAsync(bucket, "s");
        using var resp = await f.StatusQueryAsync(session);
        Assert.Equal((HttpStatusCode)308, resp.StatusCode);
        Assert.False(resp.Headers.Contains("Range"));
    }

    [Fact]
    public async Task Status_query_after_chunk_reports_persisted_range()
    {
        var bucket = await f.CreateBucketAsync();
        var data = TestData.Random(Q * 2);
        var session = await f.StartResumableAsync(bucket, "s");
        (await f.PutChunkAsync(session, data, 0, Q, $"bytes 0-{Q - 1}/*")).Dispose();
        using var resp = await f.StatusQueryAsync(session);
        Assert.Equal((HttpStatusCode)308, resp.StatusCode);
        Assert.Equal($"bytes=0-{Q - 1}", TestData.Header(resp, "Range"));
        using var withTotal = await f.StatusQueryAsync(session, $"bytes */{Q * 2}");
        Assert.Equal((HttpStatusCode)308, withTotal.StatusCode);
    }

    [Fact]
    public async Task Non_multiple_chunk_is_400_and_poisons_session()
    {
        var bucket = await f.CreateBucketAsync();
        var data = TestData.Random(Q * 2);
        var session = await f.StartResumableAsync(bucket, "poison");
        using (var bad = await f.PutChunkAsync(session, data, 0, 1024, "bytes 0-1023/*"))
        {
            var e = await TestData.ErrorAsync(bad, HttpStatusCode.BadRequest);
            Assert.Contains("262144", e.GetProperty("message").GetString());
        }
        using (var good = await f.PutChunkAsync(session, data, 0, Q, $"bytes 0-{Q - 1}/*"))
            Assert.Equal(HttpStatusCode.BadRequest, good.StatusCode);
        using var status = await f.StatusQueryAsync(session);
        Assert.Equal(HttpStatusCode.BadRequest, status.StatusCode);
    }

    [Fact]
    public async Task Chunk_starting_beyond_persisted_is_400()
    {
        var bucket = await f.CreateBucketAsync();
        var data = TestData.Random(Q * 3);
        var session = await f.StartResumableAsync(bucket, "gap");
        using var resp = await f.PutChunkAsync(session, data, Q, Q, $"bytes {Q}-{2 * Q - 1}/*");
        await TestData.ErrorAsync(resp, HttpStatusCode.BadRequest);
        using var status = await f.StatusQueryAsync(session);
        Assert.Equal((HttpStatusCode)308, status.StatusCode);
    }

    [Fact]
    public async Task Overlapping_chunk_skips_already_persisted_prefix()
    {
        var bucket = await f.CreateBucketAsync();
        var data = TestData.Random(Q * 3 + 100);
        var session = await f.StartResumableAsync(bucket, "overlap");
        (await f.PutChunkAsync(session, data, 0, 2 * Q, $"bytes 0-{2 * Q - 1}/*")).Dispose();
        // Resend from Q: the first Q bytes of this chunk are already persisted.
        using (var resp = await f.PutChunkAsync(session, data, Q, 2 * Q, $"bytes {Q}-{3 * Q - 1}/*"))
            Assert.Equal($"bytes=0-{3 * Q - 1}", TestData.Header(resp, "Range"));
        using var last = await f.PutChunkAsync(session, data, 3 * Q, 100, $"bytes {3 * Q}-{3 * Q + 99}/{data.Length}");
        var o = await ObjectAsync(last);
        Assert.Equal(Checksums.Crc32c(data), o.GetProperty("crc32c").GetString());
        Assert.Equal(data, await f.Http.GetByteArrayAsync(f.DownloadUrl(bucket, "overlap")));
    }

    [Fact]
    public async Task Unknown_total_then_empty_final_put_finalizes()
    {
        var bucket = await f.CreateBucketAsync();
        var data = TestData.Random(Q);
        var session = await f.StartResumableAsync(bucket, "atboundary");
        (await f.PutChunkAsync(session, data, 0, Q, $"bytes 0-{Q - 1}/*")).Dispose();
        using var fin = await f.StatusQueryAsync(session, $"bytes */{Q}");
        var o = await ObjectAsync(fin);
        Assert.Equal(Q.ToString(), o.GetProperty("size").GetString());
    }

    [Fact]
    public async Task Empty_object_with_bytes_star_slash_zero()
    {
        var bucket = await f.CreateBucketAsync();
        var session = await f.StartResumableAsync(bucket, "empty");
        using var fin = await f.StatusQueryAsync(session, "bytes */0");
        var o = await ObjectAsync(fin);
        Assert.Equal("0", o.GetProperty("size").GetString());
        Assert.Equal("AAAAAA==", o.GetProperty("crc32c").GetString());
    }

    [Fact]
    public async Task Single_put_without_content_range_uploads_everything()
    {
        var bucket = await f.CreateBucketAsync();
        var session = await f.StartResumableAsync(bucket, "onego");
        using var req = new HttpRequestMessage(HttpMethod.Put, session) { Content = new ByteArrayContent("Hi"u8.ToArray()) };
        using var resp = await f.Http.SendAsync(req);
        Assert.Equal("ihY6wA==", (await ObjectAsync(resp)).GetProperty("crc32c").GetString());
    }

    [Fact]
    public async Task Final_chunk_x_goog_hash_match_succeeds()
    {
        var bucket = await f.CreateBucketAsync();
        var data = TestData.Random(Q + 10);
        var session = await f.StartResumableAsync(bucket, "hashok");
        (await f.PutChunkAsync(session, data, 0, Q, $"bytes 0-{Q - 1}/*")).Dispose();
        using var last = await f.PutChunkAsync(session, data, Q, 10, $"bytes {Q}-{Q + 9}/{data.Length}",
            xGoogHash: $"crc32c={Checksums.Crc32c(data)},md5={Checksums.Md5(data)}");
        await ObjectAsync(last);
    }

    [Fact]
    public async Task Final_chunk_x_goog_hash_mismatch_is_400_and_no_object()
    {
        var bucket = await f.CreateBucketAsync();
        var data = TestData.Random(100);
        var session = await f.StartResumableAsync(bucket, "hashbad");
        using var last = await f.PutChunkAsync(session, data, 0, 100, "bytes 0-99/100", xGoogHash: "crc32c=AAAAAA==");
        await TestData.ErrorAsync(last, HttpStatusCode.BadRequest);
        using var get = await f.Http.GetAsync(f.ObjectUrl(bucket, "hashbad"));
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
    }

    [Fact]
    public async Task Metadata_md5_mismatch_fails_at_finalize()
    {
        var bucket = await f.CreateBucketAsync();
        var session = await f.StartResumableAsync(bucket, "m", metadata: new { name = "m", md5Hash = "1B2M2Y8AsgTpgAmY7PhCfg==" });
        using var last = await f.PutChunkAsync(session, "Hi"u8.ToArray(), 0, 2, "bytes 0-1/2");
        await TestData.ErrorAsync(last, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Completed_session_status_query_returns_200_object()
    {
        var bucket = await f.CreateBucketAsync();
        var session = await f.StartResumableAsync(bucket, "done");
        (await f.PutChunkAsync(session, "Hi"u8.ToArray(), 0, 2, "bytes 0-1/2")).Dispose();
        using var status = await f.StatusQueryAsync(session);
        var o = await ObjectAsync(status);
        Assert.Equal("done", o.GetProperty("name").GetString());
        Assert.Equal("2", o.GetProperty("size").GetString());
    }

    [Fact]
    public async Task IfGenerationMatch_zero_on_existing_object_fails_at_start()
    {
        var bucket = await f.CreateBucketAsync();
        await f.UploadAsync(bucket, "taken", [1]);
        using var req = new HttpRequestMessage(HttpMethod.Post, $"{f.UploadUrl(bucket)}?uploadType=resumable&ifGenerationMatch=0")
        { Content = EmulatorFixture.Json(new { name = "taken" }) };
        using var resp = await f.Http.SendAsync(req);
        await TestData.ErrorAsync(resp, HttpStatusCode.PreconditionFailed);
    }

    [Fact]
    public async Task IfGenerationMatch_zero_fails_at_finalize_when_created_meanwhile()
    {
        var bucket = await f.CreateBucketAsync();
        var session = await f.StartResumableAsync(bucket, "race", extraQuery: "&ifGenerationMatch=0");
        await f.UploadAsync(bucket, "race", [9]);
        using var last = await f.PutChunkAsync(session, "Hi"u8.ToArray(), 0, 2, "bytes 0-1/2");
        await TestData.ErrorAsync(last, HttpStatusCode.PreconditionFailed);
        Assert.Equal(new byte[] { 9 }, await f.Http.GetByteArrayAsync(f.DownloadUrl(bucket, "race")));
    }

    [Fact]
    public async Task Cancel_is_499_and_later_puts_are_404()
    {
        var bucket = await f.CreateBucketAsync();
        var session = await f.StartResumableAsync(bucket, "cancel");
        using (var del = await f.Http.DeleteAsync(session)) Assert.Equal(499, (int)del.StatusCode);
        using var put = await f.PutChunkAsync(session, [1], 0, 1, "bytes 0-0/1");
        await TestData.ErrorAsync(put, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Unknown_session_is_404()
    {
        var bucket = await f.CreateBucketAsync();
        using var put = await f.PutChunkAsync($"{f.UploadUrl(bucket)}?uploadType=resumable&upload_id=nope", [1], 0, 1, "bytes 0-0/1");
        await TestData.ErrorAsync(put, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Declared_length_mismatch_is_400()
    {
        var bucket = await f.CreateBucketAsync();
        var session = await f.StartResumableAsync(bucket, "declared", declaredLength: 10);
        using var put = await f.PutChunkAsync(session, [1, 2], 0, 2, "bytes 0-1/2");
        await TestData.ErrorAsync(put, HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("bytes 0-1")]
    [InlineData("bytes=0-1/2")]
    [InlineData("items 0-1/2")]
    public async Task Malformed_content_range_is_400(string contentRange)
    {
        var bucket = await f.CreateBucketAsync();
        var session = await f.StartResumableAsync(bucket, "cr");
        using var put = await f.PutChunkAsync(session, [1, 2], 0, 2, contentRange);
        await TestData.ErrorAsync(put, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Content_range_length_differs_from_body_is_400()
    {
        var bucket = await f.CreateBucketAsync();
        var session = await f.StartResumableAsync(bucket, "len");
        using var put = await f.PutChunkAsync(session, [1, 2, 3], 0, 3, "bytes 0-1/2");
        await TestData.ErrorAsync(put, HttpStatusCode.BadRequest);
        using var status = await f.StatusQueryAsync(session);
        Assert.Equal((HttpStatusCode)308, status.StatusCode);
        Assert.False(status.Headers.Contains("Range"));
    }

    [Fact]
    public async Task Start_without_name_is_400()
    {
        var bucket = await f.CreateBucketAsync();
        using var resp = await f.Http.PostAsync($"{f.UploadUrl(bucket)}?uploadType=resumable", EmulatorFixture.Json(new { contentType = "x/y" }));
        await TestData.ErrorAsync(resp, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Start_stores_metadata_from_json()
    {
        var bucket = await f.CreateBucketAsync();
        var session = await f.StartResumableAsync(bucket, "meta",
            metadata: new { name = "meta", contentType = "text/x-meta", metadata = new { owner = "me" } });
        using var fin = await f.PutChunkAsync(session, [1], 0, 1, "bytes 0-0/1");
        var o = await ObjectAsync(fin);
        Assert.Equal("text/x-meta", o.GetProperty("contentType").GetString());
        Assert.Equal("me", o.GetProperty("metadata").GetProperty("owner").GetString());
    }
}
