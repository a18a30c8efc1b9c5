namespace GcsMedia.Emulator;

internal enum SessionState { Open, Completed, Failed, Cancelled }

/// <summary>One resumable upload: the bytes persisted so far (a temp blob) and their running hashes.</summary>
internal sealed class ResumableSession : IDisposable
{
    public required string Id { get; init; }
    public required string Bucket { get; init; }
    public required string Name { get; init; }
    public required ObjectMetadata Metadata { get; init; }
    public required Preconditions Preconditions { get; init; }
    /// <summary>From X-Upload-Content-Length, when the client declared it.</summary>
    public long? DeclaredLength { get; init; }
    public string? ExpectedCrc32c { get; init; }
    public string? ExpectedMd5 { get; init; }
    public required BlobWriter Writer { get; init; }
    public ObjectHasher Hasher { get; } = new();

    /// <summary>Serialises the PUTs of this session.</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    public SessionState State { get; set; } = SessionState.Open;
    /// <summary>The object created at finalization.</summary>
    public StoredObject? Result { get; set; }
    /// <summary>The error every later request gets once the session failed (bad chunk size, bad checksum, precondition).</summary>
    public GcsException? Failure { get; set; }

    public long Persisted => Writer.Length;

    public void Dispose()
    {
        Writer.Dispose();
        Hasher.Dispose();
    }
}
