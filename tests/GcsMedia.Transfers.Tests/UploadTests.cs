using GcsMedia.Protocol;
using Xunit;

namespace GcsMedia.Transfers.Tests;

[Collection(EmulatorCollection.Name)]
public sealed class UploadTests : IDisposable
{
    private readonly EmulatorFixture _emulator;
    private readonly string _folder = Directory.CreateTempSubdirectory("layer-up-").FullName;

    public UploadTests(EmulatorFixture emulator)
    {
        _emulator = emulator;
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData(UploadMode.Auto, "Simple")]
    [InlineData(UploadMode.Simple, "Simple")]
    [InlineData(UploadMode.Multipart, "Multipart")]
    [InlineData(UploadMode.Resumable, "Resumable")]
    [InlineData(UploadMode.Parallel, "XmlMpu")]
    public async Task A_file_arrives_intact_in_every_mode(UploadMode mode, string expectedType)
    {
        string bucket = await _emulator.CreateBucketAsync();
        byte[] data = EmulatorFixture.RandomBytes(mode == UploadMode.Parallel ? 11 * 1024 * 1024 : 700_000, 1);
        string path = WriteFile("data.bin", data);
        var target = new GcsObjectRef(bucket, "up/data.bin");
        var observer = new RecordingObserver();

        UploadResult result = await _emulator.Manager().UploadFileAsync(
            path, target, new UploadOptions { Mode = mode, ChunkSize = 256 * 1024, PartSize = 5 * 1024 * 1024 }, observer);

        Assert.Equal(expectedType, result.UploadType);
        Assert.Equal(path, result.SourcePath);
        Assert.Equal(data.Length, result.Resource.Size);
        Assert.Equal(EmulatorFixture.Crc32c(data), result.Resource.Crc32c);
        Assert.Equal(data, await _emulator.ReadObjectAsync(bucket, "up/data.bin"));
        AssertEveryActivityCompleted(observer);
    }

    [Theory]
    [InlineData(UploadMode.Simple)]
    [InlineData(UploadMode.Multipart)]
    [InlineData(UploadMode.Resumable)]
    [InlineData(UploadMode.Parallel)]
    public async Task An_existing_object_is_not_replaced_without_overwrite(UploadMode mode)
    {
        string bucket = await _emulator.CreateBucketAsync();
        byte[] original = EmulatorFixture.RandomBytes(1000, 2);
        await _emulator.PutObjectAsync(bucket, "keep.bin", original);
        string path = WriteFile("new.bin", EmulatorFixture.RandomBytes(6 * 1024 * 1024, 3));

        var error = await Assert.ThrowsAsync<ObjectExistsException>(() => _emulator.Manager().UploadFileAsync(
            path, new GcsObjectRef(bucket, "keep.bin"), new UploadOptions { Mode = mode, PartSize = 5 * 1024 * 1024 }, new RecordingObserver()));

        Assert.Equal($"gs://{bucket}/keep.bin", error.Target);
        Assert.Equal(original, await _emulator.ReadObjectAsync(bucket, "keep.bin"));
    }

    [Fact]
    public async Task Overwrite_replaces_an_existing_object()
    {
        string bucket = await _emulator.CreateBucketAsync();
        await _emulator.PutObjectAsync(bucket, "o.bin", new byte[] { 1, 2, 3 });
        byte[] data = EmulatorFixture.RandomBytes(5000, 4);

        await _emulator.Manager().UploadBytesAsync(data, new GcsObjectRef(bucket, "o.bin"), new UploadOptions { Overwrite = true }, new RecordingObserver());

        Assert.Equal(data, await _emulator.ReadObjectAsync(bucket, "o.bin"));
    }

    [Fact]
    public async Task A_stream_of_unknown_length_is_uploaded_and_left_open()
    {
        string bucket = await _emulator.CreateBucketAsync();
        byte[] data = EmulatorFixture.RandomBytes(600_000, 5);
        using var source = new NonSeekableStream(new MemoryStream(data));

        UploadResult result = await _emulator.Manager().UploadStreamAsync(
            source, new GcsObjectRef(bucket, "s.bin"), new UploadOptions { ChunkSize = 256 * 1024 }, new RecordingObserver());

        Assert.Equal("Resumable", result.UploadType);
        Assert.Equal(EmulatorFixture.Crc32c(data), result.Resource.Crc32c);
        Assert.True(source.CanRead, "the caller's stream must stay open");
    }

    [Fact]
    public async Task An_interrupted_resumable_upload_keeps_its_state_and_is_finished_from_it()
    {
        string bucket = await _emulator.CreateBucketAsync();
        byte[] data = EmulatorFixture.RandomBytes(3 * 256 * 1024 + 10, 6);
        string path = WriteFile("r.bin", data);
        var store = new InMemoryUploadStateStore();
        TransferManager manager = _emulator.Manager(store: store);
        using var stop = new CancellationTokenSource();
        var observer = new RecordingObserver
        {
            OnProgress = update =>
            {
                if (update.Status.StartsWith("256.0 KB", StringComparison.Ordinal) || update.PercentComplete > 0)
                {
                    stop.Cancel();
                }
            },
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => manager.UploadFileAsync(
            path, new GcsObjectRef(bucket, "r.bin"), new UploadOptions { Mode = UploadMode.Resumable, ChunkSize = 256 * 1024 }, observer, stop.Token));
        UploadState saved = Assert.Single(store.All());
        Assert.Null(await _emulator.GetObjectAsync(bucket, "r.bin"));

        UploadResult result = await manager.ResumeUploadAsync(saved, saved: true, new RecordingObserver());

        Assert.Equal(EmulatorFixture.Crc32c(data), result.Resource.Crc32c);
        Assert.Empty(store.All());
    }

    [Fact]
    public async Task Rerunning_a_resumable_upload_continues_the_saved_session()
    {
        string bucket = await _emulator.CreateBucketAsync();
        byte[] data = EmulatorFixture.RandomBytes(2 * 256 * 1024 + 5, 7);
        string path = WriteFile("again.bin", data);
        var store = new InMemoryUploadStateStore();
        TransferManager manager = _emulator.Manager(store: store);
        using var stop = new CancellationTokenSource();
        var first = new RecordingObserver { OnProgress = u => { if (u.PercentComplete > 0) { stop.Cancel(); } } };
        var options = new UploadOptions { Mode = UploadMode.Resumable, ChunkSize = 256 * 1024 };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => manager.UploadFileAsync(path, new GcsObjectRef(bucket, "again.bin"), options, first, stop.Token));

        var second = new RecordingObserver();
        UploadResult result = await manager.UploadFileAsync(path, new GcsObjectRef(bucket, "again.bin"), options, second);

        Assert.Contains(second.Notes, n => n.StartsWith("Found the state of an earlier upload", StringComparison.Ordinal));
        Assert.Equal(EmulatorFixture.Crc32c(data), result.Resource.Crc32c);
        Assert.Empty(store.All());
    }

    [Fact]
    public async Task A_resumed_session_that_no_longer_exists_is_a_typed_error_and_its_state_is_forgotten()
    {
        string bucket = await _emulator.CreateBucketAsync();
        string path = WriteFile("gone.bin", EmulatorFixture.RandomBytes(1000, 8));
        var info = new FileInfo(path);
        var store = new InMemoryUploadStateStore();
        var state = new UploadState
        {
            Endpoint = _emulator.Urls.Root,
            Bucket = bucket,
            ObjectName = "gone.bin",
            SourcePath = path,
            Length = info.Length,
            LastWriteTimeUtcTicks = info.LastWriteTimeUtc.Ticks,
            ChunkSize = 256 * 1024,
            SessionUri = _emulator.Urls.Upload(bucket, "resumable", null) + "&upload_id=no-such-session",
        };
        store.Save(state);

        await Assert.ThrowsAsync<UploadSessionExpiredException>(() => _emulator.Manager(store: store).ResumeUploadAsync(state, saved: true, new RecordingObserver()));

        Assert.Empty(store.All());
    }

    [Fact]
    public async Task A_changed_source_file_is_not_resumed()
    {
        string path = WriteFile("changed.bin", new byte[] { 1, 2, 3 });
        var state = new UploadState { Endpoint = _emulator.Urls.Root, Bucket = "b", ObjectName = "o", SourcePath = path, Length = 99, ChunkSize = 256 * 1024, SessionUri = "http://127.0.0.1:1/x" };

        await Assert.ThrowsAsync<SourceChangedException>(() => _emulator.Manager().ResumeUploadAsync(state, saved: false, new RecordingObserver()));
    }

    [Fact]
    public async Task Planned_parts_are_uploaded_in_part_order_with_their_crc32c()
    {
        string bucket = await _emulator.CreateBucketAsync();
        byte[] data = EmulatorFixture.RandomBytes(11 * 1024 * 1024, 9);
        string path = WriteFile("parts.bin", data);
        var target = new GcsObjectRef(bucket, "parts.bin");
        var container = new XmlMpuContainer(_emulator.Http, _emulator.Urls, target);
        string uploadId = await container.InitiateAsync();
        IReadOnlyList<XmlMpuPlannedPart> plan = XmlMpuPlan.Split(data.Length, 5 * 1024 * 1024);

        IReadOnlyList<UploadedPart> parts = await _emulator.Manager().UploadPartsAsync(target, uploadId, path, plan, 3, new RecordingObserver());

        Assert.Equal(new[] { 1, 2, 3 }, parts.Select(p => p.PartNumber));
        Assert.All(parts, p => Assert.NotNull(p.Crc32c));
        foreach (UploadedPart part in parts)
        {
            container.RegisterPart(part.PartNumber, part.ETag);
        }

        await container.FinalizeAsync();
        Assert.Equal(data, await _emulator.ReadObjectAsync(bucket, "parts.bin"));
        Assert.Equal(EmulatorFixture.Crc32c(data), ParallelUpload.CombinedCrc32c(parts));
    }

    [Fact]
    public async Task A_cancelled_parallel_upload_is_aborted_before_the_call_returns()
    {
        string bucket = await _emulator.CreateBucketAsync();
        string path = WriteFile("abort.bin", EmulatorFixture.RandomBytes(11 * 1024 * 1024, 10));
        using var stop = new CancellationTokenSource();
        var observer = new RecordingObserver { OnProgress = u => { if (u.ParentActivityId >= 0) { stop.Cancel(); } } };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _emulator.Manager(maxBytesPerSecond: 1024 * 1024).UploadFileAsync(
            path, new GcsObjectRef(bucket, "abort.bin"), new UploadOptions { Mode = UploadMode.Parallel, PartSize = 5 * 1024 * 1024 }, observer, stop.Token));

        Assert.Contains(observer.Notes, n => n.StartsWith("Aborted the multipart upload", StringComparison.Ordinal));
        var uploads = await XmlMpuContainer.ListUploadsAsync(_emulator.Http, _emulator.Urls, bucket, null, null, CancellationToken.None);
        Assert.Empty(uploads);
        Assert.Null(await _emulator.GetObjectAsync(bucket, "abort.bin"));
    }

    private string WriteFile(string name, byte[] data)
    {
        string path = Path.Combine(_folder, name);
        File.WriteAllBytes(path, data);
        return path;
    }

    internal static void AssertEveryActivityCompleted(RecordingObserver observer)
    {
        ProgressUpdate[] updates = observer.Updates.ToArray();
        Assert.NotEmpty(updates);
        foreach (int id in updates.Select(u => u.ActivityId).Distinct())
        {
            Assert.Contains(updates, u => u.ActivityId == id && u.Completed);
        }
    }

    private sealed class NonSeekableStream(Stream inner) : Stream
    {
        private bool _disposed;

        public override bool CanRead => !_disposed;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            _disposed = true;
            base.Dispose(disposing);
        }
    }
}
