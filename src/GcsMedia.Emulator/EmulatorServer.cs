using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GcsMedia.Emulator;

/// <summary>A running emulator: Kestrel on 127.0.0.1 speaking the GCS JSON/XML media APIs.</summary>
public sealed class EmulatorServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ObjectStore _store;
    private int _disposed;

    private EmulatorServer(WebApplication app, ObjectStore store, Uri endpoint)
    {
        _app = app;
        _store = store;
        Endpoint = endpoint;
    }

    /// <summary>Base URL, e.g. http://127.0.0.1:43567 (no trailing slash in ToString of the authority).</summary>
    public Uri Endpoint { get; }

    public static async Task<EmulatorServer> StartAsync(EmulatorOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IHostLifetime, NullHostLifetime>();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = null;
            k.Limits.MinRequestBodyDataRate = null;
            k.Limits.MinResponseDataRate = null;
            k.Limits.MaxRequestHeadersTotalSize = 256 * 1024;
            k.Limits.MaxRequestLineSize = 64 * 1024;
            k.Listen(IPAddress.Loopback, options.Port);
        });

        ObjectStore store;
        DataDirectoryCatalog? catalog = null;
        if (options.DataDirectory is { Length: > 0 } dir)
        {
            var disk = new DiskBlobStore(dir);
            catalog = new DataDirectoryCatalog(dir, disk);
            store = new ObjectStore(disk, catalog);
        }
        else
        {
            store = new ObjectStore(new MemoryBlobStore(options.MemorySpillBytes));
        }
        var sessions = new ResumableSessions(store);
        var uploads = new MultipartUploads(store);
        catalog?.Restore(store, sessions, uploads);
        foreach (var bucket in options.Buckets) store.EnsureBucket(bucket);
        var dispatcher = new RequestDispatcher(store, sessions, uploads,
            new RetryTestRegistry(), new ShapingPolicy(options.LatencyMs, options.BandwidthMbps), options.RewriteBytesPerCall,
            options.AuthTokens is null ? null : new AccessPolicy(options.AuthTokens, store));

        var app = builder.Build();
        app.Run(dispatcher.HandleAsync);
        await app.StartAsync(ct).ConfigureAwait(false);

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!
            .Addresses.First();
        var port = new Uri(address).Port;
        return new EmulatorServer(app, store, new Uri($"http://127.0.0.1:{port}"));
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(3)))
        {
            try { await _app.StopAsync(cts.Token).ConfigureAwait(false); }
            catch (OperationCanceledException) { }
        }
        await _app.DisposeAsync().ConfigureAwait(false);
        _store.Dispose();
    }
}
