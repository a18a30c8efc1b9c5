using GcsMedia.Protocol;
using Xunit;

namespace GcsMedia.Transfers.Tests;

public sealed class HashingReadStreamTests
{
    private static readonly byte[] Data = EmulatorFixture.RandomBytes(500_000, 5);

    private static async Task ReadToEndAsync(Stream stream, int bufferSize = 81920)
    {
        var buffer = new byte[bufferSize];
        while (await stream.ReadAsync(buffer, 0, buffer.Length) > 0)
        {
        }
    }

    [Fact]
    public async Task The_bytes_read_in_order_to_the_end_give_the_checksum_of_the_stream()
    {
        using var hashing = new HashingReadStream(new MemoryStream(Data), ChecksumType.Crc32c);
        Assert.Null(hashing.Checksum);

        await ReadToEndAsync(hashing);

        Assert.Equal(EmulatorFixture.Crc32c(Data), hashing.Checksum);
    }

    [Fact]
    public async Task A_retry_that_seeks_back_to_the_start_hashes_the_bytes_once()
    {
        using var hashing = new HashingReadStream(new MemoryStream(Data), ChecksumType.Crc32c);
        var buffer = new byte[100_000];
        await hashing.ReadExactlyAsync(buffer, 0, buffer.Length);
        await hashing.ReadExactlyAsync(buffer, 0, buffer.Length);

        hashing.Seek(0, SeekOrigin.Begin);
        await ReadToEndAsync(hashing, 4096);

        Assert.Equal(EmulatorFixture.Crc32c(Data), hashing.Checksum);
    }

    [Fact]
    public async Task Hashing_covers_the_bytes_from_the_position_it_started_at()
    {
        var inner = new MemoryStream(Data) { Position = 1000 };
        using var hashing = new HashingReadStream(inner, ChecksumType.Md5);

        await ReadToEndAsync(hashing);

        using var md5 = System.Security.Cryptography.MD5.Create();
        Assert.Equal(Convert.ToBase64String(md5.ComputeHash(Data, 1000, Data.Length - 1000)), hashing.Checksum);
    }

    [Fact]
    public async Task A_jump_or_an_unfinished_read_leaves_no_checksum()
    {
        using var skipped = new HashingReadStream(new MemoryStream(Data), ChecksumType.Crc32c);
        skipped.Position = 10;
        await ReadToEndAsync(skipped);
        Assert.Null(skipped.Checksum);

        using var unfinished = new HashingReadStream(new MemoryStream(Data), ChecksumType.Crc32c);
        await unfinished.ReadExactlyAsync(new byte[1000], 0, 1000);
        Assert.Null(unfinished.Checksum);
    }
}
