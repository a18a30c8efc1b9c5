using GcsMedia.Protocol.Tests.TestSupport;

namespace GcsMedia.Protocol.Tests.Hostile;

/// <summary>
/// Shared setup for the hostile-server tests: a real transport with a 3 s read timeout, a no-sleep retry, a deadline.
/// 3 s, not 1: on a loaded 2-core machine this test host's own server was seen to stall about 1 s (a 250 ms Task.Delay
/// took 1 s), which a 1 s timeout turned into a retried request (a second POST) and a failed single-request assertion.
/// </summary>
internal static class HostileSupport
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(8);

    public static TransportOptions Options(HostileServer server, double readTimeoutSeconds = 3)
        => new() { Endpoint = server.Endpoint, Emulator = true, ReadTimeout = TimeSpan.FromSeconds(readTimeoutSeconds) };

    /// <summary>An uncached transport (GcsTransport.Create(options, handler)): no redirects, no decompression, idle-read timeout.</summary>
    public static HttpClient Client(HostileServer server, double readTimeoutSeconds = 3)
    {
        TransportOptions options = Options(server, readTimeoutSeconds);
        return GcsTransport.Create(options, GcsTransport.CreatePrimaryHandler(options)).Client;
    }

    public static RetryStrategy Retry(int maxRetries = 3) => Responses.NoSleep(maxRetries: maxRetries);

    public static CancellationTokenSource Timeout() => new(Deadline);

    /// <summary>Parses "bytes=a-" / "bytes=a-b" (null when absent).</summary>
    public static (long Start, long? End)? Range(HostileRequest request)
    {
        string? value = request.Header("Range");
        if (value == null)
        {
            return null;
        }

        string[] parts = value["bytes=".Length..].Split('-');
        return (long.Parse(parts[0]), parts[1].Length == 0 ? null : long.Parse(parts[1]));
    }

    /// <summary>Answers a media GET correctly: 200 for no Range, 206 + Content-Range otherwise, with x-goog-hash of the whole object.</summary>
    public static Task ServeAsync(HostileRequest request, HostileConnection connection, byte[] data, bool hash = true)
    {
        var headers = new List<(string, string)> { ("x-goog-generation", "7"), ("x-goog-stored-content-length", data.Length.ToString()) };
        if (hash)
        {
            headers.Add(("x-goog-hash", Responses.GoogHash(data)));
        }

        var range = Range(request);
        if (range == null)
        {
            return connection.RespondAsync(200, data, headers.ToArray());
        }

        long start = range.Value.Start;
        long end = Math.Min(range.Value.End ?? data.Length - 1, data.Length - 1);
        headers.Add(("Content-Range", $"bytes {start}-{end}/{data.Length}"));
        return connection.RespondAsync(206, data[(int)start..(int)(end + 1)], headers.ToArray());
    }
}
