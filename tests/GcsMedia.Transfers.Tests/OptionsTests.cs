using Xunit;

namespace GcsMedia.Transfers.Tests;

public sealed class OptionsTests
{
    [Theory]
    [InlineData(0L)]
    [InlineData(1000L)]
    public void A_bandwidth_cap_below_1_KiB_per_second_is_refused(long cap)
    {
        var error = Assert.Throws<ArgumentException>(() => TransferLimits.CheckMaxBytesPerSecond(cap));
        Assert.Equal("MaxBytesPerSecond", error.ParamName);
        Assert.StartsWith("MaxBytesPerSecond ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_manager_refuses_a_bad_cap_before_any_request()
    {
        Assert.Throws<ArgumentException>(() => new TransferManager(new HttpClient(), new GcsMedia.Protocol.StorageUrls(new Uri("http://127.0.0.1:1")), new TransferManagerOptions { MaxBytesPerSecond = 5 }));
    }

    [Theory]
    [InlineData(0L, false)]
    [InlineData(100L, false)]
    [InlineData(256L * 1024, true)]
    [InlineData(256L * 1024 + 1, false)]
    [InlineData(16L * 1024 * 1024, true)]
    public void The_chunk_size_is_a_positive_multiple_of_256_KiB(long chunkSize, bool valid)
    {
        Exception? error = Record.Exception(() => TransferLimits.CheckUploadChunkSize(chunkSize));
        Assert.Equal(valid, error == null);
    }

    [Theory]
    [InlineData(1024L * 1024, false)]
    [InlineData(5L * 1024 * 1024, true)]
    [InlineData(6L * 1024 * 1024 * 1024, false)]
    public void The_part_size_is_within_GCS_limits(long partSize, bool valid)
    {
        Exception? error = Record.Exception(() => TransferLimits.CheckPartSize(partSize));
        Assert.Equal(valid, error == null);
    }

    [Theory]
    [InlineData(null, null, null, null)]
    [InlineData(0L, 99L, null, null)]
    [InlineData(-100L, null, null, null)]
    [InlineData(10L, 20L, 1048576L, null)]
    [InlineData(null, -1L, null, "End")]
    [InlineData(-100L, 5L, null, "End")]
    [InlineData(50L, 10L, null, "End")]
    [InlineData(-100L, null, 1048576L, "Start")]
    [InlineData(0L, null, 0L, "ChunkSize")]
    [InlineData(0L, null, 3L * 1024 * 1024 * 1024, "ChunkSize")]
    public void A_download_range_is_checked_before_any_request(long? start, long? end, long? chunkSize, string? refusedParameter)
    {
        var error = Record.Exception(() => TransferLimits.CheckDownloadRange(start, end, chunkSize)) as ArgumentException;
        Assert.Equal(refusedParameter, error?.ParamName);
    }
}

public sealed class ContentTypeTests
{
    [Theory]
    [InlineData("report.pdf", "application/pdf")]
    [InlineData("C.TXT", "text/plain")]
    [InlineData("site/index.html", "text/html")]
    [InlineData("photo.JPEG", "image/jpeg")]
    [InlineData("noextension", "application/octet-stream")]
    [InlineData("archive.unknownext", "application/octet-stream")]
    [InlineData("", "application/octet-stream")]
    public void The_type_comes_from_the_extension(string name, string expected)
        => Assert.Equal(expected, ContentTypes.FromFileName(name));
}
