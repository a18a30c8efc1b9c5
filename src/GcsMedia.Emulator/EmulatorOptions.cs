namespace GcsMedia.Emulator;

/// <summary>Settings for one emulator instance.</summary>
public sealed class EmulatorOptions
{
    /// <summary>TCP port on 127.0.0.1; 0 picks a free port.</summary>
    public int Port { get; set; } = 0;

    /// <summary>When set, object data is streamed to files below this folder; otherwise it is kept in memory.</summary>
    public string? DataDirectory { get; set; }

    /// <summary>Delay added to every request, in milliseconds.</summary>
    public int LatencyMs { get; set; }

    /// <summary>Per-connection body throughput cap in megabits per second; 0 means unlimited.</summary>
    public double BandwidthMbps { get; set; }

    /// <summary>Buckets created at start; one that already exists (in the data directory) is kept as it is.</summary>
    public List<string> Buckets { get; } = new();

    /// <summary>Without a data directory, an object larger than this moves from memory to a temporary file.</summary>
    internal long MemorySpillBytes { get; set; } = MemoryBlobStore.DefaultSpillBytes;
    /// <summary>Most bytes one storage.objects.rewrite call copies (0: the whole object unless the request asks for less),
    /// so that tests see a copy loop on rewriteToken.</summary>
    public long RewriteBytesPerCall { get; set; }
    /// <summary>
    /// When set, requests need "Authorization: Bearer TOKEN" with a token holding the permission the route needs
    /// (token -> IAM permissions, e.g. storage.objects.create). Null: anonymous, anything goes.
    /// </summary>
    public IReadOnlyDictionary<string, string[]>? AuthTokens { get; set; }
}
