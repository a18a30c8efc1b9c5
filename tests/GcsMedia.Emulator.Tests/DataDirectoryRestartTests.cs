using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;

namespace GcsMedia.Emulator.Tests;

/// <summary>With --data-dir, objects, open resumable sessions and open XML multipart uploads outlive the emulator:
/// a clean restart, and a kill -9 of the emulator process, on the same folder.</summary>
public sealed class DataDirectoryRestartTests : IAsyncLifetime
{
    private const int Q = 262144;
    private const int FiveMiB = 5 * 1024 * 1024;
    private static readonly XNamespace S3 = "http://s3.amazonaws.com/doc/2006-03-01/";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "gcsmedia-restart-" + Guid.NewGuid().ToString("N"));
    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false, AutomaticDecompression = DecompressionMethods.None });
    private EmulatorServer? _server;

    private string Endpoint => _server!.Endpoint.GetLeftPart(UriPartial.Authority);

    public async Task InitializeAsync() => _server = await EmulatorServer.StartAsync(new EmulatorOptions { DataDirectory = _dir, Buckets = { "restart" } });

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
        _http.Dispose();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private async Task RestartAsync()
    {
        await _server!.DisposeAsync();
        _server = await EmulatorServer.StartAsync(new EmulatorOptions { DataDirectory = _dir });
    }

    /// <summary>The same session on the restarted emulator (its port changed; the upload id did not).</summary>
    private string OnCurrentServer(string sessionUri) => Endpoint + new Uri(sessionUri).PathAndQuery;

    private async Task<JsonElement> JsonAsync(HttpResponseMessage resp)
    {
        var text = await resp.Content.ReadAsStringAsync();
        Assert.True(resp.StatusCode == HttpStatusCode.OK, $"{(int)resp.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private async Task<JsonElement> UploadAsync(string name, byte[] data, string contentType = "application/octet-stream")
    {
        var content = new ByteArrayContent(data);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return await JsonAsync(await _http.PostAsync($"{Endpoint}/upload/storage/v1/b/restart/o?uploadType=media&name={Uri.EscapeDataString(name)}", content));
    }

    private async Task<string> StartSessionAsync(string name)
    {
        using var resp = await _http.PostAsync($"{Endpoint}/upload/storage/v1/b/restart/o?uploadType=resumable",
            new StringContent(JsonSerializer.Serialize(new { name, metadata = new { kept = "yes" } }), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        return resp.Headers.Location!.ToString();
    }

    private async Task<HttpResponseMessage> PutAsync(string session, byte[] data, int offset, int count, string range)
    {
        using var req = new HttpRequestMessage(HttpMethod.Put, session) { Content = new ByteArrayContent(data, offset, count) };
        req.Content.Headers.TryAddWithoutValidation("Content-Range", range);
        return await _http.SendAsync(req);
    }

    [Fact]
    public async Task Objects_and_their_metadata_survive_a_restart()
    {
        var small = TestData.Random(12345);
        var uploaded = await UploadAsync("dir/small.bin", small, "text/x-kept");

        await RestartAsync();

        var meta = await JsonAsync(await _http.GetAsync($"{Endpoint}/storage/v1/b/restart/o/{Uri.EscapeDataString("dir/small.bin")}"));
        Assert.Equal(uploaded.GetProperty("generation").GetString(), meta.GetProperty("generation").GetString());
        Assert.Equal(Checksums.Crc32c(small), meta.GetProperty("crc32c").GetString());
        Assert.Equal(Checksums.Md5(small), meta.GetProperty("md5Hash").GetString());
        Assert.Equal("text/x-kept", meta.GetProperty("contentType").GetString());
        Assert.Equal(small, await _http.GetByteArrayAsync($"{Endpoint}/storage/v1/b/restart/o/{Uri.EscapeDataString("dir/small.bin")}?alt=media"));
        var newer = await UploadAsync("dir/small.bin", [1, 2, 3]);
        Assert.True(long.Parse(newer.GetProperty("generation").GetString()!) > long.Parse(uploaded.GetProperty("generation").GetString()!));
    }

    [Fact]
    public async Task Deleted_objects_and_buckets_stay_deleted()
    {
        await UploadAsync("gone.bin", [1, 2, 3]);
        using (var del = await _http.DeleteAsync($"{Endpoint}/storage/v1/b/restart/o/gone.bin")) Assert.Equal(HttpStatusCode.NoContent, del.StatusCode);
        using (var mk = await _http.PostAsync($"{Endpoint}/storage/v1/b", new StringContent("{\"name\":\"short-lived\"}", Encoding.UTF8, "application/json")))
            Assert.Equal(HttpStatusCode.OK, mk.StatusCode);
        using (var rm = await _http.DeleteAsync($"{Endpoint}/storage/v1/b/short-lived")) Assert.Equal(HttpStatusCode.NoContent, rm.StatusCode);

        await RestartAsync();

        using var obj = await _http.GetAsync($"{Endpoint}/storage/v1/b/restart/o/gone.bin");
        Assert.Equal(HttpStatusCode.NotFound, obj.StatusCode);
        using var bucket = await _http.GetAsync($"{Endpoint}/storage/v1/b/short-lived");
        Assert.Equal(HttpStatusCode.NotFound, bucket.StatusCode);
        using var kept = await _http.GetAsync($"{Endpoint}/storage/v1/b/restart");
        Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
        Assert.Empty(Directory.GetFiles(Path.Combine(_dir, "blobs")));
    }

    [Fact]
    public async Task An_open_resumable_session_continues_after_a_restart()
    {
        var data = TestData.Random(3 * Q + 500);
        var session = await StartSessionAsync("resumed.bin");
        using (var first = await PutAsync(session, data, 0, 2 * Q, $"bytes 0-{2 * Q - 1}/*")) Assert.Equal((HttpStatusCode)308, first.StatusCode);

        await RestartAsync();

        session = OnCurrentServer(session);
        using (var status = await PutAsync(session, [], 0, 0, "bytes */*"))
        {
            Assert.Equal((HttpStatusCode)308, status.StatusCode);
            Assert.Equal($"bytes=0-{2 * Q - 1}", TestData.Header(status, "Range"));
        }
        var o = await JsonAsync(await PutAsync(session, data, 2 * Q, data.Length - 2 * Q, $"bytes {2 * Q}-{data.Length - 1}/{data.Length}"));
        Assert.Equal(Checksums.Crc32c(data), o.GetProperty("crc32c").GetString());
        Assert.Equal(Checksums.Md5(data), o.GetProperty("md5Hash").GetString());
        Assert.Equal("yes", o.GetProperty("metadata").GetProperty("kept").GetString());
        Assert.Equal(data, await _http.GetByteArrayAsync($"{Endpoint}/storage/v1/b/restart/o/resumed.bin?alt=media"));
    }

    [Fact]
    public async Task Bytes_written_after_the_last_acknowledged_chunk_are_dropped_on_restart()
    {
        var data = TestData.Random(2 * Q);
        var session = await StartSessionAsync("torn.bin");
        using (var first = await PutAsync(session, data, 0, Q, $"bytes 0-{Q - 1}/*")) Assert.Equal((HttpStatusCode)308, first.StatusCode);
        await _server!.DisposeAsync();
        // What a crash in the middle of the next chunk leaves: bytes past the acknowledged offset.
        var temporary = Assert.Single(Directory.GetFiles(Path.Combine(_dir, "tmp")));
        await using (var torn = new FileStream(temporary, FileMode.Append)) torn.Write(TestData.Random(1000));
        _server = await EmulatorServer.StartAsync(new EmulatorOptions { DataDirectory = _dir });

        session = OnCurrentServer(session);
        using (var status = await PutAsync(session, [], 0, 0, "bytes */*")) Assert.Equal($"bytes=0-{Q - 1}", TestData.Header(status, "Range"));
        var o = await JsonAsync(await PutAsync(session, data, Q, Q, $"bytes {Q}-{2 * Q - 1}/{2 * Q}"));
        Assert.Equal(Checksums.Crc32c(data), o.GetProperty("crc32c").GetString());
    }

    [Fact]
    public async Task A_finished_session_still_answers_with_its_object_after_a_restart()
    {
        var data = TestData.Random(1000);
        var session = await StartSessionAsync("finished.bin");
        var done = await JsonAsync(await PutAsync(session, data, 0, data.Length, $"bytes 0-{data.Length - 1}/{data.Length}"));

        await RestartAsync();

        var again = await JsonAsync(await PutAsync(OnCurrentServer(session), [], 0, 0, $"bytes */{data.Length}"));
        Assert.Equal(done.GetProperty("generation").GetString(), again.GetProperty("generation").GetString());
        Assert.Equal(Checksums.Crc32c(data), again.GetProperty("crc32c").GetString());
    }

    [Fact]
    public async Task A_cancelled_session_stays_gone_after_a_restart()
    {
        var session = await StartSessionAsync("cancelled.bin");
        using (var cancel = await _http.DeleteAsync(session)) Assert.Equal(499, (int)cancel.StatusCode);

        await RestartAsync();

        using var status = await PutAsync(OnCurrentServer(session), [], 0, 0, "bytes */*");
        Assert.Equal(HttpStatusCode.NotFound, status.StatusCode);
        Assert.Empty(Directory.GetFiles(Path.Combine(_dir, "tmp")));
    }

    private async Task<string> InitiateMpuAsync(string key)
    {
        using var resp = await _http.PostAsync($"{Endpoint}/restart/{key}?uploads", new ByteArrayContent([]));
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        return XDocument.Parse(await resp.Content.ReadAsStringAsync()).Root!.Element(S3 + "UploadId")!.Value;
    }

    private async Task<string> PutPartAsync(string key, string id, int number, byte[] data)
    {
        using var resp = await _http.PutAsync($"{Endpoint}/restart/{key}?partNumber={number}&uploadId={Uri.EscapeDataString(id)}", new ByteArrayContent(data));
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        return resp.Headers.ETag!.Tag;
    }

    [Fact]
    public async Task An_open_multipart_upload_keeps_its_parts_after_a_restart_and_completes()
    {
        var part1 = TestData.Random(FiveMiB);
        var part2 = TestData.Random(FiveMiB);
        var part3 = TestData.Random(777);
        var id = await InitiateMpuAsync("mpu.bin");
        var etag1 = await PutPartAsync("mpu.bin", id, 1, part1);
        var etag2 = await PutPartAsync("mpu.bin", id, 2, part2);

        await RestartAsync();

        using (var list = await _http.GetAsync($"{Endpoint}/restart/mpu.bin?uploadId={Uri.EscapeDataString(id)}"))
        {
            var parts = XDocument.Parse(await list.Content.ReadAsStringAsync()).Root!.Elements(S3 + "Part").ToList();
            Assert.Equal(["1", "2"], parts.Select(p => p.Element(S3 + "PartNumber")!.Value));
            Assert.Equal([etag1, etag2], parts.Select(p => p.Element(S3 + "ETag")!.Value));
        }
        var etag3 = await PutPartAsync("mpu.bin", id, 3, part3);
        var body = "<CompleteMultipartUpload>" + string.Concat(new[] { (1, etag1), (2, etag2), (3, etag3) }
            .Select(p => $"<Part><PartNumber>{p.Item1}</PartNumber><ETag>{p.Item2}</ETag></Part>")) + "</CompleteMultipartUpload>";
        using (var complete = await _http.PostAsync($"{Endpoint}/restart/mpu.bin?uploadId={Uri.EscapeDataString(id)}", new StringContent(body)))
            Assert.Equal(HttpStatusCode.OK, complete.StatusCode);

        var whole = part1.Concat(part2).Concat(part3).ToArray();
        await RestartAsync();
        var meta = await JsonAsync(await _http.GetAsync($"{Endpoint}/storage/v1/b/restart/o/mpu.bin"));
        Assert.Equal(Checksums.Crc32c(whole), meta.GetProperty("crc32c").GetString());
        Assert.Equal(3, meta.GetProperty("componentCount").GetInt32());
        Assert.Equal(whole, await _http.GetByteArrayAsync($"{Endpoint}/restart/mpu.bin"));
        using var gone = await _http.GetAsync($"{Endpoint}/restart?uploads");
        Assert.Empty(XDocument.Parse(await gone.Content.ReadAsStringAsync()).Root!.Elements(S3 + "Upload"));
    }

    [Fact]
    public async Task An_aborted_multipart_upload_stays_gone_and_its_parts_are_deleted()
    {
        var id = await InitiateMpuAsync("aborted.bin");
        await PutPartAsync("aborted.bin", id, 1, TestData.Random(1000));
        using (var abort = await _http.DeleteAsync($"{Endpoint}/restart/aborted.bin?uploadId={Uri.EscapeDataString(id)}"))
            Assert.Equal(HttpStatusCode.NoContent, abort.StatusCode);

        await RestartAsync();

        using var part = await _http.PutAsync($"{Endpoint}/restart/aborted.bin?partNumber=2&uploadId={Uri.EscapeDataString(id)}", new ByteArrayContent([1]));
        Assert.Equal(HttpStatusCode.NotFound, part.StatusCode);
        Assert.Empty(Directory.GetFiles(Path.Combine(_dir, "blobs")));
    }

    [Fact]
    public async Task Files_nothing_refers_to_are_swept_on_start()
    {
        var kept = TestData.Random(100);
        await UploadAsync("kept.bin", kept);
        await _server!.DisposeAsync();
        await File.WriteAllBytesAsync(Path.Combine(_dir, "blobs", "orphan-blob"), [1, 2, 3]);
        await File.WriteAllBytesAsync(Path.Combine(_dir, "tmp", "orphan-temp"), [1, 2, 3]);
        _server = await EmulatorServer.StartAsync(new EmulatorOptions { DataDirectory = _dir });

        Assert.False(File.Exists(Path.Combine(_dir, "blobs", "orphan-blob")));
        Assert.False(File.Exists(Path.Combine(_dir, "tmp", "orphan-temp")));
        Assert.Equal(kept, await _http.GetByteArrayAsync($"{Endpoint}/storage/v1/b/restart/o/kept.bin?alt=media"));
    }

    [Fact]
    public async Task An_unreadable_record_is_skipped_and_the_rest_comes_back()
    {
        var kept = TestData.Random(100);
        await UploadAsync("kept-too.bin", kept);
        await _server!.DisposeAsync();
        await File.WriteAllTextAsync(Path.Combine(_dir, "catalog", "objects", "garbage.json"), "{not json");
        await File.WriteAllTextAsync(Path.Combine(_dir, "catalog", "sessions", "ACJd0sGARBAGE.json"), "[1,2");
        var stderr = Console.Error;
        var captured = new StringWriter();
        Console.SetError(captured);
        try { _server = await EmulatorServer.StartAsync(new EmulatorOptions { DataDirectory = _dir }); }
        finally { Console.SetError(stderr); }

        Assert.Equal(kept, await _http.GetByteArrayAsync($"{Endpoint}/storage/v1/b/restart/o/kept-too.bin?alt=media"));
        Assert.Contains("catalog/sessions", captured.ToString());
        Assert.DoesNotContain("ACJd0sGARBAGE", captured.ToString());
    }

    [Fact]
    public async Task A_resumable_session_survives_kill_9_of_the_emulator_process()
    {
        await _server!.DisposeAsync();
        _server = null;
        var dll = Path.Combine(AppContext.BaseDirectory, "GcsMedia.Emulator.dll");
        static (Process Process, string Url) Launch(string dll, params string[] args)
        {
            var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            info.ArgumentList.Add(dll);
            foreach (var a in args) info.ArgumentList.Add(a);
            var p = Process.Start(info)!;
            var url = p.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60)).GetAwaiter().GetResult()!;
            _ = p.StandardOutput.ReadToEndAsync();
            _ = p.StandardError.ReadToEndAsync();
            return (p, url);
        }

        var (first, url) = Launch(dll, "--port", "0", "--data-dir", _dir, "--bucket", "killed");
        var data = TestData.Random(2 * Q + 4321);
        string session;
        try
        {
            using var start = await _http.PostAsync($"{url}/upload/storage/v1/b/killed/o?uploadType=resumable",
                new StringContent("{\"name\":\"k.bin\"}", Encoding.UTF8, "application/json"));
            session = start.Headers.Location!.ToString();
            using var chunk = await PutAsync(session, data, 0, Q, $"bytes 0-{Q - 1}/*");
            Assert.Equal((HttpStatusCode)308, chunk.StatusCode);
        }
        finally
        {
            first.Kill(); // SIGKILL on Unix: no shutdown code runs
            await first.WaitForExitAsync();
            first.Dispose();
        }

        var port = new Uri(url).Port.ToString();
        var (second, url2) = Launch(dll, "--port", port, "--data-dir", _dir);
        try
        {
            Assert.Equal(url, url2);
            using (var status = await PutAsync(session, [], 0, 0, "bytes */*")) Assert.Equal($"bytes=0-{Q - 1}", TestData.Header(status, "Range"));
            var o = await JsonAsync(await PutAsync(session, data, Q, data.Length - Q, $"bytes {Q}-{data.Length - 1}/{data.Length}"));
            Assert.Equal(Checksums.Crc32c(data), o.GetProperty("crc32c").GetString());
        }
        finally
        {
            second.Kill();
            await second.WaitForExitAsync();
            second.Dispose();
        }
    }
}
