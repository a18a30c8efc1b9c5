using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace GcsMedia.Emulator.Tests;

/// <summary>XML multipart objects are stored as the ordered list of their part blobs; these check that
/// downloads, hashes, deletes and overwrites behave exactly as for a copied object, in memory and on disk.</summary>
public abstract class MultipartCompositeTests(EmulatorFixture f)
{
    private const int FiveMiB = 5 * 1024 * 1024;

    private string XmlUrl(string bucket, string key) => $"{f.Endpoint}/{bucket}/{key}";

    private string? BlobDirectory => (f as DiskEmulatorFixture)?.DataDirectory is { } d ? Path.Combine(d, "blobs") : null;
    private int BlobFileCount => BlobDirectory is { } d ? Directory.GetFiles(d).Length : 0;

    private async Task<string> InitiateAsync(string bucket, string key)
    {
        using var resp = await f.Http.PostAsync(XmlUrl(bucket, key) + "?uploads", new ByteArrayContent([]));
        var text = await resp.Content.ReadAsStringAsync();
        Assert.True(resp.StatusCode == HttpStatusCode.OK, text);
        return Regex.Match(text, "<UploadId>(.*?)</UploadId>").Groups[1].Value;
    }

    private async Task<string> PartAsync(string bucket, string key, string id, int number, byte[] data)
    {
        using var resp = await f.Http.PutAsync($"{XmlUrl(bucket, key)}?partNumber={number}&uploadId={Uri.EscapeDataString(id)}",
            new ByteArrayContent(data));
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        return resp.Headers.ETag!.ToString();
    }

    private async Task<HttpResponseMessage> CompleteAsync(string bucket, string key, string id, params (int Number, string ETag)[] parts)
    {
        var xml = "<CompleteMultipartUpload>" +
                  string.Concat(parts.Select(p => $"<Part><PartNumber>{p.Number}</PartNumber><ETag>{p.ETag}</ETag></Part>")) +
                  "</CompleteMultipartUpload>";
        return await f.Http.PostAsync($"{XmlUrl(bucket, key)}?uploadId={Uri.EscapeDataString(id)}",
            new StringContent(xml, Encoding.UTF8, "application/xml"));
    }

    /// <summary>Uploads parts of 5 MiB, 5 MiB and 1 KiB and completes; returns the concatenation.</summary>
    private async Task<byte[]> ThreePartObjectAsync(string bucket, string key)
    {
        var parts = new[] { TestData.Random(FiveMiB), TestData.Random(FiveMiB), TestData.Random(1024) };
        var id = await InitiateAsync(bucket, key);
        var etags = new List<(int, string)>();
        for (var i = 0; i < parts.Length; i++) etags.Add((i + 1, await PartAsync(bucket, key, id, i + 1, parts[i])));
        using var resp = await CompleteAsync(bucket, key, id, etags.ToArray());
        var all = parts.SelectMany(p => p).ToArray();
        Assert.True(resp.StatusCode == HttpStatusCode.OK, await resp.Content.ReadAsStringAsync());
        Assert.Equal($"crc32c={Checksums.Crc32c(all)}", TestData.Header(resp, "x-goog-hash"));
        return all;
    }

    private async Task<HttpResponseMessage> GetAsync(string url, string? range, HttpMethod? method = null)
    {
        using var req = new HttpRequestMessage(method ?? HttpMethod.Get, url);
        if (range is not null) req.Headers.TryAddWithoutValidation("Range", range);
        return await f.Http.SendAsync(req);
    }

    [Fact]
    public async Task Three_part_object_downloads_whole_and_across_part_boundaries()
    {
        var bucket = await f.CreateBucketAsync();
        var all = await ThreePartObjectAsync(bucket, "three");
        var size = all.Length;
        var crc = Checksums.Crc32c(all);

        foreach (var url in new[] { f.DownloadUrl(bucket, "three"), XmlUrl(bucket, "three") })
        {
            using (var whole = await GetAsync(url, null))
            {
                Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
                Assert.Equal($"crc32c={crc}", TestData.Header(whole, "x-goog-hash"));
                Assert.Equal(size, whole.Content.Headers.ContentLength);
                Assert.Equal(all, await whole.Content.ReadAsByteArrayAsync());
            }
            using (var head = await GetAsync(url, null, HttpMethod.Head))
            {
                Assert.Equal(HttpStatusCode.OK, head.StatusCode);
                Assert.Equal(size, head.Content.Headers.ContentLength);
            }

            var cases = new (string Range, long First, long Last)[]
            {
                ($"bytes={FiveMiB - 10}-{FiveMiB + 9}", FiveMiB - 10, FiveMiB + 9),          // first boundary
                ($"bytes={FiveMiB - 1}-{2 * FiveMiB}", FiveMiB - 1, 2 * FiveMiB),            // both boundaries
                ($"bytes=0-{size - 1}", 0, size - 1),
                ($"bytes={FiveMiB}-{FiveMiB}", FiveMiB, FiveMiB),                            // exactly at a boundary
                ($"bytes={2 * FiveMiB - 1}-{2 * FiveMiB}", 2 * FiveMiB - 1, 2 * FiveMiB),    // second boundary
                ($"bytes={FiveMiB + 123}-", FiveMiB + 123, size - 1),                       // open-ended, from part 2
                ("bytes=-1100", size - 1100, size - 1),                                    // suffix spanning into part 2
                ($"bytes={size - 1}-{size + 1000}", size - 1, size - 1),                   // last byte, end clamped
                ($"bytes=-{size + 5}", 0, size - 1),                                       // suffix longer than object
            };
            foreach (var (range, first, last) in cases)
            {
                using var resp = await GetAsync(url, range);
                Assert.True(resp.StatusCode == HttpStatusCode.PartialContent, range);
                Assert.Equal($"bytes {first}-{last}/{size}", resp.Content.Headers.ContentRange!.ToString());
                Assert.Equal($"crc32c={crc}", TestData.Header(resp, "x-goog-hash"));
                var body = await resp.Content.ReadAsByteArrayAsync();
                Assert.True(all.AsSpan((int)first, (int)(last - first + 1)).SequenceEqual(body), range);
            }

            foreach (var range in new[] { $"bytes={size}-", $"bytes={size + 10}-{size + 20}", "bytes=-0" })
            {
                using var resp = await GetAsync(url, range);
                Assert.True(resp.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable, range);
                Assert.Equal($"bytes */{size}", resp.Content.Headers.ContentRange!.ToString());
            }
        }
    }

    [Fact]
    public async Task Three_part_object_crc32c_equals_crc32c_of_concatenation_and_has_no_md5()
    {
        var bucket = await f.CreateBucketAsync();
        var all = await ThreePartObjectAsync(bucket, "crc");
        var o = JsonDocument.Parse(await f.Http.GetStringAsync(f.ObjectUrl(bucket, "crc"))).RootElement;
        Assert.Equal(Checksums.Crc32c(all), o.GetProperty("crc32c").GetString());
        Assert.Equal(all.Length.ToString(), o.GetProperty("size").GetString());
        Assert.Equal(3, o.GetProperty("componentCount").GetInt32());
        Assert.False(o.TryGetProperty("md5Hash", out _));
    }

    [Fact]
    public async Task Deleting_a_multipart_object_frees_its_parts()
    {
        var bucket = await f.CreateBucketAsync();
        var before = BlobFileCount;
        await ThreePartObjectAsync(bucket, "del");
        if (BlobDirectory is not null) Assert.Equal(before + 3, BlobFileCount);
        using (var del = await f.Http.DeleteAsync(f.ObjectUrl(bucket, "del"))) Assert.Equal(HttpStatusCode.NoContent, del.StatusCode);
        using (var get = await f.Http.GetAsync(f.DownloadUrl(bucket, "del"))) Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Equal(before, BlobFileCount);
    }

    [Fact]
    public async Task Overwriting_a_multipart_object_frees_its_parts_and_serves_the_new_bytes()
    {
        var bucket = await f.CreateBucketAsync();
        var before = BlobFileCount;
        await ThreePartObjectAsync(bucket, "over");
        var replacement = TestData.Random(4321);
        var o = await f.UploadAsync(bucket, "over", replacement);
        Assert.Equal(Checksums.Md5(replacement), o.GetProperty("md5Hash").GetString());
        Assert.Equal(replacement, await f.Http.GetByteArrayAsync(f.DownloadUrl(bucket, "over")));
        if (BlobDirectory is not null) Assert.Equal(before + 1, BlobFileCount);

        // And a multipart upload over the simple object, then over itself.
        var again = await ThreePartObjectAsync(bucket, "over");
        Assert.Equal(again, await f.Http.GetByteArrayAsync(f.DownloadUrl(bucket, "over")));
        var third = await ThreePartObjectAsync(bucket, "over");
        Assert.Equal(third, await f.Http.GetByteArrayAsync(XmlUrl(bucket, "over")));
        if (BlobDirectory is not null) Assert.Equal(before + 3, BlobFileCount);
    }

    [Fact]
    public async Task Replaced_unlisted_and_aborted_parts_are_freed()
    {
        var bucket = await f.CreateBucketAsync();
        var before = BlobFileCount;
        var id = await InitiateAsync(bucket, "k");
        await PartAsync(bucket, "k", id, 1, TestData.Random(100));
        var p1 = TestData.Random(FiveMiB);
        var e1 = await PartAsync(bucket, "k", id, 1, p1);                 // replaces the first part 1
        await PartAsync(bucket, "k", id, 7, TestData.Random(10));          // uploaded but not listed
        var p2 = TestData.Random(3);
        var e2 = await PartAsync(bucket, "k", id, 2, p2);
        if (BlobDirectory is not null) Assert.Equal(before + 3, BlobFileCount);
        using (var resp = await CompleteAsync(bucket, "k", id, (1, e1), (2, e2))) Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        if (BlobDirectory is not null) Assert.Equal(before + 2, BlobFileCount);
        Assert.Equal(p1.Concat(p2).ToArray(), await f.Http.GetByteArrayAsync(f.DownloadUrl(bucket, "k")));

        var aborted = await InitiateAsync(bucket, "a");
        await PartAsync(bucket, "a", aborted, 1, TestData.Random(1000));
        await PartAsync(bucket, "a", aborted, 2, TestData.Random(1000));
        using (var abort = await f.Http.DeleteAsync($"{XmlUrl(bucket, "a")}?uploadId={Uri.EscapeDataString(aborted)}"))
            Assert.Equal(HttpStatusCode.NoContent, abort.StatusCode);
        if (BlobDirectory is not null) Assert.Equal(before + 2, BlobFileCount);
    }

    [Fact]
    public async Task Download_in_progress_survives_deletion_of_the_object()
    {
        var bucket = await f.CreateBucketAsync();
        var all = await ThreePartObjectAsync(bucket, "live");
        using var resp = await f.Http.GetAsync(f.DownloadUrl(bucket, "live"), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        await using var body = await resp.Content.ReadAsStreamAsync();
        var first = new byte[1000];
        await body.ReadExactlyAsync(first);
        using (var del = await f.Http.DeleteAsync(f.ObjectUrl(bucket, "live"))) Assert.Equal(HttpStatusCode.NoContent, del.StatusCode);
        var rest = new MemoryStream();
        await body.CopyToAsync(rest);
        Assert.Equal(all, first.Concat(rest.ToArray()).ToArray());
    }
}

public sealed class MemoryMultipartCompositeTests(EmulatorFixture f) : MultipartCompositeTests(f), IClassFixture<EmulatorFixture>;

public sealed class DiskMultipartCompositeTests(DiskEmulatorFixture f) : MultipartCompositeTests(f), IClassFixture<DiskEmulatorFixture>;

public class Crc32cCombineUnitTests
{
    private static uint Crc(ReadOnlySpan<byte> data) => ObjectHasher.Crc32cFromBase64(ObjectHasher.Compute(data).Crc32c);

    [Fact]
    public void Combine_of_two_halves_equals_whole_for_known_vector()
    {
        var data = Encoding.ASCII.GetBytes("All of the data goes in a stream.");
        for (var cut = 0; cut <= data.Length; cut++)
        {
            var combined = Crc32cCombine.Combine(Crc(data.AsSpan(0, cut)), Crc(data.AsSpan(cut)), data.Length - cut);
            Assert.Equal("Qg8thA==", ObjectHasher.Crc32cToBase64(combined));
        }
    }

    [Fact]
    public void Combine_of_random_splits_including_empty_pieces_equals_whole()
    {
        var rng = new Random(12345);
        for (var trial = 0; trial < 200; trial++)
        {
            var data = new byte[rng.Next(0, trial < 190 ? 5000 : 300_000)];
            rng.NextBytes(data);
            var cuts = Enumerable.Range(0, rng.Next(0, 8)).Select(_ => rng.Next(0, data.Length + 1))
                .Append(0).Append(data.Length).Append(rng.Next(0, data.Length + 1)) // duplicates give empty pieces
                .Order().ToList();
            var pieces = new List<(uint, long)>();
            for (var i = 0; i + 1 < cuts.Count; i++)
                pieces.Add((Crc(data.AsSpan(cuts[i], cuts[i + 1] - cuts[i])), cuts[i + 1] - cuts[i]));
            Assert.Equal(Crc(data), Crc32cCombine.Combine(pieces));
        }
    }

    [Fact]
    public void Combine_with_empty_sides_and_nothing()
    {
        var c = Crc("abc"u8);
        Assert.Equal(c, Crc32cCombine.Combine(c, Crc([]), 0));
        Assert.Equal(c, Crc32cCombine.Combine(Crc([]), c, 3));
        Assert.Equal(0u, Crc32cCombine.Combine([]));
        Assert.Equal(0u, Crc([]));
    }

    [Fact]
    public void Combine_handles_lengths_beyond_4_GiB()
    {
        // crc(A ‖ B ‖ C) computed two ways: ((A‖B)‖C) and (A‖(B‖C)), with |B| = 5 GiB of zeros, whose CRC is
        // itself derived by combining; associativity only holds if long lengths are handled correctly.
        var a = Crc("head"u8);
        var cTail = Crc("tail"u8);
        var zeros1M = Crc(new byte[1 << 20]);
        var b = 0u;
        long bLen = 0;
        for (var i = 0; i < 5 * 1024; i++) { b = Crc32cCombine.Combine(b, zeros1M, 1 << 20); bLen += 1 << 20; }
        var left = Crc32cCombine.Combine(Crc32cCombine.Combine(a, b, bLen), cTail, 4);
        var right = Crc32cCombine.Combine(a, Crc32cCombine.Combine(b, cTail, 4), bLen + 4);
        Assert.Equal(left, right);
    }
}

public class CompositeBlobUnitTests
{
    [Fact]
    public async Task Reads_and_seeks_across_parts_including_empty_ones()
    {
        var store = new MemoryBlobStore();
        var pieces = new[] { 0, 7, 0, 0, 65_536, 1, 0, 100_000, 0 }.Select(TestData.Random).ToArray();
        var blobs = new List<Blob>();
        foreach (var p in pieces)
        {
            using var w = store.CreateWriter();
            await w.WriteAsync(p, CancellationToken.None);
            blobs.Add(w.Commit());
        }
        var all = pieces.SelectMany(p => p).ToArray();
        var composite = new CompositeBlob(blobs);
        Assert.Equal(all.Length, composite.Length);

        await using (var s = composite.OpenRead())
        {
            var copy = new MemoryStream();
            await s.CopyToAsync(copy);
            Assert.Equal(all, copy.ToArray());
            Assert.Equal(0, await s.ReadAsync(new byte[10]));
        }

        var rng = new Random(7);
        using var r = composite.OpenRead();
        for (var i = 0; i < 300; i++)
        {
            var start = rng.Next(0, all.Length + 1);
            var count = rng.Next(0, 20_000);
            r.Seek(start, SeekOrigin.Begin);
            var buf = new byte[count];
            var got = r.ReadAtLeast(buf, count, throwOnEndOfStream: false);
            Assert.Equal(Math.Min(count, all.Length - start), got);
            Assert.True(all.AsSpan(start, got).SequenceEqual(buf.AsSpan(0, got)));
            Assert.Equal(start + got, r.Position);
        }
        Assert.Equal(0, new CompositeBlob([]).Length);
        Assert.Equal(0, new CompositeBlob([]).OpenRead().Read(new byte[4]));
    }
}
