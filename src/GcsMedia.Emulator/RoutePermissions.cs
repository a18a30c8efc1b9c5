namespace GcsMedia.Emulator;

/// <summary>
/// The IAM permission each route needs when the emulator enforces access (--auth-tokens), keyed by the route's
/// method name (the names storage-testbench's retry tests use). Modelled on GCS's documented permission per JSON
/// and XML API method. A route not in the table (the /retry_test control plane) needs none, and neither does a
/// resumable session's chunk or cancel request: its session URI is the capability, as on GCS. Replacing an existing
/// object needs storage.objects.delete as well (<see cref="OverwriteCheck"/>).
/// </summary>
internal static class RoutePermissions
{
    private static readonly Dictionary<string, string> ByMethod = new(StringComparer.Ordinal)
    {
        // JSON API objects (and the XML API's object PUT/GET/DELETE, which share these names).
        ["storage.objects.insert"] = "storage.objects.create",
        ["storage.objects.get"] = "storage.objects.get",
        ["storage.objects.list"] = "storage.objects.list",
        ["storage.objects.delete"] = "storage.objects.delete",
        // A rewrite (copy) creates the destination; GCS also wants storage.objects.get on the source, not modelled here.
        ["storage.objects.rewrite"] = "storage.objects.create",
        // JSON API buckets.
        ["storage.buckets.insert"] = "storage.buckets.create",
        ["storage.buckets.get"] = "storage.buckets.get",
        ["storage.buckets.list"] = "storage.buckets.list",
        ["storage.buckets.delete"] = "storage.buckets.delete",
        // XML API multipart uploads: initiate, upload part and complete all create the upload's data.
        ["storage.multipart.initiate"] = "storage.multipartUploads.create",
        ["storage.multipart.uploadPart"] = "storage.multipartUploads.create",
        ["storage.multipart.complete"] = "storage.multipartUploads.create",
        ["storage.multipart.abort"] = "storage.multipartUploads.abort",
        ["storage.multipart.list"] = "storage.multipartUploads.list",
        ["storage.multipart.listParts"] = "storage.multipartUploads.listParts",
    };

    /// <summary>The permission a request on <paramref name="routeMethod"/> needs, or null when it needs none.</summary>
    public static string? For(string? routeMethod, HttpRequest request)
    {
        if (routeMethod is null) return null;
        if (request.Path.StartsWithSegments("/upload") && request.Query.ContainsKey("upload_id")) return null;
        return ByMethod.TryGetValue(routeMethod, out var permission) ? permission : null;
    }

    /// <summary>Every permission the table knows, for validating a token file.</summary>
    public static IReadOnlyCollection<string> Known => ByMethod.Values.Distinct(StringComparer.Ordinal).ToList();
}
