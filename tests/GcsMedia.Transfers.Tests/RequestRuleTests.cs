using GcsMedia.Protocol;
using Xunit;

namespace GcsMedia.Transfers.Tests;

/// <summary>The option rules an upload or download command is checked against before any request.</summary>
public sealed class UploadRequestTests
{
    [Theory]
    [InlineData("Include")]
    [InlineData("Exclude")]
    [InlineData("SkipUnchanged")]
    public void Folder_options_need_Recurse(string option)
    {
        var error = Assert.Throws<InvalidOptionException>(() => new UploadRequest(new[] { option }).Check());
        Assert.Equal(option, error.ParamName);
        Assert.StartsWith($"-{option} applies to folder uploads only. Add -Recurse, or remove -{option}.", error.Message, StringComparison.Ordinal);
        Assert.Null(error.Value);
        new UploadRequest(new[] { option }) { Recurse = true }.Check();
    }

    [Theory]
    [InlineData("PartSize", false)]
    [InlineData("ThrottleLimit", false)]
    [InlineData("PartSize", true)]
    public void Part_options_need_Parallel(string option, bool recurse)
    {
        var error = Assert.Throws<InvalidOptionException>(() => new UploadRequest(new[] { option }) { Recurse = recurse }.Check());
        Assert.Equal(option, error.ParamName);
        Assert.Contains("applies to parallel uploads only", error.Message, StringComparison.Ordinal);
        new UploadRequest(new[] { option }) { Recurse = recurse, Parallel = true }.Check();
    }

    [Fact]
    public void ThrottleLimit_counts_files_with_Recurse_so_it_needs_no_Parallel()
    {
        new UploadRequest(new[] { "ThrottleLimit" }) { Recurse = true, Concurrency = 3 }.Check();
    }

    [Fact]
    public void Options_left_at_their_defaults_are_never_refused_for_their_company()
    {
        // The values are set but not named as given: the command did not ask for them.
        new UploadRequest { PartSize = UploadOptions.DefaultPartSize, Concurrency = 8, SkipUnchanged = false }.Check();
    }

    [Fact]
    public void Parallel_and_Resumable_are_refused_together()
    {
        var error = Assert.Throws<InvalidOptionException>(() => new UploadRequest { Parallel = true, Resumable = true }.Check());
        Assert.Equal("Parallel", error.ParamName);
        Assert.Contains("choose one", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("gzip", null, "ContentEncoding")]
    [InlineData(null, "no-cache", "CacheControl")]
    [InlineData("gzip", "no-cache", "ContentEncoding")]
    public void Parallel_refuses_headers_a_multipart_upload_cannot_carry(string? encoding, string? cacheControl, string option)
    {
        var error = Assert.Throws<InvalidOptionException>(() => new UploadRequest { Parallel = true, ContentEncoding = encoding, CacheControl = cacheControl }.Check());
        Assert.Equal(option, error.ParamName);
        new UploadRequest { ContentEncoding = encoding, CacheControl = cacheControl }.Check();
    }

    [Fact]
    public void A_part_size_outside_GCS_limits_is_refused_with_its_value_only_with_Parallel()
    {
        const long tooSmall = 1024 * 1024;
        var error = Assert.Throws<InvalidOptionException>(() => new UploadRequest(new[] { "PartSize" }) { Parallel = true, PartSize = tooSmall }.Check());
        Assert.Equal("PartSize", error.ParamName);
        Assert.Equal(tooSmall, error.Value);
        Assert.StartsWith("PartSize 1MB is outside", error.Message, StringComparison.Ordinal);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(error.Message, @"\(Parameter 'PartSize'\)"));
    }

    [Theory]
    [InlineData(100L, null, "ChunkSize")]
    [InlineData(256L * 1024, 10L, "MaxBytesPerSecond")]
    [InlineData(100L, 10L, "MaxBytesPerSecond")]
    public void Sizes_are_checked_with_the_bandwidth_cap_first(long chunkSize, long? cap, string option)
    {
        var error = Assert.Throws<InvalidOptionException>(() => new UploadRequest { ChunkSize = chunkSize, MaxBytesPerSecond = cap }.Check());
        Assert.Equal(option, error.ParamName);
        Assert.Equal(option == "ChunkSize" ? chunkSize : cap, error.Value);
    }

    [Fact]
    public void A_folder_option_is_reported_before_a_mode_conflict()
    {
        var error = Assert.Throws<InvalidOptionException>(() => new UploadRequest(new[] { "Exclude" }) { Parallel = true, Resumable = true }.Check());
        Assert.Equal("Exclude", error.ParamName);
    }

    [Theory]
    [InlineData(false, false, UploadMode.Auto)]
    [InlineData(false, true, UploadMode.Resumable)]
    [InlineData(true, false, UploadMode.Parallel)]
    public void The_switches_choose_the_upload_mode(bool parallel, bool resumable, UploadMode mode)
    {
        var request = new UploadRequest { Parallel = parallel, Resumable = resumable, Concurrency = 5, Overwrite = true, ChunkSize = 512 * 1024 };
        UploadOptions options = request.ToUploadOptions();
        Assert.Equal(mode, options.Mode);
        Assert.Equal(5, options.PartConcurrency);
        Assert.True(options.Overwrite);
        Assert.Equal(512 * 1024, options.ChunkSize);
        Assert.Equal(5, request.ToFolderOptions().MaxConcurrentFiles);
    }
}

public sealed class DownloadRequestTests
{
    [Theory]
    [InlineData(5L, null, null, "Start")]
    [InlineData(null, 5L, null, "End")]
    [InlineData(null, null, 1048576L, "ChunkSize")]
    public void Recurse_takes_whole_objects_only(long? start, long? end, long? chunk, string option)
    {
        var error = Assert.Throws<InvalidOptionException>(() => new DownloadRequest { Recurse = true, Start = start, End = end, ChunkSize = chunk }.Check());
        Assert.Equal(option, error.ParamName);
        Assert.StartsWith("-Recurse downloads whole objects", error.Message, StringComparison.Ordinal);
        new DownloadRequest { Start = start, End = end, ChunkSize = chunk }.Check();
    }

    [Theory]
    [InlineData("Include")]
    [InlineData("Exclude")]
    [InlineData("SkipUnchanged")]
    public void Folder_options_need_Recurse(string option)
    {
        var error = Assert.Throws<InvalidOptionException>(() => new DownloadRequest(new[] { option }).Check());
        Assert.Equal(option, error.ParamName);
        Assert.StartsWith($"-{option} applies to folder downloads only.", error.Message, StringComparison.Ordinal);
        new DownloadRequest(new[] { option }) { Recurse = true }.Check();
    }

    [Fact]
    public void Slices_cannot_be_combined_with_a_range_and_the_message_names_what_was_given()
    {
        var error = Assert.Throws<InvalidOptionException>(() => new DownloadRequest { Concurrency = 4, Start = 0, ChunkSize = 1048576 }.Check());
        Assert.Equal("ThrottleLimit", error.ParamName);
        Assert.Equal(4, error.Value);
        Assert.Contains("cannot be combined with -Start, -ChunkSize.", error.Message, StringComparison.Ordinal);
        new DownloadRequest { Concurrency = 1, Start = 0, ChunkSize = 1048576 }.Check();
        new DownloadRequest { Concurrency = 4 }.Check();
    }

    [Theory]
    [InlineData(10L, null, "MaxBytesPerSecond")]
    [InlineData(null, 1000L, "SliceSize")]
    public void The_bandwidth_cap_and_slice_size_are_refused_with_their_values(long? cap, long? slice, string option)
    {
        var request = new DownloadRequest { MaxBytesPerSecond = cap };
        if (slice.HasValue)
        {
            request.SliceSize = slice.Value;
        }

        var error = Assert.Throws<InvalidOptionException>(() => request.Check());
        Assert.Equal(option, error.ParamName);
        Assert.Equal(option == "SliceSize" ? slice : cap, error.Value);
    }

    [Fact]
    public void A_folder_download_runs_four_objects_at_once_unless_a_concurrency_was_given()
    {
        Assert.Equal(4, new DownloadRequest().ToFolderOptions().MaxConcurrentFiles);
        Assert.Equal(4, new DownloadRequest().ToFolderDownloadOptions().SliceConcurrency);
        var given = new DownloadRequest(new[] { "ThrottleLimit" }) { Concurrency = 1 };
        Assert.Equal(1, given.ToFolderOptions().MaxConcurrentFiles);
        Assert.Equal(1, given.ToFolderDownloadOptions().SliceConcurrency);
    }

    [Fact]
    public void One_object_downloads_with_every_option_the_command_gave()
    {
        DownloadOptions options = new DownloadRequest { Start = 3, End = 9, Raw = true, Generation = 7, Concurrency = 1, Checksum = ChecksumType.Md5 }.ToDownloadOptions();
        Assert.Equal(3, options.Start);
        Assert.Equal(9, options.End);
        Assert.True(options.Raw);
        Assert.Equal(7, options.Generation);
        Assert.Equal(ChecksumType.Md5, options.Checksum);
    }
}

public sealed class DownloadFilePlanTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("gcsmedia-outfile-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void An_existing_folder_means_the_object_name_s_last_segment_in_it()
    {
        string file = new DownloadFilePlan().Add(_folder, new GcsObjectRef("b", "videos/2024/a.mp4"), overwrite: false);
        Assert.Equal(Path.Combine(_folder, "a.mp4"), file);
    }

    [Fact]
    public void An_object_name_ending_in_a_slash_has_no_file_name_for_a_folder()
    {
        var error = Assert.Throws<InvalidOptionException>(() => new DownloadFilePlan().Add(_folder, new GcsObjectRef("b", "videos/"), overwrite: false));
        Assert.Equal("OutFile", error.ParamName);
        Assert.Equal(_folder, error.Value);
    }

    [Fact]
    public void A_second_object_for_a_file_already_planned_is_refused_naming_both()
    {
        var plan = new DownloadFilePlan();
        string file = Path.Combine(_folder, "x.bin");
        plan.Add(file, new GcsObjectRef("b", "one"), overwrite: true);
        plan.Add(file, new GcsObjectRef("b", "one"), overwrite: true);   // the same object again is fine
        var error = Assert.Throws<DuplicateTargetException>(() => plan.Add(file, new GcsObjectRef("b", "two"), overwrite: true));
        Assert.Equal("gs://b/one", error.First);
        Assert.Equal("gs://b/two", error.Second);
        Assert.Equal(file, error.Target);
    }

    [Fact]
    public void Two_objects_into_one_folder_collide_on_the_same_last_segment()
    {
        var plan = new DownloadFilePlan();
        plan.Add(_folder, new GcsObjectRef("b", "a/same.txt"), overwrite: false);
        Assert.Throws<DuplicateTargetException>(() => plan.Add(_folder, new GcsObjectRef("b", "b/same.txt"), overwrite: false));
    }

    [Fact]
    public void A_missing_folder_is_refused_not_created()
    {
        string file = Path.Combine(_folder, "missing", "x.bin");
        var error = Assert.Throws<MissingFolderException>(() => new DownloadFilePlan().Add(file, new GcsObjectRef("b", "x"), overwrite: false));
        Assert.Equal(Path.Combine(_folder, "missing"), error.Folder);
        Assert.False(Directory.Exists(error.Folder));
    }

    [Fact]
    public void An_existing_file_is_kept_unless_overwriting()
    {
        string file = Path.Combine(_folder, "exists.bin");
        File.WriteAllText(file, "keep");
        var error = Assert.Throws<ObjectExistsException>(() => new DownloadFilePlan().Add(file, new GcsObjectRef("b", "x"), overwrite: false));
        Assert.Equal(file, error.Target);
        Assert.Equal(file, new DownloadFilePlan().Add(file, new GcsObjectRef("b", "x"), overwrite: true));
    }
}

public sealed class ObjectNamePlanningTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("gcsmedia-names-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData("gs://b/backup/", null, null, "b", "backup/report.pdf")]
    [InlineData("gs://b/", null, null, "b", "report.pdf")]
    [InlineData("gs://b/exact.pdf", null, null, "b", "exact.pdf")]
    [InlineData(null, "b", "backup/", "b", "backup/report.pdf")]
    [InlineData(null, "b", null, "b", "report.pdf")]
    [InlineData(null, "b", "renamed.pdf", "b", "renamed.pdf")]
    public void A_file_goes_to_the_name_given_or_below_the_prefix_given(string? uri, string? bucket, string? objectName, string expectedBucket, string expectedName)
    {
        string file = Path.Combine(_folder, "report.pdf");
        File.WriteAllText(file, "x");
        var plan = new UploadPlan();
        plan.AddFile(file, UploadDestination.Resolve(uri, bucket, objectName));
        FileUploadItem item = Assert.Single(plan.Items);
        Assert.Equal(new GcsObjectRef(expectedBucket, expectedName), item.Target);
        Assert.Equal(file, item.SourcePath);
    }

    [Fact]
    public void Two_files_of_one_name_below_one_prefix_are_refused_before_any_upload()
    {
        Directory.CreateDirectory(Path.Combine(_folder, "a"));
        Directory.CreateDirectory(Path.Combine(_folder, "b"));
        string first = Path.Combine(_folder, "a", "same.txt");
        string second = Path.Combine(_folder, "b", "same.txt");
        File.WriteAllText(first, "1");
        File.WriteAllText(second, "2");
        var plan = new UploadPlan();
        UploadDestination destination = UploadDestination.Resolve(null, "b", "backup/");
        plan.AddFile(first, destination);
        var error = Assert.Throws<DuplicateTargetException>(() => plan.AddFile(second, destination));
        Assert.Equal(first, error.First);
        Assert.Equal(second, error.Second);
        Assert.Equal("gs://b/backup/same.txt", error.Target);
    }

    [Theory]
    [InlineData("gs://b/backup", "b", "backup/")]
    [InlineData("gs://b/backup/", "b", "backup/")]
    [InlineData("gs://b/", "b", "")]
    public void A_folder_download_prefix_always_ends_in_a_slash(string uri, string bucket, string prefix)
    {
        Assert.Equal((bucket, prefix), ObjectAddress.ResolveFolder(uri, null, null));
        if (prefix.Length > 0)
        {
            Assert.Equal((bucket, prefix), ObjectAddress.ResolveFolder(null, bucket, prefix.TrimEnd('/')));
        }
    }
}

public sealed class MpuPartPlanTests
{
    private const long MiB = 1024 * 1024;

    [Fact]
    public void All_parts_have_the_part_size_but_the_last()
    {
        IReadOnlyList<XmlMpuPlannedPart> parts = MpuPartPlan.All("f.bin", 12 * MiB, 5 * MiB);
        Assert.Equal(new[] { 5 * MiB, 5 * MiB, 2 * MiB }, parts.Select(p => p.Length));
        Assert.Equal(new[] { 1, 2, 3 }, parts.Select(p => p.Number));
    }

    [Fact]
    public void A_part_size_below_5_MiB_is_refused_naming_the_file_and_the_size()
    {
        var error = Assert.Throws<InvalidOptionException>(() => MpuPartPlan.All("/data/f.bin", 12 * MiB, MiB));
        Assert.Equal("PartSize", error.ParamName);
        Assert.StartsWith("PartSize 1MB for '/data/f.bin': A part size of 1048576 bytes is below", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Actual value", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void One_part_defaults_to_its_place_in_a_split_by_the_part_size()
    {
        XmlMpuPlannedPart part = MpuPartPlan.One("f.bin", 12 * MiB, 3, 5 * MiB, null, null);
        Assert.Equal((3, 10 * MiB, 2 * MiB), (part.Number, part.Offset, part.Length));
    }

    [Theory]
    [InlineData(1, null, null, 1L, "PartSize")]                     // part size outside GCS limits, nothing else given
    [InlineData(1, -1L, null, 5L, "Offset")]                       // negative offset
    [InlineData(4, null, null, 5L, "PartNumber")]                  // part 4 of a 12 MiB file at 5 MiB starts past the end
    [InlineData(1, 12582912L, null, 5L, "Offset")]                 // an offset at the end of the file
    [InlineData(1, 0L, 0L, 5L, "Length")]                          // an empty part of a non-empty file
    [InlineData(1, 10485760L, 3145728L, 5L, "Length")]             // past the end
    [InlineData(1, 0L, 1048576L, 5L, "Length")]                    // under 5 MiB and not the last part
    public void One_part_is_refused_naming_the_option_at_fault(int number, long? offset, long? length, long partSizeMiB, string option)
    {
        var error = Assert.Throws<InvalidOptionException>(() => MpuPartPlan.One("f.bin", 12 * MiB, number, partSizeMiB * MiB, offset, length));
        Assert.Equal(option, error.ParamName);
        Assert.StartsWith("-", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_last_part_may_be_small()
    {
        XmlMpuPlannedPart part = MpuPartPlan.One("f.bin", 12 * MiB, 3, 5 * MiB, 11 * MiB, MiB);
        Assert.Equal(MiB, part.Length);
    }
}

public sealed class ObjectAddressTests
{
    [Theory]
    [InlineData("s3://b/o", null, null, "Uri")]
    [InlineData("gs://b/a\nb", null, null, "Uri")]
    [InlineData(null, null, "o", "Bucket")]
    [InlineData(null, "gs://b", "o", "Bucket")]
    [InlineData(null, "b/c", "o", "Bucket")]
    [InlineData(null, "b", null, "ObjectName")]
    [InlineData(null, "b", "a\rb", "ObjectName")]
    public void A_malformed_or_incomplete_address_names_the_parameter_at_fault(string? uri, string? bucket, string? objectName, string parameter)
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => ObjectAddress.Resolve(uri, bucket, objectName));
        Assert.Equal(parameter, error.ParamName);
    }

    [Fact]
    public void An_upload_destination_takes_either_a_uri_or_a_bucket()
    {
        Assert.Equal("Uri", Assert.ThrowsAny<ArgumentException>(() => UploadDestination.Resolve("gs://b/o", "b", null)).ParamName);
        Assert.Equal("Bucket", Assert.ThrowsAny<ArgumentException>(() => UploadDestination.Resolve(null, null, "o")).ParamName);
        Assert.True(UploadDestination.Resolve("gs://b/", null, null).IsPrefix);
        Assert.False(UploadDestination.Resolve("gs://b/o", null, null).IsPrefix);
        Assert.Equal("o/", UploadDestination.Resolve(null, "b", "o").TreePrefix);
    }
}
