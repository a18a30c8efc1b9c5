using System.Net;
using System.Text.Json;

namespace GcsMedia.Emulator.Tests;

public class BucketTests(EmulatorFixture f) : IClassFixture<EmulatorFixture>
{
    [Fact]
    public async Task Create_returns_bucket_json()
    {
        var name = EmulatorFixture.UniqueName("create").ToLowerInvariant();
        using var resp = await f.Http.PostAsync($"{f.Endpoint}/storage/v1/b?project=p1", EmulatorFixture.Json(new { name }));
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        var b = JsonDocument.Parse(await resp.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("storage#bucket", b.GetProperty("kind").GetString());
        Assert.Equal(name, b.GetProperty("name").GetString());
        Assert.Equal(name, b.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Get_returns_created_bucket()
    {
        var name = await f.CreateBucketAsync();
        using var resp = await f.Http.GetAsync($"{f.Endpoint}/storage/v1/b/{name}");
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        Assert.Equal(name, JsonDocument.Parse(await resp.Content.ReadAsStringAsync()).RootElement.GetProperty("name").GetString());
    }

    [Fact]
    public async Task Get_missing_bucket_is_404_gcs_shaped()
    {
        using var resp = await f.Http.GetAsync($"{f.Endpoint}/storage/v1/b/no-such-bucket-xyz");
        var error = await TestData.ErrorAsync(resp, HttpStatusCode.NotFound);
        Assert.Equal("notFound", error.GetProperty("errors")[0].GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Duplicate_create_is_409()
    {
        var name = await f.CreateBucketAsync();
        using var resp = await f.Http.PostAsync($"{f.Endpoint}/storage/v1/b?project=p", EmulatorFixture.Json(new { name }));
        await TestData.ErrorAsync(resp, HttpStatusCode.Conflict);
    }

    [Theory]
    [InlineData("UPPER")]
    [InlineData("a")]
    [InlineData("has space")]
    public async Task Invalid_bucket_name_is_400(string name)
    {
        using var resp = await f.Http.PostAsync($"{f.Endpoint}/storage/v1/b?project=p", EmulatorFixture.Json(new { name }));
        await TestData.ErrorAsync(resp, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Create_without_name_is_400()
    {
        using var resp = await f.Http.PostAsync($"{f.Endpoint}/storage/v1/b?project=p", EmulatorFixture.Json(new { other = 1 }));
        await TestData.ErrorAsync(resp, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task List_contains_created_bucket()
    {
        var name = await f.CreateBucketAsync();
        var text = await f.Http.GetStringAsync($"{f.Endpoint}/storage/v1/b?project=p");
        var names = JsonDocument.Parse(text).RootElement.GetProperty("items").EnumerateArray().Select(b => b.GetProperty("name").GetString());
        Assert.Contains(name, names);
    }

    [Fact]
    public async Task Delete_empty_bucket_then_404()
    {
        var name = await f.CreateBucketAsync();
        using (var del = await f.Http.DeleteAsync($"{f.Endpoint}/storage/v1/b/{name}"))
            Assert.Equal(HttpStatusCode.NoContent, del.StatusCode);
        using var get = await f.Http.GetAsync($"{f.Endpoint}/storage/v1/b/{name}");
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
    }

    [Fact]
    public async Task Delete_non_empty_bucket_is_409()
    {
        var (bucket, _, _, _) = await f.NewObjectAsync(10);
        using var del = await f.Http.DeleteAsync($"{f.Endpoint}/storage/v1/b/{bucket}");
        await TestData.ErrorAsync(del, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Upload_to_missing_bucket_is_404_and_not_auto_created()
    {
        using var resp = await f.Http.PostAsync($"{f.UploadUrl("never-created-bkt")}?uploadType=media&name=x", new ByteArrayContent([1, 2]));
        await TestData.ErrorAsync(resp, HttpStatusCode.NotFound);
        using var get = await f.Http.GetAsync($"{f.Endpoint}/storage/v1/b/never-created-bkt");
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
    }
}
