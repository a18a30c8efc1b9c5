using System.Net;
using GcsMedia.Protocol.Tests.TestSupport;
using Xunit;
using static GcsMedia.Protocol.Tests.Uploads.UploadTestSupport;

namespace GcsMedia.Protocol.Tests.Uploads;

/// <summary>Chunks of a seekable source are read and hashed while they are sent, a piece at a time whatever the chunk size.</summary>
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

    [Fact]
    public async Task A_seekable_source_is_read_a_piece_at_a_time_never_a_whole_chunk()
    {
        const int chunk = 16 * K256; // 4 MiB
        byte[] data = RandomBytes(2 * chunk + 3 * K256 + 7);
        var handler = new FakeHttpHandler()
            .Respond(HttpStatusCode.PermanentRedirect, "", H(("Range", $"bytes=0-{chunk - 1}")))
            .Respond(HttpStatusCode.PermanentRedirect, "", H(("Range", $"bytes=0-{2 * chunk - 1}")))
            .Respond(r => Response(200, ObjectJson("obj.txt", data.Length, Crc(data))));
        var source = new ReadSizeRecordingStream(data);
        var upload = Attached(handler, source, chunk, data.Length);

        await upload.UploadAsync();

        Assert.Equal(data, handler.Requests.SelectMany(r => r.Body).ToArray());
        Assert.Equal("crc32c=" + Crc(data), handler.Requests[2].Header("x-goog-hash"));
        Assert.InRange(source.LargestRead, 1, K256);
        Assert.True(upload.Finished);
    }

    [Fact]
    public async Task A_last_chunk_of_full_size_still_carries_the_whole_objects_checksum()
    {
        byte[] data = RandomBytes(2 * K256);
        var handler = new FakeHttpHandler()
            .Respond(HttpStatusCode.PermanentRedirect, "", H(("Range", $"bytes=0-{K256 - 1}")))
            .Respond(r => Response(200, ObjectJson("obj.txt", data.Length, Crc(data))));
        var upload = Attached(handler, new MemoryStream(data), K256, data.Length);

        await upload.UploadAsync();

        Assert.Equal($"bytes {K256}-{2 * K256 - 1}/{data.Length}", handler.Requests[1].Header("content-range"));
        Assert.Equal("crc32c=" + Crc(data), handler.Requests[1].Header("x-goog-hash"));
        Assert.True(upload.Finished);
    }

    [Fact]
    public async Task A_seekable_source_shorter_than_its_declared_size_fails_before_a_byte_is_sent()
    {
        byte[] data = RandomBytes(2 * K256 + 10);
        var handler = new FakeHttpHandler();
        var upload = Attached(handler, new MemoryStream(data), K256, data.Length + 100);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => upload.UploadAsync());

        Assert.Contains("fewer than the declared size", error.Message);
        Assert.Empty(handler.Requests);
        Assert.True(upload.Invalid);
    }

    private sealed class ReadSizeRecordingStream : MemoryStream
    {
        public ReadSizeRecordingStream(byte[] data)
            : base(data, writable: false)
        {
        }

        public int LargestRead { get; private set; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            LargestRead = Math.Max(LargestRead, count);
            return base.Read(buffer, offset, count);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            LargestRead = Math.Max(LargestRead, count);
            return base.ReadAsync(buffer, offset, count, cancellationToken);
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            LargestRead = Math.Max(LargestRead, buffer.Length);
            return base.ReadAsync(buffer, cancellationToken);
        }
    }
}
