# A loopback HTTP server for tests that must see what the module sends (e.g. whether an Authorization header
# arrives). Every request is answered 404 "No such object" (JSON API) and recorded: method, path and query, and the
# Authorization header. Dot-source it, then: $r = [GcsMediaTests.RequestRecorder]::new(); ...; $r.Dispose()
if (-not ('GcsMediaTests.RequestRecorder' -as [type])) {
    Add-Type -TypeDefinition @'
namespace GcsMediaTests {
    using System;
    using System.Collections.Concurrent;
    using System.Net;
    using System.Net.Sockets;
    using System.Text;
    using System.Threading.Tasks;

    public sealed class RecordedRequest {
        public string Method { get; set; }
        public string Target { get; set; }
        public string Authorization { get; set; }
    }

    public sealed class RequestRecorder : IDisposable {
        private readonly TcpListener _listener = new TcpListener(IPAddress.Loopback, 0);
        public ConcurrentQueue<RecordedRequest> Requests { get; } = new ConcurrentQueue<RecordedRequest>();
        public string Endpoint { get; }

        public RequestRecorder() {
            _listener.Start();
            Endpoint = "http://127.0.0.1:" + ((IPEndPoint)_listener.LocalEndpoint).Port;
            Task.Run(AcceptLoop);
        }

        private async Task AcceptLoop() {
            while (true) {
                TcpClient client;
                try { client = await _listener.AcceptTcpClientAsync(); } catch { return; }
                _ = Task.Run(() => Serve(client));
            }
        }

        private async Task Serve(TcpClient client) {
            using (client) {
                try {
                    var stream = client.GetStream();
                    var head = new StringBuilder();
                    var buffer = new byte[1];
                    while (!head.ToString().EndsWith("\r\n\r\n")) {
                        if (await stream.ReadAsync(buffer, 0, 1) == 0) return;
                        head.Append((char)buffer[0]);
                    }
                    string[] lines = head.ToString().Split(new[] { "\r\n" }, StringSplitOptions.None);
                    string[] first = lines[0].Split(' ');
                    var request = new RecordedRequest { Method = first[0], Target = first.Length > 1 ? first[1] : "" };
                    long length = 0;
                    foreach (string line in lines) {
                        int colon = line.IndexOf(':');
                        if (colon <= 0) continue;
                        string name = line.Substring(0, colon).Trim();
                        string value = line.Substring(colon + 1).Trim();
                        if (name.Equals("Authorization", StringComparison.OrdinalIgnoreCase)) request.Authorization = value;
                        if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)) length = long.Parse(value);
                    }
                    var body = new byte[8192];
                    while (length > 0) {
                        int n = await stream.ReadAsync(body, 0, (int)Math.Min(body.Length, length));
                        if (n == 0) break;
                        length -= n;
                    }
                    Requests.Enqueue(request);
                    byte[] json = Encoding.UTF8.GetBytes("{\"error\":{\"code\":404,\"message\":\"No such object: b/o\"}}");
                    byte[] answer = Encoding.ASCII.GetBytes("HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: " + json.Length + "\r\nConnection: close\r\n\r\n");
                    await stream.WriteAsync(answer, 0, answer.Length);
                    await stream.WriteAsync(json, 0, json.Length);
                } catch { }
            }
        }

        public void Dispose() { _listener.Stop(); }
    }
}
'@
}
