using System.Net.Http.Headers;
using System.Text;
using GcsMedia.Emulator;
using Newtonsoft.Json.Linq;
using Xunit;

namespace GcsMedia.Protocol.Tests.TestSupport;

/// <summary>
/// The GCS endpoint for integration tests: STORAGE_EMULATOR_HOST when it is set (build.ps1 sets it; any
/// GCS-compatible emulator such as storage-testbench works), otherwise an in-process GcsMedia.Emulator.
/// Share it with [Collection(EmulatorCollection.Name)]. GcsMedia.Transfers.Tests compiles this file too (linked) and
/// adds its layer's helpers in a partial of its own.
/// </summary>
public sealed partial class EmulatorFixture : IAsyncLifetime
{
    private EmulatorServer? _server;
    private int _bucketCounter;

    public Uri Endpoint { get; private set; } = null!;

    /// <summary>A plain client (no retries, no auth) for arranging state and checking results.</summary>
    public HttpClient Http { get; } = new(new SocketsHttpHandler { AutomaticDecompression = System.Net.DecompressionMethods.None })
    {
        Timeout = TimeSpan.FromSeconds(100),
    };

    public StorageUrls Urls => new(Endpoint);

    public async Task InitializeAsync()
    {
        Uri? fromEnvironment = TransportOptions.EmulatorEndpointFromEnvironment();
        if (fromEnvironment != null)
        {
            Endpoint = fromEnvironment;
            return;
        }

        _server = await EmulatorServer.StartAsync(new EmulatorOptions());
        Endpoint = _server.Endpoint;
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        if (_server != null)
        {
            await _server.DisposeAsync();
        }
    }

    /// <summary>Creates a bucket with a unique name and returns the name.</summary>
    public async Task<string> CreateBucketAsync(string prefix = "bucket")
    {
        string name = $"{prefix}-{Environment.ProcessId}-{Interlocked.Increment(ref _bucketCounter)}-{Guid.NewGuid():N}".ToLowerInvariant();
        if (name.Length > 63)
        {
            name = name.Substring(0, 63).TrimEnd('-');
        }

        using var body = new StringContent(new JObject { ["name"] = name }.ToString(), Encoding.UTF8, "application/json");
        using HttpResponseMessage response = await Http.PostAsync($"{Root}/storage/v1/b?project=gcsmedia-tests", body);
        response.EnsureSuccessStatusCode();
        return name;
    }

    /// <summary>Stores an object with a plain simple upload (optionally gzip-encoded metadata via multipart is not needed here).</summary>
    public async Task<JObject> PutObjectAsync(string bucket, string name, byte[] data, string contentType = "application/octet-stream")
    {
        using var content = new ByteArrayContent(data);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        using HttpResponseMessage response = await Http.PostAsync(Urls.Upload(bucket, "media", name), content);
        string text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Arranging gs://{bucket}/{name} failed: {(int)response.StatusCode} {text}");
        }

        return JObject.Parse(text);
    }

    /// <summary>The object's metadata JSON, or null when it does not exist.</summary>
    public async Task<JObject?> GetObjectAsync(string bucket, string name)
    {
        using HttpResponseMessage response = await Http.GetAsync(Urls.ObjectMetadata(new GcsObjectRef(bucket, name)));
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        return JObject.Parse(await response.Content.ReadAsStringAsync());
    }

    public async Task<byte[]> ReadObjectAsync(string bucket, string name)
        => await Http.GetByteArrayAsync(Urls.MediaDownload(new GcsObjectRef(bucket, name), null));

    /// <summary>Registers storage-testbench fault instructions and returns the id for the x-retry-test-id header.</summary>
    public async Task<string> CreateRetryTestAsync(string method, params string[] instructions)
    {
        var request = new JObject { ["instructions"] = new JObject { [method] = new JArray(instructions) } };
        using var body = new StringContent(request.ToString(), Encoding.UTF8, "application/json");
        using HttpResponseMessage response = await Http.PostAsync($"{Root}/retry_test", body);
        response.EnsureSuccessStatusCode();
        return (string)JObject.Parse(await response.Content.ReadAsStringAsync())["id"]!;
    }

    /// <summary>True when every instruction of the retry test was consumed.</summary>
    public async Task<bool> RetryTestCompletedAsync(string id)
    {
        using HttpResponseMessage response = await Http.GetAsync($"{Root}/retry_test/{id}");
        response.EnsureSuccessStatusCode();
        return (bool)JObject.Parse(await response.Content.ReadAsStringAsync())["completed"]!;
    }

    public static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>The object's crc32c as GCS reports it (base64, big-endian).</summary>
    public static string Crc32c(byte[] data)
    {
        using MediaHasher hasher = MediaHasher.Create(ChecksumType.Crc32c)!;
        hasher.Append(data, 0, data.Length);
        return hasher.GetBase64();
    }

    private string Root => Endpoint.GetLeftPart(UriPartial.Authority);
}

[CollectionDefinition(Name)]
public sealed class EmulatorCollection : ICollectionFixture<EmulatorFixture>
{
    public const string Name = "Emulator";
}
