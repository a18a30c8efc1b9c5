using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using GcsMedia.Protocol.Tests.TestSupport;
using Newtonsoft.Json.Linq;
using Xunit;

namespace GcsMedia.Protocol.Tests.Downloads;

/// <summary>
/// Downloads over real HTTP against the emulator (or STORAGE_EMULATOR_HOST): only the HTTP contract is relied on,
/// so these pass against storage-testbench too. Faults come from /retry_test with x-retry-test-id.
/// </summary>
[Collection(EmulatorCollection.Name)]
public sealed class DownloadIntegrationTests(EmulatorFixture fixture)
{
    private const int K256 = 262144;
    private const int MiB = 1024 * 1024;
    private const string GetMethod = "storage.objects.get";

    public static TheoryData<string, int> KindsAndSizes()
    {
        var data = new TheoryData<string, int>();
        foreach (string kind in AllKinds)
        {
            foreach (int size in new[] { 0, 1, K256 - 1, K256, K256 + 1, 5 * MiB + 1 })
            {
                data.Add(kind, size);
            }
        }

        return data;
    }

    public static TheoryData<string, ChecksumType> KindsAndChecksums()
    {
        var data = new TheoryData<string, ChecksumType>();
        foreach (string kind in AllKinds)
        {
            foreach (ChecksumType type in new[] { ChecksumType.Md5, ChecksumType.Crc32c, ChecksumType.None })
            {
                data.Add(kind, type);
            }
        }

        return data;
    }

    public static TheoryData<string> Kinds()
    {
        var data = new TheoryData<string>();
        foreach (string kind in AllKinds)
        {
            data.Add(kind);
        }

        return data;
    }

    private static readonly string[] AllKinds = { "Download", "RawDownload", "Chunked256K", "Chunked1M", "RawChunked256K", "RawChunked1M" };

    // ---------------------------------------------------------------- whole downloads

    [Theory]
    [MemberData(nameof(KindsAndSizes))]
    public async Task WholeDownload_BytesAndChecksumMatchTheStoredObject(string kind, int size)
    {
        byte[] data = EmulatorFixture.RandomBytes(size, seed: size + kind.Length);
        (string bucket, string name, JObject stored) = await ArrangeAsync(data, "whole");
        Assert.Equal(Crc(data), (string?)stored["crc32c"]);

        var destination = new MemoryStream();
        Outcome outcome = await RunAsync(kind, Url(bucket, name), destination, ChecksumType.Crc32c);

        Assert.Equal(data, destination.ToArray());
        Assert.Equal(0, outcome.Retries);
        if (IsChunked(kind) && size == 0)
        {
            // An empty object answers the first chunk with 416 "bytes */0": nothing to hash, and that error
            // response need not carry x-goog-generation.
            Assert.True(outcome.Finished);
            Assert.Equal(1, outcome.Requests);
            return;
        }

        Assert.Equal(long.Parse((string)stored["generation"]!), outcome.Generation);

        Assert.True(outcome.ChecksumVerified);
        Assert.Equal((string)stored["crc32c"]!, outcome.Expected);
        Assert.Equal((string)stored["crc32c"]!, outcome.Actual);
        Assert.Equal(ChunkCount(kind, size), outcome.Requests);
    }

    [Theory]
    [MemberData(nameof(KindsAndChecksums))]
    public async Task WholeDownload_EachChecksumType(string kind, ChecksumType checksum)
    {
        byte[] data = EmulatorFixture.RandomBytes(K256 + 4097, seed: 7);
        (string bucket, string name, JObject stored) = await ArrangeAsync(data, "checksum");

        var destination = new MemoryStream();
        Outcome outcome = await RunAsync(kind, Url(bucket, name), destination, checksum);

        Assert.Equal(data, destination.ToArray());
        switch (checksum)
        {
            case ChecksumType.None:
                Assert.False(outcome.ChecksumVerified);
                Assert.Null(outcome.Expected);
                break;
            case ChecksumType.Md5:
                Assert.Equal(Md5(data), (string?)stored["md5Hash"]);
                Assert.True(outcome.ChecksumVerified);
                Assert.Equal(Md5(data), outcome.Expected);
                Assert.Equal(Md5(data), outcome.Actual);
                break;
            default:
                Assert.True(outcome.ChecksumVerified);
                Assert.Equal(Crc(data), outcome.Expected);
                Assert.Equal(Crc(data), outcome.Actual);
                break;
        }
    }

    [Fact]
    public async Task ChunkedDownload_LastChunkIsShorter_AndProgressCountsEveryChunk()
    {
        byte[] data = EmulatorFixture.RandomBytes(3 * K256 + 100, seed: 11);
        (string bucket, string name, _) = await ArrangeAsync(data, "chunks");
        GcsTransport transport = Transport(out RecordingHandler recorder);
        var destination = new MemoryStream();
        var download = new ChunkedDownload(Url(bucket, name), K256, destination);
        var sizes = new List<long>();
        while (!download.Finished)
        {
            sizes.Add(await download.ConsumeNextChunkAsync(transport.Client));
        }

        Assert.Equal(new long[] { K256, K256, K256, 100 }, sizes);
        Assert.Equal(data, destination.ToArray());
        Assert.Equal(data.Length, download.TotalBytes);
        Assert.True(download.ChecksumVerified);
        Assert.Equal(
            new[] { "bytes=0-262143", "bytes=262144-524287", "bytes=524288-786431", "bytes=786432-786531" },
            recorder.Ranges);
        Assert.All(recorder.Statuses, s => Assert.Equal(206, s));
        await Assert.ThrowsAsync<InvalidOperationException>(() => download.ConsumeNextChunkAsync(transport.Client));
    }

    // ---------------------------------------------------------------- ranges

    [Theory]
    [InlineData(1024L, 16385L)]
    [InlineData(0L, 8191L)]
    [InlineData(262144L, null)]
    [InlineData(5L, null)]
    [InlineData(-256L, null)]
    [InlineData(-3L, null)]
    [InlineData(null, 8191L)]
    [InlineData(null, 0L)]
    public async Task RangedDownload_Returns206AndTheSlice(long? start, long? end)
    {
        byte[] data = EmulatorFixture.RandomBytes(300_000, seed: 3);
        (string bucket, string name, _) = await ArrangeAsync(data, "range");
        GcsTransport transport = Transport(out RecordingHandler recorder);
        var destination = new MemoryStream();
        var headers = new Dictionary<string, string>();
        var download = new Download(Url(bucket, name), destination, start, end, headers) { RetryStrategy = NoSleep() };
        DownloadResult result = await download.ConsumeAsync(transport.Client);

        long first = start.HasValue ? (start.Value < 0 ? data.Length + start.Value : start.Value) : 0;
        long last = end ?? data.Length - 1;
        byte[] expected = data.AsSpan((int)first, (int)(last - first + 1)).ToArray();
        Assert.Equal(expected, destination.ToArray());
        Assert.Equal(206, result.StatusCode);
        Assert.Equal(206, download.StatusCode);
        Assert.Equal($"bytes {first}-{last}/{data.Length}", result.ContentRange);
        Assert.Equal(data.Length, result.TotalBytes);
        Assert.Equal(expected.Length, result.BytesDownloaded);
        Assert.False(result.ChecksumVerified); // a slice has no checksum of its own
        Assert.Equal(DownloadHelpers.FormatBytesRange(start, end), headers["range"]);
        Assert.Equal(new[] { headers["range"] }, recorder.Ranges);
    }

    [Fact]
    public async Task RangedDownload_LastThreeBytes_Is206()
    {
        byte[] data = Encoding.ASCII.GetBytes("0123456789abcdef");
        (string bucket, string name, _) = await ArrangeAsync(data, "suffix");
        var destination = new MemoryStream();
        var download = new Download(Url(bucket, name), destination, start: -3) { RetryStrategy = NoSleep() };
        DownloadResult result = await download.ConsumeAsync(DefaultTransport().Client);
        Assert.Equal(206, result.StatusCode);
        Assert.Equal("def", Encoding.ASCII.GetString(destination.ToArray()));
    }

    [Theory]
    [InlineData("Download")]
    [InlineData("RawDownload")]
    public async Task RangeBeyondTheObject_Is416_AndTheDownloadIsTombstoned(string kind)
    {
        byte[] data = EmulatorFixture.RandomBytes(1000, seed: 4);
        (string bucket, string name, _) = await ArrangeAsync(data, "r416");
        GcsTransport transport = Transport(out RecordingHandler recorder);
        var destination = new MemoryStream();
        Download download = kind == "Download"
            ? new Download(Url(bucket, name), destination, start: 5000)
            : new RawDownload(Url(bucket, name), destination, start: 5000, end: 6000);
        download.RetryStrategy = NoSleep();

        var error = await Assert.ThrowsAsync<InvalidResponseException>(() => download.ConsumeAsync(transport.Client));
        Assert.Equal(416, error.StatusCode);
        Assert.False(error.IsRetryable);
        Assert.True(download.Finished);
        Assert.Equal(416, download.StatusCode);
        Assert.Equal(0, destination.Length);
        Assert.Single(recorder.Ranges);
        Assert.Throws<InvalidOperationException>(() => download.BuildRequest());
    }

    [Fact]
    public async Task ChunkedDownload_StartAndEnd_StopsAtEnd()
    {
        byte[] data = EmulatorFixture.RandomBytes(2 * MiB, seed: 5);
        (string bucket, string name, _) = await ArrangeAsync(data, "chunkrange");
        GcsTransport transport = Transport(out RecordingHandler recorder);
        var destination = new MemoryStream();
        var download = new ChunkedDownload(Url(bucket, name), K256, destination, start: 1000, end: 600_000);
        await download.ConsumeAllAsync(transport.Client);
        Assert.Equal(data.AsSpan(1000, 600_000 - 1000 + 1).ToArray(), destination.ToArray());
        Assert.Equal(new[] { "bytes=1000-263143", "bytes=263144-525287", "bytes=525288-600000" }, recorder.Ranges);
        Assert.False(download.ChecksumVerified);
    }

    [Theory]
    [InlineData("Download")]
    [InlineData("Chunked256K")]
    [InlineData("RawChunked1M")]
    public async Task RangeEndPastTheObject_StopsAtTheLastByte(string kind)
    {
        byte[] data = EmulatorFixture.RandomBytes(K256 + 77, seed: 12);
        (string bucket, string name, _) = await ArrangeAsync(data, "endpast");
        GcsTransport transport = Transport(out RecordingHandler recorder);
        var destination = new MemoryStream();
        if (IsChunked(kind))
        {
            ChunkedDownload chunked = kind.StartsWith("Raw")
                ? new RawChunkedDownload(Url(bucket, name), ChunkSize(kind), destination, start: 10, end: 10 * MiB)
                : new ChunkedDownload(Url(bucket, name), ChunkSize(kind), destination, start: 10, end: 10 * MiB);
            await chunked.ConsumeAllAsync(transport.Client);
            Assert.Equal(data.Length, chunked.TotalBytes);
            Assert.Equal(data.Length - 10, chunked.BytesDownloaded);
        }
        else
        {
            var download = new Download(Url(bucket, name), destination, start: 10, end: 10 * MiB) { RetryStrategy = NoSleep() };
            DownloadResult result = await download.ConsumeAsync(transport.Client);
            Assert.Equal(206, result.StatusCode);
            Assert.Equal($"bytes 10-{data.Length - 1}/{data.Length}", result.ContentRange);
        }

        Assert.Equal(data.AsSpan(10).ToArray(), destination.ToArray());
        Assert.All(recorder.Statuses, s => Assert.Equal(206, s));
        Assert.Equal(ChunkCount(kind, data.Length - 10), recorder.Statuses.Count);
    }

    // ---------------------------------------------------------------- generations and missing objects

    [Fact]
    public async Task Generation_EqualsXGoogGeneration_AndAnOverwrittenGenerationIs404()
    {
        string bucket = await fixture.CreateBucketAsync("dl-gen");
        string name = "gen-object";
        byte[] first = EmulatorFixture.RandomBytes(5000, seed: 1);
        byte[] second = EmulatorFixture.RandomBytes(6000, seed: 2);
        JObject v1 = await fixture.PutObjectAsync(bucket, name, first);
        JObject v2 = await fixture.PutObjectAsync(bucket, name, second);
        long g1 = long.Parse((string)v1["generation"]!);
        long g2 = long.Parse((string)v2["generation"]!);
        Assert.NotEqual(g1, g2);

        using HttpResponseMessage plain = await fixture.Http.GetAsync(Url(bucket, name));
        plain.EnsureSuccessStatusCode();
        long headerGeneration = long.Parse(plain.Headers.GetValues("x-goog-generation").Single());
        Assert.Equal(g2, headerGeneration);

        var latest = new MemoryStream();
        var download = new Download(Url(bucket, name), latest) { RetryStrategy = NoSleep() };
        DownloadResult result = await download.ConsumeAsync(DefaultTransport().Client);
        Assert.Equal(headerGeneration, download.Generation);
        Assert.Equal(headerGeneration, result.Generation);
        Assert.Equal(second, latest.ToArray());

        var pinned = new MemoryStream();
        var pinnedDownload = new Download(fixture.Urls.MediaDownload(new GcsObjectRef(bucket, name), g2), pinned) { RetryStrategy = NoSleep() };
        Assert.Equal(g2, pinnedDownload.Generation); // from the URL, before any response
        await pinnedDownload.ConsumeAsync(DefaultTransport().Client);
        Assert.Equal(second, pinned.ToArray());

        GcsTransport transport = Transport(out RecordingHandler recorder);
        var gone = new MemoryStream();
        var goneDownload = new Download(fixture.Urls.MediaDownload(new GcsObjectRef(bucket, name), g1), gone) { RetryStrategy = NoSleep() };
        var error = await Assert.ThrowsAsync<InvalidResponseException>(() => goneDownload.ConsumeAsync(transport.Client));
        Assert.Equal(404, error.StatusCode);
        Assert.Equal(0, gone.Length);
        Assert.Single(recorder.Statuses);

        var goneChunked = new ChunkedDownload(fixture.Urls.MediaDownload(new GcsObjectRef(bucket, name), g1), K256, new MemoryStream());
        var chunkError = await Assert.ThrowsAsync<InvalidResponseException>(() => goneChunked.ConsumeNextChunkAsync(DefaultTransport().Client));
        Assert.Equal(404, chunkError.StatusCode);
        Assert.True(goneChunked.Invalid);
    }

    [Fact]
    public async Task ChunkedDownload_PinsTheGenerationAfterTheFirstChunk()
    {
        byte[] data = EmulatorFixture.RandomBytes(K256 + 10, seed: 21);
        (string bucket, string name, JObject stored) = await ArrangeAsync(data, "chunkgen");
        GcsTransport transport = Transport(out RecordingHandler recorder);
        var destination = new MemoryStream();
        var download = new ChunkedDownload(Url(bucket, name), K256, destination);
        await download.ConsumeNextChunkAsync(transport.Client);

        // Overwrite between chunks: the second chunk must come from the first generation, which no longer exists.
        await fixture.PutObjectAsync(bucket, name, EmulatorFixture.RandomBytes(K256 + 10, seed: 22));
        var error = await Assert.ThrowsAsync<InvalidResponseException>(() => download.ConsumeNextChunkAsync(transport.Client));
        Assert.Equal(404, error.StatusCode);
        Assert.Contains("generation=" + (string)stored["generation"]!, recorder.Urls[1]);
        Assert.Equal(long.Parse((string)stored["generation"]!), download.Generation);
    }

    [Theory]
    [InlineData("Download")]
    [InlineData("Chunked256K")]
    public async Task MissingObject_Is404_AndTheMessageNamesTheObject(string kind)
    {
        string bucket = await fixture.CreateBucketAsync("dl-404");
        const string name = "no-such-object-here";
        GcsTransport transport = Transport(out RecordingHandler recorder);
        var destination = new MemoryStream();
        InvalidResponseException error = await Assert.ThrowsAsync<InvalidResponseException>(
            () => RunAsync(kind, Url(bucket, name), destination, ChecksumType.Crc32c, transport: transport));
        Assert.Equal(404, error.StatusCode);
        Assert.Contains(name, error.Message);
        Assert.Contains("404", error.Message);
        Assert.DoesNotContain("alt=media", error.Message);
        Assert.Single(recorder.Statuses);
        Assert.Equal(0, destination.Length);

        var labelled = new Download(Url(bucket, name), new MemoryStream()) { ObjectName = $"gs://{bucket}/{name}", RetryStrategy = NoSleep() };
        error = await Assert.ThrowsAsync<InvalidResponseException>(() => labelled.ConsumeAsync(transport.Client));
        Assert.Contains($"gs://{bucket}/{name}", error.Message);
        Assert.Equal($"gs://{bucket}/{name}", error.ObjectName);
    }

    // ---------------------------------------------------------------- gzip

    [Theory]
    [InlineData(1000)]
    [InlineData(700_000)]
    public async Task GzipObject_DownloadDecodes_RawDownloadKeepsTheStoredBytes(int size)
    {
        byte[] original = GzipFriendly(size);
        byte[] gzip = Gzip(original);
        (string bucket, string name, JObject stored) = await ArrangeGzipAsync(gzip);
        Assert.Equal("gzip", (string?)stored["contentEncoding"]);
        Assert.Equal(Crc(gzip), (string?)stored["crc32c"]);

        var decoded = new MemoryStream();
        var download = new Download(Url(bucket, name), decoded) { RetryStrategy = NoSleep() };
        DownloadResult result = await download.ConsumeAsync(DefaultTransport().Client);
        Assert.Equal(original, decoded.ToArray());
        Assert.True(result.ChecksumVerified);
        Assert.Equal((string)stored["crc32c"]!, result.ExpectedChecksum);
        Assert.Equal((string)stored["crc32c"]!, result.ActualChecksum);
        Assert.Equal("gzip", result.ContentEncoding);
        Assert.Equal(gzip.Length, result.BytesDownloaded);
        Assert.Equal(original.Length, result.BytesWritten);
        Assert.False(download.Transcoded);

        var md5 = new MemoryStream();
        var md5Download = new Download(Url(bucket, name), md5, checksum: ChecksumType.Md5) { RetryStrategy = NoSleep() };
        DownloadResult md5Result = await md5Download.ConsumeAsync(DefaultTransport().Client);
        Assert.Equal(original, md5.ToArray());
        Assert.True(md5Result.ChecksumVerified);
        Assert.Equal(Md5(gzip), md5Result.ActualChecksum);

        var raw = new MemoryStream();
        var rawDownload = new RawDownload(Url(bucket, name), raw) { RetryStrategy = NoSleep() };
        DownloadResult rawResult = await rawDownload.ConsumeAsync(DefaultTransport().Client);
        Assert.Equal(gzip, raw.ToArray());
        Assert.True(rawResult.ChecksumVerified);
        Assert.Equal(gzip.Length, rawResult.BytesWritten);
    }

    [Theory]
    [InlineData("Chunked256K")]
    [InlineData("RawChunked256K")]
    public async Task GzipObject_ChunkedDownloads(string kind)
    {
        byte[] original = EmulatorFixture.RandomBytes(700_000, seed: 8); // incompressible: several gzip chunks
        byte[] gzip = Gzip(original);
        (string bucket, string name, JObject stored) = await ArrangeGzipAsync(gzip);

        var destination = new MemoryStream();
        Outcome outcome = await RunAsync(kind, Url(bucket, name), destination, ChecksumType.Crc32c);
        Assert.Equal(kind.StartsWith("Raw") ? gzip : original, destination.ToArray());
        Assert.True(outcome.ChecksumVerified);
        Assert.Equal((string)stored["crc32c"]!, outcome.Actual);
        Assert.Equal(ChunkCount(kind, gzip.Length), outcome.Requests);
    }

    // ---------------------------------------------------------------- retry conformance (scenario 8) and faults

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Scenario8_TwoBrokenStreams_Completes(string kind)
        => await AssertSurvivesAsync(kind, 3 * MiB + 17, expectedRetries: 2, "return-broken-stream", "return-broken-stream");

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Scenario8_BrokenStreamAfter256K_Completes(string kind)
        => await AssertSurvivesAsync(kind, 3 * MiB + 17, expectedRetries: 1, "return-broken-stream-after-256K");

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task TwoServiceUnavailable_AreRetried(string kind)
        => await AssertSurvivesAsync(kind, MiB + 5, expectedRetries: 2, "return-503", "return-503");

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task ConnectionReset_IsRetried(string kind)
        => await AssertSurvivesAsync(kind, MiB + 5, expectedRetries: 1, "return-reset-connection");

    [Theory]
    [InlineData("Download", 400)]
    [InlineData("Download", 401)]
    [InlineData("RawDownload", 400)]
    [InlineData("Chunked256K", 400)]
    [InlineData("Chunked256K", 401)]
    public async Task ClientErrors_AreNotRetried(string kind, int status)
    {
        byte[] data = EmulatorFixture.RandomBytes(MiB + 5, seed: status);
        (string bucket, string name, _) = await ArrangeAsync(data, "noretry");
        string id = await fixture.CreateRetryTestAsync(GetMethod, $"return-{status}");
        GcsTransport transport = Transport(out RecordingHandler recorder);
        var destination = new MemoryStream();
        var retries = new List<RetryEvent>();

        var error = await Assert.ThrowsAsync<InvalidResponseException>(
            () => RunAsync(kind, Url(bucket, name), destination, ChecksumType.Crc32c, RetryHeaders(id), transport, retries));
        Assert.Equal(status, error.StatusCode);
        Assert.False(error.IsRetryable);
        Assert.Empty(retries);
        Assert.Equal(new[] { status }, recorder.Statuses);
        Assert.Equal(0, destination.Length);
        Assert.True(await fixture.RetryTestCompletedAsync(id));
    }

    [Theory]
    [InlineData("Download")]
    [InlineData("RawDownload")]
    [InlineData("Chunked1M")]
    [InlineData("RawChunked1M")]
    public async Task CorruptedData_RaisesDataCorruption_AndIsNotRetried(string kind)
    {
        byte[] data = EmulatorFixture.RandomBytes(300_000, seed: 99);
        (string bucket, string name, JObject stored) = await ArrangeAsync(data, "corrupt");
        string id = await fixture.CreateRetryTestAsync(GetMethod, "return-corrupted-data");
        GcsTransport transport = Transport(out RecordingHandler recorder);
        var destination = new MemoryStream();
        var retries = new List<RetryEvent>();

        var error = await Assert.ThrowsAsync<DataCorruptionException>(
            () => RunAsync(kind, Url(bucket, name), destination, ChecksumType.Crc32c, RetryHeaders(id), transport, retries));
        Assert.Equal((string)stored["crc32c"]!, error.Expected);
        Assert.NotNull(error.Actual);
        Assert.NotEqual(error.Expected, error.Actual);
        Assert.Equal(ChecksumType.Crc32c, error.ChecksumType);
        Assert.Equal(data.Length, error.BytesTransferred);
        Assert.Contains(name, error.Message);
        Assert.Empty(retries);
        Assert.Single(recorder.Statuses);
        Assert.True(await fixture.RetryTestCompletedAsync(id));

        // Whatever reached the destination is not the object: it must not be trusted.
        Assert.NotEqual(data, destination.ToArray());
        Assert.NotEqual(Crc(data), Crc(destination.ToArray()));
    }

    [Fact]
    public async Task CorruptedData_WithoutChecksum_GoesUnnoticed()
    {
        byte[] data = EmulatorFixture.RandomBytes(300_000, seed: 98);
        (string bucket, string name, _) = await ArrangeAsync(data, "corrupt-none");
        string id = await fixture.CreateRetryTestAsync(GetMethod, "return-corrupted-data");
        var destination = new MemoryStream();
        var download = new Download(Url(bucket, name), destination, headers: RetryHeaders(id), checksum: ChecksumType.None) { RetryStrategy = NoSleep() };
        DownloadResult result = await download.ConsumeAsync(DefaultTransport().Client);
        Assert.False(result.ChecksumVerified);
        Assert.Equal(data.Length, destination.Length);
        Assert.NotEqual(data, destination.ToArray());
        Assert.True(await fixture.RetryTestCompletedAsync(id));
    }

    [Theory]
    [InlineData("Chunked256K")]
    [InlineData("RawChunked256K")]
    public async Task ChunkedDownload_FaultOnSecondChunk_RetriesTheSameRange(string kind)
    {
        byte[] data = EmulatorFixture.RandomBytes(3 * K256 + 1, seed: 31);
        (string bucket, string name, _) = await ArrangeAsync(data, "chunkfault");
        string id = await fixture.CreateRetryTestAsync(GetMethod, "return-503");
        GcsTransport transport = Transport(out RecordingHandler recorder);
        var destination = new MemoryStream();
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        ChunkedDownload download = kind.StartsWith("Raw")
            ? new RawChunkedDownload(Url(bucket, name), K256, destination, headers: headers)
            : new ChunkedDownload(Url(bucket, name), K256, destination, headers: headers);
        download.RetryStrategy = NoSleep();
        var retries = new List<RetryEvent>();
        download.OnRetry = retries.Add;

        Assert.Equal(K256, await download.ConsumeNextChunkAsync(transport.Client));
        headers["x-retry-test-id"] = id; // the fault hits the second chunk's first attempt
        Assert.Equal(K256, await download.ConsumeNextChunkAsync(transport.Client));
        Assert.Equal(1, download.Retries);
        headers.Remove("x-retry-test-id");
        await download.ConsumeAllAsync(transport.Client);

        Assert.Equal(data, destination.ToArray());
        Assert.True(download.ChecksumVerified);
        Assert.False(download.Invalid);
        Assert.Single(retries);
        Assert.Equal(503, Assert.IsType<InvalidResponseException>(retries[0].Error).StatusCode);
        // storage-testbench may answer a ranged GET under fault injection with 200 + Content-Range (GCS: 206).
        Assert.Equal(new[] { 206, 503, 206, 206, 206 }, recorder.Statuses.Select(s => s == 200 ? 206 : s));
        Assert.Equal(
            new[] { "bytes=0-262143", "bytes=262144-524287", "bytes=262144-524287", "bytes=524288-786431", "bytes=786432-786432" },
            recorder.Ranges);
        Assert.True(await fixture.RetryTestCompletedAsync(id));
    }

    [Fact]
    public async Task Download_ResumesAfterABrokenStream_WithTheGenerationPinned()
    {
        byte[] data = EmulatorFixture.RandomBytes(MiB, seed: 41);
        (string bucket, string name, JObject stored) = await ArrangeAsync(data, "resume");
        string id = await fixture.CreateRetryTestAsync(GetMethod, "return-broken-stream-after-256K");
        GcsTransport transport = Transport(out RecordingHandler recorder);
        var destination = new MemoryStream();
        var download = new Download(Url(bucket, name), destination, headers: RetryHeaders(id)) { RetryStrategy = NoSleep() };
        DownloadResult result = await download.ConsumeAsync(transport.Client);

        Assert.Equal(data, destination.ToArray());
        Assert.True(result.ChecksumVerified);
        Assert.Equal(1, result.Retries);
        Assert.Equal(2, recorder.Urls.Count);
        Assert.DoesNotContain("generation=", recorder.Urls[0]);
        Assert.Contains("generation=" + (string)stored["generation"]!, recorder.Urls[1]);
        Assert.Null(recorder.Ranges[0]);
        Assert.Matches(@"^bytes=\d+-1048575$", recorder.Ranges[1]);
        long resumedAt = long.Parse(recorder.Ranges[1]!.Substring(6).Split('-')[0]);
        Assert.InRange(resumedAt, 1, K256); // at most 256 KiB got through before the break
        Assert.Equal(200, recorder.Statuses[0]);
        Assert.Contains(recorder.Statuses[1], new[] { 200, 206 }); // storage-testbench may answer 200 + Content-Range
    }

    [Fact]
    public async Task Download_StalledBody_TimesOutAndResumes()
    {
        byte[] data = EmulatorFixture.RandomBytes(512 * 1024, seed: 51);
        (string bucket, string name, _) = await ArrangeAsync(data, "stall");
        string id = await fixture.CreateRetryTestAsync(GetMethod, "stall-for-3s-after-128K");
        GcsTransport transport = Transport(out RecordingHandler recorder, readTimeout: TimeSpan.FromSeconds(1));
        var destination = new MemoryStream();
        var download = new Download(Url(bucket, name), destination, headers: RetryHeaders(id)) { RetryStrategy = NoSleep() };
        var retries = new List<RetryEvent>();
        download.OnRetry = retries.Add;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        DownloadResult result = await download.ConsumeAsync(transport.Client);
        clock.Stop();

        Assert.Equal(data, destination.ToArray());
        Assert.True(result.ChecksumVerified);
        Assert.Single(retries);
        Assert.IsType<TimeoutException>(retries[0].Error);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.Equal(2, recorder.Urls.Count);
        Assert.True(await fixture.RetryTestCompletedAsync(id));
    }

    [Theory]
    [InlineData("Download")]
    [InlineData("RawDownload")]
    [InlineData("Chunked256K")]
    [InlineData("RawChunked256K")]
    public async Task GzipObject_BrokenStreamAfter256K_ResumesAndValidates(string kind)
    {
        byte[] original = EmulatorFixture.RandomBytes(900_000, seed: 61);
        byte[] gzip = Gzip(original);
        (string bucket, string name, JObject stored) = await ArrangeGzipAsync(gzip);
        string id = await fixture.CreateRetryTestAsync(GetMethod, "return-broken-stream-after-256K");
        var retries = new List<RetryEvent>();
        var destination = new MemoryStream();
        Outcome outcome = await RunAsync(kind, Url(bucket, name), destination, ChecksumType.Crc32c, RetryHeaders(id), retries: retries);
        Assert.Equal(kind.StartsWith("Raw") ? gzip : original, destination.ToArray());
        Assert.True(outcome.ChecksumVerified);
        Assert.Equal((string)stored["crc32c"]!, outcome.Actual);
        Assert.Single(retries);
        Assert.True(await fixture.RetryTestCompletedAsync(id));
    }

    [Theory]
    [InlineData(1000L, 600_000L)]
    [InlineData(300_000L, null)]
    [InlineData(-700_000L, null)]
    [InlineData(null, 500_000L)]
    public async Task RangedDownload_BrokenStream_ResumesWithinTheRange(long? start, long? end)
    {
        byte[] data = EmulatorFixture.RandomBytes(MiB, seed: 71);
        (string bucket, string name, _) = await ArrangeAsync(data, "rangeresume");
        string id = await fixture.CreateRetryTestAsync(GetMethod, "return-broken-stream-after-256K");
        GcsTransport transport = Transport(out RecordingHandler recorder);
        var destination = new MemoryStream();
        var download = new Download(Url(bucket, name), destination, start, end, RetryHeaders(id)) { RetryStrategy = NoSleep() };
        DownloadResult result = await download.ConsumeAsync(transport.Client);

        long first = start.HasValue ? (start.Value < 0 ? data.Length + start.Value : start.Value) : 0;
        long last = end ?? data.Length - 1;
        Assert.Equal(data.AsSpan((int)first, (int)(last - first + 1)).ToArray(), destination.ToArray());
        Assert.Equal(1, result.Retries);
        Assert.Equal(2, recorder.Ranges.Count);
        Assert.Matches($@"^bytes=\d+-{last}$", recorder.Ranges[1]);
        Assert.Equal(last - first + 1, result.BytesDownloaded);
        Assert.True(await fixture.RetryTestCompletedAsync(id));
    }

    [Fact]
    public async Task Download_TooManyFailures_RaisesTheLastError()
    {
        byte[] data = EmulatorFixture.RandomBytes(1000, seed: 81);
        (string bucket, string name, _) = await ArrangeAsync(data, "exhaust");
        string id = await fixture.CreateRetryTestAsync(GetMethod, Enumerable.Repeat("return-503", 6).Append("return-500").ToArray());
        GcsTransport transport = Transport(out RecordingHandler recorder);
        var download = new Download(Url(bucket, name), new MemoryStream(), headers: RetryHeaders(id)) { RetryStrategy = NoSleep() };
        var error = await Assert.ThrowsAsync<InvalidResponseException>(() => download.ConsumeAsync(transport.Client));
        Assert.Equal(503, error.StatusCode); // maxRetries 5: six attempts, all 503
        Assert.Equal(Enumerable.Repeat(503, 6), recorder.Statuses);
        Assert.False(await fixture.RetryTestCompletedAsync(id));
    }

    [Fact]
    public async Task Download_CallerCancellationDuringAStall_IsNotRetried()
    {
        byte[] data = EmulatorFixture.RandomBytes(512 * 1024, seed: 91);
        (string bucket, string name, _) = await ArrangeAsync(data, "cancel");
        string id = await fixture.CreateRetryTestAsync(GetMethod, "stall-for-3s-after-128K");
        GcsTransport transport = Transport(out RecordingHandler recorder);
        var download = new Download(Url(bucket, name), new MemoryStream(), headers: RetryHeaders(id)) { RetryStrategy = NoSleep() };
        var retries = new List<RetryEvent>();
        download.OnRetry = retries.Add;
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => download.ConsumeAsync(transport.Client, cts.Token));
        Assert.Empty(retries);
        Assert.Single(recorder.Urls);
    }

    [Fact]
    public async Task ChunkedDownload_StalledChunk_TimesOutAndRetriesTheSameRange()
    {
        byte[] data = EmulatorFixture.RandomBytes(2 * K256, seed: 52);
        (string bucket, string name, _) = await ArrangeAsync(data, "chunkstall");
        string id = await fixture.CreateRetryTestAsync(GetMethod, "stall-for-3s-after-128K");
        GcsTransport transport = Transport(out RecordingHandler recorder, readTimeout: TimeSpan.FromSeconds(1));
        var destination = new MemoryStream();
        var download = new ChunkedDownload(Url(bucket, name), K256, destination, headers: RetryHeaders(id)) { RetryStrategy = NoSleep() };
        var retries = new List<RetryEvent>();
        download.OnRetry = retries.Add;
        await download.ConsumeAllAsync(transport.Client);
        Assert.Equal(data, destination.ToArray());
        Assert.True(download.ChecksumVerified);
        Assert.Single(retries);
        Assert.IsType<TimeoutException>(retries[0].Error);
        Assert.Equal(new[] { "bytes=0-262143", "bytes=0-262143", "bytes=262144-524287" }, recorder.Ranges);
    }

    [Fact]
    public async Task Download_AwkwardObjectName_ResumesAndReportsProgress()
    {
        string bucket = await fixture.CreateBucketAsync("dl-name");
        const string name = "dir/sub dir/\u00fcn\u00efc\u00f8d\u00e9+file#1?.bin";
        byte[] data = EmulatorFixture.RandomBytes(700_000, seed: 101);
        await fixture.PutObjectAsync(bucket, name, data);
        string id = await fixture.CreateRetryTestAsync(GetMethod, "return-broken-stream-after-256K");
        GcsTransport transport = Transport(out RecordingHandler recorder);
        var destination = new MemoryStream();
        var progress = new List<long>();
        var download = new Download(Url(bucket, name), destination, headers: RetryHeaders(id))
        {
            RetryStrategy = NoSleep(),
            ProgressCallback = progress.Add,
        };
        DownloadResult result = await download.ConsumeAsync(transport.Client);
        Assert.Equal(data, destination.ToArray());
        Assert.True(result.ChecksumVerified);
        Assert.Equal(data.Length, progress[^1]);
        Assert.Equal(progress.OrderBy(p => p), progress);
        Assert.Equal(2, recorder.Urls.Count);
        Assert.StartsWith(recorder.Urls[0].Split('?')[0], recorder.Urls[1]);
    }

    [Fact]
    public async Task Download_SeekableDestinationWithExistingContent_AppendsAtPosition()
    {
        byte[] data = EmulatorFixture.RandomBytes(400_000, seed: 111);
        (string bucket, string name, _) = await ArrangeAsync(data, "append");
        string id = await fixture.CreateRetryTestAsync(GetMethod, "return-broken-stream", "return-broken-stream-after-256K");
        string path = Path.Combine(Path.GetTempPath(), $"gcsmedia-dl-{Guid.NewGuid():N}.bin");
        try
        {
            byte[] prefix = Encoding.ASCII.GetBytes("HEADER--");
            await using (var file = new FileStream(path, FileMode.Create, FileAccess.ReadWrite))
            {
                await file.WriteAsync(prefix);
                var download = new Download(Url(bucket, name), file, headers: RetryHeaders(id)) { RetryStrategy = NoSleep() };
                DownloadResult result = await download.ConsumeAsync(DefaultTransport().Client);
                Assert.True(result.ChecksumVerified);
                Assert.Equal(2, result.Retries);
            }

            Assert.Equal(prefix.Concat(data).ToArray(), await File.ReadAllBytesAsync(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private async Task AssertSurvivesAsync(string kind, int size, int expectedRetries, params string[] instructions)
    {
        byte[] data = EmulatorFixture.RandomBytes(size, seed: size ^ instructions.Length);
        (string bucket, string name, JObject stored) = await ArrangeAsync(data, "survive");
        string id = await fixture.CreateRetryTestAsync(GetMethod, instructions);
        GcsTransport transport = Transport(out RecordingHandler recorder);
        var destination = new MemoryStream();
        var retries = new List<RetryEvent>();

        Outcome outcome = await RunAsync(kind, Url(bucket, name), destination, ChecksumType.Crc32c, RetryHeaders(id), transport, retries);

        Assert.Equal(data, destination.ToArray());
        Assert.True(outcome.ChecksumVerified);
        Assert.Equal((string)stored["crc32c"]!, outcome.Actual);
        Assert.Equal(expectedRetries, retries.Count);
        Assert.Equal(ChunkCount(kind, size) + expectedRetries, recorder.Urls.Count);
        Assert.True(await fixture.RetryTestCompletedAsync(id));
    }

    // ---------------------------------------------------------------- helpers

    private sealed record Outcome(bool Finished, bool ChecksumVerified, string? Expected, string? Actual, long? Generation, int Retries, int Requests);

    private static bool IsChunked(string kind) => kind.Contains("Chunked");

    private static int ChunkSize(string kind) => kind.EndsWith("1M") ? MiB : K256;

    private static int ChunkCount(string kind, int size)
        => !IsChunked(kind) ? 1 : Math.Max(1, (size + ChunkSize(kind) - 1) / ChunkSize(kind));

    private async Task<Outcome> RunAsync(
        string kind,
        string url,
        Stream destination,
        ChecksumType checksum,
        Dictionary<string, string>? headers = null,
        GcsTransport? transport = null,
        List<RetryEvent>? retries = null)
    {
        RecordingHandler? recorder = null;
        if (transport == null)
        {
            transport = Transport(out recorder);
        }

        retries ??= new List<RetryEvent>();
        if (!IsChunked(kind))
        {
            Download download = kind == "RawDownload"
                ? new RawDownload(url, destination, headers: headers, checksum: checksum)
                : new Download(url, destination, headers: headers, checksum: checksum);
            download.RetryStrategy = NoSleep();
            download.OnRetry = retries.Add;
            DownloadResult result = await download.ConsumeAsync(transport.Client);
            Assert.Equal(result.Retries, retries.Count);
            return new Outcome(download.Finished, result.ChecksumVerified, result.ExpectedChecksum, result.ActualChecksum, result.Generation, retries.Count, recorder?.Urls.Count ?? 0);
        }

        ChunkedDownload chunked = kind.StartsWith("Raw")
            ? new RawChunkedDownload(url, ChunkSize(kind), destination, headers: headers, checksum: checksum)
            : new ChunkedDownload(url, ChunkSize(kind), destination, headers: headers, checksum: checksum);
        chunked.RetryStrategy = NoSleep();
        chunked.OnRetry = retries.Add;
        await chunked.ConsumeAllAsync(transport.Client);
        return new Outcome(chunked.Finished, chunked.ChecksumVerified, chunked.ExpectedChecksum, chunked.ActualChecksum, chunked.Generation, retries.Count, recorder?.Urls.Count ?? 0);
    }

    /// <summary>Retries without sleeping, bounded so a broken retry loop fails fast instead of hanging.</summary>
    private static RetryStrategy NoSleep()
        => new(maxRetries: 5) { Jitter = () => 0, Delay = (_, _) => Task.CompletedTask };

    private static Dictionary<string, string> RetryHeaders(string id)
        => new(StringComparer.OrdinalIgnoreCase) { ["x-retry-test-id"] = id };

    private GcsTransport DefaultTransport() => GcsTransport.Create(new TransportOptions { Endpoint = fixture.Endpoint, Emulator = true });

    /// <summary>An uncached transport whose socket handler is wrapped in a recorder (the read timeout still applies on top).</summary>
    private GcsTransport Transport(out RecordingHandler recorder, TimeSpan? readTimeout = null)
    {
        var options = new TransportOptions { Endpoint = fixture.Endpoint, Emulator = true };
        if (readTimeout.HasValue)
        {
            options.ReadTimeout = readTimeout.Value;
        }

        recorder = new RecordingHandler(GcsTransport.CreatePrimaryHandler(options));
        return GcsTransport.Create(options, recorder);
    }

    private string Url(string bucket, string name) => fixture.Urls.MediaDownload(new GcsObjectRef(bucket, name));

    private async Task<(string Bucket, string Name, JObject Stored)> ArrangeAsync(byte[] data, string prefix)
    {
        string bucket = await fixture.CreateBucketAsync("dl-" + prefix);
        string name = $"{prefix}-{data.Length}.bin";
        JObject uploaded = await fixture.PutObjectAsync(bucket, name, data);
        Assert.Equal(data.Length.ToString(), (string?)uploaded["size"] ?? "0");
        JObject stored = (await fixture.GetObjectAsync(bucket, name))!;
        return (bucket, name, stored);
    }

    /// <summary>Stores gzip bytes with contentEncoding gzip through a multipart upload written by hand.</summary>
    private async Task<(string Bucket, string Name, JObject Stored)> ArrangeGzipAsync(byte[] gzip)
    {
        string bucket = await fixture.CreateBucketAsync("dl-gzip");
        string name = $"gzipped-{gzip.Length}.txt";
        const string boundary = "gcsmedia-test-boundary-7d1c";
        var metadata = new JObject { ["name"] = name, ["contentEncoding"] = "gzip", ["contentType"] = "text/plain" };
        var body = new MemoryStream();
        void Text(string s) => body.Write(Encoding.UTF8.GetBytes(s));
        Text($"--{boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n{metadata.ToString(Newtonsoft.Json.Formatting.None)}\r\n");
        Text($"--{boundary}\r\nContent-Type: text/plain\r\n\r\n");
        body.Write(gzip);
        Text($"\r\n--{boundary}--\r\n");

        using var content = new ByteArrayContent(body.ToArray());
        content.Headers.ContentType = MediaTypeHeaderValue.Parse($"multipart/related; boundary={boundary}");
        using HttpResponseMessage response = await fixture.Http.PostAsync(fixture.Urls.Upload(bucket, "multipart"), content);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"multipart upload: {(int)response.StatusCode} {text}");
        JObject stored = (await fixture.GetObjectAsync(bucket, name))!;
        Assert.Equal(gzip.Length, long.Parse((string)stored["size"]!));
        return (bucket, name, stored);
    }

    private static byte[] GzipFriendly(int size)
    {
        var builder = new StringBuilder();
        int line = 0;
        while (builder.Length < size)
        {
            builder.Append("line ").Append(line++).Append(": the quick brown fox jumps over the lazy dog\n");
        }

        return Encoding.ASCII.GetBytes(builder.ToString(0, size));
    }

    private static byte[] Gzip(byte[] data)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    private static string Crc(byte[] data) => Crc32cHasher.ToBase64(Crc32cHasher.Compute(data));

    private static string Md5(byte[] data) => Convert.ToBase64String(MD5.HashData(data));
}

/// <summary>Records each request's URL, Range header and response status (or -1 when no response came).</summary>
internal sealed class RecordingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private readonly object _gate = new();

    public List<string> Urls { get; } = new();

    public List<string?> Ranges { get; } = new();

    public List<int> Statuses { get; } = new();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Urls.Add(request.RequestUri!.ToString());
            Ranges.Add(request.Headers.TryGetValues("Range", out var values) ? string.Join(",", values) : null);
        }

        try
        {
            HttpResponseMessage response = await base.SendAsync(request, cancellationToken);
            lock (_gate)
            {
                Statuses.Add((int)response.StatusCode);
            }

            return response;
        }
        catch
        {
            lock (_gate)
            {
                Statuses.Add(-1);
            }

            throw;
        }
    }
}
