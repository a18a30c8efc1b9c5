# Interrupted resumable uploads: state files, Resume-GcsUpload in every parameter set, and rerunning Send-GcsMedia.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $bucket = New-TestBucket resume
    $env:GCSMEDIA_STATE_DIR = Join-Path $TestDrive 'state'

    # Starts Send-GcsMedia -Resumable in another runspace with a stalling emulator, waits until its state file
    # exists and the upload is in flight, then stops it as Ctrl+C would. Returns the state file.
    function Start-InterruptedUpload([string] $Path, [string] $Uri) {
        $id = New-RetryTest @{ 'storage.objects.insert' = @('stall-for-0s-after-0K', 'stall-for-1s-after-0K', 'stall-for-8s-after-512K', 'stall-for-8s-after-512K') }
        $ps = [powershell]::Create()
        $null = $ps.AddScript({
                param($Manifest, $Endpoint, $StateDir, $Path, $Uri, $Id)
                $env:STORAGE_EMULATOR_HOST = $Endpoint
                $env:GCSMEDIA_STATE_DIR = $StateDir
                Import-Module $Manifest
                Send-GcsMedia -Path $Path -Uri $Uri -Resumable -ChunkSize 1MB -Headers @{ 'x-retry-test-id' = $Id }
            }).AddArgument($ModuleManifest).AddArgument($Emulator).AddArgument($env:GCSMEDIA_STATE_DIR).AddArgument($Path).AddArgument($Uri).AddArgument($id)
        $async = $ps.BeginInvoke()
        $deadline = [DateTime]::UtcNow.AddSeconds(20)
        $state = $null
        while (-not $state -and [DateTime]::UtcNow -lt $deadline) {
            Start-Sleep -Milliseconds 100
            $state = Get-ChildItem $env:GCSMEDIA_STATE_DIR -Filter *.json -ErrorAction SilentlyContinue | Select-Object -First 1
        }
        Wait-RetryTestRemaining $id 1   # the first 8 s stall has been handed to a chunk request: it is in flight
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        $ps.Stop()
        $stopSeconds = $watch.Elapsed.TotalSeconds
        $completed = $async.IsCompleted
        $ps.Dispose()
        [pscustomobject]@{ State = $state; StopSeconds = $stopSeconds; Completed = $completed }
    }
}

AfterAll { Remove-Item Env:GCSMEDIA_STATE_DIR -ErrorAction SilentlyContinue }

Describe 'An interrupted Send-GcsMedia -Resumable' {
    BeforeAll {
        $file = New-TestFile (Join-Path $TestDrive 'interrupted.bin') (5MB + 77) 31
        $uri = "gs://$bucket/interrupted.bin"
        $run = Start-InterruptedUpload $file.FullName $uri
    }

    It 'stops within a second and a half of Stop()' {
        $run.Completed | Should -BeTrue
        $run.StopSeconds | Should -BeLessThan 1.5
    }

    It 'leaves an owner-only state file and no object' {
        $run.State | Should -Not -BeNullOrEmpty
        Test-Path $run.State.FullName | Should -BeTrue
        (Get-Item $run.State.FullName).UnixFileMode | Should -Be ([System.IO.UnixFileMode]'UserRead, UserWrite')
        (Get-Item $env:GCSMEDIA_STATE_DIR).UnixFileMode | Should -Be ([System.IO.UnixFileMode]'UserRead, UserWrite, UserExecute')
        $saved = Get-Content $run.State.FullName -Raw | ConvertFrom-Json
        $saved.bucket | Should -Be $bucket
        $saved.objectName | Should -Be 'interrupted.bin'
        $saved.sourcePath | Should -Be $file.FullName
        $saved.length | Should -Be $file.Length
        $saved.chunkSize | Should -Be 1MB
        $saved.checksum | Should -Be 'Crc32c'
        $saved.sessionUri | Should -Match 'upload_id='
        Get-TestObject $bucket 'interrupted.bin' | Should -BeNullOrEmpty
    }

    It 'is finished by Resume-GcsUpload -Path -Uri, with matching crc32c, and the state file is removed' {
        $result = Resume-GcsUpload -Path $file.FullName -Uri $uri
        $result.Size | Should -Be $file.Length
        $result.Crc32c | Should -Be (Get-TestCrc32c $file.FullName)
        (Get-TestObject $bucket 'interrupted.bin').crc32c | Should -Be (Get-TestCrc32c $file.FullName)
        Test-Path $run.State.FullName | Should -BeFalse
    }
}

Describe 'Resume-GcsUpload' {
    It 'resumes from -StatePath' {
        $file = New-TestFile (Join-Path $TestDrive 'bystate.bin') (3MB) 41
        $run = Start-InterruptedUpload $file.FullName "gs://$bucket/bystate.bin"
        $result = Resume-GcsUpload -StatePath $run.State.FullName
        $result.Crc32c | Should -Be (Get-TestCrc32c $file.FullName)
        Test-Path $run.State.FullName | Should -BeFalse
    }

    It 'resumes every pending upload when called with no arguments' {
        $a = New-TestFile (Join-Path $TestDrive 'all-a.bin') (3MB) 51
        $b = New-TestFile (Join-Path $TestDrive 'all-b.bin') (3MB) 52
        $null = Start-InterruptedUpload $a.FullName "gs://$bucket/all-a.bin"
        $null = Start-InterruptedUpload $b.FullName "gs://$bucket/all-b.bin"
        @(Get-ChildItem $env:GCSMEDIA_STATE_DIR -Filter *.json).Count | Should -Be 2
        $results = Resume-GcsUpload
        @($results).Count | Should -Be 2
        ($results | Where-Object Name -eq 'all-a.bin').Crc32c | Should -Be (Get-TestCrc32c $a.FullName)
        ($results | Where-Object Name -eq 'all-b.bin').Crc32c | Should -Be (Get-TestCrc32c $b.FullName)
        @(Get-ChildItem $env:GCSMEDIA_STATE_DIR -Filter *.json).Count | Should -Be 0
    }

    It 'resumes from a -SessionUri given as a SecureString' {
        $file = New-TestFile (Join-Path $TestDrive 'bysession.bin') (3MB) 61
        $run = Start-InterruptedUpload $file.FullName "gs://$bucket/bysession.bin"
        $session = (Get-Content $run.State.FullName -Raw | ConvertFrom-Json).sessionUri
        Remove-Item $run.State.FullName
        $secure = ConvertTo-SecureString $session -AsPlainText -Force
        $result = Resume-GcsUpload -SessionUri $secure -Path $file.FullName -Uri "gs://$bucket/bysession.bin" -ChunkSize 1MB
        $result.Crc32c | Should -Be (Get-TestCrc32c $file.FullName)
        $result.Name | Should -Be 'bysession.bin'
    }

    It 'is also finished by rerunning the same Send-GcsMedia -Resumable' {
        $file = New-TestFile (Join-Path $TestDrive 'rerun.bin') (3MB) 71
        $run = Start-InterruptedUpload $file.FullName "gs://$bucket/rerun.bin"
        $result = Send-GcsMedia -Path $file.FullName -Uri "gs://$bucket/rerun.bin" -Resumable -ChunkSize 1MB -Verbose 4>&1
        $verbose = $result | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        ($verbose.Message -join "`n") | Should -Match 'Resuming the upload'
        $object = $result | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }
        $object.Crc32c | Should -Be (Get-TestCrc32c $file.FullName)
        Test-Path $run.State.FullName | Should -BeFalse
    }

    It 'says so when there is nothing to resume for -Path' {
        $file = New-TestFile (Join-Path $TestDrive 'nothing.bin') 100 81
        { Resume-GcsUpload -Path $file.FullName } | Should -Throw -ErrorId 'GcsMedia.NoPendingUpload*'
    }

    It 'writes nothing with -WhatIf and keeps the state' {
        $file = New-TestFile (Join-Path $TestDrive 'whatif.bin') (3MB) 91
        $run = Start-InterruptedUpload $file.FullName "gs://$bucket/resume-whatif.bin"
        Resume-GcsUpload -StatePath $run.State.FullName -WhatIf | Should -BeNullOrEmpty
        Test-Path $run.State.FullName | Should -BeTrue
        Get-TestObject $bucket 'resume-whatif.bin' | Should -BeNullOrEmpty
        Resume-GcsUpload -StatePath $run.State.FullName | Out-Null
    }
}
