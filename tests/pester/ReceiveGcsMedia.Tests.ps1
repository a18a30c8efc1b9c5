# Receive-GcsMedia end to end against the emulator.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $bucket = New-TestBucket receive
    $source = New-TestFile (Join-Path $TestDrive 'source.bin') (3MB + 123) 7
    $sourceBytes = [System.IO.File]::ReadAllBytes($source.FullName)
    $uploaded = Send-TestObject $bucket 'data/source.bin' $sourceBytes
    $uri = "gs://$bucket/data/source.bin"
}

Describe 'Receive-GcsMedia' {
    It 'downloads a whole object by gs:// URI with a verified crc32c' {
        $out = Join-Path $TestDrive 'whole.bin'
        $result = Receive-GcsMedia $uri -OutFile $out
        $result.GetType().FullName | Should -Be 'GcsMedia.Cmdlets.GcsDownloadResult'
        $result.ChecksumVerified | Should -BeTrue
        $result.ChecksumType | Should -Be 'Crc32c'
        $result.Checksum | Should -Be $uploaded.crc32c
        $result.BytesWritten | Should -Be $sourceBytes.Length
        $result.TotalBytes | Should -Be $sourceBytes.Length
        $result.Generation | Should -Be ([long]$uploaded.generation)
        $result.StatusCode | Should -Be 200
        $result.Mode | Should -Be 'Whole'
        $result.Path | Should -Be $out
        Get-TestCrc32c $out | Should -Be $uploaded.crc32c
        Test-Path "$out.partial" | Should -BeFalse
    }

    It 'downloads by -Bucket/-ObjectName (alias Name) to -Destination, with Md5' {
        $out = Join-Path $TestDrive 'md5.bin'
        $result = Receive-GcsMedia -Bucket $bucket -Name 'data/source.bin' -Destination $out -Checksum Md5
        $result.ChecksumVerified | Should -BeTrue
        $result.Checksum | Should -Be $uploaded.md5Hash
        (Get-FileHash $out).Hash | Should -Be (Get-FileHash $source.FullName).Hash
    }

    It 'downloads without a checksum when -Checksum None' {
        $result = Receive-GcsMedia $uri -OutFile (Join-Path $TestDrive 'none.bin') -Checksum None
        $result.ChecksumVerified | Should -BeFalse
        $result.BytesWritten | Should -Be $sourceBytes.Length
    }

    It 'downloads in chunks with -ChunkSize "1MB" and verifies the whole object' {
        $out = Join-Path $TestDrive 'chunked.bin'
        $result = Receive-GcsMedia $uri -OutFile $out -ChunkSize '1MB'
        $result.Mode | Should -Be 'Chunked'
        $result.ChecksumVerified | Should -BeTrue
        Get-TestCrc32c $out | Should -Be $uploaded.crc32c
    }

    It 'downloads a byte range with -Start/-End' {
        $out = Join-Path $TestDrive 'range.bin'
        $result = Receive-GcsMedia $uri -OutFile $out -Start 100 -End 1123
        $result.StatusCode | Should -Be 206
        $result.Mode | Should -Be 'Range'
        $bytes = [System.IO.File]::ReadAllBytes($out)
        $bytes.Length | Should -Be 1024
        [Convert]::ToBase64String($bytes) | Should -Be ([Convert]::ToBase64String($sourceBytes[100..1123]))
    }

    It 'downloads the last N bytes with a negative -Start' {
        $out = Join-Path $TestDrive 'tail.bin'
        Receive-GcsMedia $uri -OutFile $out -Start -1000 | Out-Null
        $bytes = [System.IO.File]::ReadAllBytes($out)
        [Convert]::ToBase64String($bytes) | Should -Be ([Convert]::ToBase64String($sourceBytes[($sourceBytes.Length - 1000)..($sourceBytes.Length - 1)]))
    }

    It 'downloads a range in chunks' {
        $out = Join-Path $TestDrive 'rangechunks.bin'
        Receive-GcsMedia $uri -OutFile $out -Start 10 -End (10 + 700KB - 1) -ChunkSize 256KB | Out-Null
        (Get-Item $out).Length | Should -Be 700KB
        [Convert]::ToBase64String([System.IO.File]::ReadAllBytes($out)) | Should -Be ([Convert]::ToBase64String($sourceBytes[10..(10 + 700KB - 1)]))
    }

    It 'refuses to overwrite an existing file without -Force, and overwrites with it' {
        $out = Join-Path $TestDrive 'exists.bin'
        Set-Content $out 'keep me'
        { Receive-GcsMedia $uri -OutFile $out } | Should -Throw -ErrorId 'GcsMedia.FileExists*'
        Get-Content $out | Should -Be 'keep me'
        $result = Receive-GcsMedia $uri -OutFile $out -Force
        $result.ChecksumVerified | Should -BeTrue
        (Get-Item $out).Length | Should -Be $sourceBytes.Length
    }

    It 'writes nothing with -WhatIf' {
        $out = Join-Path $TestDrive 'whatif.bin'
        Receive-GcsMedia $uri -OutFile $out -WhatIf | Should -BeNullOrEmpty
        Test-Path $out | Should -BeFalse
        Test-Path "$out.partial" | Should -BeFalse
    }

    It 'downloads a given -Generation, and fails with NotFound for a missing one, leaving no file' {
        $out = Join-Path $TestDrive 'gen.bin'
        (Receive-GcsMedia $uri -OutFile $out -Generation $uploaded.generation).Generation | Should -Be ([long]$uploaded.generation)
        $missing = Join-Path $TestDrive 'gen-missing.bin'
        Receive-GcsMedia $uri -OutFile $missing -Generation 42 -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GcsMedia.ObjectNotFound,*'
        Test-Path $missing | Should -BeFalse
        Test-Path "$missing.partial" | Should -BeFalse
    }

    It 'reports a missing object as GcsMedia.ObjectNotFound / ObjectNotFound with the gs:// URI as target' {
        $out = Join-Path $TestDrive 'missing.bin'
        Receive-GcsMedia "gs://$bucket/no/such/object" -OutFile $out -ErrorVariable err -ErrorAction SilentlyContinue
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GcsMedia.ObjectNotFound,*'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err[0].TargetObject | Should -Be "gs://$bucket/no/such/object"
        $err[0].ToString() | Should -Match 'does not exist'
        Test-Path $out | Should -BeFalse
        Test-Path "$out.partial" | Should -BeFalse
    }

    It 'keeps gzip bytes with -Raw and decompresses without it' {
        $text = 'compress me ' * 200
        $plain = [System.Text.Encoding]::UTF8.GetBytes($text)
        $memory = [System.IO.MemoryStream]::new()
        $gzip = [System.IO.Compression.GZipStream]::new($memory, [System.IO.Compression.CompressionMode]::Compress)
        $gzip.Write($plain, 0, $plain.Length); $gzip.Dispose()
        $gzipped = $memory.ToArray()
        Send-GcsMedia -InputObject $gzipped -Uri "gs://$bucket/text.gz" -ContentType 'text/plain' -ContentEncoding gzip | Out-Null
        $raw = Join-Path $TestDrive 'raw.gz'
        Receive-GcsMedia "gs://$bucket/text.gz" -OutFile $raw -Raw | Out-Null
        [Convert]::ToBase64String([System.IO.File]::ReadAllBytes($raw)) | Should -Be ([Convert]::ToBase64String($gzipped))
        $decoded = Join-Path $TestDrive 'decoded.txt'
        Receive-GcsMedia "gs://$bucket/text.gz" -OutFile $decoded | Out-Null
        [System.IO.File]::ReadAllText($decoded) | Should -Be $text
    }

    It 'leaves a .partial when stopped midway and resumes it on the next run' {
        $big = New-TestFile (Join-Path $TestDrive 'big.bin') (4MB) 11
        $bigObject = Send-TestObject $bucket 'big.bin' ([System.IO.File]::ReadAllBytes($big.FullName))
        # The stall outlasts any Stop() under load, so the download cannot finish before it is stopped.
        $id = New-RetryTest @{ 'storage.objects.get' = @('stall-for-30s-after-1024K') }
        $out = Join-Path $TestDrive 'big-copy.bin'
        $ps = [powershell]::Create()
        $null = $ps.AddScript({
                param($Manifest, $Endpoint, $Uri, $Out, $Id)
                $env:STORAGE_EMULATOR_HOST = $Endpoint
                Import-Module $Manifest
                Receive-GcsMedia $Uri -OutFile $Out -Headers @{ 'x-retry-test-id' = $Id }
            }).AddArgument($ModuleManifest).AddArgument($Emulator).AddArgument("gs://$bucket/big.bin").AddArgument($out).AddArgument($id)
        $async = $ps.BeginInvoke()
        $deadline = [DateTime]::UtcNow.AddSeconds(20)
        while (-not ((Test-Path "$out.partial") -and (Get-Item "$out.partial").Length -ge 512KB) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        $ps.Stop()
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 3
        $async.IsCompleted | Should -BeTrue
        $ps.Dispose()

        Test-Path $out | Should -BeFalse
        Test-Path "$out.partial" | Should -BeTrue
        (Get-Item "$out.partial").Length | Should -BeGreaterThan 0
        (Get-Item "$out.partial").Length | Should -BeLessThan 4MB

        $result = Receive-GcsMedia "gs://$bucket/big.bin" -OutFile $out
        $result.Resumed | Should -BeTrue
        $result.ChecksumVerified | Should -BeTrue
        $result.BytesDownloaded | Should -BeLessThan 4MB
        Get-TestCrc32c $out | Should -Be $bigObject.crc32c
        Test-Path "$out.partial" | Should -BeFalse
        Test-Path "$out.partial.json" | Should -BeFalse
    }

    It 'starts over when the object changed since the .partial was written' {
        $name = 'changing.bin'
        $first = New-TestFile (Join-Path $TestDrive 'first.bin') (2MB) 21
        Send-TestObject $bucket $name ([System.IO.File]::ReadAllBytes($first.FullName)) | Out-Null
        $id = New-RetryTest @{ 'storage.objects.get' = @('stall-for-5s-after-512K') }
        $out = Join-Path $TestDrive 'changing-copy.bin'
        $ps = [powershell]::Create()
        $null = $ps.AddScript({
                param($Manifest, $Endpoint, $Uri, $Out, $Id)
                $env:STORAGE_EMULATOR_HOST = $Endpoint
                Import-Module $Manifest
                Receive-GcsMedia $Uri -OutFile $Out -Headers @{ 'x-retry-test-id' = $Id }
            }).AddArgument($ModuleManifest).AddArgument($Emulator).AddArgument("gs://$bucket/$name").AddArgument($out).AddArgument($id)
        $null = $ps.BeginInvoke()
        $deadline = [DateTime]::UtcNow.AddSeconds(20)
        while (-not ((Test-Path "$out.partial") -and (Get-Item "$out.partial").Length -ge 256KB) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
        $ps.Stop(); $ps.Dispose()
        Test-Path "$out.partial" | Should -BeTrue

        $second = New-TestFile (Join-Path $TestDrive 'second.bin') (2MB) 22
        $secondObject = Send-TestObject $bucket $name ([System.IO.File]::ReadAllBytes($second.FullName))
        $result = Receive-GcsMedia "gs://$bucket/$name" -OutFile $out
        $result.Resumed | Should -BeFalse
        $result.ChecksumVerified | Should -BeTrue
        Get-TestCrc32c $out | Should -Be $secondObject.crc32c
    }
}
