using GcsMedia.Transfers;

namespace GcsMedia.Protocol.Tests.TestSupport;

/// <summary>The transfer layer's helpers on the shared fixture (linked from GcsMedia.Protocol.Tests).</summary>
public sealed partial class EmulatorFixture
{
    /// <summary>A manager over the emulator with an in-memory state store unless one is given.</summary>
    public TransferManager Manager(long? maxBytesPerSecond = null, IUploadStateStore? store = null)
        => new(Http, Urls, new TransferManagerOptions { MaxBytesPerSecond = maxBytesPerSecond, StateStore = store ?? new InMemoryUploadStateStore() });
}
