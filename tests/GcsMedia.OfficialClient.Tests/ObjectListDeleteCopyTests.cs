using System.Net;
using Google;
using Google.Cloud.Storage.V1;

namespace GcsMedia.OfficialClient.Tests;

/// <summary>ListObjects, DeleteObject and CopyObject of Google.Cloud.Storage.V1, unmodified, against the emulator's
/// objects.list, objects.delete and objects.rewrite.</summary>
public class ObjectListDeleteCopyTests(OfficialClientFixture f) : IClassFixture<OfficialClientFixture>
{
    private async Task<string> BucketWithAsync(params string[] names)
    {
        var bucket = await f.CreateBucketAsync();
        foreach (var name in names)
            await f.Client.UploadObjectAsync(bucket, name, "text/plain", new MemoryStream(System.Text.Encoding.UTF8.GetBytes(name)));
        return bucket;
    }

    private IEnumerable<OfficialClientFixture.SentRequest> SentTo(string bucket) =>
        f.Sent.Where(r => r.Url.AbsolutePath.Contains($"/b/{bucket}/", StringComparison.Ordinal));

    [Fact]
    public async Task ListObjects_with_prefix_and_delimiter_returns_objects_and_folder_prefixes_across_pages()
    {
        var bucket = await BucketWithAsync("top/a", "top/b", "top/c", "top/d/1", "top/d/2", "top/e/1", "other");
        var objects = new List<string>();
        var prefixes = new List<string>();
        await foreach (var page in f.Client.ListObjectsAsync(bucket, "top/", new ListObjectsOptions { Delimiter = "/", PageSize = 2 }).AsRawResponses())
        {
            objects.AddRange(page.Items?.Select(o => o.Name) ?? []);
            prefixes.AddRange(page.Prefixes ?? []);
        }

        Assert.Equal(["top/a", "top/b", "top/c"], objects);
        Assert.Equal(["top/d/", "top/e/"], prefixes);
        var lists = SentTo(bucket).Where(r => r.Method == "GET" && r.Url.AbsolutePath.EndsWith("/o", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, lists.Count);
        Assert.All(lists, r => Assert.Contains("maxResults=2", r.Url.Query, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ListObjects_without_a_delimiter_lists_everything_below_the_prefix_with_metadata()
    {
        var bucket = await BucketWithAsync("x/1", "x/y/2", "x/y/z/3", "y");
        var listed = await f.Client.ListObjectsAsync(bucket, "x/").ToListAsync();
        Assert.Equal(["x/1", "x/y/2", "x/y/z/3"], listed.Select(o => o.Name));
        var deepest = listed[2];
        var bytes = System.Text.Encoding.UTF8.GetBytes("x/y/z/3");
        Assert.Equal((ulong)bytes.Length, deepest.Size);
        Assert.Equal(Checksums.Crc32c(bytes), deepest.Crc32c);
        Assert.Equal("text/plain", deepest.ContentType);
    }

    [Fact]
    public async Task DeleteObject_removes_the_object_and_a_missing_one_is_NotFound()
    {
        var bucket = await BucketWithAsync("gone", "stays");
        await f.Client.DeleteObjectAsync(bucket, "gone");
        Assert.Equal(["stays"], (await f.Client.ListObjectsAsync(bucket).ToListAsync()).Select(o => o.Name));
        var error = await Assert.ThrowsAsync<GoogleApiException>(() => f.Client.DeleteObjectAsync(bucket, "gone"));
        Assert.Equal(HttpStatusCode.NotFound, error.HttpStatusCode);
        Assert.Contains($"No such object: {bucket}/gone", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeleteObject_with_a_stale_IfGenerationMatch_is_a_precondition_failure()
    {
        var bucket = await BucketWithAsync("kept");
        var live = await f.Client.GetObjectAsync(bucket, "kept");
        var error = await Assert.ThrowsAsync<GoogleApiException>(() =>
            f.Client.DeleteObjectAsync(bucket, "kept", new DeleteObjectOptions { IfGenerationMatch = live.Generation + 1 }));
        Assert.Equal(HttpStatusCode.PreconditionFailed, error.HttpStatusCode);
        await f.Client.DeleteObjectAsync(bucket, "kept", new DeleteObjectOptions { IfGenerationMatch = live.Generation });
        Assert.Empty(await f.Client.ListObjectsAsync(bucket).ToListAsync());
    }

    [Fact]
    public async Task CopyObject_across_buckets_rewrites_on_the_server_with_bytes_and_metadata_intact()
    {
        var source = await f.CreateBucketAsync();
        var destination = await f.CreateBucketAsync();
        var data = OfficialClientFixture.RandomBytes(3 * 1024 * 1024 + 7);
        await f.Client.UploadObjectAsync(source, "media/big.bin", "video/mp4", new MemoryStream(data));

        var copy = await f.Client.CopyObjectAsync(source, "media/big.bin", destination, "copies/big.bin");

        Assert.Equal(destination, copy.Bucket);
        Assert.Equal("copies/big.bin", copy.Name);
        Assert.Equal((ulong)data.Length, copy.Size);
        Assert.Equal(Checksums.Crc32c(data), copy.Crc32c);
        Assert.Equal("video/mp4", copy.ContentType);
        Assert.Contains(f.Sent, r => r.Method == "POST" && r.Url.AbsolutePath.Contains($"/b/{source}/o/", StringComparison.Ordinal)
            && r.Url.AbsolutePath.Contains($"/rewriteTo/b/{destination}/o/", StringComparison.Ordinal));
        var downloaded = new MemoryStream();
        await f.Client.DownloadObjectAsync(destination, "copies/big.bin", downloaded);
        Assert.Equal(data, downloaded.ToArray());
    }

    [Fact]
    public async Task CopyObject_with_IfGenerationMatch_0_does_not_overwrite_an_existing_destination()
    {
        var bucket = await BucketWithAsync("src", "dst");
        var before = await f.Client.GetObjectAsync(bucket, "dst");
        var error = await Assert.ThrowsAsync<GoogleApiException>(() =>
            f.Client.CopyObjectAsync(bucket, "src", bucket, "dst", new CopyObjectOptions { IfGenerationMatch = 0 }));
        Assert.Equal(HttpStatusCode.PreconditionFailed, error.HttpStatusCode);
        Assert.Equal(before.Generation, (await f.Client.GetObjectAsync(bucket, "dst")).Generation);
    }
}
