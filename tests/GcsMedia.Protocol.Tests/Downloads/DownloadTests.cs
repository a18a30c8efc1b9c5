using System.Net;
using System.Text;
using GcsMedia.Protocol.Tests.TestSupport;
using Xunit;

namespace GcsMedia.Protocol.Tests.Downloads;

public class DownloadTests
{
    private const string Url = "https://storage.googleapis.com/download/storage/v1/b/bucket/o/obj?alt=media";

    // Spec vector data: three chunks whose whole-object hashes are crc32c=qmNCyg==, md5=fPAJHnnoi/+NadyNxT2c2w==.
    private static readonly byte[] VectorData = Encoding.ASCII.GetBytes(
        "first chunk, count starting at 0. second chunk, or chunk 1, which is better? ordinals and numerals and stuff.");

    private const string VectorHash = "crc32c=qmNCyg==,md5=fPAJHnnoi/+NadyNxT2c2w==";

    private static Dictionary<string, string> H(params (string Name, string Value)[] headers)
        => headers.ToDictionary(h => h.Name, h => h.Value, StringComparer.OrdinalIgnoreCase);

    [Fact]
    public void Constructor_Defaults()
    {
        var download = new Download(Url, new MemoryStream());
        Assert.Equal(Url, download.MediaUrl);
        Assert.Null(download.Start);
        Assert.Null(download.End);
        Assert.Empty(download.Headers);
        Assert.False(download.Finished);
        Assert.Equal(ChecksumType.Crc32c, download.ChecksumType);
        Assert.Equal(0, download.BytesDownloaded);
        Assert.Null(download.TotalBytes);
        Assert.False(download.ChecksumVerified);
    }

    [Fact]
    public void Constructor_ExplicitArguments_KeepHeadersByIdentity()
    {
        var headers = new Dictionary<string, string> { ["foo"] = "bar" };
        var destination = new MemoryStream();
        var download = new Download(Url, destination, 11, 111, headers, ChecksumType.Md5);
        Assert.Same(headers, download.Headers);
        Assert.Same(destination, download.Destination);
        Assert.Equal(11, download.Start);
        Assert.Equal(111, download.End);
        Assert.Equal(ChecksumType.Md5, download.ChecksumType);
    }

    [Fact]
    public void Constructor_InvalidChecksumType_Throws()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new Download(Url, new MemoryStream(), checksum: (ChecksumType)7));
        Assert.Contains("checksum must be Crc32c, Md5 or None", ex.Message);
    }

    [Fact]
    public void BuildRequest_NoRange_GetWithoutRange_AndAcceptEncodingGzip()
    {
        var headers = new Dictionary<string, string>();
        var download = new Download(Url, new MemoryStream(), headers: headers);
        using HttpRequestMessage request = download.BuildRequest();
        Assert.Equal(HttpMethod.Get, request.Method);
        Assert.Equal(Url, request.RequestUri!.AbsoluteUri);
        Assert.False(request.Headers.Contains("Range"));
        Assert.Equal("gzip", string.Join(",", request.Headers.GetValues("Accept-Encoding")));
        Assert.Empty(headers);
    }

    [Fact]
    public void BuildRequest_Start53_RangeIsOpenEnded()
    {
        var download = new Download(Url, new MemoryStream(), start: 53);
        using HttpRequestMessage request = download.BuildRequest();
        Assert.Equal("bytes=53-", string.Join(",", request.Headers.GetValues("Range")));
        Assert.Equal("bytes=53-", download.Headers["range"]);
    }

    [Fact]
    public void BuildRequest_WithHeaders_AddsRangeToCallersDictionary()
    {
        var headers = new Dictionary<string, string> { ["foo"] = "bar" };
        var download = new Download(Url, new MemoryStream(), 11, 111, headers);
        using HttpRequestMessage request = download.BuildRequest();
        Assert.Equal("bytes=11-111", headers["range"]);
        Assert.Equal("bar", headers["foo"]);
        Assert.Equal("bar", string.Join(",", request.Headers.GetValues("foo")));
        Assert.Equal("bytes=11-111", string.Join(",", request.Headers.GetValues("Range")));
    }

    [Fact]
    public void BuildRequest_Suffix_SendsBytesMinusN()
    {
        var download = new Download(Url, new MemoryStream(), start: -256);
        using HttpRequestMessage request = download.BuildRequest();
        Assert.Equal("bytes=-256", string.Join(",", request.Headers.GetValues("Range")));
    }

    [Fact]
    public async Task BuildRequest_AlreadyFinished_Throws()
    {
        var download = new Download(Url, new MemoryStream());
        using var response = Responses.Make(HttpStatusCode.OK, new byte[] { 1 });
        await download.ProcessResponseAsync(response);
        var ex = Assert.Throws<InvalidOperationException>(() => download.BuildRequest());
        Assert.Equal("A download can only be used once.", ex.Message);
    }

    [Fact]
    public async Task ProcessResponse_200_SetsFinished()
    {
        var destination = new MemoryStream();
        var download = new Download(Url, destination);
        using var response = Responses.Make(HttpStatusCode.OK, VectorData);
        await download.ProcessResponseAsync(response);
        Assert.True(download.Finished);
        Assert.Equal(200, download.StatusCode);
        Assert.Equal(VectorData, destination.ToArray());
    }

    [Fact]
    public async Task ProcessResponse_BadStatus404_ThrowsAndStillSetsFinished()
    {
        var destination = new MemoryStream();
        var download = new Download(Url, destination) { ObjectName = "gs://bucket/obj" };
        using var response = Responses.Make(HttpStatusCode.NotFound, Encoding.UTF8.GetBytes("{\"error\":{\"message\":\"No such object: bucket/obj\"}}"));
        var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => download.ProcessResponseAsync(response));
        Assert.Equal(404, ex.StatusCode);
        Assert.Equal(new[] { 200, 206 }, ex.ExpectedStatusCodes);
        Assert.Contains("gs://bucket/obj", ex.Message);
        Assert.Contains("No such object", ex.Message);
        Assert.True(download.Finished);
        Assert.Equal(0, destination.Length);
    }

    [Fact]
    public async Task WriteToStream_NoHashCheck_WritesEveryByte()
    {
        byte[] data = Responses.RandomBytes(200_000);
        var destination = new MemoryStream();
        var download = new Download(Url, destination, checksum: ChecksumType.None);
        using var response = Responses.Make(HttpStatusCode.OK, data, H(("x-goog-hash", "crc32c=AAAAAA==")));
        await download.ProcessResponseAsync(response);
        Assert.Equal(data, destination.ToArray());
        Assert.Equal(data.Length, download.BytesDownloaded);
        Assert.Null(download.ExpectedChecksum);
        Assert.False(download.ChecksumVerified);
    }

    [Theory]
    [InlineData(ChecksumType.Md5, "fPAJHnnoi/+NadyNxT2c2w==")]
    [InlineData(ChecksumType.Crc32c, "qmNCyg==")]
    public async Task WriteToStream_HashCheck_Succeeds(ChecksumType type, string expected)
    {
        var destination = new MemoryStream();
        var download = new Download(Url, destination, checksum: type);
        using var response = Responses.Make(HttpStatusCode.OK, VectorData, H(("x-goog-hash", VectorHash)));
        await download.ProcessResponseAsync(response);
        Assert.Equal(VectorData, destination.ToArray());
        Assert.Equal(VectorData.Length, download.BytesDownloaded);
        Assert.Equal(expected, download.ExpectedChecksum);
        Assert.Equal(expected, download.ActualChecksum);
        Assert.True(download.ChecksumVerified);
    }

    [Fact]
    public async Task WriteToStream_HashCheckNone_DoesNotValidate()
    {
        var download = new Download(Url, new MemoryStream(), checksum: ChecksumType.None);
        using var response = Responses.Make(HttpStatusCode.OK, VectorData, H(("x-goog-hash", "crc32c=AAAAAA==,md5=AAAAAAAAAAAAAAAAAAAAAA==")));
        await download.ProcessResponseAsync(response);
        Assert.False(download.ChecksumVerified);
    }

    [Theory]
    [InlineData(ChecksumType.Md5, "md5=1B2M2Y8AsgTpgAmY7PhCfg==")]
    [InlineData(ChecksumType.Crc32c, "crc32c=AAAAAA==")]
    public async Task WriteToStream_HashMismatch_ThrowsDataCorruption_NamingValuesAndBytesRead(ChecksumType type, string header)
    {
        var download = new Download(Url, new MemoryStream(), checksum: type) { ObjectName = "gs://bucket/obj" };
        using var response = Responses.Make(HttpStatusCode.OK, VectorData, H(("x-goog-hash", header)));
        var ex = await Assert.ThrowsAsync<DataCorruptionException>(() => download.ProcessResponseAsync(response));
        string expected = header.Substring(header.IndexOf('=') + 1);
        string actual = type == ChecksumType.Md5 ? "fPAJHnnoi/+NadyNxT2c2w==" : "qmNCyg==";
        Assert.Contains("Checksum mismatch while downloading gs://bucket/obj", ex.Message);
        Assert.Contains(expected, ex.Message);
        Assert.Contains(actual, ex.Message);
        Assert.Contains($"read {VectorData.Length} bytes", ex.Message);
        Assert.Equal(expected, ex.Expected);
        Assert.Equal(actual, ex.Actual);
        Assert.False(download.ChecksumVerified);
    }

    [Fact]
    public async Task RangedDownload_206_IsNotValidated()
    {
        var download = new Download(Url, new MemoryStream(), 0, 9);
        using var response = Responses.Make(HttpStatusCode.PartialContent, VectorData.Take(10).ToArray(),
            H(("content-range", $"bytes 0-9/{VectorData.Length}"), ("x-goog-hash", VectorHash)));
        await download.ProcessResponseAsync(response);
        Assert.Null(download.ExpectedChecksum);
        Assert.False(download.ChecksumVerified);
        Assert.Equal(VectorData.Length, download.TotalBytes);
        Assert.Equal(10, download.BytesDownloaded);
    }

    [Fact]
    public async Task MissingGoogHash_NoValidation_ChecksumVerifiedFalse()
    {
        var download = new Download(Url, new MemoryStream());
        using var response = Responses.Make(HttpStatusCode.OK, VectorData);
        await download.ProcessResponseAsync(response);
        Assert.Null(download.ExpectedChecksum);
        Assert.False(download.ChecksumVerified);
        Assert.Equal(VectorData.Length, download.BytesWritten);
    }

    [Fact]
    public async Task IncompleteRead_StoredLengthGreaterThanBytesRead_IsTransientIOException()
    {
        var download = new Download(Url, new MemoryStream());
        using var response = Responses.Make(HttpStatusCode.OK, VectorData.Take(50).ToArray(),
            H(("x-goog-hash", VectorHash), ("x-goog-stored-content-length", VectorData.Length.ToString())));
        var ex = await Assert.ThrowsAsync<IOException>(() => download.ProcessResponseAsync(response));
        Assert.True(RetryStrategy.IsTransient(ex, CancellationToken.None));
        Assert.Contains($"ended after 50 of {VectorData.Length} bytes", ex.Message);
    }

    [Fact]
    public async Task Consume_WholeObject_SendsOneGet_AndReturnsResult()
    {
        var fake = new FakeHttpHandler();
        fake.Respond(_ => Responses.Make(HttpStatusCode.OK, VectorData,
            H(("x-goog-hash", VectorHash), ("x-goog-generation", "1641590104888641"), ("x-goog-stored-content-length", VectorData.Length.ToString())),
            contentLength: VectorData.Length));
        var destination = new MemoryStream();
        var headers = new Dictionary<string, string>();
        var download = new Download(Url, destination, headers: headers);
        DownloadResult result = await download.ConsumeAsync(fake.CreateClient());
        Assert.Single(fake.Requests);
        Assert.Null(fake.Requests[0].Header("Range"));
        Assert.Equal("gzip", fake.Requests[0].Header("Accept-Encoding"));
        Assert.Empty(headers);
        Assert.Equal(VectorData, destination.ToArray());
        Assert.Equal(200, result.StatusCode);
        Assert.Equal(VectorData.Length, result.BytesDownloaded);
        Assert.Equal(VectorData.Length, result.TotalBytes);
        Assert.Equal(1641590104888641L, result.Generation);
        Assert.Equal(ChecksumType.Crc32c, result.ChecksumType);
        Assert.Equal("qmNCyg==", result.ExpectedChecksum);
        Assert.True(result.ChecksumVerified);
        Assert.True(download.Finished);
    }

    [Fact]
    public async Task Consume_HashFailure_IsNotRetried_FinishedAndHeadersUntouched()
    {
        var fake = new FakeHttpHandler();
        fake.Respond(_ => Responses.Make(HttpStatusCode.OK, VectorData, H(("x-goog-hash", "crc32c=AAAAAA=="))));
        var headers = new Dictionary<string, string>();
        var download = new Download(Url, new MemoryStream(), headers: headers) { RetryStrategy = Responses.NoSleep() };
        await Assert.ThrowsAsync<DataCorruptionException>(() => download.ConsumeAsync(fake.CreateClient()));
        Assert.Single(fake.Requests);
        Assert.Null(fake.Requests[0].Header("Range"));
        Assert.True(download.Finished);
        Assert.Empty(headers);
    }

    [Fact]
    public async Task Consume_WithHeaders_CallersDictionaryGetsRange()
    {
        var fake = new FakeHttpHandler();
        fake.Respond(_ => Responses.Make(HttpStatusCode.PartialContent, VectorData.Skip(5).Take(6).ToArray(), H(("content-range", "bytes 5-10/200"))));
        var headers = new Dictionary<string, string> { ["x-goog-user-project"] = "p" };
        var destination = new MemoryStream();
        var download = new Download(Url, destination, 5, 10, headers);
        DownloadResult result = await download.ConsumeAsync(fake.CreateClient());
        Assert.Equal("bytes=5-10", headers["range"]);
        Assert.Equal("bytes=5-10", fake.Requests[0].Header("Range"));
        Assert.Equal("p", fake.Requests[0].Header("x-goog-user-project"));
        Assert.Equal(VectorData.Skip(5).Take(6).ToArray(), destination.ToArray());
        Assert.Equal(206, result.StatusCode);
        Assert.Equal("bytes 5-10/200", result.ContentRange);
        Assert.Equal(200, result.TotalBytes);
    }

    [Fact]
    public async Task Consume_Twice_ThrowsCanOnlyBeUsedOnce()
    {
        var fake = new FakeHttpHandler().Respond(HttpStatusCode.OK, VectorData);
        var download = new Download(Url, new MemoryStream());
        await download.ConsumeAsync(fake.CreateClient());
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => download.ConsumeAsync(fake.CreateClient()));
        Assert.Equal("A download can only be used once.", ex.Message);
        Assert.Single(fake.Requests);
    }

    [Fact]
    public async Task Consume_404_IsNotRetried_AndTombstones()
    {
        var fake = new FakeHttpHandler().Respond(HttpStatusCode.NotFound, "No such object");
        var download = new Download(Url, new MemoryStream()) { RetryStrategy = Responses.NoSleep() };
        var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => download.ConsumeAsync(fake.CreateClient()));
        Assert.Equal(404, ex.StatusCode);
        Assert.Single(fake.Requests);
        Assert.True(download.Finished);
    }

    [Fact]
    public async Task Consume_GenerationFromUrl_IsKnownBeforeAnyResponse()
    {
        var download = new Download(Url + "&generation=42", new MemoryStream());
        Assert.Equal(42, download.Generation);
        var fake = new FakeHttpHandler().Respond(HttpStatusCode.OK, VectorData, H(("x-goog-generation", "99")));
        await download.ConsumeAsync(fake.CreateClient());
        Assert.Equal(42, download.Generation);
    }

    [Fact]
    public async Task Consume_GenerationFromHeader()
    {
        var download = new Download(Url, new MemoryStream());
        var fake = new FakeHttpHandler().Respond(HttpStatusCode.OK, VectorData, H(("x-goog-generation", "99")));
        await download.ConsumeAsync(fake.CreateClient());
        Assert.Equal(99, download.Generation);
    }

    [Fact]
    public async Task Progress_IsReportedAtMostEvery64KiB_AndAtTheEnd()
    {
        byte[] data = Responses.RandomBytes(300_000);
        var reports = new List<long>();
        var fake = new FakeHttpHandler().Respond(HttpStatusCode.OK, data);
        var download = new Download(Url, new MemoryStream()) { ProgressCallback = reports.Add };
        await download.ConsumeAsync(fake.CreateClient());
        Assert.Equal(data.Length, reports[^1]);
        Assert.True(reports.Count <= data.Length / Download.ProgressInterval + 1, string.Join(",", reports));
        Assert.True(reports.Count >= 4, string.Join(",", reports));
        for (int i = 1; i < reports.Count - 1; i++)
        {
            Assert.True(reports[i] - reports[i - 1] >= Download.ProgressInterval);
        }
    }

    [Fact]
    public async Task Progress_IProgress_ReceivesFinalCount()
    {
        var reports = new List<long>();
        var fake = new FakeHttpHandler().Respond(HttpStatusCode.OK, VectorData);
        var download = new Download(Url, new MemoryStream()) { Progress = new SyncProgress(reports) };
        await download.ConsumeAsync(fake.CreateClient());
        Assert.Equal(new long[] { VectorData.Length }, reports);
    }

    [Fact]
    public async Task EmptyObject_TestbenchMalformedContentRange_IsReadLeniently()
    {
        var fake = new FakeHttpHandler().Respond(HttpStatusCode.OK, Array.Empty<byte>(),
            H(("Content-Range", "bytes 0--1/0"), ("x-goog-hash", "crc32c=AAAAAA==,md5=1B2M2Y8AsgTpgAmY7PhCfg==")));
        var destination = new MemoryStream();
        var download = new Download(Url, destination);
        DownloadResult result = await download.ConsumeAsync(fake.CreateClient());
        Assert.Equal(0, destination.Length);
        Assert.Equal(0, result.TotalBytes);
        Assert.True(result.ChecksumVerified);
    }

    [Fact]
    public async Task WholeDownload_200WithFullContentRange_IsValidated()
    {
        var fake = new FakeHttpHandler().Respond(HttpStatusCode.OK, VectorData,
            H(("Content-Range", $"bytes 0-{VectorData.Length - 1}/{VectorData.Length}"), ("x-goog-hash", VectorHash)));
        var download = new Download(Url, new MemoryStream());
        DownloadResult result = await download.ConsumeAsync(fake.CreateClient());
        Assert.True(result.ChecksumVerified);
    }

    private sealed class SyncProgress : IProgress<long>
    {
        private readonly List<long> _reports;

        public SyncProgress(List<long> reports) => _reports = reports;

        public void Report(long value) => _reports.Add(value);
    }
}
