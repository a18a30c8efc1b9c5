using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using GcsMedia.Emulator;
using Google.Apis.Http;
using Google.Cloud.Storage.V1;

namespace GcsMedia.OfficialClient.Tests;

/// <summary>The official client, built the way a user would point it at an emulator (base URI and no credentials,
/// nothing else changed), plus a log of the requests it sent so tests can show what went over the wire.</summary>
public sealed class OfficialClientFixture : IAsyncLifetime
{
    private EmulatorServer? _ownEmulator;

    /// <summary>Base URL of the emulator, e.g. http://127.0.0.1:43567.</summary>
    public string Endpoint { get; private set; } = "";
    public StorageClient Client { get; private set; } = null!;
    public ConcurrentQueue<SentRequest> Sent { get; } = new();
    public HttpClient Http { get; } = new(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.None });

    public async Task InitializeAsync()
    {
        var host = Environment.GetEnvironmentVariable("STORAGE_EMULATOR_HOST");
        if (string.IsNullOrEmpty(host))
        {
            _ownEmulator = await EmulatorServer.StartAsync(new EmulatorOptions());
            host = _ownEmulator.Endpoint.GetLeftPart(UriPartial.Authority);
        }
        Endpoint = (host.Contains("://", StringComparison.Ordinal) ? host : "http://" + host).TrimEnd('/');
        Client = await new StorageClientBuilder
        {
            BaseUri = Endpoint + "/storage/v1/",
            UnauthenticatedAccess = true,
            HttpClientFactory = new RecordingHttpClientFactory(Sent),
        }.BuildAsync();
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        Http.Dispose();
        if (_ownEmulator is not null) await _ownEmulator.DisposeAsync();
    }

    private static int _counter;

    public static string UniqueName(string prefix) =>
        $"{prefix}-{Interlocked.Increment(ref _counter)}-{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>Creates a bucket through the client itself.</summary>
    public async Task<string> CreateBucketAsync()
    {
        var name = UniqueName("official").ToLowerInvariant();
        await Client.CreateBucketAsync("test-project", name);
        return name;
    }

    public static byte[] RandomBytes(int size)
    {
        var data = new byte[size];
        Random.Shared.NextBytes(data);
        return data;
    }

    /// <summary>The object resource as the emulator's JSON API returns it, read without the client.</summary>
    public async Task<Dictionary<string, object>> RawResourceAsync(string bucket, string name)
    {
        var url = $"{Endpoint}/storage/v1/b/{Uri.EscapeDataString(bucket)}/o/{Uri.EscapeDataString(name)}";
        return (await Http.GetFromJsonAsync<Dictionary<string, object>>(url))!;
    }

    /// <summary>One request the client sent: method, URL, and the headers that matter here.</summary>
    public sealed record SentRequest(string Method, Uri Url, string? ContentEncoding, string? ContentRange);

    private sealed class RecordingHttpClientFactory(ConcurrentQueue<SentRequest> log) : HttpClientFactory
    {
        protected override HttpMessageHandler CreateHandler(CreateHttpClientArgs args) =>
            new RecordingHandler(log) { InnerHandler = base.CreateHandler(args) };
    }

    private sealed class RecordingHandler(ConcurrentQueue<SentRequest> log) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var content = request.Content?.Headers;
            log.Enqueue(new SentRequest(request.Method.Method, request.RequestUri!,
                content?.ContentEncoding.Count > 0 ? string.Join(",", content.ContentEncoding) : null,
                content?.TryGetValues("Content-Range", out var range) == true ? string.Join(",", range) : null));
            return base.SendAsync(request, ct);
        }
    }
}
