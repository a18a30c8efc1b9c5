namespace GcsMedia.Emulator;

/// <summary>Immutable stored bytes of one object (or one MPU part).</summary>
internal abstract class Blob
{
    public abstract long Length { get; }
    public abstract Stream OpenRead();
    public abstract void Delete();
}

/// <summary>An append-only sink that becomes a <see cref="Blob"/> on commit.</summary>
internal abstract class BlobWriter : IDisposable
{
    public abstract long Length { get; }
    public abstract ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken ct);
    /// <summary>Drops everything after <paramref name="length"/> bytes (rollback of a failed chunk).</summary>
    public abstract void Truncate(long length);
    public abstract Blob Commit();
    public abstract void Dispose();
}

internal interface IBlobStore : IDisposable
{
    BlobWriter CreateWriter();
}

/// <summary>Keeps object bytes in memory (objects up to 2 GiB).</summary>
internal sealed class MemoryBlobStore : IBlobStore
{
    public BlobWriter CreateWriter() => new MemoryBlobWriter();
    public void Dispose() { }

    private sealed class MemoryBlobWriter : BlobWriter
    {
        private MemoryStream? _buffer = new();
        public override long Length => _buffer?.Length ?? 0;

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken ct)
        {
            (_buffer ?? throw new ObjectDisposedException(nameof(MemoryBlobWriter))).Write(data.Span);
            return ValueTask.CompletedTask;
        }

        public override void Truncate(long length) => _buffer!.SetLength(length);

        public override Blob Commit()
        {
            var b = _buffer ?? throw new ObjectDisposedException(nameof(MemoryBlobWriter));
            _buffer = null;
            return new MemoryBlob(b.GetBuffer(), (int)b.Length);
        }

        public override void Dispose() => _buffer = null;
    }

    private sealed class MemoryBlob(byte[] data, int length) : Blob
    {
        public override long Length => length;
        public override Stream OpenRead() => new MemoryStream(data, 0, length, writable: false);
        public override void Delete() { }
    }
}

/// <summary>Streams object bytes to files: writes go to tmp/, a commit renames into blobs/.</summary>
internal sealed class DiskBlobStore : IBlobStore
{
    private readonly string _tmp;
    private readonly string _blobs;

    public DiskBlobStore(string root)
    {
        _tmp = Path.Combine(Path.GetFullPath(root), "tmp");
        _blobs = Path.Combine(Path.GetFullPath(root), "blobs");
        Directory.CreateDirectory(_tmp);
        Directory.CreateDirectory(_blobs);
    }

    public BlobWriter CreateWriter() => new DiskBlobWriter(this);
    public void Dispose() { }

    private sealed class DiskBlobWriter : BlobWriter
    {
        private readonly DiskBlobStore _owner;
        private readonly string _path;
        private FileStream? _file;

        public DiskBlobWriter(DiskBlobStore owner)
        {
            _owner = owner;
            _path = Path.Combine(owner._tmp, Guid.NewGuid().ToString("N"));
            _file = new FileStream(_path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read, 1 << 16,
                FileOptions.Asynchronous);
        }

        public override long Length => _file?.Length ?? 0;

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken ct) =>
            (_file ?? throw new ObjectDisposedException(nameof(DiskBlobWriter))).WriteAsync(data, ct);

        public override void Truncate(long length)
        {
            _file!.Flush();
            _file.SetLength(length);
            _file.Position = length;
        }

        public override Blob Commit()
        {
            var f = _file ?? throw new ObjectDisposedException(nameof(DiskBlobWriter));
            var length = f.Length;
            f.Dispose();
            _file = null;
            var final = Path.Combine(_owner._blobs, Path.GetFileName(_path));
            File.Move(_path, final);
            return new DiskBlob(final, length);
        }

        public override void Dispose()
        {
            if (_file is null) return;
            _file.Dispose();
            _file = null;
            try { File.Delete(_path); } catch (IOException) { }
        }
    }

    private sealed class DiskBlob(string path, long length) : Blob
    {
        public override long Length => length;

        public override Stream OpenRead() =>
            new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16,
                FileOptions.Asynchronous | FileOptions.SequentialScan);

        public override void Delete()
        {
            try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
