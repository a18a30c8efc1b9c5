# Secrets under failure (extends Secrets.Tests.ps1): EVERY cmdlet runs with -Verbose -Debug, a fake -AccessToken and
# an -EncryptionKey against a failing server (503, 503, then 401 injected) and against an endpoint that is down. All
# streams (*>&1 in the runspace, and the runspace's own Streams, including Progress), error records
# (.Exception.ToString(), .ErrorDetails, .TargetObject, .InvocationInfo) and outputs must not contain the token, the
# key, or a session URI / upload id. Each cmdlet runs in its own runspace, side by side, so the backoff waits overlap.
BeforeDiscovery {
    $names = @('Send-GcsMedia -Resumable', 'Send-GcsMedia (simple)', 'Send-GcsMedia -Value (multipart)', 'Receive-GcsMedia', 'Resume-GcsUpload -SessionUri',
        'New-GcsMpu', 'Add-GcsMpuPart', 'Complete-GcsMpu', 'Stop-GcsMpu', 'Get-GcsMpu', 'Get-GcsMpuPart',
        'Send-GcsMedia -Recurse (folder)', 'Receive-GcsMedia -Recurse (folder)', 'Get-GcsObject', 'Get-GcsObject (listing)', 'Remove-GcsObject', 'Copy-GcsObject') | ForEach-Object { @{ Name = $_ } }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $bucket = New-TestBucket secrets2
    $env:GCSMEDIA_STATE_DIR = Join-Path $TestDrive 'state'
    $token = 'ya29.SECRET-TOKEN-abc'
    $key = [Convert]::ToBase64String([byte[]](101..132))
    $sessionSecret = 'SESSION-SECRET-upload-77f1'
    $file = (New-TestFile (Join-Path $TestDrive 'secret.bin') (700KB) 9).FullName
    $mpuFile = (New-TestFile (Join-Path $TestDrive 'mpu.bin') (6MB) 10).FullName
    $dl = Send-TestObject $bucket 'dl.bin' ([byte[]](1..100))
    $null = Send-TestObject $bucket 'tree/a.bin' ([byte[]](1..100))
    $tree = Join-Path $TestDrive 'tree'
    $null = New-Item -ItemType Directory $tree
    $null = New-TestFile (Join-Path $tree 'a.bin') 1000 11
    $upload = New-GcsMpu "gs://$bucket/mpu.bin"   # a real upload id for the part/complete/abort calls

    $fault = @('return-503', 'return-503', 'return-401')
    # (Remove-GcsObject retries only a conditional delete, one that cannot remove a newer generation: hence -IfGenerationMatch.)
    $calls = [ordered]@{
        'Send-GcsMedia -Resumable' = @{ M = 'storage.objects.insert'; S = 'Send-GcsMedia -Path $a.File -Bucket $a.Bucket -ObjectName r.bin -Resumable -ChunkSize 256KB @x' }
        'Send-GcsMedia (simple)' = @{ M = 'storage.objects.insert'; S = 'Send-GcsMedia -Path $a.File -Bucket $a.Bucket -ObjectName s.bin @x' }
        'Send-GcsMedia -Value (multipart)' = @{ M = 'storage.objects.insert'; S = 'Send-GcsMedia -Value hi -Uri "gs://$($a.Bucket)/v.txt" -ContentType text/plain @x' }
        'Receive-GcsMedia' = @{ M = 'storage.objects.get'; S = 'Receive-GcsMedia "gs://$($a.Bucket)/dl.bin" -OutFile (Join-Path $a.Dir "dl.bin") @x' }
        'Resume-GcsUpload -SessionUri' = @{ M = 'storage.objects.insert'; S = 'Resume-GcsUpload -SessionUri $a.Session -Path $a.File -Uri "gs://$($a.Bucket)/sess.bin" -ChunkSize 256KB @x' }
        'New-GcsMpu' = @{ M = 'storage.multipart.initiate'; S = 'New-GcsMpu "gs://$($a.Bucket)/n.bin" -Metadata @{ k = "v" } @x' }
        'Add-GcsMpuPart' = @{ M = 'storage.multipart.uploadPart'; S = 'Add-GcsMpuPart -Uri "gs://$($a.Bucket)/mpu.bin" -UploadId $a.UploadId -Path $a.MpuFile -PartNumber 1 -Offset 0 -Length 5MB @x' }
        'Complete-GcsMpu' = @{ M = 'storage.multipart.complete'; S = 'Complete-GcsMpu -Uri "gs://$($a.Bucket)/mpu.bin" -UploadId $a.UploadId -Part ([pscustomobject]@{ PartNumber = 1; ETag = "`"abc`"" }) @x' }
        'Stop-GcsMpu' = @{ M = 'storage.multipart.abort'; S = 'Stop-GcsMpu -Uri "gs://$($a.Bucket)/mpu.bin" -UploadId $a.UploadId -PassThru @x' }
        'Get-GcsMpu' = @{ M = 'storage.multipart.list'; S = 'Get-GcsMpu -Bucket $a.Bucket @x' }
        'Get-GcsMpuPart' = @{ M = 'storage.multipart.listParts'; S = 'Get-GcsMpuPart -Uri "gs://$($a.Bucket)/mpu.bin" -UploadId $a.UploadId @x' }
        'Send-GcsMedia -Recurse (folder)' = @{ M = 'storage.objects.insert'; S = 'Send-GcsMedia -Path $a.Tree -Uri "gs://$($a.Bucket)/up/" -Recurse @x' }
        'Receive-GcsMedia -Recurse (folder)' = @{ M = 'storage.objects.list'; S = 'Receive-GcsMedia "gs://$($a.Bucket)/tree/" -OutFile (Join-Path $a.Dir "tree") -Recurse @x' }
        'Get-GcsObject' = @{ M = 'storage.objects.get'; S = 'Get-GcsObject "gs://$($a.Bucket)/dl.bin" @x' }
        'Get-GcsObject (listing)' = @{ M = 'storage.objects.list'; S = 'Get-GcsObject -Bucket $a.Bucket -Prefix tree/ -Recurse @x' }
        'Remove-GcsObject' = @{ M = 'storage.objects.delete'; S = 'Remove-GcsObject "gs://$($a.Bucket)/dl.bin" -IfGenerationMatch $a.Generation -Force @x' }
        'Copy-GcsObject' = @{ M = 'storage.objects.rewrite'; S = 'Copy-GcsObject "gs://$($a.Bucket)/dl.bin" -Destination "gs://$($a.Bucket)/copy.bin" @x' }
    }

    $runs = [System.Collections.Generic.List[object]]::new()
    foreach ($target in 'failing', 'down') {
        foreach ($name in $calls.Keys) {
            $call = $calls[$name]
            $endpoint = if ($target -eq 'failing') { $Emulator } else { 'http://127.0.0.1:9' }
            $headers = @{}
            if ($target -eq 'failing') { $headers['x-retry-test-id'] = New-RetryTest @{ $call.M = $fault } }
            $dir = Join-Path $TestDrive "$target-$($runs.Count)"
            $null = New-Item -ItemType Directory $dir
            $a = @{
                Bucket = $bucket; File = $file; Tree = $tree; Generation = [long]$dl.generation; MpuFile = $mpuFile; Dir = $dir; UploadId = $upload.UploadId
                Session = "$endpoint/upload/storage/v1/b/$bucket/o?uploadType=resumable&name=sess.bin&upload_id=$sessionSecret"
                X = @{ Endpoint = $endpoint; AccessToken = $token; EncryptionKey = $key; Headers = $headers; Verbose = $true; Debug = $true; ErrorAction = 'Continue' }
            }
            $ps = [powershell]::Create()
            $null = $ps.AddScript(@"
param(`$a)
Import-Module '$ModuleManifest'
`$ProgressPreference = 'Continue'; `$DebugPreference = 'Continue'; `$VerbosePreference = 'Continue'; `$InformationPreference = 'Continue'
`$x = `$a.X
& { $($call.S) } *>&1
"@).AddArgument($a)
            $output = [System.Management.Automation.PSDataCollection[psobject]]::new()   # keeps what a stopped run wrote
            $runs.Add([pscustomobject]@{ Name = $name; Target = $target; Shell = $ps; Async = $ps.BeginInvoke([System.Management.Automation.PSDataCollection[psobject]]$null, $output); Output = $output; Hung = $false; Stopped = $false })
        }
    }

    # The failing server: 2 backoff waits (1-2 s, 2-3 s), then the 401 ends the call. The down endpoint: connection
    # refused is transient and retried for up to 600 s (the default strategy; the cmdlets have no deadline
    # parameter), so those runs are stopped after 10 s, as Ctrl+C would, and what they wrote so far is checked.
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    foreach ($run in $runs) {
        $limit = if ($run.Target -eq 'down') { 10000 } else { 45000 }
        $wait = [Math]::Max(0, $limit - $watch.ElapsedMilliseconds)
        if (-not $run.Async.AsyncWaitHandle.WaitOne([int]$wait)) {
            $run.Stopped = $true
            $null = $run.Shell.BeginStop($null, $null)
            if (-not $run.Async.AsyncWaitHandle.WaitOne(5000)) { $run.Hung = $true }
        }
    }

    # Every place a secret could surface, as text.
    function Get-Places($Run) {
        $s = $Run.Shell.Streams
        $records = @($Run.Output) + @($s.Error) + @($s.Verbose) + @($s.Debug) + @($s.Warning) + @($s.Information) + @($s.Progress)
        foreach ($r in $records) {
            if ($null -eq $r) { continue }
            "$r"
            switch ($r) {
                { $_ -is [System.Management.Automation.ErrorRecord] } {
                    $_.Exception.ToString(); "$($_.ErrorDetails)"; $_.ErrorDetails.Message; $_.ErrorDetails.RecommendedAction; "$($_.TargetObject)"
                    $_.CategoryInfo.ToString(); $_.FullyQualifiedErrorId; $_.InvocationInfo.Line; $_.ScriptStackTrace
                    $inner = $_.Exception.InnerException; while ($inner) { $inner.ToString(); $inner = $inner.InnerException }
                }
                { $_ -is [System.Management.Automation.ProgressRecord] } { $_.Activity; $_.StatusDescription; $_.CurrentOperation }
                { $_ -is [System.Management.Automation.InformationalRecord] } { $_.Message }
                { $_ -is [System.Management.Automation.InformationRecord] } { "$($_.MessageData)" }
                { $_ -isnot [string] -and $_ -isnot [System.Management.Automation.ErrorRecord] } { $_ | Format-List * -Force | Out-String }
            }
        }
    }

    # (An XML multipart upload id is not a credential - the cmdlets output it by design - unlike a resumable
    # session URI, whose upload_id alone authorizes writes.)
    $patterns = @([regex]::Escape($token), 'SECRET-TOKEN', [regex]::Escape($key), $sessionSecret, 'upload_id=', 'uploadType=resumable')
    $checks = 0
    $leaks = [System.Collections.Generic.List[string]]::new()
    foreach ($run in $runs) {
        $places = @(Get-Places $run | Where-Object { $_ })
        $run | Add-Member Places $places.Count
        $run | Add-Member Errors (@($run.Output | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] }).Count + $run.Shell.Streams.Error.Count)
        $run | Add-Member Retries @($run.Output | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like 'Retry *' }).Count
        $run | Add-Member ProgressCount $run.Shell.Streams.Progress.Count
        foreach ($place in $places) {
            foreach ($pattern in $patterns) {
                $checks++
                if ($place -match $pattern) { $leaks.Add("$($run.Target) $($run.Name): /$pattern/ in: $($place.Substring(0, [Math]::Min(300, $place.Length)))") }
            }
        }
        if (-not $run.Hung) { $run.Shell.Dispose() }
    }
    $runs | Format-Table Target, Name, Stopped, Hung, Errors, Retries, ProgressCount, Places -AutoSize | Out-String -Width 200 | Write-Host
    $leaks | Select-Object -First 20 | Write-Host
    Write-Host "secrets leaked $($leaks.Count) / places checked $checks ($(@($runs).Count) runs, $(($runs | Measure-Object Places -Sum).Sum) captured texts x $($patterns.Count) secrets)"
}

AfterAll { Remove-Item Env:GCSMEDIA_STATE_DIR -ErrorAction SilentlyContinue }

Describe 'Secrets under failure' {
    It '<Name> against the failing server: says (-Verbose) it retries the two 503s, then fails on the 401' -ForEach $names {
        $run = $runs | Where-Object { $_.Target -eq 'failing' -and $_.Name -eq $Name }
        $run.Stopped | Should -BeFalse -Because 'the injected 401 must end the call'
        $run.Errors | Should -BeGreaterThan 0
        $run.Retries | Should -Be 2 -Because 'each retry is announced on the verbose stream'
    }

    It '<Name> against a down endpoint: reports the refused connection (error or retry message) and stops when asked' -ForEach $names {
        $run = $runs | Where-Object { $_.Target -eq 'down' -and $_.Name -eq $Name }
        $run.Hung | Should -BeFalse
        ($run.Errors + $run.Retries) | Should -BeGreaterThan 0 -Because 'a user watching -Verbose must see why nothing happens'
    }

    It 'has a case for every exported cmdlet, and its names match the table' -ForEach @(@{ Expected = @($names | ForEach-Object { $_.Name }) }) {
        foreach ($cmdlet in (Get-Command -Module GcsMedia -CommandType Cmdlet).Name) {
            @($calls.Keys | Where-Object { $_ -eq $cmdlet -or $_ -like "$cmdlet *" }).Count | Should -BeGreaterThan 0 -Because "$cmdlet must be run against the failing server"
        }
        @($calls.Keys) | Should -Be @($runs | Where-Object Target -eq 'failing' | ForEach-Object Name)
        @($runs | Where-Object Target -eq 'failing' | ForEach-Object Name | Sort-Object) | Should -Be @($Expected | Sort-Object)
    }

    It 'leaks no token, key, session URI or upload id anywhere' {
        $leaks | Should -BeNullOrEmpty
        $checks | Should -BeGreaterThan 1000
    }

    # State files (0600 in a 0700 folder, removed on success) are already covered by ResumeGcsUpload.Tests.ps1.
}
