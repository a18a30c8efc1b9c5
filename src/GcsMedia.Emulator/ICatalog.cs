namespace GcsMedia.Emulator;

/// <summary>Where the emulator's state is written so that it survives a restart: buckets, live objects, open resumable
/// sessions and open XML multipart uploads. Every call happens after the in-memory change, under the same lock.</summary>
internal interface ICatalog
{
    void SaveBucket(BucketInfo bucket);
    void RemoveBucket(string name);
    void SaveObject(StoredObject o);
    void RemoveObject(string bucket, string name);
    void SaveSession(ResumableSession session);
    void RemoveSession(string id);
    void SaveUpload(MultipartUpload upload);
    void RemoveUpload(string id);
}

/// <summary>State kept in memory only: nothing is written.</summary>
internal sealed class NoCatalog : ICatalog
{
    public static readonly NoCatalog Instance = new();
    public void SaveBucket(BucketInfo bucket) { }
    public void RemoveBucket(string name) { }
    public void SaveObject(StoredObject o) { }
    public void RemoveObject(string bucket, string name) { }
    public void SaveSession(ResumableSession session) { }
    public void RemoveSession(string id) { }
    public void SaveUpload(MultipartUpload upload) { }
    public void RemoveUpload(string id) { }
}
