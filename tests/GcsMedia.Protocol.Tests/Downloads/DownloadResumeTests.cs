using System.Net;
using GcsMedia.Protocol.Tests.TestSupport;
using Xunit;

namespace GcsMedia.Protocol.Tests.Downloads;

/// <summary>Mid-stream failures, resume ranges, generation pinning, storage-testbench quirks, transcoding, gzip.</summary>
public class DownloadResumeTests
{
    private const string Url = "https://storage.googleapis.com/download/storage/v1/b/bucket/o/obj?alt=media";

    private static readonly byte[] Data = Responses.RandomBytes(100_000, seed: 7);

    private static Dictionary<string, string> H(params (string Name, string Value)[] headers)
        => headers.ToDictionary(h => h.Name, h => h.Value, StringComparer.OrdinalIgnoreCase);

    private static Dictionary<string, string> WholeHeaders(byte[] data, string generation = "1641590104888641")
        => H(("x-goog-hash", Responses.GoogHash(data)), ("x-goog-generation", generation), ("x-goog-stored-content-length", data.Length.ToString()));

    private static Dictionary<string, string> Partial(byte[] data, long start, long end, string generation = "1641590104888641")
    {
        var headers = WholeHeaders(data, generation);
        headers["content-range"] = $"bytes {start}-{end}/{data.Length}";
        return headers;
    }

    [Fact]
    public async Task BrokenStream_Resumes_WithRangeFromBytesDownloaded_AndPinnedGeneration()
    {
        var fake = new FakeHttpHandler();
        fake.Respond(_ => Responses.Make(HttpStatusCode.OK, Data, WholeHeaders(Data), failAfter: 30_000, contentLength: Data.Length));
        fake.Respond(_ => Responses.Make(HttpStatusCode.PartialContent, Data[30_000..], Partial(Data, 30_000, Data.Length - 1)));
        var waits = new List<TimeSpan>();
        var destination = new MemoryStream();
        var download = new Download(Url, destination) { RetryStrategy = Responses.NoSleep(waits) };
        DownloadResult result = await download.ConsumeAsync(fake.CreateClient());
        Assert.Equal(2, fake.Requests.Count);
        Assert.Null(fake.Requests[0].Header("Range"));
        Assert.Equal($"bytes=30000-{Data.Length - 1}", fake.Requests[1].Header("Range"));
        Assert.Equal(Url + "&generation=1641590104888641", fake.Requests[1].Uri.AbsoluteUri);
        Assert.Equal(Data, destination.ToArray());
        Assert.Single(waits);
        Assert.Equal(1, result.Retries);
    }

    [Fact]
    public async Task ResumedWholeDownload_IsStillChecksumValidated_UnlikePython()
    {
        var fake = new FakeHttpHandler();
        fake.Respond(_ => Responses.Make(HttpStatusCode.OK, Data, WholeHeaders(Data), failAfter: 12_345, contentLength: Data.Length));
        fake.Respond(_ => Responses.Make(HttpStatusCode.PartialContent, Data[12_345..], Partial(Data, 12_345, Data.Length - 1)));
        var download = new Download(Url, new MemoryStream()) { RetryStrategy = Responses.NoSleep() };
        DownloadResult result = await download.ConsumeAsync(fake.CreateClient());
        Assert.True(result.ChecksumVerified);
        Assert.Equal(Responses.Crc32c(Data), result.ActualChecksum);
    }

    [Fact]
    public async Task ResumedWholeDownload_CorruptResumedBytes_ThrowDataCorruption_UnlikePython()
    {
        byte[] corrupt = (byte[])Data.Clone();
        corrupt[50_000] ^= 0xFF;
        var fake = new FakeHttpHandler();
        fake.Respond(_ => Responses.Make(HttpStatusCode.OK, Data, WholeHeaders(Data), failAfter: 12_345, contentLength: Data.Length));
        fake.Respond(_ => Responses.Make(HttpStatusCode.PartialContent, corrupt[12_345..], Partial(Data, 12_345, Data.Length - 1)));
        var download = new Download(Url, new MemoryStream(), checksum: ChecksumType.Md5) { RetryStrategy = Responses.NoSleep() };
        var ex = await Assert.ThrowsAsync<DataCorruptionException>(() => download.ConsumeAsync(fake.CreateClient()));
        Assert.Equal(Responses.Md5(Data), ex.Expected);
        Assert.Equal(Responses.Md5(corrupt), ex.Actual);
        Assert.Equal(Data.Length, ex.BytesTransferred);
        Assert.Equal(2, fake.Requests.Count);
    }

    [Fact]
    public async Task RetryWithBytesDownloaded_EndOnly_RangeIs256To65536()
    {
        var fake = new FakeHttpHandler();
        fake.Respond(_ => Responses.Make(HttpStatusCode.PartialContent, Data[..65537], Partial(Data, 0, 65536), failAfter: 256));
        fake.Respond(_ => Responses.Make(HttpStatusCode.PartialContent, Data[256..65537], Partial(Data, 256, 65536)));
        var destination = new MemoryStream();
        var download = new Download(Url, destination, end: 65536) { RetryStrategy = Responses.NoSleep() };
        await download.ConsumeAsync(fake.CreateClient());
        Assert.Equal("bytes=0-65536", fake.Requests[0].Header("Range"));
        Assert.Equal("bytes=256-65536", fake.Requests[1].Header("Range"));
        Assert.Equal(Data[..65537], destination.ToArray());
    }

    [Fact]
    public async Task RetryWithBytesDownloaded_RangeRead_RangeIs1280To65536()
    {
        var fake = new FakeHttpHandler();
        fake.Respond(_ => Responses.Make(HttpStatusCode.PartialContent, Data[1024..65537], Partial(Data, 1024, 65536), failAfter: 256));
        fake.Respond(_ => Responses.Make(HttpStatusCode.PartialContent, Data[1280..65537], Partial(Data, 1280, 65536)));
        var destination = new MemoryStream();
        var download = new Download(Url, destination, 1024, 65536) { RetryStrategy = Responses.NoSleep() };
        await download.ConsumeAsync(fake.CreateClient());
        Assert.Equal("bytes=1024-65536", fake.Requests[0].Header("Range"));
        Assert.Equal("bytes=1280-65536", fake.Requests[1].Header("Range"));
        Assert.Equal(Data[1024..65537], destination.ToArray());
    }

    [Fact]
    public async Task SuffixDownload_ResumesAtAbsoluteOffset_UnlikePython()
    {
        int n = 5000;
        long first = Data.Length - n;
        var fake = new FakeHttpHandler();
        fake.Respond(_ => Responses.Make(HttpStatusCode.PartialContent, Data[^n..], Partial(Data, first, Data.Length - 1), failAfter: 1000));
        fake.Respond(_ => Responses.Make(HttpStatusCode.PartialContent, Data[(int)(first + 1000)..], Partial(Data, first + 1000, Data.Length - 1)));
        var destination = new MemoryStream();
        var download = new Download(Url, destination, start: -n) { RetryStrategy = Responses.NoSleep() };
        await download.ConsumeAsync(fake.CreateClient());
        Assert.Equal($"bytes=-{n}", fake.Requests[0].Header("Range"));
        Assert.Equal($"bytes={first + 1000}-{Data.Length - 1}", fake.Requests[1].Header("Range"));
        Assert.Equal(Data[^n..], destination.ToArray());
    }

    [Fact]
    public async Task RetryableStatus503_BeforeBody_IsRetriedWithSameRequest()
    {
        var fake = new FakeHttpHandler();
        fake.Respond(HttpStatusCode.ServiceUnavailable, "{\"error\":{\"message\":\"try later\"}}");
        fake.Respond(_ => Responses.Make(HttpStatusCode.OK, Data, WholeHeaders(Data)));
        var destination = new MemoryStream();
        var download = new Download(Url, destination) { RetryStrategy = Responses.NoSleep() };
        DownloadResult result = await download.ConsumeAsync(fake.CreateClient());
        Assert.Null(fake.Requests[1].Header("Range"));
        Assert.Equal(Data, destination.ToArray());
        Assert.True(result.ChecksumVerified);
    }

    [Fact]
    public async Task ConnectionErrors_AreRetried_UntilTheLimit_ThenRethrown()
    {
        var fake = new FakeHttpHandler();
        for (int i = 0; i < 3; i++)
        {
            fake.Throw(new HttpRequestException("connection refused " + i));
        }

        var download = new Download(Url, new MemoryStream()) { RetryStrategy = Responses.NoSleep(maxRetries: 2) };
        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => download.ConsumeAsync(fake.CreateClient()));
        Assert.Equal("connection refused 2", ex.Message);
        Assert.Equal(3, fake.Requests.Count);
    }

    [Fact]
    public async Task TruncatedBodyWithoutError_StoredLengthLarger_ResumesAndValidates()
    {
        var fake = new FakeHttpHandler();
        fake.Respond(_ => Responses.Make(HttpStatusCode.OK, Data[..40_000], WholeHeaders(Data)));
        fake.Respond(_ => Responses.Make(HttpStatusCode.PartialContent, Data[40_000..], Partial(Data, 40_000, Data.Length - 1)));
        var destination = new MemoryStream();
        var download = new Download(Url, destination) { RetryStrategy = Responses.NoSleep() };
        DownloadResult result = await download.ConsumeAsync(fake.CreateClient());
        Assert.Equal($"bytes=40000-{Data.Length - 1}", fake.Requests[1].Header("Range"));
        Assert.Equal(Data, destination.ToArray());
        Assert.True(result.ChecksumVerified);
    }

    [Fact]
    public async Task Testbench_Resumed200WithContentRangeAtOffset_Continues()
    {
        var fake = new FakeHttpHandler();
        fake.Respond(_ => Responses.Make(HttpStatusCode.OK, Data, WholeHeaders(Data), failAfter: 8192));
        fake.Respond(_ => Responses.Make(HttpStatusCode.OK, Data[8192..], Partial(Data, 8192, Data.Length - 1)));
        var destination = new MemoryStream();
        var download = new Download(Url, destination) { RetryStrategy = Responses.NoSleep() };
        DownloadResult result = await download.ConsumeAsync(fake.CreateClient());
        Assert.Equal(Data, destination.ToArray());
        Assert.True(result.ChecksumVerified);
    }

    [Fact]
    public async Task Testbench_Resumed200WithoutContentRange_RestartsFromZero_ResettingStreamAndHash()
    {
        var fake = new FakeHttpHandler();
        fake.Respond(_ => Responses.Make(HttpStatusCode.OK, Data, WholeHeaders(Data), failAfter: 8192));
        fake.Respond(_ => Responses.Make(HttpStatusCode.OK, Data, WholeHeaders(Data)));
        var destination = new MemoryStream();
        destination.Write(new byte[] { 9, 9, 9 });
        var download = new Download(Url, destination, checksum: ChecksumType.Md5) { RetryStrategy = Responses.NoSleep() };
        DownloadResult result = await download.ConsumeAsync(fake.CreateClient());
        Assert.Equal(new byte[] { 9, 9, 9 }.Concat(Data).ToArray(), destination.ToArray());
        Assert.True(result.ChecksumVerified);
        Assert.Equal(Data.Length, result.BytesDownloaded);
    }

    [Fact]
    public async Task NonSeekableDestination_ResumeAnsweredFromByteZero_SkipsReceivedBytes_UnlikePython()
    {
        var fake = new FakeHttpHandler();
        fake.Respond(_ => Responses.Make(HttpStatusCode.OK, Data, WholeHeaders(Data), failAfter: 8192));
        fake.Respond(_ => Responses.Make(HttpStatusCode.OK, Data, WholeHeaders(Data)));
        var destination = new ForwardOnlyStream();
        var download = new Download(Url, destination) { RetryStrategy = Responses.NoSleep() };
        DownloadResult result = await download.ConsumeAsync(fake.CreateClient());
        Assert.Equal(Data, destination.Inner.ToArray());
        Assert.True(result.ChecksumVerified);
    }

    [Fact]
    public async Task ResumeAnsweredPastTheWantedOffset_IsAnInvalidResponse()
    {
        var fake = new FakeHttpHandler();
        fake.Respond(_ => Responses.Make(HttpStatusCode.OK, Data, WholeHeaders(Data), failAfter: 8192));
        fake.Respond(_ => Responses.Make(HttpStatusCode.PartialContent, Data[9000..], Partial(Data, 9000, Data.Length - 1)));
        var download = new Download(Url, new MemoryStream()) { RetryStrategy = Responses.NoSleep() };
        var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => download.ConsumeAsync(fake.CreateClient()));
        Assert.Contains("at byte 9000, but byte 8192 was expected", ex.Message);
    }

    [Fact]
    public async Task TranscodedResponse_ResetsStreamAndHash_AndSkipsValidation_UnlikePython()
    {
        // Stored gzip but served decompressed (no Accept-Encoding honoured): Range ignored, whole body from byte 0.
        byte[] gz = Responses.Gzip(Data);
        var transcoded = H(("x-goog-stored-content-encoding", "gzip"), ("x-goog-hash", Responses.GoogHash(gz)),
            ("x-goog-stored-content-length", gz.Length.ToString()), ("x-goog-generation", "5"));
        var fake = new FakeHttpHandler();
        fake.Respond(_ => Responses.Make(HttpStatusCode.OK, Data, transcoded, failAfter: 20_000));
        fake.Respond(_ => Responses.Make(HttpStatusCode.OK, Data, transcoded));
        var destination = new MemoryStream();
        var download = new Download(Url, destination) { RetryStrategy = Responses.NoSleep() };
        DownloadResult result = await download.ConsumeAsync(fake.CreateClient());
        Assert.Equal(Data, destination.ToArray());
        Assert.Equal(Data.Length, result.BytesDownloaded);
        Assert.False(result.ChecksumVerified);
        Assert.True(download.Transcoded);
        Assert.Equal($"bytes=20000-", fake.Requests[1].Header("Range"));
    }

    [Fact]
    public async Task GzipServed_Download_DecompressesForCaller_AndValidatesCompressedBytes()
    {
        byte[] gz = Responses.Gzip(Data);
        var headers = WholeHeaders(gz);
        headers["content-encoding"] = "gzip";
        headers["x-goog-stored-content-encoding"] = "gzip";
        var fake = new FakeHttpHandler().Respond(_ => Responses.Make(HttpStatusCode.OK, gz, headers, contentLength: gz.Length));
        var destination = new MemoryStream();
        var download = new Download(Url, destination);
        DownloadResult result = await download.ConsumeAsync(fake.CreateClient());
        Assert.Equal(Data, destination.ToArray());
        Assert.Equal(gz.Length, result.BytesDownloaded);
        Assert.Equal(Data.Length, result.BytesWritten);
        Assert.True(result.ChecksumVerified);
        Assert.Equal(Responses.Crc32c(gz), result.ActualChecksum);
        Assert.Equal("gzip", result.ContentEncoding);
        Assert.Equal("gzip", result.StoredContentEncoding);
    }

    [Fact]
    public async Task GzipServed_RawDownload_WritesGzipBytesAsIs_AndValidates()
    {
        byte[] gz = Responses.Gzip(Data);
        var headers = WholeHeaders(gz);
        headers["content-encoding"] = "gzip";
        headers["x-goog-stored-content-encoding"] = "gzip";
        var fake = new FakeHttpHandler().Respond(_ => Responses.Make(HttpStatusCode.OK, gz, headers));
        var destination = new MemoryStream();
        var download = new RawDownload(Url, destination, checksum: ChecksumType.Md5);
        DownloadResult result = await download.ConsumeAsync(fake.CreateClient());
        Assert.Equal(gz, destination.ToArray());
        Assert.True(result.ChecksumVerified);
    }

    [Fact]
    public async Task GzipServed_Download_BrokenMidStream_ResumesIntoTheSameDecoder()
    {
        byte[] gz = Responses.Gzip(Responses.RandomBytes(300_000, seed: 3));
        byte[] plain = Responses.RandomBytes(300_000, seed: 3);
        var headers = WholeHeaders(gz);
        headers["content-encoding"] = "gzip";
        headers["x-goog-stored-content-encoding"] = "gzip";
        var partial = new Dictionary<string, string>(headers, StringComparer.OrdinalIgnoreCase) { ["content-range"] = $"bytes 100000-{gz.Length - 1}/{gz.Length}" };
        var fake = new FakeHttpHandler();
        fake.Respond(_ => Responses.Make(HttpStatusCode.OK, gz, headers, failAfter: 100_000));
        fake.Respond(_ => Responses.Make(HttpStatusCode.PartialContent, gz[100_000..], partial));
        var destination = new MemoryStream();
        var download = new Download(Url, destination) { RetryStrategy = Responses.NoSleep() };
        DownloadResult result = await download.ConsumeAsync(fake.CreateClient());
        Assert.Equal($"bytes=100000-{gz.Length - 1}", fake.Requests[1].Header("Range"));
        Assert.Equal(plain, destination.ToArray());
        Assert.True(result.ChecksumVerified);
    }

    [Fact]
    public async Task GzipServed_HashMismatch_ThrowsDataCorruption_NotRetried()
    {
        byte[] gz = Responses.Gzip(Data);
        var headers = H(("content-encoding", "gzip"), ("x-goog-stored-content-encoding", "gzip"),
            ("x-goog-stored-content-length", gz.Length.ToString()), ("x-goog-hash", "crc32c=AAAAAA=="));
        var fake = new FakeHttpHandler().Respond(_ => Responses.Make(HttpStatusCode.OK, gz, headers));
        var download = new RawDownload(Url, new MemoryStream()) { RetryStrategy = Responses.NoSleep() };
        await Assert.ThrowsAsync<DataCorruptionException>(() => download.ConsumeAsync(fake.CreateClient()));
        Assert.Single(fake.Requests);
    }

    [Fact]
    public async Task A_failed_write_ends_the_copy_with_no_write_after_it()
    {
        byte[] data = Responses.RandomBytes(600_000, seed: 9);
        var fake = new FakeHttpHandler();
        fake.Respond(_ => Responses.Make(HttpStatusCode.OK, data, WholeHeaders(data), contentLength: data.Length));
        var destination = new FirstWriteFailsStream();
        var download = new Download(Url, destination) { RetryStrategy = Responses.NoSleep() };

        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => download.ConsumeAsync(fake.CreateClient()));

        Assert.Equal(1, destination.Writes);
    }

    /// <summary>A file whose first write fails after it started (a disk that refuses): any later write would land after a gap.</summary>
    private sealed class FirstWriteFailsStream : MemoryStream
    {
        public int Writes { get; private set; }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            => WriteAsync(new ReadOnlyMemory<byte>(buffer, offset, count), cancellationToken).AsTask();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Writes++;
            await Task.Yield();
            if (Writes == 1)
            {
                throw new UnauthorizedAccessException("The disk refused the write (test).");
            }

            await base.WriteAsync(buffer, cancellationToken);
        }
    }
}
