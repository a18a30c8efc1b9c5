using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;

namespace GcsMedia.Emulator;

/// <summary>Resumable upload sessions: chunk PUTs, status queries, finalization and cancellation.</summary>
internal sealed class ResumableSessions(ObjectStore store)
{
    public const int ChunkGranularity = 256 * 1024;
    private readonly ConcurrentDictionary<string, ResumableSession> _sessions = new(StringComparer.Ordinal);

    public ResumableSession Start(string bucket, string name, ObjectMetadata metadata, long? declaredLength, Preconditions pre,
        string? expectedCrc32c, string? expectedMd5)
    {
        var session = new ResumableSession
        {
            Id = "ACJd0s" + Base64Url(RandomNumberGenerator.GetBytes(30)),
            Bucket = bucket,
            Name = name,
            Metadata = metadata,
            Preconditions = pre,
            DeclaredLength = declaredLength,
            ExpectedCrc32c = expectedCrc32c,
            ExpectedMd5 = expectedMd5,
            Writer = store.CreateWriter(),
        };
        _sessions[session.Id] = session;
        store.Catalog.SaveSession(session);
        return session;
    }

    /// <summary>Brings back a session from the data directory.</summary>
    public void Restore(ResumableSession session) => _sessions[session.Id] = session;

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).Replace('+', '-').Replace('/', '_').TrimEnd('=');

    private ResumableSession Find(string bucket, string id)
    {
        if (!_sessions.TryGetValue(id, out var s) || s.Bucket != bucket)
            throw GcsException.NotFound("No such upload session.");  // the id is a bearer capability: never echoed
        return s;
    }

    public async Task HandleChunkAsync(EmulatorRequest req, string bucket, string id)
    {
        var session = Find(bucket, id);
        await session.Gate.WaitAsync(req.Aborted).ConfigureAwait(false);
        try
        {
            await HandleLockedAsync(req, session).ConfigureAwait(false);
        }
        finally
        {
            session.Gate.Release();
        }
    }

    private async Task HandleLockedAsync(EmulatorRequest req, ResumableSession s)
    {
        switch (s.State)
        {
            case SessionState.Cancelled: throw GcsException.NotFound("The upload session was cancelled.");
            case SessionState.Failed: throw s.Failure!;
            case SessionState.Completed:
                await MediaUploads.WriteObjectAsync(req, s.Result!).ConfigureAwait(false);
                return;
        }

        var body = req.Request.Body;
        var rangeText = req.Request.Headers.ContentRange.ToString();
        ContentRangeHeader range;
        if (rangeText.Length > 0) range = ContentRangeHeader.Parse(rangeText);
        else if (GzipRequestBody.WasDecoded(req.Http)) range = new(0, null, null);
        else if (req.Request.ContentLength is > 0 and var length) range = new(0, length - 1, length);
        else range = new(null, null, null);
        if (range.OpenEnd && range.Total is { } openTotal)
            range = openTotal > range.First ? range with { Last = openTotal - 1 } : new(null, null, openTotal);

        if (range.Total is { } declaredTotal && s.DeclaredLength is { } declared && declaredTotal != declared)
            throw GcsException.BadRequest($"The total size {declaredTotal} differs from X-Upload-Content-Length {declared}.");

        if (!range.HasBytes)
        {
            if (await BodyCopy.HasMoreAsync(body, req.Aborted).ConfigureAwait(false))
                throw GcsException.BadRequest("A Content-Range of 'bytes */…' must come with an empty body.");
            if (range.Total is { } total)
            {
                if (total < s.Persisted)
                    throw GcsException.BadRequest($"The total size {total} is smaller than the {s.Persisted} bytes already persisted.");
                if (total == s.Persisted)
                {
                    await FinalizeAsync(req, s).ConfigureAwait(false);
                    return;
                }
            }
            WriteIncomplete(req, s);
            return;
        }

        var first = range.First!.Value;
        // An open end with an unknown total ("bytes a-*/*"): the body is the rest of the object, however long.
        var toEndOfBody = range.OpenEnd;
        var chunkLength = toEndOfBody ? long.MaxValue : range.ChunkLength;
        if (!toEndOfBody && req.Request.ContentLength is { } contentLength && contentLength != chunkLength)
            throw GcsException.BadRequest($"Content-Length {contentLength} does not match Content-Range '{rangeText}'.");
        if (first > s.Persisted)
            throw GcsException.BadRequest(
                $"Invalid request. The chunk starts at byte {first} but only {s.Persisted} bytes have been persisted.");
        var isFinal = toEndOfBody || (range.Total is { } t && range.Last!.Value + 1 == t);
        if (!isFinal && chunkLength % ChunkGranularity != 0)
        {
            s.State = SessionState.Failed;
            s.Failure = GcsException.BadRequest(
                "Invalid request.  The number of bytes uploaded is required to be equal or greater than 262144, except for the final " +
                "request (it's recommended to be the exact multiple of 262144).  The received request contained " +
                $"{chunkLength} bytes, which does not meet this requirement.");
            s.Writer.Dispose();
            store.Catalog.RemoveSession(s.Id);
            throw s.Failure;
        }

        var startLength = s.Persisted;
        using (var snapshot = s.Hasher.Clone())
        {
            try
            {
                var read = await BodyCopy.ToBlobAsync(body, s.Writer, s.Hasher, chunkLength, startLength - first, req.Aborted)
                    .ConfigureAwait(false);
                if (!req.AnswersInjectedStatusAfterBody)
                {
                    if (toEndOfBody && first + read < startLength)
                        throw GcsException.BadRequest(
                            $"The upload ends at byte {first + read} but {startLength} bytes have already been persisted.");
                    if (!toEndOfBody && read < chunkLength) throw GcsException.BadRequest("The body is shorter than the Content-Range says.");
                    if (!toEndOfBody && await BodyCopy.HasMoreAsync(body, req.Aborted).ConfigureAwait(false))
                        throw GcsException.BadRequest("The body is longer than the Content-Range says.");
                }
            }
            catch
            {
                // Nothing of an interrupted or malformed chunk is kept.
                s.Writer.Truncate(startLength);
                s.Hasher.RestoreFrom(snapshot);
                throw;
            }
        }

        if (s.Persisted != startLength)
        {
            s.Writer.Flush();
            store.Catalog.SaveSession(s);
        }
        if (req.AnswersInjectedStatusAfterBody)
        {
            await req.RespondWithInjectedStatusAsync().ConfigureAwait(false);
            return;
        }
        if (isFinal) await FinalizeAsync(req, s).ConfigureAwait(false);
        else WriteIncomplete(req, s);
    }

    private async Task FinalizeAsync(EmulatorRequest req, ResumableSession s)
    {
        var hashes = s.Hasher.Current;
        try
        {
            if (s.DeclaredLength is { } declared && declared != s.Persisted)
                throw GcsException.BadRequest($"Upload finished with {s.Persisted} bytes but X-Upload-Content-Length was {declared}.");
            var (crc, md5) = ChecksumHeaders.FromRequest(req.Request);
            ChecksumHeaders.Verify(crc, md5, hashes);
            ChecksumHeaders.Verify(s.ExpectedCrc32c, s.ExpectedMd5, hashes);
            var created = store.Commit(s.Bucket, s.Name, s.Metadata, s.Writer.Commit(), s.Hasher.Crc32cValue, hashes.Md5, s.Preconditions);
            s.Result = created.Detached();
            s.State = SessionState.Completed;
            s.Hasher.Dispose();
            store.Catalog.SaveSession(s);
        }
        catch (GcsException e)
        {
            s.State = SessionState.Failed;
            s.Failure = e;
            s.Writer.Dispose();
            store.Catalog.RemoveSession(s.Id);
            throw;
        }
        await MediaUploads.WriteObjectAsync(req, s.Result).ConfigureAwait(false);
    }

    private static void WriteIncomplete(EmulatorRequest req, ResumableSession s)
    {
        req.Response.StatusCode = 308;
        if (s.Persisted > 0) req.Response.Headers.Range = $"bytes=0-{(s.Persisted - 1).ToString(CultureInfo.InvariantCulture)}";
        req.Response.Headers["X-GUploader-UploadID"] = s.Id;
        req.Response.ContentLength = 0;
    }

    public async Task CancelAsync(EmulatorRequest req, string bucket, string id)
    {
        var session = Find(bucket, id);
        await session.Gate.WaitAsync(req.Aborted).ConfigureAwait(false);
        try
        {
            if (session.State == SessionState.Cancelled) throw GcsException.NotFound("The upload session was already cancelled.");
            session.State = SessionState.Cancelled;
            session.Dispose();
            store.Catalog.RemoveSession(session.Id);
        }
        finally
        {
            session.Gate.Release();
        }
        await GcsErrors.WriteAsync(req.Http, ApiFlavor.Json, 499, "clientClosedRequest", "Upload session cancelled by the client.")
            .ConfigureAwait(false);
    }
}
