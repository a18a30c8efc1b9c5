using System.Net;
using System.Text.Json;

namespace GcsMedia.Emulator.Tests;

/// <summary>An emulator whose rewrite calls copy at most 1 MiB each.</summary>
public sealed class CappedRewriteFixture : EmulatorFixture
{
    public const long Cap = 1024 * 1024;
    protected override EmulatorOptions CreateOptions() => new() { RewriteBytesPerCall = Cap };
}

public class ObjectListTests(EmulatorFixture f) : IClassFixture<EmulatorFixture>
{
    private async Task<JsonElement> ListAsync(string bucket, string query) =>
        JsonDocument.Parse(await f.Http.GetStringAsync($"{f.Endpoint}/storage/v1/b/{bucket}/o?{query}")).RootElement.Clone();

    private static string[] Names(JsonElement page) =>
        page.TryGetProperty("items", out var items) ? items.EnumerateArray().Select(i => i.GetProperty("name").GetString()!).ToArray() : [];

    private static string[] Prefixes(JsonElement page) =>
        page.TryGetProperty("prefixes", out var p) ? p.EnumerateArray().Select(i => i.GetString()!).ToArray() : [];

    [Fact]
    public async Task A_prefix_is_listed_on_one_page_only_even_when_a_page_ends_inside_it()
    {
        var bucket = await f.CreateBucketAsync();
        foreach (var n in new[] { "a/1", "a/2", "a/3", "b", "c/1", "c/2", "d" }) await f.UploadAsync(bucket, n, [1]);
        var names = new List<string>();
        var prefixes = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await ListAsync(bucket, "delimiter=%2F&maxResults=1" + (token is null ? "" : "&pageToken=" + Uri.EscapeDataString(token)));
            Assert.True(Names(page).Length + Prefixes(page).Length <= 1);
            names.AddRange(Names(page));
            prefixes.AddRange(Prefixes(page));
            token = page.TryGetProperty("nextPageToken", out var t) ? t.GetString() : null;
            pages++;
        } while (token is not null && pages < 20);
        Assert.Equal(new[] { "b", "d" }, names);
        Assert.Equal(new[] { "a/", "c/" }, prefixes);
        Assert.Equal(4, pages);
    }

    [Fact]
    public async Task Maximum_page_is_1000_items_even_when_more_are_asked_for()
    {
        var bucket = await f.CreateBucketAsync();
        await Task.WhenAll(Enumerable.Range(0, 1003).Select(i => f.UploadAsync(bucket, $"n{i:D5}", [1])));
        var first = await ListAsync(bucket, "maxResults=5000");
        Assert.Equal(1000, Names(first).Length);
        var second = await ListAsync(bucket, "pageToken=" + Uri.EscapeDataString(first.GetProperty("nextPageToken").GetString()!));
        Assert.Equal(new[] { "n01000", "n01001", "n01002" }, Names(second));
        Assert.False(second.TryGetProperty("nextPageToken", out _));
        Assert.Equal(1000, Names(await ListAsync(bucket, "")).Length);
    }

    [Fact]
    public async Task Versions_lists_the_live_generation_and_offsets_bound_the_names()
    {
        var bucket = await f.CreateBucketAsync();
        foreach (var n in new[] { "a", "b", "c", "d" }) await f.UploadAsync(bucket, n, [1]);
        var replaced = await f.UploadAsync(bucket, "b", [2, 3]);
        var versions = await ListAsync(bucket, "versions=true&prefix=b");
        Assert.Equal(replaced.GetProperty("generation").GetString(), Assert.Single(versions.GetProperty("items").EnumerateArray()).GetProperty("generation").GetString());
        Assert.Equal(new[] { "b", "c" }, Names(await ListAsync(bucket, "startOffset=b&endOffset=d")));
    }

    [Fact]
    public async Task A_bad_page_token_or_a_glob_is_400()
    {
        var bucket = await f.CreateBucketAsync();
        using (var bad = await f.Http.GetAsync($"{f.Endpoint}/storage/v1/b/{bucket}/o?pageToken=%21%21"))
            await TestData.ErrorAsync(bad, HttpStatusCode.BadRequest);
        using var glob = await f.Http.GetAsync($"{f.Endpoint}/storage/v1/b/{bucket}/o?matchGlob=**.txt");
        await TestData.ErrorAsync(glob, HttpStatusCode.BadRequest);
    }
}

public class ObjectDeleteTests(EmulatorFixture f) : IClassFixture<EmulatorFixture>
{
    [Fact]
    public async Task Delete_honours_generation_and_ifGenerationMatch()
    {
        var (bucket, name, _, o) = await f.NewObjectAsync(10);
        var generation = long.Parse(o.GetProperty("generation").GetString()!);
        using (var wrongGeneration = await f.Http.DeleteAsync($"{f.ObjectUrl(bucket, name)}?generation={generation + 1}"))
        {
            var e = await TestData.ErrorAsync(wrongGeneration, HttpStatusCode.NotFound);
            Assert.Equal($"No such object: {bucket}/{name}", e.GetProperty("message").GetString());
        }
        using (var precondition = await f.Http.DeleteAsync($"{f.ObjectUrl(bucket, name)}?ifGenerationMatch={generation + 1}"))
            await TestData.ErrorAsync(precondition, (HttpStatusCode)412);
        using (var ok = await f.Http.DeleteAsync($"{f.ObjectUrl(bucket, name)}?ifGenerationMatch={generation}"))
            Assert.Equal(HttpStatusCode.NoContent, ok.StatusCode);
        using var gone = await f.Http.GetAsync(f.ObjectUrl(bucket, name));
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }
}

public class ObjectRewriteTests(EmulatorFixture f) : IClassFixture<EmulatorFixture>
{
    internal static string RewriteUrl(EmulatorFixture f, string sb, string so, string db, string dn, string query = "") =>
        $"{f.Endpoint}/storage/v1/b/{sb}/o/{EmulatorFixture.Esc(so)}/rewriteTo/b/{db}/o/{EmulatorFixture.Esc(dn)}{query}";

    internal static async Task<JsonElement> PostAsync(EmulatorFixture f, string url, object? body = null, HttpStatusCode expected = HttpStatusCode.OK, string? testId = null)
    {
        using var req = new HttpRequestMessage(HttpMethod.Post, url) { Content = EmulatorFixture.Json(body ?? new { }) };
        if (testId is not null) req.Headers.Add("x-retry-test-id", testId);
        using var resp = await f.Http.SendAsync(req);
        var text = await resp.Content.ReadAsStringAsync();
        Assert.True(expected == resp.StatusCode, $"expected {(int)expected}, got {(int)resp.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    [Fact]
    public async Task Copy_across_buckets_in_one_call_keeps_bytes_hashes_and_metadata()
    {
        var (bucket, name, data, source) = await f.NewObjectAsync(3000, "text/csv");
        var other = await f.CreateBucketAsync();
        var r = await PostAsync(f, RewriteUrl(f, bucket, name, other, "copies/one"));
        Assert.Equal("storage#rewriteResponse", r.GetProperty("kind").GetString());
        Assert.True(r.GetProperty("done").GetBoolean());
        Assert.Equal("3000", r.GetProperty("totalBytesRewritten").GetString());
        Assert.Equal("3000", r.GetProperty("objectSize").GetString());
        var resource = r.GetProperty("resource");
        Assert.Equal(other, resource.GetProperty("bucket").GetString());
        Assert.Equal("copies/one", resource.GetProperty("name").GetString());
        Assert.Equal("text/csv", resource.GetProperty("contentType").GetString());
        Assert.Equal(source.GetProperty("crc32c").GetString(), resource.GetProperty("crc32c").GetString());
        Assert.Equal(Checksums.Crc32c(data), resource.GetProperty("crc32c").GetString());
        Assert.NotEqual(source.GetProperty("generation").GetString(), resource.GetProperty("generation").GetString());
        Assert.Equal(data, await f.Http.GetByteArrayAsync(f.DownloadUrl(other, "copies/one")));
        Assert.Equal(data, await f.Http.GetByteArrayAsync(f.DownloadUrl(bucket, name)));
    }

    [Fact]
    public async Task MaxBytesRewrittenPerCall_makes_a_token_loop_and_must_be_whole_MiB()
    {
        var bucket = await f.CreateBucketAsync();
        var data = TestData.Random(2 * 1024 * 1024 + 5);
        await f.UploadAsync(bucket, "big", data);
        await PostAsync(f, RewriteUrl(f, bucket, "big", bucket, "copy", "?maxBytesRewrittenPerCall=1000"), expected: HttpStatusCode.BadRequest);
        var totals = new List<string>();
        string? token = null;
        JsonElement r;
        do
        {
            r = await PostAsync(f, RewriteUrl(f, bucket, "big", bucket, "copy",
                "?maxBytesRewrittenPerCall=1048576" + (token is null ? "" : "&rewriteToken=" + Uri.EscapeDataString(token))));
            totals.Add(r.GetProperty("totalBytesRewritten").GetString()!);
            token = r.TryGetProperty("rewriteToken", out var t) ? t.GetString() : null;
            Assert.Equal(token is null, r.GetProperty("done").GetBoolean());
        } while (token is not null);
        Assert.Equal(new[] { "1048576", "2097152", "2097157" }, totals);
        Assert.Equal(data, await f.Http.GetByteArrayAsync(f.DownloadUrl(bucket, "copy")));
    }

    [Fact]
    public async Task IfGenerationMatch_0_refuses_an_existing_destination_and_body_sets_metadata()
    {
        var (bucket, name, data, _) = await f.NewObjectAsync(100);
        await f.UploadAsync(bucket, "taken", [1]);
        await PostAsync(f, RewriteUrl(f, bucket, name, bucket, "taken", "?ifGenerationMatch=0"), expected: (HttpStatusCode)412);
        Assert.Equal(new byte[] { 1 }, await f.Http.GetByteArrayAsync(f.DownloadUrl(bucket, "taken")));
        var r = await PostAsync(f, RewriteUrl(f, bucket, name, bucket, "fresh", "?ifGenerationMatch=0"),
            new { contentType = "image/png", metadata = new { owner = "ops" } });
        Assert.Equal("image/png", r.GetProperty("resource").GetProperty("contentType").GetString());
        Assert.Equal("ops", r.GetProperty("resource").GetProperty("metadata").GetProperty("owner").GetString());
        Assert.Equal(data, await f.Http.GetByteArrayAsync(f.DownloadUrl(bucket, "fresh")));
    }

    [Fact]
    public async Task Missing_source_is_404_and_a_token_for_another_pair_is_400()
    {
        var bucket = await f.CreateBucketAsync();
        var e = await PostAsync(f, RewriteUrl(f, bucket, "absent", bucket, "copy"), expected: HttpStatusCode.NotFound);
        Assert.Equal($"No such object: {bucket}/absent", e.GetProperty("error").GetProperty("message").GetString());
        await f.UploadAsync(bucket, "src", TestData.Random(2 * 1024 * 1024));
        var first = await PostAsync(f, RewriteUrl(f, bucket, "src", bucket, "copy", "?maxBytesRewrittenPerCall=1048576"));
        var token = first.GetProperty("rewriteToken").GetString()!;
        await PostAsync(f, RewriteUrl(f, bucket, "src", bucket, "elsewhere", "?rewriteToken=" + Uri.EscapeDataString(token)), expected: HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Rewrite_faults_are_injected_under_storage_objects_rewrite()
    {
        var (bucket, name, _, _) = await f.NewObjectAsync(100);
        var id = await f.CreateRetryTestAsync("storage.objects.rewrite", "return-503");
        await PostAsync(f, RewriteUrl(f, bucket, name, bucket, "c"), expected: HttpStatusCode.ServiceUnavailable, testId: id);
        var r = await PostAsync(f, RewriteUrl(f, bucket, name, bucket, "c"), testId: id);
        Assert.True(r.GetProperty("done").GetBoolean());
        Assert.True((await f.GetRetryTestAsync(id)).GetProperty("completed").GetBoolean());
    }
}

public class CappedRewriteTests(CappedRewriteFixture f) : IClassFixture<CappedRewriteFixture>
{
    [Fact]
    public async Task The_emulator_cap_splits_a_copy_without_the_client_asking()
    {
        var bucket = await f.CreateBucketAsync();
        var data = TestData.Random(3 * 1024 * 1024 + 1);
        await f.UploadAsync(bucket, "src", data);
        var calls = 0;
        string? token = null;
        do
        {
            var r = await ObjectRewriteTests.PostAsync(f, ObjectRewriteTests.RewriteUrl(f, bucket, "src", bucket, "dst",
                token is null ? "" : "?rewriteToken=" + Uri.EscapeDataString(token)));
            calls++;
            Assert.Equal(Math.Min(calls * CappedRewriteFixture.Cap, data.Length).ToString(), r.GetProperty("totalBytesRewritten").GetString());
            token = r.TryGetProperty("rewriteToken", out var t) ? t.GetString() : null;
        } while (token is not null && calls < 10);
        Assert.Equal(4, calls);
        Assert.Equal(data, await f.Http.GetByteArrayAsync(f.DownloadUrl(bucket, "dst")));
    }
}
