#Requires -Version 7.4
<#
.SYNOPSIS
    GcsMedia benchmarks: throughput, hashing, import time and peak RSS, as ratios against peers measured in the
    same run (curl, the official .NET client), interleaved over several repetitions; medians.
.DESCRIPTION
    Run by `build.ps1 -Task Bench` after the build, or directly once out/GcsMedia exists:
        dotnet pwsh ./bench/Run-Bench.ps1            # full: 1024 MiB, 3 repetitions, writes bench/RESULTS.md
        dotnet pwsh ./bench/Run-Bench.ps1 -Quick     # 128 MiB, 1 repetition, writes bench/work/RESULTS.quick.md
    Every transfer is verified (downloaded file crc32c = source; uploaded object's crc32c from the JSON API =
    source). Exits 1 if any transfer was wrong or failed. See bench/README.md for what each figure means.
#>
[CmdletBinding()]
param(
    [string] $RepoRoot = (Split-Path $PSScriptRoot -Parent),
    [string] $ModuleOut,
    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',
    [ValidateRange(1, 50)]
    [int] $Repetitions = 3,
    [ValidateRange(1, 65536)]
    [int] $SizeMB = 1024,
    # File size for the shaped-link figures (sliced download, parallel MPU) against the second emulator.
    [ValidateRange(1, 65536)]
    [int] $ShapedSizeMB = 256,
    [int] $ShapedLatencyMs = 50,
    [double] $ShapedBandwidthMbps = 200,
    [int] $ImportRuns = 5,
    [int] $HashBufferMB = 256,
    # Our resumable upload chunk size (the cmdlet's default is 16 MiB).
    [long] $ChunkSize = 16MB,
    [long] $MpuPartSize = 32MB,
    [int] $Parallelism = 8,
    # Development run: 128 MiB, 1 repetition (the shaped-link file keeps -ShapedSizeMB, so the MPU still has
    # 8 parts), results to bench/work/RESULTS.quick.md.
    [switch] $Quick,
    [string] $ResultsPath
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
if ($env:CI -or [Console]::IsOutputRedirected) { $PSStyle.OutputRendering = 'PlainText' }
. (Join-Path $RepoRoot 'tools/BuildHelpers.ps1')

if (-not $ModuleOut) { $ModuleOut = Join-Path $RepoRoot 'out/GcsMedia' }
if ($Quick) {
    if (-not $PSBoundParameters.ContainsKey('SizeMB')) { $SizeMB = 128 }
    if (-not $PSBoundParameters.ContainsKey('Repetitions')) { $Repetitions = 1 }
}
if (-not $ResultsPath) {
    $ResultsPath = if ($Quick) { Join-Path $PSScriptRoot 'work/RESULTS.quick.md' } else { Join-Path $PSScriptRoot 'RESULTS.md' }
}
$modulePath = Join-Path $ModuleOut 'GcsMedia.psd1'
if (-not (Test-Path $modulePath)) { throw "The module is not built ($modulePath). Run ./build.ps1 -Task Build first (or -Task Bench)." }
$null = Get-EmulatorDll -RepoRoot $RepoRoot -Configuration $Configuration

$Bucket = 'bench'
$script:Failures = [System.Collections.Generic.List[string]]::new()
$script:Children = [System.Collections.Generic.List[System.Diagnostics.Process]]::new()
$script:Samples = [ordered]@{}     # key -> list of [pscustomobject]@{ Rep; MiBps; Ms; HwmKB }
$started = [DateTime]::UtcNow

function Write-Step([string] $Text) { Write-Host "== $Text" }

# ---------------------------------------------------------------------------------------------------------------
# Child processes
# ---------------------------------------------------------------------------------------------------------------

# A fresh pwsh: the dotnet-tool pwsh runs as `dotnet <PSHOME>/pwsh.dll`, an installed one as its own executable.
$processPath = [Environment]::ProcessPath
if ([System.IO.Path]::GetFileNameWithoutExtension($processPath) -eq 'dotnet') {
    $PwshCommand = @($processPath, (Join-Path $PSHOME 'pwsh.dll'))
}
else {
    $PwshCommand = @($processPath)
}

# Runs a process to completion (timeout: kill the tree), capturing output. Returns ExitCode, StdOut, StdErr, WallMs.
function Invoke-Child {
    param([string[]] $Command, [int] $TimeoutSeconds = 1200)
    $info = [System.Diagnostics.ProcessStartInfo]::new($Command[0])
    foreach ($a in $Command | Select-Object -Skip 1) { $info.ArgumentList.Add([string]$a) }
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    $info.UseShellExecute = $false
    $info.Environment['DOTNET_CLI_TELEMETRY_OPTOUT'] = '1'
    $info.Environment['POWERSHELL_TELEMETRY_OPTOUT'] = '1'
    $info.Environment['POWERSHELL_UPDATECHECK'] = 'Off'
    $sw = [System.Diagnostics.Stopwatch]::StartNew()
    $process = [System.Diagnostics.Process]::Start($info)
    $script:Children.Add($process)
    $out = $process.StandardOutput.ReadToEndAsync()
    $err = $process.StandardError.ReadToEndAsync()
    if (-not $process.WaitForExit($TimeoutSeconds * 1000)) {
        $process.Kill($true)
        $process.WaitForExit()
        $sw.Stop()
        return [pscustomobject]@{ ExitCode = -1; StdOut = $out.Result; StdErr = "timed out after $TimeoutSeconds s`n" + $err.Result; WallMs = $sw.Elapsed.TotalMilliseconds }
    }
    $process.WaitForExit()
    $sw.Stop()
    $null = $script:Children.Remove($process)
    [pscustomobject]@{ ExitCode = $process.ExitCode; StdOut = $out.Result; StdErr = $err.Result; WallMs = $sw.Elapsed.TotalMilliseconds }
}

# The last stdout line starting with $Prefix, parsed as JSON (or $null).
function Get-JsonLine {
    param([string] $Text, [string] $Prefix, [switch] $KeepPrefix)
    $line = @($Text -split "`r?`n" | Where-Object { $_.StartsWith($Prefix) }) | Select-Object -Last 1
    if (-not $line) { return $null }
    ($KeepPrefix ? $line : $line.Substring($Prefix.Length)) | ConvertFrom-Json
}

function Get-ErrorText($Run, $Json) {
    if ($Json -and $Json.PSObject.Properties['error']) { return [string]$Json.error }
    $tail = (($Run.StdErr + "`n" + $Run.StdOut) -split "`r?`n" | Where-Object { $_.Trim() } | Select-Object -Last 6) -join ' | '
    "exit code $($Run.ExitCode): $tail"
}

# The peer program (bench/GcsMedia.Bench.Peer): one JSON object on its last stdout line.
function Invoke-Peer {
    param([string[]] $Arguments, [switch] $AllowFailure)
    $run = Invoke-Child -Command (@('dotnet', $script:PeerDll) + $Arguments)
    $json = Get-JsonLine -Text $run.StdOut -Prefix '{' -KeepPrefix
    if ($run.ExitCode -ne 0 -or -not $json -or $json.PSObject.Properties['error']) {
        $message = "peer $($Arguments[0]) failed: $(Get-ErrorText $run $json)"
        if ($AllowFailure) { return [pscustomobject]@{ error = $message } }
        throw $message
    }
    $json
}

# The script each fresh pwsh runs. Times only the cmdlet call (Stopwatch) and reads its own VmHWM at the end.
$ChildScript = @'
param([string] $Operation, [string] $ModulePath, [string] $Endpoint, [string] $Uri, [string] $File,
      [string] $Checksum = 'Crc32c', [int] $ThrottleLimit = 0, [long] $ChunkSize = 0, [long] $PartSize = 0)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$result = [ordered]@{}
function Get-PeakRssKb {
    $line = Get-Content /proc/self/status | Where-Object { $_ -like 'VmHWM:*' }
    if ($line) { [long](($line -split '\s+')[1]) } else { -1 }
}
try {
    if ($Operation -ne 'Empty') {
        $env:STORAGE_EMULATOR_HOST = $Endpoint
        $sw = [System.Diagnostics.Stopwatch]::StartNew()
        Import-Module $ModulePath
        $sw.Stop()
        $result.importMs = $sw.Elapsed.TotalMilliseconds
    }
    switch ($Operation) {
        'Probe' {
            $receive = Get-Command Receive-GcsMedia -ErrorAction SilentlyContinue
            $add = Get-Command Add-GcsMpuPart -ErrorAction SilentlyContinue
            $result.slicedDownload = [bool]($receive -and $receive.Parameters.ContainsKey('ThrottleLimit'))
            $result.mpu = [bool]((Get-Command New-GcsMpu -ErrorAction SilentlyContinue) -and (Get-Command Complete-GcsMpu -ErrorAction SilentlyContinue) -and
                $add -and $add.Parameters.ContainsKey('PartSize') -and $add.Parameters.ContainsKey('ThrottleLimit'))
            $result.resumable = [bool]((Get-Command Send-GcsMedia -ErrorAction SilentlyContinue) -and (Get-Command Send-GcsMedia).Parameters.ContainsKey('Resumable'))
            $result.receive = [bool]$receive
            $result.moduleVersion = [string](Get-Module GcsMedia).Version
        }
        'Receive' {
            $p = @{ Uri = $Uri; OutFile = $File; Checksum = $Checksum }
            if ($ThrottleLimit -gt 0) { $p.ThrottleLimit = $ThrottleLimit }
            $sw.Restart()
            $r = Receive-GcsMedia @p
            $sw.Stop()
            $result.ms = $sw.Elapsed.TotalMilliseconds
            $result.bytes = [long]$r.BytesWritten
            $result.checksumVerified = [bool]$r.ChecksumVerified
        }
        'Send' {
            $sw.Restart()
            $r = Send-GcsMedia -Path $File -Uri $Uri -Resumable -ChunkSize $ChunkSize -Checksum $Checksum
            $sw.Stop()
            $result.ms = $sw.Elapsed.TotalMilliseconds
            $result.bytes = [long]$r.Size
            $result.crc32c = [string]$r.Crc32c
        }
        'Mpu' {
            $sw.Restart()
            $r = New-GcsMpu -Uri $Uri | Add-GcsMpuPart -Path $File -PartSize $PartSize -ThrottleLimit $ThrottleLimit | Complete-GcsMpu
            $sw.Stop()
            $result.ms = $sw.Elapsed.TotalMilliseconds
            $result.bytes = [long]$r.Size
            $result.crc32c = [string]$r.Crc32c
        }
    }
    $result.hwmKB = Get-PeakRssKb
    [Console]::Out.WriteLine('BENCH ' + ($result | ConvertTo-Json -Compress))
    exit 0
}
catch {
    $result.error = "$($_.Exception.GetType().Name): $($_.Exception.Message)"
    [Console]::Out.WriteLine('BENCH ' + ($result | ConvertTo-Json -Compress))
    exit 1
}
'@

function Invoke-PwshChild {
    param([string] $Operation, [hashtable] $Arguments = @{}, [switch] $AllowFailure)
    $command = $PwshCommand + @('-NoProfile', '-NonInteractive', '-File', $script:ChildScriptPath, '-Operation', $Operation,
        '-ModulePath', $modulePath)
    foreach ($k in $Arguments.Keys) { $command += @("-$k", [string]$Arguments[$k]) }
    $run = Invoke-Child -Command $command
    $json = Get-JsonLine -Text $run.StdOut -Prefix 'BENCH '
    if ($run.ExitCode -ne 0 -or -not $json -or $json.PSObject.Properties['error']) {
        $message = "pwsh $Operation failed: $(Get-ErrorText $run $json)"
        if ($AllowFailure) { return [pscustomobject]@{ error = $message; WallMs = $run.WallMs } }
        throw $message
    }
    $json | Add-Member -NotePropertyName WallMs -NotePropertyValue $run.WallMs -PassThru
}

# ---------------------------------------------------------------------------------------------------------------
# Samples, verification, statistics
# ---------------------------------------------------------------------------------------------------------------

function Add-Sample {
    param([string] $Key, [int] $Rep, [long] $Bytes, [double] $Ms, [double] $HwmKB = -1)
    if (-not $script:Samples.Contains($Key)) { $script:Samples[$Key] = [System.Collections.Generic.List[object]]::new() }
    $mibps = if ($Ms -gt 0) { $Bytes / 1MB / ($Ms / 1000) } else { 0 }
    $script:Samples[$Key].Add([pscustomobject]@{ Rep = $Rep; MiBps = $mibps; Ms = $Ms; HwmKB = $HwmKB })
    $rss = if ($HwmKB -gt 0) { ', peak RSS {0:N0} MiB' -f ($HwmKB / 1024) } else { '' }
    if ($Bytes -gt 0) { Write-Host ('   {0,-28} rep {1}: {2,8:N1} MiB/s ({3:N0} ms{4})' -f $Key, $Rep, $mibps, $Ms, $rss) }
    else { Write-Host ('   {0,-28} rep {1}: {2,8:N0} ms{3}' -f $Key, $Rep, $Ms, $rss) }
}

function Add-Failure([string] $Text) {
    Write-Host "   FAILED: $Text" -ForegroundColor Red
    $script:Failures.Add($Text)
}

function Get-Median([double[]] $Values) {
    if (-not $Values -or $Values.Count -eq 0) { return $null }
    $sorted = [double[]]($Values | Sort-Object)
    $n = $sorted.Count
    if ($n % 2) { $sorted[($n - 1) / 2] } else { ($sorted[$n / 2 - 1] + $sorted[$n / 2]) / 2 }
}

function Get-SampleMedian([string] $Key, [string] $Property = 'MiBps') {
    if (-not $script:Samples.Contains($Key)) { return $null }
    $values = @($script:Samples[$Key] | ForEach-Object { $_.$Property } | Where-Object { $_ -gt 0 })
    if ($values.Count -eq 0) { return $null }
    Get-Median $values
}

# A downloaded file is right when its size and crc32c equal the source's. The file is deleted afterwards.
function Test-Download {
    param([string] $What, [string] $Path, $Source)
    try {
        if (-not (Test-Path $Path)) { Add-Failure "$What`: $Path was not written"; return $false }
        $got = Invoke-Peer -Arguments @('crc32c', $Path)
        if ([long]$got.bytes -ne [long]$Source.bytes -or $got.crc32c -ne $Source.crc32c) {
            Add-Failure "$What`: got $($got.bytes) bytes crc32c $($got.crc32c), expected $($Source.bytes) bytes crc32c $($Source.crc32c)"
            return $false
        }
        return $true
    }
    finally { Remove-Item -LiteralPath $Path -Force -ErrorAction SilentlyContinue }
}

# An uploaded object is right when the JSON API reports the source's size and crc32c. Deleted afterwards
# unless -Keep.
function Test-Upload {
    param([string] $What, [string] $Endpoint, [string] $Name, $Source, [switch] $Keep)
    $url = "$Endpoint/storage/v1/b/$Bucket/o/$([uri]::EscapeDataString($Name))"
    try {
        $meta = Invoke-RestMethod -Uri $url -TimeoutSec 60
        if ([long]$meta.size -ne [long]$Source.bytes -or $meta.crc32c -ne $Source.crc32c) {
            Add-Failure "$What`: object $Name has $($meta.size) bytes crc32c $($meta.crc32c), expected $($Source.bytes) bytes crc32c $($Source.crc32c)"
            return $false
        }
        return $true
    }
    catch {
        Add-Failure "$What`: reading object $Name failed: $($_.Exception.Message)"
        return $false
    }
    finally {
        if (-not $Keep) { try { Invoke-RestMethod -Method Delete -Uri $url -TimeoutSec 60 | Out-Null } catch { Write-Verbose "delete $Name`: $_" } }
    }
}

function New-Bucket([string] $Endpoint) {
    Invoke-RestMethod -Method Post -Uri "$Endpoint/storage/v1/b?project=bench" -ContentType 'application/json' -Body (@{ name = $Bucket } | ConvertTo-Json) | Out-Null
}

# ---------------------------------------------------------------------------------------------------------------
# Transfers. Each returns $true when it ran and was verified; failures are recorded, never thrown.
# ---------------------------------------------------------------------------------------------------------------

function Measure-OurDownload {
    param([string] $Key, [int] $Rep, [string] $Endpoint, [string] $Name, $Source, [string] $Checksum = 'Crc32c', [int] $ThrottleLimit = 0)
    $out = Join-Path $script:Work "dl-$Key-$Rep.bin"
    $childArgs = @{ Endpoint = $Endpoint; Uri = "gs://$Bucket/$Name"; File = $out; Checksum = $Checksum }
    if ($ThrottleLimit -gt 0) { $childArgs.ThrottleLimit = $ThrottleLimit }
    $r = Invoke-PwshChild -Operation Receive -Arguments $childArgs -AllowFailure
    if ($r.PSObject.Properties['error']) { Add-Failure "$Key rep $Rep`: $($r.error)"; Remove-Item $out, "$out.partial" -Force -ErrorAction SilentlyContinue; return }
    if (Test-Download -What "$Key rep $Rep" -Path $out -Source $Source) { Add-Sample $Key $Rep $Source.bytes $r.ms $r.hwmKB }
}

function Measure-CurlDownload {
    param([string] $Key, [int] $Rep, [string] $Endpoint, [string] $Name, $Source)
    $url = "$Endpoint/download/storage/v1/b/$Bucket/o/$([uri]::EscapeDataString($Name))?alt=media"
    $curl = @('curl', '-s', '-o', '/dev/null', '-w', 'CURL %{http_code} %{size_download} %{time_total}\n', $url)
    $run = Invoke-Child -Command ($script:RssPrefix + $curl)
    $line = @($run.StdOut -split "`r?`n" | Where-Object { $_.StartsWith('CURL ') }) | Select-Object -Last 1
    if ($run.ExitCode -ne 0 -or -not $line) { Add-Failure "$Key rep $Rep`: curl failed: $(Get-ErrorText $run $null)"; return }
    $code, $bytes, $seconds = ($line -split ' ')[1..3]
    # curl writes to /dev/null, so its bytes cannot be hashed: HTTP 200 and the exact byte count are checked.
    if ($code -ne '200' -or [long]$bytes -ne [long]$Source.bytes) { Add-Failure "$Key rep $Rep`: curl got HTTP $code, $bytes bytes (expected $($Source.bytes))"; return }
    Add-Sample $Key $Rep $Source.bytes ([double]::Parse($seconds, [cultureinfo]::InvariantCulture) * 1000) (Get-TimeRssKb $run.StdErr)
}

function Measure-OfficialDownload {
    param([string] $Key, [int] $Rep, [string] $Endpoint, [string] $Name, $Source)
    $out = Join-Path $script:Work "dl-$Key-$Rep.bin"
    $r = Invoke-Peer -Arguments @('download', $Endpoint, $Bucket, $Name, $out) -AllowFailure
    if ($r.PSObject.Properties['error']) { Add-Failure "$Key rep $Rep`: $($r.error)"; Remove-Item $out -Force -ErrorAction SilentlyContinue; return }
    if (Test-Download -What "$Key rep $Rep" -Path $out -Source $Source) { Add-Sample $Key $Rep $Source.bytes $r.ms $r.hwmKB }
}

function Measure-OurUpload {
    param([string] $Key, [int] $Rep, [string] $Endpoint, $Source, [switch] $Mpu, [string] $Name = "up-$Key-$Rep.bin", [switch] $Keep)
    $childArgs = @{ Endpoint = $Endpoint; Uri = "gs://$Bucket/$Name"; File = $Source.path }
    if ($Mpu) { $childArgs.PartSize = $MpuPartSize; $childArgs.ThrottleLimit = $Parallelism } else { $childArgs.ChunkSize = $ChunkSize }
    $r = Invoke-PwshChild -Operation ($Mpu ? 'Mpu' : 'Send') -Arguments $childArgs -AllowFailure
    if ($r.PSObject.Properties['error']) { Add-Failure "$Key rep $Rep`: $($r.error)"; return }
    if (Test-Upload -What "$Key rep $Rep" -Endpoint $Endpoint -Name $Name -Source $Source -Keep:$Keep) { Add-Sample $Key $Rep $Source.bytes $r.ms $r.hwmKB }
}

function Measure-CurlUpload {
    param([string] $Key, [int] $Rep, [string] $Endpoint, $Source, [string] $Name = "up-$Key-$Rep.bin", [switch] $Keep, [switch] $NoSample)
    $url = "$Endpoint/upload/storage/v1/b/$Bucket/o?uploadType=media&name=$([uri]::EscapeDataString($Name))"
    # -T streams the file (--data-binary @file would read it all into memory first); -X POST makes it a simple
    # upload; an empty Expect header skips the 100-continue round trip.
    $curl = @('curl', '-s', '-X', 'POST', '-T', $Source.path, '-H', 'Content-Type: application/octet-stream', '-H', 'Expect:',
        '-o', '/dev/null', '-w', 'CURL %{http_code} %{size_upload} %{time_total}\n', $url)
    $run = Invoke-Child -Command ($script:RssPrefix + $curl)
    $line = @($run.StdOut -split "`r?`n" | Where-Object { $_.StartsWith('CURL ') }) | Select-Object -Last 1
    if ($run.ExitCode -ne 0 -or -not $line) { Add-Failure "$Key rep $Rep`: curl failed: $(Get-ErrorText $run $null)"; return }
    $code, $null, $seconds = ($line -split ' ')[1..3]
    if ($code -ne '200') { Add-Failure "$Key rep $Rep`: curl upload got HTTP $code"; return }
    if ((Test-Upload -What "$Key rep $Rep" -Endpoint $Endpoint -Name $Name -Source $Source -Keep:$Keep) -and -not $NoSample) {
        Add-Sample $Key $Rep $Source.bytes ([double]::Parse($seconds, [cultureinfo]::InvariantCulture) * 1000) (Get-TimeRssKb $run.StdErr)
    }
}

function Measure-OfficialUpload {
    param([string] $Key, [int] $Rep, [string] $Endpoint, $Source, [string] $Name = "up-$Key-$Rep.bin", [switch] $Keep, [switch] $NoSample)
    $r = Invoke-Peer -Arguments @('upload', $Endpoint, $Bucket, $Name, $Source.path) -AllowFailure
    if ($r.PSObject.Properties['error']) { Add-Failure "$Key rep $Rep`: $($r.error)"; return }
    $script:OfficialChunkSize = [long]$r.chunkSize
    if ((Test-Upload -What "$Key rep $Rep" -Endpoint $Endpoint -Name $Name -Source $Source -Keep:$Keep) -and -not $NoSample) {
        Add-Sample $Key $Rep $Source.bytes $r.ms $r.hwmKB
    }
}

# The shaped link's capacity: $Parallelism concurrent curl range GETs covering the object, all to /dev/null
# (each checked for HTTP 206 and its exact length); the time is from the first start to the last exit.
function Measure-CurlParallelDownload {
    param([string] $Key, [int] $Rep, [string] $Endpoint, [string] $Name, $Source)
    $url = "$Endpoint/download/storage/v1/b/$Bucket/o/$([uri]::EscapeDataString($Name))?alt=media"
    $size = [long]$Source.bytes
    $slice = [long][Math]::Ceiling($size / $Parallelism)
    $runs = [System.Collections.Generic.List[object]]::new()
    $sw = [System.Diagnostics.Stopwatch]::StartNew()
    for ($start = 0L; $start -lt $size; $start += $slice) {
        $end = [Math]::Min($start + $slice, $size) - 1
        $info = [System.Diagnostics.ProcessStartInfo]::new('curl')
        foreach ($a in @('-s', '-o', '/dev/null', '-r', "$start-$end", '-w', 'CURL %{http_code} %{size_download}\n', $url)) { $info.ArgumentList.Add($a) }
        $info.RedirectStandardOutput = $true
        $info.UseShellExecute = $false
        $process = [System.Diagnostics.Process]::Start($info)
        $script:Children.Add($process)
        $runs.Add([pscustomobject]@{ Process = $process; Out = $process.StandardOutput.ReadToEndAsync(); Length = $end - $start + 1 })
    }
    foreach ($r in $runs) { if (-not $r.Process.WaitForExit(1200000)) { $r.Process.Kill($true) } }
    $sw.Stop()
    foreach ($r in $runs) {
        $line = @($r.Out.Result -split "`r?`n" | Where-Object { $_.StartsWith('CURL ') }) | Select-Object -Last 1
        $fields = if ($line) { $line -split ' ' } else { @('', 'none', '0') }
        if ($r.Process.ExitCode -ne 0 -or $fields[1] -ne '206' -or [long]$fields[2] -ne $r.Length) {
            Add-Failure "$Key rep $Rep`: a ranged curl got HTTP $($fields[1]), $($fields[2]) bytes (expected 206, $($r.Length)), exit $($r.Process.ExitCode)"
            return
        }
        $null = $script:Children.Remove($r.Process)
    }
    Add-Sample $Key $Rep $size $sw.Elapsed.TotalMilliseconds
}

# GNU time's %M (max RSS in KiB, the same figure as VmHWM) for curl, which cannot report its own.
function Get-TimeRssKb([string] $StdErr) {
    $line = @($StdErr -split "`r?`n" | Where-Object { $_.StartsWith('MAXRSS ') }) | Select-Object -Last 1
    if ($line) { [double]($line.Substring(7).Trim()) } else { -1 }
}

# Runs the actions of one group in an order rotated by the repetition, so drift on a noisy machine spreads evenly.
function Invoke-Rotated {
    param([int] $Rep, [scriptblock[]] $Actions)
    # (Loop variable names that the actions' own variables, such as $i and $rep, cannot collide with.)
    for ($rotatedIndex = 0; $rotatedIndex -lt $Actions.Count; $rotatedIndex++) { & $Actions[($rotatedIndex + $Rep - 1) % $Actions.Count] }
}

# ---------------------------------------------------------------------------------------------------------------
# Run
# ---------------------------------------------------------------------------------------------------------------

$script:Work = Join-Path $PSScriptRoot "work/run-$PID"
$emulator = $null
$shaped = $null
$capabilities = $null
$hash = $null
$curlVersion = $null
try {
    New-Item -ItemType Directory -Path $script:Work -Force | Out-Null
    $script:ChildScriptPath = Join-Path $script:Work 'bench-child.ps1'
    Set-Content -LiteralPath $script:ChildScriptPath -Value $ChildScript

    $curlCommand = Get-Command curl -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if ($curlCommand) { $curlVersion = ((& $curlCommand.Source --version) | Select-Object -First 1) -replace '^curl (\S+).*', '$1' }
    else { Write-Host 'curl not found: the curl rows are skipped.' }
    $timeCommand = Get-Command time -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    $script:RssPrefix = if ($timeCommand -and ((& $timeCommand.Source -f 'x' true 2>&1) -join '') -eq 'x') { @($timeCommand.Source, '-f', 'MAXRSS %M') } else { @() }

    Write-Step "Building the peer (bench/GcsMedia.Bench.Peer, $Configuration)"
    $peerProject = Join-Path $PSScriptRoot 'GcsMedia.Bench.Peer/GcsMedia.Bench.Peer.csproj'
    $protocolBuilt = Test-Path (Join-Path $RepoRoot "src/GcsMedia.Protocol/bin/$Configuration/net8.0/GcsMedia.Protocol.dll")
    # The solution build has just built GcsMedia.Protocol; do not rebuild it under other engineers' feet.
    Invoke-Native dotnet build $peerProject -c $Configuration --nologo '--verbosity:quiet' "-p:BuildProjectReferences=$(-not $protocolBuilt)" | Out-Null
    $script:PeerDll = Join-Path $PSScriptRoot "GcsMedia.Bench.Peer/bin/$Configuration/net10.0/GcsMedia.Bench.Peer.dll"

    Write-Step 'Probing the module'
    $capabilities = Invoke-PwshChild -Operation Probe
    Write-Host "   GcsMedia $($capabilities.moduleVersion): sliced download $($capabilities.slicedDownload), MPU $($capabilities.mpu)"

    Write-Step "Generating $SizeMB MiB and $ShapedSizeMB MiB random files"
    $source = Invoke-Peer -Arguments @('gen', (Join-Path $script:Work 'source.bin'), $SizeMB, 20261125)
    $shapedSource = Invoke-Peer -Arguments @('gen', (Join-Path $script:Work 'shaped.bin'), $ShapedSizeMB, 42)

    Write-Step "Hashing throughput ($HashBufferMB MiB buffer, median of 5)"
    $hash = Invoke-Peer -Arguments @('hash', $HashBufferMB, 5)
    Write-Host ('   CRC32C {0:N2} GB/s, MD5 {1:N2} GB/s' -f $hash.crc32cGBps, $hash.md5GBps)

    Write-Step "Import-Module vs an empty pwsh start ($ImportRuns each, interleaved)"
    for ($i = 1; $i -le $ImportRuns; $i++) {
        Invoke-Rotated -Rep $i -Actions @(
            { $e = Invoke-PwshChild -Operation Empty; Add-Sample 'pwsh-empty' $i 0 $e.WallMs $e.hwmKB },
            { $m = Invoke-PwshChild -Operation Import; Add-Sample 'pwsh-import' $i 0 $m.WallMs $m.hwmKB; Add-Sample 'import-in-process' $i 0 $m.importMs }
        )
    }

    Write-Step "Emulator with --data-dir on disk; uploading the $SizeMB MiB source"
    $emulator = Start-GcsEmulator -RepoRoot $RepoRoot -Configuration $Configuration -ExtraArguments @('--data-dir', (Join-Path $script:Work 'emulator'))
    $endpoint = $emulator.Endpoint
    New-Bucket $endpoint
    if ($curlCommand) { Measure-CurlUpload -Key seed -Rep 0 -Endpoint $endpoint -Source $source -Name 'source.bin' -Keep -NoSample }
    else { Measure-OfficialUpload -Key seed -Rep 0 -Endpoint $endpoint -Source $source -Name 'source.bin' -Keep -NoSample }

    for ($rep = 1; $rep -le $Repetitions; $rep++) {
        Write-Step "Repetition $rep of $Repetitions`: downloads"
        $downloads = @(
            { Measure-OurDownload -Key 'dl-ours' -Rep $rep -Endpoint $endpoint -Name 'source.bin' -Source $source },
            { Measure-OurDownload -Key 'dl-ours-nochecksum' -Rep $rep -Endpoint $endpoint -Name 'source.bin' -Source $source -Checksum None },
            { Measure-OfficialDownload -Key 'dl-official' -Rep $rep -Endpoint $endpoint -Name 'source.bin' -Source $source }
        )
        if ($curlCommand) { $downloads += { Measure-CurlDownload -Key 'dl-curl' -Rep $rep -Endpoint $endpoint -Name 'source.bin' -Source $source } }
        Invoke-Rotated -Rep $rep -Actions $downloads

        Write-Step "Repetition $rep of $Repetitions`: uploads"
        $uploads = @(
            { Measure-OurUpload -Key 'up-ours' -Rep $rep -Endpoint $endpoint -Source $source },
            { Measure-OfficialUpload -Key 'up-official' -Rep $rep -Endpoint $endpoint -Source $source }
        )
        if ($curlCommand) { $uploads += { Measure-CurlUpload -Key 'up-curl' -Rep $rep -Endpoint $endpoint -Source $source } }
        Invoke-Rotated -Rep $rep -Actions $uploads
    }
    Stop-GcsEmulator $emulator
    $emulator = $null

    Write-Step "Shaped emulator (--latency-ms $ShapedLatencyMs --bandwidth-mbps $ShapedBandwidthMbps per connection); uploading the $ShapedSizeMB MiB source"
    $shaped = Start-GcsEmulator -RepoRoot $RepoRoot -Configuration $Configuration -ExtraArguments @(
        '--data-dir', (Join-Path $script:Work 'emulator-shaped'),
        '--latency-ms', [string]$ShapedLatencyMs, '--bandwidth-mbps', ([string]::Format([cultureinfo]::InvariantCulture, '{0}', $ShapedBandwidthMbps)))
    $shapedEndpoint = $shaped.Endpoint
    New-Bucket $shapedEndpoint
    if ($capabilities.mpu) { Measure-OurUpload -Key seed-shaped -Rep 0 -Endpoint $shapedEndpoint -Source $shapedSource -Mpu -Name 'shaped.bin' -Keep }
    elseif ($curlCommand) { Measure-CurlUpload -Key seed-shaped -Rep 0 -Endpoint $shapedEndpoint -Source $shapedSource -Name 'shaped.bin' -Keep -NoSample }
    else { Measure-OfficialUpload -Key seed-shaped -Rep 0 -Endpoint $shapedEndpoint -Source $shapedSource -Name 'shaped.bin' -Keep -NoSample }
    if ($script:Samples.Contains('seed-shaped')) { $script:Samples.Remove('seed-shaped') }

    for ($rep = 1; $rep -le $Repetitions; $rep++) {
        Write-Step "Repetition $rep of $Repetitions`: shaped link"
        $actions = @({ Measure-OurDownload -Key 'shaped-dl-single' -Rep $rep -Endpoint $shapedEndpoint -Name 'shaped.bin' -Source $shapedSource })
        if ($curlCommand) {
            $actions += { Measure-CurlParallelDownload -Key 'shaped-dl-curl-parallel' -Rep $rep -Endpoint $shapedEndpoint -Name 'shaped.bin' -Source $shapedSource }
        }
        if ($capabilities.slicedDownload) {
            $actions += { Measure-OurDownload -Key 'shaped-dl-sliced' -Rep $rep -Endpoint $shapedEndpoint -Name 'shaped.bin' -Source $shapedSource -ThrottleLimit $Parallelism }
        }
        Invoke-Rotated -Rep $rep -Actions $actions
        $actions = @({ Measure-OurUpload -Key 'shaped-up-single' -Rep $rep -Endpoint $shapedEndpoint -Source $shapedSource })
        if ($capabilities.mpu) { $actions += { Measure-OurUpload -Key 'shaped-up-mpu' -Rep $rep -Endpoint $shapedEndpoint -Source $shapedSource -Mpu } }
        Invoke-Rotated -Rep $rep -Actions $actions
    }
}
catch {
    Add-Failure "the benchmark stopped: $($_.Exception.Message) ($($_.InvocationInfo.PositionMessage -replace '\s+', ' '))"
}
finally {
    Stop-GcsEmulator $emulator
    Stop-GcsEmulator $shaped
    foreach ($child in $script:Children) {
        try { if (-not $child.HasExited) { $child.Kill($true); $null = $child.WaitForExit(10000) } } catch { Write-Verbose "$_" }
    }
    Remove-Item -LiteralPath $script:Work -Recurse -Force -ErrorAction SilentlyContinue
}

# ---------------------------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------------------------

$inv = [cultureinfo]::InvariantCulture
function Format-Number($Value, [string] $Format = 'N1') { if ($null -eq $Value) { 'n/a' } else { ([double]$Value).ToString($Format, $inv) } }
function Format-MiB($Value) { if ($null -eq $Value) { 'n/a' } else { (Format-Number $Value) + ' MiB/s' } }

$rows = [System.Collections.Generic.List[object]]::new()
$misses = [System.Collections.Generic.List[string]]::new()

# The median over repetitions of ours / peer within the same repetition (the two ran back to back, so a slow
# patch of the machine hits both); the ratio of the medians when the repetitions do not pair up.
function Get-PairedRatio([string] $OursKey, [string] $PeerKey) {
    if (-not $script:Samples.Contains($OursKey) -or -not $script:Samples.Contains($PeerKey)) { return $null }
    $ratios = foreach ($o in $script:Samples[$OursKey]) {
        $p = $script:Samples[$PeerKey] | Where-Object { $_.Rep -eq $o.Rep -and $_.MiBps -gt 0 } | Select-Object -First 1
        if ($p -and $o.MiBps -gt 0) { $o.MiBps / $p.MiBps }
    }
    if ($ratios) { return Get-Median @($ratios) }
    $ours = Get-SampleMedian $OursKey
    $peer = Get-SampleMedian $PeerKey
    if ($ours -and $peer) { $ours / $peer } else { $null }
}

# Higher-is-better throughput pair: ratio = ours / peer against a minimum ratio.
function Add-ThroughputRow {
    param([string] $Figure, [string] $OursKey, [string] $PeerKey, [double] $MinRatio = 0, [string] $TargetText = '', [string] $Missing = '')
    $ours = Get-SampleMedian $OursKey
    $peer = Get-SampleMedian $PeerKey
    if ($Missing) { $rows.Add([pscustomobject]@{ Figure = $Figure; Ours = 'not available'; Peer = (Format-MiB $peer); Ratio = '-'; Target = $TargetText; Met = $Missing }); return }
    $ratio = Get-PairedRatio $OursKey $PeerKey
    $met = if (-not $TargetText) { '-' } elseif ($null -eq $ratio) { 'no data' } elseif ($ratio -ge $MinRatio) { 'yes' } else { 'NO' }
    if ($met -eq 'NO') { $misses.Add(('{0}: {1:N2}x against a target of {2:N2}x, short by {3:N0}% ({4} vs {5} needed).' -f $Figure, $ratio, $MinRatio, (100 * (1 - $ratio / $MinRatio)), (Format-MiB $ours), (Format-MiB ($peer * $MinRatio)))) }
    $rows.Add([pscustomobject]@{ Figure = $Figure; Ours = (Format-MiB $ours); Peer = (Format-MiB $peer); Ratio = ($null -eq $ratio ? 'n/a' : ('{0}x' -f (Format-Number $ratio 'N2'))); Target = ($TargetText ? $TargetText : '-'); Met = $met })
}

# Lower-is-better memory pair.
function Add-RssRow([string] $Figure, [string] $OursKey, [string] $PeerKey) {
    $ours = Get-SampleMedian $OursKey 'HwmKB'
    $peer = Get-SampleMedian $PeerKey 'HwmKB'
    if ($null -eq $ours -and $null -eq $peer) { return }
    $ratio = if ($ours -and $peer) { '{0}x' -f (Format-Number ($ours / $peer) 'N2') } else { 'n/a' }
    $rows.Add([pscustomobject]@{ Figure = $Figure; Ours = ($null -eq $ours ? 'n/a' : "$(Format-Number ($ours / 1024) 'N0') MiB"); Peer = ($null -eq $peer ? 'n/a' : "$(Format-Number ($peer / 1024) 'N0') MiB"); Ratio = $ratio; Target = '-'; Met = '-' })
}

$noCurl = if ($curlVersion) { '' } else { 'curl not found' }
$officialChunk = if (Get-Variable OfficialChunkSize -Scope Script -ErrorAction SilentlyContinue) { '{0} MiB' -f ($script:OfficialChunkSize / 1MB) } else { 'default' }
$ourChunk = '{0} MiB' -f ($ChunkSize / 1MB)
$sliceMissing = if ($capabilities -and -not $capabilities.slicedDownload) { 'not available (Receive-GcsMedia has no -ThrottleLimit)' } elseif (-not $capabilities) { 'not measured' } else { '' }
$mpuMissing = if ($capabilities -and -not $capabilities.mpu) { 'not available (New-GcsMpu | Add-GcsMpuPart -PartSize -ThrottleLimit | Complete-GcsMpu missing)' } elseif (-not $capabilities) { 'not measured' } else { '' }

Add-ThroughputRow "Download $SizeMB MiB: Receive-GcsMedia vs curl -o /dev/null" 'dl-ours' 'dl-curl' 0.9 '>= 0.9x' $noCurl
Add-ThroughputRow "Download $SizeMB MiB: Receive-GcsMedia vs official client DownloadObject" 'dl-ours' 'dl-official' 1.5 '>= 1.5x'
Add-ThroughputRow "Resumable upload $SizeMB MiB: Send-GcsMedia -Resumable ($ourChunk chunks) vs official UploadObject ($officialChunk chunks)" 'up-ours' 'up-official' 1.5 '>= 1.5x'
Add-ThroughputRow "Resumable upload $SizeMB MiB: Send-GcsMedia -Resumable vs curl simple upload (uploadType=media)" 'up-ours' 'up-curl' 0 '' $noCurl
Add-ThroughputRow "Checksum cost: Receive-GcsMedia -Checksum Crc32c vs -Checksum None" 'dl-ours' 'dl-ours-nochecksum' 0.95 '>= 0.95x (cost <= 5%)'
Add-ThroughputRow "Sliced download $ShapedSizeMB MiB, -ThrottleLimit $Parallelism vs single stream (shaped link)" 'shaped-dl-sliced' 'shaped-dl-single' 6 '>= 6x' $sliceMissing
Add-ThroughputRow "Shaped link capacity: $Parallelism concurrent curl range GETs vs single-stream Receive-GcsMedia (what 8 connections can reach here)" 'shaped-dl-curl-parallel' 'shaped-dl-single' 0 '' $noCurl
Add-ThroughputRow "MPU $ShapedSizeMB MiB, $($MpuPartSize / 1MB) MiB parts, -ThrottleLimit $Parallelism vs single-stream Send-GcsMedia -Resumable (shaped link)" 'shaped-up-mpu' 'shaped-up-single' 6 '>= 6x' $mpuMissing

$rows.Add([pscustomobject]@{ Figure = "CRC32C hashing in-process (Crc32cHasher, $HashBufferMB MiB buffer)"; Ours = ($hash ? "$(Format-Number $hash.crc32cGBps 'N2') GB/s" : 'n/a'); Peer = '-'; Ratio = '-'; Target = '-'; Met = '-' })
$rows.Add([pscustomobject]@{ Figure = "MD5 hashing in-process (Md5Hasher, $HashBufferMB MiB buffer)"; Ours = ($hash ? "$(Format-Number $hash.md5GBps 'N2') GB/s" : 'n/a'); Peer = '-'; Ratio = '-'; Target = '-'; Met = '-' })

$importMs = Get-SampleMedian 'import-in-process' 'Ms'
$emptyMs = Get-SampleMedian 'pwsh-empty' 'Ms'
$withImportMs = Get-SampleMedian 'pwsh-import' 'Ms'
# Paired: each run with the import minus the empty start next to it (adjacent in time, so drift cancels), median.
$importDelta = $null
if ($script:Samples.Contains('pwsh-import') -and $script:Samples.Contains('pwsh-empty')) {
    $deltas = foreach ($m in $script:Samples['pwsh-import']) {
        $e = $script:Samples['pwsh-empty'] | Where-Object Rep -EQ $m.Rep | Select-Object -First 1
        if ($e) { $m.Ms - $e.Ms }
    }
    if ($deltas) { $importDelta = Get-Median @($deltas) }
}
foreach ($pair in @(@("Import-Module (fresh pwsh, Stopwatch around Import-Module, median of $ImportRuns)", $importMs),
        @("Import cost by wall clock (pwsh start + Import-Module minus the empty pwsh start run next to it, median of $ImportRuns pairs; pwsh start varies by a few hundred ms here)", $importDelta))) {
    $value = $pair[1]
    $met = if ($null -eq $value) { 'no data' } elseif ($value -le 300) { 'yes' } else { 'NO' }
    if ($met -eq 'NO') { $misses.Add(('{0}: {1:N0} ms against a target of 300 ms, over by {2:N0} ms ({3:N0}%).' -f $pair[0], $value, ($value - 300), (100 * ($value / 300 - 1)))) }
    $rows.Add([pscustomobject]@{ Figure = $pair[0]; Ours = "$(Format-Number $value 'N0') ms$(if ($null -ne $value -and $value -lt 0) { ' (below the noise)' })"; Peer = "$(Format-Number $emptyMs 'N0') ms (empty pwsh start)"; Ratio = ($value -and $emptyMs ? ('{0}x' -f (Format-Number ($value / $emptyMs) 'N2')) : 'n/a'); Target = '<= 300 ms'; Met = $met })
}

Add-RssRow 'Peak RSS, download: Receive-GcsMedia (pwsh process) vs curl' 'dl-ours' 'dl-curl'
Add-RssRow 'Peak RSS, download: Receive-GcsMedia (pwsh process) vs official client (process)' 'dl-ours' 'dl-official'
Add-RssRow 'Peak RSS, download -Checksum None (pwsh process) vs official client' 'dl-ours-nochecksum' 'dl-official'
Add-RssRow 'Peak RSS, resumable upload: Send-GcsMedia (pwsh process) vs curl' 'up-ours' 'up-curl'
Add-RssRow 'Peak RSS, resumable upload: Send-GcsMedia (pwsh process) vs official client' 'up-ours' 'up-official'
Add-RssRow 'Peak RSS, sliced download vs single-stream download (pwsh processes)' 'shaped-dl-sliced' 'shaped-dl-single'
Add-RssRow 'Peak RSS, MPU vs single-stream resumable upload (pwsh processes)' 'shaped-up-mpu' 'shaped-up-single'
Add-RssRow 'Peak RSS, pwsh after Import-Module vs empty pwsh' 'pwsh-import' 'pwsh-empty'

function ConvertTo-MarkdownTable($Items) {
    $lines = @('| Figure | Ours | Peer | Ratio | Target | Met? |', '|---|---:|---:|---:|---|---|')
    foreach ($r in $Items) {
        $cells = foreach ($c in @($r.Figure, $r.Ours, $r.Peer, $r.Ratio, $r.Target, $r.Met)) { ([string]$c).Replace('|', '\|') }
        $lines += '| ' + ($cells -join ' | ') + ' |'
    }
    $lines
}

$memKb = ((Get-Content /proc/meminfo -ErrorAction SilentlyContinue | Where-Object { $_ -like 'MemTotal:*' }) -split '\s+')[1]
$osName = (Get-Content /etc/os-release -ErrorAction SilentlyContinue | Where-Object { $_ -like 'PRETTY_NAME=*' }) -replace '^PRETTY_NAME="?(.*?)"?$', '$1'
$kernel = (& uname -r 2>$null)
$sdk = (& dotnet --version 2>$null)
$commit = (& git -C $RepoRoot rev-parse --short HEAD 2>$null)
$cpuModel = ((Get-Content /proc/cpuinfo -ErrorAction SilentlyContinue | Where-Object { $_ -like 'model name*' } | Select-Object -First 1) -replace '^model name\s*:\s*', '')
$elapsed = [DateTime]::UtcNow - $started

$md = [System.Collections.Generic.List[string]]::new()
$md.Add('# GcsMedia benchmark results')
$md.Add('')
$md.Add("Generated by ``bench/Run-Bench.ps1``$(if ($Quick) { ' -Quick (development run, not the reference figures)' }) on $($started.ToString('yyyy-MM-dd HH:mm', $inv)) UTC, commit $commit, in $([Math]::Floor($elapsed.TotalMinutes)) min $($elapsed.Seconds) s.")
$md.Add("Transfers: $SizeMB MiB file, $Repetitions repetition(s), interleaved A/B (order rotated each repetition), medians; shaped link: second emulator with ``--latency-ms $ShapedLatencyMs --bandwidth-mbps $ShapedBandwidthMbps`` (per connection), $ShapedSizeMB MiB file. Throughput ratios are the median of the per-repetition ratios ours / peer (A and B of a repetition ran back to back), so they need not equal the ratio of the two medians shown; peak RSS and import ratios are ours / peer of the medians (lower is better). MiB/s = 2^20 bytes per second.")
$md.Add('')
$md.AddRange([string[]](ConvertTo-MarkdownTable $rows))
$md.Add('')
$md.Add('## Targets missed')
$md.Add('')
if ($misses.Count -eq 0) { $md.Add('None.') } else { foreach ($m in $misses) { $md.Add("- $m") } }
$md.Add('')
$md.Add('## Verification')
$md.Add('')
if ($script:Failures.Count -eq 0) { $md.Add('Every transfer was verified: downloaded files have the source''s size and crc32c (curl, writing to /dev/null, by HTTP 200 and exact byte count); uploaded objects report the source''s size and crc32c through the JSON API.') }
else { $md.Add("$($script:Failures.Count) failure(s); the run exited 1:"); foreach ($f in $script:Failures) { $md.Add("- $f") } }
$md.Add('')
$md.Add('## Machine')
$md.Add('')
$md.Add("- CPU: $([Environment]::ProcessorCount) logical (nproc)$(if ($cpuModel) { ", $cpuModel" })")
$md.Add("- Memory: $(if ($memKb) { '{0:N1} GiB' -f ([double]$memKb / 1MB) } else { 'unknown' })")
$md.Add("- OS: $osName, kernel $kernel")
$md.Add("- .NET: SDK $sdk, runtime $([System.Runtime.InteropServices.RuntimeInformation]::FrameworkDescription)")
$md.Add("- PowerShell: $($PSVersionTable.PSVersion) (children: ``$($PwshCommand -join ' ') -NoProfile``)")
$md.Add("- curl: $(if ($curlVersion) { $curlVersion } else { 'not found' }); official client: Google.Cloud.Storage.V1 5.0.0")
$md.Add("- Date: $($started.ToString('yyyy-MM-dd', $inv)); the machine is shared (other builds run concurrently), hence ratios against peers measured in the same run.")
$md.Add('- Client and emulator share the same cores; the emulator stores objects on disk (`--data-dir`).')
$md.Add('')
$md.Add('## Samples')
$md.Add('')
$md.Add('Each repetition, in MiB/s (transfers) or ms (import), with peak RSS in MiB where known.')
$md.Add('')
foreach ($key in $script:Samples.Keys) {
    $cells = foreach ($s in $script:Samples[$key]) {
        $value = if ($key -like '*pwsh*' -or $key -like 'import*') { '{0} ms' -f (Format-Number $s.Ms 'N0') } else { '{0}' -f (Format-Number $s.MiBps) }
        if ($s.HwmKB -gt 0) { $value += " ({0} MiB)" -f (Format-Number ($s.HwmKB / 1024) 'N0') }
        "r$($s.Rep): $value"
    }
    $md.Add("- ``$key``: $($cells -join ', ')")
}

$resultsDir = Split-Path $ResultsPath -Parent
if (-not (Test-Path $resultsDir)) { New-Item -ItemType Directory -Path $resultsDir -Force | Out-Null }
Set-Content -LiteralPath $ResultsPath -Value $md -Encoding utf8NoBOM

Write-Host ''
ConvertTo-MarkdownTable $rows | ForEach-Object { Write-Host $_ }
Write-Host ''
if ($misses.Count) { Write-Host 'Targets missed:'; $misses | ForEach-Object { Write-Host "  - $_" } }
Write-Host "Results written to $ResultsPath"
if ($script:Failures.Count -gt 0) {
    Write-Host "$($script:Failures.Count) transfer(s) failed or were wrong:" -ForegroundColor Red
    $script:Failures | ForEach-Object { Write-Host "  - $_" -ForegroundColor Red }
    exit 1
}
