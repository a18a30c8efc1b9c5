using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;

namespace GcsMedia.Protocol.Tests.TestSupport;

/// <summary>A body that yields its bytes, then fails with an IOException after <see cref="FailAfter"/> bytes (a broken stream).</summary>
public sealed class BrokenStream : Stream
{
    private readonly byte[] _data;
    private int _position;

    public BrokenStream(byte[] data, int? failAfter)
    {
        _data = data;
        FailAfter = failAfter;
    }

    public int? FailAfter { get; }

    public override int Read(byte[] buffer, int offset, int count)
    {
        int limit = FailAfter ?? _data.Length;
        if (_position >= limit)
        {
            if (FailAfter.HasValue)
            {
                throw new IOException("The response ended prematurely (test).");
            }

            return 0;
        }

        int n = Math.Min(Math.Min(count, limit - _position), 1000);
        Array.Copy(_data, _position, buffer, offset, n);
        _position += n;
        return n;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>A write-only, non-seekable destination.</summary>
public sealed class ForwardOnlyStream : Stream
{
    public MemoryStream Inner { get; } = new();
    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => Inner.Write(buffer, offset, count);
}

public static class Responses
{
    /// <summary>
    /// A response whose body is <paramref name="body"/> (optionally breaking after <paramref name="failAfter"/> bytes).
    /// Content-Length is sent only when <paramref name="contentLength"/> is given (a streamed body has none by itself).
    /// </summary>
    public static HttpResponseMessage Make(
        HttpStatusCode status,
        byte[] body,
        IDictionary<string, string>? headers = null,
        int? failAfter = null,
        long? contentLength = null)
    {
        var content = new StreamContent(new BrokenStream(body, failAfter));
        var response = new HttpResponseMessage(status) { Content = content };
        if (contentLength.HasValue)
        {
            content.Headers.ContentLength = contentLength;
        }

        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            if (!response.Headers.TryAddWithoutValidation(name, value))
            {
                content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return response;
    }

    public static byte[] RandomBytes(int length, int seed = 1)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    public static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(data, 0, data.Length);
        }

        return output.ToArray();
    }

    public static string Crc32c(byte[] data) => Crc32cHasher.ToBase64(Crc32cHasher.Compute(data));

    public static string Md5(byte[] data) => Convert.ToBase64String(System.Security.Cryptography.MD5.HashData(data));

    public static string GoogHash(byte[] data) => $"crc32c={Crc32c(data)},md5={Md5(data)}";

    /// <summary>A RetryStrategy that never sleeps and records the waits it would have taken.</summary>
    public static RetryStrategy NoSleep(List<TimeSpan>? waits = null, int? maxRetries = null)
        => new RetryStrategy(maxRetries: maxRetries)
        {
            Jitter = () => 0,
            Delay = (wait, _) =>
            {
                waits?.Add(wait);
                return Task.CompletedTask;
            },
        };
}
