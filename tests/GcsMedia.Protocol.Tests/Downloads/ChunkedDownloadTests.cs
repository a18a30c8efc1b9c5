using System.Net;
using GcsMedia.Protocol.Tests.TestSupport;
using Xunit;

namespace GcsMedia.Protocol.Tests.Downloads;

public class ChunkedDownloadTests
{
    private const string Url = "https://storage.googleapis.com/download/storage/v1/b/bucket/o/obj?alt=media";

    private static Dictionary<string, string> H(params (string Name, string Value)[] headers)
        => headers.ToDictionary(h => h.Name, h => h.Value, StringComparer.OrdinalIgnoreCase);

    private static HttpResponseMessage Chunk(byte[] body, long start, long end, long total, HttpStatusCode status = HttpStatusCode.PartialContent, bool contentLength = true, Dictionary<string, string>? extra = null)
    {
        var headers = H(("content-range", $"bytes {start}-{end}/{total}"));
        foreach (var (k, v) in extra ?? new())
        {
            headers[k] = v;
        }

        return Responses.Make(status, body, headers, contentLength: contentLength ? body.Length : null);
    }

    [Fact]
    public void Constructor_Defaults()
    {
        var destination = new MemoryStream();
        var download = new ChunkedDownload(Url, 256, destination);
        Assert.Equal(Url, download.MediaUrl);
        Assert.Equal(256, download.ChunkSize);
        Assert.Equal(0, download.Start);
        Assert.Null(download.End);
        Assert.Empty(download.Headers);
        Assert.False(download.Invalid);
        Assert.False(download.Finished);
        Assert.Equal(0, download.BytesDownloaded);
        Assert.Null(download.TotalBytes);
        Assert.Same(destination, download.Destination);
    }

    [Fact]
    public void Constructor_NegativeStart_Throws()
        => Assert.Throws<ArgumentOutOfRangeException>(() => new ChunkedDownload(Url, 256, new MemoryStream(), start: -11));

    [Fact]
    public void Constructor_ChunkSizeZero_Throws()
        => Assert.Throws<ArgumentOutOfRangeException>(() => new ChunkedDownload(Url, 0, new MemoryStream()));

    [Fact]
    public void GetByteRange_Plain()
        => Assert.Equal((0L, 511L), new ChunkedDownload(Url, 512, new MemoryStream()).GetByteRange());

    [Fact]
    public void GetByteRange_WithEnd()
        => Assert.Equal((0L, 99L), new ChunkedDownload(Url, 512, new MemoryStream(), end: 99).GetByteRange());

    [Fact]
    public void GetByteRange_WithTotalBytes_207Gives0To206()
    {
        var download = new ChunkedDownload(Url, 512, new MemoryStream()) { TotalBytes = 207 };
        Assert.Equal((0L, 206L), download.GetByteRange());
    }

    [Fact]
    public void BuildRequest_Gives0To2047_AndAcceptEncodingGzip()
    {
        var download = new ChunkedDownload(Url, 2048, new MemoryStream());
        using HttpRequestMessage request = download.BuildRequest();
        Assert.Equal(HttpMethod.Get, request.Method);
        Assert.Equal(Url, request.RequestUri!.AbsoluteUri);
        Assert.Equal("bytes=0-2047", string.Join(",", request.Headers.GetValues("Range")));
        Assert.Equal("gzip", string.Join(",", request.Headers.GetValues("Accept-Encoding")));
    }

    [Fact]
    public void BuildRequest_ClippedByTotal_19991To20100()
    {
        var download = new ChunkedDownload(Url, 1000, new MemoryStream(), start: 19991) { TotalBytes = 20101 };
        using HttpRequestMessage request = download.BuildRequest();
        Assert.Equal("bytes=19991-20100", string.Join(",", request.Headers.GetValues("Range")));
    }

    [Fact]
    public void BuildRequest_WithHeaders_MutatesCallersDictionary()
    {
        var headers = new Dictionary<string, string> { ["patrizio"] = "Starf-ish" };
        var download = new ChunkedDownload(Url, 1024, new MemoryStream(), headers: headers);
        using HttpRequestMessage request = download.BuildRequest();
        Assert.Same(headers, download.Headers);
        Assert.Equal("bytes=0-1023", headers["range"]);
        Assert.Equal("Starf-ish", string.Join(",", request.Headers.GetValues("patrizio")));
    }

    [Fact]
    public async Task BuildRequest_WhenFinished_ThrowsDownloadHasFinished()
    {
        var download = new ChunkedDownload(Url, 64, new MemoryStream());
        using var response = Chunk(new byte[10], 0, 9, 10);
        await download.ProcessResponseAsync(response);
        Assert.True(download.Finished);
        var ex = Assert.Throws<InvalidOperationException>(() => download.BuildRequest());
        Assert.Equal("Download has finished.", ex.Message);
    }

    [Fact]
    public void BuildRequest_WhenInvalid_ThrowsInvalidCannotBeReused()
    {
        var download = new ChunkedDownload(Url, 64, new MemoryStream());
        download.MakeInvalid();
        Assert.True(download.Invalid);
        var ex = Assert.Throws<InvalidOperationException>(() => download.BuildRequest());
        Assert.Equal("Download is invalid and cannot be re-used.", ex.Message);
    }

    [Fact]
    public async Task ProcessResponse_206_UpdatesCounters()
    {
        byte[] data = Responses.RandomBytes(64);
        var destination = new MemoryStream();
        var download = new ChunkedDownload(Url, 64, destination);
        using var response = Chunk(data, 0, 63, 1000);
        await download.ProcessResponseAsync(response);
        Assert.Equal(64, download.BytesDownloaded);
        Assert.Equal(1000, download.TotalBytes);
        Assert.False(download.Finished);
        Assert.False(download.Invalid);
        Assert.Equal(data, destination.ToArray());
    }

    [Fact]
    public async Task ProcessResponse_TransferEncodingChunked_NoContentLength_UsesContentRangeLength()
    {
        byte[] data = Responses.RandomBytes(40);
        var destination = new MemoryStream();
        var download = new ChunkedDownload(Url, 40, destination);
        using var response = Chunk(data, 0, 39, 100, contentLength: false, extra: new() { ["transfer-encoding"] = "chunked" });
        await download.ProcessResponseAsync(response);
        Assert.Equal(40, download.BytesDownloaded);
        Assert.Equal(data, destination.ToArray());
    }

    [Fact]
    public async Task ProcessResponse_BadStatus_MarksInvalid_NothingWritten()
    {
        var destination = new MemoryStream();
        var download = new ChunkedDownload(Url, 64, destination);
        using var response = Chunk(new byte[64], 0, 63, 100, status: HttpStatusCode.NotFound);
        var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => download.ProcessResponseAsync(response));
        Assert.Equal(404, ex.StatusCode);
        Assert.Equal(new[] { 200, 206 }, ex.ExpectedStatusCodes);
        Assert.True(download.Invalid);
        Assert.Equal(0, destination.Length);
        Assert.Equal(0, download.BytesDownloaded);
    }

    [Fact]
    public async Task ProcessResponse_RetryableStatus_DoesNotMarkInvalid()
    {
        var download = new ChunkedDownload(Url, 64, new MemoryStream());
        using var response = Responses.Make(HttpStatusCode.ServiceUnavailable, Array.Empty<byte>());
        var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => download.ProcessResponseAsync(response));
        Assert.True(ex.IsRetryable);
        Assert.False(download.Invalid);
    }

    [Fact]
    public async Task ProcessResponse_MissingContentLength_MarksInvalid()
    {
        var download = new ChunkedDownload(Url, 64, new MemoryStream());
        using var response = Chunk(new byte[64], 0, 63, 100, contentLength: false);
        var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => download.ProcessResponseAsync(response));
        Assert.Contains("content-length", ex.Message);
        Assert.True(download.Invalid);
    }

    [Fact]
    public async Task ProcessResponse_BadContentRange_MarksInvalid()
    {
        var download = new ChunkedDownload(Url, 64, new MemoryStream());
        using var response = Responses.Make(HttpStatusCode.PartialContent, new byte[5], H(("content-range", "kites x-y/58")), contentLength: 5);
        var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => download.ProcessResponseAsync(response));
        Assert.Contains("kites x-y/58", ex.Message);
        Assert.True(download.Invalid);
    }

    [Fact]
    public async Task ProcessResponse_BodyOfWrongLength_MarksInvalid_NothingWritten()
    {
        var destination = new MemoryStream();
        var download = new ChunkedDownload(Url, 64, destination);
        using var response = Responses.Make(HttpStatusCode.PartialContent, new byte[30], H(("content-range", "bytes 0-63/100")), contentLength: 64);
        var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => download.ProcessResponseAsync(response));
        Assert.StartsWith("Response is different size than content-length", ex.Message);
        Assert.True(download.Invalid);
        Assert.Equal(0, destination.Length);
    }

    [Fact]
    public async Task ProcessResponse_FinishesWhenTotalReached()
    {
        byte[] data = Responses.RandomBytes(200);
        var download = new ChunkedDownload(Url, 256, new MemoryStream());
        using var response = Chunk(data, 0, 199, 200, status: HttpStatusCode.OK);
        await download.ProcessResponseAsync(response);
        Assert.True(download.Finished);
        Assert.Equal(200, download.BytesDownloaded);
        Assert.Equal(200, download.TotalBytes);
    }

    [Fact]
    public async Task ProcessResponse_FinishesWhenEndReached()
    {
        byte[] data = Responses.RandomBytes(50);
        var download = new ChunkedDownload(Url, 100, new MemoryStream(), start: 10, end: 59);
        using var response = Chunk(data, 10, 59, 1000);
        await download.ProcessResponseAsync(response);
        Assert.True(download.Finished);
        Assert.Equal(50, download.BytesDownloaded);
    }

    [Fact]
    public async Task ProcessResponse_416WithBytesStarSlash0_EmptyObjectFinished_NothingWritten()
    {
        var destination = new MemoryStream();
        var download = new ChunkedDownload(Url, 64, destination);
        using var response = Responses.Make(HttpStatusCode.RequestedRangeNotSatisfiable, Array.Empty<byte>(), H(("content-range", "bytes */0")));
        await download.ProcessResponseAsync(response);
        Assert.True(download.Finished);
        Assert.False(download.Invalid);
        Assert.Equal(0, download.BytesDownloaded);
        Assert.Null(download.TotalBytes);
        Assert.Equal(0, destination.Length);
    }

    [Fact]
    public async Task ProcessResponse_416WithoutContentRange_ThrowsWithoutMarkingInvalid()
    {
        var download = new ChunkedDownload(Url, 64, new MemoryStream());
        using var response = Responses.Make(HttpStatusCode.RequestedRangeNotSatisfiable, Array.Empty<byte>());
        await Assert.ThrowsAsync<InvalidResponseException>(() => download.ProcessResponseAsync(response));
        Assert.False(download.Invalid);
        Assert.False(download.Finished);
    }

    [Fact]
    public async Task ProcessResponse_416WithOtherContentRange_MarksInvalid()
    {
        var download = new ChunkedDownload(Url, 64, new MemoryStream(), start: 500);
        using var response = Responses.Make(HttpStatusCode.RequestedRangeNotSatisfiable, Array.Empty<byte>(), H(("content-range", "bytes */100")));
        var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => download.ProcessResponseAsync(response));
        Assert.Equal(416, ex.StatusCode);
        Assert.True(download.Invalid);
    }

    [Fact]
    public async Task ConsumeNextChunk_SendsRangeAndAcceptEncoding_AndReturnsChunkLength()
    {
        byte[] data = Responses.RandomBytes(1000);
        var fake = new FakeHttpHandler();
        fake.Respond(_ => Chunk(data[..300], 0, 299, 1000));
        var download = new ChunkedDownload(Url, 300, new MemoryStream());
        long n = await download.ConsumeNextChunkAsync(fake.CreateClient());
        Assert.Equal(300, n);
        Assert.Equal("bytes=0-299", fake.Requests[0].Header("Range"));
        Assert.Equal("gzip", fake.Requests[0].Header("Accept-Encoding"));
        Assert.Equal(HttpMethod.Get, fake.Requests[0].Method);
    }

    [Fact]
    public async Task ConsumeNextChunk_AlreadyFinished_Throws()
    {
        var fake = new FakeHttpHandler().Respond(_ => Chunk(new byte[10], 0, 9, 10));
        var download = new ChunkedDownload(Url, 300, new MemoryStream());
        await download.ConsumeNextChunkAsync(fake.CreateClient());
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => download.ConsumeNextChunkAsync(fake.CreateClient()));
        Assert.Equal("Download has finished.", ex.Message);
        Assert.Single(fake.Requests);
    }

    [Fact]
    public async Task ConsumeNextChunk_RetryReusesTheSameRange_AndWritesOnce()
    {
        byte[] data = Responses.RandomBytes(1000);
        var fake = new FakeHttpHandler();
        fake.Respond(HttpStatusCode.ServiceUnavailable, "busy");
        fake.Respond(_ => Responses.Make(HttpStatusCode.PartialContent, data[300..600], H(("content-range", "bytes 300-599/1000")), failAfter: 100, contentLength: 300));
        fake.Respond(_ => Chunk(data[300..600], 300, 599, 1000));
        var destination = new MemoryStream();
        var download = new ChunkedDownload(Url, 300, destination, start: 300) { RetryStrategy = Responses.NoSleep() };
        await download.ConsumeNextChunkAsync(fake.CreateClient());
        Assert.Equal(3, fake.Requests.Count);
        Assert.All(fake.Requests, r => Assert.Equal("bytes=300-599", r.Header("Range")));
        Assert.Equal(data[300..600], destination.ToArray());
        Assert.Equal(2, download.Retries);
    }

    [Fact]
    public async Task ConsumeAll_ChunksThatDoNotDivideTheSize_LastChunkShorter()
    {
        byte[] data = Responses.RandomBytes(1000);
        var fake = new FakeHttpHandler();
        fake.Respond(r =>
        {
            string range = r.Header("Range")!;
            return Serve(data, range);
        });
        for (int i = 0; i < 3; i++)
        {
            fake.Respond(r => Serve(data, r.Header("Range")!));
        }

        var destination = new MemoryStream();
        var download = new ChunkedDownload(Url, 300, destination);
        await download.ConsumeAllAsync(fake.CreateClient());
        Assert.Equal(new[] { "bytes=0-299", "bytes=300-599", "bytes=600-899", "bytes=900-999" }, fake.Requests.Select(r => r.Header("Range")));
        Assert.Equal(data, destination.ToArray());
    }

    private static HttpResponseMessage Serve(byte[] data, string range, string? hash = null, Func<byte[], byte[]>? encode = null, bool gzip = false)
    {
        string[] parts = range["bytes=".Length..].Split('-');
        int start = int.Parse(parts[0]);
        int end = Math.Min(int.Parse(parts[1]), data.Length - 1);
        byte[] body = data[start..(end + 1)];
        var headers = H(("content-range", $"bytes {start}-{end}/{data.Length}"), ("x-goog-generation", "3"));
        if (hash != null)
        {
            headers["x-goog-hash"] = hash;
        }

        if (gzip)
        {
            headers["content-encoding"] = "gzip";
            headers["x-goog-stored-content-encoding"] = "gzip";
        }

        return Responses.Make(HttpStatusCode.PartialContent, body, headers, contentLength: body.Length);
    }

    private static FakeHttpHandler Server(byte[] data, int chunks, string? hash, bool gzip = false)
    {
        var fake = new FakeHttpHandler();
        for (int i = 0; i < chunks; i++)
        {
            fake.Respond(r => Serve(data, r.Header("Range")!, hash, gzip: gzip));
        }

        return fake;
    }

    [Fact]
    public async Task ChunkedWholeDownload_ValidatesRunningChecksum_UnlikePython()
    {
        byte[] data = Responses.RandomBytes(1000);
        var download = new ChunkedDownload(Url, 256, new MemoryStream(), checksum: ChecksumType.Md5);
        await download.ConsumeAllAsync(Server(data, 4, Responses.GoogHash(data)).CreateClient());
        Assert.True(download.ChecksumVerified);
        Assert.Equal(Responses.Md5(data), download.ActualChecksum);
    }

    [Fact]
    public async Task ChunkedWholeDownload_ChecksumMismatch_ThrowsDataCorruption_UnlikePython()
    {
        byte[] data = Responses.RandomBytes(1000);
        var download = new ChunkedDownload(Url, 256, new MemoryStream()) { ObjectName = "gs://bucket/obj" };
        var fake = Server(data, 4, "crc32c=AAAAAA==");
        var ex = await Assert.ThrowsAsync<DataCorruptionException>(() => download.ConsumeAllAsync(fake.CreateClient()));
        Assert.Equal("AAAAAA==", ex.Expected);
        Assert.Equal(Responses.Crc32c(data), ex.Actual);
        Assert.Equal(1000, ex.BytesTransferred);
        Assert.True(download.Invalid);
        Assert.Equal(4, fake.Requests.Count);
    }

    [Fact]
    public async Task ChunkedRangedDownload_IsNotValidated()
    {
        byte[] data = Responses.RandomBytes(1000);
        var download = new ChunkedDownload(Url, 256, new MemoryStream(), start: 100, end: 499);
        await download.ConsumeAllAsync(Server(data, 2, "crc32c=AAAAAA==").CreateClient());
        Assert.True(download.Finished);
        Assert.False(download.ChecksumVerified);
        Assert.Null(download.ExpectedChecksum);
    }

    [Fact]
    public async Task ChunkedDownload_GzipServed_DecodesAcrossChunks()
    {
        byte[] plain = Responses.RandomBytes(50_000, seed: 11);
        byte[] gz = Responses.Gzip(plain);
        int chunks = (gz.Length + 4095) / 4096;
        var destination = new MemoryStream();
        var download = new ChunkedDownload(Url, 4096, destination);
        await download.ConsumeAllAsync(Server(gz, chunks, Responses.GoogHash(gz), gzip: true).CreateClient());
        Assert.Equal(plain, destination.ToArray());
        Assert.Equal(gz.Length, download.BytesDownloaded);
        Assert.True(download.ChecksumVerified);
    }

    [Fact]
    public async Task RawChunkedDownload_GzipServed_WritesGzipBytesAsIs()
    {
        byte[] gz = Responses.Gzip(Responses.RandomBytes(50_000, seed: 11));
        int chunks = (gz.Length + 4095) / 4096;
        var destination = new MemoryStream();
        var download = new RawChunkedDownload(Url, 4096, destination);
        await download.ConsumeAllAsync(Server(gz, chunks, Responses.GoogHash(gz), gzip: true).CreateClient());
        Assert.Equal(gz, destination.ToArray());
        Assert.True(download.ChecksumVerified);
    }

    [Fact]
    public async Task RawChunkedDownload_BehavesAsChunkedForPlainBytes()
    {
        byte[] data = Responses.RandomBytes(700);
        var destination = new MemoryStream();
        var download = new RawChunkedDownload(Url, 256, destination, checksum: ChecksumType.None);
        await download.ConsumeAllAsync(Server(data, 3, null).CreateClient());
        Assert.Equal(data, destination.ToArray());
        Assert.False(download.ChecksumVerified);
    }
}
