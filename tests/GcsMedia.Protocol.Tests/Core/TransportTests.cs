using System.Net;
using GcsMedia.Protocol.Tests.TestSupport;
using Xunit;

namespace GcsMedia.Protocol.Tests.Core;

public class TransportTests
{
    private const string Token = "ya29.SECRET-token-value-0123456789";

    [Fact]
    public async Task AccessToken_AddsBearerHeader()
    {
        var fake = new FakeHttpHandler().Respond(HttpStatusCode.OK, "ok");
        GcsTransport transport = GcsTransport.Create(new TransportOptions { Endpoint = new Uri("https://storage.googleapis.com"), AccessToken = Token }, fake);
        using var response = await transport.Client.GetAsync("https://storage.googleapis.com/storage/v1/b/b/o/o");
        Assert.Equal("Bearer " + Token, fake.Requests[0].Header("Authorization"));
        Assert.Equal("access-token", transport.AuthKind);
        Assert.False(transport.IsEmulator);
        Assert.Equal("https://storage.googleapis.com/", transport.Endpoint.AbsoluteUri);
    }

    [Fact]
    public async Task AccessToken_NotSentToAnotherHost()
    {
        var fake = new FakeHttpHandler().Respond(HttpStatusCode.OK, "ok");
        GcsTransport transport = GcsTransport.Create(new TransportOptions { Endpoint = new Uri("https://storage.googleapis.com"), AccessToken = Token }, fake);
        using var response = await transport.Client.GetAsync("https://elsewhere.example.com/x");
        Assert.Null(fake.Requests[0].Header("Authorization"));
    }

    [Fact]
    public async Task Emulator_SendsNoAuthHeader_EvenWithAToken()
    {
        var fake = new FakeHttpHandler().Respond(HttpStatusCode.OK, "ok");
        GcsTransport transport = GcsTransport.Create(
            new TransportOptions { Endpoint = new Uri("http://127.0.0.1:9000"), Emulator = true, AccessToken = Token }, fake);
        using var response = await transport.Client.GetAsync("http://127.0.0.1:9000/storage/v1/b/b/o/o");
        Assert.Null(fake.Requests[0].Header("Authorization"));
        Assert.True(transport.IsEmulator);
        Assert.Equal("none", transport.AuthKind);
        Assert.Equal("http://127.0.0.1:9000/download/storage/v1/b/b/o/o?alt=media", transport.Urls.MediaDownload(new GcsObjectRef("b", "o")));
    }

    [Fact]
    public void HttpEndpoint_NotAnEmulator_IsRefused()
    {
        var ex = Assert.Throws<ArgumentException>(() => GcsTransport.Create(new TransportOptions { Endpoint = new Uri("http://storage.example.com"), AccessToken = Token }));
        Assert.Contains("http://", ex.Message);
        Assert.DoesNotContain(Token, ex.Message);
    }

    [Theory]
    [InlineData("http://127.0.0.1:9000")]
    [InlineData("http://127.8.9.10:9000")]
    [InlineData("http://localhost:9000")]
    [InlineData("http://[::1]:9000")]
    public async Task HttpLoopbackEndpoint_WithAToken_SendsIt(string endpoint)
    {
        var fake = new FakeHttpHandler().Respond(HttpStatusCode.OK, "ok");
        GcsTransport transport = GcsTransport.Create(new TransportOptions { Endpoint = new Uri(endpoint), AccessToken = Token }, fake);
        using var response = await transport.Client.GetAsync(endpoint + "/storage/v1/b/b/o/o");
        Assert.Equal("Bearer " + Token, fake.Requests[0].Header("Authorization"));
        Assert.Equal("access-token", transport.AuthKind);
    }

    [Theory]
    [InlineData("http://10.0.0.5:9000")]
    [InlineData("http://localhost.example.com")]
    [InlineData("http://128.0.0.1")]
    public void HttpEndpointOffThisMachine_WithAToken_IsRefused(string endpoint)
    {
        var ex = Assert.Throws<ArgumentException>(() => GcsTransport.Create(new TransportOptions { Endpoint = new Uri(endpoint), AccessToken = Token }, new FakeHttpHandler()));
        Assert.Contains("http://", ex.Message);
        Assert.DoesNotContain(Token, ex.Message);
    }

    [Theory]
    [InlineData("https://storage.googleapis.com")]
    [InlineData("http://10.0.0.5:9000")]
    public async Task Anonymous_SendsNoAuthHeader_ToAnyEndpoint(string endpoint)
    {
        var fake = new FakeHttpHandler().Respond(HttpStatusCode.OK, "ok");
        GcsTransport transport = GcsTransport.Create(new TransportOptions { Endpoint = new Uri(endpoint), Anonymous = true }, fake);
        using var response = await transport.Client.GetAsync(endpoint + "/storage/v1/b/b/o/o");
        Assert.Null(fake.Requests[0].Header("Authorization"));
        Assert.Equal("none", transport.AuthKind);
    }

    [Fact]
    public async Task AuthHandler_RetriesATokenSourceThatFailedBefore()
    {
        int calls = 0;
        var fake = new FakeHttpHandler().Respond(HttpStatusCode.OK, "ok").Respond(HttpStatusCode.OK, "ok");
        using var handler = new AuthHandler(
            new Uri("https://storage.googleapis.com"),
            () => ++calls == 1
                ? Task.FromException<Func<CancellationToken, Task<string>>>(new CredentialsNotFoundException("none yet"))
                : Task.FromResult<Func<CancellationToken, Task<string>>>(_ => Task.FromResult(Token)),
            fake);
        using var client = new HttpClient(handler);
        await Assert.ThrowsAsync<CredentialsNotFoundException>(() => client.GetAsync("https://storage.googleapis.com/x"));
        using var response = await client.GetAsync("https://storage.googleapis.com/x");
        Assert.Equal("Bearer " + Token, fake.Requests[0].Header("Authorization"));
        Assert.Equal(2, calls);
    }

    [Fact]
    public void Token_AbsentFromToStringOfOptionsTransportAndHandler()
    {
        var options = new TransportOptions { Endpoint = new Uri("https://storage.googleapis.com"), AccessToken = Token };
        GcsTransport transport = GcsTransport.Create(options, new FakeHttpHandler());
        using var handler = AuthHandler.ForAccessToken(new Uri("https://storage.googleapis.com"), Token);
        Assert.DoesNotContain(Token, options.ToString());
        Assert.Contains("AccessToken=(set)", options.ToString());
        Assert.DoesNotContain(Token, transport.ToString());
        Assert.DoesNotContain(Token, handler.ToString());
    }

    [Fact]
    public async Task Token_AbsentFromDownloadErrorMessages()
    {
        var fake = new FakeHttpHandler().Respond(HttpStatusCode.Unauthorized, "{\"error\":{\"message\":\"Invalid Credentials\"}}");
        GcsTransport transport = GcsTransport.Create(new TransportOptions { Endpoint = new Uri("https://storage.googleapis.com"), AccessToken = Token }, fake);
        var download = new Download(transport.Urls.MediaDownload(new GcsObjectRef("b", "o")), new MemoryStream());
        var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => download.ConsumeAsync(transport.Client));
        Assert.Equal(401, ex.StatusCode);
        Assert.Equal("Bearer " + Token, fake.Requests[0].Header("Authorization"));
        Assert.DoesNotContain(Token, ex.ToString());
        Assert.DoesNotContain(ex.ResponseHeaders.Values, v => v.Contains(Token));
    }

    [Fact]
    public void Create_SameOptions_ReturnsTheCachedTransport()
    {
        var options = new TransportOptions { Endpoint = new Uri("http://127.0.0.1:1"), Emulator = true };
        GcsTransport a = GcsTransport.Create(options);
        GcsTransport b = GcsTransport.Create(new TransportOptions { Endpoint = new Uri("http://127.0.0.1:1/"), Emulator = true });
        GcsTransport c = GcsTransport.Create(new TransportOptions { Endpoint = new Uri("http://127.0.0.1:2"), Emulator = true });
        Assert.Same(a, b);
        Assert.NotSame(a, c);
        Assert.Equal(Timeout.InfiniteTimeSpan, a.Client.Timeout);
    }

    [Fact]
    public async Task Create_InParallel_YieldsOneTransport()
    {
        var options = new TransportOptions { Endpoint = new Uri("http://127.0.0.1:3"), Emulator = true };
        GcsTransport[] transports = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => GcsTransport.Create(options))));
        Assert.All(transports, t => Assert.Same(transports[0], t));
    }

    [Theory]
    [InlineData("127.0.0.1:9000", "http://127.0.0.1:9000/")]
    [InlineData("http://localhost:4443", "http://localhost:4443/")]
    [InlineData("https://gcs.local:8443", "https://gcs.local:8443/")]
    public void EmulatorHost_IsParsedAsStorageTestbenchDoes(string value, string expected)
        => Assert.Equal(expected, TransportOptions.ParseEmulatorHost(value).AbsoluteUri);

    [Fact]
    public async Task Redirect_IsNotFollowed()
    {
        await using var target = new TinyHttpServer((_, s, ct) => TinyHttpServer.WriteAsync(s, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", ct));
        await using var origin = new TinyHttpServer((_, s, ct) => TinyHttpServer.WriteAsync(
            s, $"HTTP/1.1 302 Found\r\nLocation: {target.Endpoint}stolen\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", ct));
        GcsTransport transport = GcsTransport.Create(new TransportOptions { Endpoint = origin.Endpoint, Emulator = true });
        using var response = await transport.Client.GetAsync(new Uri(origin.Endpoint, "/storage/v1/b/b/o/o"));
        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Single(origin.RequestHeads);
        Assert.Empty(target.RequestHeads);
    }

    [Fact]
    public async Task AcceptEncoding_ResponseIsNotDecompressedByTheHandler()
    {
        byte[] gz = Responses.Gzip(System.Text.Encoding.ASCII.GetBytes("hello hello hello"));
        await using var server = new TinyHttpServer(async (_, s, ct) =>
        {
            await TinyHttpServer.WriteAsync(s, $"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: {gz.Length}\r\nConnection: close\r\n\r\n", ct);
            await s.WriteAsync(gz, ct);
        });
        GcsTransport transport = GcsTransport.Create(new TransportOptions { Endpoint = server.Endpoint, Emulator = true });
        var destination = new MemoryStream();
        var download = new RawDownload(new Uri(server.Endpoint, "/download/storage/v1/b/b/o/o?alt=media").AbsoluteUri, destination);
        await download.ConsumeAsync(transport.Client);
        Assert.Equal(gz, destination.ToArray());
        Assert.Contains("Accept-Encoding: gzip", server.RequestHeads[0]);
    }

    [Fact]
    public async Task SlowButSteadyBody_LongerInAllThanTheReadTimeout_Succeeds()
    {
        // Every read is well within the idle timeout, the whole body is not: the timer restarts with each read.
        // 15 bytes 200 ms apart (3 s) against a 2 s timeout: the margin absorbs the test host's own stalls (a 250 ms
        // Task.Delay of this server was seen to take 1 s on a loaded 2-core machine).
        await using var server = new TinyHttpServer(async (_, s, ct) =>
        {
            await TinyHttpServer.WriteAsync(s, "HTTP/1.1 200 OK\r\nContent-Length: 15\r\n\r\n", ct);
            foreach (char c in "ABCDEFGHIJKLMNO")
            {
                await Task.Delay(200, ct);
                await TinyHttpServer.WriteAsync(s, c.ToString(), ct);
            }
        });
        GcsTransport transport = GcsTransport.Create(new TransportOptions
        {
            Endpoint = server.Endpoint,
            Emulator = true,
            ReadTimeout = TimeSpan.FromSeconds(2),
        });
        var destination = new MemoryStream();
        var download = new Download(new Uri(server.Endpoint, "/o?alt=media").AbsoluteUri, destination)
        {
            RetryStrategy = Responses.NoSleep(maxRetries: 0),
        };
        await download.ConsumeAsync(transport.Client);
        Assert.Equal("ABCDEFGHIJKLMNO", System.Text.Encoding.ASCII.GetString(destination.ToArray()));
    }

    [Fact]
    public async Task StalledBody_FailsWithTransientTimeout()
    {
        using var release = new CancellationTokenSource();
        await using var server = new TinyHttpServer(async (_, s, ct) =>
        {
            await TinyHttpServer.WriteAsync(s, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n0123456789", ct);
            await Task.Delay(Timeout.Infinite, CancellationTokenSource.CreateLinkedTokenSource(ct, release.Token).Token);
        });
        GcsTransport transport = GcsTransport.Create(new TransportOptions
        {
            Endpoint = server.Endpoint,
            Emulator = true,
            // Long enough that a loaded test host still gets the headers and the first 10 bytes in time (at 300 ms the
            // headers themselves timed out now and then, with 0 bytes downloaded); the body then stalls for good.
            ReadTimeout = TimeSpan.FromSeconds(2),
        });
        var download = new Download(new Uri(server.Endpoint, "/o?alt=media").AbsoluteUri, new MemoryStream())
        {
            RetryStrategy = Responses.NoSleep(maxRetries: 0),
        };
        var ex = await Assert.ThrowsAsync<TimeoutException>(() => download.ConsumeAsync(transport.Client));
        Assert.True(RetryStrategy.IsTransient(ex, CancellationToken.None));
        Assert.Equal(10, download.BytesDownloaded);
        release.Cancel();
    }
}
