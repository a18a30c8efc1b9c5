using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace GcsMedia.Emulator;

/// <summary>The catalog of a --data-dir: one small JSON file per bucket, object, resumable session and XML multipart
/// upload under catalog/, each replaced atomically (written beside, then renamed over), so that a kill -9 at any moment
/// leaves either the old or the new record. The bytes themselves are the blob files of <see cref="DiskBlobStore"/>.</summary>
internal sealed class DataDirectoryCatalog : ICatalog
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };
    private readonly DiskBlobStore _blobs;
    private readonly string _buckets;
    private readonly string _objects;
    private readonly string _sessions;
    private readonly string _uploads;

    public DataDirectoryCatalog(string root, DiskBlobStore blobs)
    {
        _blobs = blobs;
        var catalog = Path.Combine(Path.GetFullPath(root), "catalog");
        _buckets = Directory.CreateDirectory(Path.Combine(catalog, "buckets")).FullName;
        _objects = Directory.CreateDirectory(Path.Combine(catalog, "objects")).FullName;
        _sessions = Directory.CreateDirectory(Path.Combine(catalog, "sessions")).FullName;
        _uploads = Directory.CreateDirectory(Path.Combine(catalog, "uploads")).FullName;
    }

    public void SaveBucket(BucketInfo bucket) => Write(Path.Combine(_buckets, bucket.Name + ".json"), bucket);
    public void RemoveBucket(string name) => Remove(Path.Combine(_buckets, name + ".json"));
    public void SaveObject(StoredObject o) => Write(ObjectPath(o.Bucket, o.Name), ObjectRecord.From(o));
    public void RemoveObject(string bucket, string name) => Remove(ObjectPath(bucket, name));

    public void SaveSession(ResumableSession s) => Write(Path.Combine(_sessions, s.Id + ".json"), new SessionRecord(
        s.Id, s.Bucket, s.Name, s.Metadata, s.Preconditions, s.DeclaredLength, s.ExpectedCrc32c, s.ExpectedMd5,
        s.State == SessionState.Completed ? null : s.Writer.FileName, s.State == SessionState.Completed ? 0 : s.Persisted,
        s.Result is null ? null : ObjectRecord.From(s.Result)));

    public void RemoveSession(string id) => Remove(Path.Combine(_sessions, id + ".json"));

    public void SaveUpload(MultipartUpload u) => Write(Path.Combine(_uploads, u.Id + ".json"), new UploadRecord(
        u.Id, u.Bucket, u.Key, u.Metadata, u.Initiated,
        u.Parts.Values.Select(p => new PartRecord(p.Number, p.Content.FileNames.Single(), p.Md5Hex, p.Hashes.Crc32c, p.Hashes.Md5,
            p.LastModified)).ToList()));

    public void RemoveUpload(string id) => Remove(Path.Combine(_uploads, id + ".json"));

    /// <summary>Loads everything back into a fresh emulator and deletes files nothing refers to.</summary>
    public void Restore(ObjectStore store, ResumableSessions sessions, MultipartUploads uploads)
    {
        foreach (var bucket in ReadAll<BucketInfo>(_buckets)) store.Restore(bucket);

        var referenced = new HashSet<string>(StringComparer.Ordinal);
        foreach (var record in ReadAll<ObjectRecord>(_objects))
        {
            var o = record.ToStoredObject(_blobs);
            if (o is null) continue;
            store.Restore(o);
            referenced.UnionWith(record.Files);
        }

        foreach (var record in ReadAll<UploadRecord>(_uploads))
        {
            // A completion that crashed after committing the object but before forgetting the upload: the parts are the object's now.
            if (record.Parts.Any(p => referenced.Contains(p.File)) || record.Parts.Any(p => !BlobExists(p.File)))
            {
                RemoveUpload(record.Id);
                continue;
            }
            var upload = new MultipartUpload
            {
                Id = record.Id, Bucket = record.Bucket, Key = record.Key, Metadata = record.Metadata, Initiated = record.Initiated,
            };
            foreach (var p in record.Parts)
            {
                upload.Parts[p.Number] = new UploadedPart(p.Number, _blobs.Open(p.File), p.Md5Hex, new ObjectHashes(p.Crc32c, p.Md5), p.LastModified);
                referenced.Add(p.File);
            }
            uploads.Restore(upload);
        }

        var temporaries = new HashSet<string>(StringComparer.Ordinal);
        foreach (var record in ReadAll<SessionRecord>(_sessions))
        {
            ResumableSession? session;
            try { session = RestoreSession(record, store); }
            catch (Exception e) when (e is IOException or InvalidDataException)
            {
                Console.Error.WriteLine($"emulator: dropping a resumable session that cannot be restored: {e.Message}");
                session = null;
            }
            if (session is null)
            {
                RemoveSession(record.Id);
                continue;
            }
            if (record.TempFile is not null) temporaries.Add(record.TempFile);
            sessions.Restore(session);
        }

        _blobs.DeleteUnreferenced(referenced, temporaries);
        foreach (var folder in new[] { _buckets, _objects, _sessions, _uploads })
        {
            foreach (var leftover in Directory.GetFiles(folder, "*.tmp")) Remove(leftover);
        }
    }

    private ResumableSession? RestoreSession(SessionRecord r, ObjectStore store)
    {
        if (r.Result is { } result)
        {
            var finished = result.ToStoredObject(null);
            if (finished is null) return null;
            var done = NewSession(r, store.CreateWriter());
            done.Writer.Dispose();
            done.Result = finished;
            done.State = SessionState.Completed;
            done.Hasher.Dispose();
            return done;
        }
        if (r.TempFile is null || _blobs.Resume(r.TempFile, r.Persisted) is not { } writer) return null;
        var open = NewSession(r, writer);
        // The running hashes are not stored: they are recomputed from the bytes persisted so far.
        using var persisted = _blobs.OpenTemporary(r.TempFile);
        var buffer = new byte[1 << 16];
        var remaining = r.Persisted;
        while (remaining > 0)
        {
            var n = persisted.Read(buffer, 0, (int)Math.Min(buffer.Length, remaining));
            if (n == 0) throw new InvalidDataException("its temporary file is shorter than recorded"); // the id is a capability: not named
            open.Hasher.Append(buffer.AsSpan(0, n));
            remaining -= n;
        }
        return open;
    }

    private bool BlobExists(string file) => _blobs.Exists(file);

    private static ResumableSession NewSession(SessionRecord r, BlobWriter writer) => new()
    {
        Id = r.Id, Bucket = r.Bucket, Name = r.Name, Metadata = r.Metadata, Preconditions = r.Preconditions,
        DeclaredLength = r.DeclaredLength, ExpectedCrc32c = r.ExpectedCrc32c, ExpectedMd5 = r.ExpectedMd5, Writer = writer,
    };

    private string ObjectPath(string bucket, string name) =>
        Path.Combine(_objects, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(bucket + "\n" + name))) + ".json");

    private static void Write<T>(string path, T record)
    {
        var temporary = path + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        File.WriteAllBytes(temporary, JsonSerializer.SerializeToUtf8Bytes(record, Json));
        File.Move(temporary, path, overwrite: true);
    }

    private static void Remove(string path)
    {
        try { File.Delete(path); } catch (IOException) { }
    }

    private static IEnumerable<T> ReadAll<T>(string folder)
    {
        foreach (var file in Directory.GetFiles(folder, "*.json"))
        {
            T? record;
            try { record = JsonSerializer.Deserialize<T>(File.ReadAllBytes(file), Json); }
            catch (JsonException e)
            {
                // Named by its folder only: a session record's file name is its upload id, a capability.
                Console.Error.WriteLine($"emulator: skipping an unreadable record in catalog/{Path.GetFileName(folder)}: {e.Message}");
                continue;
            }
            if (record is not null) yield return record;
        }
    }

    private sealed record ObjectRecord(string Bucket, string Name, long Generation, long Metageneration, ObjectMetadata Metadata,
        List<string> Files, bool Composite, long Size, string Crc32c, string? Md5, int? ComponentCount, DateTimeOffset TimeCreated)
    {
        public static ObjectRecord From(StoredObject o) => new(o.Bucket, o.Name, o.Generation, o.Metageneration, o.Metadata,
            o.Content.FileNames.ToList(), o.Content is CompositeBlob, o.Size, o.Crc32c, o.Md5, o.ComponentCount, o.TimeCreated);

        /// <summary>The live object, its bytes opened from <paramref name="blobs"/>; detached (metadata only) when null.
        /// Null when a blob file is missing.</summary>
        public StoredObject? ToStoredObject(DiskBlobStore? blobs)
        {
            Blob content;
            try
            {
                content = blobs is null ? new MetadataOnlyBlob(Size)
                    : Composite ? new CompositeBlob(Files.Select(blobs.Open))
                    : Files.Count == 1 ? blobs.Open(Files[0])
                    : throw new InvalidDataException($"object {Bucket}/{Name} has {Files.Count} files");
            }
            catch (Exception e) when (e is IOException or InvalidDataException)
            {
                Console.Error.WriteLine($"emulator: dropping {Bucket}/{Name} from the catalog: {e.Message}");
                return null;
            }
            var o = new StoredObject
            {
                Bucket = Bucket, Name = Name, Generation = Generation, Metageneration = Metageneration, Metadata = Metadata,
                Content = content, Crc32c = Crc32c, Md5 = Md5, ComponentCount = ComponentCount, TimeCreated = TimeCreated,
            };
            return blobs is null ? o.Detached() : o;
        }
    }

    private sealed class MetadataOnlyBlob(long length) : Blob
    {
        public override long Length => length;
        public override Stream OpenRead() => throw new InvalidOperationException("metadata only");
        public override void Delete() { }
    }

    private sealed record SessionRecord(string Id, string Bucket, string Name, ObjectMetadata Metadata, Preconditions Preconditions,
        long? DeclaredLength, string? ExpectedCrc32c, string? ExpectedMd5, string? TempFile, long Persisted, ObjectRecord? Result);

    private sealed record PartRecord(int Number, string File, string Md5Hex, string Crc32c, string? Md5, DateTimeOffset LastModified);

    private sealed record UploadRecord(string Id, string Bucket, string Key, ObjectMetadata Metadata, DateTimeOffset Initiated,
        List<PartRecord> Parts);
}
