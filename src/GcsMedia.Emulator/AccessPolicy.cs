using System.Text.Json;

namespace GcsMedia.Emulator;

/// <summary>
/// Bearer-token access control (--auth-tokens FILE): each token maps to the IAM permissions it holds. Every
/// request that needs a permission (<see cref="RoutePermissions"/>) must carry "Authorization: Bearer TOKEN";
/// without one it is answered 401, with a token lacking the permission 403, in GCS's words. Tokens are never
/// echoed in responses.
/// </summary>
internal sealed class AccessPolicy
{
    private readonly Dictionary<string, HashSet<string>> _tokens;
    private readonly ObjectStore _store;

    public AccessPolicy(IReadOnlyDictionary<string, string[]> tokens, ObjectStore store)
    {
        _store = store;
        _tokens = tokens.ToDictionary(t => t.Key, t => new HashSet<string>(t.Value, StringComparer.Ordinal), StringComparer.Ordinal);
    }

    /// <summary>Reads a JSON object of token -> array of permission names.</summary>
    public static IReadOnlyDictionary<string, string[]> ReadTokenFile(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        if (doc.RootElement.ValueKind != JsonValueKind.Object)
            throw new FormatException($"{path}: expected a JSON object mapping each token to an array of permissions.");
        var result = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var token in doc.RootElement.EnumerateObject())
        {
            if (token.Value.ValueKind != JsonValueKind.Array || token.Value.EnumerateArray().Any(p => p.ValueKind != JsonValueKind.String))
                throw new FormatException($"{path}: the permissions of each token must be an array of strings such as \"storage.objects.create\".");
            result[token.Name] = token.Value.EnumerateArray().Select(p => p.GetString()!).ToArray();
        }
        return result;
    }

    /// <summary>
    /// Throws the 401/403 a request on a route gets when its token lacks the route's permission, or, for a request
    /// that would replace an existing object, storage.objects.delete too.
    /// </summary>
    public void Demand(HttpRequest request, string? routeMethod, ApiFlavor flavor)
    {
        if (RoutePermissions.For(routeMethod, request) is not { } permission) return;
        Demand(request, permission);
        if (OverwriteCheck.Target(routeMethod, flavor, request, _store) is not null) Demand(request, OverwriteCheck.Permission);
    }

    private void Demand(HttpRequest request, string permission)
    {
        var resource = $"the Google Cloud Storage resource {request.Path}";
        var header = request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) || header.Length == scheme.Length)
        {
            throw new GcsException(401, "required",
                $"Anonymous caller does not have {permission} access to {resource}. Send an Authorization: Bearer token.", "AuthenticationRequired");
        }
        if (!_tokens.TryGetValue(header[scheme.Length..].Trim(), out var granted))
        {
            throw new GcsException(401, "authError", "Invalid Credentials: the bearer token is not known to this emulator.", "AuthenticationRequired");
        }
        if (!granted.Contains(permission))
        {
            throw new GcsException(403, "forbidden",
                $"The caller does not have {permission} access to {resource}. Permission '{permission}' denied on resource (or it may not exist).", "AccessDenied");
        }
    }
}
