using System.Net;
using System.Text.Json;

namespace GcsMedia.Emulator.Tests;

/// <summary>The JSON API also answers without its /storage/v1 prefix (/b/BUCKET/o/...), which is how Google's
/// Node.js client addresses STORAGE_EMULATOR_HOST. "b" is no valid bucket name, so no XML request is taken.</summary>
public class UnprefixedJsonApiTests(EmulatorFixture f) : IClassFixture<EmulatorFixture>
{
    [Fact]
    public async Task Object_metadata_media_and_list_answer_under_b()
    {
        var (bucket, name, data, _) = await f.NewObjectAsync(2000);
        var meta = JsonDocument.Parse(await f.Http.GetStringAsync($"{f.Endpoint}/b/{bucket}/o/{Uri.EscapeDataString(name)}")).RootElement;
        Assert.Equal(name, meta.GetProperty("name").GetString());
        Assert.Equal(data, await f.Http.GetByteArrayAsync($"{f.Endpoint}/b/{bucket}/o/{Uri.EscapeDataString(name)}?alt=media"));
        var list = JsonDocument.Parse(await f.Http.GetStringAsync($"{f.Endpoint}/b/{bucket}/o")).RootElement;
        Assert.Equal(name, list.GetProperty("items")[0].GetProperty("name").GetString());
    }

    [Fact]
    public async Task Errors_under_b_are_json()
    {
        using var resp = await f.Http.GetAsync($"{f.Endpoint}/b/no-such-bucket-here/o/x");
        Assert.Equal(HttpStatusCode.NotFound, resp.StatusCode);
        var error = JsonDocument.Parse(await resp.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        Assert.Equal("The specified bucket does not exist.", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Delete_under_b_removes_the_object()
    {
        var (bucket, name, _, _) = await f.NewObjectAsync(10);
        using var del = await f.Http.DeleteAsync($"{f.Endpoint}/b/{bucket}/o/{Uri.EscapeDataString(name)}");
        Assert.Equal(HttpStatusCode.NoContent, del.StatusCode);
        using var get = await f.Http.GetAsync(f.ObjectUrl(bucket, name));
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
    }
}
