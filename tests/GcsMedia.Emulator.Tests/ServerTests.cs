using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace GcsMedia.Emulator.Tests;

public class ServerLifecycleTests
{
    [Fact]
    public async Task StartAsync_listens_on_loopback_with_a_picked_port()
    {
        await using var server = await EmulatorServer.StartAsync(new EmulatorOptions());
        Assert.Equal("127.0.0.1", server.Endpoint.Host);
        Assert.True(server.Endpoint.Port > 0);
        using var http = new HttpClient();
        using var resp = await http.GetAsync($"{server.Endpoint.GetLeftPart(UriPartial.Authority)}/storage/v1/b/none");
        Assert.Equal(HttpStatusCode.NotFound, resp.StatusCode);
    }

    [Fact]
    public async Task Two_servers_get_different_ports_and_dispose_twice_is_safe()
    {
        var a = await EmulatorServer.StartAsync(new EmulatorOptions());
        var b = await EmulatorServer.StartAsync(new EmulatorOptions());
        Assert.NotEqual(a.Endpoint.Port, b.Endpoint.Port);
        await a.DisposeAsync();
        await a.DisposeAsync();
        await b.DisposeAsync();
    }

    [Fact]
    public async Task Executable_prints_endpoint_as_first_line_and_exits_on_sigterm()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "GcsMedia.Emulator.dll");
        var psi = new ProcessStartInfo("dotnet", [dll, "--port", "0"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        using var p = Process.Start(psi)!;
        try
        {
            var line = await p.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Matches(new Regex(@"^http://127\.0\.0\.1:\d+$"), line);
            using var http = new HttpClient();
            using var resp = await http.PostAsync($"{line}/storage/v1/b?project=p",
                new StringContent("{\"name\":\"proc-bkt\"}", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, resp.StatusCode);

            using var kill = Process.Start("kill", ["-TERM", p.Id.ToString()])!;
            await kill.WaitForExitAsync();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await p.WaitForExitAsync(cts.Token);
            Assert.Equal(0, p.ExitCode);
        }
        finally
        {
            if (!p.HasExited) p.Kill();
        }
    }
}

public class RoutingAndBadRequestTests(EmulatorFixture f) : IClassFixture<EmulatorFixture>
{
    [Theory]
    [InlineData("GET", "/")]
    [InlineData("GET", "/storage/v2/b")]
    [InlineData("PATCH", "/storage/v1/b/x/o/y")]
    [InlineData("GET", "/download/storage/v1/b/x")]
    [InlineData("GET", "/upload/storage/v1/b/x/o")]
    [InlineData("PUT", "/retry_test")]
    public async Task Unknown_json_routes_are_404_json(string method, string path)
    {
        using var resp = await f.Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), f.Endpoint + path));
        await TestData.ErrorAsync(resp, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Malformed_bucket_json_is_400()
    {
        using var resp = await f.Http.PostAsync($"{f.Endpoint}/storage/v1/b?project=p", new StringContent("{oops", Encoding.UTF8, "application/json"));
        await TestData.ErrorAsync(resp, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Malformed_retry_test_json_is_400()
    {
        using var resp = await f.Http.PostAsync($"{f.Endpoint}/retry_test", new StringContent("[1,", Encoding.UTF8, "application/json"));
        await TestData.ErrorAsync(resp, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Bad_percent_encoding_is_answered_not_crashed()
    {
        using var resp = await f.Http.GetAsync($"{f.Endpoint}/storage/v1/b/x/o/%E0%A4%A");
        Assert.True((int)resp.StatusCode is 400 or 404);
    }

    [Fact]
    public async Task Invalid_maxResults_is_400()
    {
        var bucket = await f.CreateBucketAsync();
        using var resp = await f.Http.GetAsync($"{f.Endpoint}/storage/v1/b/{bucket}/o?maxResults=-1");
        await TestData.ErrorAsync(resp, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Overlong_object_name_is_400()
    {
        var bucket = await f.CreateBucketAsync();
        using var resp = await f.Http.GetAsync(f.ObjectUrl(bucket, new string('a', 1025)));
        await TestData.ErrorAsync(resp, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Client_abort_mid_upload_leaves_server_healthy()
    {
        var bucket = await f.CreateBucketAsync();
        using var cts = new CancellationTokenSource();
        var slow = new SlowContent(cts);
        await Assert.ThrowsAnyAsync<Exception>(() =>
            f.Http.PostAsync($"{f.UploadUrl(bucket)}?uploadType=media&name=aborted", slow, cts.Token));
        using var get = await f.Http.GetAsync(f.ObjectUrl(bucket, "aborted"));
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        await f.UploadAsync(bucket, "after", [1]);
    }

    private sealed class SlowContent(CancellationTokenSource cts) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(new byte[1000]);
            await stream.FlushAsync();
            cts.Cancel();
            await Task.Delay(Timeout.Infinite, cts.Token);
        }

        protected override bool TryComputeLength(out long length) { length = 1_000_000; return true; }
    }
}

public class ConcurrencyTests(EmulatorFixture f) : IClassFixture<EmulatorFixture>
{
    [Fact]
    public async Task Fifty_concurrent_clients_upload_and_download()
    {
        var bucket = await f.CreateBucketAsync();
        var tasks = Enumerable.Range(0, 50).Select(async i =>
        {
            var data = TestData.Random(50_000 + i);
            var name = $"c/{i}";
            var session = await f.StartResumableAsync(bucket, name);
            using (var put = await f.PutChunkAsync(session, data, 0, data.Length, $"bytes 0-{data.Length - 1}/{data.Length}"))
                Assert.Equal(HttpStatusCode.OK, put.StatusCode);
            Assert.Equal(data, await f.Http.GetByteArrayAsync(f.DownloadUrl(bucket, name)));
        });
        await Task.WhenAll(tasks);
        var list = System.Text.Json.JsonDocument.Parse(await f.Http.GetStringAsync($"{f.Endpoint}/storage/v1/b/{bucket}/o?prefix=c%2F")).RootElement;
        Assert.Equal(50, list.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Concurrent_overwrites_leave_one_consistent_object()
    {
        var bucket = await f.CreateBucketAsync();
        var payloads = Enumerable.Range(0, 20).Select(i => TestData.Random(10_000 + i)).ToArray();
        await Task.WhenAll(payloads.Select(p => f.UploadAsync(bucket, "hot", p)));
        using var resp = await f.Http.GetAsync(f.DownloadUrl(bucket, "hot"));
        var body = await resp.Content.ReadAsByteArrayAsync();
        Assert.Contains(payloads, p => p.AsSpan().SequenceEqual(body));
        Assert.Equal($"crc32c={Checksums.Crc32c(body)},md5={Checksums.Md5(body)}", TestData.Header(resp, "x-goog-hash"));
    }
}

public class DiskStorageTests(DiskEmulatorFixture f) : IClassFixture<DiskEmulatorFixture>
{
    [Fact]
    public async Task Objects_are_files_under_the_data_directory()
    {
        var bucket = await f.CreateBucketAsync();
        var data = TestData.Random(123_456);
        await f.UploadAsync(bucket, "disk.bin", data);
        var blobs = Directory.GetFiles(Path.Combine(f.DataDirectory, "blobs"));
        Assert.Contains(blobs, b => new FileInfo(b).Length == data.Length && File.ReadAllBytes(b).AsSpan().SequenceEqual(data));
        Assert.Equal(data, await f.Http.GetByteArrayAsync(f.DownloadUrl(bucket, "disk.bin")));
    }

    [Fact]
    public async Task Resumable_upload_on_disk_round_trips_and_leaves_no_temp_files()
    {
        var bucket = await f.CreateBucketAsync();
        var data = TestData.Random(3 * 262144 + 5);
        var session = await f.StartResumableAsync(bucket, "r.bin");
        (await f.PutChunkAsync(session, data, 0, 262144, "bytes 0-262143/*")).Dispose();
        using var last = await f.PutChunkAsync(session, data, 262144, data.Length - 262144, $"bytes 262144-{data.Length - 1}/{data.Length}");
        Assert.Equal(HttpStatusCode.OK, last.StatusCode);
        Assert.Equal(data, await f.Http.GetByteArrayAsync(f.DownloadUrl(bucket, "r.bin")));
        using var ranged = new HttpRequestMessage(HttpMethod.Get, f.DownloadUrl(bucket, "r.bin"));
        ranged.Headers.TryAddWithoutValidation("Range", "bytes=-3");
        using var resp = await f.Http.SendAsync(ranged);
        Assert.Equal(data[^3..], await resp.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Deleting_an_object_removes_its_file()
    {
        var bucket = await f.CreateBucketAsync();
        var data = TestData.Random(77_777);
        await f.UploadAsync(bucket, "gone.bin", data);
        var before = Directory.GetFiles(Path.Combine(f.DataDirectory, "blobs")).Count(b => new FileInfo(b).Length == 77_777);
        (await f.Http.DeleteAsync(f.ObjectUrl(bucket, "gone.bin"))).Dispose();
        var after = Directory.GetFiles(Path.Combine(f.DataDirectory, "blobs")).Count(b => new FileInfo(b).Length == 77_777);
        Assert.Equal(before - 1, after);
    }

    [Fact]
    public async Task Overwrite_interrupted_chunk_is_rolled_back_on_disk()
    {
        var bucket = await f.CreateBucketAsync();
        var data = TestData.Random(2 * 262144);
        var session = await f.StartResumableAsync(bucket, "rb.bin");
        var id = await f.CreateRetryTestAsync("storage.objects.insert", "return-broken-stream-after-100K");
        await Assert.ThrowsAsync<HttpRequestException>(() =>
            f.PutChunkAsync(session, data, 0, 262144, "bytes 0-262143/*", testId: id));
        using (var status = await f.StatusQueryAsync(session))
        {
            Assert.Equal((HttpStatusCode)308, status.StatusCode);
            Assert.False(status.Headers.Contains("Range"));
        }
        using var all = await f.PutChunkAsync(session, data, 0, data.Length, $"bytes 0-{data.Length - 1}/{data.Length}");
        Assert.Equal(HttpStatusCode.OK, all.StatusCode);
        Assert.Equal(data, await f.Http.GetByteArrayAsync(f.DownloadUrl(bucket, "rb.bin")));
    }
}

public sealed class ShapedEmulatorFixture : EmulatorFixture
{
    protected override EmulatorOptions CreateOptions() => new() { LatencyMs = 300, BandwidthMbps = 8 };
}

public class ShapingTests(ShapedEmulatorFixture f) : IClassFixture<ShapedEmulatorFixture>
{
    [Fact]
    public async Task Latency_is_added_per_request()
    {
        var sw = Stopwatch.StartNew();
        using var resp = await f.Http.GetAsync($"{f.Endpoint}/storage/v1/b/missing-bucket");
        Assert.Equal(HttpStatusCode.NotFound, resp.StatusCode);
        Assert.True(sw.Elapsed >= TimeSpan.FromMilliseconds(280), $"took {sw.Elapsed}");
    }

    [Fact]
    public async Task Bandwidth_caps_download_throughput()
    {
        // 8 Mbit/s = 1 MB/s: 1.5 MB must take well over a second (the bucket's burst is only 50 ms worth).
        var (bucket, name, data, _) = await f.NewObjectAsync(1_500_000);
        var sw = Stopwatch.StartNew();
        var body = await f.Http.GetByteArrayAsync(f.DownloadUrl(bucket, name));
        Assert.Equal(data, body);
        Assert.True(sw.Elapsed >= TimeSpan.FromMilliseconds(1300), $"took {sw.Elapsed}");
    }
}
