using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace GcsMedia.Emulator;

/// <summary>One uploaded part of an XML multipart upload.</summary>
internal sealed record UploadedPart(int Number, Blob Content, string Md5Hex, ObjectHashes Hashes, DateTimeOffset LastModified)
{
    public string ETag => $"\"{Md5Hex}\"";
}

/// <summary>An XML multipart upload in progress.</summary>
internal sealed class MultipartUpload
{
    public required string Id { get; init; }
    public required string Bucket { get; init; }
    public required string Key { get; init; }
    public required ObjectMetadata Metadata { get; init; }
    public DateTimeOffset Initiated { get; init; } = DateTimeOffset.UtcNow;
    public SortedDictionary<int, UploadedPart> Parts { get; } = new();
    /// <summary>Set once completed or aborted; guarded by locking <see cref="Parts"/>.</summary>
    public bool Closed { get; set; }
    /// <summary>Serialises completion against itself.</summary>
    public SemaphoreSlim CompleteGate { get; } = new(1, 1);
}

/// <summary>The registry of XML multipart uploads.</summary>
internal sealed class MultipartUploads(ObjectStore store)
{
    public const int MinPartNumber = 1;
    public const int MaxPartNumber = 10000;
    public const long MinPartSize = 5L * 1024 * 1024;

    private readonly ConcurrentDictionary<string, MultipartUpload> _uploads = new(StringComparer.Ordinal);

    public ObjectStore Store => store;

    public MultipartUpload Initiate(string bucket, string key, ObjectMetadata metadata)
    {
        store.GetBucket(bucket);
        var upload = new MultipartUpload
        {
            Id = "ABPnzm" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(36)).Replace('+', '-').Replace('/', '_').TrimEnd('='),
            Bucket = bucket,
            Key = key,
            Metadata = metadata,
        };
        _uploads[upload.Id] = upload;
        store.Catalog.SaveUpload(upload);
        return upload;
    }

    /// <summary>Brings back an open upload from the data directory.</summary>
    public void Restore(MultipartUpload upload) => _uploads[upload.Id] = upload;

    public static GcsException NoSuchUpload(string id) => new(404, "notFound", "The requested upload was not found.", "NoSuchUpload")
    {
        XmlMessage = "The requested upload was not found.",
    };

    public MultipartUpload Find(string bucket, string key, string id)
    {
        store.GetBucket(bucket);
        if (!_uploads.TryGetValue(id, out var u) || u.Bucket != bucket || u.Key != key || u.Closed) throw NoSuchUpload(id);
        return u;
    }

    public IReadOnlyList<MultipartUpload> InBucket(string bucket)
    {
        store.GetBucket(bucket);
        return _uploads.Values.Where(u => u.Bucket == bucket && !u.Closed)
            .OrderBy(u => u.Key, StringComparer.Ordinal).ThenBy(u => u.Initiated).ToList();
    }

    /// <summary>Adds or replaces a part. The blob is deleted if the upload was closed meanwhile.</summary>
    public void PutPart(MultipartUpload upload, UploadedPart part)
    {
        UploadedPart? replaced;
        lock (upload.Parts)
        {
            if (upload.Closed)
            {
                part.Content.Delete();
                throw NoSuchUpload(upload.Id);
            }
            upload.Parts.TryGetValue(part.Number, out replaced);
            upload.Parts[part.Number] = part;
            store.Catalog.SaveUpload(upload);
        }
        replaced?.Content.Delete();
    }

    /// <summary>Aborts an open upload: closes it and deletes all part blobs.</summary>
    public void Abort(MultipartUpload upload)
    {
        lock (upload.Parts)
        {
            if (upload.Closed) throw NoSuchUpload(upload.Id);
            upload.Closed = true;
        }
        Remove(upload);
    }

    /// <summary>Forgets an upload that is already closed and deletes its part blobs, except those in
    /// <paramref name="keep"/> (the parts a completed object is made of).</summary>
    public void Remove(MultipartUpload upload, IReadOnlyCollection<UploadedPart>? keep = null)
    {
        List<UploadedPart> parts;
        lock (upload.Parts)
        {
            parts = upload.Parts.Values.ToList();
            upload.Parts.Clear();
        }
        _uploads.TryRemove(upload.Id, out _);
        store.Catalog.RemoveUpload(upload.Id);
        foreach (var p in parts)
        {
            if (keep is null || !keep.Contains(p)) p.Content.Delete();
        }
    }
}
