using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;

namespace GcsMedia.Emulator.Tests;

/// <summary>An emulator started with a token -> permissions map (--auth-tokens).</summary>
public sealed class AccessControlFixture : EmulatorFixture
{
    public const string Admin = "admin-token";
    public const string CreateOnly = "create-only-token";
    public const string MpuWriter = "mpu-writer-token";

    protected override EmulatorOptions CreateOptions() => new()
    {
        AuthTokens = new Dictionary<string, string[]>
        {
            [Admin] = ["storage.buckets.create", "storage.buckets.get", "storage.objects.create", "storage.objects.get", "storage.objects.list",
                "storage.objects.delete", "storage.multipartUploads.create", "storage.multipartUploads.abort", "storage.multipartUploads.list",
                "storage.multipartUploads.listParts"],
            [CreateOnly] = ["storage.objects.create"],
            [MpuWriter] = ["storage.multipartUploads.create"],
        },
    };
}

public class AccessControlTests(AccessControlFixture f) : IClassFixture<AccessControlFixture>
{
    private static readonly XNamespace S3 = "http://s3.amazonaws.com/doc/2006-03-01/";

    private static HttpRequestMessage Request(HttpMethod method, string url, string? token, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, url) { Content = content };
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    private async Task<string> BucketAsync()
    {
        var name = EmulatorFixture.UniqueName("acl").ToLowerInvariant();
        using var resp = await f.Http.SendAsync(Request(HttpMethod.Post, $"{f.Endpoint}/storage/v1/b?project=test", AccessControlFixture.Admin,
            EmulatorFixture.Json(new { name })));
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        return name;
    }

    private Task<HttpResponseMessage> SimpleUploadAsync(string bucket, string name, string? token) =>
        f.Http.SendAsync(Request(HttpMethod.Post, $"{f.UploadUrl(bucket)}?uploadType=media&name={name}", token, new ByteArrayContent([1, 2, 3])));

    [Fact]
    public async Task Without_a_token_every_api_request_is_401_in_the_apis_error_shape()
    {
        var bucket = await BucketAsync();
        using var json = await SimpleUploadAsync(bucket, "a", null);
        var error = await TestData.ErrorAsync(json, HttpStatusCode.Unauthorized);
        Assert.Contains("storage.objects.create", error.GetProperty("message").GetString());
        using var xml = await f.Http.SendAsync(Request(HttpMethod.Post, $"{f.Endpoint}/{bucket}/a?uploads", null, new ByteArrayContent([])));
        Assert.Equal("AuthenticationRequired", await TestData.XmlErrorCodeAsync(xml, HttpStatusCode.Unauthorized));
        using var unknown = await SimpleUploadAsync(bucket, "a", "no-such-token");
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        Assert.DoesNotContain("no-such-token", await unknown.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_token_with_objects_create_uploads_but_cannot_read_list_or_delete()
    {
        var bucket = await BucketAsync();
        using (var upload = await SimpleUploadAsync(bucket, "o", AccessControlFixture.CreateOnly))
            Assert.Equal(HttpStatusCode.OK, upload.StatusCode);
        foreach (var (method, url, permission) in new[]
                 {
                     (HttpMethod.Get, f.ObjectUrl(bucket, "o"), "storage.objects.get"),
                     (HttpMethod.Get, f.DownloadUrl(bucket, "o"), "storage.objects.get"),
                     (HttpMethod.Get, $"{f.Endpoint}/storage/v1/b/{bucket}/o", "storage.objects.list"),
                     (HttpMethod.Delete, f.ObjectUrl(bucket, "o"), "storage.objects.delete"),
                     (HttpMethod.Get, $"{f.Endpoint}/storage/v1/b/{bucket}", "storage.buckets.get"),
                 })
        {
            using var resp = await f.Http.SendAsync(Request(method, url, AccessControlFixture.CreateOnly));
            var error = await TestData.ErrorAsync(resp, HttpStatusCode.Forbidden);
            Assert.Contains($"Permission '{permission}' denied", error.GetProperty("message").GetString());
            Assert.Equal("forbidden", error.GetProperty("errors")[0].GetProperty("reason").GetString());
        }
        using var admin = await f.Http.SendAsync(Request(HttpMethod.Get, f.ObjectUrl(bucket, "o"), AccessControlFixture.Admin));
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
    }

    [Fact]
    public async Task Replacing_an_existing_object_also_needs_objects_delete_unless_ifGenerationMatch_0_rules_it_out()
    {
        var bucket = await BucketAsync();
        using (var first = await SimpleUploadAsync(bucket, "kept", AccessControlFixture.CreateOnly))
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);

        using (var replace = await SimpleUploadAsync(bucket, "kept", AccessControlFixture.CreateOnly))
        {
            var error = await TestData.ErrorAsync(replace, HttpStatusCode.Forbidden);
            Assert.Contains("Permission 'storage.objects.delete' denied", error.GetProperty("message").GetString());
        }
        using (var noClobber = await f.Http.SendAsync(Request(HttpMethod.Post, $"{f.UploadUrl(bucket)}?uploadType=media&name=kept&ifGenerationMatch=0",
                   AccessControlFixture.CreateOnly, new ByteArrayContent([1]))))
        {
            Assert.Equal(HttpStatusCode.PreconditionFailed, noClobber.StatusCode);
        }
        using (var xmlPut = await f.Http.SendAsync(Request(HttpMethod.Put, $"{f.Endpoint}/{bucket}/kept", AccessControlFixture.CreateOnly, new ByteArrayContent([1]))))
        {
            Assert.Equal("AccessDenied", await TestData.XmlErrorCodeAsync(xmlPut, HttpStatusCode.Forbidden));
        }
        using (var admin = await SimpleUploadAsync(bucket, "kept", AccessControlFixture.Admin))
            Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
    }

    [Fact]
    public async Task A_resumable_session_needs_the_token_to_start_and_then_only_its_session_uri()
    {
        var bucket = await BucketAsync();
        using var start = await f.Http.SendAsync(Request(HttpMethod.Post, $"{f.UploadUrl(bucket)}?uploadType=resumable&name=r", AccessControlFixture.CreateOnly,
            new StringContent("{}", Encoding.UTF8, "application/json")));
        Assert.Equal(HttpStatusCode.OK, start.StatusCode);
        var session = start.Headers.Location!.ToString();
        var body = new ByteArrayContent([9, 8, 7]);
        body.Headers.ContentRange = new ContentRangeHeaderValue(0, 2, 3);
        using var put = await f.Http.SendAsync(Request(HttpMethod.Put, session, null, body));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
    }

    [Fact]
    public async Task Xml_multipart_upload_needs_multipartUploads_create_and_listing_needs_its_own_permissions()
    {
        var bucket = await BucketAsync();
        var key = $"{f.Endpoint}/{bucket}/m";
        using (var denied = await f.Http.SendAsync(Request(HttpMethod.Post, key + "?uploads", AccessControlFixture.CreateOnly, new ByteArrayContent([]))))
        {
            Assert.Equal("AccessDenied", await TestData.XmlErrorCodeAsync(denied, HttpStatusCode.Forbidden));
        }

        using var initiate = await f.Http.SendAsync(Request(HttpMethod.Post, key + "?uploads", AccessControlFixture.MpuWriter, new ByteArrayContent([])));
        var id = XDocument.Parse(await initiate.Content.ReadAsStringAsync()).Root!.Element(S3 + "UploadId")!.Value;
        var encoded = Uri.EscapeDataString(id);
        using var part = await f.Http.SendAsync(Request(HttpMethod.Put, $"{key}?partNumber=1&uploadId={encoded}", AccessControlFixture.MpuWriter, new ByteArrayContent([5, 6])));
        Assert.Equal(HttpStatusCode.OK, part.StatusCode);

        using (var list = await f.Http.SendAsync(Request(HttpMethod.Get, $"{key}?uploadId={encoded}", AccessControlFixture.MpuWriter)))
        {
            Assert.Equal("AccessDenied", await TestData.XmlErrorCodeAsync(list, HttpStatusCode.Forbidden));
        }
        using (var uploads = await f.Http.SendAsync(Request(HttpMethod.Get, $"{f.Endpoint}/{bucket}?uploads", AccessControlFixture.MpuWriter)))
        {
            Assert.Equal(HttpStatusCode.Forbidden, uploads.StatusCode);
            Assert.Contains("storage.multipartUploads.list", await uploads.Content.ReadAsStringAsync());
        }

        var xml = $"<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>{part.Headers.ETag}</ETag></Part></CompleteMultipartUpload>";
        using var complete = await f.Http.SendAsync(Request(HttpMethod.Post, $"{key}?uploadId={encoded}", AccessControlFixture.MpuWriter,
            new StringContent(xml, Encoding.UTF8, "application/xml")));
        Assert.Equal(HttpStatusCode.OK, complete.StatusCode);
    }

    [Fact]
    public async Task The_retry_test_control_plane_needs_no_token()
    {
        using var resp = await f.Http.PostAsync($"{f.Endpoint}/retry_test",
            new StringContent(JsonSerializer.Serialize(new { instructions = new Dictionary<string, string[]> { ["storage.objects.get"] = ["return-503"] } }),
                Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
    }
}
