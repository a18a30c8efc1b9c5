using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace GcsMedia.Emulator.Tests;

/// <summary>One in-memory emulator per test class, plus an HttpClient that neither decompresses nor follows redirects.</summary>
public class EmulatorFixture : IAsyncLifetime
{
    private static int _counter;

    public EmulatorServer Server { get; private set; } = null!;
    public HttpClient Http { get; private set; } = null!;
    public string Endpoint => Server.Endpoint.GetLeftPart(UriPartial.Authority);

    protected virtual EmulatorOptions CreateOptions() => new();

    public async Task InitializeAsync()
    {
        Server = await EmulatorServer.StartAsync(CreateOptions());
        Http = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
        }) { Timeout = TimeSpan.FromSeconds(60) };
    }

    public virtual async Task DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync();
    }

    public static string UniqueName(string prefix) =>
        $"{prefix}-{Interlocked.Increment(ref _counter)}-{Guid.NewGuid().ToString("N")[..8]}";

    public async Task<string> CreateBucketAsync(string prefix = "bkt")
    {
        var name = UniqueName(prefix).ToLowerInvariant();
        using var resp = await Http.PostAsync($"{Endpoint}/storage/v1/b?project=test", Json(new { name }));
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        return name;
    }

    public static StringContent Json(object value) =>
        new(JsonSerializer.Serialize(value), Encoding.UTF8, "application/json");

    public static string Esc(string s) => Uri.EscapeDataString(s);

    public string ObjectUrl(string bucket, string name) => $"{Endpoint}/storage/v1/b/{Esc(bucket)}/o/{Esc(name)}";
    public string DownloadUrl(string bucket, string name) => $"{Endpoint}/download/storage/v1/b/{Esc(bucket)}/o/{Esc(name)}?alt=media";
    public string UploadUrl(string bucket) => $"{Endpoint}/upload/storage/v1/b/{Esc(bucket)}/o";

    public async Task<JsonElement> UploadAsync(string bucket, string name, byte[] data, string contentType = "application/octet-stream",
        string extraQuery = "")
    {
        var content = new ByteArrayContent(data);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        using var resp = await Http.PostAsync($"{UploadUrl(bucket)}?uploadType=media&name={Esc(name)}{extraQuery}", content);
        var text = await resp.Content.ReadAsStringAsync();
        Assert.True(resp.StatusCode == HttpStatusCode.OK, $"upload failed: {(int)resp.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public async Task<(string Bucket, string Name, byte[] Data, JsonElement Object)> NewObjectAsync(int size = 1000, string contentType = "application/octet-stream")
    {
        var bucket = await CreateBucketAsync();
        var name = UniqueName("obj");
        var data = TestData.Random(size);
        var o = await UploadAsync(bucket, name, data, contentType);
        return (bucket, name, data, o);
    }

    /// <summary>Starts a resumable session and returns its Location.</summary>
    public async Task<string> StartResumableAsync(string bucket, string name, string? extraQuery = null, long? declaredLength = null,
        object? metadata = null, string? testId = null)
    {
        using var req = new HttpRequestMessage(HttpMethod.Post, $"{UploadUrl(bucket)}?uploadType=resumable{extraQuery}")
        {
            Content = Json(metadata ?? new { name }),
        };
        req.Headers.Add("X-Upload-Content-Type", "application/x-test");
        if (declaredLength is { } len) req.Headers.Add("X-Upload-Content-Length", len.ToString());
        if (testId is not null) req.Headers.Add("x-retry-test-id", testId);
        using var resp = await Http.SendAsync(req);
        Assert.True(resp.StatusCode == HttpStatusCode.OK, $"start failed: {(int)resp.StatusCode} {await resp.Content.ReadAsStringAsync()}");
        return resp.Headers.Location!.ToString();
    }

    public async Task<HttpResponseMessage> PutChunkAsync(string session, byte[] data, int offset, int count, string contentRange,
        string? xGoogHash = null, string? testId = null)
    {
        using var req = new HttpRequestMessage(HttpMethod.Put, session) { Content = new ByteArrayContent(data, offset, count) };
        req.Content.Headers.TryAddWithoutValidation("Content-Range", contentRange);
        if (xGoogHash is not null) req.Headers.TryAddWithoutValidation("x-goog-hash", xGoogHash);
        if (testId is not null) req.Headers.Add("x-retry-test-id", testId);
        return await Http.SendAsync(req);
    }

    public Task<HttpResponseMessage> StatusQueryAsync(string session, string contentRange = "bytes */*", string? testId = null) =>
        PutChunkAsync(session, [], 0, 0, contentRange, testId: testId);

    public async Task<string> CreateRetryTestAsync(string method, params string[] instructions)
    {
        var body = new Dictionary<string, object> { ["instructions"] = new Dictionary<string, string[]> { [method] = instructions } };
        using var resp = await Http.PostAsync($"{Endpoint}/retry_test", Json(body));
        var text = await resp.Content.ReadAsStringAsync();
        Assert.True(resp.StatusCode == HttpStatusCode.OK, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetString()!;
    }

    public async Task<JsonElement> GetRetryTestAsync(string id)
    {
        using var resp = await Http.GetAsync($"{Endpoint}/retry_test/{id}");
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        return JsonDocument.Parse(await resp.Content.ReadAsStringAsync()).RootElement.Clone();
    }
}

/// <summary>An emulator that keeps objects in a temporary data directory.</summary>
public sealed class DiskEmulatorFixture : EmulatorFixture
{
    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "gcsmedia-emu-" + Guid.NewGuid().ToString("N"));
    protected override EmulatorOptions CreateOptions() => new() { DataDirectory = DataDirectory };

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { }
    }
}
