using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using GcsMedia.Protocol.Tests.TestSupport;
using Xunit;

namespace GcsMedia.Protocol.Tests.Core;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessEnvironmentCollection
{
    /// <summary>Tests that change process environment variables run alone.</summary>
    public const string Name = "Process environment";
}

/// <summary>The last link of the Application Default Credentials chain, against metadata servers on loopback (GCE_METADATA_HOST).</summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class MetadataServerProbeTests : IDisposable
{
    private readonly Dictionary<string, string?> _saved = new();

    public void Dispose()
    {
        foreach (KeyValuePair<string, string?> variable in _saved)
        {
            Environment.SetEnvironmentVariable(variable.Key, variable.Value);
        }
    }

    private void Set(string name, string? value)
    {
        _saved.TryAdd(name, Environment.GetEnvironmentVariable(name));
        Environment.SetEnvironmentVariable(name, value);
    }

    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    [Fact]
    public void Without_GCE_METADATA_HOST_the_probe_asks_the_link_local_address()
    {
        Set(MetadataServerProbe.HostVariable, null);
        Assert.Equal(new Uri("http://169.254.169.254/"), MetadataServerProbe.Address());
    }

    [Fact]
    public async Task A_metadata_server_that_answers_as_Google_is_found()
    {
        await using var server = new TinyHttpServer((_, stream, ct) => TinyHttpServer.WriteAsync(stream, "HTTP/1.1 200 OK\r\nMetadata-Flavor: Google\r\nContent-Length: 0\r\n\r\n", ct));
        Set(MetadataServerProbe.HostVariable, server.Endpoint.Authority);
        Assert.True(await MetadataServerProbe.IsAvailableAsync(CancellationToken.None));
        Assert.Contains(server.RequestHeads, head => head.Contains("Metadata-Flavor: Google", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Another_server_at_that_address_is_not_a_metadata_server()
    {
        await using var server = new TinyHttpServer((_, stream, ct) => TinyHttpServer.WriteAsync(stream, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", ct));
        Set(MetadataServerProbe.HostVariable, server.Endpoint.Authority);
        Assert.False(await MetadataServerProbe.IsAvailableAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_refused_connection_ends_the_probe_at_once()
    {
        Set(MetadataServerProbe.HostVariable, $"127.0.0.1:{ClosedPort()}");
        var clock = Stopwatch.StartNew();
        Assert.False(await MetadataServerProbe.IsAvailableAsync(CancellationToken.None));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task A_server_that_never_answers_is_given_up_on_after_the_timeout()
    {
        await using var server = new TinyHttpServer((_, _, ct) => Task.Delay(Timeout.Infinite, ct));
        Set(MetadataServerProbe.HostVariable, server.Endpoint.Authority);
        var clock = Stopwatch.StartNew();
        Assert.False(await MetadataServerProbe.IsAvailableAsync(CancellationToken.None));
        Assert.InRange(clock.Elapsed, MetadataServerProbe.Timeout - TimeSpan.FromMilliseconds(300), MetadataServerProbe.Timeout + TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task No_credentials_anywhere_fails_fast_and_says_what_it_waited_for_before_waiting()
    {
        string emptyConfig = Directory.CreateTempSubdirectory("gcsmedia-no-adc-").FullName;
        try
        {
            Set(Credentials.ApplicationCredentialsVariable, null);
            Set("CLOUDSDK_CONFIG", emptyConfig);
            Set(MetadataServerProbe.HostVariable, $"127.0.0.1:{ClosedPort()}");
            var told = new List<string>();
            var clock = Stopwatch.StartNew();
            var error = await Assert.ThrowsAsync<CredentialsNotFoundException>(() => Credentials.LoadAsync(null, CancellationToken.None, told.Add));
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
            string waited = Assert.Single(told);
            Assert.Contains("metadata server", waited, StringComparison.Ordinal);
            Assert.Contains($"up to {MetadataServerProbe.Timeout.TotalSeconds:0} s", waited, StringComparison.Ordinal);
            Assert.Contains(Credentials.ApplicationCredentialsVariable, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(emptyConfig, recursive: true);
        }
    }

    [Fact]
    public async Task A_transport_finds_missing_credentials_before_its_first_request()
    {
        string emptyConfig = Directory.CreateTempSubdirectory("gcsmedia-no-adc-").FullName;
        try
        {
            Set(Credentials.ApplicationCredentialsVariable, null);
            Set("CLOUDSDK_CONFIG", emptyConfig);
            Set(MetadataServerProbe.HostVariable, $"127.0.0.1:{ClosedPort()}");
            var fake = new FakeHttpHandler();
            GcsTransport transport = GcsTransport.Create(new TransportOptions { Endpoint = new Uri("https://storage.example.test") }, fake);
            await Assert.ThrowsAsync<CredentialsNotFoundException>(() => transport.EnsureCredentialsAsync(null, CancellationToken.None));
            Assert.Empty(fake.Requests);

            GcsTransport emulator = GcsTransport.Create(new TransportOptions { Endpoint = new Uri("http://127.0.0.1:9"), Emulator = true }, fake);
            await emulator.EnsureCredentialsAsync(_ => throw new InvalidOperationException("an emulator needs no credentials"), CancellationToken.None);
        }
        finally
        {
            Directory.Delete(emptyConfig, recursive: true);
        }
    }
}
