# The emulator survives its own crash: with --data-dir, an open resumable session and an open XML multipart upload
# outlive a kill -9 of the emulator process and a restart on the same folder and port; the built module then finishes
# them (Resume-GcsUpload, Add-GcsMpuPart + Complete-GcsMpu) and the object's crc32c is the file's.
# This file starts its own emulators (Start-GcsEmulator -ExtraArguments), not the one build.ps1 started.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $repoRoot = Resolve-Path (Join-Path $PSScriptRoot '../..')
    . (Join-Path $repoRoot 'tools/BuildHelpers.ps1')
    $pwsh = Get-PwshPath
    $dataDir = Join-Path $TestDrive 'emulator-data'
    $crashBucket = 'crash-bucket'

    function Start-DataDirEmulator([int] $Port = 0, [string[]] $Shaping = @()) {
        Start-GcsEmulator -RepoRoot $repoRoot -ExtraArguments (@('--port', "$Port", '--data-dir', $dataDir, '--bucket', $crashBucket) + $Shaping)
    }

    # kill -9: Process.Kill sends SIGKILL, so no shutdown code of the emulator runs.
    function Stop-Hard($Emulator) {
        $Emulator.Process.Kill()
        $Emulator.Process.WaitForExit(10000) | Out-Null
    }

    $handler = [System.Net.Http.SocketsHttpHandler]::new()
    $handler.AllowAutoRedirect = $false
    $http = [System.Net.Http.HttpClient]::new($handler)

    # Bytes the emulator has persisted for a resumable session (status query: PUT with Content-Range bytes */*).
    function Get-PersistedBytes([string] $SessionUri) {
        $request = [System.Net.Http.HttpRequestMessage]::new([System.Net.Http.HttpMethod]::Put, $SessionUri)
        $request.Content = [System.Net.Http.ByteArrayContent]::new([byte[]]::new(0))
        $null = $request.Content.Headers.TryAddWithoutValidation('Content-Range', 'bytes */*')
        $response = $http.SendAsync($request).GetAwaiter().GetResult()
        try {
            if ([int]$response.StatusCode -ne 308) { return -1 }
            $range = $null
            if ($response.Headers.TryGetValues('Range', [ref]$range)) { return [long](($range | Select-Object -First 1) -replace '^bytes=0-', '') + 1 }
            return 0
        }
        finally { $response.Dispose() }
    }

    # One holder, so that every block restarts and stops the same current emulator (Pester scopes copy variables).
    $current = @{ Emulator = Start-DataDirEmulator }
    $endpoint = $current.Emulator.Endpoint
    $port = ([uri]$endpoint).Port
}

AfterAll {
    if ($current) { Stop-GcsEmulator $current.Emulator }
}

Describe 'A resumable upload across a kill -9 of the emulator' {
    BeforeAll {
        # This emulator reads request bodies at 1 MB/s, so the upload is surely in flight when it is killed.
        Stop-GcsEmulator $current.Emulator
        $current.Emulator = Start-DataDirEmulator -Port $port -Shaping @('--bandwidth-mbps', '8')
        $file = New-TestFile (Join-Path $TestDrive 'resumable.bin') (6MB + 123) 41
        $stateDir = Join-Path $TestDrive 'state'

        $info = [System.Diagnostics.ProcessStartInfo]::new($pwsh)
        $command = "Import-Module '$ModuleManifest'; Send-GcsMedia -Path '$($file.FullName)' -Uri 'gs://$crashBucket/resumable.bin' " +
            "-Resumable -ChunkSize 256KB -Endpoint '$endpoint'"
        foreach ($a in @('-NoProfile', '-NonInteractive', '-Command', $command)) { $info.ArgumentList.Add($a) }
        $info.RedirectStandardOutput = $true
        $info.RedirectStandardError = $true
        $info.UseShellExecute = $false
        $info.Environment['GCSMEDIA_STATE_DIR'] = $stateDir
        $child = [System.Diagnostics.Process]::Start($info)
        $null = $child.StandardOutput.ReadToEndAsync()
        $null = $child.StandardError.ReadToEndAsync()

        # Wait for the state file and at least 1 MiB acknowledged, then kill the emulator mid-upload (and the client).
        $deadline = [DateTime]::UtcNow.AddSeconds(90)
        $state = $null
        $persistedBeforeCrash = 0
        while ([DateTime]::UtcNow -lt $deadline -and $persistedBeforeCrash -lt 1MB) {
            Start-Sleep -Milliseconds 100
            $state = Get-ChildItem $stateDir -Filter *.json -ErrorAction SilentlyContinue | Select-Object -First 1
            if ($state) { $persistedBeforeCrash = Get-PersistedBytes (Get-Content $state.FullName -Raw | ConvertFrom-Json).sessionUri }
        }
        Stop-Hard $current.Emulator
        Stop-Process -Id $child.Id -Force -ErrorAction SilentlyContinue
        $child.WaitForExit(10000) | Out-Null

        $current.Emulator = Start-DataDirEmulator -Port $port
        $sessionUri = (Get-Content $state.FullName -Raw | ConvertFrom-Json).sessionUri
        $persistedAfterRestart = Get-PersistedBytes $sessionUri
    }

    It 'was killed with part of the file acknowledged' {
        $state | Should -Not -BeNullOrEmpty
        $persistedBeforeCrash | Should -BeGreaterOrEqual 1MB
        $persistedBeforeCrash | Should -BeLessThan $file.Length
    }

    It 'comes back on the same port with the session at an acknowledged chunk boundary' {
        $current.Emulator.Endpoint | Should -Be $endpoint
        $persistedAfterRestart | Should -BeGreaterOrEqual $persistedBeforeCrash
        $persistedAfterRestart | Should -BeLessThan $file.Length
        $persistedAfterRestart % 256KB | Should -Be 0
    }

    It 'is finished by Resume-GcsUpload with the file''s crc32c' {
        $env:GCSMEDIA_STATE_DIR = $stateDir
        try { $result = Resume-GcsUpload -StatePath $state.FullName -Endpoint $endpoint }
        finally { Remove-Item Env:GCSMEDIA_STATE_DIR -ErrorAction SilentlyContinue }
        $expected = Get-TestCrc32c $file.FullName
        $result.Crc32c | Should -Be $expected
        (Invoke-RestMethod "$endpoint/storage/v1/b/$crashBucket/o/resumable.bin").crc32c | Should -Be $expected
        $out = Join-Path $TestDrive 'resumable.out'
        Receive-GcsMedia -Uri "gs://$crashBucket/resumable.bin" -OutFile $out -Endpoint $endpoint | Out-Null
        Get-TestCrc32c $out | Should -Be $expected
    }
}

Describe 'An XML multipart upload across a kill -9 of the emulator' {
    BeforeAll {
        $file = New-TestFile (Join-Path $TestDrive 'mpu.bin') (20MB + 999) 43
        $upload = New-GcsMpu -Uri "gs://$crashBucket/mpu.bin" -Endpoint $endpoint
        $firstHalf = @(
            Add-GcsMpuPart -Uri "gs://$crashBucket/mpu.bin" -UploadId $upload.UploadId -Path $file.FullName -PartNumber 1 -Offset 0 -Length 5MB -Endpoint $endpoint
            Add-GcsMpuPart -Uri "gs://$crashBucket/mpu.bin" -UploadId $upload.UploadId -Path $file.FullName -PartNumber 2 -Offset 5MB -Length 5MB -Endpoint $endpoint
        )
        Stop-Hard $current.Emulator
        $current.Emulator = Start-DataDirEmulator -Port $port
    }

    It 'still lists the upload and its two parts after the restart' {
        $uploads = Invoke-WebRequest "$endpoint/$crashBucket`?uploads"
        $uploads.Content | Should -Match ([regex]::Escape($upload.UploadId))
        $parts = Invoke-WebRequest "$endpoint/$crashBucket/mpu.bin?uploadId=$([uri]::EscapeDataString($upload.UploadId))"
        ([regex]::Matches($parts.Content, '<Part>')).Count | Should -Be 2
    }

    It 'takes the other half of the parts and completes with the file''s crc32c' {
        $secondHalf = @(
            Add-GcsMpuPart -Uri "gs://$crashBucket/mpu.bin" -UploadId $upload.UploadId -Path $file.FullName -PartNumber 3 -Offset 10MB -Length 5MB -Endpoint $endpoint
            Add-GcsMpuPart -Uri "gs://$crashBucket/mpu.bin" -UploadId $upload.UploadId -Path $file.FullName -PartNumber 4 -Offset 15MB -Length ($file.Length - 15MB) -Endpoint $endpoint
        )
        $object = Complete-GcsMpu -Uri "gs://$crashBucket/mpu.bin" -UploadId $upload.UploadId -Part ($firstHalf + $secondHalf) -Endpoint $endpoint
        $expected = Get-TestCrc32c $file.FullName
        $object.Crc32c | Should -Be $expected
        (Invoke-RestMethod "$endpoint/storage/v1/b/$crashBucket/o/mpu.bin").crc32c | Should -Be $expected
    }

    It 'keeps the completed object across another kill -9' {
        Stop-Hard $current.Emulator
        $current.Emulator = Start-DataDirEmulator -Port $port
        $out = Join-Path $TestDrive 'mpu.out'
        Receive-GcsMedia -Uri "gs://$crashBucket/mpu.bin" -OutFile $out -Endpoint $endpoint | Out-Null
        Get-TestCrc32c $out | Should -Be (Get-TestCrc32c $file.FullName)
    }
}
