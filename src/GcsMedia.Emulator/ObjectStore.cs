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

    public ObjectStore(IBlobStore blobs) => _blobs = blobs;

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

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$")]
    private static partial Regex BucketNamePattern();

    public BucketInfo CreateBucket(string name, string project)
    {
        if (!BucketNamePattern().IsMatch(name) || name.Length > 222)
            throw GcsException.BadRequest($"Invalid bucket name: '{name}'", "InvalidBucketName");
        lock (_gate)
        {
            if (_buckets.ContainsKey(name))
                throw new GcsException(409, "conflict", "Your previous request to create the named bucket succeeded and you already own it.", "BucketAlreadyOwnedByYou");
            var b = new BucketInfo(name, project, DateTimeOffset.UtcNow);
            _buckets[name] = b;
            _objects[name] = new SortedDictionary<string, StoredObject>(StringComparer.Ordinal);
            return b;
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
        }
    }

    public StoredObject Get(string bucket, string name, long? generation = null)
    {
        lock (_gate)
        {
            if (!_objects.TryGetValue(bucket, out var objects)) throw GcsException.BucketNotFound(bucket);
            if (!objects.TryGetValue(name, out var o) || (generation is { } g && g != o.Generation))
                throw GcsException.NotFound($"No such object: {bucket}/{name}");
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
                throw GcsException.NotFound($"No such object: {bucket}/{name}");
            pre.CheckForWrite(o);
            objects.Remove(name);
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
