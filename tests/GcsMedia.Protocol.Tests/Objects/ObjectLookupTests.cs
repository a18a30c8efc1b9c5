using GcsMedia.Protocol.Tests.TestSupport;
using GcsMedia.Protocol.Tests.Uploads;
using Xunit;
using static GcsMedia.Protocol.Tests.Uploads.UploadTestSupport;

namespace GcsMedia.Protocol.Tests.Objects;

[Collection(EmulatorCollection.Name)]
public sealed class ObjectLookupTests(EmulatorFixture fixture)
{
    [Fact]
    public async Task Gets_the_metadata_retrying_transient_failures_and_404_is_an_error()
    {
        string bucket = await fixture.CreateBucketAsync("get");
        byte[] data = Bytes("some bytes");
        var stored = await fixture.PutObjectAsync(bucket, "a/b c", data, "text/plain");
        string id = await fixture.CreateRetryTestAsync("storage.objects.get", "return-503");
        using var handler = new IntegrationHandler(id);
        using var client = new HttpClient(handler);
        var waits = new List<TimeSpan>();
        var lookup = new ObjectLookup(client, fixture.Urls, new GcsObjectRef(bucket, "a/b c"), (long)stored["generation"]!) { RetryStrategy = NoSleep(waits) };
        ObjectResource resource = await lookup.GetAsync();
        Assert.Equal("a/b c", resource.Name);
        Assert.Equal(data.Length, resource.Size);
        Assert.Equal(Crc(data), resource.Crc32c);
        Assert.Equal("text/plain", resource.ContentType);
        Assert.Single(waits);
        var missing = await Assert.ThrowsAsync<InvalidResponseException>(() =>
            new ObjectLookup(client, fixture.Urls, new GcsObjectRef(bucket, "nothing")).GetAsync());
        Assert.Equal(404, missing.StatusCode);
    }
}
