using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace GcsMedia.Emulator.Tests;

public class FaultInjectionTests(EmulatorFixture f) : IClassFixture<EmulatorFixture>
{
    private async Task<HttpResponseMessage> GetWithTestAsync(string url, string testId, HttpCompletionOption option = HttpCompletionOption.ResponseContentRead)
    {
        var req = new HttpRequestMessage(HttpMethod.Get, url);
        req.Headers.Add("x-retry-test-id", testId);
        return await f.Http.SendAsync(req, option);
    }

    /// <summary>Reads as much of the body as arrives; returns the bytes and whether the stream broke.</summary>
    private static async Task<(byte[] Bytes, bool Broken)> ReadPartialAsync(HttpResponseMessage resp)
    {
        var ms = new MemoryStream();
        try
        {
            await using var s = await resp.Content.ReadAsStreamAsync();
            var buffer = new byte[8192];
            int n;
            while ((n = await s.ReadAsync(buffer)) > 0) ms.Write(buffer, 0, n);
            return (ms.ToArray(), false);
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            return (ms.ToArray(), true);
        }
    }

    [Fact]
    public async Task Create_get_delete_retry_test()
    {
        var body = "{\"instructions\": {\"storage.objects.get\": [\"return-503\", \"return-broken-stream\"]}}";
        using var resp = await f.Http.PostAsync($"{f.Endpoint}/retry_test", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        var created = JsonDocument.Parse(await resp.Content.ReadAsStringAsync()).RootElement;
        var id = created.GetProperty("id").GetString()!;
        Assert.False(created.GetProperty("completed").GetBoolean());
        Assert.Equal(new[] { "return-503", "return-broken-stream" },
            created.GetProperty("instructions").GetProperty("storage.objects.get").EnumerateArray().Select(e => e.GetString()));

        var got = await f.GetRetryTestAsync(id);
        Assert.Equal(id, got.GetProperty("id").GetString());
        using (var del = await f.Http.DeleteAsync($"{f.Endpoint}/retry_test/{id}")) Assert.Equal(HttpStatusCode.OK, del.StatusCode);
        using var gone = await f.Http.GetAsync($"{f.Endpoint}/retry_test/{id}");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task Unknown_instruction_is_rejected_with_400()
    {
        var body = "{\"instructions\": {\"storage.objects.get\": [\"return-teapot\"]}}";
        using var resp = await f.Http.PostAsync($"{f.Endpoint}/retry_test", new StringContent(body, Encoding.UTF8, "application/json"));
        await TestData.ErrorAsync(resp, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Missing_instructions_is_400()
    {
        using var resp = await f.Http.PostAsync($"{f.Endpoint}/retry_test", new StringContent("{}", Encoding.UTF8, "application/json"));
        await TestData.ErrorAsync(resp, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Return_503_consumed_once_then_completed()
    {
        var (bucket, name, data, _) = await f.NewObjectAsync(100);
        var id = await f.CreateRetryTestAsync("storage.objects.get", "return-503");
        using (var first = await GetWithTestAsync(f.DownloadUrl(bucket, name), id))
            await TestData.ErrorAsync(first, HttpStatusCode.ServiceUnavailable);
        Assert.True((await f.GetRetryTestAsync(id)).GetProperty("completed").GetBoolean());
        using var second = await GetWithTestAsync(f.DownloadUrl(bucket, name), id);
        Assert.Equal(data, await second.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Instructions_apply_only_to_their_method()
    {
        var (bucket, name, _, _) = await f.NewObjectAsync(100);
        var id = await f.CreateRetryTestAsync("storage.objects.insert", "return-503");
        using (var get = await GetWithTestAsync(f.DownloadUrl(bucket, name), id)) Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.False((await f.GetRetryTestAsync(id)).GetProperty("completed").GetBoolean());
        var req = new HttpRequestMessage(HttpMethod.Post, $"{f.UploadUrl(bucket)}?uploadType=media&name=n") { Content = new ByteArrayContent([1]) };
        req.Headers.Add("x-retry-test-id", id);
        using var ins = await f.Http.SendAsync(req);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ins.StatusCode);
    }

    [Fact]
    public async Task Requests_without_header_consume_nothing()
    {
        var (bucket, name, _, _) = await f.NewObjectAsync(100);
        var id = await f.CreateRetryTestAsync("storage.objects.get", "return-500");
        using (var get = await f.Http.GetAsync(f.DownloadUrl(bucket, name))) Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        var remaining = (await f.GetRetryTestAsync(id)).GetProperty("instructions").GetProperty("storage.objects.get");
        Assert.Equal("return-500", Assert.Single(remaining.EnumerateArray()).GetString());
    }

    [Fact]
    public async Task Metadata_get_counts_as_objects_get()
    {
        var (bucket, name, _, _) = await f.NewObjectAsync(10);
        var id = await f.CreateRetryTestAsync("storage.objects.get", "return-429");
        using var resp = await GetWithTestAsync(f.ObjectUrl(bucket, name), id);
        Assert.Equal((HttpStatusCode)429, resp.StatusCode);
    }

    [Fact]
    public async Task List_and_delete_have_their_own_methods()
    {
        var (bucket, name, _, _) = await f.NewObjectAsync(10);
        var listId = await f.CreateRetryTestAsync("storage.objects.list", "return-504");
        using (var list = await GetWithTestAsync($"{f.Endpoint}/storage/v1/b/{bucket}/o", listId))
            Assert.Equal(HttpStatusCode.GatewayTimeout, list.StatusCode);
        var delId = await f.CreateRetryTestAsync("storage.objects.delete", "return-502");
        var del = new HttpRequestMessage(HttpMethod.Delete, f.ObjectUrl(bucket, name));
        del.Headers.Add("x-retry-test-id", delId);
        using (var resp = await f.Http.SendAsync(del)) Assert.Equal(HttpStatusCode.BadGateway, resp.StatusCode);
        using var still = await f.Http.GetAsync(f.ObjectUrl(bucket, name));
        Assert.Equal(HttpStatusCode.OK, still.StatusCode);
    }

    [Fact]
    public async Task Reset_connection_is_a_real_tcp_reset()
    {
        var (bucket, name, _, _) = await f.NewObjectAsync(100);
        var id = await f.CreateRetryTestAsync("storage.objects.get", "return-reset-connection");
        var uri = new Uri(f.DownloadUrl(bucket, name));
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, uri.Port);
        var stream = client.GetStream();
        var request = $"GET {uri.PathAndQuery} HTTP/1.1\r\nHost: {uri.Authority}\r\nx-retry-test-id: {id}\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        var buffer = new byte[1024];
        var e = await Assert.ThrowsAnyAsync<IOException>(async () =>
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            while (await stream.ReadAsync(buffer, cts.Token) > 0) { }
        });
        Assert.Equal(SocketError.ConnectionReset, Assert.IsType<SocketException>(e.InnerException).SocketErrorCode);
    }

    [Fact]
    public async Task Reset_connection_makes_httpclient_throw()
    {
        var (bucket, name, _, _) = await f.NewObjectAsync(100);
        var id = await f.CreateRetryTestAsync("storage.objects.get", "return-reset-connection");
        await Assert.ThrowsAsync<HttpRequestException>(() => GetWithTestAsync(f.DownloadUrl(bucket, name), id));
    }

    [Fact]
    public async Task Broken_stream_sends_a_few_bytes_then_closes()
    {
        var (bucket, name, data, _) = await f.NewObjectAsync(100_000);
        var id = await f.CreateRetryTestAsync("storage.objects.get", "return-broken-stream");
        using var resp = await GetWithTestAsync(f.DownloadUrl(bucket, name), id, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        Assert.Equal(100_000, resp.Content.Headers.ContentLength);
        var (bytes, broken) = await ReadPartialAsync(resp);
        Assert.True(broken);
        Assert.True(bytes.Length <= 10);
        Assert.Equal(data[..bytes.Length], bytes);
    }

    [Fact]
    public async Task Broken_stream_after_256K_sends_exactly_256K()
    {
        var (bucket, name, data, _) = await f.NewObjectAsync(1_000_000);
        var id = await f.CreateRetryTestAsync("storage.objects.get", "return-broken-stream-after-256K");
        using var resp = await GetWithTestAsync(f.DownloadUrl(bucket, name), id, HttpCompletionOption.ResponseHeadersRead);
        var (bytes, broken) = await ReadPartialAsync(resp);
        Assert.True(broken);
        Assert.Equal(262144, bytes.Length);
        Assert.Equal(data[..262144], bytes);
    }

    [Fact]
    public async Task Broken_stream_on_small_object_still_breaks()
    {
        var (bucket, name, _, _) = await f.NewObjectAsync(5);
        var id = await f.CreateRetryTestAsync("storage.objects.get", "return-broken-stream-after-1K");
        using var resp = await GetWithTestAsync(f.DownloadUrl(bucket, name), id, HttpCompletionOption.ResponseHeadersRead);
        var (bytes, broken) = await ReadPartialAsync(resp);
        Assert.True(broken);
        Assert.Equal(4, bytes.Length);
    }

    [Fact]
    public async Task Stall_pauses_download_then_completes()
    {
        var (bucket, name, data, _) = await f.NewObjectAsync(300_000);
        var id = await f.CreateRetryTestAsync("storage.objects.get", "stall-for-1s-after-128K");
        var sw = Stopwatch.StartNew();
        using var resp = await GetWithTestAsync(f.DownloadUrl(bucket, name), id);
        Assert.Equal(data, await resp.Content.ReadAsByteArrayAsync());
        Assert.True(sw.Elapsed >= TimeSpan.FromMilliseconds(950), $"took {sw.Elapsed}");
    }

    [Fact]
    public async Task Stall_pauses_upload_then_completes()
    {
        var bucket = await f.CreateBucketAsync();
        var id = await f.CreateRetryTestAsync("storage.objects.insert", "stall-for-1s-after-64K");
        var data = TestData.Random(200_000);
        var req = new HttpRequestMessage(HttpMethod.Post, $"{f.UploadUrl(bucket)}?uploadType=media&name=stalled") { Content = new ByteArrayContent(data) };
        req.Headers.Add("x-retry-test-id", id);
        var sw = Stopwatch.StartNew();
        using var resp = await f.Http.SendAsync(req);
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        Assert.True(sw.Elapsed >= TimeSpan.FromMilliseconds(950), $"took {sw.Elapsed}");
        Assert.Equal(data, await f.Http.GetByteArrayAsync(f.DownloadUrl(bucket, "stalled")));
    }

    [Fact]
    public async Task Corrupted_data_has_full_length_wrong_bytes_and_true_hash()
    {
        var (bucket, name, data, _) = await f.NewObjectAsync(200_000);
        var id = await f.CreateRetryTestAsync("storage.objects.get", "return-corrupted-data");
        using var resp = await GetWithTestAsync(f.DownloadUrl(bucket, name), id);
        var body = await resp.Content.ReadAsByteArrayAsync();
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        Assert.Equal(data.Length, body.Length);
        Assert.NotEqual(data, body);
        Assert.Equal($"crc32c={Checksums.Crc32c(data)},md5={Checksums.Md5(data)}", TestData.Header(resp, "x-goog-hash"));
        Assert.NotEqual(Checksums.Crc32c(data), Checksums.Crc32c(body));
    }

    [Fact]
    public async Task Return_503_after_256K_on_resumable_chunk_persists_exactly_256K()
    {
        var bucket = await f.CreateBucketAsync();
        var data = TestData.Random(1024 * 1024);
        var session = await f.StartResumableAsync(bucket, "partial");
        var id = await f.CreateRetryTestAsync("storage.objects.insert", "return-503-after-256K");
        using (var resp = await f.PutChunkAsync(session, data, 0, data.Length, $"bytes 0-{data.Length - 1}/{data.Length}", testId: id))
            await TestData.ErrorAsync(resp, HttpStatusCode.ServiceUnavailable);
        using var status = await f.StatusQueryAsync(session);
        Assert.Equal((HttpStatusCode)308, status.StatusCode);
        Assert.Equal("bytes=0-262143", TestData.Header(status, "Range"));
    }

    [Fact]
    public async Task Byte_offset_fault_waits_for_the_first_chunk_instead_of_firing_on_the_session_start()
    {
        var bucket = await f.CreateBucketAsync();
        var data = TestData.Random(1024 * 1024);
        var id = await f.CreateRetryTestAsync("storage.objects.insert", "return-503-after-256K");
        var session = await f.StartResumableAsync(bucket, "deferred", testId: id);
        using (var resp = await f.PutChunkAsync(session, data, 0, data.Length, $"bytes 0-{data.Length - 1}/{data.Length}", testId: id))
            await TestData.ErrorAsync(resp, HttpStatusCode.ServiceUnavailable);
        using var status = await f.StatusQueryAsync(session);
        Assert.Equal("bytes=0-262143", TestData.Header(status, "Range"));
        Assert.True((await f.GetRetryTestAsync(id)).GetProperty("completed").GetBoolean());
    }

    [Fact]
    public async Task Return_400_on_insert_is_plain_error()
    {
        var bucket = await f.CreateBucketAsync();
        var id = await f.CreateRetryTestAsync("storage.objects.insert", "return-400");
        var req = new HttpRequestMessage(HttpMethod.Post, $"{f.UploadUrl(bucket)}?uploadType=media&name=x") { Content = new ByteArrayContent([1]) };
        req.Headers.Add("x-retry-test-id", id);
        using var resp = await f.Http.SendAsync(req);
        await TestData.ErrorAsync(resp, HttpStatusCode.BadRequest);
        using var get = await f.Http.GetAsync(f.ObjectUrl(bucket, "x"));
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
    }

    [Fact]
    public async Task Return_503_after_on_simple_upload_creates_no_object()
    {
        var bucket = await f.CreateBucketAsync();
        var id = await f.CreateRetryTestAsync("storage.objects.insert", "return-503-after-16K");
        var req = new HttpRequestMessage(HttpMethod.Post, $"{f.UploadUrl(bucket)}?uploadType=media&name=cut") { Content = new ByteArrayContent(TestData.Random(100_000)) };
        req.Headers.Add("x-retry-test-id", id);
        using var resp = await f.Http.SendAsync(req);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, resp.StatusCode);
        using var get = await f.Http.GetAsync(f.ObjectUrl(bucket, "cut"));
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
    }

    [Fact]
    public async Task Broken_stream_on_upload_cuts_the_connection_and_creates_nothing()
    {
        var bucket = await f.CreateBucketAsync();
        var id = await f.CreateRetryTestAsync("storage.objects.insert", "return-broken-stream");
        var req = new HttpRequestMessage(HttpMethod.Post, $"{f.UploadUrl(bucket)}?uploadType=media&name=broken") { Content = new ByteArrayContent(TestData.Random(100_000)) };
        req.Headers.Add("x-retry-test-id", id);
        await Assert.ThrowsAsync<HttpRequestException>(() => f.Http.SendAsync(req));
        using var get = await f.Http.GetAsync(f.ObjectUrl(bucket, "broken"));
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
    }

    [Fact]
    public async Task Corrupted_upload_fails_checksum_validation()
    {
        var bucket = await f.CreateBucketAsync();
        var data = TestData.Random(1000);
        var id = await f.CreateRetryTestAsync("storage.objects.insert", "return-corrupted-data");
        var req = new HttpRequestMessage(HttpMethod.Post, $"{f.UploadUrl(bucket)}?uploadType=media&name=corrupt") { Content = new ByteArrayContent(data) };
        req.Headers.Add("x-retry-test-id", id);
        req.Headers.TryAddWithoutValidation("x-goog-hash", $"crc32c={Checksums.Crc32c(data)}");
        using var resp = await f.Http.SendAsync(req);
        await TestData.ErrorAsync(resp, HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("storage.multipart.initiate")]
    [InlineData("storage.multipart.list")]
    public async Task Xml_mpu_methods_get_xml_shaped_injected_errors(string method)
    {
        var bucket = await f.CreateBucketAsync();
        var id = await f.CreateRetryTestAsync(method, "return-503");
        var req = method == "storage.multipart.initiate"
            ? new HttpRequestMessage(HttpMethod.Post, $"{f.Endpoint}/{bucket}/k?uploads")
            : new HttpRequestMessage(HttpMethod.Get, $"{f.Endpoint}/{bucket}?uploads");
        req.Headers.Add("x-retry-test-id", id);
        using var resp = await f.Http.SendAsync(req);
        await TestData.XmlErrorCodeAsync(resp, HttpStatusCode.ServiceUnavailable);
        Assert.True((await f.GetRetryTestAsync(id)).GetProperty("completed").GetBoolean());
    }

    [Fact]
    public async Task Xml_upload_part_fault_then_success()
    {
        var bucket = await f.CreateBucketAsync();
        using var init = await f.Http.PostAsync($"{f.Endpoint}/{bucket}/k?uploads", new ByteArrayContent([]));
        var uploadId = System.Xml.Linq.XDocument.Parse(await init.Content.ReadAsStringAsync()).Root!
            .Element((System.Xml.Linq.XNamespace)"http://s3.amazonaws.com/doc/2006-03-01/" + "UploadId")!.Value;
        var id = await f.CreateRetryTestAsync("storage.multipart.uploadPart", "return-503", "return-reset-connection");
        var url = $"{f.Endpoint}/{bucket}/k?partNumber=1&uploadId={Uri.EscapeDataString(uploadId)}";
        HttpRequestMessage Put() { var r = new HttpRequestMessage(HttpMethod.Put, url) { Content = new ByteArrayContent([1, 2, 3]) }; r.Headers.Add("x-retry-test-id", id); return r; }
        using (var first = await f.Http.SendAsync(Put())) Assert.Equal(HttpStatusCode.ServiceUnavailable, first.StatusCode);
        await Assert.ThrowsAsync<HttpRequestException>(() => f.Http.SendAsync(Put()));
        using var third = await f.Http.SendAsync(Put());
        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
    }

    [Fact]
    public async Task List_retry_tests()
    {
        var id = await f.CreateRetryTestAsync("storage.objects.get", "return-503");
        var text = await f.Http.GetStringAsync($"{f.Endpoint}/retry_tests");
        Assert.Contains(id, text);
    }
}
