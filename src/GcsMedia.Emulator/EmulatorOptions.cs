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

    /// <summary>
    /// When set, requests need "Authorization: Bearer TOKEN" with a token holding the permission the route needs
    /// (token -> IAM permissions, e.g. storage.objects.create). Null: anonymous, anything goes.
    /// </summary>
    public IReadOnlyDictionary<string, string[]>? AuthTokens { get; set; }
}
