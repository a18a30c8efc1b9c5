# No silent waiting: the first retry warns (what failed, for how long, -RetryTimeout), the progress record says
# "retrying in N s, attempt M", and -RetryTimeout (default GCSMEDIA_MAX_RETRY_SECONDS, else 600 s) reaches every
# retry strategy of every cmdlet. The endpoint has nothing listening, so every request fails at once and is retried.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $dead = 'http://127.0.0.1:1'
    $file = New-TestFile (Join-Path $TestDrive 'in.bin') 1000 1
    $env:GCSMEDIA_STATE_DIR = Join-Path $TestDrive 'state'
    $savedLimit = $env:GCSMEDIA_MAX_RETRY_SECONDS

    # Runs the script, timing each warning as it arrives; returns the warnings, their arrival times and the total time.
    function Measure-Retries([scriptblock] $Script) {
        $clock = [System.Diagnostics.Stopwatch]::StartNew()
        $warnings = [System.Collections.Generic.List[object]]::new()
        try {
            & { & $Script } 3>&1 2>$null | ForEach-Object {
                if ($_ -is [System.Management.Automation.WarningRecord]) { $warnings.Add([pscustomobject]@{ Message = $_.Message; At = $clock.Elapsed.TotalSeconds }) }
            }
        }
        catch { }
        [pscustomobject]@{ Warnings = $warnings.ToArray(); Seconds = $clock.Elapsed.TotalSeconds }
    }
}

AfterAll {
    Remove-Item Env:GCSMEDIA_STATE_DIR -ErrorAction SilentlyContinue
    if ($savedLimit) { $env:GCSMEDIA_MAX_RETRY_SECONDS = $savedLimit } else { Remove-Item Env:GCSMEDIA_MAX_RETRY_SECONDS -ErrorAction SilentlyContinue }
}

Describe 'Retries are never silent' {
    AfterEach { if ($savedLimit) { $env:GCSMEDIA_MAX_RETRY_SECONDS = $savedLimit } else { Remove-Item Env:GCSMEDIA_MAX_RETRY_SECONDS -ErrorAction SilentlyContinue } }

    It 'Send-GcsMedia -RetryTimeout 3 to a dead endpoint warns within two seconds and gives up within the limit' {
        $result = Measure-Retries { Send-GcsMedia -Value x -Uri gs://b/x -Endpoint $dead -RetryTimeout 3 }
        $result.Warnings.Count | Should -Be 1
        $result.Warnings[0].At | Should -BeLessThan 2
        $result.Warnings[0].Message | Should -Match 'retried'
        $result.Warnings[0].Message | Should -Match 'up to 3 s'
        $result.Warnings[0].Message | Should -Match '-RetryTimeout'
        $result.Warnings[0].Message | Should -Match 'refused|connect'
        $result.Seconds | Should -BeGreaterThan 0.9
        $result.Seconds | Should -BeLessThan 6
    }

    It 'the progress record says "retrying in N s, attempt M" while waiting, and is completed' {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$ModuleManifest'; Send-GcsMedia -Value x -Uri gs://b/x -Endpoint $dead -RetryTimeout 3")
            $null = $ps.Invoke()
            $retrying = @($ps.Streams.Progress | Where-Object { $_.StatusDescription -match '^retrying in \d+ s, attempt \d+$' })
            $retrying.Count | Should -BeGreaterThan 0
            $retrying[0].StatusDescription | Should -Match 'attempt 2$'
            $retrying[0].SecondsRemaining | Should -BeGreaterThan 0
            @($ps.Streams.Progress | Where-Object { $_.ActivityId -eq $retrying[0].ActivityId -and $_.RecordType -eq 'Completed' }).Count | Should -Be 1
        }
        finally { $ps.Dispose() }
    }

    It 'the default comes from GCSMEDIA_MAX_RETRY_SECONDS, and -RetryTimeout overrides it' {
        $env:GCSMEDIA_MAX_RETRY_SECONDS = '2'
        $fromVariable = Measure-Retries { Receive-GcsMedia gs://b/x -OutFile (Join-Path $TestDrive 'a.bin') -Endpoint $dead }
        $fromVariable.Warnings[0].Message | Should -Match 'up to 2 s'
        $fromVariable.Seconds | Should -BeLessThan 6

        $env:GCSMEDIA_MAX_RETRY_SECONDS = '600'
        $overridden = Measure-Retries { Receive-GcsMedia gs://b/x -OutFile (Join-Path $TestDrive 'a.bin') -Endpoint $dead -RetryTimeout 2 }
        $overridden.Warnings[0].Message | Should -Match 'up to 2 s'
        $overridden.Seconds | Should -BeLessThan 6
    }

    It '-RetryTimeout reaches every retry strategy of <Case>' -ForEach @(
        @{ Case = 'a simple upload'; Script = { Send-GcsMedia -Path $file.FullName -Uri gs://b/x -Endpoint $dead -RetryTimeout 2 } }
        @{ Case = 'a multipart upload'; Script = { Send-GcsMedia -Path $file.FullName -Uri gs://b/x -ContentType text/plain -Endpoint $dead -RetryTimeout 2 } }
        @{ Case = 'a resumable upload'; Script = { Send-GcsMedia -Path $file.FullName -Uri gs://b/x -Resumable -Endpoint $dead -RetryTimeout 2 } }
        @{ Case = 'a parallel upload'; Script = { Send-GcsMedia -Path $file.FullName -Uri gs://b/x -Parallel -Endpoint $dead -RetryTimeout 2 } }
        @{ Case = 'a whole download'; Script = { Receive-GcsMedia gs://b/x -OutFile (Join-Path $TestDrive 'b.bin') -Endpoint $dead -RetryTimeout 2 } }
        @{ Case = 'a chunked download'; Script = { Receive-GcsMedia gs://b/x -OutFile (Join-Path $TestDrive 'b.bin') -ChunkSize 1MB -Endpoint $dead -RetryTimeout 2 } }
        @{ Case = 'a sliced download (metadata first)'; Script = { Receive-GcsMedia gs://b/x -OutFile (Join-Path $TestDrive 'b.bin') -ThrottleLimit 4 -Endpoint $dead -RetryTimeout 2 } }
        @{ Case = 'New-GcsMpu'; Script = { New-GcsMpu -Uri gs://b/x -Endpoint $dead -RetryTimeout 2 } }
        @{ Case = 'Get-GcsMpu'; Script = { Get-GcsMpu -Bucket b -Endpoint $dead -RetryTimeout 2 } }
        @{ Case = 'Add-GcsMpuPart'; Script = { Add-GcsMpuPart -Path $file.FullName -Uri gs://b/x -UploadId u1 -PartSize 5MB -Endpoint $dead -RetryTimeout 2 } }
        @{ Case = 'Stop-GcsMpu'; Script = { Stop-GcsMpu -Uri gs://b/x -UploadId u1 -Endpoint $dead -RetryTimeout 2 -Confirm:$false } }
        @{ Case = 'Resume-GcsUpload -SessionUri'; Script = { Resume-GcsUpload -SessionUri "$dead/upload/storage/v1/b/b/o?uploadType=resumable&upload_id=u1" -Path $file.FullName -Uri gs://b/x -Endpoint $dead -RetryTimeout 2 } }
    ) {
        $env:GCSMEDIA_MAX_RETRY_SECONDS = '600'
        $result = Measure-Retries $Script
        $result.Warnings.Count | Should -Be 1
        $result.Warnings[0].Message | Should -Match 'up to 2 s'
        $result.Seconds | Should -BeLessThan 8
    }

    It '-RetryTimeout takes seconds or a TimeSpan; 0 means no retries and no warning' {
        (Measure-Retries { Receive-GcsMedia gs://b/x -OutFile (Join-Path $TestDrive 'c.bin') -Endpoint $dead -RetryTimeout '00:00:02' }).Warnings[0].Message | Should -Match 'up to 2 s'
        (Measure-Retries { Receive-GcsMedia gs://b/x -OutFile (Join-Path $TestDrive 'c.bin') -Endpoint $dead -RetryTimeout ([timespan]::FromSeconds(2)) }).Warnings[0].Message | Should -Match 'up to 2 s'
        $none = Measure-Retries { Receive-GcsMedia gs://b/x -OutFile (Join-Path $TestDrive 'c.bin') -Endpoint $dead -RetryTimeout 0 }
        $none.Warnings.Count | Should -Be 0
        $none.Seconds | Should -BeLessThan 2
    }

    It 'a negative -RetryTimeout is refused before any request' {
        $e = try { Receive-GcsMedia gs://b/x -OutFile (Join-Path $TestDrive 'd.bin') -Endpoint $dead -RetryTimeout -5 } catch { $_ }
        $e.FullyQualifiedErrorId | Should -BeLike 'GcsMedia.InvalidArgument,*'
        "$e" | Should -Match '-RetryTimeout'
    }
}
