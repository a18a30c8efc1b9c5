using System.Globalization;
using System.Runtime.InteropServices;
using GcsMedia.Emulator;

var options = new EmulatorOptions();
for (var i = 0; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    switch (args[i])
    {
        case "--port": options.Port = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--data-dir": options.DataDirectory = Next(); break;
        case "--latency-ms": options.LatencyMs = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--bandwidth-mbps": options.BandwidthMbps = double.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--auth-tokens": options.AuthTokens = AccessPolicy.ReadTokenFile(Next()); break;
        case "-h" or "--help":
            Console.Error.WriteLine("usage: GcsMedia.Emulator [--port N] [--data-dir DIR] [--latency-ms N] [--bandwidth-mbps N] [--auth-tokens FILE]");
            return 0;
        default:
            Console.Error.WriteLine($"unknown argument: {args[i]}");
            return 2;
    }
}

var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx => { ctx.Cancel = true; stop.TrySetResult(); });
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, ctx => { ctx.Cancel = true; stop.TrySetResult(); });

await using var server = await EmulatorServer.StartAsync(options);
Console.Out.WriteLine(server.Endpoint.GetLeftPart(UriPartial.Authority));
Console.Out.Flush();
await stop.Task;
return 0;
