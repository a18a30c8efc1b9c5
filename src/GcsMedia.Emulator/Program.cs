using System.Globalization;
using System.Runtime.InteropServices;
using GcsMedia.Emulator;

var options = new EmulatorOptions();
try
{
    for (var i = 0; i < args.Length; i++)
    {
        string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
        int NextInt() => int.TryParse(Next(), NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n : throw new ArgumentException($"{args[i - 1]} needs a whole number, not '{args[i]}'");
        switch (args[i])
        {
            case "--port": options.Port = NextInt(); break;
            case "--data-dir": options.DataDirectory = Next(); break;
            case "--latency-ms": options.LatencyMs = NextInt(); break;
            case "--bandwidth-mbps": options.BandwidthMbps = double.Parse(Next(), CultureInfo.InvariantCulture); break;
            case "--bucket": options.Buckets.Add(BucketNames.Validate(Next())); break;
            case "--rewrite-bytes-per-call": options.RewriteBytesPerCall = long.Parse(Next(), NumberStyles.None, CultureInfo.InvariantCulture); break;
            case "--auth-tokens": options.AuthTokens = AccessPolicy.ReadTokenFile(Next()); break;
            case "-h" or "--help":
                Console.Out.WriteLine(Usage.Text);
                return 0;
            default:
                Console.Error.WriteLine($"gcs-emulator: unknown argument: {args[i]} (gcs-emulator --help lists the options)");
                return 2;
        }
    }
}
catch (Exception e) when (e is ArgumentException or FormatException or OverflowException or GcsException)
{
    Console.Error.WriteLine($"gcs-emulator: {e.Message}");
    return 2;
}

var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx => { ctx.Cancel = true; stop.TrySetResult(); });
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, ctx => { ctx.Cancel = true; stop.TrySetResult(); });

await using var server = await EmulatorServer.StartAsync(options);
var endpoint = server.Endpoint.GetLeftPart(UriPartial.Authority);
// The first line stays the bare URL: tools/BuildHelpers.ps1 and tests read it.
Console.Out.WriteLine(endpoint);
Console.Out.WriteLine($"STORAGE_EMULATOR_HOST={endpoint}");
Console.Out.Flush();
await stop.Task;
return 0;
