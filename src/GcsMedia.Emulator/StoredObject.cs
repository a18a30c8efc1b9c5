using System.Text.Json;

namespace GcsMedia.Emulator;

/// <summary>The writable metadata of an object, as carried in upload requests.</summary>
internal sealed class ObjectMetadata
{
    public string? ContentType { get; set; }
    public string? ContentEncoding { get; set; }
    public string? ContentDisposition { get; set; }
    public string? ContentLanguage { get; set; }
    public string? CacheControl { get; set; }
    public Dictionary<string, string> Custom { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Name, md5Hash and crc32c are also read from the JSON but are not stored metadata.</summary>
    public static (ObjectMetadata Metadata, string? Name, string? Md5, string? Crc32c) FromJson(string json)
    {
        var meta = new ObjectMetadata();
        if (string.IsNullOrWhiteSpace(json)) return (meta, null, null, null);
        JsonDocument doc;
        try { doc = JsonDocument.Parse(json); }
        catch (JsonException e) { throw GcsException.BadRequest("Invalid JSON object metadata: " + e.Message); }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw GcsException.BadRequest("Object metadata must be a JSON object");
            string? Str(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            meta.ContentType = Str("contentType");
            meta.ContentEncoding = Str("contentEncoding");
            meta.ContentDisposition = Str("contentDisposition");
            meta.ContentLanguage = Str("contentLanguage");
            meta.CacheControl = Str("cacheControl");
            if (root.TryGetProperty("metadata", out var m) && m.ValueKind == JsonValueKind.Object)
            {
                foreach (var p in m.EnumerateObject())
                    meta.Custom[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText();
            }
            return (meta, Str("name"), Str("md5Hash"), Str("crc32c"));
        }
    }
}

/// <summary>One live object generation.</summary>
internal sealed class StoredObject
{
    public required string Bucket { get; init; }
    public required string Name { get; init; }
    public required long Generation { get; init; }
    public long Metageneration { get; init; } = 1;
    public required ObjectMetadata Metadata { get; init; }
    public required Blob Content { get; init; }
    public required string Crc32c { get; init; }
    /// <summary>Null for objects assembled by XML multipart upload.</summary>
    public string? Md5 { get; init; }
    public int? ComponentCount { get; init; }
    public required DateTimeOffset TimeCreated { get; init; }

    public long Size => Content.Length;

    /// <summary>A copy that keeps the metadata but not the bytes (for long-lived references such as finished sessions).</summary>
    public StoredObject Detached() => new()
    {
        Bucket = Bucket, Name = Name, Generation = Generation, Metageneration = Metageneration, Metadata = Metadata,
        Content = new DetachedBlob(Content.Length), Crc32c = Crc32c, Md5 = Md5, ComponentCount = ComponentCount,
        TimeCreated = TimeCreated,
    };

    private sealed class DetachedBlob(long length) : Blob
    {
        public override long Length => length;
        public override Stream OpenRead() => throw GcsException.NotFound("The object content is no longer available.");
        public override void Delete() { }
    }
    public string ContentType => Metadata.ContentType ?? "application/octet-stream";
    public bool IsGzip => string.Equals(Metadata.ContentEncoding, "gzip", StringComparison.OrdinalIgnoreCase);
    public ObjectHashes Hashes => new(Crc32c, Md5);
    public string ETag => Convert.ToBase64String(BitConverter.GetBytes(Generation)).TrimEnd('=');
}

/// <summary>A bucket (only its name and creation time matter here).</summary>
internal sealed record BucketInfo(string Name, string Project, DateTimeOffset TimeCreated);

/// <summary>Generation / metageneration conditions from the query string.</summary>
internal readonly record struct Preconditions(long? IfGenerationMatch, long? IfGenerationNotMatch,
    long? IfMetagenerationMatch, long? IfMetagenerationNotMatch)
{
    public static Preconditions FromQuery(IQueryCollection q) => new(
        QueryValues.OptionalLong(q, "ifGenerationMatch"), QueryValues.OptionalLong(q, "ifGenerationNotMatch"),
        QueryValues.OptionalLong(q, "ifMetagenerationMatch"), QueryValues.OptionalLong(q, "ifMetagenerationNotMatch"));

    /// <summary>Checks the conditions for a write against the current live object (null when absent).</summary>
    public void CheckForWrite(StoredObject? current)
    {
        var gen = current?.Generation ?? 0;
        if (IfGenerationMatch is { } m && m != gen) throw GcsException.PreconditionFailed();
        if (IfGenerationNotMatch is { } n && n == gen) throw GcsException.PreconditionFailed();
        if (IfMetagenerationMatch is { } mm && (current is null || current.Metageneration != mm)) throw GcsException.PreconditionFailed();
        if (IfMetagenerationNotMatch is { } mn && current is not null && current.Metageneration == mn) throw GcsException.PreconditionFailed();
    }

    /// <summary>Checks the conditions for a read: "match" failures are 412, "not match" failures are 304.</summary>
    public void CheckForRead(StoredObject current)
    {
        if (IfGenerationMatch is { } m && m != current.Generation) throw GcsException.PreconditionFailed();
        if (IfMetagenerationMatch is { } mm && mm != current.Metageneration) throw GcsException.PreconditionFailed();
        if (IfGenerationNotMatch is { } n && n == current.Generation) throw new GcsException(304, "notModified", "Not Modified");
        if (IfMetagenerationNotMatch is { } mn && mn == current.Metageneration) throw new GcsException(304, "notModified", "Not Modified");
    }
}

internal static class QueryValues
{
    public static long? OptionalLong(IQueryCollection q, string name)
    {
        var s = q[name].ToString();
        if (string.IsNullOrEmpty(s)) return null;
        return long.TryParse(s, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var v)
            ? v
            : throw GcsException.BadRequest($"Invalid value for {name}: {s}");
    }
}
