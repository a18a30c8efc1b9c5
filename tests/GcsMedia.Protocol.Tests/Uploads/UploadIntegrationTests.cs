using System.Net;
using System.Net.Http;
using GcsMedia.Protocol.Tests.TestSupport;
using Newtonsoft.Json.Linq;
using Xunit;
using static GcsMedia.Protocol.Tests.Uploads.UploadTestSupport;

namespace GcsMedia.Protocol.Tests.Uploads;

/// <summary>Adds x-retry-test-id to every request (as Google's conformance runners do) and records what was sent.</summary>
internal sealed class IntegrationHandler : DelegatingHandler
{
    private readonly string? _retryTestId;
    private readonly bool _putsOnly;

    /// <param name="putsOnly">Tag only PUTs (chunks and status queries), so faults hit the data, not the session start.</param>
    public IntegrationHandler(string? retryTestId = null, bool putsOnly = false)
        : base(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.None })
    {
        _retryTestId = retryTestId;
        _putsOnly = putsOnly;
    }

    public List<string> Sent { get; } = new();

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (_retryTestId != null && (!_putsOnly || request.Method == HttpMethod.Put))
        {
            request.Headers.TryAddWithoutValidation("x-retry-test-id", _retryTestId);
        }

        string? range = request.Content?.Headers.TryGetValues("Content-Range", out var values) == true ? string.Join(",", values) : null;
        lock (Sent)
        {
            Sent.Add($"{request.Method} {range}".Trim());
        }

        return base.SendAsync(request, cancellationToken);
    }
}

[Collection(EmulatorCollection.Name)]
public sealed class UploadIntegrationTests(EmulatorFixture fixture)
{
    private const int K256 = 262144;
    private const int MiB = 1024 * 1024;

    public static TheoryData<int> Sizes => new() { 0, 1, K256 - 1, K256, K256 + 1, 5 * MiB + 1 };

    public static TheoryData<int, int> SizesAndChunks()
    {
        var data = new TheoryData<int, int>();
        foreach (int size in new[] { 0, 1, K256 - 1, K256, K256 + 1, 5 * MiB + 1 })
        {
            data.Add(size, K256);
            data.Add(size, MiB);
        }

        return data;
    }

    private static HttpClient Client(IntegrationHandler handler) => new(handler) { Timeout = TimeSpan.FromSeconds(100) };

    private async Task AssertStoredAsync(string bucket, string name, byte[] data, bool expectMd5 = true)
    {
        JObject? stored = await fixture.GetObjectAsync(bucket, name);
        Assert.NotNull(stored);
        Assert.Equal(Crc(data), (string?)stored!["crc32c"]);
        if (expectMd5 && stored["md5Hash"] != null)
        {
            Assert.Equal(Md5(data), (string?)stored["md5Hash"]);
        }

        Assert.Equal(data.Length, long.Parse((string?)stored["size"] ?? "0"));
        using HttpResponseMessage media = await fixture.Http.GetAsync(fixture.Urls.MediaDownload(new GcsObjectRef(bucket, name)));
        media.EnsureSuccessStatusCode();
        Assert.Equal(data, await media.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task SimpleUpload_EndToEnd(int size)
    {
        string bucket = await fixture.CreateBucketAsync("simple");
        byte[] data = RandomBytes(size, size);
        var upload = SimpleUpload.ForObject(fixture.Http, fixture.Urls, new GcsObjectRef(bucket, "s.bin"), retryStrategy: NoSleep());
        ObjectResource? resource = await upload.TransmitAsync(new MemoryStream(data), "application/octet-stream");
        Assert.Equal("s.bin", resource!.Name);
        Assert.Equal(Crc(data), resource.Crc32c);
        await AssertStoredAsync(bucket, "s.bin", data);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task MultipartUpload_EndToEnd_WithCrc32cInMetadata(int size)
    {
        string bucket = await fixture.CreateBucketAsync("multi");
        byte[] data = RandomBytes(size, size + 1);
        var upload = MultipartUpload.ForBucket(fixture.Http, fixture.Urls, bucket, retryStrategy: NoSleep());
        ObjectResource? resource = await upload.TransmitAsync(
            new MemoryStream(data), new Dictionary<string, object?> { ["name"] = "m\u2603.bin", ["metadata"] = new Dictionary<string, object?> { ["k"] = "v" } }, "application/x-test");
        Assert.Equal("m\u2603.bin", resource!.Name);
        Assert.Equal("v", resource.Metadata["k"]);
        Assert.Equal("application/x-test", resource.ContentType);
        await AssertStoredAsync(bucket, "m\u2603.bin", data);
    }

    [Fact]
    public async Task MultipartUpload_EndToEnd_WithMd5()
    {
        string bucket = await fixture.CreateBucketAsync("multimd5");
        byte[] data = RandomBytes(1000, 7);
        var upload = MultipartUpload.ForBucket(fixture.Http, fixture.Urls, bucket, checksumType: ChecksumType.Md5);
        ObjectResource? resource = await upload.TransmitAsync(data, new Dictionary<string, object?> { ["name"] = "m.bin" }, "application/octet-stream");
        Assert.Equal(Md5(data), resource!.Md5Hash);
    }

    [Theory]
    [MemberData(nameof(SizesAndChunks))]
    public async Task ResumableUpload_KnownSize_EndToEnd(int size, int chunkSize)
    {
        string bucket = await fixture.CreateBucketAsync("resum");
        byte[] data = RandomBytes(size, size + 2);
        var handler = new IntegrationHandler();
        using var upload = ResumableUpload.ForBucket(Client(handler), fixture.Urls, bucket, chunkSize, retryStrategy: NoSleep());
        await upload.InitiateAsync(new MemoryStream(data), new Dictionary<string, object?> { ["name"] = "r.bin" }, "application/octet-stream");
        ObjectResource? resource = await upload.UploadAsync();
        Assert.Equal(Crc(data), resource!.Crc32c);
        Assert.Equal(data.Length, upload.BytesUploaded);
        Assert.Equal(1 + Math.Max(1, (size + chunkSize - 1) / chunkSize), handler.Sent.Count);
        await AssertStoredAsync(bucket, "r.bin", data);
    }

    [Theory]
    [MemberData(nameof(SizesAndChunks))]
    public async Task ResumableUpload_UnknownSize_NonSeekable_EndToEnd(int size, int chunkSize)
    {
        string bucket = await fixture.CreateBucketAsync("unknown");
        byte[] data = RandomBytes(size, size + 3);
        using var upload = ResumableUpload.ForBucket(fixture.Http, fixture.Urls, bucket, chunkSize, checksumType: ChecksumType.Md5, retryStrategy: NoSleep());
        await upload.InitiateAsync(new NonSeekableStream(data), new Dictionary<string, object?> { ["name"] = "u.bin" }, "application/octet-stream");
        ObjectResource? resource = await upload.UploadAsync();
        Assert.Equal(Md5(data), resource!.Md5Hash);
        await AssertStoredAsync(bucket, "u.bin", data);
    }

    [Theory]
    [InlineData(K256)]
    [InlineData(MiB)]
    public async Task ResumableUpload_UnknownSize_EndingExactlyOnChunkBoundary_SendsEmptyFinalPut(int chunkSize)
    {
        string bucket = await fixture.CreateBucketAsync("boundary");
        byte[] data = RandomBytes(2 * chunkSize, 11);
        var handler = new IntegrationHandler();
        using var upload = ResumableUpload.ForBucket(Client(handler), fixture.Urls, bucket, chunkSize, retryStrategy: NoSleep());
        await upload.InitiateAsync(new MemoryStream(data), new Dictionary<string, object?> { ["name"] = "b.bin" }, "application/octet-stream", streamFinal: false);
        await upload.UploadAsync();
        Assert.Equal(
            new[] { "POST", $"PUT bytes 0-{chunkSize - 1}/*", $"PUT bytes {chunkSize}-{2 * chunkSize - 1}/*", $"PUT bytes */{2 * chunkSize}" },
            handler.Sent);
        await AssertStoredAsync(bucket, "b.bin", data);
    }

    [Fact]
    public async Task ResumableUpload_ResumedByANewInstanceFromTheSessionUri()
    {
        string bucket = await fixture.CreateBucketAsync("resume");
        byte[] data = RandomBytes(3 * K256 + 123, 12);
        Uri session;
        using (var first = ResumableUpload.ForBucket(fixture.Http, fixture.Urls, bucket, K256, retryStrategy: NoSleep()))
        {
            await first.InitiateAsync(new MemoryStream(data), new Dictionary<string, object?> { ["name"] = "resumed.bin" }, "application/octet-stream");
            await first.TransmitNextChunkAsync();
            await first.TransmitNextChunkAsync();
            Assert.Equal(2 * K256, first.BytesUploaded);
            session = first.ResumableUrl!;
        }

        using var file = new MemoryStream(data);
        using ResumableUpload second = await ResumableUpload.ResumeAsync(fixture.Http, session, file, null, MiB, retryStrategy: NoSleep());
        Assert.Equal(2 * K256, second.BytesUploaded);
        ObjectResource? resource = await second.UploadAsync();
        Assert.Equal(Crc(data), resource!.Crc32c);
        await AssertStoredAsync(bucket, "resumed.bin", data);

        using ResumableUpload third = await ResumableUpload.ResumeAsync(fixture.Http, session, new MemoryStream(data), null, MiB);
        Assert.True(third.Finished);
    }

    [Fact]
    public async Task ResumableUpload_Cancel_ThenChunksAreRejected()
    {
        string bucket = await fixture.CreateBucketAsync("cancel");
        byte[] data = RandomBytes(2 * K256, 13);
        using var upload = ResumableUpload.ForBucket(fixture.Http, fixture.Urls, bucket, K256, retryStrategy: NoSleep());
        await upload.InitiateAsync(new MemoryStream(data), new Dictionary<string, object?> { ["name"] = "c.bin" }, "application/octet-stream");
        await upload.TransmitNextChunkAsync();
        await upload.CancelAsync();
        Assert.True(upload.Invalid);
        await Assert.ThrowsAsync<InvalidResponseException>(() => upload.RecoverAsync());
        Assert.Null(await fixture.GetObjectAsync(bucket, "c.bin"));
    }

    [Fact]
    public async Task ResumableUpload_IfGenerationMatch0_OnExistingObject_Is412()
    {
        string bucket = await fixture.CreateBucketAsync("precond");
        await fixture.PutObjectAsync(bucket, "exists.bin", new byte[] { 1 });
        var upload = ResumableUpload.ForBucket(fixture.Http, fixture.Urls, bucket, K256, ifGenerationMatch: 0, retryStrategy: NoSleep());
        var ex = await Assert.ThrowsAsync<InvalidResponseException>(async () =>
        {
            await upload.InitiateAsync(new MemoryStream(new byte[10]), new Dictionary<string, object?> { ["name"] = "exists.bin" }, "application/octet-stream");
            await upload.UploadAsync();
        });
        Assert.Equal(412, ex.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task XmlMpu_EndToEnd_PlannedParts(int size)
    {
        string bucket = await fixture.CreateBucketAsync("mpu");
        byte[] data = RandomBytes(size, size + 4);
        string path = Path.Combine(Path.GetTempPath(), "gcsmedia-it-" + Guid.NewGuid().ToString("N"));
        await File.WriteAllBytesAsync(path, data);
        try
        {
            var container = new XmlMpuContainer(fixture.Http, fixture.Urls, new GcsObjectRef(bucket, "dir/mpu.bin"), "application/octet-stream", retryStrategy: NoSleep());
            await container.InitiateAsync(new Dictionary<string, string> { ["origin"] = "test" });
            foreach (XmlMpuPlannedPart planned in XmlMpuPlan.Split(size, XmlMpuPlan.MinPartSize))
            {
                XmlMpuPart part = container.CreatePart(path, planned.Offset, planned.End, planned.Number);
                container.RegisterPart(planned.Number, await part.UploadAsync());
            }

            await container.FinalizeAsync();
            Assert.True(container.Finished);
            await AssertStoredAsync(bucket, "dir/mpu.bin", data, expectMd5: false);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task XmlMpu_ThreePartsUploadedAndRegisteredOutOfOrder_SerialisedBetween()
    {
        string bucket = await fixture.CreateBucketAsync("mpu3");
        byte[] data = RandomBytes(2 * 5 * MiB + 777, 21);
        var container = new XmlMpuContainer(fixture.Http, fixture.Urls, new GcsObjectRef(bucket, "three.bin"), "application/octet-stream", retryStrategy: NoSleep());
        await container.InitiateAsync();
        IReadOnlyList<XmlMpuPlannedPart> plan = XmlMpuPlan.Split(data.Length, 5 * MiB);
        Assert.Equal(3, plan.Count);
        var etags = new Dictionary<int, string>();
        using var stream = new MemoryStream(data);
        foreach (int n in new[] { 3, 1, 2 })
        {
            XmlMpuPlannedPart p = plan[n - 1];
            etags[n] = await container.CreatePart(stream, p.Offset, p.End, n).UploadAsync();
        }

        XmlMpuContainer elsewhere = XmlMpuContainer.FromJson(container.ToJson(), fixture.Http);
        foreach (int n in new[] { 2, 3, 1 })
        {
            elsewhere.RegisterPart(n, etags[n]);
        }

        IReadOnlyList<XmlMpuPartInfo> listed = await elsewhere.ListPartsAsync();
        Assert.Equal(new[] { 1, 2, 3 }, listed.Select(p => p.PartNumber).OrderBy(n => n));
        IReadOnlyList<XmlMpuUploadInfo> uploads = await XmlMpuContainer.ListUploadsAsync(fixture.Http, fixture.Urls, bucket);
        Assert.Contains(uploads, u => u.UploadId == container.UploadId && u.Key == "three.bin");
        await elsewhere.FinalizeAsync();
        await AssertStoredAsync(bucket, "three.bin", data, expectMd5: false);
    }

    [Fact]
    public async Task XmlMpu_ListPartsPagedByTheEmulator_ReturnsEveryPart_AndCompletesFromTheListing()
    {
        string bucket = await fixture.CreateBucketAsync("mpulist");
        byte[] data = RandomBytes(2 * 5 * MiB + 333, 23);
        var container = new XmlMpuContainer(fixture.Http, fixture.Urls, new GcsObjectRef(bucket, "listed.bin"), retryStrategy: NoSleep());
        await container.InitiateAsync();
        IReadOnlyList<XmlMpuPlannedPart> plan = XmlMpuPlan.Split(data.Length, 5 * MiB);
        using var stream = new MemoryStream(data);
        foreach (XmlMpuPlannedPart p in plan.Reverse())
        {
            await container.CreatePart(stream, p.Offset, p.End, p.Number).UploadAsync();
        }

        XmlMpuContainer completer = XmlMpuContainer.FromJson(container.ToJson(), fixture.Http);
        IReadOnlyList<XmlMpuPartInfo> listed = await completer.ListPartsAsync(1);
        Assert.Equal(new[] { 1, 2, 3 }, listed.Select(p => p.PartNumber));
        Assert.Equal(plan.Select(p => (long?)p.Length), listed.Select(p => p.Size));
        foreach (XmlMpuPartInfo part in listed)
        {
            completer.RegisterPart(part.PartNumber, part.ETag);
        }

        await completer.FinalizeAsync();
        Assert.Equal(Crc32cHasher.ToBase64(Crc32cHasher.Compute(data)), completer.Crc32c);
        Assert.True(completer.Generation > 0);
        await AssertStoredAsync(bucket, "listed.bin", data, expectMd5: false);
    }

    [Fact]
    public async Task XmlMpu_Cancel_ThenFinalizeIs404()
    {
        string bucket = await fixture.CreateBucketAsync("mpucancel");
        var container = new XmlMpuContainer(fixture.Http, fixture.Urls, new GcsObjectRef(bucket, "gone.bin"), retryStrategy: NoSleep());
        await container.InitiateAsync();
        container.RegisterPart(1, await container.CreatePart(new MemoryStream(new byte[100]), 0, 100, 1).UploadAsync());
        await container.CancelAsync();
        Assert.Equal(404, (await Assert.ThrowsAsync<InvalidResponseException>(() => container.FinalizeAsync())).StatusCode);
    }

    [Fact]
    public async Task XmlMpu_Part503_IsRetried()
    {
        string bucket = await fixture.CreateBucketAsync("mpuretry");
        string id = await fixture.CreateRetryTestAsync("storage.multipart.uploadPart", "return-503");
        var client = Client(new IntegrationHandler(id));
        var container = new XmlMpuContainer(client, fixture.Urls, new GcsObjectRef(bucket, "p.bin"), retryStrategy: NoSleep());
        await container.InitiateAsync();
        byte[] data = RandomBytes(1000, 5);
        container.RegisterPart(1, await container.CreatePart(new MemoryStream(data), 0, data.Length, 1).UploadAsync());
        await container.FinalizeAsync();
        Assert.True(await fixture.RetryTestCompletedAsync(id));
        await AssertStoredAsync(bucket, "p.bin", data, expectMd5: false);
    }

    // Retry conformance scenario 7: resumable uploads survive these instruction lists.
    [Theory]
    [InlineData(16 * MiB, "return-reset-connection", "return-503")]
    [InlineData(16 * MiB, "return-408")]
    [InlineData(16 * MiB, "return-503-after-256K")]
    [InlineData(16 * MiB, "return-503-after-8192K", "return-408")]
    [InlineData(MiB, "return-reset-connection", "return-503")]
    [InlineData(MiB, "return-408")]
    [InlineData(MiB, "return-503-after-256K")]
    public async Task Scenario7_ResumableUpload_SurvivesFaults_WithCorrectCrc32c(int chunkSize, params string[] instructions)
    {
        string bucket = await fixture.CreateBucketAsync("scen7");
        byte[] data = RandomBytes(9 * MiB + 5, instructions.Length + chunkSize);
        string id = await fixture.CreateRetryTestAsync("storage.objects.insert", instructions);
        var handler = new IntegrationHandler(id, putsOnly: true);
        var waits = new List<TimeSpan>();
        using var upload = ResumableUpload.ForBucket(Client(handler), fixture.Urls, bucket, chunkSize, retryStrategy: NoSleep(waits));
        await upload.InitiateAsync(new MemoryStream(data), new Dictionary<string, object?> { ["name"] = "s7.bin" }, "application/octet-stream");
        ObjectResource? resource = await upload.UploadAsync();
        Assert.Equal(Crc(data), resource!.Crc32c);
        Assert.True(await fixture.RetryTestCompletedAsync(id));
        Assert.Equal(instructions.Length, waits.Count);
        Assert.Contains("PUT bytes */*", handler.Sent); // every failure is followed by a status query
        if (instructions[0].EndsWith("-after-256K"))
        {
            Assert.Contains(handler.Sent, s => s.StartsWith($"PUT bytes {K256}-")); // resent from the server's offset
        }

        if (instructions[0].EndsWith("-after-8192K"))
        {
            Assert.Contains(handler.Sent, s => s.StartsWith($"PUT bytes {8192 * 1024}-"));
        }

        await AssertStoredAsync(bucket, "s7.bin", data);
    }

    // Scenario 3: a non-idempotent insert (no precondition) is not retried.
    [Theory]
    [InlineData("simple")]
    [InlineData("multipart")]
    public async Task Scenario3_InsertWithoutPrecondition_IsNotRetried(string kind)
    {
        string bucket = await fixture.CreateBucketAsync("scen3");
        string id = await fixture.CreateRetryTestAsync("storage.objects.insert", "return-503");
        var handler = new IntegrationHandler(id);
        var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => Insert(kind, Client(handler), bucket, null));
        Assert.Equal(503, ex.StatusCode);
        Assert.Single(handler.Sent);
        Assert.Null(await fixture.GetObjectAsync(bucket, "i.bin"));
    }

    // Scenario 2: with ifGenerationMatch the insert is idempotent and is retried.
    [Theory]
    [InlineData("simple", "return-503", "return-503")]
    [InlineData("simple", "return-reset-connection", "return-reset-connection")]
    [InlineData("multipart", "return-reset-connection", "return-503")]
    [InlineData("multipart", "return-503", "return-503")]
    public async Task Scenario2_InsertWithPrecondition_IsRetried(string kind, params string[] instructions)
    {
        string bucket = await fixture.CreateBucketAsync("scen2");
        string id = await fixture.CreateRetryTestAsync("storage.objects.insert", instructions);
        var handler = new IntegrationHandler(id);
        byte[] data = await Insert(kind, Client(handler), bucket, 0);
        Assert.Equal(instructions.Length + 1, handler.Sent.Count);
        Assert.True(await fixture.RetryTestCompletedAsync(id));
        await AssertStoredAsync(bucket, "i.bin", data);
    }

    // Scenario 5: 400 and 401 are never retried, even with a precondition.
    [Theory]
    [InlineData("simple", "return-400")]
    [InlineData("simple", "return-401")]
    [InlineData("multipart", "return-400")]
    [InlineData("multipart", "return-401")]
    [InlineData("resumable", "return-400")]
    [InlineData("resumable", "return-401")]
    public async Task Scenario5_400And401_AreNeverRetried(string kind, string instruction)
    {
        string bucket = await fixture.CreateBucketAsync("scen5");
        string id = await fixture.CreateRetryTestAsync("storage.objects.insert", instruction);
        var handler = new IntegrationHandler(id);
        var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => Insert(kind, Client(handler), bucket, 0));
        Assert.Equal(int.Parse(instruction[^3..]), ex.StatusCode);
        Assert.Single(handler.Sent);
    }

    private async Task<byte[]> Insert(string kind, HttpClient client, string bucket, long? ifGenerationMatch)
    {
        byte[] data = RandomBytes(3000, 9);
        switch (kind)
        {
            case "simple":
                await SimpleUpload.ForObject(client, fixture.Urls, new GcsObjectRef(bucket, "i.bin"), ifGenerationMatch, retryStrategy: NoSleep())
                    .TransmitAsync(new MemoryStream(data), "application/octet-stream");
                break;
            case "multipart":
                await MultipartUpload.ForBucket(client, fixture.Urls, bucket, ifGenerationMatch, retryStrategy: NoSleep())
                    .TransmitAsync(new MemoryStream(data), new Dictionary<string, object?> { ["name"] = "i.bin" }, "application/octet-stream");
                break;
            default:
                using (var upload = ResumableUpload.ForBucket(client, fixture.Urls, bucket, K256, ifGenerationMatch, retryStrategy: NoSleep()))
                {
                    await upload.InitiateAsync(new MemoryStream(data), new Dictionary<string, object?> { ["name"] = "i.bin" }, "application/octet-stream");
                    await upload.UploadAsync();
                }

                break;
        }

        return data;
    }
}
