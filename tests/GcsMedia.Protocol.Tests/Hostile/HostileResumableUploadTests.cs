using System.Text;
using GcsMedia.Protocol.Tests.TestSupport;
using Xunit;
using static GcsMedia.Protocol.Tests.Hostile.HostileSupport;

namespace GcsMedia.Protocol.Tests.Hostile;

/// <summary>
/// Resumable uploads against a loopback server that keeps the bytes it is sent (a tiny session store) but answers
/// with hand-crafted, often malformed, status / Range / body. The object must end up correct, or the error be clear.
/// </summary>
public class HostileResumableUploadTests
{
    private const int Chunk = ResumableUpload.ChunkGranularity;
    private static readonly byte[] Data = Responses.RandomBytes(600_000, seed: 7);

    /// <summary>The server side of one session: the bytes persisted from 0, as a real session keeps them.</summary>
    private sealed class Session
    {
        public MemoryStream Stored { get; } = new();

        public long Persisted => Stored.Length;

        /// <summary>Keeps a PUT's bytes that continue the persisted prefix (up to <paramref name="keepUpTo"/>); returns (start, end, total).</summary>
        public (long Start, long End, long? Total) Apply(HostileRequest request, long? keepUpTo = null)
        {
            string range = request.Header("Content-Range")!;
            string[] spec = range["bytes ".Length..].Split('/');
            long? total = spec[1] == "*" ? null : long.Parse(spec[1]);
            if (spec[0] == "*")
            {
                return (Persisted, Persisted - 1, total);
            }

            string[] se = spec[0].Split('-');
            long start = long.Parse(se[0]);
            long end = long.Parse(se[1]);
            long limit = Math.Min(end + 1, keepUpTo ?? long.MaxValue);
            if (start <= Persisted && limit > Persisted)
            {
                Stored.Position = Persisted;
                Stored.Write(request.Body, (int)(Persisted - start), (int)(limit - Persisted));
            }

            return (start, end, total);
        }

        public string ObjectJson(string? crc32c = null)
            => $"{{\"kind\":\"storage#object\",\"name\":\"obj.bin\",\"bucket\":\"hostile-bucket\",\"size\":\"{Persisted}\",\"generation\":\"1\"," +
               $"\"crc32c\":\"{crc32c ?? Responses.Crc32c(Stored.ToArray())}\",\"md5Hash\":\"{Responses.Md5(Stored.ToArray())}\"}}";

        /// <summary>The normal answer: 200 + object once everything is persisted, else 308 with Range (none when nothing is).</summary>
        public Task AnswerAsync(HostileConnection c, long? total)
        {
            if (total.HasValue && Persisted == total.Value)
            {
                return c.RespondAsync(200, ObjectJson(), ("Content-Type", "application/json; charset=UTF-8"));
            }

            return Persisted == 0 ? c.RespondAsync(308) : c.RespondAsync(308, Array.Empty<byte>(), ("Range", $"bytes=0-{Persisted - 1}"));
        }
    }

    /// <summary>A server: POST initiates (Location to /session), PUTs go to <paramref name="onPut"/> (the PUT's index among PUTs).</summary>
    private static HostileServer Server(Session session, Func<int, HostileRequest, HostileConnection, Task> onPut, Func<HostileConnection, HostileServer, Task>? onInitiate = null)
    {
        int puts = 0;
        HostileServer? server = null;
        server = new HostileServer(async (r, c) =>
        {
            if (r.Method == "POST")
            {
                await (onInitiate?.Invoke(c, server!) ?? c.RespondAsync(200, "", ("Location", server!.Url("upload/session?upload_type=resumable&upload_id=hostile"))));
                return;
            }

            await onPut(Interlocked.Increment(ref puts) - 1, r, c);
        });
        return server;
    }

    private static async Task<ResumableUpload> StartAsync(HostileServer server, byte[] data, CancellationToken ct, int retries = 3)
    {
        var upload = new ResumableUpload(
            Client(server), server.Url("upload/storage/v1/b/hostile-bucket/o?uploadType=resumable"), Chunk, ChecksumType.Crc32c, retryStrategy: Retry(retries));
        await upload.InitiateAsync(new MemoryStream(data), new Dictionary<string, object?> { ["name"] = "obj.bin" }, "application/octet-stream", cancellationToken: ct);
        return upload;
    }

    private static string[] PutRanges(HostileServer server)
        => server.Snapshot().Where(r => r.Method == "PUT").Select(r => r.Header("Content-Range")!).ToArray();

    [Fact]
    public async Task Status308WithoutRange_MeansNothingKept_ResendsFromZero_ObjectCorrect()
    {
        var session = new Session();
        await using var server = Server(session, async (i, r, c) =>
        {
            if (i == 0)
            {
                await c.RespondAsync(308); // first chunk received but nothing persisted, no Range header
                return;
            }

            var (_, _, total) = session.Apply(r);
            await session.AnswerAsync(c, total);
        });
        using var cts = Timeout();
        using ResumableUpload upload = await StartAsync(server, Data, cts.Token);
        ObjectResource? result = await upload.UploadAsync(cts.Token);
        Assert.Equal(Data, session.Stored.ToArray());
        Assert.Equal(Data.Length, result!.Size);
        Assert.Equal(new[] { "bytes 0-262143/600000", "bytes 0-262143/600000", "bytes 262144-524287/600000", "bytes 524288-599999/600000" }, PutRanges(server));
    }

    [Fact]
    public async Task Status308WithoutRange_Forever_IsAClearError_NotAnEndlessLoop()
    {
        var session = new Session();
        await using var server = Server(session, (i, r, c) => c.RespondAsync(308));
        using var cts = Timeout();
        using ResumableUpload upload = await StartAsync(server, Data, cts.Token);
        var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => upload.UploadAsync(cts.Token));
        Assert.Contains("gs://hostile-bucket/obj.bin", ex.Message);
        Assert.Contains("progress", ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.True(upload.Invalid);
        Assert.InRange(PutRanges(server).Length, 2, 50);
    }

    [Fact]
    public async Task RangeBeyondWhatWasSent_IsInvalidResponse_NotSilentAcceptance()
    {
        var session = new Session();
        await using var server = Server(session, async (i, r, c) =>
        {
            session.Apply(r);
            await c.RespondAsync(308, Array.Empty<byte>(), ("Range", "bytes=0-999999"));
        });
        using var cts = Timeout();
        using ResumableUpload upload = await StartAsync(server, Data, cts.Token);
        var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => upload.UploadAsync(cts.Token));
        Assert.Contains("1000000", ex.Message);
        Assert.Contains("262144", ex.Message);
        Assert.Contains("gs://hostile-bucket/obj.bin", ex.Message);
        Assert.True(upload.Invalid);
        Assert.Equal(0, upload.BytesUploaded); // never 1000000
        Assert.Single(PutRanges(server));
    }

    [Theory]
    [InlineData("bytes=5-10")]
    [InlineData("bytes 0-10")]
    [InlineData("bytes=0-")]
    [InlineData("bytes=abc")]
    [InlineData("")]
    [InlineData("bytes=0-99999999999999999999999")] // overflows a long
    public async Task MalformedRange_IsInvalidResponse_NamingTheHeader(string range)
    {
        var session = new Session();
        await using var server = Server(session, async (i, r, c) =>
        {
            session.Apply(r);
            await c.RespondAsync(308, Array.Empty<byte>(), ("Range", range));
        });
        using var cts = Timeout();
        using ResumableUpload upload = await StartAsync(server, Data, cts.Token);
        var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => upload.UploadAsync(cts.Token));
        Assert.Contains("range", ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("gs://hostile-bucket/obj.bin", ex.Message);
        Assert.True(upload.Invalid);
        Assert.Single(PutRanges(server));
    }

    [Fact]
    public async Task Status308KeepingFewerBytesThanSent_RewindsAndResends_ObjectCorrect()
    {
        var session = new Session();
        await using var server = Server(session, async (i, r, c) =>
        {
            var (_, _, total) = session.Apply(r, keepUpTo: i == 0 ? 100_000 : i == 2 ? 400_000 : null);
            await session.AnswerAsync(c, total);
        });
        using var cts = Timeout();
        using ResumableUpload upload = await StartAsync(server, Data, cts.Token);
        ObjectResource? result = await upload.UploadAsync(cts.Token);
        Assert.Equal(Data, session.Stored.ToArray());
        Assert.Equal(Responses.Crc32c(Data), result!.Crc32c);
        Assert.Equal(
            new[] { "bytes 0-262143/600000", "bytes 100000-362143/600000", "bytes 362144-599999/600000", "bytes 400000-599999/600000" },
            PutRanges(server));
    }

    [Theory]
    [InlineData(20)]
    [InlineData(60)]
    public async Task TruncatedJsonOnTheFinal200_IsInvalidResponse_NotANullObject(int keep)
    {
        var session = new Session();
        await using var server = Server(session, async (i, r, c) =>
        {
            var (_, _, total) = session.Apply(r);
            if (total.HasValue && session.Persisted == total.Value)
            {
                string json = session.ObjectJson();
                await c.RespondAsync(200, json[..keep], ("Content-Type", "application/json; charset=UTF-8"));
                return;
            }

            await session.AnswerAsync(c, total);
        });
        using var cts = Timeout();
        using ResumableUpload upload = await StartAsync(server, Data, cts.Token);
        var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => upload.UploadAsync(cts.Token));
        Assert.Contains("JSON", ex.Message);
        Assert.Contains("gs://hostile-bucket/obj.bin", ex.Message);
        Assert.Equal(Data, session.Stored.ToArray());
    }

    [Fact]
    public async Task Final200WithADifferentCrc32c_IsDataCorruption()
    {
        var session = new Session();
        await using var server = Server(session, async (i, r, c) =>
        {
            var (_, _, total) = session.Apply(r);
            if (total.HasValue && session.Persisted == total.Value)
            {
                await c.RespondAsync(200, session.ObjectJson(crc32c: "AAAAAA=="), ("Content-Type", "application/json"));
                return;
            }

            await session.AnswerAsync(c, total);
        });
        using var cts = Timeout();
        using ResumableUpload upload = await StartAsync(server, Data, cts.Token);
        var ex = await Assert.ThrowsAsync<DataCorruptionException>(() => upload.UploadAsync(cts.Token));
        Assert.Equal("AAAAAA==", ex.Expected);
        Assert.Equal(Responses.Crc32c(Data), ex.Actual);
        Assert.Contains("obj.bin", ex.Message);
    }

    [Fact]
    public async Task Initiate200WithoutLocation_IsInvalidResponse_NamingTheHeader()
    {
        await using var server = Server(new Session(), (i, r, c) => c.RespondAsync(500), (c, _) => c.RespondAsync(200, "{}"));
        using var cts = Timeout();
        var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => StartAsync(server, Data, cts.Token));
        Assert.Contains("location", ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("obj.bin", ex.Message);
        Assert.Single(server.Snapshot());
    }

    [Theory]
    [InlineData("http://[::1")]
    [InlineData("http://host:99999/session")]
    [InlineData("ftp://elsewhere/session")]
    public async Task Initiate200WithAMalformedLocation_IsInvalidResponse_WithoutEchoingIt(string location)
    {
        await using var server = Server(new Session(), (i, r, c) => c.RespondAsync(500), (c, _) => c.RespondAsync(200, "{}", ("Location", location)));
        using var cts = Timeout();
        var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => StartAsync(server, Data, cts.Token));
        Assert.Contains("location", ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(location, ex.ToString());
    }

    [Fact]
    public async Task ChunkAnsweredThenStalled_TimesOut_RecoversAndFinishes_ObjectCorrect()
    {
        var session = new Session();
        await using var server = Server(session, async (i, r, c) =>
        {
            if (i == 1)
            {
                session.Apply(r); // the second chunk arrives, but the answer never comes
                await c.StallAsync();
                return;
            }

            var (_, _, total) = session.Apply(r);
            await session.AnswerAsync(c, total);
        });
        using var cts = Timeout();
        using ResumableUpload upload = await StartAsync(server, Data, cts.Token);
        ObjectResource? result = await upload.UploadAsync(cts.Token);
        Assert.Equal(Data, session.Stored.ToArray());
        Assert.Equal(Data.Length, result!.Size);
        Assert.Contains("bytes */*", PutRanges(server));
    }
}
