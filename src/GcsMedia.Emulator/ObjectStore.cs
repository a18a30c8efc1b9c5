using System.Text.RegularExpressions;

namespace GcsMedia.Emulator;

/// <summary>Buckets and the live generation of each object. Thread-safe; content I/O happens outside the lock.</summary>
internal sealed partial class ObjectStore : IDisposable
{
    private readonly IBlobStore _blobs;
    private readonly object _gate = new();
    private readonly Dictionary<string, BucketInfo> _buckets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SortedDictionary<string, StoredObject>> _objects = new(StringComparer.Ordinal);
    private long _lastGeneration;

    public ObjectStore(IBlobStore blobs, ICatalog? catalog = null)
    {
        _blobs = blobs;
        Catalog = catalog ?? NoCatalog.Instance;
    }

    /// <summary>Where state is persisted (a --data-dir), or nowhere.</summary>
    public ICatalog Catalog { get; }

    public BlobWriter CreateWriter() => _blobs.CreateWriter();

    /// <summary>Unique, increasing generation numbers based on the clock in microseconds.</summary>
    public long NextGeneration()
    {
        while (true)
        {
            var last = Interlocked.Read(ref _lastGeneration);
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000 + (DateTime.UtcNow.Ticks / 10 % 1000);
            var next = Math.Max(last + 1, now);
            if (Interlocked.CompareExchange(ref _lastGeneration, next, last) == last) return next;
        }
    }

    public BucketInfo CreateBucket(string name, string project)
    {
        BucketNames.Validate(name);
        lock (_gate)
        {
            if (_buckets.ContainsKey(name))
                throw new GcsException(409, "conflict", "Your previous request to create the named bucket succeeded and you already own it.", "BucketAlreadyOwnedByYou");
            var b = new BucketInfo(name, project, DateTimeOffset.UtcNow);
            _buckets[name] = b;
            _objects[name] = new SortedDictionary<string, StoredObject>(StringComparer.Ordinal);
            Catalog.SaveBucket(b);
            return b;
        }
    }

    /// <summary>Creates the bucket unless it exists (buckets named on the command line).</summary>
    public BucketInfo EnsureBucket(string name)
    {
        lock (_gate)
        {
            return _buckets.TryGetValue(name, out var existing) ? existing : CreateBucket(name, "test-project");
        }
    }

    /// <summary>Brings back a bucket from the data directory.</summary>
    public void Restore(BucketInfo bucket)
    {
        lock (_gate)
        {
            _buckets[bucket.Name] = bucket;
            if (!_objects.ContainsKey(bucket.Name)) _objects[bucket.Name] = new SortedDictionary<string, StoredObject>(StringComparer.Ordinal);
        }
    }

    /// <summary>Brings back a live object from the data directory (its bucket first).</summary>
    public void Restore(StoredObject o)
    {
        lock (_gate)
        {
            if (!_objects.TryGetValue(o.Bucket, out var objects)) return;
            objects[o.Name] = o;
            if (o.Generation > _lastGeneration) _lastGeneration = o.Generation;
        }
    }

    public BucketInfo GetBucket(string name)
    {
        lock (_gate) return _buckets.TryGetValue(name, out var b) ? b : throw GcsException.BucketNotFound(name);
    }

    public IReadOnlyList<BucketInfo> ListBuckets()
    {
        lock (_gate) return _buckets.Values.OrderBy(b => b.Name, StringComparer.Ordinal).ToList();
    }

    public void DeleteBucket(string name)
    {
        lock (_gate)
        {
            if (!_buckets.ContainsKey(name)) throw GcsException.BucketNotFound(name);
            if (_objects[name].Count > 0) throw new GcsException(409, "conflict", "The bucket you tried to delete is not empty.", "BucketNotEmpty");
            _buckets.Remove(name);
            _objects.Remove(name);
            Catalog.RemoveBucket(name);
        }
    }

    public StoredObject Get(string bucket, string name, long? generation = null)
    {
        lock (_gate)
        {
            if (!_objects.TryGetValue(bucket, out var objects)) throw GcsException.BucketNotFound(bucket);
            if (!objects.TryGetValue(name, out var o) || (generation is { } g && g != o.Generation))
                throw GcsException.ObjectNotFound(bucket, name);
            return o;
        }
    }

    public StoredObject? TryGet(string bucket, string name)
    {
        lock (_gate)
        {
            if (!_objects.TryGetValue(bucket, out var objects)) throw GcsException.BucketNotFound(bucket);
            return objects.GetValueOrDefault(name);
        }
    }

    public void Delete(string bucket, string name, long? generation, Preconditions pre)
    {
        StoredObject o;
        lock (_gate)
        {
            if (!_objects.TryGetValue(bucket, out var objects)) throw GcsException.BucketNotFound(bucket);
            if (!objects.TryGetValue(name, out o!) || (generation is { } g && g != o.Generation))
                throw GcsException.ObjectNotFound(bucket, name);
            pre.CheckForWrite(o);
            objects.Remove(name);
            Catalog.RemoveObject(bucket, name);
        }
        o.Content.Delete();
    }

    /// <summary>Makes <paramref name="content"/> the new live generation, atomically checking preconditions.
    /// On failure the content is deleted.</summary>
    public StoredObject Commit(string bucket, string name, ObjectMetadata metadata, Blob content, uint crc32c, string? md5,
        Preconditions pre, int? componentCount = null)
    {
        StoredObject? old;
        StoredObject created;
        try
        {
            lock (_gate)
            {
                if (!_objects.TryGetValue(bucket, out var objects)) throw GcsException.BucketNotFound(bucket);
                old = objects.GetValueOrDefault(name);
                pre.CheckForWrite(old);
                created = new StoredObject
                {
                    Bucket = bucket,
                    Name = name,
                    Generation = NextGeneration(),
                    Metadata = metadata,
                    Content = content,
                    Crc32c = ObjectHasher.Crc32cToBase64(crc32c),
                    Md5 = md5,
                    ComponentCount = componentCount,
                    TimeCreated = DateTimeOffset.UtcNow,
                };
                objects[name] = created;
                Catalog.SaveObject(created);
            }
        }
        catch
        {
            content.Delete();
            throw;
        }
        old?.Content.Delete();
        return created;
    }

    public void Dispose() => _blobs.Dispose();
}
