using System.Diagnostics;
using GcsMedia.Protocol.Tests.TestSupport;
using Newtonsoft.Json.Linq;
using Xunit;

namespace GcsMedia.Protocol.Tests.Speed;

/// <summary>Sliced (parallel ranged) downloads against the emulator (or STORAGE_EMULATOR_HOST), faults via /retry_test.</summary>
[Collection(EmulatorCollection.Name)]
public sealed class SlicedDownloadTests(EmulatorFixture fixture) : IDisposable
{
    private const int MiB = 1024 * 1024;
    private const string GetMethod = "storage.objects.get";

    private readonly string _path = Path.Combine(Path.GetTempPath(), $"gcsmedia-sliced-{Guid.NewGuid():N}.part");

    public void Dispose()
    {
        if (File.Exists(_path))
        {
            File.Delete(_path);
        }
    }

    public static TheoryData<int, int> Sizes() => new()
    {
        { 0, 1 },
        { 1, 1 },
        { MiB - 1, 1 },
        { (5 * MiB) + 3, 6 },
    };

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task DownloadsEverySizeIntoTheFileAndVerifiesTheCombinedCrc32c(int size, int expectedSlices)
    {
        (GcsObjectRef obj, byte[] data, ObjectResource meta) = await ArrangeAsync(size, seed: size);
        var progress = new RecordingProgress();
        var sliceReports = new System.Collections.Concurrent.ConcurrentDictionary<int, (long Bytes, long Length)>();
        var download = new SlicedDownload(fixture.Urls, obj, _path)
        {
            SliceSize = MiB,
            ThrottleLimit = 4,
            RetryStrategy = NoWaitRetry(),
            Progress = progress,
            SliceProgress = (index, bytes, length) => sliceReports.AddOrUpdate(index, (bytes, length), (_, old) => bytes >= old.Bytes ? (bytes, length) : old),
        };

        SlicedDownloadResult result = await download.ConsumeAsync(fixture.Http);

        Assert.Equal(data, await File.ReadAllBytesAsync(_path));
        Assert.True(result.ChecksumVerified);
        Assert.Equal(meta.Crc32c, result.ExpectedCrc32c);
        Assert.Equal(meta.Crc32c, result.ActualCrc32c);
        Assert.Equal(expectedSlices, result.Slices);
        Assert.Equal(size, result.BytesDownloaded);
        Assert.Equal(size, result.BytesWritten);
        Assert.Equal(meta.Generation, result.Generation);
        Assert.Equal($"gs://{obj.Bucket}/{obj.Name}", result.ObjectName);
        Assert.Equal(0, result.Retries);

        if (size > 0)
        {
            Assert.Equal(size, progress.Values[^1]);
            Assert.Equal(progress.Values.OrderBy(v => v), progress.Values);
            Assert.Equal(expectedSlices, sliceReports.Count);
            foreach (SliceRange slice in expectedSlices > 1 ? SlicedDownload.PlanSlices(size, MiB) : new[] { new SliceRange(0, 0, size) })
            {
                Assert.Equal(slice.Length, sliceReports[slice.Index].Bytes);
                Assert.Equal(slice.Length, sliceReports[slice.Index].Length);
            }
        }
    }

    [Fact]
    public async Task ASliceHitBy503AndABrokenStreamStillCompletesCorrectly()
    {
        (GcsObjectRef obj, byte[] data, ObjectResource meta) = await ArrangeAsync((5 * MiB) + 3, seed: 21);
        string id = await fixture.CreateRetryTestAsync(GetMethod, "return-503", "return-broken-stream-after-256K");
        var retries = new System.Collections.Concurrent.ConcurrentBag<int>();
        var download = FromMetadata(obj, meta, new Dictionary<string, string> { ["x-retry-test-id"] = id });
        download.OnRetry = (slice, _) => retries.Add(slice);

        SlicedDownloadResult result = await download.ConsumeAsync(fixture.Http);

        Assert.Equal(data, await File.ReadAllBytesAsync(_path));
        Assert.True(result.ChecksumVerified);
        Assert.Equal(6, result.Slices);
        Assert.Equal(2, result.Retries);
        Assert.Equal(2, retries.Count);
        Assert.All(retries, slice => Assert.InRange(slice, 0, 5));
        Assert.True(await fixture.RetryTestCompletedAsync(id));
    }

    [Fact]
    public async Task CorruptedBytesInOneSliceFailTheCombinedCheck()
    {
        (GcsObjectRef obj, _, ObjectResource meta) = await ArrangeAsync((3 * MiB) + 17, seed: 22);
        string id = await fixture.CreateRetryTestAsync(GetMethod, "return-corrupted-data");
        var download = FromMetadata(obj, meta, new Dictionary<string, string> { ["x-retry-test-id"] = id });

        var error = await Assert.ThrowsAsync<DataCorruptionException>(() => download.ConsumeAsync(fixture.Http));

        Assert.Equal(obj.ToString(), error.ObjectName);
        Assert.Contains(obj.ToString(), error.Message);
        Assert.Equal(ChecksumType.Crc32c, error.ChecksumType);
        Assert.Equal(meta.Crc32c, error.Expected);
        Assert.NotEqual(meta.Crc32c, error.Actual);
        Assert.True(await fixture.RetryTestCompletedAsync(id));
    }

    [Fact]
    public async Task AnObjectReplacedMidwayIsNotMixed()
    {
        (GcsObjectRef obj, _, ObjectResource meta) = await ArrangeAsync((3 * MiB) + 5, seed: 23);
        byte[] replacement = EmulatorFixture.RandomBytes((3 * MiB) + 5, 24);
        int replaced = 0;
        var download = new SlicedDownload(fixture.Urls, obj, _path)
        {
            SliceSize = MiB,
            ThrottleLimit = 1,
            RetryStrategy = NoWaitRetry(),
            SliceProgress = (index, _, _) =>
            {
                // While slice 0 is being written, a new generation replaces the object.
                if (index == 0 && Interlocked.Exchange(ref replaced, 1) == 0)
                {
                    fixture.PutObjectAsync(obj.Bucket, obj.Name, replacement).GetAwaiter().GetResult();
                }
            },
        };

        var error = await Assert.ThrowsAsync<InvalidResponseException>(() => download.ConsumeAsync(fixture.Http));

        Assert.Equal(1, replaced);
        Assert.Equal(404, error.StatusCode);
        Assert.Equal(meta.Generation, download.Generation);
        Assert.Contains($"generation={meta.Generation}", download.MediaUrl);
        JObject? now = await fixture.GetObjectAsync(obj.Bucket, obj.Name);
        Assert.NotEqual(meta.Generation, (long)now!["generation"]!);
    }

    [Fact]
    public async Task CancellationStopsAllSlicesWithinOneSecond()
    {
        (GcsObjectRef obj, byte[] data, _) = await ArrangeAsync(8 * MiB, seed: 25);
        using var cts = new CancellationTokenSource();
        var download = new SlicedDownload(fixture.Urls, obj, _path)
        {
            SliceSize = MiB,
            ThrottleLimit = 4,
            RetryStrategy = NoWaitRetry(),
            BandwidthLimiter = new BandwidthLimiter(1_000_000), // about 8 s for the whole object
        };

        Task<SlicedDownloadResult> running = download.ConsumeAsync(fixture.Http, cts.Token);
        Stopwatch waitForBytes = Stopwatch.StartNew();
        while (download.BytesWritten == 0 && !running.IsCompleted && waitForBytes.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(10);
        }

        Assert.True(download.BytesWritten > 0, "the download never started writing");
        Stopwatch watch = Stopwatch.StartNew();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        watch.Stop();

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"cancellation took {watch.Elapsed.TotalMilliseconds:0} ms");
        long written = download.BytesWritten;
        Assert.InRange(written, 1, data.Length - 1);
        await Task.Delay(200);
        Assert.Equal(written, download.BytesWritten);
    }

    [Fact]
    public async Task EveryByteOfEverySlicePassesThroughTheSharedLimiter()
    {
        // A limiter in frozen simulated time that never waits: it only counts what the slices reserve.
        (GcsObjectRef obj, byte[] data, _) = await ArrangeAsync((2 * MiB) + 9, seed: 26);
        var limiter = new BandwidthLimiter(1_000_000_000, clock: () => TimeSpan.Zero, delay: (_, _) => Task.CompletedTask);
        var download = new SlicedDownload(fixture.Urls, obj, _path)
        {
            SliceSize = MiB,
            ThrottleLimit = 2,
            RetryStrategy = NoWaitRetry(),
            BandwidthLimiter = limiter,
        };

        SlicedDownloadResult result = await download.ConsumeAsync(fixture.Http);

        Assert.Equal(data, await File.ReadAllBytesAsync(_path));
        Assert.Equal(3, result.Slices);
        Assert.Equal(data.Length, limiter.BytesGranted);
    }

    [Fact]
    public async Task AGzipEncodedObjectIsDownloadedAsOneDecodedStream()
    {
        // Random bytes do not compress: the stored gzip is over 2 MiB, i.e. more than two slices if it were sliced.
        byte[] original = EmulatorFixture.RandomBytes((2 * MiB) + 100, 27);
        var compressed = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(compressed, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(original);
        }

        byte[] stored = compressed.ToArray();
        string bucket = await fixture.CreateBucketAsync("sliced-gz");
        var obj = new GcsObjectRef(bucket, "logs/archive.txt");
        const string boundary = "gcsmedia-sliced-boundary";
        var body = new MemoryStream();
        void Text(string text) => body.Write(System.Text.Encoding.UTF8.GetBytes(text));
        var metadata = new JObject { ["name"] = obj.Name, ["contentEncoding"] = "gzip", ["contentType"] = "text/plain" };
        Text($"--{boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n{metadata.ToString(Newtonsoft.Json.Formatting.None)}\r\n");
        Text($"--{boundary}\r\nContent-Type: text/plain\r\n\r\n");
        body.Write(stored);
        Text($"\r\n--{boundary}--\r\n");
        using var content = new ByteArrayContent(body.ToArray());
        content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse($"multipart/related; boundary={boundary}");
        using (HttpResponseMessage response = await fixture.Http.PostAsync(fixture.Urls.Upload(bucket, "multipart"), content))
        {
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        }

        var download = new SlicedDownload(fixture.Urls, obj, _path) { SliceSize = MiB, ThrottleLimit = 4, RetryStrategy = NoWaitRetry() };
        SlicedDownloadResult result = await download.ConsumeAsync(fixture.Http);

        Assert.Equal(original, await File.ReadAllBytesAsync(_path));
        Assert.Equal(1, result.Slices);
        Assert.True(result.ChecksumVerified);
        Assert.Equal(stored.Length, result.BytesDownloaded);
        Assert.Equal(original.Length, result.BytesWritten);
    }

    [Fact]
    public void SlicesCoverTheObjectContiguously()
    {
        IReadOnlyList<SliceRange> slices = SlicedDownload.PlanSlices((5L * MiB) + 3, MiB);
        Assert.Equal(6, slices.Count);
        long next = 0;
        for (int i = 0; i < slices.Count; i++)
        {
            Assert.Equal(i, slices[i].Index);
            Assert.Equal(next, slices[i].Start);
            next = slices[i].End + 1;
        }

        Assert.Equal((5L * MiB) + 3, next);
        Assert.Equal(3, slices[^1].Length);
        Assert.Empty(SlicedDownload.PlanSlices(0, MiB));
        Assert.Single(SlicedDownload.PlanSlices(MiB, MiB));
    }

    [Fact]
    public void SettingsAreValidated()
    {
        var download = new SlicedDownload("http://127.0.0.1:1/download/storage/v1/b/b/o/o?alt=media", _path, 10, generation: 5, crc32c: "AAAAAA==");
        Assert.Throws<ArgumentOutOfRangeException>(() => download.SliceSize = MiB - 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => download.ThrottleLimit = 0);
        Assert.Equal(SlicedDownload.DefaultSliceSize, download.SliceSize);
        Assert.Equal(8, download.ThrottleLimit);
        Assert.EndsWith("generation=5", download.MediaUrl);
        Assert.Throws<ArgumentException>(() => new SlicedDownload("http://h/o?alt=media&generation=4", _path, 10, generation: 5));
        Assert.Throws<FormatException>(() => new SlicedDownload("http://h/o?alt=media", _path, 10, crc32c: "not base64!"));
    }

    private async Task<(GcsObjectRef Obj, byte[] Data, ObjectResource Meta)> ArrangeAsync(int size, int seed)
    {
        string bucket = await fixture.CreateBucketAsync("sliced");
        var obj = new GcsObjectRef(bucket, $"dir/sliced object {size}.bin");
        byte[] data = EmulatorFixture.RandomBytes(size, seed);
        JObject json = await fixture.PutObjectAsync(bucket, obj.Name, data);
        return (obj, data, ObjectResource.Parse(json.ToString()));
    }

    /// <summary>Facts given up front (no metadata request), so fault instructions hit the slices only.</summary>
    private SlicedDownload FromMetadata(GcsObjectRef obj, ObjectResource meta, IDictionary<string, string> headers) =>
        new(fixture.Urls.MediaDownload(obj), _path, meta.Size, meta.Generation, meta.Crc32c, headers)
        {
            ObjectName = obj.ToString(),
            SliceSize = MiB,
            ThrottleLimit = 4,
            RetryStrategy = NoWaitRetry(),
        };

    private static RetryStrategy NoWaitRetry() => new(maxRetries: 5) { Delay = (_, _) => Task.CompletedTask };

    private sealed class RecordingProgress : IProgress<long>
    {
        private readonly object _gate = new();

        public List<long> Values { get; } = new();

        public void Report(long value)
        {
            lock (_gate)
            {
                Values.Add(value);
            }
        }
    }
}
