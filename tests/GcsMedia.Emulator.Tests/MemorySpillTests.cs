using System.Net;
using System.Text.Json;

namespace GcsMedia.Emulator.Tests;

/// <summary>Without --data-dir an object past the memory limit moves to a temporary file instead of failing at 2 GiB.
/// The limit is lowered here so the test needs no gigabytes.</summary>
public sealed class MemorySpillTests : IClassFixture<MemorySpillTests.SmallMemoryFixture>
{
    public sealed class SmallMemoryFixture : EmulatorFixture
    {
        protected override EmulatorOptions CreateOptions() => new() { MemorySpillBytes = 64 * 1024 };
    }

    private readonly SmallMemoryFixture f;
    public MemorySpillTests(SmallMemoryFixture fixture) => f = fixture;

    private static string[] SpillFolders() =>
        Directory.GetDirectories(Path.GetTempPath(), $"gcs-emulator-spill-{Environment.ProcessId}-*");

    [Fact]
    public async Task A_simple_upload_past_the_limit_is_stored_whole_and_reads_back()
    {
        var bucket = await f.CreateBucketAsync();
        var data = TestData.Random(1024 * 1024 + 3);
        var o = await f.UploadAsync(bucket, "big.bin", data);
        Assert.Equal(Checksums.Crc32c(data), o.GetProperty("crc32c").GetString());
        Assert.Equal(data, await f.Http.GetByteArrayAsync(f.DownloadUrl(bucket, "big.bin")));
        Assert.NotEmpty(SpillFolders());
    }

    [Fact]
    public async Task A_resumable_upload_crossing_the_limit_mid_session_keeps_every_byte()
    {
        var bucket = await f.CreateBucketAsync();
        var data = TestData.Random(3 * 262144 + 10);
        var session = await f.StartResumableAsync(bucket, "resumable-big.bin");
        using (var first = await f.PutChunkAsync(session, data, 0, 262144, "bytes 0-262143/*")) Assert.Equal((HttpStatusCode)308, first.StatusCode);
        using var rest = await f.PutChunkAsync(session, data, 262144, data.Length - 262144, $"bytes 262144-{data.Length - 1}/{data.Length}");
        var o = JsonDocument.Parse(await rest.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(Checksums.Crc32c(data), o.GetProperty("crc32c").GetString());
        Assert.Equal(data, await f.Http.GetByteArrayAsync(f.DownloadUrl(bucket, "resumable-big.bin")));
    }

    [Fact]
    public async Task A_small_object_stays_in_memory()
    {
        var store = new MemoryBlobStore(64 * 1024);
        using var writer = store.CreateWriter();
        await writer.WriteAsync(new byte[1000], CancellationToken.None);
        var blob = writer.Commit();
        Assert.Empty(blob.FileNames);
        Assert.Equal(1000, blob.Length);
        store.Dispose();
    }

    [Fact]
    public async Task The_spill_folder_is_removed_with_the_store()
    {
        var store = new MemoryBlobStore(10);
        var writer = store.CreateWriter();
        await writer.WriteAsync(new byte[100], CancellationToken.None);
        var blob = writer.Commit();
        Assert.Equal(100, blob.Length);
        var before = SpillFolders().Length;
        store.Dispose();
        Assert.Equal(before - 1, SpillFolders().Length);
    }

    [Fact]
    public async Task When_the_spill_file_cannot_be_made_the_upload_gets_a_507_that_names_data_dir()
    {
        var notAFolder = Path.GetTempFileName();
        try
        {
            var store = new MemoryBlobStore(10, spillParent: notAFolder);
            using var writer = store.CreateWriter();
            var e = await Assert.ThrowsAsync<GcsException>(async () => await writer.WriteAsync(new byte[100], CancellationToken.None));
            Assert.Equal(507, e.Status);
            Assert.Contains("--data-dir", e.Message);
            store.Dispose();
        }
        finally { File.Delete(notAFolder); }
    }
}
