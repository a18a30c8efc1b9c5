# Crash and resume: a separate pwsh process running Send-GcsMedia -Resumable -ChunkSize 256KB is killed with
# SIGKILL (Stop-Process -Force) at 20 seeded points, from "during module import / initiate" (no state file yet) to
# "during the final chunk"; the upload is then finished by Resume-GcsUpload -StatePath (or, when no state file was
# written, by rerunning Send-GcsMedia -Resumable). Every run must end with exactly one object whose crc32c is the
# file's. Downloads killed midway are continued from the .partial, or restarted when the object changed.
#
# CI runs 20 kills over a 16 MiB file. The 64 MiB x 20 variant is the same test with RELIABILITY_CRASH_MIB=64
# (run by hand: see the Trust issue report). RELIABILITY_CRASH_SEED changes the kill points.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $bucket = New-TestBucket crash
    $pwsh = Get-PwshPath
    $mib = if ($env:RELIABILITY_CRASH_MIB) { [int]$env:RELIABILITY_CRASH_MIB } else { 16 }
    $seed = if ($env:RELIABILITY_CRASH_SEED) { [int]$env:RELIABILITY_CRASH_SEED } else { 20240607 }
    $file = New-TestFile (Join-Path $TestDrive 'crash.bin') ($mib * 1MB) 97
    $fileCrc = Get-TestCrc32c $file.FullName
    $chunk = 256KB

    $handler = [System.Net.Http.SocketsHttpHandler]::new()
    $handler.AllowAutoRedirect = $false
    $http = [System.Net.Http.HttpClient]::new($handler)

    # Bytes the emulator has persisted for a resumable session (a status query: PUT, Content-Range bytes */N).
    function Get-PersistedBytes([string] $SessionUri, [long] $Length) {
        $request = [System.Net.Http.HttpRequestMessage]::new([System.Net.Http.HttpMethod]::Put, $SessionUri)
        $request.Content = [System.Net.Http.ByteArrayContent]::new([byte[]]::new(0))
        $null = $request.Content.Headers.TryAddWithoutValidation('Content-Range', "bytes */$Length")
        $response = $http.SendAsync($request).GetAwaiter().GetResult()
        try {
            $code = [int]$response.StatusCode
            if ($code -eq 200 -or $code -eq 201) { return $Length }
            if ($code -ne 308) { return -1 }
            $range = $null
            if ($response.Headers.TryGetValues('Range', [ref]$range)) { return [long](($range | Select-Object -First 1) -replace '^bytes=0-', '') + 1 }
            return 0
        }
        finally { $response.Dispose() }
    }

    # Starts a pwsh that imports the module, prints 'ready' and runs $Command. Returns the process once 'ready' is read.
    function Start-Child([string] $Command, [string] $StateDir, [switch] $NoWait) {
        $info = [System.Diagnostics.ProcessStartInfo]::new($pwsh)
        foreach ($a in @('-NoProfile', '-NonInteractive', '-Command', "Import-Module '$ModuleManifest'; [Console]::Out.WriteLine('ready'); [Console]::Out.Flush(); $Command")) { $info.ArgumentList.Add($a) }
        $info.RedirectStandardOutput = $true
        $info.RedirectStandardError = $true
        $info.UseShellExecute = $false
        $info.Environment['STORAGE_EMULATOR_HOST'] = $Emulator
        $info.Environment['GCSMEDIA_STATE_DIR'] = $StateDir
        $process = [System.Diagnostics.Process]::Start($info)
        $null = $process.StandardError.ReadToEndAsync()
        if (-not $NoWait) {
            $line = $process.StandardOutput.ReadLineAsync()
            if (-not $line.Wait(60000) -or $line.Result -ne 'ready') { $process.Kill($true); throw "The child pwsh did not start: '$($line.Result)'" }
        }
        $null = $process.StandardOutput.ReadToEndAsync()
        $process
    }

    function Stop-Child($Process) {
        if (-not $Process.HasExited) { Stop-Process -Id $Process.Id -Force -ErrorAction SilentlyContinue }
        $null = $Process.WaitForExit(10000)
        $Process.Dispose()
    }

    function Get-StateFile([string] $StateDir) {
        Get-ChildItem $StateDir -Filter *.json -ErrorAction SilentlyContinue | Select-Object -First 1
    }

    function Get-ObjectsNamed([string] $Prefix) {
        @((Invoke-RestMethod "$Emulator/storage/v1/b/$bucket/o?prefix=$([uri]::EscapeDataString($Prefix))").items | Where-Object { $_ })
    }
}

AfterAll { if ($http) { $http.Dispose() } }

Describe 'Send-GcsMedia -Resumable killed (SIGKILL) at 20 points, then resumed' {
    BeforeAll {
        # Calibration: one unkilled child run tells how long initiate and the chunks take on this machine.
        $calState = Join-Path $TestDrive 'state-cal'
        $child = Start-Child "Send-GcsMedia -LiteralPath '$($file.FullName)' -Bucket $bucket -ObjectName calibration.bin -Resumable -ChunkSize 256KB | Out-Null" $calState
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        $stateAt = $null
        while (-not $child.HasExited) {
            if ($null -eq $stateAt -and (Get-StateFile $calState)) { $stateAt = $watch.Elapsed.TotalMilliseconds }
            Start-Sleep -Milliseconds 5
        }
        $totalMs = $watch.Elapsed.TotalMilliseconds
        $child.ExitCode | Should -Be 0
        if ($null -eq $stateAt) { $stateAt = [Math]::Min(300, $totalMs / 4) }
        $child.Dispose()

        # The 20 kill points: 1 during start-up, 4 before the state file exists (initiate), 13 at random persisted
        # byte counts, 2 in the final chunk.
        $random = [System.Random]::new($seed)
        $points = [System.Collections.Generic.List[object]]::new()
        $points.Add(@{ Kind = 'startup'; DelayMs = $random.Next(0, 200) })
        foreach ($i in 1..4) { $points.Add(@{ Kind = 'initiate'; DelayMs = $random.NextDouble() * $stateAt }) }
        foreach ($i in 1..13) { $points.Add(@{ Kind = 'bytes'; AtBytes = [long]($random.NextDouble() * ($file.Length - $chunk)) }) }
        foreach ($i in 1..2) { $points.Add(@{ Kind = 'final'; AtBytes = $file.Length - $chunk }) }

        $runs = foreach ($n in 0..($points.Count - 1)) {
            $point = $points[$n]
            $name = "crash-$n.bin"
            $stateDir = Join-Path $TestDrive "state-$n"
            $send = "Send-GcsMedia -LiteralPath '$($file.FullName)' -Bucket $bucket -ObjectName $name -Resumable -ChunkSize 256KB | Out-Null"
            $child = Start-Child $send $stateDir -NoWait:($point.Kind -eq 'startup')
            $observed = $null
            switch ($point.Kind) {
                { $_ -in 'startup', 'initiate' } { Start-Sleep -Milliseconds $point.DelayMs }
                default {
                    # Wait for the state file, then poll the emulator until the session holds the wanted bytes.
                    $deadline = [DateTime]::UtcNow.AddSeconds(60)
                    $state = $null
                    while (-not $child.HasExited -and -not ($state = Get-StateFile $stateDir) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 2 }
                    if ($state) {
                        $session = $null
                        try { $session = (Get-Content $state.FullName -Raw | ConvertFrom-Json).sessionUri } catch { }
                        while ($session -and -not $child.HasExited -and [DateTime]::UtcNow -lt $deadline) {
                            $observed = Get-PersistedBytes $session $file.Length
                            if ($observed -ge $point.AtBytes -or $observed -lt 0) { break }
                        }
                    }
                }
            }
            $exitedBeforeKill = $child.HasExited
            Stop-Child $child

            # Recovery, as a user would do it.
            $stateFile = Get-StateFile $stateDir
            $env:GCSMEDIA_STATE_DIR = $stateDir
            $recovery = if ($stateFile) { 'Resume-GcsUpload -StatePath' }
            elseif (Get-TestObject $bucket $name) { 'none (the upload had completed)' }
            else { 'Send-GcsMedia -Resumable again' }
            $result = $null
            $errorText = $null
            try {
                $result = if ($stateFile) { Resume-GcsUpload -StatePath $stateFile.FullName -ErrorAction Stop }
                elseif ($recovery -like 'Send*') { Send-GcsMedia -LiteralPath $file.FullName -Bucket $bucket -ObjectName $name -Resumable -ChunkSize 256KB -ErrorAction Stop }
            }
            catch { $errorText = "$_" }
            finally { Remove-Item Env:GCSMEDIA_STATE_DIR }

            $objects = Get-ObjectsNamed $name
            [pscustomobject]@{
                N = $n; Kind = $point.Kind; Target = $point.AtBytes ?? [int]$point.DelayMs; Persisted = $observed; ExitedBeforeKill = $exitedBeforeKill
                Recovery = $recovery; Error = $errorText; ResultCrc = $result.Crc32c; Objects = $objects.Count
                Crc32c = ($objects | Select-Object -First 1).crc32c; Size = [long](($objects | Select-Object -First 1).size)
                StateLeft = @(Get-ChildItem $stateDir -Filter *.json -ErrorAction SilentlyContinue).Count
            }
        }
        $runs | Format-Table N, Kind, Target, Persisted, ExitedBeforeKill, Recovery, Objects, StateLeft -AutoSize | Out-String -Width 200 | Write-Host
        $survived = @($runs | Where-Object { -not $_.Error -and $_.Objects -eq 1 -and $_.Crc32c -eq $fileCrc -and $_.Size -eq $file.Length -and $_.StateLeft -eq 0 }).Count
        Write-Host "kills survived $survived / $($runs.Count) ($mib MiB, seed $seed, calibration: state file after $([int]$stateAt) ms, upload $([int]$totalMs) ms)"
    }

    It 'kills at 20 points spread from start-up to the final chunk' {
        @($runs).Count | Should -Be 20
        @($runs | Where-Object Recovery -like 'Send*').Count | Should -BeGreaterThan 0 -Because 'some kills must come before the state file exists'
        @($runs | Where-Object Recovery -like 'Resume*').Count | Should -BeGreaterThan 10
    }

    It 'recovers kill <N> (<Kind>) without an error' -ForEach @(0..19 | ForEach-Object { @{ N = $_; Kind = $_ -eq 0 ? 'start-up' : $_ -le 4 ? 'initiate, no state file yet' : $_ -le 17 ? 'mid-upload' : 'final chunk' } }) {
        $run = $runs[$N]
        $run.Error | Should -BeNullOrEmpty
    }

    It 'leaves exactly one object per upload, each with the file''s crc32c and size, and no state files' {
        foreach ($run in $runs) {
            $run.Objects | Should -Be 1 -Because "run $($run.N) ($($run.Kind), $($run.Recovery))"
            $run.Crc32c | Should -Be $fileCrc -Because "run $($run.N) ($($run.Kind), $($run.Recovery))"
            $run.Size | Should -Be $file.Length -Because "run $($run.N)"
            $run.StateLeft | Should -Be 0 -Because "run $($run.N)"
        }
        $survived | Should -Be 20
    }
}

Describe 'Receive-GcsMedia killed (SIGKILL) midway' {
    BeforeAll {
        $size = 24MB
        $source = New-TestFile (Join-Path $TestDrive 'dl-source.bin') $size 101
        $null = Send-TestObject $bucket 'dl.bin' ([System.IO.File]::ReadAllBytes($source.FullName))

        # Starts a child Receive-GcsMedia that stalls after 8 MiB, kills it during the stall. Returns the .partial size.
        function Invoke-KilledDownload([string] $OutFile, [string] $Name) {
            $id = New-RetryTest @{ 'storage.objects.get' = @('stall-for-20s-after-8192K') }
            $child = Start-Child "Receive-GcsMedia gs://$bucket/$Name -OutFile '$OutFile' -Headers @{ 'x-retry-test-id' = '$id' } | Out-Null" (Join-Path $TestDrive 'state-dl')
            $deadline = [DateTime]::UtcNow.AddSeconds(30)
            while ([DateTime]::UtcNow -lt $deadline -and -not $child.HasExited -and -not ((Test-Path "$OutFile.partial") -and (Get-Item "$OutFile.partial").Length -ge 4MB)) { Start-Sleep -Milliseconds 20 }
            Start-Sleep -Milliseconds 300
            Stop-Child $child
            (Get-Item "$OutFile.partial" -ErrorAction SilentlyContinue).Length
        }
    }

    It 'continues from the .partial on the next run (fewer bytes fetched) and the file is byte-equal' {
        $out = Join-Path $TestDrive 'dl-resumed.bin'
        $partial = Invoke-KilledDownload $out 'dl.bin'
        $partial | Should -BeGreaterThan 0
        $partial | Should -BeLessThan $size
        Test-Path "$out.partial.json" | Should -BeTrue
        $records = Receive-GcsMedia "gs://$bucket/dl.bin" -OutFile $out -Verbose 4>&1
        $result = $records | Where-Object { $_ -is [GcsMedia.Cmdlets.GcsDownloadResult] }
        ($records | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n" | Should -Match 'Resuming the download'
        $result.Resumed | Should -BeTrue
        $result.BytesDownloaded | Should -Be ($size - $partial)
        $result.ChecksumVerified | Should -BeTrue
        (Get-FileHash $out).Hash | Should -Be (Get-FileHash $source.FullName).Hash
        Test-Path "$out.partial" | Should -BeFalse
        Test-Path "$out.partial.json" | Should -BeFalse
    }

    It 'starts over when the object changed between the runs, and the file is the new object''s bytes' {
        $out = Join-Path $TestDrive 'dl-changed.bin'
        $null = Send-TestObject $bucket 'dl-changed.bin' ([System.IO.File]::ReadAllBytes($source.FullName))
        $partial = Invoke-KilledDownload $out 'dl-changed.bin'
        $partial | Should -BeGreaterThan 0
        $replacement = New-TestFile (Join-Path $TestDrive 'dl-replacement.bin') ($size - 12345) 202
        $null = Send-TestObject $bucket 'dl-changed.bin' ([System.IO.File]::ReadAllBytes($replacement.FullName))
        $records = Receive-GcsMedia "gs://$bucket/dl-changed.bin" -OutFile $out -Verbose 4>&1
        $result = $records | Where-Object { $_ -is [GcsMedia.Cmdlets.GcsDownloadResult] }
        ($records | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n" | Should -Match 'changed'
        $result.Resumed | Should -BeFalse
        $result.BytesDownloaded | Should -Be $replacement.Length
        (Get-FileHash $out).Hash | Should -Be (Get-FileHash $replacement.FullName).Hash
        Test-Path "$out.partial" | Should -BeFalse
    }
}
