using Google.Cloud.Storage.V1;

namespace GcsMedia.OfficialClient.Tests;

/// <summary>UploadObject, DownloadObject and GetObject of Google.Cloud.Storage.V1 with their defaults: no reflection, no
/// switch turned off. The client gzips the JSON of its resumable initiation, which the emulator must decode.</summary>
public class UploadDownloadTests(OfficialClientFixture f) : IClassFixture<OfficialClientFixture>
{
    private const int ChunkSize = UploadObjectOptions.MinimumChunkSize; // 256 KiB

    [Fact]
    public async Task UploadObject_bigger_than_one_chunk_goes_up_in_several_resumable_requests()
    {
        var bucket = await f.CreateBucketAsync();
        var name = OfficialClientFixture.UniqueName("resumable");
        var data = OfficialClientFixture.RandomBytes(2 * ChunkSize + 12345);

        var uploaded = await f.Client.UploadObjectAsync(bucket, name, "application/x-official", new MemoryStream(data),
            new UploadObjectOptions { ChunkSize = ChunkSize });

        Assert.Equal((ulong)data.Length, uploaded.Size);
        Assert.Equal(Checksums.Crc32c(data), uploaded.Crc32c);
        Assert.Equal(Checksums.Md5(data), uploaded.Md5Hash);
        Assert.Equal("application/x-official", uploaded.ContentType);
        var sent = f.Sent.Where(r => r.Url.AbsolutePath.Contains($"/b/{bucket}/o", StringComparison.Ordinal)).ToList();
        var initiation = Assert.Single(sent, r => r.Method == "POST");
        Assert.Contains("uploadType=resumable", initiation.Url.Query, StringComparison.Ordinal);
        Assert.Equal("gzip", initiation.ContentEncoding); // the client's default, decoded by the emulator
        Assert.Equal(3, sent.Count(r => r.Method == "PUT" && r.ContentRange is not null));
    }

    [Fact]
    public async Task UploadObject_smaller_than_a_chunk_goes_up_in_one_request()
    {
        var bucket = await f.CreateBucketAsync();
        var name = OfficialClientFixture.UniqueName("small");
        var data = OfficialClientFixture.RandomBytes(1000);

        var uploaded = await f.Client.UploadObjectAsync(bucket, name, "text/plain", new MemoryStream(data));

        Assert.Equal(1000UL, uploaded.Size);
        Assert.Equal(Checksums.Crc32c(data), uploaded.Crc32c);
        var raw = await f.RawResourceAsync(bucket, name);
        Assert.Equal("1000", raw["size"].ToString());
        Assert.Equal(Checksums.Crc32c(data), raw["crc32c"].ToString());
    }

    [Fact]
    public async Task UploadObject_with_object_metadata_keeps_it()
    {
        var bucket = await f.CreateBucketAsync();
        var name = OfficialClientFixture.UniqueName("meta");
        var data = OfficialClientFixture.RandomBytes(5000);
        var resource = new Google.Apis.Storage.v1.Data.Object
        {
            Bucket = bucket,
            Name = name,
            ContentType = "application/json",
            CacheControl = "no-cache",
            Metadata = new Dictionary<string, string> { ["owner"] = "official-client" },
        };

        await f.Client.UploadObjectAsync(resource, new MemoryStream(data));

        var got = await f.Client.GetObjectAsync(bucket, name);
        Assert.Equal("application/json", got.ContentType);
        Assert.Equal("no-cache", got.CacheControl);
        Assert.Equal("official-client", got.Metadata["owner"]);
    }

    [Fact]
    public async Task DownloadObject_returns_the_bytes_and_validates_their_hash()
    {
        var bucket = await f.CreateBucketAsync();
        var name = OfficialClientFixture.UniqueName("download");
        var data = OfficialClientFixture.RandomBytes(3 * ChunkSize + 7);
        await f.Client.UploadObjectAsync(bucket, name, null, new MemoryStream(data));

        var target = new MemoryStream();
        var got = await f.Client.DownloadObjectAsync(bucket, name, target,
            new DownloadObjectOptions { DownloadValidationMode = DownloadValidationMode.Always });

        Assert.Equal(data, target.ToArray());
        Assert.Equal(Checksums.Crc32c(data), got.Crc32c);
        var mediaRequest = Assert.Single(f.Sent, r => r.Method == "GET" && r.Url.AbsolutePath.EndsWith("/o/" + name, StringComparison.Ordinal)
                                                    && r.Url.Query.Contains("alt=media", StringComparison.Ordinal));
        Assert.StartsWith("/storage/v1/b/", mediaRequest.Url.AbsolutePath, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetObject_returns_the_metadata_the_emulator_computed()
    {
        var bucket = await f.CreateBucketAsync();
        var name = OfficialClientFixture.UniqueName("get");
        var data = OfficialClientFixture.RandomBytes(4321);
        var uploaded = await f.Client.UploadObjectAsync(bucket, name, "image/png", new MemoryStream(data));

        var got = await f.Client.GetObjectAsync(bucket, name);

        Assert.Equal(bucket, got.Bucket);
        Assert.Equal(name, got.Name);
        Assert.Equal(4321UL, got.Size);
        Assert.Equal("image/png", got.ContentType);
        Assert.Equal(uploaded.Generation, got.Generation);
        Assert.Equal(Checksums.Crc32c(data), got.Crc32c);
        Assert.Equal(Checksums.Md5(data), got.Md5Hash);
    }

    [Fact]
    public async Task GetObject_of_a_missing_object_is_a_404_the_client_understands()
    {
        var bucket = await f.CreateBucketAsync();
        var e = await Assert.ThrowsAsync<Google.GoogleApiException>(() => f.Client.GetObjectAsync(bucket, "no-such-object"));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, e.HttpStatusCode);
        Assert.Equal($"No such object: {bucket}/no-such-object", e.Error.Message);
        Assert.Equal("notFound", e.Error.Errors[0].Reason);
    }

    [Fact]
    public async Task GetBucket_of_a_missing_bucket_is_a_404_with_the_gcs_message()
    {
        var e = await Assert.ThrowsAsync<Google.GoogleApiException>(() => f.Client.GetBucketAsync("no-such-bucket-" + Guid.NewGuid().ToString("N")[..8]));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, e.HttpStatusCode);
        Assert.Equal("The specified bucket does not exist.", e.Error.Message);
    }
}
