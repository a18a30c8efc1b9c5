// The folder data sets: a tree of random files, its manifest (relative path, size, crc32c of each file), and the
// checks that a downloaded folder or the objects below a prefix hold exactly those files.
using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Google.Cloud.Storage.V1;

internal static class FolderTree
{
    internal sealed record Entry(string Path, long Bytes, string Crc32c);

    /// <summary>
    /// File i of <paramref name="count"/> is d{i % 4}/e{i / 4 % 5}/file-{i:D5}.bin (up to 20 folders, two levels
    /// deep), <paramref name="sizeKiB"/> KiB of random bytes from seed + i.
    /// </summary>
    public static Dictionary<string, object?> Generate(string root, int count, int sizeKiB, int seed, string manifestPath)
    {
        var entries = new Entry[count];
        Parallel.For(0, count, i =>
        {
            string relative = string.Create(CultureInfo.InvariantCulture, $"d{i % 4}/e{i / 4 % 5}/file-{i:D5}.bin");
            string path = Path.Combine(root, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            long bytes = (long)sizeKiB << 10;
            entries[i] = new Entry(relative, bytes, Program.WriteRandomFile(path, bytes, seed + i));
        });
        File.WriteAllText(manifestPath, JsonSerializer.Serialize(entries));
        return new() { ["root"] = root, ["count"] = count, ["bytes"] = entries.Sum(e => e.Bytes), ["manifest"] = manifestPath };
    }

    /// <summary>Every file of the manifest below <paramref name="root"/> with its size and crc32c, and no other file.</summary>
    public static Dictionary<string, object?> CheckFolder(string root, string manifestPath)
    {
        var found = new ConcurrentDictionary<string, Entry>(StringComparer.Ordinal);
        Parallel.ForEach(Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories), path =>
        {
            var (bytes, crc) = Program.HashFile(path);
            string relative = Path.GetRelativePath(root, path).Replace(Path.DirectorySeparatorChar, '/');
            found[relative] = new Entry(relative, bytes, crc);
        });
        return Compare(Load(manifestPath), found, $"folder {root}");
    }

    /// <summary>
    /// Every file of the manifest as an object <paramref name="prefix"/> + relative path with its size and crc32c
    /// (from the JSON API listing), and no other object below the prefix; then, when asked, every object below the
    /// prefix is deleted, whether the check passed or not.
    /// </summary>
    public static Dictionary<string, object?> CheckPrefix(StorageClient client, string bucket, string prefix, string manifestPath, bool delete)
    {
        using (client)
        {
            var objects = client.ListObjects(bucket, prefix).ToList();
            try
            {
                var found = new Dictionary<string, Entry>(StringComparer.Ordinal);
                foreach (var o in objects)
                {
                    string relative = o.Name.Substring(prefix.Length);
                    found[relative] = new Entry(relative, (long)(o.Size ?? 0), o.Crc32c ?? string.Empty);
                }

                return Compare(Load(manifestPath), found, $"gs://{bucket}/{prefix}");
            }
            finally
            {
                if (delete)
                {
                    Parallel.ForEach(objects, new ParallelOptions { MaxDegreeOfParallelism = 8 }, o => client.DeleteObject(bucket, o.Name));
                }
            }
        }
    }

    private static Entry[] Load(string manifestPath) => JsonSerializer.Deserialize<Entry[]>(File.ReadAllText(manifestPath))!;

    private static Dictionary<string, object?> Compare(Entry[] expected, IReadOnlyDictionary<string, Entry> found, string where)
    {
        var problems = new List<string>();
        foreach (Entry e in expected)
        {
            if (!found.TryGetValue(e.Path, out Entry? got))
            {
                problems.Add($"{e.Path} missing");
            }
            else if (got.Bytes != e.Bytes || got.Crc32c != e.Crc32c)
            {
                problems.Add($"{e.Path}: {got.Bytes} bytes crc32c {got.Crc32c}, expected {e.Bytes} bytes crc32c {e.Crc32c}");
            }
        }

        var names = new HashSet<string>(expected.Select(e => e.Path), StringComparer.Ordinal);
        problems.AddRange(found.Keys.Where(k => !names.Contains(k)).Order(StringComparer.Ordinal).Select(k => $"{k} not in the data set"));
        if (problems.Count > 0)
        {
            throw new InvalidDataException($"{where}: {problems.Count} wrong of {expected.Length} expected ({string.Join("; ", problems.Take(5))}{(problems.Count > 5 ? "; ..." : string.Empty)})");
        }

        return new() { ["where"] = where, ["count"] = expected.Length, ["bytes"] = expected.Sum(e => e.Bytes) };
    }
}
