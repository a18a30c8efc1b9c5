using GcsMedia.Protocol.Tests.TestSupport;
using GcsMedia.Protocol.Tests.Uploads;
using Xunit;
using static GcsMedia.Protocol.Tests.Uploads.UploadTestSupport;

namespace GcsMedia.Protocol.Tests.Objects;

[Collection(EmulatorCollection.Name)]
public sealed class ObjectRewriteTests(EmulatorFixture fixture)
{
    private const int MiB = 1024 * 1024;

    private static HttpClient Client(IntegrationHandler handler) => new(handler) { Timeout = TimeSpan.FromSeconds(100) };

    private async Task<byte[]> DownloadAsync(string bucket, string name)
        => await fixture.Http.GetByteArrayAsync(fixture.Urls.MediaDownload(new GcsObjectRef(bucket, name)));

    [Fact]
    public async Task The_request_names_both_objects_and_carries_options_and_headers()
    {
        var rewrite = new ObjectRewrite(new HttpClient(), Urls, new GcsObjectRef("src", "a/b"), new GcsObjectRef("dst", "c d"))
        {
            SourceGeneration = 5, IfGenerationMatch = 0, MaxBytesRewrittenPerCall = 2 * MiB, DestinationMetadataJson = "{\"contentType\":\"text/plain\"}",
        };
        rewrite.RequestHeaders.Add(new KeyValuePair<string, string>("x-goog-copy-source-encryption-algorithm", "AES256"));
        using HttpRequestMessage request = rewrite.BuildRequest();
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal(
            "https://storage.test/storage/v1/b/src/o/a%2Fb/rewriteTo/b/dst/o/c%20d?sourceGeneration=5&ifGenerationMatch=0&maxBytesRewrittenPerCall=2097152",
            request.RequestUri!.AbsoluteUri);
        Assert.Equal("AES256", request.Headers.GetValues("x-goog-copy-source-encryption-algorithm").Single());
        Assert.Equal("{\"contentType\":\"text/plain\"}", await request.Content!.ReadAsStringAsync());
        Assert.True(rewrite.IsIdempotent);
        Assert.Throws<ArgumentOutOfRangeException>(() => rewrite.MaxBytesRewrittenPerCall = 1000);
    }

    [Fact]
    public void A_response_without_a_token_or_a_resource_is_invalid()
    {
        var rewrite = new ObjectRewrite(new HttpClient(), Urls, new GcsObjectRef("s", "a"), new GcsObjectRef("d", "b"));
        Assert.Throws<InvalidResponseException>(() => rewrite.ProcessResponse(new JsonApiResponse(200, "{\"totalBytesRewritten\":\"1\",\"objectSize\":\"2\",\"done\":false}")));
        Assert.Throws<InvalidResponseException>(() => rewrite.ProcessResponse(new JsonApiResponse(200, "{\"totalBytesRewritten\":\"2\",\"objectSize\":\"2\",\"done\":true}")));
        Assert.Throws<InvalidResponseException>(() => rewrite.ProcessResponse(new JsonApiResponse(200, "not json")));
        Assert.False(rewrite.Finished);
        Assert.Equal(0, rewrite.CallCount);
    }

    [Fact]
    public async Task A_multi_MiB_copy_across_buckets_loops_on_the_token_and_reports_progress()
    {
        string source = await fixture.CreateBucketAsync("rws");
        string destination = await fixture.CreateBucketAsync("rwd");
        byte[] data = RandomBytes(3 * MiB + 1, seed: 11);
        await fixture.PutObjectAsync(source, "big.bin", data, "video/mp4");
        using var handler = new IntegrationHandler();
        using HttpClient client = Client(handler);
        var progress = new List<(long Done, long Total)>();
        var rewrite = new ObjectRewrite(client, fixture.Urls, new GcsObjectRef(source, "big.bin"), new GcsObjectRef(destination, "copy/big.bin"))
        {
            IfGenerationMatch = 0,
            MaxBytesRewrittenPerCall = MiB,
            Progress = (done, total) => progress.Add((done, total)),
        };
        ObjectResource copy = await rewrite.RewriteAsync();
        Assert.Equal(4, rewrite.CallCount);
        Assert.Equal(4, handler.Sent.Count);
        Assert.Equal(new long[] { MiB, 2 * MiB, 3 * MiB, 3 * MiB + 1 }, progress.Select(p => p.Done));
        Assert.All(progress, p => Assert.Equal(data.Length, p.Total));
        Assert.Equal(destination, copy.Bucket);
        Assert.Equal("copy/big.bin", copy.Name);
        Assert.Equal("video/mp4", copy.ContentType);
        Assert.Equal(Crc(data), copy.Crc32c);
        Assert.Equal(data, await DownloadAsync(destination, "copy/big.bin"));
    }

    [Fact]
    public async Task IfGenerationMatch_0_refuses_to_overwrite()
    {
        string bucket = await fixture.CreateBucketAsync("rw");
        await fixture.PutObjectAsync(bucket, "a", Bytes("new"));
        await fixture.PutObjectAsync(bucket, "b", Bytes("old"));
        using var handler = new IntegrationHandler();
        using HttpClient client = Client(handler);
        var error = await Assert.ThrowsAsync<InvalidResponseException>(() =>
            new ObjectRewrite(client, fixture.Urls, new GcsObjectRef(bucket, "a"), new GcsObjectRef(bucket, "b")) { IfGenerationMatch = 0 }.RewriteAsync());
        Assert.Equal(412, error.StatusCode);
        Assert.Equal(Bytes("old"), await DownloadAsync(bucket, "b"));
    }

    [Fact]
    public async Task A_conditional_rewrite_is_retried_and_an_unconditional_one_is_not()
    {
        string bucket = await fixture.CreateBucketAsync("rw");
        await fixture.PutObjectAsync(bucket, "src", Bytes("payload"));
        string unconditional = await fixture.CreateRetryTestAsync("storage.objects.rewrite", "return-503");
        using (var handler = new IntegrationHandler(unconditional))
        using (HttpClient client = Client(handler))
        {
            var error = await Assert.ThrowsAsync<InvalidResponseException>(() =>
                new ObjectRewrite(client, fixture.Urls, new GcsObjectRef(bucket, "src"), new GcsObjectRef(bucket, "u")) { RetryStrategy = NoSleep() }.RewriteAsync());
            Assert.Equal(503, error.StatusCode);
            Assert.Single(handler.Sent);
        }

        string conditional = await fixture.CreateRetryTestAsync("storage.objects.rewrite", "return-503", "return-reset-connection");
        using (var handler = new IntegrationHandler(conditional))
        using (HttpClient client = Client(handler))
        {
            var waits = new List<TimeSpan>();
            var rewrite = new ObjectRewrite(client, fixture.Urls, new GcsObjectRef(bucket, "src"), new GcsObjectRef(bucket, "c"))
            {
                IfGenerationMatch = 0,
                RetryStrategy = NoSleep(waits),
            };
            await rewrite.RewriteAsync();
            Assert.Equal(2, waits.Count);
            Assert.Equal(3, handler.Sent.Count);
        }

        Assert.Equal(Bytes("payload"), await DownloadAsync(bucket, "c"));
    }

    [Fact]
    public async Task Cancellation_between_calls_stops_the_loop_before_the_copy_lands()
    {
        string bucket = await fixture.CreateBucketAsync("rw");
        await fixture.PutObjectAsync(bucket, "src", RandomBytes(3 * MiB, seed: 3));
        using var handler = new IntegrationHandler();
        using HttpClient client = Client(handler);
        using var cts = new CancellationTokenSource();
        var rewrite = new ObjectRewrite(client, fixture.Urls, new GcsObjectRef(bucket, "src"), new GcsObjectRef(bucket, "dst"))
        {
            IfGenerationMatch = 0,
            MaxBytesRewrittenPerCall = MiB,
            Progress = (_, _) => cts.Cancel(),
        };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => rewrite.RewriteAsync(cts.Token));
        Assert.Equal(1, rewrite.CallCount);
        Assert.False(rewrite.Finished);
        Assert.Null(await fixture.GetObjectAsync(bucket, "dst"));
    }
}
