using System.Net;
using GcsMedia.Protocol.Tests.TestSupport;
using Xunit;
using static GcsMedia.Protocol.Tests.Uploads.UploadTestSupport;

namespace GcsMedia.Protocol.Tests.Uploads;

/// <summary>Chunks of a seekable source are read and hashed while they are sent (all but the last one).</summary>
public class ResumableStreamedChunkTests
{
    private const int K256 = 262144;

    [Fact]
    public async Task Every_chunk_carries_its_bytes_and_the_last_one_the_whole_objects_checksum()
    {
        byte[] data = RandomBytes(3 * K256 + 100);
        var handler = new FakeHttpHandler()
            .Respond(HttpStatusCode.PermanentRedirect, "", H(("Range", $"bytes=0-{K256 - 1}")))
            .Respond(HttpStatusCode.PermanentRedirect, "", H(("Range", $"bytes=0-{2 * K256 - 1}")))
            .Respond(HttpStatusCode.PermanentRedirect, "", H(("Range", $"bytes=0-{3 * K256 - 1}")))
            .Respond(r => Response(200, ObjectJson("obj.txt", data.Length, Crc(data))));
        var upload = Attached(handler, new MemoryStream(data), K256, data.Length);

        await upload.UploadAsync();

        Assert.Equal(
            new[] { $"bytes 0-{K256 - 1}/{data.Length}", $"bytes {K256}-{2 * K256 - 1}/{data.Length}", $"bytes {2 * K256}-{3 * K256 - 1}/{data.Length}", $"bytes {3 * K256}-{data.Length - 1}/{data.Length}" },
            handler.Requests.Select(r => r.Header("content-range")));
        Assert.Equal(data, handler.Requests.SelectMany(r => r.Body).ToArray());
        Assert.Null(handler.Requests[0].Header("x-goog-hash"));
        Assert.Equal("crc32c=" + Crc(data), handler.Requests[3].Header("x-goog-hash"));
        Assert.True(upload.Finished);
    }

    [Fact]
    public async Task A_chunk_sent_again_after_a_failure_is_hashed_once()
    {
        byte[] data = RandomBytes(3 * K256 + 100);
        var handler = new FakeHttpHandler()
            .Respond(HttpStatusCode.PermanentRedirect, "", H(("Range", $"bytes=0-{K256 - 1}")))
            .Respond(HttpStatusCode.ServiceUnavailable)                                            // chunk 2 fails after it was read and hashed
            .Respond(HttpStatusCode.PermanentRedirect, "", H(("Range", $"bytes=0-{K256 - 1}")))   // status: only chunk 1 kept
            .Respond(HttpStatusCode.PermanentRedirect, "", H(("Range", $"bytes=0-{2 * K256 - 1}")))
            .Respond(HttpStatusCode.PermanentRedirect, "", H(("Range", $"bytes=0-{3 * K256 - 1}")))
            .Respond(r => Response(200, ObjectJson("obj.txt", data.Length, null, Md5(data))));
        var upload = Attached(handler, new MemoryStream(data), K256, data.Length, ChecksumType.Md5);
        upload.RetryStrategy = NoSleep();

        await upload.UploadAsync();

        Assert.Equal($"bytes {K256}-{2 * K256 - 1}/{data.Length}", handler.Requests[3].Header("content-range"));
        Assert.Equal(data[K256..(2 * K256)], handler.Requests[3].Body);
        Assert.Equal("md5=" + Md5(data), handler.Requests[5].Header("x-goog-hash"));
        Assert.True(upload.Finished);
    }
}
