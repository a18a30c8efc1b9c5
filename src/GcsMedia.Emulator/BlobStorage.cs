namespace GcsMedia.Emulator;

/// <summary>Immutable stored bytes of one object (or one MPU part).</summary>
internal abstract class Blob
{
    public abstract long Length { get; }
    public abstract Stream OpenRead();
    public abstract void Delete();
    /// <summary>The files under the data directory that hold the bytes (none for bytes kept in memory).</summary>
    public virtual IReadOnlyList<string> FileNames => [];
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
    /// <summary>The temporary file being written under the data directory (null for bytes kept in memory).</summary>
    public virtual string? FileName => null;
    /// <summary>Hands written bytes to the operating system, so they survive the emulator process.</summary>
    public virtual void Flush() { }
}

internal interface IBlobStore : IDisposable
{
    BlobWriter CreateWriter();
}

/// <summary>Keeps object bytes in memory; an object that grows past <see cref="SpillBytes"/> moves to a temporary
/// file (deleted with the store), so there is no size ceiling short of the disk.</summary>
internal sealed class MemoryBlobStore(long spillBytes = MemoryBlobStore.DefaultSpillBytes, string? spillParent = null) : IBlobStore
{
    public const long DefaultSpillBytes = 256L * 1024 * 1024;
    private readonly object _spillGate = new();
    private DiskBlobStore? _spill;
    private string? _spillRoot;

    public long SpillBytes => spillBytes;

    public BlobWriter CreateWriter() => new MemoryBlobWriter(this);

    /// <summary>The store for objects too big for memory, created on first use under the system temp folder.</summary>
    private DiskBlobStore Spill()
    {
        lock (_spillGate)
        {
            if (_spill is null)
            {
                var root = Path.Combine(spillParent ?? Path.GetTempPath(), $"gcs-emulator-spill-{Environment.ProcessId}-{Guid.NewGuid():N}");
                _spill = new DiskBlobStore(root);
                _spillRoot = root;
            }
            return _spill;
        }
    }

    public void Dispose()
    {
        lock (_spillGate)
        {
            if (_spillRoot is null) return;
            try { Directory.Delete(_spillRoot, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            _spillRoot = null;
            _spill = null;
        }
    }

    private sealed class MemoryBlobWriter(MemoryBlobStore owner) : BlobWriter
    {
        private MemoryStream? _buffer = new();
        private BlobWriter? _spilled;
        public override long Length => _spilled?.Length ?? _buffer?.Length ?? 0;

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken ct)
        {
            if (_spilled is null)
            {
                var buffer = _buffer ?? throw new ObjectDisposedException(nameof(MemoryBlobWriter));
                if (buffer.Length + data.Length <= owner.SpillBytes)
                {
                    buffer.Write(data.Span);
                    return;
                }
                try
                {
                    _spilled = owner.Spill().CreateWriter();
                    await _spilled.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), ct).ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw CannotSpill(e);
                }
                _buffer = null;
            }
            try
            {
                await _spilled.WriteAsync(data, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException && !ct.IsCancellationRequested)
            {
                throw CannotSpill(e);
            }
        }

        /// <summary>A clear answer instead of a dropped connection (which clients would retry for minutes).</summary>
        private GcsException CannotSpill(Exception e) => new(507, "insufficientStorage",
            $"The emulator keeps objects in memory and moves those over {owner.SpillBytes} bytes to a temporary file, which failed " +
            $"at {Length} bytes ({e.Message}). Start it with --data-dir DIR on a disk with room for the object.", "InsufficientStorage");

        public override void Truncate(long length)
        {
            if (_spilled is not null) _spilled.Truncate(length);
            else _buffer!.SetLength(length);
        }

        public override Blob Commit()
        {
            if (_spilled is not null) return _spilled.Commit();
            var b = _buffer ?? throw new ObjectDisposedException(nameof(MemoryBlobWriter));
            _buffer = null;
            return new MemoryBlob(b.GetBuffer(), (int)b.Length);
        }

        public override void Dispose()
        {
            _buffer = null;
            _spilled?.Dispose();
        }
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

    public BlobWriter CreateWriter() => new DiskBlobWriter(this, null, 0);

    /// <summary>A committed blob, by the file name <see cref="Blob.FileNames"/> gave.</summary>
    public Blob Open(string fileName)
    {
        var path = Path.Combine(_blobs, SafeName(fileName));
        return new DiskBlob(path, new FileInfo(path).Length);
    }

    /// <summary>Reopens a temporary file for appending after <paramref name="length"/> bytes (anything past it, written
    /// before a crash but never acknowledged, is dropped). Null when the file is gone.</summary>
    public BlobWriter? Resume(string fileName, long length)
    {
        var path = Path.Combine(_tmp, SafeName(fileName));
        if (!File.Exists(path) || new FileInfo(path).Length < length) return null;
        return new DiskBlobWriter(this, path, length);
    }

    public bool Exists(string fileName) => File.Exists(Path.Combine(_blobs, SafeName(fileName)));

    /// <summary>Reads a temporary file that a writer may still hold open.</summary>
    public Stream OpenTemporary(string fileName) =>
        new FileStream(Path.Combine(_tmp, SafeName(fileName)), FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16);

    /// <summary>Deletes the files nothing refers to any more (left by a crash between two steps).</summary>
    public void DeleteUnreferenced(IReadOnlySet<string> blobs, IReadOnlySet<string> temporaries)
    {
        foreach (var (folder, keep) in new[] { (_blobs, blobs), (_tmp, temporaries) })
        {
            foreach (var file in Directory.EnumerateFiles(folder))
            {
                if (keep.Contains(Path.GetFileName(file))) continue;
                try { File.Delete(file); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            }
        }
    }

    private static string SafeName(string fileName) =>
        fileName.Length > 0 && Path.GetFileName(fileName) == fileName && fileName is not ("." or "..")
            ? fileName
            : throw new InvalidDataException($"Invalid blob file name in the data directory: '{fileName}'");

    public void Dispose() { }

    private sealed class DiskBlobWriter : BlobWriter
    {
        private readonly DiskBlobStore _owner;
        private readonly string _path;
        private FileStream? _file;

        public DiskBlobWriter(DiskBlobStore owner, string? existingPath, long length)
        {
            _owner = owner;
            _path = existingPath ?? Path.Combine(owner._tmp, Guid.NewGuid().ToString("N"));
            _file = new FileStream(_path, existingPath is null ? FileMode.CreateNew : FileMode.Open, FileAccess.ReadWrite, FileShare.Read,
                1 << 16, FileOptions.Asynchronous);
            if (existingPath is not null)
            {
                _file.SetLength(length);
                _file.Position = length;
            }
        }

        public override long Length => _file?.Length ?? 0;
        public override string? FileName => Path.GetFileName(_path);
        public override void Flush() => _file?.Flush();

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
        public override IReadOnlyList<string> FileNames => [Path.GetFileName(path)];

        public override Stream OpenRead() =>
            new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16,
                FileOptions.Asynchronous | FileOptions.SequentialScan);

        public override void Delete()
        {
            try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}

/// <summary>A blob whose bytes are other blobs in sequence (an XML multipart upload's parts): built without
/// copying, read as one seekable stream, and deleting it deletes every part.</summary>
internal sealed class CompositeBlob : Blob
{
    private readonly Blob[] _parts;
    /// <summary>Start offset of each part, plus the total length at the end.</summary>
    private readonly long[] _offsets;

    public CompositeBlob(IEnumerable<Blob> parts)
    {
        _parts = parts.ToArray();
        _offsets = new long[_parts.Length + 1];
        for (var i = 0; i < _parts.Length; i++) _offsets[i + 1] = _offsets[i] + _parts[i].Length;
    }

    public IReadOnlyList<Blob> Parts => _parts;
    public override long Length => _offsets[^1];
    public override IReadOnlyList<string> FileNames => _parts.SelectMany(p => p.FileNames).ToList();

    /// <summary>Opens every part up front, so (as with a single file) a reader that has started keeps seeing
    /// the bytes even if the object is deleted or replaced meanwhile.</summary>
    public override Stream OpenRead()
    {
        var streams = new Stream[_parts.Length];
        try
        {
            for (var i = 0; i < _parts.Length; i++) streams[i] = _parts[i].OpenRead();
        }
        catch
        {
            foreach (var s in streams) s?.Dispose();
            throw;
        }
        return new ConcatStream(streams, _offsets);
    }

    public override void Delete()
    {
        foreach (var p in _parts) p.Delete();
    }

    private sealed class ConcatStream(Stream[] streams, long[] offsets) : Stream
    {
        private long _position;
        private bool _disposed;

        public override bool CanRead => !_disposed;
        public override bool CanSeek => !_disposed;
        public override bool CanWrite => false;
        public override long Length => offsets[^1];

        public override long Position
        {
            get => _position;
            set => Seek(value, SeekOrigin.Begin);
        }

        public override long Seek(long offset, SeekOrigin origin)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var target = origin switch
            {
                SeekOrigin.Begin => offset,
                SeekOrigin.Current => _position + offset,
                SeekOrigin.End => Length + offset,
                _ => throw new ArgumentOutOfRangeException(nameof(origin)),
            };
            if (target < 0) throw new IOException("An attempt was made to move the position before the beginning of the stream.");
            return _position = target;
        }

        /// <summary>The part holding <see cref="_position"/> (skipping empty parts), positioned there; null at the end.</summary>
        private Stream? Current(out int available)
        {
            available = 0;
            if (_position >= Length) return null;
            var i = Array.BinarySearch(offsets, _position);
            // Exact hit: the part starting here (the last of equal offsets, so empty parts are skipped).
            if (i >= 0) { while (i + 1 < offsets.Length && offsets[i + 1] == _position) i++; }
            else i = ~i - 1;
            var s = streams[i];
            var local = _position - offsets[i];
            if (s.Position != local) s.Position = local;
            available = (int)Math.Min(int.MaxValue, offsets[i + 1] - _position);
            return s;
        }

        public override int Read(Span<byte> buffer)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (buffer.IsEmpty) return 0;
            var s = Current(out var available);
            if (s is null) return 0;
            var n = s.Read(buffer[..Math.Min(buffer.Length, available)]);
            if (n == 0) throw new EndOfStreamException("A multipart component is shorter than recorded.");
            _position += n;
            return n;
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (buffer.IsEmpty) return 0;
            var s = Current(out var available);
            if (s is null) return 0;
            var n = await s.ReadAsync(buffer[..Math.Min(buffer.Length, available)], ct).ConfigureAwait(false);
            if (n == 0) throw new EndOfStreamException("A multipart component is shorter than recorded.");
            _position += n;
            return n;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
            ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

        public override void Flush() { }
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (!_disposed && disposing)
            {
                foreach (var s in streams) s.Dispose();
            }
            _disposed = true;
            base.Dispose(disposing);
        }

        public override async ValueTask DisposeAsync()
        {
            if (!_disposed)
            {
                _disposed = true;
                foreach (var s in streams) await s.DisposeAsync().ConfigureAwait(false);
            }
            await base.DisposeAsync().ConfigureAwait(false);
        }
    }
}
