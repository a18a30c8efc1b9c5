using System.Net;
using System.Net.Http;
using System.Text;
using GcsMedia.Protocol.Tests.TestSupport;
using Xunit;
using static GcsMedia.Protocol.Tests.Uploads.UploadTestSupport;

namespace GcsMedia.Protocol.Tests.Uploads;

internal sealed class ListProgress : IProgress<long>
{
    public List<long> Values { get; } = new();

    public void Report(long value) => Values.Add(value);
}

public class ResumableUploadInitiateTests
{
    private static readonly byte[] Jokes = Bytes("Knock knock who is there");
    private static readonly Dictionary<string, object?> JokeMetadata = new() { ["name"] = "got-jokes.txt" };

    [Fact]
    public void Constructor_SetsProperties_AndInitialState()
    {
        var upload = new ResumableUpload(new FakeHttpHandler().CreateClient(), ResumableUrl, 3 * 262144, ChecksumType.Md5, H(("h", "v")));
        Assert.Equal(3 * 262144, upload.ChunkSize);
        Assert.Equal(ChecksumType.Md5, upload.ChecksumType);
        Assert.Equal(ResumableUrl, upload.UploadUrl);
        Assert.Equal("v", upload.Headers["h"]);
        Assert.Null(upload.ResumableUrl);
        Assert.Equal(0, upload.BytesUploaded);
        Assert.Null(upload.TotalBytes);
        Assert.False(upload.Invalid);
        Assert.False(upload.Finished);
        Assert.Null(upload.ObjectResource);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(262143)]
    [InlineData(262145)]
    [InlineData(-262144)]
    public void Constructor_BadChunkSize_ThrowsArgumentException_NamingTheValue(int chunkSize)
    {
        var ex = Assert.Throws<ArgumentException>(() => new ResumableUpload(new FakeHttpHandler().CreateClient(), ResumableUrl, chunkSize));
        Assert.Equal("chunkSize", ex.ParamName);
        Assert.Contains(chunkSize.ToString(), ex.Message);
        Assert.Contains("262144", ex.Message);
    }

    [Fact]
    public void Constructor_ChunkSizeZero_IsRejected_UnlikePython()
        => Assert.Contains("0 is not", Assert.Throws<ArgumentException>(() => new ResumableUpload(new FakeHttpHandler().CreateClient(), ResumableUrl, 0)).Message);

    [Fact]
    public async Task BuildInitiateRequest_ExactHeadersAndBody()
    {
        var upload = new ResumableUpload(new FakeHttpHandler().CreateClient(), ResumableUrl, 262144);
        using HttpRequestMessage request = upload.BuildInitiateRequest(new MemoryStream(Jokes), JokeMetadata, "text/plain");
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal(ResumableUrl, request.RequestUri!.AbsoluteUri);
        var headers = request.Headers.Concat(request.Content!.Headers).Where(h => h.Key != "Content-Length").ToDictionary(h => h.Key.ToLowerInvariant(), h => string.Join(",", h.Value));
        Assert.Equal(new Dictionary<string, string> { ["content-type"] = JsonType, ["x-upload-content-type"] = "text/plain", ["x-upload-content-length"] = "24" }, headers);
        Assert.Equal("{\"name\": \"got-jokes.txt\"}", Encoding.UTF8.GetString(await request.Content.ReadAsByteArrayAsync()));
        Assert.Equal(24, upload.TotalBytes);
        Assert.Equal("gs://my-bucket/got-jokes.txt", upload.ObjectName);
    }

    [Theory]
    [InlineData("X-Goog-Signature")]
    [InlineData("x-goog-signature")]
    public async Task Initiate_SignedUrl_SendsObjectContentType_NoXUploadContentType(string parameter)
    {
        string signed = $"https://storage.test/my-bucket/got-jokes.txt?X-Goog-Algorithm=GOOG4-RSA-SHA256&{parameter}=abc123";
        var handler = new FakeHttpHandler().Respond(HttpStatusCode.Created, "", H(("Location", SessionUrl)));
        var upload = new ResumableUpload(handler.CreateClient(), signed, 262144, headers: H(("x-goog-resumable", "start")));
        Assert.True(upload.IsSignedUrl);
        await upload.InitiateAsync(new MemoryStream(Jokes), JokeMetadata, "text/plain");
        Assert.Equal(new Dictionary<string, string> { ["content-type"] = "text/plain", ["x-goog-resumable"] = "start", ["x-upload-content-length"] = "24" }, SentHeaders(handler.Requests[0]));
    }

    [Fact]
    public async Task Initiate_UserContentType_IsOverridden()
    {
        var handler = new FakeHttpHandler().Respond(HttpStatusCode.OK, "", H(("Location", SessionUrl)));
        var upload = new ResumableUpload(handler.CreateClient(), ResumableUrl, 262144, headers: H(("Content-Type", "foo/bar"), ("x-goog-meta-a", "b")));
        await upload.InitiateAsync(new MemoryStream(Jokes), JokeMetadata, "text/plain");
        Assert.Equal(new Dictionary<string, string> { ["content-type"] = JsonType, ["x-upload-content-type"] = "text/plain", ["x-upload-content-length"] = "24", ["x-goog-meta-a"] = "b" }, SentHeaders(handler.Requests[0]));
        Assert.Equal("foo/bar", upload.Headers["content-type"]);
    }

    [Fact]
    public async Task Initiate_ExplicitTotal_WithStreamFinalFalse_StillSendsLength()
    {
        var handler = new FakeHttpHandler().Respond(HttpStatusCode.OK, "", H(("Location", SessionUrl)));
        var upload = new ResumableUpload(handler.CreateClient(), ResumableUrl, 262144);
        await upload.InitiateAsync(new MemoryStream(Jokes), JokeMetadata, "text/plain", totalBytes: 1000, streamFinal: false);
        Assert.Equal("1000", handler.Requests[0].Header("x-upload-content-length"));
        Assert.Equal(1000, upload.TotalBytes);
    }

    [Fact]
    public async Task Initiate_UnknownSize_SendsNoLength()
    {
        var handler = new FakeHttpHandler().Respond(HttpStatusCode.OK, "", H(("Location", SessionUrl)));
        var upload = new ResumableUpload(handler.CreateClient(), ResumableUrl, 262144);
        await upload.InitiateAsync(new MemoryStream(Jokes), JokeMetadata, "text/plain", streamFinal: false);
        Assert.Null(handler.Requests[0].Header("x-upload-content-length"));
        Assert.Null(upload.TotalBytes);
    }

    [Fact]
    public async Task Initiate_NonSeekableStream_IsUnknownSize()
    {
        var handler = new FakeHttpHandler().Respond(HttpStatusCode.OK, "", H(("Location", SessionUrl)));
        var upload = new ResumableUpload(handler.CreateClient(), ResumableUrl, 262144);
        await upload.InitiateAsync(new NonSeekableStream(Jokes), JokeMetadata, "text/plain");
        Assert.Null(handler.Requests[0].Header("x-upload-content-length"));
    }

    [Fact]
    public async Task Initiate_AlreadyInitiated_Throws()
    {
        var handler = new FakeHttpHandler().Respond(HttpStatusCode.OK, "", H(("Location", SessionUrl)));
        var upload = new ResumableUpload(handler.CreateClient(), ResumableUrl, 262144);
        await upload.InitiateAsync(new MemoryStream(Jokes), JokeMetadata, "text/plain");
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => upload.InitiateAsync(new MemoryStream(Jokes), JokeMetadata, "text/plain"));
        Assert.Equal("This upload has already been initiated.", ex.Message);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public void Initiate_StreamNotAtBeginning_Throws()
    {
        var stream = new MemoryStream(Jokes) { Position = 3 };
        var upload = new ResumableUpload(new FakeHttpHandler().CreateClient(), ResumableUrl, 262144);
        Assert.StartsWith("Stream must be at beginning.", Assert.Throws<ArgumentException>(() => upload.BuildInitiateRequest(stream, JokeMetadata, "text/plain")).Message);
    }

    [Fact]
    public async Task InitiateResponse_403_Throws_Expecting200And201_MarksInvalid()
    {
        var upload = new ResumableUpload(new FakeHttpHandler().CreateClient(), ResumableUrl, 262144);
        upload.BuildInitiateRequest(new MemoryStream(Jokes), JokeMetadata, "text/plain").Dispose();
        var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => upload.ProcessInitiateResponseAsync(Response(403, "{\"error\": {\"message\": \"denied\"}}")));
        Assert.Equal(403, ex.StatusCode);
        Assert.Equal(new[] { 200, 201 }, ex.ExpectedStatusCodes);
        Assert.Contains("gs://my-bucket/got-jokes.txt", ex.Message);
        Assert.True(upload.Invalid);
        Assert.Null(upload.ResumableUrl);
    }

    [Fact]
    public async Task InitiateResponse_Success_StoresLocation()
    {
        var upload = new ResumableUpload(new FakeHttpHandler().CreateClient(), ResumableUrl, 262144);
        upload.BuildInitiateRequest(new MemoryStream(Jokes), JokeMetadata, "text/plain").Dispose();
        await upload.ProcessInitiateResponseAsync(Response(200, "", ("Location", SessionUrl)));
        Assert.Equal(new Uri(SessionUrl), upload.ResumableUrl);
        Assert.False(upload.Invalid);
    }

    [Fact]
    public async Task InitiateResponse_MissingLocation_Throws_NotInvalid()
    {
        var upload = new ResumableUpload(new FakeHttpHandler().CreateClient(), ResumableUrl, 262144);
        upload.BuildInitiateRequest(new MemoryStream(Jokes), JokeMetadata, "text/plain").Dispose();
        var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => upload.ProcessInitiateResponseAsync(Response(200, "")));
        Assert.Contains("location", ex.Message);
        Assert.False(upload.Invalid);
    }

    [Fact]
    public async Task Initiate_TransientFailures_AreRetried()
    {
        var handler = new FakeHttpHandler()
            .Respond(HttpStatusCode.ServiceUnavailable)
            .Throw(new HttpRequestException("reset"))
            .Respond(HttpStatusCode.OK, "", H(("Location", SessionUrl)));
        var upload = new ResumableUpload(handler.CreateClient(), ResumableUrl, 262144, retryStrategy: NoSleep());
        await upload.InitiateAsync(new MemoryStream(Jokes), JokeMetadata, "text/plain");
        Assert.Equal(3, handler.Requests.Count);
        Assert.Equal(new Uri(SessionUrl), upload.ResumableUrl);
        Assert.False(upload.Invalid);
    }

    [Fact]
    public async Task Initiate_WithIfGenerationMatch_GoesInTheUrl()
    {
        var handler = new FakeHttpHandler().Respond(HttpStatusCode.OK, "", H(("Location", SessionUrl)));
        var upload = ResumableUpload.ForBucket(handler.CreateClient(), Urls, Bucket, 262144, ifGenerationMatch: 0);
        await upload.InitiateAsync(new MemoryStream(Jokes), JokeMetadata, "text/plain");
        Assert.Equal("https://storage.test/upload/storage/v1/b/my-bucket/o?uploadType=resumable&ifGenerationMatch=0", handler.Requests[0].Uri.AbsoluteUri);
    }
}

public class ResumableUploadChunkTests
{
    private static readonly byte[] Stream33 = Bytes("All of the data goes in a stream.");

    private static async Task At(ResumableUpload upload, long offset)
        => await upload.ProcessRecoverResponseAsync(Response(308, null, ("Range", $"bytes=0-{offset - 1}")));

    private static async Task<RecordedRequest> Record(HttpRequestMessage request)
    {
        var handler = new FakeHttpHandler().Respond(HttpStatusCode.OK);
        using (request)
        {
            await handler.CreateClient().SendAsync(request);
        }

        return handler.Requests[0];
    }

    [Fact]
    public async Task ChunkRequest_Finished_Throws_UploadHasFinished()
    {
        var handler = new FakeHttpHandler();
        var upload = Attached(handler, new MemoryStream(Stream33), 262144, 33);
        (await upload.BuildChunkRequestAsync()).Dispose();
        await upload.ProcessChunkResponseAsync(Response(200, ObjectJson("obj.txt", 33, Crc(Stream33))));
        Assert.Equal("Upload has finished.", (await Assert.ThrowsAsync<InvalidOperationException>(() => upload.BuildChunkRequestAsync())).Message);
    }

    [Fact]
    public async Task ChunkRequest_Invalid_Throws_CallRecover()
    {
        var upload = Attached(new FakeHttpHandler(), new MemoryStream(Stream33), 262144, 33);
        (await upload.BuildChunkRequestAsync()).Dispose();
        await Assert.ThrowsAsync<InvalidResponseException>(() => upload.ProcessChunkResponseAsync(Response(404)));
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => upload.BuildChunkRequestAsync());
        Assert.Equal("Upload is in an invalid state. To recover call RecoverAsync().", ex.Message);
    }

    [Fact]
    public async Task ChunkRequest_NotInitiated_Throws()
    {
        var upload = new ResumableUpload(new FakeHttpHandler().CreateClient(), ResumableUrl, 262144);
        Assert.Contains("has not been initiated", (await Assert.ThrowsAsync<InvalidOperationException>(() => upload.BuildChunkRequestAsync())).Message);
        Assert.Contains("has not been initiated", (await Assert.ThrowsAsync<InvalidOperationException>(() => upload.TransmitNextChunkAsync())).Message);
    }

    [Fact]
    public async Task ChunkRequest_StreamOffsetMismatch_Throws()
    {
        var stream = new MemoryStream(Stream33);
        var upload = Attached(new FakeHttpHandler(), stream, 262144, 33);
        stream.Position = 5;
        Assert.StartsWith("Bytes stream is in unexpected state.", (await Assert.ThrowsAsync<InvalidOperationException>(() => upload.BuildChunkRequestAsync())).Message);
    }

    [Fact]
    public async Task ChunkRequest_Success_ContentRange_0_32_33_AndContentType()
    {
        var upload = Attached(new FakeHttpHandler(), new MemoryStream(Stream33), 262144, 33, ChecksumType.None);
        RecordedRequest sent = await Record(await upload.BuildChunkRequestAsync());
        Assert.Equal(HttpMethod.Put, sent.Method);
        Assert.Equal(SessionUrl, sent.Uri.AbsoluteUri);
        Assert.Equal(Stream33, sent.Body);
        Assert.Equal(new Dictionary<string, string> { ["content-type"] = "text/plain", ["content-range"] = "bytes 0-32/33" }, SentHeaders(sent));
    }

    [Fact]
    public async Task ChunkRequest_WithHeaders_IncludesUserHeaders()
    {
        var handler = new FakeHttpHandler();
        var upload = new ResumableUpload(handler.CreateClient(), ResumableUrl, 262144, ChecksumType.None, H(("x-goog-encryption-key", "k"), ("x-goog-user-project", "p")));
        upload.AttachSession(new Uri(SessionUrl), new MemoryStream(Stream33), "text/plain", 33, null);
        RecordedRequest sent = await Record(await upload.BuildChunkRequestAsync());
        Assert.Equal(
            new Dictionary<string, string> { ["content-type"] = "text/plain", ["content-range"] = "bytes 0-32/33", ["x-goog-encryption-key"] = "k", ["x-goog-user-project"] = "p" },
            SentHeaders(sent));
    }

    [Theory]
    [InlineData(ChecksumType.Md5, "md5=GRvfKbqr5klAOwLkxgIf8w==")]
    [InlineData(ChecksumType.Crc32c, "crc32c=Qg8thA==")]
    public async Task ChunkRequest_ChecksumComputed_SentAsXGoogHashOnFinalChunk(ChecksumType type, string header)
    {
        var upload = Attached(new FakeHttpHandler(), new MemoryStream(Stream33), 262144, 33, type);
        RecordedRequest sent = await Record(await upload.BuildChunkRequestAsync());
        Assert.Equal(header, sent.Header("x-goog-hash"));
    }

    [Fact]
    public async Task ChunkRequest_ChecksumNone_SendsNoXGoogHash()
    {
        var upload = Attached(new FakeHttpHandler(), new MemoryStream(Stream33), 262144, 33, ChecksumType.None);
        Assert.Null((await Record(await upload.BuildChunkRequestAsync())).Header("x-goog-hash"));
    }

    [Fact]
    public async Task ChunkRequest_ChecksumAcrossChunks_OnlyFinalChunkCarriesWholeObjectHash()
    {
        byte[] data = RandomBytes(2 * 262144 + 1000);
        var upload = Attached(new FakeHttpHandler(), new MemoryStream(data), 262144, data.Length);
        var sent = new List<RecordedRequest>();
        for (int i = 0; i < 3; i++)
        {
            sent.Add(await Record(await upload.BuildChunkRequestAsync()));
            if (i < 2)
            {
                await upload.ProcessChunkResponseAsync(Response(308, null, ("Range", $"bytes=0-{(i + 1) * 262144 - 1}")));
            }
        }

        Assert.Equal(new[] { "bytes 0-262143/525288", "bytes 262144-524287/525288", "bytes 524288-525287/525288" }, sent.Select(r => r.Header("content-range")));
        Assert.Null(sent[0].Header("x-goog-hash"));
        Assert.Null(sent[1].Header("x-goog-hash"));
        Assert.Equal("crc32c=" + Crc(data), sent[2].Header("x-goog-hash"));
        Assert.Equal(data, sent.SelectMany(r => r.Body).ToArray());
    }

    [Fact]
    public async Task ChunkRequest_ChecksumRewind_ResentBytesHashedOnce()
    {
        byte[] data = RandomBytes(262144 + 10);
        var upload = Attached(new FakeHttpHandler(), new MemoryStream(data), 262144, data.Length, ChecksumType.Md5);
        (await upload.BuildChunkRequestAsync()).Dispose();
        await upload.ProcessChunkResponseAsync(Response(308)); // nothing kept: the same chunk again
        RecordedRequest again = await Record(await upload.BuildChunkRequestAsync());
        Assert.Equal("bytes 0-262143/262154", again.Header("content-range"));
        await upload.ProcessChunkResponseAsync(Response(308, null, ("Range", "bytes=0-262143")));
        RecordedRequest last = await Record(await upload.BuildChunkRequestAsync());
        Assert.Equal("md5=" + Md5(data), last.Header("x-goog-hash"));
    }

    [Fact]
    public async Task GetNextChunk_KnownSize_Exhausted_Throws()
    {
        var upload = Attached(new FakeHttpHandler(), new MemoryStream(Bytes("abcdef")), 262144, 6);
        await At(upload, 6);
        Assert.Equal("Stream is already exhausted. There is no content remaining.", (await Assert.ThrowsAsync<InvalidOperationException>(() => upload.BuildChunkRequestAsync())).Message);
    }

    [Fact]
    public async Task GetNextChunk_SizeZero_SendsBytesStar0_EmptyBody()
    {
        var upload = Attached(new FakeHttpHandler(), new MemoryStream(), 262144, 0);
        RecordedRequest sent = await Record(await upload.BuildChunkRequestAsync());
        Assert.Equal("bytes */0", sent.Header("content-range"));
        Assert.Empty(sent.Body);
        Assert.Equal("crc32c=AAAAAA==", sent.Header("x-goog-hash"));
    }

    [Fact]
    public async Task GetNextChunk_SizeZero_ButStreamNotEmpty_Throws()
    {
        var upload = Attached(new FakeHttpHandler(), new MemoryStream(Bytes("x")), 262144, 0);
        Assert.Equal("Stream specified as empty, but produced non-empty content.", (await Assert.ThrowsAsync<InvalidOperationException>(() => upload.BuildChunkRequestAsync())).Message);
    }

    [Fact]
    public async Task GetNextChunk_KnownSizeSmallerThanStream_Bytes6_7_8()
    {
        var upload = Attached(new FakeHttpHandler(), new MemoryStream(Bytes("abcdefghijkl")), 262144, 8, ChecksumType.None);
        await At(upload, 6);
        RecordedRequest sent = await Record(await upload.BuildChunkRequestAsync());
        Assert.Equal("bytes 6-7/8", sent.Header("content-range"));
        Assert.Equal(Bytes("gh"), sent.Body);
    }

    [Fact]
    public async Task GetNextChunk_KnownSize_Chunk6_Bytes0_5_Then6_9()
    {
        var upload = Attached(new FakeHttpHandler(), new MemoryStream(Bytes("abcdefghij")), 6, 10, ChecksumType.None, anyChunkSize: true);
        RecordedRequest first = await Record(await upload.BuildChunkRequestAsync());
        await upload.ProcessChunkResponseAsync(Response(308, null, ("Range", "bytes=0-5")));
        RecordedRequest second = await Record(await upload.BuildChunkRequestAsync());
        Assert.Equal(("bytes 0-5/10", "abcdef"), (first.Header("content-range"), Encoding.ASCII.GetString(first.Body)));
        Assert.Equal(("bytes 6-9/10", "ghij"), (second.Header("content-range"), Encoding.ASCII.GetString(second.Body)));
    }

    [Fact]
    public async Task GetNextChunk_UnknownSize_Chunk6_Bytes0_5Star_ThenBytes6_9_10()
    {
        var upload = Attached(new FakeHttpHandler(), new MemoryStream(Bytes("abcdefghij")), 6, null, ChecksumType.None, anyChunkSize: true);
        RecordedRequest first = await Record(await upload.BuildChunkRequestAsync());
        Assert.Null(upload.TotalBytes);
        await upload.ProcessChunkResponseAsync(Response(308, null, ("Range", "bytes=0-5")));
        RecordedRequest second = await Record(await upload.BuildChunkRequestAsync());
        Assert.Equal("bytes 0-5/*", first.Header("content-range"));
        Assert.Equal("bytes 6-9/10", second.Header("content-range"));
        Assert.Equal(Bytes("ghij"), second.Body);
        Assert.Equal(10, upload.TotalBytes);
    }

    [Fact]
    public async Task GetNextChunk_UnknownSize_ExactMultiple_Chunk10_Bytes0_9Star_ThenEmptyBytesStar10()
    {
        var upload = Attached(new FakeHttpHandler(), new MemoryStream(Bytes("abcdefghij")), 10, null, ChecksumType.None, anyChunkSize: true);
        RecordedRequest first = await Record(await upload.BuildChunkRequestAsync());
        await upload.ProcessChunkResponseAsync(Response(308, null, ("Range", "bytes=0-9")));
        RecordedRequest second = await Record(await upload.BuildChunkRequestAsync());
        Assert.Equal("bytes 0-9/*", first.Header("content-range"));
        Assert.Equal("bytes */10", second.Header("content-range"));
        Assert.Empty(second.Body);
    }

    [Fact]
    public async Task UnknownSize_FinalChunkCarriesXGoogHash_UnlikePython()
    {
        byte[] data = Bytes("abcdefghij");
        var upload = Attached(new FakeHttpHandler(), new MemoryStream(data), 10, null, ChecksumType.Crc32c, anyChunkSize: true);
        RecordedRequest first = await Record(await upload.BuildChunkRequestAsync());
        await upload.ProcessChunkResponseAsync(Response(308, null, ("Range", "bytes=0-9")));
        RecordedRequest second = await Record(await upload.BuildChunkRequestAsync());
        Assert.Null(first.Header("x-goog-hash"));
        Assert.Equal("crc32c=" + Crc(data), second.Header("x-goog-hash"));
    }

    [Fact]
    public void GetContentRange_KnownAndUnknownSize()
    {
        Assert.Equal("bytes 10-19/*", ResumableUpload.GetContentRange(10, 19, null));
        Assert.Equal("bytes 10-19/99", ResumableUpload.GetContentRange(10, 19, 99));
        Assert.Equal("bytes */99", ResumableUpload.GetContentRange(99, 98, 99));
        Assert.Equal("bytes */0", ResumableUpload.GetContentRange(0, -1, 0));
    }

    [Fact]
    public async Task ChunkResponse_404_MarksInvalid_MessageNamesObjectNotSession()
    {
        var upload = Attached(new FakeHttpHandler(), new MemoryStream(Stream33), 262144, 33);
        (await upload.BuildChunkRequestAsync()).Dispose();
        var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => upload.ProcessChunkResponseAsync(Response(404, "Not Found", ("Location", SessionUrl))));
        Assert.True(upload.Invalid);
        Assert.Equal(new[] { 200, 201, 308 }, ex.ExpectedStatusCodes);
        Assert.Contains("gs://my-bucket/obj.txt", ex.Message);
        Assert.DoesNotContain("SECRET-SESSION-ID", ex.ToString());
        Assert.DoesNotContain("SECRET-SESSION-ID", upload.ToString());
        Assert.False(ex.ResponseHeaders.ContainsKey("Location"));
    }

    [Fact]
    public async Task ChunkResponse_503_DoesNotMarkInvalid()
    {
        var upload = Attached(new FakeHttpHandler(), new MemoryStream(Stream33), 262144, 33);
        (await upload.BuildChunkRequestAsync()).Dispose();
        Assert.True((await Assert.ThrowsAsync<InvalidResponseException>(() => upload.ProcessChunkResponseAsync(Response(503)))).IsRetryable);
        Assert.False(upload.Invalid);
    }

    [Fact]
    public async Task ChunkResponse_200_UpdatesBytesUploaded_Finished_ObjectParsed()
    {
        var progress = new ListProgress();
        var upload = Attached(new FakeHttpHandler(), new MemoryStream(Stream33), 262144, 33);
        upload.Progress = progress;
        (await upload.BuildChunkRequestAsync()).Dispose();
        await upload.ProcessChunkResponseAsync(Response(200, ObjectJson("obj.txt", 33, Crc(Stream33))));
        Assert.True(upload.Finished);
        Assert.Equal(33, upload.BytesUploaded);
        Assert.Equal(33, upload.ObjectResource!.Size);
        Assert.Equal(new long[] { 33 }, progress.Values);
    }

    [Fact]
    public async Task ChunkResponse_201_IsAcceptedAsFinal_UnlikePython()
    {
        var upload = Attached(new FakeHttpHandler(), new MemoryStream(Stream33), 262144, 33);
        (await upload.BuildChunkRequestAsync()).Dispose();
        await upload.ProcessChunkResponseAsync(Response(201, ObjectJson("obj.txt", 33, Crc(Stream33))));
        Assert.True(upload.Finished);
        Assert.False(upload.Invalid);
    }

    [Fact]
    public async Task ChunkResponse_308WithoutRange_MeansZeroKept_AndRewinds_UnlikePython()
    {
        var stream = new MemoryStream(Stream33);
        var upload = Attached(new FakeHttpHandler(), stream, 262144, 33);
        (await upload.BuildChunkRequestAsync()).Dispose();
        await upload.ProcessChunkResponseAsync(Response(308));
        Assert.Equal(0, upload.BytesUploaded);
        Assert.Equal(0, stream.Position);
        Assert.False(upload.Invalid);
    }

    [Fact]
    public async Task ChunkResponse_308WithBadRange_MarksInvalid()
    {
        var upload = Attached(new FakeHttpHandler(), new MemoryStream(Stream33), 262144, 33);
        (await upload.BuildChunkRequestAsync()).Dispose();
        var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => upload.ProcessChunkResponseAsync(Response(308, null, ("Range", "nights 1-81"))));
        Assert.True(upload.Invalid);
        Assert.Contains("nights 1-81", ex.Message);
    }

    [Fact]
    public async Task ChunkResponse_308_Bytes0_171_Gives172()
    {
        byte[] data = RandomBytes(300);
        var upload = Attached(new FakeHttpHandler(), new MemoryStream(data), 262144, 300);
        (await upload.BuildChunkRequestAsync()).Dispose();
        await upload.ProcessChunkResponseAsync(Response(308, null, ("Range", "bytes=0-171")));
        Assert.Equal(172, upload.BytesUploaded);
    }

    [Fact]
    public async Task ChunkResponse_308KeepingLessThanSent_RewindsStreamToServerOffset_UnlikePython()
    {
        byte[] data = RandomBytes(300);
        var stream = new MemoryStream(data);
        var upload = Attached(new FakeHttpHandler(), stream, 262144, 300);
        (await upload.BuildChunkRequestAsync()).Dispose();
        await upload.ProcessChunkResponseAsync(Response(308, null, ("Range", "bytes=0-171")));
        Assert.Equal(172, stream.Position);
        RecordedRequest next = await Record(await upload.BuildChunkRequestAsync());
        Assert.Equal("bytes 172-299/300", next.Header("content-range"));
        Assert.Equal(data[172..], next.Body);
        Assert.Equal("crc32c=" + Crc(data), next.Header("x-goog-hash"));
    }

    [Fact]
    public async Task ChunkResponse_308ClaimingMoreThanSent_MarksInvalid()
    {
        var upload = Attached(new FakeHttpHandler(), new MemoryStream(Stream33), 262144, 33);
        (await upload.BuildChunkRequestAsync()).Dispose();
        await Assert.ThrowsAsync<InvalidResponseException>(() => upload.ProcessChunkResponseAsync(Response(308, null, ("Range", "bytes=0-99"))));
        Assert.True(upload.Invalid);
    }

    [Fact]
    public async Task TransmitNextChunk_308_Gives10()
    {
        byte[] data = RandomBytes(40);
        var handler = new FakeHttpHandler().Respond(HttpStatusCode.PermanentRedirect, "", H(("Range", "bytes=0-9")));
        var upload = Attached(handler, new MemoryStream(data), 262144, 40);
        await upload.TransmitNextChunkAsync();
        Assert.Equal(10, upload.BytesUploaded);
        Assert.False(upload.Finished);
        Assert.Equal("bytes 0-39/40", handler.Requests[0].Header("content-range"));
        Assert.Equal(data, handler.Requests[0].Body);
    }

    [Fact]
    public async Task ValidateChecksum_Success()
    {
        var upload = Attached(new FakeHttpHandler(), new MemoryStream(Stream33), 262144, 33, ChecksumType.Md5);
        (await upload.BuildChunkRequestAsync()).Dispose();
        await upload.ProcessChunkResponseAsync(Response(200, ObjectJson("obj.txt", 33, md5: "GRvfKbqr5klAOwLkxgIf8w==")));
        Assert.True(upload.Finished);
    }

    [Fact]
    public async Task ValidateChecksum_None_IgnoresServerValues()
    {
        var upload = Attached(new FakeHttpHandler(), new MemoryStream(Stream33), 262144, 33, ChecksumType.None);
        (await upload.BuildChunkRequestAsync()).Dispose();
        await upload.ProcessChunkResponseAsync(Response(200, ObjectJson("obj.txt", 33, crc32c: "AAAAAA==", md5: "1B2M2Y8AsgTpgAmY7PhCfg==")));
        Assert.True(upload.Finished);
    }

    [Fact]
    public async Task ValidateChecksum_ServerReturnedOtherType_ThrowsInvalidResponse()
    {
        var upload = Attached(new FakeHttpHandler(), new MemoryStream(Stream33), 262144, 33, ChecksumType.Crc32c);
        (await upload.BuildChunkRequestAsync()).Dispose();
        var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => upload.ProcessChunkResponseAsync(Response(200, ObjectJson("obj.txt", 33, md5: "GRvfKbqr5klAOwLkxgIf8w=="))));
        Assert.Contains("'crc32c'", ex.Message);
        Assert.Contains("gs://my-bucket/obj.txt", ex.Message);
    }

    [Fact]
    public async Task ValidateChecksum_Mismatch_ThrowsDataCorruption_WithExactMessage()
    {
        var upload = Attached(new FakeHttpHandler(), new MemoryStream(Stream33), 262144, 33, ChecksumType.Crc32c);
        (await upload.BuildChunkRequestAsync()).Dispose();
        var ex = await Assert.ThrowsAsync<DataCorruptionException>(() => upload.ProcessChunkResponseAsync(Response(200, ObjectJson("obj.txt", 33, crc32c: "AAAAAA=="))));
        Assert.Equal(
            "Checksum mismatch while uploading gs://my-bucket/obj.txt: the computed crc32c Qg8thA== does not match AAAAAA== reported by the server after 33 bytes. Upload the file again.",
            ex.Message);
        Assert.Equal("AAAAAA==", ex.Expected);
        Assert.Equal("Qg8thA==", ex.Actual);
        Assert.True(upload.Finished);
    }

    [Fact]
    public async Task FinalResponseNotJson_ValidatesAgainstXGoogHash_UnlikePython()
    {
        var upload = Attached(new FakeHttpHandler(), new MemoryStream(Stream33), 262144, 33);
        (await upload.BuildChunkRequestAsync()).Dispose();
        await Assert.ThrowsAsync<DataCorruptionException>(() => upload.ProcessChunkResponseAsync(Response(200, "<ok/>", ("x-goog-hash", "crc32c=AAAAAA==,md5=x"))));

        var other = Attached(new FakeHttpHandler(), new MemoryStream(Stream33), 262144, 33);
        (await other.BuildChunkRequestAsync()).Dispose();
        await other.ProcessChunkResponseAsync(Response(200, "<ok/>"));
        Assert.True(other.Finished);
        Assert.Null(other.ObjectResource);
    }
}

public class ResumableUploadRecoverTests
{
    [Fact]
    public async Task RecoverRequest_OnlyContentRangeStarStar_NoUserHeaders_EvenWhenInvalid()
    {
        var handler = new FakeHttpHandler();
        var upload = new ResumableUpload(handler.CreateClient(), ResumableUrl, 262144, headers: H(("x-goog-user-project", "p")));
        upload.AttachSession(new Uri(SessionUrl), new MemoryStream(Bytes("data")), "text/plain", 4, null);
        (await upload.BuildChunkRequestAsync()).Dispose();
        await Assert.ThrowsAsync<InvalidResponseException>(() => upload.ProcessChunkResponseAsync(Response(400)));
        Assert.True(upload.Invalid);
        handler.Respond(HttpStatusCode.PermanentRedirect, "", H(("Range", "bytes=0-1")));
        await upload.RecoverAsync();
        RecordedRequest sent = Assert.Single(handler.Requests);
        Assert.Equal(HttpMethod.Put, sent.Method);
        Assert.Equal(SessionUrl, sent.Uri.AbsoluteUri);
        Assert.Empty(sent.Body);
        Assert.Equal(new Dictionary<string, string> { ["content-range"] = "bytes */*" }, SentHeaders(sent));
    }

    [Fact]
    public async Task RecoverResponse_400_StaysInvalid()
    {
        var upload = Attached(new FakeHttpHandler(), new MemoryStream(Bytes("data")), 262144, 4);
        (await upload.BuildChunkRequestAsync()).Dispose();
        await Assert.ThrowsAsync<InvalidResponseException>(() => upload.ProcessChunkResponseAsync(Response(404)));
        var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => upload.ProcessRecoverResponseAsync(Response(400)));
        Assert.Equal(400, ex.StatusCode);
        Assert.True(upload.Invalid);
    }

    [Fact]
    public async Task RecoverResponse_NoRange_GivesZero_AndSeeks0()
    {
        var stream = new MemoryStream(RandomBytes(100));
        var upload = Attached(new FakeHttpHandler(), stream, 262144, 100);
        stream.Position = 40;
        await upload.ProcessRecoverResponseAsync(Response(308));
        Assert.Equal(0, upload.BytesUploaded);
        Assert.Equal(0, stream.Position);
        Assert.False(upload.Invalid);
    }

    [Fact]
    public async Task RecoverResponse_BadRange_LeavesStateUntouched()
    {
        var stream = new MemoryStream(RandomBytes(100));
        var upload = Attached(new FakeHttpHandler(), stream, 262144, 100);
        await upload.ProcessRecoverResponseAsync(Response(308, null, ("Range", "bytes=0-4")));
        stream.Position = 5;
        await Assert.ThrowsAsync<InvalidResponseException>(() => upload.ProcessRecoverResponseAsync(Response(308, null, ("Range", "bites=9-11"))));
        Assert.Equal(5, upload.BytesUploaded);
        Assert.Equal(5, stream.Position);
    }

    [Fact]
    public async Task RecoverResponse_Bytes0_11_Gives12_AndSeeks12()
    {
        var stream = new MemoryStream(RandomBytes(100));
        var progress = new ListProgress();
        var upload = Attached(new FakeHttpHandler(), stream, 262144, 100);
        upload.Progress = progress;
        await upload.ProcessRecoverResponseAsync(Response(308, null, ("Range", "bytes=0-11")));
        Assert.Equal(12, upload.BytesUploaded);
        Assert.Equal(12, stream.Position);
        Assert.Equal(new long[] { 12 }, progress.Values);
    }

    [Fact]
    public async Task Recover_ExactRequest_AndSeek55556()
    {
        var stream = new MemoryStream(RandomBytes(100000));
        var handler = new FakeHttpHandler().Respond(HttpStatusCode.PermanentRedirect, "", H(("Range", "bytes=0-55555")));
        var upload = Attached(handler, stream, 262144, 100000);
        await upload.RecoverAsync();
        Assert.Equal(55556, upload.BytesUploaded);
        Assert.Equal(55556, stream.Position);
        Assert.Equal(new Dictionary<string, string> { ["content-range"] = "bytes */*" }, SentHeaders(handler.Requests[0]));
    }

    [Fact]
    public async Task Recover_CompletedSessionAnswering200_IsSuccess_UnlikePython()
    {
        byte[] data = RandomBytes(1000);
        var stream = new MemoryStream(data);
        var handler = new FakeHttpHandler().Respond(HttpStatusCode.OK, ObjectJson("obj.txt", 1000, Crc(data)));
        var upload = Attached(handler, stream, 262144, 1000);
        await upload.RecoverAsync();
        Assert.True(upload.Finished);
        Assert.Equal(1000, upload.BytesUploaded);
        Assert.Equal("obj.txt", upload.ObjectResource!.Name);
    }

    [Fact]
    public async Task Recover_CompletedSession_WithWrongChecksum_IsDataCorruption()
    {
        byte[] data = RandomBytes(1000);
        var handler = new FakeHttpHandler().Respond(HttpStatusCode.Created, ObjectJson("obj.txt", 1000, "AAAAAA=="));
        var upload = Attached(handler, new MemoryStream(data), 262144, 1000);
        await Assert.ThrowsAsync<DataCorruptionException>(() => upload.RecoverAsync());
    }

    [Fact]
    public async Task Cancel_DeletesSession_499_MarksInvalid()
    {
        var handler = new FakeHttpHandler().Respond((HttpStatusCode)499);
        var upload = Attached(handler, new MemoryStream(Bytes("x")), 262144, 1);
        await upload.CancelAsync();
        Assert.Equal(HttpMethod.Delete, handler.Requests[0].Method);
        Assert.Equal(SessionUrl, handler.Requests[0].Uri.AbsoluteUri);
        Assert.True(upload.Invalid);
    }

    [Theory]
    [InlineData(204)]
    [InlineData(200)]
    public async Task Cancel_AlsoAccepts204And200(int status)
    {
        var upload = Attached(new FakeHttpHandler().Respond((HttpStatusCode)status), new MemoryStream(Bytes("x")), 262144, 1);
        await upload.CancelAsync();
        Assert.True(upload.Invalid);
    }

    [Fact]
    public async Task Cancel_404_Throws()
    {
        var upload = Attached(new FakeHttpHandler().Respond(HttpStatusCode.NotFound), new MemoryStream(Bytes("x")), 262144, 1);
        Assert.Equal(404, (await Assert.ThrowsAsync<InvalidResponseException>(() => upload.CancelAsync())).StatusCode);
    }
}

public class ResumableUploadRetryTests
{
    private const int K256 = 262144;

    [Fact]
    public async Task Chunk503_QueriesStatus_ThenResendsFromServerOffset()
    {
        byte[] data = RandomBytes(2 * K256 + 5000);
        var waits = new List<TimeSpan>();
        var handler = new FakeHttpHandler()
            .Respond(HttpStatusCode.ServiceUnavailable)                                   // chunk 1: 503 (server kept 256K of it)
            .Respond(HttpStatusCode.PermanentRedirect, "", H(("Range", $"bytes=0-{K256 - 1}"))) // status query
            .Respond(r => Response(200, ObjectJson("obj.txt", data.Length, Crc(data))));   // resend from 256K to the end
        var upload = Attached(handler, new MemoryStream(data), 4 * K256, data.Length);
        upload.RetryStrategy = NoSleep(waits);
        await upload.UploadAsync();
        Assert.Equal(3, handler.Requests.Count);
        Assert.Equal($"bytes 0-{data.Length - 1}/{data.Length}", handler.Requests[0].Header("content-range"));
        Assert.Equal("bytes */*", handler.Requests[1].Header("content-range"));
        Assert.Empty(handler.Requests[1].Body);
        Assert.Equal($"bytes {K256}-{data.Length - 1}/{data.Length}", handler.Requests[2].Header("content-range"));
        Assert.Equal(data[K256..], handler.Requests[2].Body);
        Assert.Equal("crc32c=" + Crc(data), handler.Requests[2].Header("x-goog-hash"));
        Assert.True(upload.Finished);
        Assert.Single(waits);
    }

    [Fact]
    public async Task ResetThen503_EachFollowedByStatusQuery_ThenSucceeds()
    {
        byte[] data = RandomBytes(K256 + 10);
        var handler = new FakeHttpHandler()
            .Throw(new HttpRequestException("connection reset"))
            .Respond(HttpStatusCode.PermanentRedirect)                   // nothing kept
            .Respond(HttpStatusCode.ServiceUnavailable)
            .Respond(HttpStatusCode.PermanentRedirect)
            .Respond(HttpStatusCode.PermanentRedirect, "", H(("Range", $"bytes=0-{K256 - 1}")))
            .Respond(r => Response(200, ObjectJson("obj.txt", data.Length, Crc(data))));
        var upload = Attached(handler, new MemoryStream(data), K256, data.Length);
        await upload.UploadAsync();
        Assert.Equal(
            new[] { $"bytes 0-{K256 - 1}/{data.Length}", "bytes */*", $"bytes 0-{K256 - 1}/{data.Length}", "bytes */*", $"bytes 0-{K256 - 1}/{data.Length}", $"bytes {K256}-{data.Length - 1}/{data.Length}" },
            handler.Requests.Select(r => r.Header("content-range")));
        Assert.Equal("crc32c=" + Crc(data), handler.Requests[5].Header("x-goog-hash"));
    }

    [Fact]
    public async Task IOExceptionAndTimeout_AreTransient()
    {
        byte[] data = RandomBytes(100);
        var handler = new FakeHttpHandler()
            .Throw(new IOException("broken pipe"))
            .Respond(HttpStatusCode.PermanentRedirect)
            .Throw(new TaskCanceledException("timeout"))
            .Respond(HttpStatusCode.PermanentRedirect)
            .Respond(r => Response(200, ObjectJson("obj.txt", 100, Crc(data))));
        var upload = Attached(handler, new MemoryStream(data), K256, 100);
        await upload.UploadAsync();
        Assert.Equal(5, handler.Requests.Count);
        Assert.True(upload.Finished);
    }

    [Fact]
    public async Task StatusQueryAfterFailure_FindsSessionComplete_FinishesWithoutResend()
    {
        byte[] data = RandomBytes(100);
        var handler = new FakeHttpHandler()
            .Respond(HttpStatusCode.GatewayTimeout)
            .Respond(r => Response(200, ObjectJson("obj.txt", 100, Crc(data))));
        var upload = Attached(handler, new MemoryStream(data), K256, 100);
        await upload.UploadAsync();
        Assert.Equal(2, handler.Requests.Count);
        Assert.True(upload.Finished);
    }

    [Fact]
    public async Task NonSeekableStream_PartialKeep_ResendsFromChunkBuffer()
    {
        byte[] data = RandomBytes(3 * K256 + 77);
        var handler = new FakeHttpHandler()
            .Respond(HttpStatusCode.ServiceUnavailable)
            .Respond(HttpStatusCode.PermanentRedirect, "", H(("Range", $"bytes=0-{K256 - 1}")))
            .Respond(HttpStatusCode.PermanentRedirect, "", H(("Range", $"bytes=0-{(3 * K256) - 1}")))
            .Respond(r => Response(200, ObjectJson("obj.txt", data.Length, Crc(data))));
        var upload = Attached(handler, new NonSeekableStream(data), 2 * K256, null);
        await upload.UploadAsync();
        Assert.Equal(new[] { $"bytes 0-{2 * K256 - 1}/*", "bytes */*", $"bytes {K256}-{3 * K256 - 1}/*", $"bytes {3 * K256}-{data.Length - 1}/{data.Length}" }, handler.Requests.Select(r => r.Header("content-range")));
        Assert.Equal(data[K256..(3 * K256)], handler.Requests[2].Body);
        Assert.Equal(data[(3 * K256)..], handler.Requests[3].Body);
        Assert.Equal("crc32c=" + Crc(data), handler.Requests[3].Header("x-goog-hash"));
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(404)]
    [InlineData(410)]
    public async Task Chunk_NonRetryableStatus_IsNotRetried_AndMarksInvalid(int status)
    {
        var handler = new FakeHttpHandler().Respond((HttpStatusCode)status);
        var upload = Attached(handler, new MemoryStream(RandomBytes(10)), K256, 10);
        await Assert.ThrowsAsync<InvalidResponseException>(() => upload.TransmitNextChunkAsync());
        Assert.Single(handler.Requests);
        Assert.True(upload.Invalid);
    }

    [Fact]
    public async Task Chunk_RetriesExhausted_RethrowsLastError()
    {
        var handler = new FakeHttpHandler().Respond(HttpStatusCode.ServiceUnavailable).Respond(HttpStatusCode.ServiceUnavailable);
        var upload = Attached(handler, new MemoryStream(RandomBytes(10)), K256, 10);
        upload.RetryStrategy = NoSleep(maxRetries: 1);
        var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => upload.TransmitNextChunkAsync());
        Assert.Equal(503, ex.StatusCode);
        Assert.Equal(2, handler.Requests.Count);
        Assert.False(upload.Invalid);
    }

    [Fact]
    public async Task FullFlow_Initiate_Chunks_Progress()
    {
        byte[] data = RandomBytes(2 * K256 + 1);
        var progress = new ListProgress();
        var handler = new FakeHttpHandler()
            .Respond(HttpStatusCode.OK, "", H(("Location", SessionUrl)))
            .Respond(HttpStatusCode.PermanentRedirect, "", H(("Range", $"bytes=0-{K256 - 1}")))
            .Respond(HttpStatusCode.PermanentRedirect, "", H(("Range", $"bytes=0-{2 * K256 - 1}")))
            .Respond(r => Response(200, ObjectJson("obj.txt", data.Length, Crc(data))));
        using var upload = new ResumableUpload(handler.CreateClient(), ResumableUrl, K256, retryStrategy: NoSleep()) { Progress = progress };
        await upload.InitiateAsync(new MemoryStream(data), new Dictionary<string, object?> { ["name"] = "obj.txt" }, "application/octet-stream");
        ObjectResource? resource = await upload.UploadAsync();
        Assert.Equal(data.Length, resource!.Size);
        Assert.Equal(new long[] { K256, 2 * K256, data.Length }, progress.Values);
        Assert.Equal(data, handler.Requests.Skip(1).SelectMany(r => r.Body).ToArray());
    }
}

public class ResumableUploadResumeTests
{
    private const int K256 = 262144;

    [Fact]
    public async Task Resume_FromSessionUri_RecoversOffset_RebuildsChecksum_AndFinishes()
    {
        byte[] data = RandomBytes(2 * K256 + 100);
        var handler = new FakeHttpHandler()
            .Respond(HttpStatusCode.PermanentRedirect, "", H(("Range", $"bytes=0-{K256 - 1}")))
            .Respond(r => Response(200, ObjectJson("obj.txt", data.Length, Crc(data))));
        var stream = new MemoryStream(data);
        using ResumableUpload upload = await ResumableUpload.ResumeAsync(handler.CreateClient(), new Uri(SessionUrl), stream, null, 4 * K256, retryStrategy: NoSleep());
        Assert.Equal(K256, upload.BytesUploaded);
        Assert.Equal(K256, stream.Position);
        Assert.Equal(data.Length, upload.TotalBytes);
        await upload.UploadAsync();
        Assert.Equal("bytes */*", handler.Requests[0].Header("content-range"));
        Assert.Equal($"bytes {K256}-{data.Length - 1}/{data.Length}", handler.Requests[1].Header("content-range"));
        Assert.Equal(data[K256..], handler.Requests[1].Body);
        Assert.Equal("crc32c=" + Crc(data), handler.Requests[1].Header("x-goog-hash"));
        Assert.True(upload.Finished);
    }

    [Fact]
    public async Task Resume_CompletedSession_IsFinished_AndValidatedAgainstWholeSource()
    {
        byte[] data = RandomBytes(5000);
        var handler = new FakeHttpHandler().Respond(r => Response(200, ObjectJson("obj.txt", data.Length, md5: Md5(data))));
        using ResumableUpload upload = await ResumableUpload.ResumeAsync(handler.CreateClient(), new Uri(SessionUrl), new MemoryStream(data), null, K256, ChecksumType.Md5);
        Assert.True(upload.Finished);
        Assert.Single(handler.Requests);

        var bad = new FakeHttpHandler().Respond(r => Response(200, ObjectJson("obj.txt", data.Length, md5: Md5(new byte[1]))));
        await Assert.ThrowsAsync<DataCorruptionException>(() => ResumableUpload.ResumeAsync(bad.CreateClient(), new Uri(SessionUrl), new MemoryStream(data), null, K256, ChecksumType.Md5));
    }

    [Fact]
    public async Task Resume_NonSeekableSource_IsRejected()
        => await Assert.ThrowsAsync<ArgumentException>(() => ResumableUpload.ResumeAsync(new FakeHttpHandler().CreateClient(), new Uri(SessionUrl), new NonSeekableStream(new byte[1]), 1, K256));
}
