using System.Collections.Concurrent;
using GcsMedia.Protocol;
using Xunit;

namespace GcsMedia.Transfers.Tests;

public sealed class FolderRuleTests
{
    [Theory]
    [InlineData("a/b.txt", true)]
    [InlineData("b.TXT", true)]
    [InlineData("a/skip.tmp", false)]
    [InlineData("logs/x.log", true)]
    [InlineData("other/x.log", false)]
    [InlineData("a/b.bin", false)]
    public void Include_and_exclude_match_names_or_relative_paths(string path, bool accepted)
    {
        var filter = new FolderFilter(new[] { "*.txt", "logs/*" }, new[] { "*.tmp" });
        Assert.Equal(accepted, filter.Accepts(path));
    }

    [Theory]
    [InlineData("a/b.txt", null)]
    [InlineData("../evil", "'..'")]
    [InlineData("a/./b", "'.'")]
    [InlineData("/abs", "empty")]
    [InlineData("a//b", "empty")]
    [InlineData("C:/x", "character")]
    [InlineData("a\\b", "character")]
    [InlineData("nul\0x", "character")]
    [InlineData("trailing. /x", "space or a dot")]
    public void Unsafe_object_names_are_refused_with_a_reason(string relative, string? reasonPart)
    {
        string? reason = LocalPaths.Check(relative);
        if (reasonPart == null)
        {
            Assert.Null(reason);
        }
        else
        {
            Assert.Contains(reasonPart, reason);
        }
    }

    [Fact]
    public void A_path_below_the_root_stays_below_it()
    {
        string root = Path.GetFullPath(Path.Combine(Path.GetTempPath(), "root"));
        Assert.Equal(Path.Combine(root, "a", "b.txt"), LocalPaths.Below(root, "a/b.txt"));
        Assert.Null(LocalPaths.Below(root, "../root2/x"));
    }
}

[Collection(EmulatorCollection.Name)]
public sealed class FolderTransferTests : IDisposable
{
    private readonly EmulatorFixture _emulator;
    private readonly string _folder = Directory.CreateTempSubdirectory("layer-folder-").FullName;

    public FolderTransferTests(EmulatorFixture emulator)
    {
        _emulator = emulator;
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task A_tree_goes_up_and_comes_back_identical()
    {
        string bucket = await _emulator.CreateBucketAsync();
        string source = Path.Combine(_folder, "src");
        var files = new Dictionary<string, byte[]>
        {
            ["top.txt"] = EmulatorFixture.RandomBytes(100, 1),
            ["a/same.txt"] = EmulatorFixture.RandomBytes(200, 2),
            ["b/same.txt"] = EmulatorFixture.RandomBytes(300, 3),
            ["b/c/deep name.bin"] = EmulatorFixture.RandomBytes(1_500_000, 4),
            ["empty.bin"] = Array.Empty<byte>(),
        };
        foreach (var (relative, data) in files)
        {
            string path = Path.Combine(source, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, data);
        }

        Directory.CreateDirectory(Path.Combine(source, "nothing-here"));
        TransferManager manager = _emulator.Manager();
        var uploaded = new ConcurrentBag<FolderItemResult>();
        var observer = new RecordingObserver();

        FolderSummary up = await manager.UploadFolderAsync(
            source, bucket, "backup/", new UploadOptions(), new FolderOptions { MaxConcurrentFiles = 3, ResumableThreshold = 1024 * 1024 }, observer, uploaded.Add);

        Assert.Equal(5, up.Transferred);
        Assert.All(uploaded, r => Assert.Null(r.Error));
        Assert.Equal("Resumable", uploaded.Single(r => r.RelativePath == "b/c/deep name.bin").Upload!.UploadType);
        Assert.Equal("Simple", uploaded.Single(r => r.RelativePath == "top.txt").Upload!.UploadType);
        int parent = observer.Updates.Where(u => u.ParentActivityId < 0).Select(u => u.ActivityId).Distinct().Single();
        Assert.True(observer.Updates.Where(u => u.ParentActivityId == parent).Select(u => u.ActivityId).Distinct().Count() >= 5);
        UploadTests.AssertEveryActivityCompleted(observer);

        string restore = Path.Combine(_folder, "restore");
        var downloaded = new ConcurrentBag<FolderItemResult>();
        FolderSummary down = await manager.DownloadFolderAsync(bucket, "backup/", restore, new DownloadOptions(), new FolderOptions { MaxConcurrentFiles = 3 }, new RecordingObserver(), downloaded.Add);

        Assert.Equal(5, down.Transferred);
        foreach (var (relative, data) in files)
        {
            Assert.Equal(data, File.ReadAllBytes(Path.Combine(restore, relative)));
        }

        var again = new ConcurrentBag<FolderItemResult>();
        FolderSummary skipped = await manager.UploadFolderAsync(source, bucket, "backup/", new UploadOptions(), new FolderOptions { SkipUnchanged = true }, new RecordingObserver(), again.Add);
        Assert.Equal(5, skipped.Skipped);
        Assert.Equal(0, skipped.Transferred);
    }

    [Fact]
    public async Task A_few_hundred_files_and_a_40_MiB_file_round_trip_identical()
    {
        string bucket = await _emulator.CreateBucketAsync();
        string source = Path.Combine(_folder, "many");
        var expected = new Dictionary<string, string>(StringComparer.Ordinal);
        var random = new Random(99);
        for (int i = 0; i < 300; i++)
        {
            string relative = $"dir {i % 7}/sub-ü{i % 3}/file {i}.txt";
            byte[] data = EmulatorFixture.RandomBytes(random.Next(0, 4000), i);
            string path = Path.Combine(source, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, data);
            expected[relative] = EmulatorFixture.Crc32c(data);
        }

        byte[] big = EmulatorFixture.RandomBytes(40 * 1024 * 1024, 400);
        File.WriteAllBytes(Path.Combine(source, "big.bin"), big);
        expected["big.bin"] = EmulatorFixture.Crc32c(big);
        TransferManager manager = _emulator.Manager();

        FolderSummary up = await manager.UploadFolderAsync(source, bucket, "many/", new UploadOptions(), new FolderOptions { MaxConcurrentFiles = 8 }, new RecordingObserver(), _ => { });
        string restore = Path.Combine(_folder, "many-restored");
        FolderSummary down = await manager.DownloadFolderAsync(
            bucket, "many/", restore, new DownloadOptions { SliceConcurrency = 4, SliceSize = 8 * 1024 * 1024 }, new FolderOptions { MaxConcurrentFiles = 8 }, new RecordingObserver(), _ => { });

        Assert.Equal(301, up.Transferred);
        Assert.Equal(301, down.Transferred);
        var actual = Directory.GetFiles(restore, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(restore, f).Replace('\\', '/'), f => EmulatorFixture.Crc32c(File.ReadAllBytes(f)), StringComparer.Ordinal);
        Assert.Equal(expected.OrderBy(p => p.Key, StringComparer.Ordinal), actual.OrderBy(p => p.Key, StringComparer.Ordinal));
    }

    [Fact]
    public async Task An_interrupted_folder_download_keeps_resume_state_only_for_files_above_the_threshold()
    {
        string bucket = await _emulator.CreateBucketAsync();
        byte[] small = EmulatorFixture.RandomBytes(1024 * 1024, 21);
        byte[] large = EmulatorFixture.RandomBytes(2 * 1024 * 1024, 22);
        await _emulator.PutObjectAsync(bucket, "r/small.bin", small);
        await _emulator.PutObjectAsync(bucket, "r/large.bin", large);
        string restore = Path.Combine(_folder, "r");
        string smallFile = Path.Combine(restore, "small.bin");
        string largeFile = Path.Combine(restore, "large.bin");
        var folder = new FolderOptions { MaxConcurrentFiles = 2, ResumableThreshold = 2 * 1024 * 1024 };
        using var stop = new CancellationTokenSource();
        var first = new RecordingObserver
        {
            OnProgress = _ =>
            {
                if (File.Exists(largeFile + ".partial.json") && File.Exists(smallFile + ".partial") && new FileInfo(smallFile + ".partial").Length > 0)
                {
                    stop.Cancel();
                }
            },
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _emulator.Manager(maxBytesPerSecond: 512 * 1024).DownloadFolderAsync(
            bucket, "r/", restore, new DownloadOptions(), folder, first, _ => { }, stop.Token));

        Assert.True(File.Exists(largeFile + ".partial"));
        Assert.True(File.Exists(largeFile + ".partial.json"));
        Assert.False(File.Exists(smallFile + ".partial"));
        Assert.False(File.Exists(smallFile + ".partial.json"));

        var results = new ConcurrentBag<FolderItemResult>();
        FolderSummary again = await _emulator.Manager().DownloadFolderAsync(bucket, "r/", restore, new DownloadOptions(), folder, new RecordingObserver(), results.Add);

        Assert.True(2 == again.Transferred, string.Join(" | ", results.Select(r => $"{r.RelativePath} skipped={r.Skipped} err={r.Error}")));
        Assert.True(results.Single(r => r.RelativePath == "large.bin").Download!.Resumed);
        Assert.False(results.Single(r => r.RelativePath == "small.bin").Download!.Resumed);
        Assert.Equal(large, File.ReadAllBytes(largeFile));
        Assert.Equal(small, File.ReadAllBytes(smallFile));
    }

    [Fact]
    public async Task Two_files_for_one_object_are_refused_before_any_request()
    {
        string bucket = await _emulator.CreateBucketAsync();
        string a = Path.Combine(_folder, "a.txt");
        string b = Path.Combine(_folder, "b.txt");
        File.WriteAllText(a, "a");
        File.WriteAllText(b, "b");
        var target = new GcsObjectRef(bucket, "one.txt");

        var error = await Assert.ThrowsAsync<DuplicateTargetException>(() => _emulator.Manager().UploadFilesAsync(
            new[] { new FileUploadItem(a, target, "a.txt"), new FileUploadItem(b, target, "b.txt") }, new UploadOptions(), new FolderOptions(), new RecordingObserver(), _ => { }));

        Assert.Equal(a, error.First);
        Assert.Equal(b, error.Second);
        Assert.Null(await _emulator.GetObjectAsync(bucket, "one.txt"));
    }

    [Fact]
    public async Task One_failed_file_does_not_stop_the_others()
    {
        string bucket = await _emulator.CreateBucketAsync();
        await _emulator.PutObjectAsync(bucket, "p/exists.txt", new byte[] { 1 });
        string source = Path.Combine(_folder, "p");
        Directory.CreateDirectory(source);
        File.WriteAllText(Path.Combine(source, "exists.txt"), "new");
        File.WriteAllText(Path.Combine(source, "fresh.txt"), "fresh");
        var results = new ConcurrentBag<FolderItemResult>();

        FolderSummary summary = await _emulator.Manager().UploadFolderAsync(source, bucket, "p/", new UploadOptions(), new FolderOptions(), new RecordingObserver(), results.Add);

        Assert.Equal(1, summary.Failed);
        Assert.Equal(1, summary.Transferred);
        Assert.IsType<ObjectExistsException>(results.Single(r => r.RelativePath == "exists.txt").Error);
    }
}
