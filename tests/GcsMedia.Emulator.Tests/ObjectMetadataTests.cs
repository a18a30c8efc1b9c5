using System.Net;
using System.Text.Json;

namespace GcsMedia.Emulator.Tests;

public class ObjectMetadataTests(EmulatorFixture f) : IClassFixture<EmulatorFixture>
{
    [Fact]
    public async Task Get_metadata_has_gcs_object_shape()
    {
        var (bucket, name, data, _) = await f.NewObjectAsync(1234, "text/csv");
        using var resp = await f.Http.GetAsync(f.ObjectUrl(bucket, name));
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        var o = JsonDocument.Parse(await resp.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("storage#object", o.GetProperty("kind").GetString());
        Assert.Equal(name, o.GetProperty("name").GetString());
        Assert.Equal(bucket, o.GetProperty("bucket").GetString());
        Assert.Equal("1234", o.GetProperty("size").GetString());
        Assert.Equal(JsonValueKind.String, o.GetProperty("generation").ValueKind);
        Assert.True(long.Parse(o.GetProperty("generation").GetString()!) > 0);
        Assert.Equal("1", o.GetProperty("metageneration").GetString());
        Assert.Equal("text/csv", o.GetProperty("contentType").GetString());
        Assert.Equal(Checksums.Md5(data), o.GetProperty("md5Hash").GetString());
        Assert.Equal(Checksums.Crc32c(data), o.GetProperty("crc32c").GetString());
        Assert.False(string.IsNullOrEmpty(o.GetProperty("etag").GetString()));
        Assert.True(DateTimeOffset.TryParse(o.GetProperty("timeCreated").GetString(), out _));
        Assert.True(DateTimeOffset.TryParse(o.GetProperty("updated").GetString(), out _));
        Assert.Equal($"{bucket}/{name}/{o.GetProperty("generation").GetString()}", o.GetProperty("id").GetString());
        Assert.EndsWith($"/storage/v1/b/{bucket}/o/{name}", o.GetProperty("selfLink").GetString());
        Assert.Contains("alt=media", o.GetProperty("mediaLink").GetString());
    }

    [Fact]
    public async Task Names_with_slashes_are_percent_encoded()
    {
        var bucket = await f.CreateBucketAsync();
        var name = "dir/sub dir/file+1.txt";
        await f.UploadAsync(bucket, name, "abc"u8.ToArray());
        using var resp = await f.Http.GetAsync(f.ObjectUrl(bucket, name));
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        Assert.Contains("dir%2Fsub", f.ObjectUrl(bucket, name));
        Assert.Equal(name, JsonDocument.Parse(await resp.Content.ReadAsStringAsync()).RootElement.GetProperty("name").GetString());
    }

    [Fact]
    public async Task Unicode_names_round_trip()
    {
        var bucket = await f.CreateBucketAsync();
        var name = "snow☃/ünï.bin";
        await f.UploadAsync(bucket, name, [9, 8, 7]);
        Assert.Equal(new byte[] { 9, 8, 7 }, await f.Http.GetByteArrayAsync(f.DownloadUrl(bucket, name)));
    }

    [Fact]
    public async Task Get_missing_object_is_404()
    {
        var bucket = await f.CreateBucketAsync();
        using var resp = await f.Http.GetAsync(f.ObjectUrl(bucket, "missing"));
        var e = await TestData.ErrorAsync(resp, HttpStatusCode.NotFound);
        Assert.Equal("notFound", e.GetProperty("errors")[0].GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Get_object_in_missing_bucket_is_404()
    {
        using var resp = await f.Http.GetAsync(f.ObjectUrl("nobucket-here", "x"));
        await TestData.ErrorAsync(resp, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Get_with_wrong_generation_is_404()
    {
        var (bucket, name, _, o) = await f.NewObjectAsync(5);
        var gen = long.Parse(o.GetProperty("generation").GetString()!);
        using var ok = await f.Http.GetAsync($"{f.ObjectUrl(bucket, name)}?generation={gen}");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        using var bad = await f.Http.GetAsync($"{f.ObjectUrl(bucket, name)}?generation={gen + 1}");
        Assert.Equal(HttpStatusCode.NotFound, bad.StatusCode);
    }

    [Fact]
    public async Task List_filters_by_prefix()
    {
        var bucket = await f.CreateBucketAsync();
        foreach (var n in new[] { "a/1", "a/2", "b/1" }) await f.UploadAsync(bucket, n, [1]);
        var text = await f.Http.GetStringAsync($"{f.Endpoint}/storage/v1/b/{bucket}/o?prefix=a%2F");
        var root = JsonDocument.Parse(text).RootElement;
        Assert.Equal("storage#objects", root.GetProperty("kind").GetString());
        var names = root.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("name").GetString()).ToArray();
        Assert.Equal(new[] { "a/1", "a/2" }, names);
    }

    [Fact]
    public async Task List_with_delimiter_returns_prefixes()
    {
        var bucket = await f.CreateBucketAsync();
        foreach (var n in new[] { "top", "d1/x", "d1/y", "d2/z" }) await f.UploadAsync(bucket, n, [1]);
        var root = JsonDocument.Parse(await f.Http.GetStringAsync($"{f.Endpoint}/storage/v1/b/{bucket}/o?delimiter=%2F")).RootElement;
        Assert.Equal(new[] { "d1/", "d2/" }, root.GetProperty("prefixes").EnumerateArray().Select(p => p.GetString()).ToArray());
        Assert.Equal(new[] { "top" }, root.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("name").GetString()).ToArray());
    }

    [Fact]
    public async Task List_empty_bucket_has_no_items()
    {
        var bucket = await f.CreateBucketAsync();
        var root = JsonDocument.Parse(await f.Http.GetStringAsync($"{f.Endpoint}/storage/v1/b/{bucket}/o")).RootElement;
        Assert.False(root.TryGetProperty("items", out _));
    }

    [Fact]
    public async Task List_paginates_with_maxResults()
    {
        var bucket = await f.CreateBucketAsync();
        foreach (var n in new[] { "p1", "p2", "p3" }) await f.UploadAsync(bucket, n, [1]);
        var first = JsonDocument.Parse(await f.Http.GetStringAsync($"{f.Endpoint}/storage/v1/b/{bucket}/o?maxResults=2")).RootElement;
        Assert.Equal(2, first.GetProperty("items").GetArrayLength());
        var token = first.GetProperty("nextPageToken").GetString();
        var second = JsonDocument.Parse(await f.Http.GetStringAsync($"{f.Endpoint}/storage/v1/b/{bucket}/o?maxResults=2&pageToken={token}")).RootElement;
        Assert.Equal("p3", second.GetProperty("items")[0].GetProperty("name").GetString());
        Assert.False(second.TryGetProperty("nextPageToken", out _));
    }

    [Fact]
    public async Task Delete_returns_204_then_object_is_gone()
    {
        var (bucket, name, _, _) = await f.NewObjectAsync(5);
        using (var del = await f.Http.DeleteAsync(f.ObjectUrl(bucket, name)))
            Assert.Equal(HttpStatusCode.NoContent, del.StatusCode);
        using var get = await f.Http.GetAsync(f.ObjectUrl(bucket, name));
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
    }

    [Fact]
    public async Task Delete_missing_is_404()
    {
        var bucket = await f.CreateBucketAsync();
        using var del = await f.Http.DeleteAsync(f.ObjectUrl(bucket, "nothing"));
        await TestData.ErrorAsync(del, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Delete_with_failed_ifGenerationMatch_is_412_and_keeps_object()
    {
        var (bucket, name, _, _) = await f.NewObjectAsync(5);
        using var del = await f.Http.DeleteAsync($"{f.ObjectUrl(bucket, name)}?ifGenerationMatch=1");
        await TestData.ErrorAsync(del, HttpStatusCode.PreconditionFailed);
        using var get = await f.Http.GetAsync(f.ObjectUrl(bucket, name));
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
    }

    [Fact]
    public async Task Every_upload_gets_a_new_larger_generation()
    {
        var bucket = await f.CreateBucketAsync();
        var g1 = long.Parse((await f.UploadAsync(bucket, "same", [1])).GetProperty("generation").GetString()!);
        var g2 = long.Parse((await f.UploadAsync(bucket, "same", [2])).GetProperty("generation").GetString()!);
        var g3 = long.Parse((await f.UploadAsync(bucket, "other", [3])).GetProperty("generation").GetString()!);
        Assert.True(g2 > g1);
        Assert.True(g3 > g2);
        Assert.Equal(new byte[] { 2 }, await f.Http.GetByteArrayAsync(f.DownloadUrl(bucket, "same")));
    }

    [Fact]
    public async Task Metadata_ifGenerationNotMatch_current_is_304()
    {
        var (bucket, name, _, o) = await f.NewObjectAsync(5);
        using var resp = await f.Http.GetAsync($"{f.ObjectUrl(bucket, name)}?ifGenerationNotMatch={o.GetProperty("generation").GetString()}");
        Assert.Equal(HttpStatusCode.NotModified, resp.StatusCode);
    }
}
