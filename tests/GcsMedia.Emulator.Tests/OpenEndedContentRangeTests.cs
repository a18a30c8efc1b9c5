using System.Net;
using System.Text.Json;

namespace GcsMedia.Emulator.Tests;

/// <summary>Content-Range "bytes a-*/T" and "bytes a-*/*": the end is a plus the body's length (Google's Node.js
/// client sends a whole upload in one PUT this way).</summary>
public class OpenEndedContentRangeTests(EmulatorFixture f) : IClassFixture<EmulatorFixture>
{
    private const int Q = 262144;

    private static async Task<JsonElement> ObjectAsync(HttpResponseMessage resp)
    {
        var text = await resp.Content.ReadAsStringAsync();
        Assert.True(resp.StatusCode == HttpStatusCode.OK, $"{(int)resp.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>A PUT whose body has no Content-Length (chunked transfer), as a streaming client sends it.</summary>
    private async Task<HttpResponseMessage> PutStreamingAsync(string session, byte[] data, int offset, int count, string contentRange)
    {
        var content = new StreamContent(new MemoryStream(data, offset, count, writable: false));
        content.Headers.TryAddWithoutValidation("Content-Range", contentRange);
        using var req = new HttpRequestMessage(HttpMethod.Put, session) { Content = content };
        req.Headers.TransferEncodingChunked = true;
        return await f.Http.SendAsync(req);
    }

    [Fact]
    public async Task Whole_upload_with_unknown_total_finishes_the_object()
    {
        var bucket = await f.CreateBucketAsync();
        var data = TestData.Random(Q + 12345);
        var session = await f.StartResumableAsync(bucket, "open-star");
        using var resp = await PutStreamingAsync(session, data, 0, data.Length, "bytes 0-*/*");
        var o = await ObjectAsync(resp);
        Assert.Equal(data.Length.ToString(), o.GetProperty("size").GetString());
        Assert.Equal(Checksums.Crc32c(data), o.GetProperty("crc32c").GetString());
        Assert.Equal(data, await f.Http.GetByteArrayAsync(f.DownloadUrl(bucket, "open-star")));
    }

    [Fact]
    public async Task Whole_upload_with_declared_total_finishes_the_object()
    {
        var bucket = await f.CreateBucketAsync();
        var data = TestData.Random(70_000);
        var session = await f.StartResumableAsync(bucket, "open-total", declaredLength: data.Length);
        using var resp = await f.PutChunkAsync(session, data, 0, data.Length, $"bytes 0-*/{data.Length}");
        var o = await ObjectAsync(resp);
        Assert.Equal(Checksums.Crc32c(data), o.GetProperty("crc32c").GetString());
    }

    [Fact]
    public async Task Open_end_after_a_closed_chunk_sends_the_rest()
    {
        var bucket = await f.CreateBucketAsync();
        var data = TestData.Random(2 * Q + 999);
        var session = await f.StartResumableAsync(bucket, "open-rest");
        using (var first = await f.PutChunkAsync(session, data, 0, Q, $"bytes 0-{Q - 1}/*"))
            Assert.Equal((HttpStatusCode)308, first.StatusCode);
        using var rest = await PutStreamingAsync(session, data, Q, data.Length - Q, $"bytes {Q}-*/*");
        var o = await ObjectAsync(rest);
        Assert.Equal(Checksums.Crc32c(data), o.GetProperty("crc32c").GetString());
        Assert.Equal(Checksums.Md5(data), o.GetProperty("md5Hash").GetString());
    }

    [Fact]
    public async Task Open_end_resent_from_an_earlier_offset_skips_the_bytes_already_persisted()
    {
        var bucket = await f.CreateBucketAsync();
        var data = TestData.Random(2 * Q + 10);
        var session = await f.StartResumableAsync(bucket, "open-overlap");
        using (var first = await f.PutChunkAsync(session, data, 0, Q, $"bytes 0-{Q - 1}/*"))
            Assert.Equal((HttpStatusCode)308, first.StatusCode);
        using var all = await PutStreamingAsync(session, data, 0, data.Length, $"bytes 0-*/{data.Length}");
        var o = await ObjectAsync(all);
        Assert.Equal(Checksums.Crc32c(data), o.GetProperty("crc32c").GetString());
    }

    [Fact]
    public async Task Open_end_with_a_total_that_disagrees_with_the_body_is_rejected()
    {
        var bucket = await f.CreateBucketAsync();
        var data = TestData.Random(1000);
        var session = await f.StartResumableAsync(bucket, "open-bad");
        using var resp = await f.PutChunkAsync(session, data, 0, data.Length, "bytes 0-*/2000");
        Assert.Equal(HttpStatusCode.BadRequest, resp.StatusCode);
    }

    [Fact]
    public async Task Open_end_beyond_the_persisted_offset_is_rejected()
    {
        var bucket = await f.CreateBucketAsync();
        var data = TestData.Random(1000);
        var session = await f.StartResumableAsync(bucket, "open-gap");
        using var resp = await f.PutChunkAsync(session, data, 0, data.Length, "bytes 500-*/*");
        Assert.Equal(HttpStatusCode.BadRequest, resp.StatusCode);
    }

    [Theory]
    [InlineData("bytes 0-*/*", 0L, null, null)]
    [InlineData("bytes 262144-*/1000000", 262144L, null, 1000000L)]
    public void Parse_reads_an_open_end(string header, long first, long? last, long? total)
    {
        var range = ContentRangeHeader.Parse(header);
        Assert.True(range.OpenEnd);
        Assert.Equal(first, range.First);
        Assert.Equal(last, range.Last);
        Assert.Equal(total, range.Total);
    }

    [Fact]
    public void Parse_rejects_an_open_end_that_starts_past_the_total()
    {
        var e = Assert.Throws<GcsException>(() => ContentRangeHeader.Parse("bytes 10-*/5"));
        Assert.Equal(400, e.Status);
    }

    [Fact]
    public void Parse_still_rejects_garbage()
    {
        Assert.Throws<GcsException>(() => ContentRangeHeader.Parse("bytes *-*/*"));
        Assert.Throws<GcsException>(() => ContentRangeHeader.Parse("bytes 0-*"));
    }
}
