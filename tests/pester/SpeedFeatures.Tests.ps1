# Speed features end to end against the emulator: sliced downloads (Receive-GcsMedia -ThrottleLimit/-SliceSize),
# parallel uploads (Send-GcsMedia -Parallel), bandwidth caps (-MaxBytesPerSecond) and unknown-size stream uploads
# (Send-GcsMedia -InputStream).
#
# Fault injection note: -Headers go on every request of the command, and a sliced download reads the object's
# metadata first (storage.objects.get), so the first instruction of a storage.objects.get list is consumed by that
# metadata request. 'stall-for-0s-after-0K' is a no-op that lets the next instruction hit the first slice.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $bucket = New-TestBucket speed
    $big = New-TestFile (Join-Path $TestDrive 'nine.bin') (9MB) 91
    $bigBytes = [System.IO.File]::ReadAllBytes($big.FullName)
    $bigObject = Send-TestObject $bucket 'sliced/nine.bin' $bigBytes
    $bigUri = "gs://$bucket/sliced/nine.bin"

    if (-not ('GcsMediaTests.NonSeekableReadStream' -as [type])) {
        Add-Type -TypeDefinition @'
namespace GcsMediaTests {
    using System;
    using System.IO;
    // A read-only stream that cannot seek and has no length, like a pipe; counts how often it was asked to seek.
    public sealed class NonSeekableReadStream : Stream {
        private readonly Stream _inner;
        public NonSeekableReadStream(Stream inner) { _inner = inner; }
        public int SeekAttempts;
        public bool Disposed;
        public override bool CanRead { get { return true; } }
        public override bool CanSeek { get { return false; } }
        public override bool CanWrite { get { return false; } }
        public override long Length { get { SeekAttempts++; throw new NotSupportedException("no length"); } }
        public override long Position { get { SeekAttempts++; throw new NotSupportedException("no position"); } set { SeekAttempts++; throw new NotSupportedException("no seeking"); } }
        public override int Read(byte[] buffer, int offset, int count) { return _inner.Read(buffer, offset, Math.Min(count, 65536)); }
        public override long Seek(long offset, SeekOrigin origin) { SeekAttempts++; throw new NotSupportedException("no seeking"); }
        public override void Flush() { }
        public override void SetLength(long value) { throw new NotSupportedException(); }
        public override void Write(byte[] buffer, int offset, int count) { throw new NotSupportedException(); }
        protected override void Dispose(bool disposing) { Disposed = true; base.Dispose(disposing); }
    }
}
'@
    }

    function Get-OpenUploads([string] $Bucket) { @(Get-GcsMpu -Bucket $Bucket) }
}

Describe 'Receive-GcsMedia sliced download' {
    It 'downloads a 9 MiB object in 1 MiB slices, 4 at a time, with a verified combined crc32c' {
        $out = Join-Path $TestDrive 'sliced.bin'
        $result = Receive-GcsMedia $bigUri -OutFile $out -SliceSize 1MB -ThrottleLimit 4
        $result.Mode | Should -Be 'Sliced'
        $result.ChecksumVerified | Should -BeTrue
        $result.ChecksumType | Should -Be 'Crc32c'
        $result.Checksum | Should -Be $bigObject.crc32c
        $result.BytesWritten | Should -Be $bigBytes.Length
        $result.TotalBytes | Should -Be $bigBytes.Length
        $result.Generation | Should -Be ([long]$bigObject.generation)
        Get-TestCrc32c $out | Should -Be $bigObject.crc32c
        [System.Linq.Enumerable]::SequenceEqual([byte[]][System.IO.File]::ReadAllBytes($out), [byte[]]$bigBytes) | Should -BeTrue
        Test-Path "$out.partial" | Should -BeFalse
    }

    It 'takes the alias -ConcurrentTaskCount and writes a parent progress record with child records per slice, all completed' {
        $out = Join-Path $TestDrive 'progress.bin'
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$ModuleManifest'; `$ProgressPreference = 'Continue'; Receive-GcsMedia '$bigUri' -OutFile '$out' -SliceSize 1MB -ConcurrentTaskCount 3")
            $output = $ps.Invoke()
            $ps.Streams.Error | Should -BeNullOrEmpty
            $output[0].Mode | Should -Be 'Sliced'
            $records = @($ps.Streams.Progress)
            $parents = @($records | Where-Object { $_.ParentActivityId -lt 0 -and $_.Activity -like 'Receive-GcsMedia*' })
            $parents.Count | Should -BeGreaterThan 0
            $parentId = $parents[0].ActivityId
            $children = @($records | Where-Object { $_.ParentActivityId -eq $parentId })
            $children.Count | Should -BeGreaterThan 0
            $children[0].Activity | Should -Match '^Slice \d+ of 9$'
            # Every activity that was shown ends with a Completed record.
            foreach ($id in ($records.ActivityId | Sort-Object -Unique)) {
                @($records | Where-Object { $_.ActivityId -eq $id -and $_.RecordType -eq 'Completed' }).Count | Should -BeGreaterThan 0 -Because "activity $id must be completed"
            }
        }
        finally { $ps.Dispose() }
    }

    It 'survives a 503 on one slice (retried on its own)' {
        $id = New-RetryTest @{ 'storage.objects.get' = @('stall-for-0s-after-0K', 'return-503') }
        $out = Join-Path $TestDrive 'fault.bin'
        $result = Receive-GcsMedia $bigUri -OutFile $out -SliceSize 1MB -ThrottleLimit 4 -Headers @{ 'x-retry-test-id' = $id }
        $result.Mode | Should -Be 'Sliced'
        $result.ChecksumVerified | Should -BeTrue
        $result.Retries | Should -BeGreaterOrEqual 1
        Get-TestCrc32c $out | Should -Be $bigObject.crc32c
        (Invoke-RestMethod "$Emulator/retry_test/$id").completed | Should -BeTrue
    }

    It 'reports corrupted data on a slice as GcsMedia.DataCorruption and leaves no file' {
        $id = New-RetryTest @{ 'storage.objects.get' = @('stall-for-0s-after-0K', 'return-corrupted-data') }
        $out = Join-Path $TestDrive 'corrupt.bin'
        $err = $null
        $result = Receive-GcsMedia $bigUri -OutFile $out -SliceSize 1MB -ThrottleLimit 4 -Headers @{ 'x-retry-test-id' = $id } -ErrorVariable err -ErrorAction SilentlyContinue
        $result | Should -BeNullOrEmpty
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GcsMedia.DataCorruption*'
        Test-Path $out | Should -BeFalse
        Test-Path "$out.partial" | Should -BeFalse
        Test-Path "$out.partial.json" | Should -BeFalse
        (Invoke-RestMethod "$Emulator/retry_test/$id").completed | Should -BeTrue
    }

    It 'downloads an object no larger than one slice as one stream' {
        $small = Send-TestObject $bucket 'sliced/small.bin' ([byte[]](1..200))
        $result = Receive-GcsMedia "gs://$bucket/sliced/small.bin" -OutFile (Join-Path $TestDrive 'small.bin') -ThrottleLimit 4
        $result.Mode | Should -Be 'Whole'
        $result.ChecksumVerified | Should -BeTrue
        $result.Checksum | Should -Be $small.crc32c
    }

    It 'refuses -ThrottleLimit with -Start, -End or -ChunkSize before any request' {
        $out = Join-Path $TestDrive 'never.bin'
        { Receive-GcsMedia 'gs://no-such-bucket-speed/x' -OutFile $out -ThrottleLimit 2 -Start 0 -End 9 -Endpoint 'http://127.0.0.1:9' -ErrorAction Stop } |
            Should -Throw -ErrorId 'GcsMedia.InvalidArgument*'
        { Receive-GcsMedia 'gs://no-such-bucket-speed/x' -OutFile $out -ThrottleLimit 2 -ChunkSize 1MB -Endpoint 'http://127.0.0.1:9' -ErrorAction Stop } |
            Should -Throw -ExpectedMessage '*-ChunkSize*'
        { Receive-GcsMedia 'gs://no-such-bucket-speed/x' -OutFile $out -SliceSize 100KB -ErrorAction Stop } |
            Should -Throw -ExpectedMessage '*SliceSize*'
        Test-Path $out | Should -BeFalse
    }
}

Describe 'Send-GcsMedia -Parallel' {
    BeforeAll {
        $twelve = New-TestFile (Join-Path $TestDrive 'twelve.bin') (12MB) 12
        $twelveCrc = Get-TestCrc32c $twelve.FullName
    }

    It 'uploads a 12 MiB file in 5 MB parts and the object crc32c equals the file''s' {
        $object = Send-GcsMedia -Path $twelve.FullName -Bucket $bucket -ObjectName 'parallel/twelve.bin' -Parallel -PartSize 5MB -ThrottleLimit 3
        $object.GetType().FullName | Should -Be 'GcsMedia.Cmdlets.GcsObject'
        $object.UploadType | Should -Be 'XmlMpu'
        $object.Crc32c | Should -Be $twelveCrc
        $object.Size | Should -Be (12MB)
        $object.SourcePath | Should -Be $twelve.FullName
        (Get-TestObject $bucket 'parallel/twelve.bin').crc32c | Should -Be $twelveCrc
        Get-OpenUploads $bucket | Should -BeNullOrEmpty
    }

    It 'refuses to replace an existing object without -Force, and replaces it with -Force' {
        $name = 'parallel/exists.bin'
        $null = Send-TestObject $bucket $name ([byte[]](1..10))
        $err = $null
        $result = Send-GcsMedia -LiteralPath $twelve.FullName -Uri "gs://$bucket/$name" -Parallel -PartSize 5MB -ErrorVariable err -ErrorAction SilentlyContinue
        $result | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GcsMedia.PreconditionFailed*'
        $err[0].CategoryInfo.Category | Should -Be 'ResourceExists'
        (Get-TestObject $bucket $name).size | Should -Be 10
        Get-OpenUploads $bucket | Should -BeNullOrEmpty

        $replaced = Send-GcsMedia -LiteralPath $twelve.FullName -Uri "gs://$bucket/$name" -Parallel -PartSize 5MB -Force
        $replaced.Crc32c | Should -Be $twelveCrc
    }

    It 'aborts the multipart upload when a part fails (no unfinished upload is left)' {
        $id = New-RetryTest @{ 'storage.multipart.uploadPart' = @('return-400') }
        $err = $null
        $result = Send-GcsMedia -Path $twelve.FullName -Bucket $bucket -ObjectName 'parallel/fails.bin' -Parallel -PartSize 5MB -ThrottleLimit 1 `
            -Headers @{ 'x-retry-test-id' = $id } -ErrorVariable err -ErrorAction SilentlyContinue
        $result | Should -BeNullOrEmpty
        $err.Count | Should -Be 1
        (Invoke-RestMethod "$Emulator/retry_test/$id").completed | Should -BeTrue
        Get-OpenUploads $bucket | Should -BeNullOrEmpty
        Get-TestObject $bucket 'parallel/fails.bin' | Should -BeNullOrEmpty
    }

    It 'aborts the multipart upload when stopped (Ctrl+C)' {
        $stopBucket = New-TestBucket speedstop
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$ModuleManifest'; Send-GcsMedia -Path '$($twelve.FullName)' -Bucket '$stopBucket' -ObjectName 'stopped.bin' -Parallel -PartSize 5MB -MaxBytesPerSecond 1MB")
            $async = $ps.BeginInvoke()
            $deadline = [DateTime]::UtcNow.AddSeconds(20)
            while ((Get-OpenUploads $stopBucket).Count -eq 0 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
            (Get-OpenUploads $stopBucket).Count | Should -Be 1 -Because 'the upload must be under way before it is stopped'
            $ps.Stop()
            $async.IsCompleted | Should -BeTrue
            Get-OpenUploads $stopBucket | Should -BeNullOrEmpty
            Get-TestObject $stopBucket 'stopped.bin' | Should -BeNullOrEmpty
        }
        finally { $ps.Dispose() }
    }

    It 'refuses -Parallel with -Resumable, and -PartSize without -Parallel, before any request' {
        { Send-GcsMedia -Path $twelve.FullName -Bucket $bucket -Parallel -Resumable -ErrorAction Stop } | Should -Throw -ExpectedMessage '*-Parallel*-Resumable*'
        { Send-GcsMedia -Path $twelve.FullName -Bucket $bucket -PartSize 8MB -ErrorAction Stop } | Should -Throw -ExpectedMessage '*-PartSize applies to parallel uploads*'
        { Send-GcsMedia -Path $twelve.FullName -Bucket $bucket -Parallel -PartSize 1MB -ErrorAction Stop } | Should -Throw -ExpectedMessage '*5MB to 5GB*'
    }
}

Describe '-MaxBytesPerSecond' {
    It 'caps a 6 MB parallel upload (two parts sharing one limit) at 4 MB/s: it takes at least 1.2 s' {
        # One cap for the whole command: (6 MB - 0.5 MB burst) / 4 MB/s ≈ 1.4 s. Two separate 4 MB/s caps would
        # finish the 5 MB part in about 1.1 s. Only a lower bound is checked (a slow machine only makes it longer).
        $six = New-TestFile (Join-Path $TestDrive 'six.bin') (6MB) 6
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        $object = Send-GcsMedia -Path $six.FullName -Bucket $bucket -ObjectName 'throttled/six.bin' -Parallel -PartSize 5MB -ThrottleLimit 2 -MaxBytesPerSecond 4MB
        $watch.Stop()
        $object.Crc32c | Should -Be (Get-TestCrc32c $six.FullName)
        $watch.Elapsed.TotalSeconds | Should -BeGreaterOrEqual 1.2
    }

    It 'refuses a rate below 1KB per second' {
        { Receive-GcsMedia $bigUri -OutFile (Join-Path $TestDrive 'slow.bin') -MaxBytesPerSecond 10 -ErrorAction Stop } | Should -Throw -ExpectedMessage '*MaxBytesPerSecond*'
    }
}

Describe 'Send-GcsMedia -InputStream' {
    It 'uploads 20 MiB from a stream that cannot seek, in 8 MiB chunks, and the crc32c matches' {
        $bytes = [byte[]]::new(20MB)
        [System.Random]::new(20).NextBytes($bytes)
        $expected = [GcsMediaTests.Crc32c]::Base64($bytes)
        $stream = [GcsMediaTests.NonSeekableReadStream]::new([System.IO.MemoryStream]::new($bytes))
        $object = Send-GcsMedia -InputStream $stream -Uri "gs://$bucket/stream/twenty.bin" -ChunkSize 8MB
        $object.UploadType | Should -Be 'Resumable'
        $object.Size | Should -Be (20MB)
        $object.Crc32c | Should -Be $expected
        (Get-TestObject $bucket 'stream/twenty.bin').crc32c | Should -Be $expected
        $stream.SeekAttempts | Should -Be 0
        $stream.Disposed | Should -BeFalse -Because 'the caller owns -InputStream'
    }

    It 'uploads the bytes of a native command''s standard output (Process StandardOutput.BaseStream)' {
        $file = New-TestFile (Join-Path $TestDrive 'native.bin') (3MB + 5) 33
        $info = [System.Diagnostics.ProcessStartInfo]::new((Get-Command cat -CommandType Application | Select-Object -First 1).Source)
        $info.ArgumentList.Add($file.FullName)
        $info.RedirectStandardOutput = $true
        $info.UseShellExecute = $false
        $process = [System.Diagnostics.Process]::Start($info)
        try {
            $object = Send-GcsMedia -InputStream $process.StandardOutput.BaseStream -Bucket $bucket -ObjectName 'stream/native.bin'
        }
        finally { $process.WaitForExit(); $process.Dispose() }
        $object.Crc32c | Should -Be (Get-TestCrc32c $file.FullName)
        $object.Size | Should -Be $file.Length
    }

    It 'uploads bytes piped from a native command into pwsh reading [Console]::OpenStandardInput()' {
        $file = New-TestFile (Join-Path $TestDrive 'piped.bin') (2MB + 7) 44
        $pwsh = Get-PwshPath
        $command = "Import-Module '$ModuleManifest'; Send-GcsMedia -InputStream ([Console]::OpenStandardInput()) -Uri 'gs://$bucket/stream/piped.bin' | Out-Null"
        # Native-to-native pipes carry raw bytes in PowerShell 7.4+.
        & cat $file.FullName | & $pwsh -NoProfile -NonInteractive -Command $command
        $LASTEXITCODE | Should -Be 0
        (Get-TestObject $bucket 'stream/piped.bin').crc32c | Should -Be (Get-TestCrc32c $file.FullName)
    }

    It 'requires -Uri or -ObjectName' {
        { Send-GcsMedia -InputStream ([System.IO.MemoryStream]::new()) -Bucket $bucket -ErrorAction Stop } | Should -Throw -ExpectedMessage '*-InputStream*'
    }
}
