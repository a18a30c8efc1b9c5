using System.Net;
using System.Text.Json;

namespace GcsMedia.Emulator.Tests;

/// <summary>retry_tests.json scenarios 7 (resumable uploads) and 8 (downloads), driven by a plain HttpClient retry loop.</summary>
public class RetryConformanceTests(EmulatorFixture f) : IClassFixture<EmulatorFixture>
{
    private const int Q = 262144;

    private static bool Retryable(HttpStatusCode s) => (int)s is 408 or 429 or 500 or 502 or 503 or 504;

    /// <summary>Sends a request built by <paramref name="make"/> until it gets a non-retryable answer.</summary>
    private async Task<HttpResponseMessage> SendWithRetriesAsync(Func<HttpRequestMessage> make, int maxAttempts = 10)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var resp = await f.Http.SendAsync(make());
                if (!Retryable(resp.StatusCode) || attempt >= maxAttempts) return resp;
                resp.Dispose();
            }
            catch (HttpRequestException) when (attempt < maxAttempts) { }
        }
    }

    private static long OffsetFrom(HttpResponseMessage resp)
    {
        if (!resp.Headers.TryGetValues("Range", out var values)) return 0;
        var v = values.First();
        return long.Parse(v[(v.IndexOf('-') + 1)..]) + 1;
    }

    /// <summary>A resumable upload that survives faults: a retryable status resends the same chunk (the server skips what it
    /// already has); a broken connection is followed by a status query and a resend from the server's offset.</summary>
    private async Task<JsonElement> ResumableUploadAsync(string bucket, string name, byte[] data, int chunkSize, string testId)
    {
        var start = await SendWithRetriesAsync(() =>
        {
            var r = new HttpRequestMessage(HttpMethod.Post, $"{f.UploadUrl(bucket)}?uploadType=resumable&ifGenerationMatch=0")
            { Content = EmulatorFixture.Json(new { name }) };
            r.Headers.Add("x-retry-test-id", testId);
            return r;
        });
        Assert.Equal(HttpStatusCode.OK, start.StatusCode);
        var session = start.Headers.Location!.ToString();

        long offset = 0;
        for (var attempt = 0; attempt < 30; attempt++)
        {
            var end = (int)Math.Min(offset + chunkSize, data.Length);
            var final = end == data.Length;
            var range = $"bytes {offset}-{end - 1}/{(final ? data.Length.ToString() : "*")}";
            HttpResponseMessage resp;
            try
            {
                resp = await f.PutChunkAsync(session, data, (int)offset, end - (int)offset, range, testId: testId);
            }
            catch (HttpRequestException)
            {
                using var status = await SendWithRetriesAsync(() =>
                {
                    var r = new HttpRequestMessage(HttpMethod.Put, session) { Content = new ByteArrayContent([]) };
                    r.Content.Headers.TryAddWithoutValidation("Content-Range", "bytes */*");
                    r.Headers.Add("x-retry-test-id", testId);
                    return r;
                });
                if (status.StatusCode == HttpStatusCode.OK)
                    return JsonDocument.Parse(await status.Content.ReadAsStringAsync()).RootElement.Clone();
                Assert.Equal((HttpStatusCode)308, status.StatusCode);
                offset = OffsetFrom(status);
                continue;
            }
            using (resp)
            {
                if (resp.StatusCode == HttpStatusCode.OK)
                    return JsonDocument.Parse(await resp.Content.ReadAsStringAsync()).RootElement.Clone();
                if ((int)resp.StatusCode == 308) { offset = OffsetFrom(resp); continue; }
                Assert.True(Retryable(resp.StatusCode), $"non-retryable {(int)resp.StatusCode}: {await resp.Content.ReadAsStringAsync()}");
                // Same chunk again, as google-resumable-media does.
            }
        }
        throw new Xunit.Sdk.XunitException("upload did not finish");
    }

    public static TheoryData<string[], int> UploadCases => new()
    {
        { ["return-reset-connection", "return-503"], 16 * 1024 * 1024 },
        { ["return-reset-connection", "return-503"], 4 * Q },
        { ["return-408"], 16 * 1024 * 1024 },
        { ["return-408"], 4 * Q },
        { ["return-503-after-256K"], 16 * 1024 * 1024 },
        { ["return-503-after-256K"], 4 * Q },
        { ["return-503-after-8192K", "return-408"], 16 * 1024 * 1024 },
    };

    [Theory]
    [MemberData(nameof(UploadCases))]
    public async Task Scenario7_resumable_uploads_handle_complex_retries(string[] instructions, int chunkSize)
    {
        var bucket = await f.CreateBucketAsync();
        var data = TestData.Random(9 * 1024 * 1024 + 12345);
        var testId = await f.CreateRetryTestAsync("storage.objects.insert", instructions);
        var o = await ResumableUploadAsync(bucket, "conformance", data, chunkSize, testId);
        Assert.Equal(data.Length.ToString(), o.GetProperty("size").GetString());
        Assert.Equal(Checksums.Crc32c(data), o.GetProperty("crc32c").GetString());
        Assert.Equal(Checksums.Md5(data), o.GetProperty("md5Hash").GetString());
        Assert.True((await f.GetRetryTestAsync(testId)).GetProperty("completed").GetBoolean());
        Assert.Equal(data, await f.Http.GetByteArrayAsync(f.DownloadUrl(bucket, "conformance")));
    }

    /// <summary>A download that resumes with a Range from the bytes already received, pinned to the first generation,
    /// and validates the whole-object crc32c from the first response.</summary>
    private async Task<(byte[] Data, int Attempts)> DownloadAsync(string bucket, string name, string testId)
    {
        var received = new MemoryStream();
        string? expectedHash = null, generation = null;
        for (var attempt = 1; attempt <= 10; attempt++)
        {
            var url = f.DownloadUrl(bucket, name) + (generation is null ? "" : $"&generation={generation}");
            var req = new HttpRequestMessage(HttpMethod.Get, url);
            req.Headers.Add("x-retry-test-id", testId);
            if (received.Length > 0) req.Headers.TryAddWithoutValidation("Range", $"bytes={received.Length}-");
            try
            {
                using var resp = await f.Http.SendAsync(req, HttpCompletionOption.ResponseHeadersRead);
                if (Retryable(resp.StatusCode)) continue;
                Assert.True(resp.StatusCode is HttpStatusCode.OK or HttpStatusCode.PartialContent, $"{(int)resp.StatusCode}");
                expectedHash ??= TestData.Header(resp, "x-goog-hash");
                generation ??= TestData.Header(resp, "x-goog-generation");
                if (received.Length > 0)
                    Assert.StartsWith($"bytes {received.Length}-", TestData.Header(resp, "Content-Range"));
                await using var body = await resp.Content.ReadAsStreamAsync();
                var buffer = new byte[64 * 1024];
                int n;
                while ((n = await body.ReadAsync(buffer)) > 0) received.Write(buffer, 0, n);
                var data = received.ToArray();
                Assert.Contains($"crc32c={Checksums.Crc32c(data)}", expectedHash);
                return (data, attempt);
            }
            catch (Exception e) when (e is HttpRequestException or IOException) { }
        }
        throw new Xunit.Sdk.XunitException("download did not finish");
    }

    public static TheoryData<string[], int> DownloadCases => new()
    {
        { ["return-broken-stream", "return-broken-stream"], 3 },
        { ["return-broken-stream-after-256K"], 2 },
    };

    [Theory]
    [MemberData(nameof(DownloadCases))]
    public async Task Scenario8_downloads_handle_complex_retries(string[] instructions, int expectedAttempts)
    {
        var (bucket, name, data, _) = await f.NewObjectAsync(1024 * 1024 + 17);
        var testId = await f.CreateRetryTestAsync("storage.objects.get", instructions);
        var (downloaded, attempts) = await DownloadAsync(bucket, name, testId);
        Assert.Equal(data, downloaded);
        Assert.Equal(expectedAttempts, attempts);
        Assert.True((await f.GetRetryTestAsync(testId)).GetProperty("completed").GetBoolean());
    }
}
