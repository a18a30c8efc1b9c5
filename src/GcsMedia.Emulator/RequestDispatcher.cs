using System.Text;
using Microsoft.AspNetCore.Http.Features;

namespace GcsMedia.Emulator;

/// <summary>A matched route: the retry-test method name it counts as, its error flavor and its handler.</summary>
// StartsSession: a resumable upload's initiating POST. Like storage-testbench, byte-offset faults
// ("-after-YK") wait in the queue for a request that carries media instead of firing on its small JSON body.
internal sealed record Route(string? Method, ApiFlavor Flavor, bool IsUpload, Func<EmulatorRequest, Task> Handler, bool StartsSession = false);

/// <summary>The single request entry point: shaping, routing, fault injection and last-chance error handling.</summary>
internal sealed class RequestDispatcher
{
    private static readonly HashSet<string> ReservedTopLevel = new(StringComparer.Ordinal)
        { "storage", "upload", "download", "retry_test", "retry_tests", "b" };

    private readonly RetryTestRegistry _retryTests;
    private readonly ShapingPolicy _shaping;
    private readonly RetryTestEndpoints _retryEndpoints;
    private readonly JsonApiBuckets _buckets;
    private readonly JsonApiObjects _objects;
    private readonly MediaDownloads _downloads;
    private readonly MediaUploads _uploads;
    private readonly ResumableSessions _sessions;
    private readonly XmlMultipartEndpoints _xml;
    private readonly JsonApiRewrite _rewrite;
    private readonly AccessPolicy? _access;

    public RequestDispatcher(ObjectStore store, ResumableSessions sessions, MultipartUploads mpu, RetryTestRegistry retryTests,
        ShapingPolicy shaping, long rewriteBytesPerCall = 0, AccessPolicy? access = null)
    {
        _access = access;
        _retryTests = retryTests;
        _shaping = shaping;
        _sessions = sessions;
        _retryEndpoints = new RetryTestEndpoints(retryTests);
        _buckets = new JsonApiBuckets(store);
        _objects = new JsonApiObjects(store);
        _downloads = new MediaDownloads(store);
        _uploads = new MediaUploads(store, sessions);
        _xml = new XmlMultipartEndpoints(store, mpu);
        _rewrite = new JsonApiRewrite(store, rewriteBytesPerCall);
    }

    public async Task HandleAsync(HttpContext ctx)
    {
        var flavor = ApiFlavor.Json;
        try
        {
            await _shaping.ApplyAsync(ctx).ConfigureAwait(false);
            var path = ctx.Request.Path.Value ?? "/";
            flavor = IsJsonPath(path) ? ApiFlavor.Json : ApiFlavor.Xml;
            var route = Match(ctx);
            if (route is null)
            {
                throw new GcsException(404, "notFound", $"No such route: {ctx.Request.Method} {path}", "NotFound");
            }
            flavor = route.Flavor;
            _access?.Demand(ctx.Request, route.Method, flavor);
            if (flavor == ApiFlavor.Json) GzipRequestBody.DecodeIfGzipped(ctx);

            var fault = _retryTests.Consume(ctx.Request, route.Method, skipByteOffsetFaults: route.StartsSession);
            FaultingRequestStream? faultedBody = null;
            if (fault is not null)
            {
                switch (fault.Kind)
                {
                    case FaultKind.ReturnStatus:
                        await GcsErrors.WriteAsync(ctx, flavor, fault.Status, GcsErrors.ReasonFor(fault.Status),
                            $"Retry test fault injected: {fault.Text}").ConfigureAwait(false);
                        return;
                    case FaultKind.ResetConnection:
                        ConnectionTermination.Reset(ctx);
                        return;
                }
                if (route.IsUpload)
                    ctx.Request.Body = faultedBody = new FaultingRequestStream(ctx.Request.Body, fault, ctx);
                else
                    ctx.Response.Body = new FaultingResponseStream(ctx.Response.Body, fault, ctx);
            }

            await route.Handler(new EmulatorRequest(ctx, flavor, fault, faultedBody)).ConfigureAwait(false);
        }
        catch (GcsException e)
        {
            await GcsErrors.WriteAsync(ctx, flavor, e).ConfigureAwait(false);
        }
        catch (FaultAbortException) { }
        catch (InvalidDataException e) when (GzipRequestBody.WasDecoded(ctx))
        {
            await GcsErrors.WriteAsync(ctx, flavor, 400, "invalid", "The gzip-encoded request body is corrupt: " + e.Message).ConfigureAwait(false);
        }
        catch (Exception) when (ctx.RequestAborted.IsCancellationRequested) { }
        catch (BadHttpRequestException e)
        {
            await GcsErrors.WriteAsync(ctx, flavor, e.StatusCode, GcsErrors.ReasonFor(e.StatusCode), e.Message, "InvalidRequest").ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            ctx.Abort();
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"emulator: unhandled {e.GetType().Name} for {ctx.Request.Method} {ctx.Request.Path}: {e.Message}");
            await GcsErrors.WriteAsync(ctx, flavor, 500, "internalError", "Internal error: " + e.Message, "InternalError").ConfigureAwait(false);
        }
    }

    private static bool IsJsonPath(string path)
    {
        var first = path.TrimStart('/').Split('/')[0];
        return first.Length == 0 || ReservedTopLevel.Contains(first);
    }

    /// <summary>Splits the raw (still percent-encoded) request target, so that %2F inside names survives.</summary>
    private static string[] RawSegments(HttpContext ctx)
    {
        var target = ctx.Features.Get<IHttpRequestFeature>()?.RawTarget ?? ctx.Request.Path.Value ?? "/";
        var q = target.IndexOf('?');
        if (q >= 0) target = target[..q];
        if (target.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || target.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            var slash = target.IndexOf('/', target.IndexOf("//", StringComparison.Ordinal) + 2);
            target = slash < 0 ? "/" : target[slash..];
        }
        return target.TrimStart('/').Split('/');
    }

    private static string Decode(string raw)
    {
        try { return Uri.UnescapeDataString(raw); }
        catch (UriFormatException) { throw GcsException.BadRequest("Invalid percent-encoding in path"); }
    }

    private static string ObjectName(string[] raw, int from, ApiFlavor flavor)
    {
        var name = Decode(string.Join('/', raw[from..]));
        if (name.Length == 0) throw GcsException.BadRequest("Object name must not be empty", "InvalidArgument");
        if (Encoding.UTF8.GetByteCount(name) > 1024) throw GcsException.BadRequest("Object name is longer than 1024 bytes", "KeyTooLong");
        _ = flavor;
        return name;
    }

    private Route? Match(HttpContext ctx)
    {
        var raw = RawSegments(ctx);
        var method = ctx.Request.Method;
        var q = ctx.Request.Query;
        if (raw.Length == 0 || raw[0].Length == 0) return null;
        bool Is(string m) => HttpMethods.Equals(method, m);
        bool IsGetOrHead = Is("GET") || Is("HEAD");

        switch (raw[0])
        {
            case "retry_test":
                if (raw.Length == 1 && Is("POST")) return new(null, ApiFlavor.Json, false, r => _retryEndpoints.CreateAsync(r.Http));
                if (raw.Length == 1 && Is("GET")) return new(null, ApiFlavor.Json, false, r => _retryEndpoints.ListAsync(r.Http));
                if (raw.Length == 2 && Is("GET")) return new(null, ApiFlavor.Json, false, r => _retryEndpoints.GetAsync(r.Http, Decode(raw[1])));
                if (raw.Length == 2 && Is("DELETE")) return new(null, ApiFlavor.Json, false, r => _retryEndpoints.DeleteAsync(r.Http, Decode(raw[1])));
                return null;
            case "retry_tests":
                return raw.Length == 1 && Is("GET") ? new(null, ApiFlavor.Json, false, r => _retryEndpoints.ListAsync(r.Http)) : null;
            case "storage":
                return MatchJsonApi(raw, Is, IsGetOrHead, q);
            case "b":
                // The JSON API without its /storage/v1 prefix, as Google's Node.js client sends it when STORAGE_EMULATOR_HOST
                // is set. No XML request starts so: "b" is too short to be a bucket name.
                return MatchJsonApi(["storage", "v1", .. raw], Is, IsGetOrHead, q);
            case "download":
                if (raw.Length >= 7 && raw[1] == "storage" && raw[2] == "v1" && raw[3] == "b" && raw[5] == "o" && IsGetOrHead)
                {
                    var bucket = Decode(raw[4]);
                    var name = ObjectName(raw, 6, ApiFlavor.Json);
                    return new("storage.objects.get", ApiFlavor.Json, false, r => _downloads.DownloadAsync(r, bucket, name));
                }
                return null;
            case "upload":
                if (raw.Length == 6 && raw[1] == "storage" && raw[2] == "v1" && raw[3] == "b" && raw[5] == "o")
                {
                    var bucket = Decode(raw[4]);
                    var uploadId = q["upload_id"].ToString();
                    if (uploadId.Length > 0)
                    {
                        if (Is("PUT") || Is("POST")) return new("storage.objects.insert", ApiFlavor.Json, true, r => _sessions.HandleChunkAsync(r, bucket, uploadId));
                        if (Is("DELETE")) return new(null, ApiFlavor.Json, false, r => _sessions.CancelAsync(r, bucket, uploadId));
                        return null;
                    }
                    if (Is("POST")) return new("storage.objects.insert", ApiFlavor.Json, true, r => _uploads.InsertAsync(r, bucket),
                        StartsSession: q["uploadType"].ToString() == "resumable");
                }
                return null;
            default:
                return MatchXmlApi(raw, Is, IsGetOrHead, q);
        }
    }

    private Route? MatchJsonApi(string[] raw, Func<string, bool> Is, bool isGetOrHead, IQueryCollection q)
    {
        if (raw.Length < 3 || raw[1] != "v1" || raw[2] != "b") return null;
        if (raw.Length == 3 || (raw.Length == 4 && raw[3].Length == 0))
        {
            if (Is("POST")) return new("storage.buckets.insert", ApiFlavor.Json, false, r => _buckets.InsertAsync(r));
            if (Is("GET")) return new("storage.buckets.list", ApiFlavor.Json, false, r => _buckets.ListAsync(r));
            return null;
        }
        var bucket = Decode(raw[3]);
        if (raw.Length == 4)
        {
            if (Is("GET")) return new("storage.buckets.get", ApiFlavor.Json, false, r => _buckets.GetAsync(r, bucket));
            if (Is("DELETE")) return new("storage.buckets.delete", ApiFlavor.Json, false, r => _buckets.DeleteAsync(r, bucket));
            return null;
        }
        if (raw[4] != "o") return null;
        if (raw.Length == 5 || (raw.Length == 6 && raw[5].Length == 0))
            return Is("GET") ? new("storage.objects.list", ApiFlavor.Json, false, r => _objects.ListAsync(r, bucket)) : null;
        if (Is("POST") && JsonApiRewrite.TryParseRoute(raw, out var rewriteTo))
        {
            var sourceName = ObjectName(raw[..rewriteTo], 5, ApiFlavor.Json);
            var destinationBucket = Decode(raw[rewriteTo + 2]);
            var destinationName = ObjectName(raw, rewriteTo + 4, ApiFlavor.Json);
            return new("storage.objects.rewrite", ApiFlavor.Json, false,
                r => _rewrite.RewriteAsync(r, bucket, sourceName, destinationBucket, destinationName));
        }
        var name = ObjectName(raw, 5, ApiFlavor.Json);
        if (isGetOrHead)
        {
            return q["alt"].ToString() == "media"
                ? new("storage.objects.get", ApiFlavor.Json, false, r => _downloads.DownloadAsync(r, bucket, name))
                : new("storage.objects.get", ApiFlavor.Json, false, r => _objects.GetAsync(r, bucket, name));
        }
        if (Is("DELETE")) return new("storage.objects.delete", ApiFlavor.Json, false, r => _objects.DeleteAsync(r, bucket, name));
        return null;
    }

    private Route? MatchXmlApi(string[] raw, Func<string, bool> Is, bool isGetOrHead, IQueryCollection q)
    {
        var bucket = Decode(raw[0]);
        if (raw.Length == 1 || (raw.Length == 2 && raw[1].Length == 0))
        {
            if (Is("GET") && q.ContainsKey("uploads"))
                return new("storage.multipart.list", ApiFlavor.Xml, false, r => _xml.ListUploadsAsync(r, bucket));
            return null;
        }
        var key = ObjectName(raw, 1, ApiFlavor.Xml);
        var uploadId = q["uploadId"].ToString();
        var hasUploadId = q.ContainsKey("uploadId");
        if (Is("POST") && q.ContainsKey("uploads"))
            return new("storage.multipart.initiate", ApiFlavor.Xml, false, r => _xml.InitiateAsync(r, bucket, key));
        if (Is("POST") && hasUploadId)
            return new("storage.multipart.complete", ApiFlavor.Xml, false, r => _xml.CompleteAsync(r, bucket, key, uploadId));
        if (Is("PUT") && hasUploadId)
            return new("storage.multipart.uploadPart", ApiFlavor.Xml, true, r => _xml.UploadPartAsync(r, bucket, key, uploadId));
        if (Is("PUT"))
            return new("storage.objects.insert", ApiFlavor.Xml, true, r => _uploads.XmlPutAsync(r, bucket, key));
        if (Is("GET") && hasUploadId)
            return new("storage.multipart.listParts", ApiFlavor.Xml, false, r => _xml.ListPartsAsync(r, bucket, key, uploadId));
        if (isGetOrHead)
            return new("storage.objects.get", ApiFlavor.Xml, false, r => _downloads.DownloadAsync(r, bucket, key));
        if (Is("DELETE") && hasUploadId)
            return new("storage.multipart.abort", ApiFlavor.Xml, false, r => _xml.AbortAsync(r, bucket, key, uploadId));
        if (Is("DELETE"))
            return new("storage.objects.delete", ApiFlavor.Xml, false, r => _objects.DeleteAsync(r, bucket, key));
        return null;
    }
}
