namespace GcsMedia.Emulator;

/// <summary>
/// GCS wants storage.objects.delete, besides the create permission, from a request that replaces an existing
/// object. This finds the object an upload or an XML multipart completion would replace, when the request names it
/// in its URL (a JSON upload whose name is only in the body's metadata is not checked) and does not rule out
/// replacing with a generation-match precondition of 0.
/// </summary>
internal static class OverwriteCheck
{
    public const string Permission = "storage.objects.delete";

    /// <summary>The (bucket, name) the request would replace, or null when it replaces nothing that can be seen.</summary>
    public static (string Bucket, string Name)? Target(string? routeMethod, ApiFlavor flavor, HttpRequest request, ObjectStore store)
    {
        var target = routeMethod switch
        {
            "storage.objects.insert" when flavor == ApiFlavor.Json => JsonUploadTarget(request),
            "storage.objects.insert" or "storage.multipart.complete" => XmlTarget(request),
            _ => null,
        };
        if (target is null) return null;
        return store.TryGet(target.Value.Bucket, target.Value.Name) is null ? null : target;
    }

    private static (string Bucket, string Name)? JsonUploadTarget(HttpRequest request)
    {
        // POST /upload/storage/v1/b/{bucket}/o?name=...; a session's chunks (upload_id) were authorized when it started.
        var segments = request.Path.Value!.Trim('/').Split('/');
        var name = request.Query["name"].ToString();
        if (segments.Length != 6 || name.Length == 0 || request.Query.ContainsKey("upload_id")) return null;
        if (request.Query["ifGenerationMatch"].ToString() == "0") return null;
        return (Uri.UnescapeDataString(segments[4]), name);
    }

    private static (string Bucket, string Name)? XmlTarget(HttpRequest request)
    {
        var path = request.Path.Value!.TrimStart('/');
        var slash = path.IndexOf('/');
        if (slash <= 0 || slash == path.Length - 1) return null;
        if (request.Headers["x-goog-if-generation-match"].ToString() == "0") return null;
        return (Uri.UnescapeDataString(path[..slash]), Uri.UnescapeDataString(path[(slash + 1)..]));
    }
}
