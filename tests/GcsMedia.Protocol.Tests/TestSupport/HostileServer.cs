using System.Net;
using System.Net.Sockets;
using System.Text;

namespace GcsMedia.Protocol.Tests.TestSupport;

/// <summary>One request as a <see cref="HostileServer"/> received it: request line, raw headers, body.</summary>
public sealed class HostileRequest
{
    public required int Index { get; init; }
    public required string RequestLine { get; init; }
    public required string Method { get; init; }

    /// <summary>The request-target exactly as sent on the wire (path + query, still percent-encoded).</summary>
    public required string Target { get; init; }

    public required List<KeyValuePair<string, string>> Headers { get; init; }
    public required byte[] Body { get; init; }

    public string? Header(string name)
    {
        var values = Headers.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).ToList();
        return values.Count == 0 ? null : string.Join(", ", values);
    }

    /// <summary>A query parameter decoded the way a server decodes it (percent-decoding; '+' means space).</summary>
    public string? Query(string name)
    {
        int q = Target.IndexOf('?');
        if (q < 0)
        {
            return null;
        }

        foreach (string pair in Target[(q + 1)..].Split('&'))
        {
            int eq = pair.IndexOf('=');
            string key = Uri.UnescapeDataString((eq < 0 ? pair : pair[..eq]).Replace('+', ' '));
            if (key == name)
            {
                return eq < 0 ? string.Empty : Uri.UnescapeDataString(pair[(eq + 1)..].Replace('+', ' '));
            }
        }

        return null;
    }

    public override string ToString() => RequestLine;
}

/// <summary>What a <see cref="HostileServer"/> handler uses to answer: raw bytes, a stall, or a reset.</summary>
public sealed class HostileConnection
{
    private readonly TcpClient _client;

    internal HostileConnection(TcpClient client, NetworkStream stream, CancellationToken stop)
    {
        _client = client;
        Stream = stream;
        Stop = stop;
    }

    public NetworkStream Stream { get; }

    /// <summary>Cancelled when the server is disposed (ends stalls).</summary>
    public CancellationToken Stop { get; }

    public Task SendAsync(string text) => Stream.WriteAsync(Encoding.Latin1.GetBytes(text), Stop).AsTask();

    public Task SendAsync(byte[] bytes) => Stream.WriteAsync(bytes, Stop).AsTask();

    public Task SendAsync(byte[] bytes, int offset, int count) => Stream.WriteAsync(bytes.AsMemory(offset, count), Stop).AsTask();

    /// <summary>
    /// A well-formed response: status line, the given headers (raw, in order), Content-Length (unless a header list
    /// already has one or <paramref name="contentLength"/> says otherwise), Connection: close, then the body.
    /// </summary>
    public async Task RespondAsync(int status, byte[]? body = null, params (string Name, string Value)[] headers)
    {
        body ??= Array.Empty<byte>();
        var head = new StringBuilder($"HTTP/1.1 {status} {Reason(status)}\r\n");
        foreach (var (name, value) in headers)
        {
            head.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        if (!headers.Any(h => string.Equals(h.Name, "Content-Length", StringComparison.OrdinalIgnoreCase)))
        {
            head.Append("Content-Length: ").Append(body.Length).Append("\r\n");
        }

        head.Append("Connection: close\r\n\r\n");
        await SendAsync(head.ToString());
        if (body.Length > 0)
        {
            await SendAsync(body);
        }
    }

    public Task RespondAsync(int status, string body, params (string Name, string Value)[] headers)
        => RespondAsync(status, Encoding.UTF8.GetBytes(body), headers);

    /// <summary>Sends nothing more until the server is disposed (a stalled peer).</summary>
    public async Task StallAsync()
    {
        await Stream.FlushAsync(Stop);
        try
        {
            await Task.Delay(Timeout.Infinite, Stop);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Resets the connection (RST, not FIN).</summary>
    public void Reset()
    {
        _client.Client.LingerState = new LingerOption(true, 0);
        _client.Client.Close();
    }

    public static string Reason(int status) => status switch
    {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        206 => "Partial Content",
        302 => "Found",
        307 => "Temporary Redirect",
        308 => "Resume Incomplete",
        400 => "Bad Request",
        404 => "Not Found",
        416 => "Range Not Satisfiable",
        503 => "Service Unavailable",
        _ => "Status",
    };
}

/// <summary>
/// A loopback HTTP/1.1 server for hostile-response tests: reads each request fully (head and body, Content-Length
/// or chunked), records it, and lets a handler answer with hand-crafted raw bytes — malformed headers, short
/// bodies, stalls, resets. One request per connection: the connection is closed when the handler returns.
/// </summary>
public sealed class HostileServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<HostileRequest, HostileConnection, Task> _handler;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly List<Task> _connections = new();
    private int _count;

    public HostileServer(Func<HostileRequest, HostileConnection, Task> handler)
    {
        _handler = handler;
        _listener.Start();
        _loop = Task.Run(AcceptLoop);
    }

    public List<HostileRequest> Requests { get; } = new();

    /// <summary>Exceptions the handler threw (a test bug, or the client hanging up early).</summary>
    public List<Exception> HandlerErrors { get; } = new();

    public Uri Endpoint => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

    public string Url(string pathAndQuery) => new Uri(Endpoint, pathAndQuery).AbsoluteUri;

    public HostileRequest[] Snapshot()
    {
        lock (Requests)
        {
            return Requests.ToArray();
        }
    }

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception)
            {
                return;
            }

            Task connection = Task.Run(() => ServeAsync(client));
            lock (_connections)
            {
                _connections.Add(connection);
            }
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            NetworkStream stream = client.GetStream();
            HostileRequest? request;
            try
            {
                request = await ReadRequestAsync(stream);
            }
            catch (Exception)
            {
                return;
            }

            if (request == null)
            {
                return;
            }

            lock (Requests)
            {
                Requests.Add(request);
            }

            try
            {
                await _handler(request, new HostileConnection(client, stream, _stop.Token));
                if (client.Connected)
                {
                    client.Client.Shutdown(SocketShutdown.Send);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                lock (HandlerErrors)
                {
                    HandlerErrors.Add(ex);
                }
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private async Task<HostileRequest?> ReadRequestAsync(NetworkStream stream)
    {
        var reader = new BufferedReader(stream, _stop.Token);
        string? requestLine = await reader.ReadLineAsync();
        if (string.IsNullOrEmpty(requestLine))
        {
            return null;
        }

        var headers = new List<KeyValuePair<string, string>>();
        while (true)
        {
            string? line = await reader.ReadLineAsync();
            if (string.IsNullOrEmpty(line))
            {
                break;
            }

            int colon = line.IndexOf(':');
            headers.Add(new(line[..colon].Trim(), line[(colon + 1)..].Trim()));
        }

        string? Find(string name) => headers.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).FirstOrDefault();
        byte[] body;
        if (long.TryParse(Find("Content-Length"), out long length))
        {
            body = await reader.ReadExactAsync((int)length);
        }
        else if (string.Equals(Find("Transfer-Encoding"), "chunked", StringComparison.OrdinalIgnoreCase))
        {
            using var collected = new MemoryStream();
            while (true)
            {
                string size = (await reader.ReadLineAsync()) ?? "0";
                int n = Convert.ToInt32(size.Split(';')[0].Trim(), 16);
                if (n == 0)
                {
                    while (!string.IsNullOrEmpty(await reader.ReadLineAsync()))
                    {
                    }

                    break;
                }

                collected.Write(await reader.ReadExactAsync(n));
                await reader.ReadLineAsync();
            }

            body = collected.ToArray();
        }
        else
        {
            body = Array.Empty<byte>();
        }

        string[] parts = requestLine.Split(' ');
        return new HostileRequest
        {
            Index = Interlocked.Increment(ref _count) - 1,
            RequestLine = requestLine,
            Method = parts[0],
            Target = parts.Length > 1 ? parts[1] : string.Empty,
            Headers = headers,
            Body = body,
        };
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (Exception)
        {
        }

        Task[] connections;
        lock (_connections)
        {
            connections = _connections.ToArray();
        }

        await Task.WhenAny(Task.WhenAll(connections), Task.Delay(2000));
    }

    private sealed class BufferedReader
    {
        private readonly NetworkStream _stream;
        private readonly CancellationToken _ct;
        private readonly byte[] _buffer = new byte[64 * 1024];
        private int _start;
        private int _end;

        public BufferedReader(NetworkStream stream, CancellationToken ct)
        {
            _stream = stream;
            _ct = ct;
        }

        private async Task<bool> FillAsync()
        {
            if (_start == _end)
            {
                _start = _end = 0;
            }

            if (_end == _buffer.Length)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }

            int n = await _stream.ReadAsync(_buffer.AsMemory(_end), _ct);
            _end += n;
            return n > 0;
        }

        public async Task<string?> ReadLineAsync()
        {
            var line = new StringBuilder();
            while (true)
            {
                for (; _start < _end; _start++)
                {
                    char c = (char)_buffer[_start];
                    if (c == '\n')
                    {
                        _start++;
                        return line.ToString().TrimEnd('\r');
                    }

                    line.Append(c);
                }

                if (!await FillAsync())
                {
                    return line.Length == 0 ? null : line.ToString();
                }
            }
        }

        public async Task<byte[]> ReadExactAsync(int count)
        {
            var result = new byte[count];
            int got = 0;
            while (got < count)
            {
                if (_start == _end && !await FillAsync())
                {
                    throw new EndOfStreamException($"The request body ended after {got} of {count} bytes.");
                }

                int n = Math.Min(count - got, _end - _start);
                Buffer.BlockCopy(_buffer, _start, result, got, n);
                _start += n;
                got += n;
            }

            return result;
        }
    }
}
