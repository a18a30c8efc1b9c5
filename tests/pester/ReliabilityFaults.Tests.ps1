# Fault matrix through the cmdlets: Google's retry-conformance cases for media (scenario 7 resumable uploads, 8
# downloads, 3 simple/multipart inserts with and without a precondition, 5 non-retryable 400/401), stalls, corrupted
# downloads and faults on every XML multipart-upload call. Each case gets its own storage-testbench retry test
# (x-retry-test-id via -Headers); afterwards GET /retry_test/{id} tells how many instructions were consumed.
#
# Retries back off 1-2 s each (the default strategy, with no way to shorten it from the cmdlets), so the cases run
# side by side in a runspace pool: the file takes as long as its slowest case (~10 s), not the sum.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $bucket = New-TestBucket faults
    $env:GCSMEDIA_STATE_DIR = Join-Path $TestDrive 'state'
    $big = New-TestFile (Join-Path $TestDrive 'big.bin') (10MB) 11
    $mpuFile = New-TestFile (Join-Path $TestDrive 'mpu.bin') (12MB) 12
    $null = Send-TestObject $bucket 'dl-src.bin' ([System.IO.File]::ReadAllBytes($big.FullName))
    $shared = @{
        Bucket = $bucket; Emulator = $Emulator
        Big = $big.FullName; BigCrc = (Get-TestCrc32c $big.FullName); BigHash = (Get-FileHash $big.FullName).Hash
        MpuFile = $mpuFile.FullName; MpuHash = (Get-FileHash $mpuFile.FullName).Hash
    }

    # Helpers available inside every case (defined in each runspace).
    $caseHelpers = {
        function Get-RemoteCrc($c, $name) {
            try { (Invoke-RestMethod "$($c.Emulator)/storage/v1/b/$($c.Bucket)/o/$([uri]::EscapeDataString($name))").crc32c } catch { $null }
        }
        function Get-RemoteHash($c, $name) {
            $out = Join-Path $c.Dir 'verify.bin'
            Invoke-WebRequest "$($c.Emulator)/download/storage/v1/b/$($c.Bucket)/o/$([uri]::EscapeDataString($name))?alt=media" -OutFile $out
            (Get-FileHash $out).Hash
        }
    }

    $S7 = { param($c) Send-GcsMedia -LiteralPath $c.Big -Bucket $c.Bucket -ObjectName $c.Name -Resumable -Headers $c.H -ErrorAction Stop | Out-Null
        @{ DataOk = (Get-RemoteCrc $c $c.Name) -eq $c.BigCrc } }
    $S7Chunked = { param($c) Send-GcsMedia -LiteralPath $c.Big -Bucket $c.Bucket -ObjectName $c.Name -Resumable -ChunkSize 1MB -Headers $c.H -ErrorAction Stop | Out-Null
        @{ DataOk = (Get-RemoteCrc $c $c.Name) -eq $c.BigCrc } }
    $S8 = { param($c) $out = Join-Path $c.Dir 'out.bin'
        $r = Receive-GcsMedia "gs://$($c.Bucket)/dl-src.bin" -OutFile $out -Headers $c.H -ErrorAction Stop
        @{ DataOk = (Get-FileHash $out).Hash -eq $c.BigHash -and $r.ChecksumVerified } }
    $S8Chunked = { param($c) $out = Join-Path $c.Dir 'out.bin'
        $r = Receive-GcsMedia "gs://$($c.Bucket)/dl-src.bin" -OutFile $out -ChunkSize 1MB -Headers $c.H -ErrorAction Stop
        @{ DataOk = (Get-FileHash $out).Hash -eq $c.BigHash -and $r.ChecksumVerified } }
    $SimpleForce = { param($c) Send-GcsMedia -LiteralPath $c.Big -Bucket $c.Bucket -ObjectName $c.Name -Force -Headers $c.H -ErrorAction Stop | Out-Null
        @{ DataOk = (Get-RemoteCrc $c $c.Name) -eq $c.BigCrc } }
    $MultipartForce = { param($c) Send-GcsMedia -LiteralPath $c.Big -Bucket $c.Bucket -ObjectName $c.Name -Metadata @{ case = 'x' } -Force -Headers $c.H -ErrorAction Stop | Out-Null
        @{ DataOk = (Get-RemoteCrc $c $c.Name) -eq $c.BigCrc } }
    $Simple = { param($c) Send-GcsMedia -LiteralPath $c.Big -Bucket $c.Bucket -ObjectName $c.Name -Headers $c.H -ErrorAction Stop | Out-Null
        @{ DataOk = (Get-RemoteCrc $c $c.Name) -eq $c.BigCrc } }
    $Multipart = { param($c) Send-GcsMedia -LiteralPath $c.Big -Bucket $c.Bucket -ObjectName $c.Name -ContentType application/x-test -Headers $c.H -ErrorAction Stop | Out-Null
        @{ DataOk = (Get-RemoteCrc $c $c.Name) -eq $c.BigCrc } }
    $Value = { param($c) Send-GcsMedia -Value 'hello, faults' -Uri "gs://$($c.Bucket)/$($c.Name)" -Headers $c.H -ErrorAction Stop | Out-Null
        @{ DataOk = (Get-RemoteCrc $c $c.Name) -eq [GcsMediaTests.Crc32c]::Base64([System.Text.Encoding]::UTF8.GetBytes('hello, faults')) } }
    $MpuAll = { param($c)
        $object = New-GcsMpu "gs://$($c.Bucket)/$($c.Name)" -Headers $c.H -ErrorAction Stop |
            Add-GcsMpuPart -Path $c.MpuFile -PartSize 5MB -ThrottleLimit 1 -Headers $c.H -ErrorAction Stop |
            Complete-GcsMpu -Headers $c.H -ErrorAction Stop
        @{ DataOk = $null -ne $object -and (Get-RemoteHash $c $c.Name) -eq $c.MpuHash } }
    $MpuInitiate = { param($c) $null = New-GcsMpu "gs://$($c.Bucket)/$($c.Name)" -Headers $c.H -ErrorAction Stop; @{ DataOk = $true } }
    $MpuAbort = { param($c)
        $upload = New-GcsMpu "gs://$($c.Bucket)/$($c.Name)" -ErrorAction Stop
        $null = $upload | Add-GcsMpuPart -Path $c.MpuFile -PartNumber 1 -Offset 0 -Length 5MB -ErrorAction Stop
        $upload | Stop-GcsMpu -Headers $c.H -ErrorAction Stop
        $left = @(Get-GcsMpu -Bucket $c.Bucket -Prefix $c.Name -ErrorAction Stop)
        @{ DataOk = $left.Count -eq 0 } }
    $MpuList = { param($c)
        $upload = New-GcsMpu "gs://$($c.Bucket)/$($c.Name)" -ErrorAction Stop
        $listed = @(Get-GcsMpu -Bucket $c.Bucket -Prefix $c.Name -Headers $c.H -ErrorAction Stop)
        $upload | Stop-GcsMpu -ErrorAction Stop
        @{ DataOk = $listed.Count -eq 1 -and $listed[0].UploadId -eq $upload.UploadId } }

    $insert = 'storage.objects.insert'
    $get = 'storage.objects.get'
    # Expect: Survive (succeeds, data verified, every instruction consumed) | NotRetried (fails after consuming
    # exactly one instruction, nothing written) | Corrupt (GcsMedia.DataCorruption, no -OutFile, no .partial).
    $cases = @(
        @{ Name = 's7-reset-503'; Scenario = 7; Expect = 'Survive'; Script = $S7; Faults = @{ $insert = @('return-reset-connection', 'return-503') } }
        @{ Name = 's7-408'; Scenario = 7; Expect = 'Survive'; Script = $S7; Faults = @{ $insert = @('return-408') } }
        @{ Name = 's7-503-after-256K'; Scenario = 7; Expect = 'Survive'; Script = $S7; Faults = @{ $insert = @('return-503-after-256K') } }
        @{ Name = 's7-503-after-8192K-408'; Scenario = 7; Expect = 'Survive'; Script = $S7; Faults = @{ $insert = @('return-503-after-8192K', 'return-408') } }
        @{ Name = 's7-chunked-reset-503'; Scenario = 7; Expect = 'Survive'; Script = $S7Chunked; Faults = @{ $insert = @('return-reset-connection', 'return-503') } }
        @{ Name = 's7-chunked-503-after-256K'; Scenario = 7; Expect = 'Survive'; Script = $S7Chunked; Faults = @{ $insert = @('return-503-after-256K') } }
        @{ Name = 's8-broken-broken'; Scenario = 8; Expect = 'Survive'; Script = $S8; Faults = @{ $get = @('return-broken-stream', 'return-broken-stream') } }
        @{ Name = 's8-broken-after-256K'; Scenario = 8; Expect = 'Survive'; Script = $S8; Faults = @{ $get = @('return-broken-stream-after-256K') } }
        @{ Name = 's8-chunked-broken-broken'; Scenario = 8; Expect = 'Survive'; Script = $S8Chunked; Faults = @{ $get = @('return-broken-stream', 'return-broken-stream') } }
        @{ Name = 's8-chunked-broken-after-256K'; Scenario = 8; Expect = 'Survive'; Script = $S8Chunked; Faults = @{ $get = @('return-broken-stream-after-256K') } }
        @{ Name = 's8-503-503'; Scenario = 8; Expect = 'Survive'; Script = $S8; Faults = @{ $get = @('return-503', 'return-503') } }
        @{ Name = 's3-simple-force-503'; Scenario = 3; Expect = 'NotRetried'; Script = $SimpleForce; Faults = @{ $insert = @('return-503', 'return-503') } }
        @{ Name = 's3-multipart-force-503'; Scenario = 3; Expect = 'NotRetried'; Script = $MultipartForce; Faults = @{ $insert = @('return-503', 'return-503') } }
        @{ Name = 's3-simple-precondition-503'; Scenario = 3; Expect = 'Survive'; Script = $Simple; Faults = @{ $insert = @('return-503', 'return-503') } }
        @{ Name = 's3-multipart-precondition-503'; Scenario = 3; Expect = 'Survive'; Script = $Multipart; Faults = @{ $insert = @('return-503', 'return-reset-connection') } }
        @{ Name = 's3-value-precondition-503'; Scenario = 3; Expect = 'Survive'; Script = $Value; Faults = @{ $insert = @('return-503') } }
        @{ Name = 's5-resumable-400'; Scenario = 5; Expect = 'NotRetried'; Script = $S7; Faults = @{ $insert = @('return-400', 'return-400') } }
        @{ Name = 's5-resumable-401'; Scenario = 5; Expect = 'NotRetried'; Script = $S7; Faults = @{ $insert = @('return-401', 'return-401') } }
        @{ Name = 's5-simple-401'; Scenario = 5; Expect = 'NotRetried'; Script = $Simple; Faults = @{ $insert = @('return-401', 'return-401') } }
        @{ Name = 's5-download-400'; Scenario = 5; Expect = 'NotRetried'; Script = $S8; Faults = @{ $get = @('return-400', 'return-400') } }
        @{ Name = 's5-download-401'; Scenario = 5; Expect = 'NotRetried'; Script = $S8Chunked; Faults = @{ $get = @('return-401', 'return-401') } }
        @{ Name = 's5-mpu-initiate-401'; Scenario = 5; Expect = 'NotRetried'; Script = $MpuInitiate; Faults = @{ 'storage.multipart.initiate' = @('return-401', 'return-401') } }
        @{ Name = 'stall-upload-3s'; Scenario = 'stall'; Expect = 'Survive'; Script = $S7Chunked; Faults = @{ $insert = @('stall-for-3s-after-256K') } }
        @{ Name = 'stall-download-3s'; Scenario = 'stall'; Expect = 'Survive'; Script = $S8; Faults = @{ $get = @('stall-for-3s-after-1024K') } }
        @{ Name = 'corrupted-download'; Scenario = 'corrupt'; Expect = 'Corrupt'; Script = $S8; Faults = @{ $get = @('return-corrupted-data') } }
        @{ Name = 'corrupted-chunked-download'; Scenario = 'corrupt'; Expect = 'Corrupt'; Script = $S8Chunked; Faults = @{ $get = @('return-corrupted-data') } }
        @{ Name = 'mpu-initiate-part-complete'; Scenario = 'mpu'; Expect = 'Survive'; Script = $MpuAll; Faults = @{
                'storage.multipart.initiate' = @('return-503', 'return-reset-connection')
                'storage.multipart.uploadPart' = @('return-503-after-256K', 'return-reset-connection')
                'storage.multipart.complete' = @('return-503') } }
        @{ Name = 'mpu-abort'; Scenario = 'mpu'; Expect = 'Survive'; Script = $MpuAbort; Faults = @{ 'storage.multipart.abort' = @('return-503', 'return-reset-connection') } }
        @{ Name = 'mpu-list'; Scenario = 'mpu'; Expect = 'Survive'; Script = $MpuList; Faults = @{ 'storage.multipart.list' = @('return-503') } }
    )

    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    $running = foreach ($case in $cases) {
        $id = New-RetryTest $case.Faults
        $dir = Join-Path $TestDrive $case.Name
        $null = New-Item -ItemType Directory -Path $dir
        $c = $shared.Clone()
        $c.Name = "$($case.Name).bin"; $c.Dir = $dir; $c.Id = $id; $c.H = @{ 'x-retry-test-id' = $id }
        $ps = [powershell]::Create()   # its own runspace (a RunspacePool sharing Pester's $Host deadlocked)
        $null = $ps.AddScript("Import-Module '$ModuleManifest'").AddStatement().AddScript($caseHelpers.ToString()).AddStatement().AddScript(@"
param(`$c)
`$caseWatch = [System.Diagnostics.Stopwatch]::StartNew()
try { `$r = & { $($case.Script) } `$c; [pscustomobject]@{ Error = `$null; ErrorId = `$null; DataOk = `$r.DataOk; Seconds = `$caseWatch.Elapsed.TotalSeconds } }
catch { [pscustomobject]@{ Error = "`$_"; ErrorId = `$_.FullyQualifiedErrorId; DataOk = `$null; Seconds = `$caseWatch.Elapsed.TotalSeconds } }
"@).AddArgument($c)
        [pscustomobject]@{ Case = $case; Context = $c; Shell = $ps; Async = $ps.BeginInvoke() }
    }
    $results = @{}
    $hung = $false
    foreach ($r in $running) {
        # A case that has not finished 90 s after the start hangs (no fault here needs more than ~10 s).
        $wait = [Math]::Max(0, 90000 - $watch.ElapsedMilliseconds)
        if ($r.Async.AsyncWaitHandle.WaitOne([int]$wait)) { $outcome = $r.Shell.EndInvoke($r.Async) | Select-Object -Last 1; $r.Shell.Dispose() }
        else {
            $hung = $true
            $null = $r.Shell.BeginStop($null, $null)
            $outcome = [pscustomobject]@{ Error = 'Timed out (hung) after 90 s'; ErrorId = 'Hung'; DataOk = $null; Seconds = 90 }
        }
        $test = Invoke-RestMethod "$Emulator/retry_test/$($r.Context.Id)"
        $planned = ($r.Case.Faults.Values | ForEach-Object { @($_).Count } | Measure-Object -Sum).Sum
        $left = (@($test.instructions.PSObject.Properties | ForEach-Object { @($_.Value).Count }) | Measure-Object -Sum).Sum
        $out = Join-Path $r.Context.Dir 'out.bin'
        $results[$r.Case.Name] = [pscustomobject]@{
            Name = $r.Case.Name; Expect = $r.Case.Expect; Error = $outcome.Error; ErrorId = $outcome.ErrorId; DataOk = $outcome.DataOk
            Seconds = [Math]::Round($outcome.Seconds, 1); Planned = [int]$planned; Injected = [int]($planned - $left); Left = [int]$left
            OutFile = Test-Path $out; Partial = Test-Path "$out.partial"; PartialJson = Test-Path "$out.partial.json"
            ObjectExists = $null -ne (Get-TestObject $bucket $r.Context.Name)
        }
    }
    $matrixSeconds = $watch.Elapsed.TotalSeconds
    $results.Values | Sort-Object Name | Format-Table Name, Expect, Injected, Left, Seconds, DataOk, ErrorId -AutoSize | Out-String -Width 220 | Write-Host
}

AfterAll { Remove-Item Env:GCSMEDIA_STATE_DIR -ErrorAction SilentlyContinue }

Describe 'Fault matrix' {
    It '<Name> (scenario <Scenario>) survives: success, verified data, every fault consumed' -ForEach @(
        @{ Name = 's7-reset-503'; Scenario = 7 }, @{ Name = 's7-408'; Scenario = 7 }, @{ Name = 's7-503-after-256K'; Scenario = 7 }
        @{ Name = 's7-503-after-8192K-408'; Scenario = 7 }, @{ Name = 's7-chunked-reset-503'; Scenario = 7 }, @{ Name = 's7-chunked-503-after-256K'; Scenario = 7 }
        @{ Name = 's8-broken-broken'; Scenario = 8 }, @{ Name = 's8-broken-after-256K'; Scenario = 8 }, @{ Name = 's8-chunked-broken-broken'; Scenario = 8 }
        @{ Name = 's8-chunked-broken-after-256K'; Scenario = 8 }, @{ Name = 's8-503-503'; Scenario = 8 }
        @{ Name = 's3-simple-precondition-503'; Scenario = 3 }, @{ Name = 's3-multipart-precondition-503'; Scenario = 3 }, @{ Name = 's3-value-precondition-503'; Scenario = 3 }
        @{ Name = 'stall-upload-3s'; Scenario = 'stall' }, @{ Name = 'stall-download-3s'; Scenario = 'stall' }
        @{ Name = 'mpu-initiate-part-complete'; Scenario = 'MPU' }, @{ Name = 'mpu-abort'; Scenario = 'MPU' }, @{ Name = 'mpu-list'; Scenario = 'MPU' }
    ) {
        $r = $results[$Name]
        $r.Error | Should -BeNullOrEmpty
        $r.DataOk | Should -BeTrue
        $r.Left | Should -Be 0 -Because 'every injected fault must have been hit'
        $r.Injected | Should -Be $r.Planned
    }

    It '<Name> (scenario <Scenario>) fails at once: not retried, nothing written' -ForEach @(
        @{ Name = 's3-simple-force-503'; Scenario = 3 }, @{ Name = 's3-multipart-force-503'; Scenario = 3 }
        @{ Name = 's5-resumable-400'; Scenario = 5 }, @{ Name = 's5-resumable-401'; Scenario = 5 }, @{ Name = 's5-simple-401'; Scenario = 5 }
        @{ Name = 's5-download-400'; Scenario = 5 }, @{ Name = 's5-download-401'; Scenario = 5 }, @{ Name = 's5-mpu-initiate-401'; Scenario = 5 }
    ) {
        $r = $results[$Name]
        $r.Error | Should -Not -BeNullOrEmpty
        $r.ErrorId | Should -BeLike 'GcsMedia.*'
        $r.Injected | Should -Be 1 -Because 'the request must not be retried'
        $r.ObjectExists | Should -BeFalse
        $r.OutFile | Should -BeFalse
        $r.Partial | Should -BeFalse
    }

    It '<Name>: return-corrupted-data is GcsMedia.DataCorruption, with no -OutFile and no .partial left' -ForEach @(
        @{ Name = 'corrupted-download' }, @{ Name = 'corrupted-chunked-download' }
    ) {
        $r = $results[$Name]
        $r.ErrorId | Should -BeLike 'GcsMedia.DataCorruption*'
        $r.Injected | Should -Be 1
        $r.OutFile | Should -BeFalse
        $r.Partial | Should -BeFalse
        $r.PartialJson | Should -BeFalse
    }

    It 'summarises: faults injected N / survived N / data corrupted 0' {
        $all = @($results.Values)
        $injected = ($all | Measure-Object Injected -Sum).Sum
        $handled = ($all | Where-Object {
                $r = $_
                switch ($r.Expect) {
                    'Survive' { -not $r.Error -and $r.DataOk -and $r.Left -eq 0 }
                    'NotRetried' { $r.Error -and $r.Injected -eq 1 -and -not $r.ObjectExists -and -not $r.OutFile }
                    'Corrupt' { $r.ErrorId -like 'GcsMedia.DataCorruption*' -and -not $r.OutFile -and -not $r.Partial }
                }
            } | Measure-Object Injected -Sum).Sum
        # Data corrupted: a case that reported success with wrong bytes, or a corrupt download that left a file.
        $corrupted = @($all | Where-Object { ($_.Expect -eq 'Survive' -and -not $_.Error -and -not $_.DataOk) -or ($_.Expect -eq 'Corrupt' -and $_.OutFile) }).Count
        Write-Host "faults injected $injected / survived $handled / data corrupted $corrupted ($($all.Count) cases in $([Math]::Round($matrixSeconds, 1)) s)"
        $injected | Should -BeGreaterThan 30
        $handled | Should -Be $injected
        $corrupted | Should -Be 0
    }
}
