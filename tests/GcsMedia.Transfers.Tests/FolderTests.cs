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
