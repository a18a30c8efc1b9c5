using GcsMedia.Protocol.Tests.TestSupport;
using GcsMedia.Protocol.Tests.Uploads;
using Xunit;
using static GcsMedia.Protocol.Tests.Uploads.UploadTestSupport;

namespace GcsMedia.Protocol.Tests.Objects;

[Collection(EmulatorCollection.Name)]
public sealed class ObjectListingTests(EmulatorFixture fixture)
{
    private static HttpClient Client(IntegrationHandler handler) => new(handler) { Timeout = TimeSpan.FromSeconds(100) };

    private async Task<string> BucketWithAsync(params string[] names)
    {
        string bucket = await fixture.CreateBucketAsync("list");
        foreach (string name in names)
        {
            await fixture.PutObjectAsync(bucket, name, Bytes(name));
        }

        return bucket;
    }

    [Fact]
    public void The_request_carries_every_option_escaped()
    {
        var listing = new ObjectListing(new HttpClient(), Urls, "my-bucket", new ObjectListingOptions
        {
            Prefix = "logs/a b/", Delimiter = "/", AllVersions = true, StartOffset = "logs/a b/x", PageSize = 2,
        });
        using HttpRequestMessage request = listing.BuildRequest();
        Assert.Equal(HttpMethod.Get, request.Method);
        Assert.Equal(
            "https://storage.test/storage/v1/b/my-bucket/o?prefix=logs%2Fa%20b%2F&delimiter=%2F&versions=true&startOffset=logs%2Fa%20b%2Fx&maxResults=2",
            request.RequestUri!.AbsoluteUri);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ObjectListingOptions { PageSize = 1001 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new ObjectListingOptions { PageSize = 0 });
    }

    [Fact]
    public async Task Pages_are_read_one_at_a_time_until_finished_with_folders_as_prefixes()
    {
        string bucket = await BucketWithAsync("top/a", "top/b", "top/c", "top/d/1", "top/d/2", "top/e/1", "other");
        using var handler = new IntegrationHandler();
        using HttpClient client = Client(handler);
        var listing = new ObjectListing(client, fixture.Urls, bucket, new ObjectListingOptions { Prefix = "top/", Delimiter = "/", PageSize = 2 });
        var names = new List<string>();
        var prefixes = new List<string>();
        while (!listing.Finished)
        {
            ObjectListingPage page = await listing.NextPageAsync();
            Assert.True(page.Items.Count + page.Prefixes.Count <= 2);
            names.AddRange(page.Items.Select(i => i.Name!));
            prefixes.AddRange(page.Prefixes);
        }

        Assert.Equal(new[] { "top/a", "top/b", "top/c" }, names);
        Assert.Equal(new[] { "top/d/", "top/e/" }, prefixes);
        Assert.Equal(3, listing.PagesRead);
        Assert.Equal(3, handler.Sent.Count);
        await Assert.ThrowsAsync<InvalidOperationException>(() => listing.NextPageAsync());
    }

    [Fact]
    public async Task Without_a_delimiter_everything_below_is_listed_with_its_metadata()
    {
        string bucket = await BucketWithAsync("x/1", "x/y/2", "x/y/z/3");
        using var handler = new IntegrationHandler();
        using HttpClient client = Client(handler);
        var listing = new ObjectListing(client, fixture.Urls, bucket, new ObjectListingOptions { Prefix = "x/" });
        ObjectListingPage page = await listing.NextPageAsync();
        Assert.True(listing.Finished);
        Assert.Empty(page.Prefixes);
        Assert.Equal(new[] { "x/1", "x/y/2", "x/y/z/3" }, page.Items.Select(i => i.Name));
        ObjectResource deepest = page.Items[2];
        Assert.Equal(bucket, deepest.Bucket);
        Assert.Equal(Bytes("x/y/z/3").Length, deepest.Size);
        Assert.Equal(Crc(Bytes("x/y/z/3")), deepest.Crc32c);
        Assert.True(deepest.Generation > 0);
        Assert.NotNull(deepest.Updated);
    }

    [Fact]
    public async Task A_transient_failure_is_retried_and_the_page_is_not_lost()
    {
        string bucket = await BucketWithAsync("a", "b", "c");
        string id = await fixture.CreateRetryTestAsync("storage.objects.list", "return-503", "return-reset-connection");
        using var handler = new IntegrationHandler(id);
        using HttpClient client = Client(handler);
        var waits = new List<TimeSpan>();
        var retried = new List<RetryEvent>();
        var listing = new ObjectListing(client, fixture.Urls, bucket, new ObjectListingOptions { PageSize = 2 })
        {
            RetryStrategy = NoSleep(waits),
            Retrying = retried.Add,
        };
        var names = new List<string>();
        while (!listing.Finished)
        {
            names.AddRange((await listing.NextPageAsync()).Items.Select(i => i.Name!));
        }

        Assert.Equal(new[] { "a", "b", "c" }, names);
        Assert.Equal(2, waits.Count);
        Assert.Equal(2, retried.Count);
        Assert.True(await fixture.RetryTestCompletedAsync(id));
    }

    [Fact]
    public async Task A_missing_bucket_is_a_404_error_naming_it()
    {
        using var handler = new IntegrationHandler();
        using HttpClient client = Client(handler);
        var listing = new ObjectListing(client, fixture.Urls, "no-such-bucket-" + Guid.NewGuid().ToString("N")[..8]);
        var error = await Assert.ThrowsAsync<InvalidResponseException>(() => listing.NextPageAsync());
        Assert.Equal(404, error.StatusCode);
        Assert.Contains(listing.Bucket, error.Message);
        Assert.False(listing.Finished);
    }
}
