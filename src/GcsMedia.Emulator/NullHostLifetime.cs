using Microsoft.Extensions.Hosting;

namespace GcsMedia.Emulator;

/// <summary>A host lifetime that ignores console signals; the owner of <see cref="EmulatorServer"/> decides when to stop.</summary>
internal sealed class NullHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
