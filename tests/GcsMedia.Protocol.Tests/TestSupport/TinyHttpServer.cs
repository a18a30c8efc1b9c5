using System.Net;
using System.Net.Sockets;
using System.Text;

namespace GcsMedia.Protocol.Tests.TestSupport;

/// <summary>
/// A loopback HTTP/1.1 server answering every request with one scripted raw response (for behaviour that needs real
/// sockets: redirects not followed, a stalled body). Records the request heads it saw.
/// </summary>
public sealed class TinyHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<string, NetworkStream, CancellationToken, Task> _respond;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public TinyHttpServer(Func<string, NetworkStream, CancellationToken, Task> respond)
    {
        _respond = respond;
        _listener.Start();
        _loop = Task.Run(AcceptLoop);
    }

    public List<string> RequestHeads { get; } = new();

    public Uri Endpoint => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");

    public static Task WriteAsync(NetworkStream stream, string text, CancellationToken ct)
        => stream.WriteAsync(Encoding.ASCII.GetBytes(text), ct).AsTask();

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

            _ = Task.Run(async () =>
            {
                using (client)
                {
                    NetworkStream stream = client.GetStream();
                    var head = new StringBuilder();
                    var buffer = new byte[1];
                    try
                    {
                        while (!head.ToString().EndsWith("\r\n\r\n") && await stream.ReadAsync(buffer, _stop.Token) == 1)
                        {
                            head.Append((char)buffer[0]);
                        }

                        lock (RequestHeads)
                        {
                            RequestHeads.Add(head.ToString());
                        }

                        await _respond(head.ToString(), stream, _stop.Token);
                    }
                    catch (Exception)
                    {
                    }
                }
            });
        }
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
    }
}
