using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;

namespace GcsMedia.Emulator.Tests;

/// <summary>The emulator as a program: its options, its help and what it prints on start.</summary>
public class CommandLineTests
{
    private static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "GcsMedia.Emulator.dll");

    private static Process Start(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Dll);
        foreach (var a in args) info.ArgumentList.Add(a);
        return Process.Start(info)!;
    }

    private static async Task<(int Exit, string Out, string Err)> RunToEndAsync(params string[] args)
    {
        using var p = Start(args);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await p.WaitForExitAsync(timeout.Token);
        return (p.ExitCode, await stdout, await stderr);
    }

    [Fact]
    public async Task Help_lists_every_option_the_parser_accepts()
    {
        var (exit, output, _) = await RunToEndAsync("--help");
        Assert.Equal(0, exit);
        var source = await File.ReadAllTextAsync(Path.Combine(RepoRoot(), "src/GcsMedia.Emulator/Program.cs"));
        var accepted = Regex.Matches(source, "case \"(--[a-z-]+)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.Contains("--bucket", accepted);
        foreach (var option in accepted) Assert.Contains(option + " ", output);
        Assert.Contains("gcs-emulator", output);
    }

    [Fact]
    public async Task Bad_arguments_exit_2_with_a_message_before_listening()
    {
        var unknown = await RunToEndAsync("--no-such-option");
        Assert.Equal(2, unknown.Exit);
        Assert.Contains("--no-such-option", unknown.Err);
        var badBucket = await RunToEndAsync("--bucket", "Not_A_Bucket");
        Assert.Equal(2, badBucket.Exit);
        Assert.Contains("Invalid bucket name: 'Not_A_Bucket'", badBucket.Err);
        var badPort = await RunToEndAsync("--port", "eighty");
        Assert.Equal(2, badPort.Exit);
        Assert.Contains("--port needs a whole number", badPort.Err);
        Assert.Equal("", badPort.Out);
    }

    [Fact]
    public async Task Start_prints_the_url_then_the_environment_line_and_creates_the_named_buckets()
    {
        using var p = Start("--port", "0", "--bucket", "first-bucket", "--bucket", "second.bucket");
        try
        {
            var url = await p.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
            var env = await p.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Matches("^http://127\\.0\\.0\\.1:[0-9]+$", url);
            Assert.Equal($"STORAGE_EMULATOR_HOST={url}", env);
            using var http = new HttpClient();
            foreach (var bucket in new[] { "first-bucket", "second.bucket" })
            {
                using var resp = await http.GetAsync($"{url}/storage/v1/b/{bucket}");
                Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
            }
            using var other = await http.GetAsync($"{url}/storage/v1/b/third-bucket");
            Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        }
        finally
        {
            p.Kill(entireProcessTree: true);
            await p.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task A_bucket_named_at_start_that_already_exists_in_the_data_dir_keeps_its_objects()
    {
        var dir = Path.Combine(Path.GetTempPath(), "gcsmedia-cli-" + Guid.NewGuid().ToString("N"));
        try
        {
            var data = TestData.Random(5000);
            await using (var first = await EmulatorServer.StartAsync(new EmulatorOptions { DataDirectory = dir, Buckets = { "kept-bucket" } }))
            {
                using var http = new HttpClient();
                using var put = await http.PostAsync($"{first.Endpoint.GetLeftPart(UriPartial.Authority)}/upload/storage/v1/b/kept-bucket/o?uploadType=media&name=o",
                    new ByteArrayContent(data));
                Assert.Equal(HttpStatusCode.OK, put.StatusCode);
            }
            await using var second = await EmulatorServer.StartAsync(new EmulatorOptions { DataDirectory = dir, Buckets = { "kept-bucket" } });
            using var http2 = new HttpClient();
            Assert.Equal(data, await http2.GetByteArrayAsync($"{second.Endpoint.GetLeftPart(UriPartial.Authority)}/storage/v1/b/kept-bucket/o/o?alt=media"));
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "GcsMedia.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("GcsMedia.sln not found above " + AppContext.BaseDirectory);
    }
}
