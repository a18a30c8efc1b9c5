using GcsMedia.Protocol;
using Xunit;

namespace GcsMedia.Transfers.Tests;

[Collection(EmulatorCollection.Name)]
public sealed class DownloadTests : IDisposable
{
    private readonly EmulatorFixture _emulator;
    private readonly string _folder = Directory.CreateTempSubdirectory("layer-down-").FullName;

    public DownloadTests(EmulatorFixture emulator)
    {
        _emulator = emulator;
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task A_whole_download_is_verified_and_leaves_no_partial()
    {
        string bucket = await _emulator.CreateBucketAsync();
        byte[] data = EmulatorFixture.RandomBytes(300_000, 11);
        await _emulator.PutObjectAsync(bucket, "w.bin", data);
        string file = Path.Combine(_folder, "w.bin");
        var observer = new RecordingObserver();

        FileDownloadResult result = await _emulator.Manager().DownloadFileAsync(new GcsObjectRef(bucket, "w.bin"), file, new DownloadOptions(), observer);

        Assert.Equal("Whole", result.Mode);
        Assert.True(result.ChecksumVerified);
        Assert.Equal(EmulatorFixture.Crc32c(data), result.Checksum);
        Assert.Equal(data, File.ReadAllBytes(file));
        Assert.False(File.Exists(file + ".partial"));
        Assert.False(File.Exists(file + ".partial.json"));
        UploadTests.AssertEveryActivityCompleted(observer);
    }

    [Fact]
    public async Task A_range_and_a_chunked_download_write_exactly_their_bytes()
    {
        string bucket = await _emulator.CreateBucketAsync();
        byte[] data = EmulatorFixture.RandomBytes(100_000, 12);
        await _emulator.PutObjectAsync(bucket, "r.bin", data);
        TransferManager manager = _emulator.Manager();

        FileDownloadResult range = await manager.DownloadFileAsync(
            new GcsObjectRef(bucket, "r.bin"), Path.Combine(_folder, "range.bin"), new DownloadOptions { Start = 10, End = 19 }, new RecordingObserver());
        FileDownloadResult chunked = await manager.DownloadFileAsync(
            new GcsObjectRef(bucket, "r.bin"), Path.Combine(_folder, "chunked.bin"), new DownloadOptions { ChunkSize = 30_000 }, new RecordingObserver());

        Assert.Equal("Range", range.Mode);
        Assert.Equal(data.Skip(10).Take(10).ToArray(), File.ReadAllBytes(Path.Combine(_folder, "range.bin")));
        Assert.Equal("Chunked", chunked.Mode);
        Assert.Equal(data, File.ReadAllBytes(Path.Combine(_folder, "chunked.bin")));
    }

    [Fact]
    public async Task A_sliced_download_reports_a_child_record_per_slice_under_its_parent()
    {
        string bucket = await _emulator.CreateBucketAsync();
        byte[] data = EmulatorFixture.RandomBytes(3 * 1024 * 1024 + 5, 13);
        await _emulator.PutObjectAsync(bucket, "s.bin", data);
        string file = Path.Combine(_folder, "s.bin");
        var observer = new RecordingObserver();

        FileDownloadResult result = await _emulator.Manager().DownloadFileAsync(
            new GcsObjectRef(bucket, "s.bin"), file, new DownloadOptions { SliceConcurrency = 4, SliceSize = 1024 * 1024 }, observer);

        Assert.Equal("Sliced", result.Mode);
        Assert.True(result.ChecksumVerified);
        Assert.Equal(data, File.ReadAllBytes(file));
        ProgressUpdate[] updates = observer.Updates.ToArray();
        int parent = Assert.Single(updates.Where(u => u.ParentActivityId < 0).Select(u => u.ActivityId).Distinct());
        Assert.Equal(4, updates.Where(u => u.ParentActivityId == parent).Select(u => u.ActivityId).Distinct().Count());
        UploadTests.AssertEveryActivityCompleted(observer);
    }

    [Fact]
    public async Task An_existing_file_is_not_replaced_without_overwrite()
    {
        string bucket = await _emulator.CreateBucketAsync();
        await _emulator.PutObjectAsync(bucket, "x.bin", new byte[] { 9 });
        string file = Path.Combine(_folder, "x.bin");
        File.WriteAllText(file, "mine");

        var error = await Assert.ThrowsAsync<ObjectExistsException>(() => _emulator.Manager().DownloadFileAsync(new GcsObjectRef(bucket, "x.bin"), file, new DownloadOptions(), new RecordingObserver()));

        Assert.Equal(file, error.Target);
        Assert.Equal("mine", File.ReadAllText(file));
    }

    [Fact]
    public async Task An_interrupted_download_is_continued_from_its_partial_file()
    {
        string bucket = await _emulator.CreateBucketAsync();
        byte[] data = EmulatorFixture.RandomBytes(2 * 1024 * 1024, 14);
        await _emulator.PutObjectAsync(bucket, "p.bin", data);
        string file = Path.Combine(_folder, "p.bin");
        var target = new GcsObjectRef(bucket, "p.bin");
        TransferManager slow = _emulator.Manager(maxBytesPerSecond: 512 * 1024);
        using var stop = new CancellationTokenSource();
        var first = new RecordingObserver { OnProgress = u => { if (u.PercentComplete > 10) { stop.Cancel(); } } };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => slow.DownloadFileAsync(target, file, new DownloadOptions(), first, stop.Token));
        Assert.True(File.Exists(file + ".partial"));
        Assert.True(File.Exists(file + ".partial.json"));

        var second = new RecordingObserver();
        FileDownloadResult result = await _emulator.Manager().DownloadFileAsync(target, file, new DownloadOptions(), second);

        Assert.True(result.Resumed);
        Assert.True(result.ChecksumVerified);
        Assert.Equal(data, File.ReadAllBytes(file));
        Assert.Contains(second.Notes, n => n.StartsWith("Resuming the download", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_missing_object_fails_with_404_and_writes_nothing()
    {
        string bucket = await _emulator.CreateBucketAsync();
        string file = Path.Combine(_folder, "none.bin");

        var error = await Assert.ThrowsAsync<InvalidResponseException>(() => _emulator.Manager().DownloadFileAsync(new GcsObjectRef(bucket, "none.bin"), file, new DownloadOptions(), new RecordingObserver()));

        Assert.Equal(404, error.StatusCode);
        Assert.Empty(Directory.GetFiles(_folder));
    }
}
