using System.Net;
using System.Net.Http.Headers;

namespace GcsMedia.Protocol.Tests.TestSupport;

/// <summary>
/// An HttpMessageHandler that answers from a queue of scripted responses and records every request
/// (method, URL, headers, body bytes) so conformance tests can drive the state machines without a network.
/// </summary>
public sealed class FakeHttpHandler : HttpMessageHandler
{
    private readonly Queue<Func<RecordedRequest, HttpResponseMessage>> _responses = new();

    public List<RecordedRequest> Requests { get; } = new();

    public FakeHttpHandler Respond(Func<RecordedRequest, HttpResponseMessage> responder)
    {
        _responses.Enqueue(responder);
        return this;
    }

    public FakeHttpHandler Respond(HttpStatusCode status, string? body = null, IDictionary<string, string>? headers = null)
        => Respond(_ => Build(status, body == null ? null : System.Text.Encoding.UTF8.GetBytes(body), headers));

    public FakeHttpHandler Respond(HttpStatusCode status, byte[] body, IDictionary<string, string>? headers = null)
        => Respond(_ => Build(status, body, headers));

    public FakeHttpHandler Throw(Exception exception)
        => Respond(_ => throw exception);

    public HttpClient CreateClient() => new(this) { Timeout = TimeSpan.FromSeconds(30) };

    public static HttpResponseMessage Build(HttpStatusCode status, byte[]? body, IDictionary<string, string>? headers)
    {
        var response = new HttpResponseMessage(status) { Content = new ByteArrayContent(body ?? Array.Empty<byte>()) };
        if (headers != null)
        {
            foreach (var (name, value) in headers)
            {
                if (!response.Headers.TryAddWithoutValidation(name, value))
                {
                    response.Content.Headers.TryAddWithoutValidation(name, value);
                }
            }
        }

        return response;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        byte[] body = request.Content == null ? Array.Empty<byte>() : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in request.Headers)
        {
            headers[header.Key] = string.Join(", ", header.Value);
        }

        if (request.Content != null)
        {
            foreach (var header in request.Content.Headers)
            {
                headers[header.Key] = string.Join(", ", header.Value);
            }
        }

        var recorded = new RecordedRequest(request.Method, request.RequestUri!, headers, body);
        Requests.Add(recorded);
        if (_responses.Count == 0)
        {
            throw new InvalidOperationException($"No scripted response left for {request.Method} {request.RequestUri}.");
        }

        HttpResponseMessage response = _responses.Dequeue()(recorded);
        response.RequestMessage = request;
        return response;
    }
}

public sealed record RecordedRequest(HttpMethod Method, Uri Uri, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}
