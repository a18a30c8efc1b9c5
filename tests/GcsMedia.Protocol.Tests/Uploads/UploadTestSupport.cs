using System.Net;
using System.Security.Cryptography;
using System.Text;
using GcsMedia.Protocol.Tests.TestSupport;

namespace GcsMedia.Protocol.Tests.Uploads;

internal static class UploadTestSupport
{
    public const string Bucket = "my-bucket";
    public const string SessionUrl = "https://storage.test/upload/storage/v1/b/my-bucket/o?uploadType=resumable&upload_id=SECRET-SESSION-ID";
    public const string ResumableUrl = "https://storage.test/upload/storage/v1/b/my-bucket/o?uploadType=resumable";
    public const string MultipartUrl = "https://storage.test/upload/storage/v1/b/my-bucket/o?uploadType=multipart";
    public const string JsonType = "application/json; charset=UTF-8";

    public static readonly StorageUrls Urls = new(new Uri("https://storage.test"));

    /// <summary>A retry strategy that records its waits instead of sleeping.</summary>
    public static RetryStrategy NoSleep(List<TimeSpan>? waits = null, int? maxRetries = null)
    {
        var strategy = maxRetries.HasValue ? new RetryStrategy(maxRetries: maxRetries) : new RetryStrategy();
        strategy.Jitter = () => 0;
        strategy.Delay = (wait, _) =>
        {
            waits?.Add(wait);
            return Task.CompletedTask;
        };
        return strategy;
    }

    public static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    public static byte[] RandomBytes(int count, int seed = 1)
    {
        var data = new byte[count];
        new Random(seed).NextBytes(data);
        return data;
    }

    public static string Crc(byte[] data) => Crc32cHasher.ToBase64(Crc32cHasher.Compute(data));

    public static string Md5(byte[] data) => Convert.ToBase64String(MD5.HashData(data));

    public static string ObjectJson(string name, long size, string? crc32c = null, string? md5 = null, string bucket = Bucket)
    {
        var parts = new List<string>
        {
            $"\"kind\": \"storage#object\"", $"\"name\": \"{name}\"", $"\"bucket\": \"{bucket}\"", $"\"generation\": \"1700000000000001\"",
            $"\"metageneration\": \"1\"", $"\"size\": \"{size}\"", "\"contentType\": \"text/plain\"",
            "\"timeCreated\": \"2024-01-02T03:04:05.678Z\"", "\"updated\": \"2024-01-02T03:04:05.678Z\"", "\"etag\": \"CIHa\"",
        };
        if (crc32c != null)
        {
            parts.Add($"\"crc32c\": \"{crc32c}\"");
        }

        if (md5 != null)
        {
            parts.Add($"\"md5Hash\": \"{md5}\"");
        }

        return "{" + string.Join(", ", parts) + "}";
    }

    public static HttpResponseMessage Response(int status, string? body = null, params (string Name, string Value)[] headers)
        => FakeHttpHandler.Build((HttpStatusCode)status, body == null ? null : Encoding.UTF8.GetBytes(body), headers.ToDictionary(h => h.Name, h => h.Value));

    public static Dictionary<string, string> H(params (string Name, string Value)[] headers) => headers.ToDictionary(h => h.Name, h => h.Value);

    /// <summary>Headers that a request carried, minus Content-Length (added by the transport).</summary>
    public static Dictionary<string, string> SentHeaders(RecordedRequest request)
        => request.Headers.Where(h => !h.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            .ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value);

    /// <summary>A resumable upload already attached to a session (as after initiate), over the given data.</summary>
    public static ResumableUpload Attached(
        FakeHttpHandler handler, Stream stream, int chunkSize, long? total, ChecksumType checksum = ChecksumType.Crc32c,
        string contentType = "text/plain", bool anyChunkSize = false)
    {
        ResumableUpload upload = anyChunkSize
            ? ResumableUpload.CreateWithAnyChunkSize(handler.CreateClient(), ResumableUrl, chunkSize, checksum)
            : new ResumableUpload(handler.CreateClient(), ResumableUrl, chunkSize, checksum);
        upload.RetryStrategy = NoSleep();
        upload.AttachSession(new Uri(SessionUrl), stream, contentType, total, $"gs://{Bucket}/obj.txt");
        return upload;
    }
}

/// <summary>A stream that cannot seek (like a pipe), over some bytes.</summary>
internal sealed class NonSeekableStream(byte[] data) : Stream
{
    private readonly MemoryStream _inner = new(data);

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, 1000));

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
