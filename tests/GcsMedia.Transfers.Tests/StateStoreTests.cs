using Xunit;

namespace GcsMedia.Transfers.Tests;

public sealed class StateStoreTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "layer-state-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    public static TheoryData<string> Stores => new() { "file", "memory" };

    [Theory]
    [MemberData(nameof(Stores))]
    public void A_saved_state_is_found_by_its_key_and_forgotten_on_remove(string kind)
    {
        IUploadStateStore store = kind == "file" ? new FileUploadStateStore(_folder) : new InMemoryUploadStateStore();
        UploadState state = NewState("a.bin");

        store.Save(state);
        UploadState? found = store.Find(NewState("a.bin").Key);

        Assert.NotNull(found);
        Assert.Equal("http://127.0.0.1:1/upload?upload_id=secret", found!.SessionUri);
        Assert.Null(store.Find(NewState("b.bin").Key));
        Assert.Single(store.All());
        store.Remove(found);
        Assert.Empty(store.All());
    }

    [Fact]
    public void The_file_store_writes_owner_only_files()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var store = new FileUploadStateStore(_folder);
        string path = store.Save(NewState("c.bin"));

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_folder));
    }

    private static UploadState NewState(string objectName) => new()
    {
        Endpoint = "http://127.0.0.1:1",
        Bucket = "b",
        ObjectName = objectName,
        SourcePath = "/tmp/" + objectName,
        Length = 10,
        LastWriteTimeUtcTicks = 1,
        ChunkSize = 256 * 1024,
        SessionUri = "http://127.0.0.1:1/upload?upload_id=secret",
    };
}
