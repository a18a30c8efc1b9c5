namespace GcsMedia.Emulator;

/// <summary>One request as the handlers see it: the HTTP context, the error flavor and any consumed fault.</summary>
internal sealed class EmulatorRequest(HttpContext http, ApiFlavor flavor, FaultInstruction? fault, FaultingRequestStream? faultedBody)
{
    public HttpContext Http { get; } = http;
    public HttpRequest Request => Http.Request;
    public HttpResponse Response => Http.Response;
    public ApiFlavor Flavor { get; } = flavor;
    public FaultInstruction? Fault { get; } = fault;
    public CancellationToken Aborted => Http.RequestAborted;
    public string BaseUrl => $"{Request.Scheme}://{Request.Host}";

    /// <summary>True when a return-NNN-after-YK instruction must answer once the allowed bytes are handled.</summary>
    public bool AnswersInjectedStatusAfterBody => Fault?.Kind == FaultKind.ReturnStatusAfter;

    public async Task RespondWithInjectedStatusAsync()
    {
        var fault = Fault!;
        if (faultedBody is not null) await faultedBody.DrainAsync(Aborted).ConfigureAwait(false);
        await GcsErrors.WriteAsync(Http, Flavor, fault.Status, GcsErrors.ReasonFor(fault.Status),
            $"Retry test fault injected: {fault.Text}").ConfigureAwait(false);
    }
}
