using GcsMedia.Protocol.Tests.TestSupport;
using GcsMedia.Protocol.Tests.Uploads;
using Xunit;
using static GcsMedia.Protocol.Tests.Uploads.UploadTestSupport;

namespace GcsMedia.Protocol.Tests.Objects;

[Collection(EmulatorCollection.Name)]
public sealed class ObjectDeletionTests(EmulatorFixture fixture)
{
    private static HttpClient Client(IntegrationHandler handler) => new(handler) { Timeout = TimeSpan.FromSeconds(100) };

    [Fact]
    public void Preconditions_go_in_the_query_and_make_it_idempotent()
    {
        var target = new GcsObjectRef("my-bucket", "a/b.txt");
        var plain = new ObjectDeletion(new HttpClient(), Urls, target);
        var pinned = new ObjectDeletion(new HttpClient(), Urls, target, generation: 7, ifGenerationMatch: 7);
        Assert.False(plain.IsIdempotent);
        Assert.True(pinned.IsIdempotent);
        Assert.True(new ObjectDeletion(new HttpClient(), Urls, target, ifGenerationMatch: 3).IsIdempotent);
        using HttpRequestMessage request = pinned.BuildRequest();
        Assert.Equal(HttpMethod.Delete, request.Method);
        Assert.Equal("https://storage.test/storage/v1/b/my-bucket/o/a%2Fb.txt?generation=7&ifGenerationMatch=7", request.RequestUri!.AbsoluteUri);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ObjectDeletion(new HttpClient(), Urls, target, generation: 0));
    }

    [Fact]
    public async Task Deletes_the_object_then_a_second_delete_is_404()
    {
        string bucket = await fixture.CreateBucketAsync("del");
        var stored = await fixture.PutObjectAsync(bucket, "dir/x", Bytes("x"));
        using var handler = new IntegrationHandler();
        using HttpClient client = Client(handler);
        var target = new GcsObjectRef(bucket, "dir/x");
        var deletion = new ObjectDeletion(client, fixture.Urls, target, generation: (long)stored["generation"]!);
        await deletion.DeleteAsync();
        Assert.True(deletion.Finished);
        Assert.Null(await fixture.GetObjectAsync(bucket, "dir/x"));
        var again = await Assert.ThrowsAsync<InvalidResponseException>(() => new ObjectDeletion(client, fixture.Urls, target).DeleteAsync());
        Assert.Equal(404, again.StatusCode);
        Assert.Contains("No such object", again.Message);
    }

    [Fact]
    public async Task A_stale_ifGenerationMatch_is_412_and_keeps_the_object()
    {
        string bucket = await fixture.CreateBucketAsync("del");
        var stored = await fixture.PutObjectAsync(bucket, "keep", Bytes("k"));
        using var handler = new IntegrationHandler();
        using HttpClient client = Client(handler);
        var error = await Assert.ThrowsAsync<InvalidResponseException>(() =>
            new ObjectDeletion(client, fixture.Urls, new GcsObjectRef(bucket, "keep"), ifGenerationMatch: (long)stored["generation"]! + 1).DeleteAsync());
        Assert.Equal(412, error.StatusCode);
        Assert.NotNull(await fixture.GetObjectAsync(bucket, "keep"));
    }

    [Fact]
    public async Task Only_a_conditional_delete_is_retried()
    {
        string bucket = await fixture.CreateBucketAsync("del");
        var stored = await fixture.PutObjectAsync(bucket, "o", Bytes("o"));
        var target = new GcsObjectRef(bucket, "o");

        string once = await fixture.CreateRetryTestAsync("storage.objects.delete", "return-503");
        using (var handler = new IntegrationHandler(once))
        using (HttpClient client = Client(handler))
        {
            var waits = new List<TimeSpan>();
            var error = await Assert.ThrowsAsync<InvalidResponseException>(() =>
                new ObjectDeletion(client, fixture.Urls, target) { RetryStrategy = NoSleep(waits) }.DeleteAsync());
            Assert.Equal(503, error.StatusCode);
            Assert.Single(handler.Sent);
            Assert.Empty(waits);
        }

        Assert.NotNull(await fixture.GetObjectAsync(bucket, "o"));
        string twice = await fixture.CreateRetryTestAsync("storage.objects.delete", "return-503", "return-reset-connection");
        using (var handler = new IntegrationHandler(twice))
        using (HttpClient client = Client(handler))
        {
            var waits = new List<TimeSpan>();
            await new ObjectDeletion(client, fixture.Urls, target, ifGenerationMatch: (long)stored["generation"]!) { RetryStrategy = NoSleep(waits) }.DeleteAsync();
            Assert.Equal(3, handler.Sent.Count);
            Assert.Equal(2, waits.Count);
        }

        Assert.Null(await fixture.GetObjectAsync(bucket, "o"));
    }
}
