using System.Net;
using System.Text.Json;
using System.Xml.Linq;

namespace GcsMedia.Emulator.Tests;

/// <summary>Not-found error bodies worded as GCS words them, so a client can tell a missing bucket from a missing
/// object (JSON API: reason and message; XML API: the error Code).</summary>
public class ErrorBodyTests(EmulatorFixture f) : IClassFixture<EmulatorFixture>
{
    private static async Task<(string Reason, string Message)> JsonErrorAsync(HttpResponseMessage resp)
    {
        Assert.Equal(HttpStatusCode.NotFound, resp.StatusCode);
        Assert.StartsWith("application/json", resp.Content.Headers.ContentType!.MediaType);
        var error = JsonDocument.Parse(await resp.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        Assert.Equal(404, error.GetProperty("code").GetInt32());
        var first = error.GetProperty("errors")[0];
        Assert.Equal(error.GetProperty("message").GetString(), first.GetProperty("message").GetString());
        return (first.GetProperty("reason").GetString()!, error.GetProperty("message").GetString()!);
    }

    private static async Task<XElement> XmlErrorAsync(HttpResponseMessage resp)
    {
        Assert.Equal(HttpStatusCode.NotFound, resp.StatusCode);
        Assert.StartsWith("application/xml", resp.Content.Headers.ContentType!.MediaType);
        var root = XDocument.Parse(await resp.Content.ReadAsStringAsync()).Root!;
        Assert.Equal("Error", root.Name.LocalName);
        return root;
    }

    private static string MissingBucket() => "missing-" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task Json_missing_bucket_says_the_bucket_does_not_exist()
    {
        var bucket = MissingBucket();
        using var resp = await f.Http.GetAsync($"{f.Endpoint}/storage/v1/b/{bucket}");
        var (reason, message) = await JsonErrorAsync(resp);
        Assert.Equal("notFound", reason);
        Assert.Equal("The specified bucket does not exist.", message);
    }

    [Fact]
    public async Task Json_object_in_a_missing_bucket_says_the_bucket_does_not_exist()
    {
        using var resp = await f.Http.GetAsync(f.ObjectUrl(MissingBucket(), "o"));
        var (_, message) = await JsonErrorAsync(resp);
        Assert.Equal("The specified bucket does not exist.", message);
    }

    [Fact]
    public async Task Json_upload_to_a_missing_bucket_says_the_bucket_does_not_exist()
    {
        using var resp = await f.Http.PostAsync($"{f.UploadUrl(MissingBucket())}?uploadType=media&name=o", new ByteArrayContent([1, 2, 3]));
        var (_, message) = await JsonErrorAsync(resp);
        Assert.Equal("The specified bucket does not exist.", message);
    }

    [Fact]
    public async Task Json_missing_object_names_bucket_and_object()
    {
        var bucket = await f.CreateBucketAsync();
        using var meta = await f.Http.GetAsync(f.ObjectUrl(bucket, "dir/missing.bin"));
        var (reason, message) = await JsonErrorAsync(meta);
        Assert.Equal("notFound", reason);
        Assert.Equal($"No such object: {bucket}/dir/missing.bin", message);
        using var media = await f.Http.GetAsync(f.DownloadUrl(bucket, "dir/missing.bin"));
        Assert.Equal($"No such object: {bucket}/dir/missing.bin", (await JsonErrorAsync(media)).Message);
    }

    [Fact]
    public async Task Xml_missing_bucket_is_NoSuchBucket()
    {
        using var resp = await f.Http.GetAsync($"{f.Endpoint}/{MissingBucket()}/o");
        var error = await XmlErrorAsync(resp);
        Assert.Equal("NoSuchBucket", error.Element("Code")!.Value);
        Assert.Equal("The specified bucket does not exist.", error.Element("Message")!.Value);
    }

    [Fact]
    public async Task Xml_missing_object_is_NoSuchKey_with_the_object_in_the_details()
    {
        var bucket = await f.CreateBucketAsync();
        using var resp = await f.Http.GetAsync($"{f.Endpoint}/{bucket}/missing.txt");
        var error = await XmlErrorAsync(resp);
        Assert.Equal("NoSuchKey", error.Element("Code")!.Value);
        Assert.Equal("The specified key does not exist.", error.Element("Message")!.Value);
        Assert.Equal($"No such object: {bucket}/missing.txt", error.Element("Details")!.Value);
    }

    [Fact]
    public async Task Xml_unknown_multipart_upload_is_NoSuchUpload()
    {
        var bucket = await f.CreateBucketAsync();
        using var resp = await f.Http.PutAsync($"{f.Endpoint}/{bucket}/big?partNumber=1&uploadId=not-an-upload", new ByteArrayContent([1]));
        var error = await XmlErrorAsync(resp);
        Assert.Equal("NoSuchUpload", error.Element("Code")!.Value);
        Assert.Equal("The requested upload was not found.", error.Element("Message")!.Value);
    }

    [Fact]
    public async Task An_unknown_resumable_session_is_a_404_that_does_not_echo_the_session_id()
    {
        var bucket = await f.CreateBucketAsync();
        const string id = "ACJd0sSECRETSESSIONID";
        using var resp = await f.StatusQueryAsync($"{f.UploadUrl(bucket)}?uploadType=resumable&upload_id={id}");
        Assert.Equal(HttpStatusCode.NotFound, resp.StatusCode);
        Assert.DoesNotContain(id, await resp.Content.ReadAsStringAsync());
    }
}
