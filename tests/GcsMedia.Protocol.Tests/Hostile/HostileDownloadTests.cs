using System.Net;
using Xunit;
using GcsMedia.Protocol.Tests.TestSupport;
using static GcsMedia.Protocol.Tests.Hostile.HostileSupport;

namespace GcsMedia.Protocol.Tests.Hostile;

/// <summary>
/// Media downloads against a loopback server answering hand-crafted (often malformed) raw HTTP. Each test asserts a
/// clear error (type + message naming the header/object) or a correct recovery; never a hang, never wrong bytes.
/// </summary>
public class HostileDownloadTests
{
    private const string Label = "gs://hostile-bucket/obj.bin";
    private static readonly byte[] Data = Responses.RandomBytes(200_000, seed: 42);

    private static Download NewDownload(HostileServer server, Stream destination, long? start = null, long? end = null, int retries = 3)
        => new(server.Url("download/storage/v1/b/hostile-bucket/o/obj.bin?alt=media"), destination, start, end)
        {
            ObjectName = Label,
            RetryStrategy = Retry(retries),
        };

    [Fact]
    public async Task Status206_WithoutContentRange_IsInvalidResponse_NamingHeaderAndObject()
    {
        await using var server = new HostileServer((_, c) => c.RespondAsync(206, Data[..1000]));
        var destination = new MemoryStream();
        using var cts = Timeout();
        var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => NewDownload(server, destination, 0, 999).ConsumeAsync(Client(server), cts.Token));
        Assert.Contains("content-range", ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(Label, ex.Message);
        Assert.Equal(0, destination.Length);
        Assert.Single(server.Snapshot()); // not retried: a broken server stays broken
    }

    [Theory]
    [InlineData("bytes banana")]
    [InlineData("bytes */200000")]
    [InlineData("items 0-999/200000")]
    [InlineData("bytes 999-0/200000")]                        // end before start
    [InlineData("bytes 0-999/500")]                           // end beyond the total
    [InlineData("bytes 0-99999999999999999999999/200000")]    // overflows a long
    [InlineData("bytes 0-999/99999999999999999999999")]       // overflows a long
    public async Task Status206_WithGarbageContentRange_IsInvalidResponse_NamingHeader(string contentRange)
    {
        await using var server = new HostileServer((_, c) => c.RespondAsync(206, Data[..1000], ("Content-Range", contentRange)));
        var destination = new MemoryStream();
        using var cts = Timeout();
        var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => NewDownload(server, destination, 0, 999).ConsumeAsync(Client(server), cts.Token));
        Assert.Contains("content-range", ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(Label, ex.Message);
        Assert.Equal(0, destination.Length);
    }

    [Fact]
    public async Task Resume_AnsweredAtALaterOffsetThanRequested_IsInvalidResponse_KeepingOnlyCorrectBytes()
    {
        await using var server = new HostileServer(async (r, c) =>
        {
            if (r.Index == 0)
            {
                // whole object declared, 60000 bytes sent, then the connection closes
                await c.SendAsync($"HTTP/1.1 200 OK\r\nContent-Length: {Data.Length}\r\nx-goog-hash: {Responses.GoogHash(Data)}\r\nConnection: close\r\n\r\n");
                await c.SendAsync(Data, 0, 60_000);
                return;
            }

            // asked for bytes=60000-, answers from 70000
            await c.RespondAsync(206, Data[70_000..], ("Content-Range", $"bytes 70000-{Data.Length - 1}/{Data.Length}"));
        });
        var destination = new MemoryStream();
        using var cts = Timeout();
        var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => NewDownload(server, destination).ConsumeAsync(Client(server), cts.Token));
        Assert.Contains("70000", ex.Message);
        Assert.Contains("60000", ex.Message);
        Assert.Contains(Label, ex.Message);
        Assert.Equal("bytes=60000-199999", server.Snapshot()[1].Header("Range"));
        Assert.Equal(Data[..60_000], destination.ToArray());
    }

    [Fact]
    public async Task Resume_AnsweredAtAnEarlierOffset_SkipsTheOverlap_BytesCorrect()
    {
        await using var server = new HostileServer(async (r, c) =>
        {
            if (r.Index == 0)
            {
                await c.SendAsync($"HTTP/1.1 200 OK\r\nContent-Length: {Data.Length}\r\nx-goog-hash: {Responses.GoogHash(Data)}\r\nConnection: close\r\n\r\n");
                await c.SendAsync(Data, 0, 60_000);
                return;
            }

            await c.RespondAsync(206, Data[50_000..], ("Content-Range", $"bytes 50000-{Data.Length - 1}/{Data.Length}"));
        });
        var destination = new MemoryStream();
        using var cts = Timeout();
        var download = NewDownload(server, destination);
        await download.ConsumeAsync(Client(server), cts.Token);
        Assert.Equal(Data, destination.ToArray());
        Assert.True(download.ChecksumVerified);
    }

    [Fact]
    public async Task ShorterBodyThanContentLength_ThenClose_IsRetriedFromTheBreak_BytesCorrect()
    {
        await using var server = new HostileServer(async (r, c) =>
        {
            if (r.Index == 0)
            {
                await c.SendAsync($"HTTP/1.1 200 OK\r\nContent-Length: {Data.Length}\r\nx-goog-hash: {Responses.GoogHash(Data)}\r\nConnection: close\r\n\r\n");
                await c.SendAsync(Data, 0, 123_457);
                return;
            }

            await ServeAsync(r, c, Data);
        });
        var destination = new MemoryStream();
        using var cts = Timeout();
        var download = NewDownload(server, destination);
        await download.ConsumeAsync(Client(server), cts.Token);
        Assert.Equal(Data, destination.ToArray());
        Assert.True(download.ChecksumVerified);
        Assert.Equal("bytes=123457-199999", server.Snapshot()[1].Header("Range"));
    }

    [Fact]
    public async Task LongerContentLengthDeclaredThanSent_ConnectionHeldOpen_TimesOut_ThenClearError_NoWrongBytes()
    {
        // the server declares 5000 bytes more than the object has, stalls, then (rightly) answers the resume with 416
        await using var server = new HostileServer(async (r, c) =>
        {
            if (r.Index == 0)
            {
                await c.SendAsync($"HTTP/1.1 200 OK\r\nContent-Length: {Data.Length + 5000}\r\nx-goog-hash: {Responses.GoogHash(Data)}\r\n\r\n");
                await c.SendAsync(Data);
                await c.StallAsync();
                return;
            }

            await c.RespondAsync(416, "{}", ("Content-Range", $"bytes */{Data.Length}"));
        });
        var destination = new MemoryStream();
        var retries = new List<RetryEvent>();
        using var cts = Timeout();
        var download = NewDownload(server, destination);
        download.OnRetry = retries.Add;
        var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => download.ConsumeAsync(Client(server), cts.Token));
        Assert.Equal(416, ex.StatusCode);
        Assert.Contains(Label, ex.Message);
        Assert.IsType<TimeoutException>(Assert.Single(retries).Error);
        Assert.Equal($"bytes={Data.Length}-{Data.Length + 4999}", server.Snapshot()[1].Header("Range"));
        Assert.Equal(Data, destination.ToArray());
    }

    [Fact]
    public async Task ShorterContentLengthThanTheObject_WithoutHash_IsNotSilentlyTruncated()
    {
        // a 200 for the whole object whose Content-Length (and body) is short of x-goog-stored-content-length, no x-goog-hash
        await using var server = new HostileServer(async (r, c) =>
        {
            if (r.Index == 0)
            {
                await c.RespondAsync(200, Data[..150_000], ("x-goog-stored-content-length", Data.Length.ToString()));
                return;
            }

            await ServeAsync(r, c, Data, hash: false);
        });
        var destination = new MemoryStream();
        using var cts = Timeout();
        var download = NewDownload(server, destination);
        await download.ConsumeAsync(Client(server), cts.Token);
        Assert.Equal(Data, destination.ToArray()); // recovered: resumed at 150000
        Assert.Equal("bytes=150000-199999", server.Snapshot()[1].Header("Range"));
    }

    [Fact]
    public async Task RangedRequest_Answered200WithContentRangeAtTheOffset_IsAccepted_BytesCorrect()
    {
        await using var server = new HostileServer((r, c) =>
            c.RespondAsync(200, Data[1000..6000], ("Content-Range", $"bytes 1000-5999/{Data.Length}"), ("x-goog-hash", Responses.GoogHash(Data))));
        var destination = new MemoryStream();
        using var cts = Timeout();
        await NewDownload(server, destination, 1000, 5999).ConsumeAsync(Client(server), cts.Token);
        Assert.Equal(Data[1000..6000], destination.ToArray());
        Assert.Equal("bytes=1000-5999", server.Snapshot()[0].Header("Range"));
    }

    [Fact]
    public async Task ResumedRequest_Answered200WithContentRangeAtTheOffset_Continues_BytesCorrect()
    {
        await using var server = new HostileServer(async (r, c) =>
        {
            if (r.Index == 0)
            {
                await c.SendAsync($"HTTP/1.1 200 OK\r\nContent-Length: {Data.Length}\r\nx-goog-hash: {Responses.GoogHash(Data)}\r\nConnection: close\r\n\r\n");
                await c.SendAsync(Data, 0, 80_000);
                return;
            }

            long start = Range(r)!.Value.Start;
            await c.RespondAsync(200, Data[(int)start..], ("Content-Range", $"bytes {start}-{Data.Length - 1}/{Data.Length}"), ("x-goog-hash", Responses.GoogHash(Data)));
        });
        var destination = new MemoryStream();
        using var cts = Timeout();
        var download = NewDownload(server, destination);
        await download.ConsumeAsync(Client(server), cts.Token);
        Assert.Equal(Data, destination.ToArray());
        Assert.True(download.ChecksumVerified);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ResumedWholeDownload_Answered200WithoutContentRange_RestartsFromZero_BytesCorrect(bool forwardOnly)
    {
        await using var server = new HostileServer(async (r, c) =>
        {
            if (r.Index == 0)
            {
                await c.SendAsync($"HTTP/1.1 200 OK\r\nContent-Length: {Data.Length}\r\nx-goog-hash: {Responses.GoogHash(Data)}\r\nConnection: close\r\n\r\n");
                await c.SendAsync(Data, 0, 80_000);
                return;
            }

            await c.RespondAsync(200, Data, ("x-goog-hash", Responses.GoogHash(Data))); // Range ignored: the whole object
        });
        Stream destination = forwardOnly ? new ForwardOnlyStream() : new MemoryStream();
        using var cts = Timeout();
        var download = NewDownload(server, destination);
        await download.ConsumeAsync(Client(server), cts.Token);
        byte[] written = destination is ForwardOnlyStream f ? f.Inner.ToArray() : ((MemoryStream)destination).ToArray();
        Assert.Equal(Data, written);
        Assert.True(download.ChecksumVerified);
    }

    [Fact]
    public async Task ResumedRangedDownload_Answered200WithoutContentRange_TakesTheRightSlice_BytesCorrect()
    {
        await using var server = new HostileServer(async (r, c) =>
        {
            if (r.Index == 0)
            {
                await c.SendAsync($"HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 1000-99999/{Data.Length}\r\nContent-Length: 99000\r\nConnection: close\r\n\r\n");
                await c.SendAsync(Data, 1000, 30_000);
                return;
            }

            await c.RespondAsync(200, Data); // whole object, from byte 0
        });
        var destination = new MemoryStream();
        using var cts = Timeout();
        await NewDownload(server, destination, 1000, 99_999).ConsumeAsync(Client(server), cts.Token);
        Assert.Equal(Data[1000..100_000], destination.ToArray());
        Assert.Equal("bytes=31000-99999", server.Snapshot()[1].Header("Range"));
    }

    [Fact]
    public async Task HugeResponseHeader_64KiB_FailsClearly_WithBoundedAttempts()
    {
        string huge = new('a', 64 * 1024);
        await using var server = new HostileServer((_, c) => c.RespondAsync(200, Data[..100], ("x-goog-meta-huge", huge)));
        using var cts = Timeout();
        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => NewDownload(server, new MemoryStream(), retries: 2).ConsumeAsync(Client(server), cts.Token));
        Assert.Contains("header", ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(3, server.Snapshot().Length);
    }

    [Fact]
    public async Task LargeResponseHeader_16KiB_IsFine()
    {
        string big = new('a', 16 * 1024);
        await using var server = new HostileServer((r, c) =>
            c.RespondAsync(200, Data, ("x-goog-meta-big", big), ("x-goog-hash", Responses.GoogHash(Data))));
        var destination = new MemoryStream();
        using var cts = Timeout();
        var download = NewDownload(server, destination);
        await download.ConsumeAsync(Client(server), cts.Token);
        Assert.Equal(Data, destination.ToArray());
        Assert.True(download.ChecksumVerified);
    }

    [Fact]
    public async Task StalledBody_TimesOut_IsRetriedWithRange_BytesCorrect()
    {
        await using var server = new HostileServer(async (r, c) =>
        {
            if (r.Index == 0)
            {
                await c.SendAsync($"HTTP/1.1 200 OK\r\nContent-Length: {Data.Length}\r\nx-goog-hash: {Responses.GoogHash(Data)}\r\n\r\n");
                await c.SendAsync(Data, 0, 65_536);
                await c.StallAsync();
                return;
            }

            await ServeAsync(r, c, Data);
        });
        var destination = new MemoryStream();
        var retries = new List<RetryEvent>();
        using var cts = Timeout();
        var download = NewDownload(server, destination);
        download.OnRetry = retries.Add;
        await download.ConsumeAsync(Client(server), cts.Token);
        Assert.Equal(Data, destination.ToArray());
        Assert.IsType<TimeoutException>(Assert.Single(retries).Error);
        Assert.Equal("bytes=65536-199999", server.Snapshot()[1].Header("Range"));
    }

    [Fact]
    public async Task StalledHeaders_TimeOut_AreRetried_BytesCorrect()
    {
        await using var server = new HostileServer(async (r, c) =>
        {
            if (r.Index == 0)
            {
                await c.StallAsync();
                return;
            }

            await ServeAsync(r, c, Data);
        });
        var destination = new MemoryStream();
        using var cts = Timeout();
        await NewDownload(server, destination).ConsumeAsync(Client(server), cts.Token);
        Assert.Equal(Data, destination.ToArray());
        Assert.Equal(2, server.Snapshot().Length);
    }

    [Theory]
    [InlineData(302)]
    [InlineData(307)]
    public async Task Redirect_ToAnotherHost_IsNotFollowed_ClearError_TokenNeverSentThere(int status)
    {
        await using var other = new HostileServer((r, c) => ServeAsync(r, c, Data));
        await using var origin = new HostileServer((_, c) => c.RespondAsync(status, "moved", ("Location", other.Url("steal/obj.bin?alt=media"))));
        TransportOptions options = Options(origin);
        using var client = new HttpClient(AuthHandler.ForAccessToken(origin.Endpoint, "hostile-secret-token", GcsTransport.CreatePrimaryHandler(options)));
        var destination = new MemoryStream();
        using var cts = Timeout();
        var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => NewDownload(origin, destination).ConsumeAsync(client, cts.Token));
        Assert.Equal(status, ex.StatusCode);
        Assert.Contains(status.ToString(), ex.Message);
        Assert.Contains(Label, ex.Message);
        Assert.DoesNotContain("hostile-secret-token", ex.ToString());
        Assert.Equal("Bearer hostile-secret-token", Assert.Single(origin.Snapshot()).Header("Authorization"));
        Assert.Empty(other.Snapshot());
        Assert.Equal(0, destination.Length);
    }

    [Fact]
    public async Task Redirect_FollowedByAMisconfiguredInnerHandler_StillNeverCarriesTheToken()
    {
        await using var other = new HostileServer((r, c) => ServeAsync(r, c, Data));
        await using var origin = new HostileServer((_, c) => c.RespondAsync(307, "moved", ("Location", other.Url("steal/obj.bin?alt=media"))));
        using var client = new HttpClient(AuthHandler.ForAccessToken(origin.Endpoint, "hostile-secret-token", new SocketsHttpHandler { AllowAutoRedirect = true }));
        using var cts = Timeout();
        await NewDownload(origin, new MemoryStream()).ConsumeAsync(client, cts.Token);
        HostileRequest stolen = Assert.Single(other.Snapshot());
        Assert.Null(stolen.Header("Authorization"));
    }

    [Theory]
    [InlineData("crc32c")]                       // no '=': ignored
    [InlineData("sha256=abc,blake3=def")]        // unknown types only: ignored
    [InlineData("=,,  ,md5")]                    // junk entries: ignored
    public async Task MalformedGoogHash_WithoutAUsableCrc32c_IsIgnored_DownloadSucceedsUnverified(string hash)
    {
        await using var server = new HostileServer((_, c) => c.RespondAsync(200, Data, ("x-goog-hash", hash)));
        var destination = new MemoryStream();
        using var cts = Timeout();
        var download = NewDownload(server, destination);
        await download.ConsumeAsync(Client(server), cts.Token);
        Assert.Equal(Data, destination.ToArray());
        Assert.False(download.ChecksumVerified);
        Assert.Null(download.ExpectedChecksum);
    }

    [Fact]
    public async Task GoogHash_WithJunkAroundAGoodCrc32c_IsVerified()
    {
        await using var server = new HostileServer((_, c) =>
            c.RespondAsync(200, Data, ("x-goog-hash", $"=,sha256=zz, junk , crc32c={Responses.Crc32c(Data)},")));
        var destination = new MemoryStream();
        using var cts = Timeout();
        var download = NewDownload(server, destination);
        await download.ConsumeAsync(Client(server), cts.Token);
        Assert.True(download.ChecksumVerified);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task DuplicateCrc32cInGoogHash_IsInvalidResponse_NamingHeaderAndObject(bool separateHeaderLines)
    {
        string good = Responses.Crc32c(Data);
        await using var server = new HostileServer((_, c) => separateHeaderLines
            ? c.RespondAsync(200, Data, ("x-goog-hash", $"crc32c={good}"), ("x-goog-hash", "crc32c=AAAAAA=="))
            : c.RespondAsync(200, Data, ("x-goog-hash", $"crc32c={good},crc32c=AAAAAA==")));
        var destination = new MemoryStream();
        using var cts = Timeout();
        var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => NewDownload(server, destination).ConsumeAsync(Client(server), cts.Token));
        Assert.Contains("x-goog-hash", ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(Label, ex.Message);
        Assert.Equal(0, destination.Length);
    }

    [Theory]
    [InlineData("crc32c=")]
    [InlineData("crc32c=!!!not-base64!!!")]
    public async Task GarbageCrc32cValue_IsDataCorruption_NotSilentSuccess(string hash)
    {
        await using var server = new HostileServer((_, c) => c.RespondAsync(200, Data, ("x-goog-hash", hash)));
        using var cts = Timeout();
        var ex = await Assert.ThrowsAsync<DataCorruptionException>(() => NewDownload(server, new MemoryStream()).ConsumeAsync(Client(server), cts.Token));
        Assert.Contains(Label, ex.Message);
    }
}
