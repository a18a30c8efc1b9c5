using System.Globalization;
using System.Text.Json;

namespace GcsMedia.Emulator;

/// <summary>GCS JSON API resource shapes (storage#object, storage#bucket, lists).</summary>
internal static class ResourceJson
{
    public static string Timestamp(DateTimeOffset t) =>
        t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static string EscapeName(string name) => Uri.EscapeDataString(name);

    public static void WriteObject(Utf8JsonWriter w, StoredObject o, string baseUrl)
    {
        var gen = o.Generation.ToString(CultureInfo.InvariantCulture);
        var escBucket = EscapeName(o.Bucket);
        var escName = EscapeName(o.Name);
        w.WriteStartObject();
        w.WriteString("kind", "storage#object");
        w.WriteString("id", $"{o.Bucket}/{o.Name}/{gen}");
        w.WriteString("selfLink", $"{baseUrl}/storage/v1/b/{escBucket}/o/{escName}");
        w.WriteString("mediaLink", $"{baseUrl}/download/storage/v1/b/{escBucket}/o/{escName}?generation={gen}&alt=media");
        w.WriteString("name", o.Name);
        w.WriteString("bucket", o.Bucket);
        w.WriteString("generation", gen);
        w.WriteString("metageneration", o.Metageneration.ToString(CultureInfo.InvariantCulture));
        w.WriteString("contentType", o.ContentType);
        var m = o.Metadata;
        if (m.ContentEncoding is not null) w.WriteString("contentEncoding", m.ContentEncoding);
        if (m.ContentDisposition is not null) w.WriteString("contentDisposition", m.ContentDisposition);
        if (m.ContentLanguage is not null) w.WriteString("contentLanguage", m.ContentLanguage);
        if (m.CacheControl is not null) w.WriteString("cacheControl", m.CacheControl);
        w.WriteString("storageClass", "STANDARD");
        w.WriteString("size", o.Size.ToString(CultureInfo.InvariantCulture));
        if (o.Md5 is not null) w.WriteString("md5Hash", o.Md5);
        w.WriteString("crc32c", o.Crc32c);
        if (o.ComponentCount is { } cc) w.WriteNumber("componentCount", cc);
        w.WriteString("etag", o.ETag);
        var created = Timestamp(o.TimeCreated);
        w.WriteString("timeCreated", created);
        w.WriteString("updated", created);
        w.WriteString("timeStorageClassUpdated", created);
        if (m.Custom.Count > 0)
        {
            w.WriteStartObject("metadata");
            foreach (var (k, v) in m.Custom) w.WriteString(k, v);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    public static void WriteBucket(Utf8JsonWriter w, BucketInfo b, string baseUrl)
    {
        w.WriteStartObject();
        w.WriteString("kind", "storage#bucket");
        w.WriteString("id", b.Name);
        w.WriteString("selfLink", $"{baseUrl}/storage/v1/b/{EscapeName(b.Name)}");
        w.WriteString("projectNumber", "123456789");
        w.WriteString("name", b.Name);
        w.WriteString("timeCreated", Timestamp(b.TimeCreated));
        w.WriteString("updated", Timestamp(b.TimeCreated));
        w.WriteString("metageneration", "1");
        w.WriteString("location", "US");
        w.WriteString("locationType", "multi-region");
        w.WriteString("storageClass", "STANDARD");
        w.WriteString("etag", "CAE=");
        w.WriteEndObject();
    }
}
