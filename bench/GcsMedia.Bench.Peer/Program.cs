// The benchmark's helper and peer. Every mode prints one JSON object on its last stdout line.
//
//   gen <path> <sizeMiB> <seed>                     random file; prints its crc32c
//   crc32c <path>                                   crc32c (base64, as GCS writes it) and size of a file
//   hash <bufferMiB> <rounds>                       Crc32cHasher / Md5Hasher throughput over an in-memory buffer
//   download <endpoint> <bucket> <object> <out>     Google.Cloud.Storage.V1 StorageClient.DownloadObject to a file
//   upload <endpoint> <bucket> <object> <in>        Google.Cloud.Storage.V1 StorageClient.UploadObject (its defaults)
//   gen-tree <dir> <count> <sizeKiB> <seed> <manifest>
//                                                   a folder tree of random files (see FolderTree); writes the manifest
//   check-tree <dir> <manifest>                     every file of the manifest, and no other, with its size and crc32c
//   check-prefix <endpoint> <bucket> <prefix> <manifest> [delete]
//                                                   the same for the objects below a prefix (JSON API listing); then
//                                                   deletes them when asked (also when the check fails)
//
// Timed regions cover only the transfer (or the hashing), not process start or client construction. Peak RSS is
// VmHWM from /proc/self/status, read at the end.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using GcsMedia.Protocol;
using Google.Cloud.Storage.V1;

internal static class Program
{
    private static int Main(string[] args)
    {
        try
        {
            var result = args.Length == 0 ? throw new ArgumentException("no mode") : args[0] switch
            {
                "gen" => Generate(args[1], long.Parse(args[2], CultureInfo.InvariantCulture), int.Parse(args[3], CultureInfo.InvariantCulture)),
                "crc32c" => FileCrc32c(args[1]),
                "hash" => HashThroughput(int.Parse(args[1], CultureInfo.InvariantCulture), int.Parse(args[2], CultureInfo.InvariantCulture)),
                "download" => OfficialDownload(args[1], args[2], args[3], args[4]),
                "upload" => OfficialUpload(args[1], args[2], args[3], args[4]),
                "gen-tree" => FolderTree.Generate(args[1], int.Parse(args[2], CultureInfo.InvariantCulture), int.Parse(args[3], CultureInfo.InvariantCulture), int.Parse(args[4], CultureInfo.InvariantCulture), args[5]),
                "check-tree" => FolderTree.CheckFolder(args[1], args[2]),
                "check-prefix" => FolderTree.CheckPrefix(CreateClient(args[1]), args[2], args[3], args[4], args.Length > 5 && args[5] == "delete"),
                _ => throw new ArgumentException($"unknown mode '{args[0]}'"),
            };
            Console.WriteLine(JsonSerializer.Serialize(result));
            return 0;
        }
        catch (Exception ex)
        {
            Console.Error.WriteLine(ex.ToString());
            Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object?> { ["error"] = ex.GetType().Name + ": " + ex.Message }));
            return 1;
        }
    }

    private static Dictionary<string, object?> Generate(string path, long sizeMiB, int seed)
    {
        string crc = WriteRandomFile(path, sizeMiB << 20, seed);
        return new() { ["path"] = path, ["bytes"] = sizeMiB << 20, ["crc32c"] = crc };
    }

    /// <summary>A file of random bytes, deterministic per seed; returns its crc32c (base64).</summary>
    internal static string WriteRandomFile(string path, long bytes, int seed)
    {
        // xorshift64* fills fast and incompressibly (Random(seed) is the slow legacy algorithm); deterministic per seed.
        ulong state = 0x9E3779B97F4A7C15UL ^ (ulong)(uint)seed;
        var buffer = new byte[(int)Math.Min(4 << 20, Math.Max(8, (bytes + 7) & ~7L))];
        var words = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ulong>(buffer.AsSpan());
        var crc = new Crc32cHasher();
        long remaining = bytes;
        using (var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        {
            while (remaining > 0)
            {
                int n = (int)Math.Min(buffer.Length, remaining);
                for (int i = 0; i < words.Length; i++)
                {
                    state ^= state >> 12;
                    state ^= state << 25;
                    state ^= state >> 27;
                    words[i] = state * 0x2545F4914F6CDD1DUL;
                }

                crc.Append(buffer.AsSpan(0, n));
                stream.Write(buffer, 0, n);
                remaining -= n;
            }
        }

        return crc.GetBase64();
    }

    private static Dictionary<string, object?> FileCrc32c(string path)
    {
        var (total, crc) = HashFile(path);
        return new() { ["path"] = path, ["bytes"] = total, ["crc32c"] = crc };
    }

    /// <summary>A file's size and crc32c (base64, as GCS writes it).</summary>
    internal static (long Bytes, string Crc32c) HashFile(string path)
    {
        var crc = new Crc32cHasher();
        var buffer = new byte[1 << 20];
        long total = 0;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan))
        {
            int n;
            while ((n = stream.Read(buffer, 0, buffer.Length)) > 0)
            {
                crc.Append(buffer.AsSpan(0, n));
                total += n;
            }
        }

        return (total, crc.GetBase64());
    }

    private static Dictionary<string, object?> HashThroughput(int bufferMiB, int rounds)
    {
        var buffer = new byte[bufferMiB << 20];
        new Random(1).NextBytes(buffer);
        const int block = 1 << 20;   // fed as the transfers feed it: 1 MiB at a time

        double Measure(Func<MediaHasher> create)
        {
            var samples = new List<double>();
            for (int r = 0; r < rounds + 1; r++)   // the first round warms up (JIT tiers, page faults) and is dropped
            {
                using var hasher = create();
                var sw = Stopwatch.StartNew();
                for (int offset = 0; offset < buffer.Length; offset += block)
                {
                    hasher.Append(buffer.AsSpan(offset, Math.Min(block, buffer.Length - offset)));
                }

                _ = hasher.GetBase64();
                sw.Stop();
                if (r > 0) samples.Add(buffer.Length / sw.Elapsed.TotalSeconds / 1e9);
            }

            samples.Sort();
            return samples[samples.Count / 2];
        }

        double crc = Measure(() => new Crc32cHasher());
        double md5 = Measure(() => new Md5Hasher());
        return new() { ["bufferMiB"] = bufferMiB, ["rounds"] = rounds, ["crc32cGBps"] = crc, ["md5GBps"] = md5 };
    }

    internal static StorageClient CreateClient(string endpoint)
    {
        // The client's defaults, unchanged: the emulator decodes the gzip-encoded JSON of its resumable initiation as GCS does.
        var builder = new StorageClientBuilder { BaseUri = endpoint.TrimEnd('/') + "/storage/v1/", UnauthenticatedAccess = true };
        return builder.Build();
    }

    private static Dictionary<string, object?> OfficialDownload(string endpoint, string bucket, string objectName, string outFile)
    {
        using var client = CreateClient(endpoint);
        var sw = Stopwatch.StartNew();
        using (var file = new FileStream(outFile, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        {
            client.DownloadObject(bucket, objectName, file);
        }

        sw.Stop();
        return new() { ["ms"] = sw.Elapsed.TotalMilliseconds, ["bytes"] = new FileInfo(outFile).Length, ["hwmKB"] = PeakRssKb() };
    }

    private static Dictionary<string, object?> OfficialUpload(string endpoint, string bucket, string objectName, string inFile)
    {
        using var client = CreateClient(endpoint);
        var sw = Stopwatch.StartNew();
        Google.Apis.Storage.v1.Data.Object uploaded;
        using (var file = new FileStream(inFile, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16))
        {
            uploaded = client.UploadObject(bucket, objectName, "application/octet-stream", file);
        }

        sw.Stop();
        return new()
        {
            ["ms"] = sw.Elapsed.TotalMilliseconds,
            ["bytes"] = (long)(uploaded.Size ?? 0),
            ["crc32c"] = uploaded.Crc32c,
            ["chunkSize"] = Google.Apis.Upload.ResumableUpload.DefaultChunkSize,
            ["hwmKB"] = PeakRssKb(),
        };
    }

    private static long PeakRssKb()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                return long.Parse(line.Substring(6).Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }

        return -1;
    }
}
