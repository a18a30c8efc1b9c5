#Requires -Version 7.4
<#
.SYNOPSIS
    GcsMedia benchmarks: throughput, hashing, import time and peak RSS, as ratios against peers measured in the
    same run (curl, the official .NET client), interleaved over several repetitions; medians.
.DESCRIPTION
    Run by `build.ps1 -Task Bench` after the build, or directly once out/GcsMedia exists:
        dotnet pwsh ./bench/Run-Bench.ps1            # full: 1024 MiB, 3 repetitions, writes bench/RESULTS.md
        dotnet pwsh ./bench/Run-Bench.ps1 -Quick     # 128 MiB, 1 repetition, writes bench/work/RESULTS.quick.md
        dotnet pwsh ./bench/Run-Bench.ps1 -Only Folders   # only the folder rows, writes bench/work/RESULTS.only.md
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
    [int] $Repetitions = 5,
    [ValidateRange(1, 65536)]
    [int] $SizeMB = 1024,
    # File size for the shaped-link figures (sliced download, parallel MPU) against the second emulator.
    [ValidateRange(1, 65536)]
    [int] $ShapedSizeMB = 256,
    [ValidateRange(1, 50)]
    [int] $ShapedRepetitions = 3,
    [int] $ShapedLatencyMs = 50,
    [double] $ShapedBandwidthMbps = 200,
    [int] $ImportRuns = 5,
    [int] $HashBufferMB = 256,
    # -Resumable chunk sizes (MiB) for the chunk-size curve; the module's default chunk is measured as its own row.
    [int[]] $ChunkCurveMB = @(8, 16, 64, 256),
    # Transfers of each kind per repetition in the warm pwsh (downloads alternate -Checksum Crc32c / None).
    [ValidateRange(1, 20)]
    [int] $WarmTransfers = 4,
    # The large size for the memory rows (one download and one -Resumable upload, each in a fresh pwsh); 0 skips.
    [int] $MemorySizeMB = 4096,
    [long] $MpuPartSize = 32MB,
    [int] $Parallelism = 8,
    # Folder rows: a "many small files" set and a "few large files" set (generated, a tree two folders deep), each
    # up and down; 0 files skips a set. Repetitions: 0 means -Repetitions.
    [ValidateRange(0, 100000)]
    [int] $FolderSmallFiles = 1000,
    [ValidateRange(1, 1048576)]
    [int] $FolderSmallKB = 64,
    [ValidateRange(0, 1000)]
    [int] $FolderLargeFiles = 4,
    [ValidateRange(1, 65536)]
    [int] $FolderLargeMB = 64,
    [ValidateRange(0, 50)]
    [int] $FolderRepetitions = 0,
    # Run only these groups of rows (default: all). The report then holds only their rows and, unless -ResultsPath is
    # given, goes to bench/work/RESULTS.only.md. Memory's rows compare with the idle pwsh of Import.
    [ValidateSet('Hashing', 'Import', 'FirstTransfer', 'Transfers', 'Memory', 'Shaped', 'Folders')]
    [string[]] $Only,
    # Development run: 128 MiB, 1 repetition, 512 MiB memory rows (the shaped-link file keeps -ShapedSizeMB, so the
    # MPU still has 8 parts), results to bench/work/RESULTS.quick.md.
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
    if (-not $PSBoundParameters.ContainsKey('ShapedRepetitions')) { $ShapedRepetitions = 1 }
    if (-not $PSBoundParameters.ContainsKey('MemorySizeMB')) { $MemorySizeMB = 512 }
    if (-not $PSBoundParameters.ContainsKey('FolderSmallFiles')) { $FolderSmallFiles = 200 }
    if (-not $PSBoundParameters.ContainsKey('FolderLargeFiles')) { $FolderLargeFiles = 2 }
    if (-not $PSBoundParameters.ContainsKey('FolderLargeMB')) { $FolderLargeMB = 32 }
}
if ($FolderRepetitions -eq 0) { $FolderRepetitions = $Repetitions }
if (-not $ResultsPath) {
    $ResultsPath = if ($Quick) { Join-Path $PSScriptRoot 'work/RESULTS.quick.md' }
        elseif ($Only) { Join-Path $PSScriptRoot 'work/RESULTS.only.md' }
        else { Join-Path $PSScriptRoot 'RESULTS.md' }
}
# Whether a group of rows is measured and reported in this run (-Only).
function Test-Group([string] $Name) { -not $Only -or $Only -contains $Name }
$modulePath = Join-Path $ModuleOut 'GcsMedia.psd1'
if (-not (Test-Path $modulePath)) { throw "The module is not built ($modulePath). Run ./build.ps1 -Task Build first (or -Task Bench)." }
$null = Get-EmulatorDll -RepoRoot $RepoRoot -Configuration $Configuration

$Bucket = 'bench'
$script:Failures = [System.Collections.Generic.List[string]]::new()
$script:Children = [System.Collections.Generic.List[System.Diagnostics.Process]]::new()
$script:Samples = [ordered]@{}     # key -> list of [pscustomobject]@{ Rep; MiBps; Ms; HwmKB }
$script:WarmKernel = [System.Collections.Generic.List[object]]::new()
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

# The script each fresh pwsh runs. Times only the cmdlet calls (Stopwatch), as a script meets them: the first
# transfer after Import-Module (and, for 'Warm*', the ones after it in the same process); reads its own VmHWM at the end.
$ChildScript = @'
param([string] $Operation, [string] $ModulePath, [string] $Endpoint, [string] $Uri, [string] $File,
      [string] $Checksum = 'Crc32c', [int] $ThrottleLimit = 0, [long] $ChunkSize = 0, [long] $PartSize = 0,
      [string] $Mode = 'Resumable', [int] $Count = 1, [string] $ExpectedCrc32c = '', [long] $ExpectedBytes = 0,
      [string] $PeerDll = '')
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$result = [ordered]@{}
function Get-PeakRssKb {
    $line = Get-Content /proc/self/status | Where-Object { $_ -like 'VmHWM:*' }
    if ($line) { [long](($line -split '\s+')[1]) } else { -1 }
}
# Resident memory by kind: anon (GC heap, native buffers, stacks), file (assemblies' code and data mapped in) and
# shmem (with .NET's W^X on, the default, every JIT-compiled method lives in a shared-memory double mapping).
function Get-RssSplitKb {
    $split = [ordered]@{}
    foreach ($line in Get-Content /proc/self/status) {
        if ($line -match '^Rss(Anon|File|Shmem):\s+(\d+)') { $split[$Matches[1].ToLowerInvariant()] = [long]$Matches[2] }
    }
    $split
}
# The crc32c of a downloaded file with the module's own Crc32cHasher (the same class the peer program uses),
# outside the timed region; a -Checksum None download is checked this way.
# The same check in another process (the peer program): between timed transfers in one pwsh, a PowerShell loop here
# would be compiled by the JIT in the background and take CPU inside the next timed transfer (measured: 2,245-2,271
# methods compiled during the second download of a process with this loop between, 1,325-1,403 without).
function Get-FileCrc32cOutOfProcess([string] $Path) {
    $json = & dotnet $PeerDll crc32c $Path | Where-Object { $_.StartsWith('{') } | Select-Object -Last 1
    if (-not $json) { throw "the peer could not hash $Path" }
    ($json | ConvertFrom-Json).crc32c
}
function Get-FileCrc32c([string] $Path) {
    $type = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'GcsMedia.Protocol' } |
        ForEach-Object { $_.GetType('GcsMedia.Protocol.Crc32cHasher') } | Where-Object { $_ } | Select-Object -First 1
    $hasher = [Activator]::CreateInstance($type)
    $buffer = [byte[]]::new(4MB)
    $stream = [System.IO.File]::OpenRead($Path)
    try { while (($n = $stream.Read($buffer, 0, $buffer.Length)) -gt 0) { $hasher.Append($buffer, 0, $n) } } finally { $stream.Dispose() }
    $hasher.GetBase64()
}
try {
    if ($Operation -ne 'Empty') {
        $env:STORAGE_EMULATOR_HOST = $Endpoint
        $sw = [System.Diagnostics.Stopwatch]::StartNew()
        Import-Module $ModulePath
        $sw.Stop()
        $result.importMs = $sw.Elapsed.TotalMilliseconds
        # This process's own peak before its first transfer: the memory rows subtract it from the peak at the end.
        $result.idleHwmKB = Get-PeakRssKb
        $result.idleSplitKB = Get-RssSplitKb
    }
    switch ($Operation) {
        'Probe' {
            $receive = Get-Command Receive-GcsMedia -ErrorAction SilentlyContinue
            $send = Get-Command Send-GcsMedia -ErrorAction SilentlyContinue
            $add = Get-Command Add-GcsMpuPart -ErrorAction SilentlyContinue
            $result.slicedDownload = [bool]($receive -and $receive.Parameters.ContainsKey('ThrottleLimit'))
            $result.mpu = [bool]((Get-Command New-GcsMpu -ErrorAction SilentlyContinue) -and (Get-Command Complete-GcsMpu -ErrorAction SilentlyContinue) -and
                $add -and $add.Parameters.ContainsKey('PartSize') -and $add.Parameters.ContainsKey('ThrottleLimit'))
            $result.resumable = [bool]($send -and $send.Parameters.ContainsKey('Resumable'))
            $result.recurse = [bool]($send -and $send.Parameters.ContainsKey('Recurse'))
            # The chunk size -Resumable uses when -ChunkSize is not given: a new cmdlet object's property default.
            $result.defaultChunkSize = [long]([Activator]::CreateInstance($send.ImplementingType).ChunkSize)
            # The files a folder upload moves at once by default (the property's default), and a folder download's
            # (not the property's default of 1, which is a single-file download's: the help states it).
            $result.folderUploadThrottle = [int]([Activator]::CreateInstance($send.ImplementingType).ThrottleLimit)
            $receiveHelp = ((Get-Help Receive-GcsMedia -Full).description | ForEach-Object Text) -join ' '
            $result.folderDownloadThrottle = if ($receiveHelp -match '-ThrottleLimit objects at a time \((\d+) by default') { [int]$Matches[1] } else { 0 }
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
            $p = @{ Path = $File; Uri = $Uri; Checksum = $Checksum }
            if ($Mode -eq 'Resumable') { $p.Resumable = $true; if ($ChunkSize -gt 0) { $p.ChunkSize = $ChunkSize } }
            $sw.Restart()
            $r = Send-GcsMedia @p
            $sw.Stop()
            $result.ms = $sw.Elapsed.TotalMilliseconds
            $result.bytes = [long]$r.Size
            $result.crc32c = [string]$r.Crc32c
        }
        'SendFolder' {
            # -File is the folder, -Uri the prefix (gs://bucket/prefix/); the module's default -ThrottleLimit.
            $sw.Restart()
            $r = @(Send-GcsMedia -LiteralPath $File -Recurse -Uri $Uri)
            $sw.Stop()
            $result.ms = $sw.Elapsed.TotalMilliseconds
            $result.files = $r.Count
            $result.bytes = [long]($r | Measure-Object -Property Size -Sum).Sum
        }
        'ReceiveFolder' {
            $sw.Restart()
            $r = @(Receive-GcsMedia -Uri $Uri -Recurse -OutFile $File)
            $sw.Stop()
            $result.ms = $sw.Elapsed.TotalMilliseconds
            $result.files = $r.Count
            $result.bytes = [long]($r | Measure-Object -Property BytesWritten -Sum).Sum
        }
        'Mpu' {
            $sw.Restart()
            $r = New-GcsMpu -Uri $Uri | Add-GcsMpuPart -Path $File -PartSize $PartSize -ThrottleLimit $ThrottleLimit | Complete-GcsMpu
            $sw.Stop()
            $result.ms = $sw.Elapsed.TotalMilliseconds
            $result.bytes = [long]$r.Size
            $result.crc32c = [string]$r.Crc32c
        }
        'First' {
            # The first transfer's own cost: an empty object right after Import-Module, then the same again.
            $sw.Restart()
            $null = Receive-GcsMedia -Uri $Uri -OutFile $File
            $sw.Stop()
            $result.firstMs = $sw.Elapsed.TotalMilliseconds
            Remove-Item -LiteralPath $File
            $sw.Restart()
            $null = Receive-GcsMedia -Uri $Uri -OutFile $File
            $sw.Stop()
            $result.secondMs = $sw.Elapsed.TotalMilliseconds
            Remove-Item -LiteralPath $File
        }
        'WarmReceive' {
            # After two untimed downloads (the runtime recompiles the hot path for about three transfers: 1,325-1,403
            # methods during the second download of a process, 475-482 during the third, ~100 from then on), $Count
            # pairs of downloads alternating -Checksum Crc32c / None (the order flips each pair). Each file is checked
            # (size; crc32c by another process, outside the timed region) and deleted before the next.
            foreach ($warmUp in 1..2) {
                $null = Receive-GcsMedia -Uri $Uri -OutFile $File -Checksum None
                Remove-Item -LiteralPath $File
            }
            $self = [System.Diagnostics.Process]::GetCurrentProcess()
            $samples = foreach ($i in 1..$Count) {
                foreach ($c in @(@('Crc32c', 'None'), @('None', 'Crc32c'))[($i - 1) % 2]) {
                    # The process's CPU time (all threads, user + kernel) around the call: what the checksum costs in
                    # work, which other processes on the machine do not move the way they move the wall clock.
                    $self.Refresh()
                    $cpuBefore = $self.TotalProcessorTime
                    $kernelBefore = $self.PrivilegedProcessorTime
                    $sw.Restart()
                    $r = Receive-GcsMedia -Uri $Uri -OutFile $File -Checksum $c
                    $sw.Stop()
                    $self.Refresh()
                    $cpuMs = ($self.TotalProcessorTime - $cpuBefore).TotalMilliseconds
                    $kernelMs = ($self.PrivilegedProcessorTime - $kernelBefore).TotalMilliseconds
                    $ms = $sw.Elapsed.TotalMilliseconds
                    $crc = Get-FileCrc32cOutOfProcess $File
                    if ([long]$r.BytesWritten -ne $ExpectedBytes -or $crc -ne $ExpectedCrc32c -or ($c -eq 'Crc32c' -and -not $r.ChecksumVerified)) {
                        throw "warm download $i ($c): $($r.BytesWritten) bytes, crc32c $crc, verified $($r.ChecksumVerified); expected $ExpectedBytes bytes, crc32c $ExpectedCrc32c"
                    }
                    Remove-Item -LiteralPath $File
                    [ordered]@{ checksum = $c; ms = $ms; cpuMs = $cpuMs; kernelMs = $kernelMs }
                }
            }
            $result.samples = @($samples)
        }
        'WarmSend' {
            # After one untimed upload, $Count simple and $Count -Resumable uploads (default chunk), alternating. Each
            # object is checked through the JSON API (size and crc32c) and deleted before the next upload, outside the
            # timed region, as the caller does for the fresh-process uploads: left in place, the emulator's dirty pages
            # of several GiB would be written back during the later uploads and slow them down.
            function Confirm-Upload([string] $Object) {
                $bucketName, $objectName = $Object.Substring(5) -split '/', 2
                $url = "$Endpoint/storage/v1/b/$bucketName/o/$([uri]::EscapeDataString($objectName))"
                $meta = Invoke-RestMethod -Uri $url
                Invoke-RestMethod -Method Delete -Uri $url | Out-Null
                if ([long]$meta.size -ne $ExpectedBytes -or $meta.crc32c -ne $ExpectedCrc32c) {
                    throw "warm upload $Object`: $($meta.size) bytes, crc32c $($meta.crc32c); expected $ExpectedBytes bytes, crc32c $ExpectedCrc32c"
                }
            }
            $null = Send-GcsMedia -Path $File -Uri "$Uri-warmup" -Checksum $Checksum
            Confirm-Upload "$Uri-warmup"
            $samples = foreach ($i in 1..$Count) {
                foreach ($m in @(@('Simple', 'Resumable'), @('Resumable', 'Simple'))[($i - 1) % 2]) {
                    $p = @{ Path = $File; Uri = "$Uri-$i-$m"; Checksum = $Checksum }
                    if ($m -eq 'Resumable') { $p.Resumable = $true }
                    $sw.Restart()
                    $null = Send-GcsMedia @p
                    $sw.Stop()
                    $ms = $sw.Elapsed.TotalMilliseconds
                    Confirm-Upload "$Uri-$i-$m"
                    [ordered]@{ mode = $m; ms = $ms; rep = $i }
                }
            }
            $result.samples = @($samples)
        }
    }
    $result.hwmKB = Get-PeakRssKb
    $result.endSplitKB = Get-RssSplitKb
    [Console]::Out.WriteLine('BENCH ' + ($result | ConvertTo-Json -Compress -Depth 5))
    exit 0
}
catch {
    $result.error = "$($_.Exception.GetType().Name): $($_.Exception.Message)"
    [Console]::Out.WriteLine('BENCH ' + ($result | ConvertTo-Json -Compress -Depth 5))
    exit 1
}
'@

function Invoke-PwshChild {
    param([string] $Operation, [hashtable] $Arguments = @{}, [switch] $AllowFailure)
    Invoke-PwshScript -Path $script:ChildScriptPath -What $Operation -Arguments (@{ Operation = $Operation; ModulePath = $modulePath } + $Arguments) -AllowFailure:$AllowFailure
}

# A script in a fresh pwsh that prints 'BENCH ' + JSON on its last such line; the JSON gets the process's WallMs.
function Invoke-PwshScript {
    param([string] $Path, [string] $What, [hashtable] $Arguments = @{}, [switch] $AllowFailure)
    $command = $PwshCommand + @('-NoProfile', '-NonInteractive', '-File', $Path)
    foreach ($k in $Arguments.Keys) { $command += @("-$k", [string]$Arguments[$k]) }
    $run = Invoke-Child -Command $command
    $json = Get-JsonLine -Text $run.StdOut -Prefix 'BENCH '
    if ($run.ExitCode -ne 0 -or -not $json -or $json.PSObject.Properties['error']) {
        $message = "pwsh $What failed: $(Get-ErrorText $run $json)"
        if ($AllowFailure) { return [pscustomobject]@{ error = $message; WallMs = $run.WallMs } }
        throw $message
    }
    $json | Add-Member -NotePropertyName WallMs -NotePropertyValue $run.WallMs -PassThru
}

# ---------------------------------------------------------------------------------------------------------------
# Samples, verification, statistics
# ---------------------------------------------------------------------------------------------------------------

function Add-Sample {
    # Group: the repetition a sample belongs to (several warm transfers share one); pairs are formed within a group.
    param([string] $Key, [int] $Rep, [long] $Bytes, [double] $Ms, [double] $HwmKB = -1, [int] $Group = $Rep, [double] $IdleHwmKB = -1, $Child = $null)
    if (-not $script:Samples.Contains($Key)) { $script:Samples[$Key] = [System.Collections.Generic.List[object]]::new() }
    $mibps = if ($Ms -gt 0) { $Bytes / 1MB / ($Ms / 1000) } else { 0 }
    $split = $null
    if ($Child -and $Child.PSObject.Properties['idleSplitKB'] -and $Child.PSObject.Properties['endSplitKB']) {
        $split = [ordered]@{}
        foreach ($kind in 'anon', 'file', 'shmem') { $split[$kind] = $Child.endSplitKB.$kind - $Child.idleSplitKB.$kind }
    }
    $script:Samples[$Key].Add([pscustomobject]@{ Rep = $Rep; Group = $Group; MiBps = $mibps; Ms = $Ms; HwmKB = $HwmKB; IdleHwmKB = $IdleHwmKB; SplitKB = $split })
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
    $sorted = [double[]]$Values.Clone()
    [Array]::Sort($sorted)
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
    if (Test-Download -What "$Key rep $Rep" -Path $out -Source $Source) { Add-Sample $Key $Rep $Source.bytes $r.ms $r.hwmKB -IdleHwmKB $r.idleHwmKB -Child $r }
}

# curl's whole run (process start to exit, as a script meets it) is the time; -ToFile writes the body to a file,
# which is then verified like ours, else to /dev/null (HTTP 200 and the exact byte count are checked).
function Measure-CurlDownload {
    param([string] $Key, [int] $Rep, [string] $Endpoint, [string] $Name, $Source, [switch] $ToFile, [switch] $NoSample)
    $url = "$Endpoint/download/storage/v1/b/$Bucket/o/$([uri]::EscapeDataString($Name))?alt=media"
    $out = if ($ToFile) { Join-Path $script:Work "dl-$Key-$Rep.bin" } else { '/dev/null' }
    $curl = @('curl', '-s', '-o', $out, '-w', 'CURL %{http_code} %{size_download} %{time_total}\n', $url)
    $run = Invoke-Child -Command ($script:RssPrefix + $curl)
    $line = @($run.StdOut -split "`r?`n" | Where-Object { $_.StartsWith('CURL ') }) | Select-Object -Last 1
    if ($run.ExitCode -ne 0 -or -not $line) { Add-Failure "$Key rep $Rep`: curl failed: $(Get-ErrorText $run $null)"; return }
    $code, $bytes, $null = ($line -split ' ')[1..3]
    if ($code -ne '200' -or [long]$bytes -ne [long]$Source.bytes) { Add-Failure "$Key rep $Rep`: curl got HTTP $code, $bytes bytes (expected $($Source.bytes))"; return }
    if ($ToFile -and -not (Test-Download -What "$Key rep $Rep" -Path $out -Source $Source)) { return }
    if (-not $NoSample) { Add-Sample $Key $Rep $Source.bytes $run.WallMs (Get-TimeRssKb $run.StdErr) }
}

# No network at all: dd copies the (cached) source into a new file. Every "into a file" row pays what this pays,
# the page cache taking new pages; its spread is the floor of theirs on this machine.
function Measure-FileWriteFloor {
    param([int] $Rep, $Source)
    $out = Join-Path $script:Work "floor-$Rep.bin"
    $run = Invoke-Child -Command @('dd', "if=$($Source.path)", "of=$out", 'bs=128k')
    $written = if (Test-Path -LiteralPath $out) { (Get-Item -LiteralPath $out).Length } else { -1 }
    Remove-Item -LiteralPath $out -Force -ErrorAction SilentlyContinue
    if ($run.ExitCode -ne 0 -or $written -ne $Source.bytes) { Add-Failure "floor-file-write rep $Rep`: dd wrote $written bytes (exit $($run.ExitCode))"; return }
    Add-Sample 'floor-file-write' $Rep $Source.bytes $run.WallMs
}

function Measure-OfficialDownload {
    param([string] $Key, [int] $Rep, [string] $Endpoint, [string] $Name, $Source)
    $out = Join-Path $script:Work "dl-$Key-$Rep.bin"
    $r = Invoke-Peer -Arguments @('download', $Endpoint, $Bucket, $Name, $out) -AllowFailure
    if ($r.PSObject.Properties['error']) { Add-Failure "$Key rep $Rep`: $($r.error)"; Remove-Item $out -Force -ErrorAction SilentlyContinue; return }
    if (Test-Download -What "$Key rep $Rep" -Path $out -Source $Source) { Add-Sample $Key $Rep $Source.bytes $r.ms $r.hwmKB }
}

# -Mode Simple (Send-GcsMedia without -Resumable), Resumable (-ChunkSize when given, else the module's default) or Mpu.
function Measure-OurUpload {
    param([string] $Key, [int] $Rep, [string] $Endpoint, $Source, [ValidateSet('Simple', 'Resumable', 'Mpu')] [string] $Mode = 'Resumable',
        [long] $ChunkSize = 0, [string] $Name = "up-$Key-$Rep.bin", [switch] $Keep)
    $childArgs = @{ Endpoint = $Endpoint; Uri = "gs://$Bucket/$Name"; File = $Source.path; Mode = $Mode }
    if ($Mode -eq 'Mpu') { $childArgs.PartSize = $MpuPartSize; $childArgs.ThrottleLimit = $Parallelism } elseif ($ChunkSize -gt 0) { $childArgs.ChunkSize = $ChunkSize }
    $r = Invoke-PwshChild -Operation ($Mode -eq 'Mpu' ? 'Mpu' : 'Send') -Arguments $childArgs -AllowFailure
    if ($r.PSObject.Properties['error']) { Add-Failure "$Key rep $Rep`: $($r.error)"; return }
    if (Test-Upload -What "$Key rep $Rep" -Endpoint $Endpoint -Name $Name -Source $Source -Keep:$Keep) { Add-Sample $Key $Rep $Source.bytes $r.ms $r.hwmKB -IdleHwmKB $r.idleHwmKB -Child $r }
}

# The first transfer's cost on its own: an empty object downloaded right after Import-Module, and again.
function Measure-FirstTransfer {
    param([int] $Rep, [string] $Endpoint, [string] $Name)
    $out = Join-Path $script:Work "first-$Rep.bin"
    $r = Invoke-PwshChild -Operation First -Arguments @{ Endpoint = $Endpoint; Uri = "gs://$Bucket/$Name"; File = $out } -AllowFailure
    if ($r.PSObject.Properties['error']) { Add-Failure "first-transfer rep $Rep`: $($r.error)"; return }
    Add-Sample 'first-empty' $Rep 0 $r.firstMs
    Add-Sample 'second-empty' $Rep 0 $r.secondMs
}

# Several downloads in one pwsh after a first one: samples 'warm-dl' (crc32c) and 'warm-dl-nochecksum', numbered
# so that each crc32c download pairs with the -Checksum None one next to it.
function Measure-WarmDownloads {
    param([int] $Rep, [string] $Endpoint, [string] $Name, $Source)
    $out = Join-Path $script:Work "warm-$Rep.bin"
    $r = Invoke-PwshChild -Operation WarmReceive -Arguments @{ Endpoint = $Endpoint; Uri = "gs://$Bucket/$Name"; File = $out; Count = $WarmTransfers; ExpectedBytes = $Source.bytes; ExpectedCrc32c = $Source.crc32c; PeerDll = $script:PeerDll } -AllowFailure
    Remove-Item -LiteralPath $out -Force -ErrorAction SilentlyContinue
    if ($r.PSObject.Properties['error']) { Add-Failure "warm downloads rep $Rep`: $($r.error)"; return }
    $n = @{ Crc32c = 0; None = 0 }
    foreach ($sample in $r.samples) {
        $n[$sample.checksum]++
        $key = $sample.checksum -eq 'Crc32c' ? 'warm-dl' : 'warm-dl-nochecksum'
        Add-Sample $key (($Rep - 1) * $WarmTransfers + $n[$sample.checksum]) $Source.bytes $sample.ms $r.hwmKB -Group $Rep
        Add-Sample "$key-cpu" (($Rep - 1) * $WarmTransfers + $n[$sample.checksum]) 0 $sample.cpuMs -Group $Rep
        $script:WarmKernel.Add([pscustomobject]@{ Ms = $sample.ms; KernelMs = $sample.kernelMs; CpuMs = $sample.cpuMs })
    }
}

# Several simple and -Resumable uploads in one pwsh after a first one: 'warm-up-simple', 'warm-up-resumable'.
function Measure-WarmUploads {
    param([int] $Rep, [string] $Endpoint, $Source)
    $base = "warm-$Rep.bin"
    $r = Invoke-PwshChild -Operation WarmSend -Arguments @{ Endpoint = $Endpoint; Uri = "gs://$Bucket/$base"; File = $Source.path; Count = $WarmTransfers; ExpectedBytes = $Source.bytes; ExpectedCrc32c = $Source.crc32c } -AllowFailure
    if ($r.PSObject.Properties['error']) { Add-Failure "warm uploads rep $Rep`: $($r.error)"; return }
    # Each object was checked (size, crc32c) and deleted by the warm pwsh.
    foreach ($sample in $r.samples) {
        Add-Sample ('warm-up-' + $sample.mode.ToLowerInvariant()) (($Rep - 1) * $WarmTransfers + $sample.rep) $Source.bytes $sample.ms $r.hwmKB -Group $Rep
    }
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
    $code = ($line -split ' ')[1]
    if ($code -ne '200') { Add-Failure "$Key rep $Rep`: curl upload got HTTP $code"; return }
    if ((Test-Upload -What "$Key rep $Rep" -Endpoint $Endpoint -Name $Name -Source $Source -Keep:$Keep) -and -not $NoSample) {
        Add-Sample $Key $Rep $Source.bytes $run.WallMs (Get-TimeRssKb $run.StdErr)
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

# ---------------------------------------------------------------------------------------------------------------
# Folder transfers
# ---------------------------------------------------------------------------------------------------------------

# A folder data set: $Count files of $SizeKB KiB below $script:Work/<name>, its manifest (relative path, size, crc32c).
function New-FolderSet {
    param([string] $Name, [int] $Count, [long] $SizeKB, [int] $Seed, [string] $Label)
    $root = Join-Path $script:Work "folder-$Name"
    $g = Invoke-Peer -Arguments @('gen-tree', $root, $Count, $SizeKB, $Seed, (Join-Path $script:Work "folder-$Name.json"))
    [pscustomobject]@{ Name = $Name; Root = $root; Manifest = $g.manifest; Count = [int]$g.count; Bytes = [long]$g.bytes; Label = $Label; Prefix = "folders/$Name/" }
}

# A folder transfer is right when the destination holds every file of the set, and nothing else, with its size and
# crc32c (a downloaded folder: the peer hashes each file; uploaded objects: the JSON API listing's size and crc32c),
# and the transfer reported one result per file. The destination is deleted afterwards.
function Test-FolderTransfer {
    param([string] $What, $Set, $Run, [string] $Folder, [string] $Endpoint, [string] $Prefix)
    try {
        if ($Run.PSObject.Properties['error']) {
            Add-Failure "$What`: $($Run.error)"
            if (-not $Folder) { $null = Invoke-Peer -Arguments @('check-prefix', $Endpoint, $Bucket, $Prefix, $Set.Manifest, 'delete') -AllowFailure }
            return $false
        }
        $check = if ($Folder) { Invoke-Peer -Arguments @('check-tree', $Folder, $Set.Manifest) -AllowFailure }
            else { Invoke-Peer -Arguments @('check-prefix', $Endpoint, $Bucket, $Prefix, $Set.Manifest, 'delete') -AllowFailure }
        if ($check.PSObject.Properties['error']) { Add-Failure "$What`: $($check.error)"; return $false }
        if ([int]$Run.files -ne $Set.Count -or [long]$Run.bytes -ne $Set.Bytes) {
            Add-Failure "$What`: the transfer reported $($Run.files) files, $($Run.bytes) bytes; the set has $($Set.Count) files, $($Set.Bytes) bytes"
            return $false
        }
        return $true
    }
    finally {
        if ($Folder) { Remove-Item -LiteralPath $Folder -Recurse -Force -ErrorAction SilentlyContinue }
    }
}

# Ours: Send-GcsMedia -Recurse / Receive-GcsMedia -Recurse with the default -ThrottleLimit, the first transfer in a
# fresh pwsh after Import-Module. Samples 'folder-<set>-<up|down>-ours'.
function Measure-OurFolder {
    param($Set, [ValidateSet('Up', 'Down')] [string] $Direction, [int] $Rep, [string] $Endpoint)
    $key = "folder-$($Set.Name)-$($Direction.ToLowerInvariant())-ours"
    if ($Direction -eq 'Up') {
        $prefix = "$key-$Rep/"
        $r = Invoke-PwshChild -Operation SendFolder -Arguments @{ Endpoint = $Endpoint; Uri = "gs://$Bucket/$prefix"; File = $Set.Root } -AllowFailure
        $ok = Test-FolderTransfer -What "$key rep $Rep" -Set $Set -Run $r -Endpoint $Endpoint -Prefix $prefix
    }
    else {
        $folder = Join-Path $script:Work "$key-$Rep"
        $r = Invoke-PwshChild -Operation ReceiveFolder -Arguments @{ Endpoint = $Endpoint; Uri = "gs://$Bucket/$($Set.Prefix)"; File = $folder } -AllowFailure
        $ok = Test-FolderTransfer -What "$key rep $Rep" -Set $Set -Run $r -Folder $folder
    }
    if ($ok) { Add-Sample $key $Rep $Set.Bytes $r.ms $r.hwmKB }
}

# The official client scripted in pwsh (bench/OfficialClientFolder.ps1): a foreach loop (Sequential) or
# ForEach-Object -Parallel -ThrottleLimit $ThrottleLimit (Parallel). Samples 'folder-<set>-<up|down>-<seq|par>'.
function Measure-OfficialFolder {
    param($Set, [ValidateSet('Up', 'Down')] [string] $Direction, [ValidateSet('Sequential', 'Parallel')] [string] $Mode,
        [int] $ThrottleLimit, [int] $Rep, [string] $Endpoint)
    $key = "folder-$($Set.Name)-$($Direction.ToLowerInvariant())-$($Mode -eq 'Sequential' ? 'seq' : 'par')"
    $arguments = @{ Direction = $Direction; Mode = $Mode; ThrottleLimit = $ThrottleLimit; ClientDirectory = (Split-Path $script:PeerDll -Parent); Endpoint = $Endpoint; Bucket = $Bucket }
    $peerScript = Join-Path $PSScriptRoot 'OfficialClientFolder.ps1'
    if ($Direction -eq 'Up') {
        $prefix = "$key-$Rep/"
        $r = Invoke-PwshScript -Path $peerScript -What "official folder $Direction $Mode" -Arguments ($arguments + @{ Prefix = $prefix; Folder = $Set.Root }) -AllowFailure
        $ok = Test-FolderTransfer -What "$key rep $Rep" -Set $Set -Run $r -Endpoint $Endpoint -Prefix $prefix
    }
    else {
        $folder = Join-Path $script:Work "$key-$Rep"
        $r = Invoke-PwshScript -Path $peerScript -What "official folder $Direction $Mode" -Arguments ($arguments + @{ Prefix = $Set.Prefix; Folder = $folder }) -AllowFailure
        $ok = Test-FolderTransfer -What "$key rep $Rep" -Set $Set -Run $r -Folder $folder
    }
    if ($ok) { Add-Sample $key $Rep $Set.Bytes $r.ms $r.hwmKB }
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
    $script:DefaultChunk = [long]$capabilities.defaultChunkSize
    Write-Host "   GcsMedia $($capabilities.moduleVersion): sliced download $($capabilities.slicedDownload), MPU $($capabilities.mpu), folders (Send-GcsMedia -Recurse) $($capabilities.recurse), default -Resumable chunk $($script:DefaultChunk / 1MB) MiB"

    $source = $null
    if (Test-Group Transfers) {
        Write-Step "Generating the $SizeMB MiB random file"
        $source = Invoke-Peer -Arguments @('gen', (Join-Path $script:Work 'source.bin'), $SizeMB, 20261125)
    }
    $emptySource = [pscustomobject]@{ path = (Join-Path $script:Work 'empty.bin'); bytes = 0L; crc32c = 'AAAAAA==' }
    [System.IO.File]::WriteAllBytes($emptySource.path, [byte[]]::new(0))

    if (Test-Group Hashing) {
        Write-Step "Hashing throughput ($HashBufferMB MiB buffer, median of 5)"
        $hash = Invoke-Peer -Arguments @('hash', $HashBufferMB, 5)
        Write-Host ('   CRC32C {0:N2} GB/s, MD5 {1:N2} GB/s' -f $hash.crc32cGBps, $hash.md5GBps)
    }

    if (Test-Group Import) {
        Write-Step "Import-Module vs an empty pwsh start ($ImportRuns each, interleaved)"
        for ($i = 1; $i -le $ImportRuns; $i++) {
            Invoke-Rotated -Rep $i -Actions @(
                { $e = Invoke-PwshChild -Operation Empty; Add-Sample 'pwsh-empty' $i 0 $e.WallMs $e.hwmKB },
                { $m = Invoke-PwshChild -Operation Import; Add-Sample 'pwsh-import' $i 0 $m.WallMs $m.hwmKB; Add-Sample 'import-in-process' $i 0 $m.importMs }
            )
        }
    }

    Write-Step "Emulator with --data-dir on disk; uploading the sources"
    $emulator = Start-GcsEmulator -RepoRoot $RepoRoot -Configuration $Configuration -ExtraArguments @('--data-dir', (Join-Path $script:Work 'emulator'))
    $endpoint = $emulator.Endpoint
    New-Bucket $endpoint
    foreach ($seed in @(@($source, 'source.bin'), @($emptySource, 'empty.bin'))) {
        if (-not $seed[0]) { continue }
        if ($curlCommand) { Measure-CurlUpload -Key seed -Rep 0 -Endpoint $endpoint -Source $seed[0] -Name $seed[1] -Keep -NoSample }
        else { Measure-OfficialUpload -Key seed -Rep 0 -Endpoint $endpoint -Source $seed[0] -Name $seed[1] -Keep -NoSample }
    }

    if (Test-Group FirstTransfer) {
        Write-Step "The first transfer's own cost: an empty object right after Import-Module ($Repetitions runs)"
        for ($rep = 1; $rep -le $Repetitions; $rep++) {
            $actions = @({ Measure-FirstTransfer -Rep $rep -Endpoint $endpoint -Name 'empty.bin' })
            if ($curlCommand) { $actions += { Measure-CurlDownload -Key 'curl-empty' -Rep $rep -Endpoint $endpoint -Name 'empty.bin' -Source $emptySource -ToFile } }
            Invoke-Rotated -Rep $rep -Actions $actions
        }
    }

    # The chunk sizes of the curve other than the default (the default's own row is that point of the curve).
    $curveChunks = @($ChunkCurveMB | ForEach-Object { [long]$_ * 1MB } | Where-Object { $_ -ne $script:DefaultChunk })
    for ($rep = 1; $rep -le $Repetitions -and (Test-Group Transfers); $rep++) {
        Write-Step "Repetition $rep of $Repetitions`: downloads"
        $downloads = @(
            { Measure-OurDownload -Key 'dl-ours' -Rep $rep -Endpoint $endpoint -Name 'source.bin' -Source $source },
            { Measure-OfficialDownload -Key 'dl-official' -Rep $rep -Endpoint $endpoint -Name 'source.bin' -Source $source },
            { Measure-WarmDownloads -Rep $rep -Endpoint $endpoint -Name 'source.bin' -Source $source }
        )
        if ($curlCommand) {
            $downloads += { Measure-CurlDownload -Key 'dl-curl-file' -Rep $rep -Endpoint $endpoint -Name 'source.bin' -Source $source -ToFile }
            $downloads += { Measure-CurlDownload -Key 'dl-curl-null' -Rep $rep -Endpoint $endpoint -Name 'source.bin' -Source $source }
        }
        if (Get-Command dd -CommandType Application -ErrorAction SilentlyContinue) { $downloads += { Measure-FileWriteFloor -Rep $rep -Source $source } }
        Invoke-Rotated -Rep $rep -Actions $downloads

        Write-Step "Repetition $rep of $Repetitions`: uploads"
        $uploads = @(
            { Measure-OurUpload -Key 'up-simple' -Rep $rep -Endpoint $endpoint -Source $source -Mode Simple },
            { Measure-OurUpload -Key 'up-resumable' -Rep $rep -Endpoint $endpoint -Source $source -Mode Resumable },
            { Measure-OfficialUpload -Key 'up-official' -Rep $rep -Endpoint $endpoint -Source $source },
            { Measure-WarmUploads -Rep $rep -Endpoint $endpoint -Source $source }
        )
        foreach ($chunk in $curveChunks) {
            $uploads += [scriptblock]::Create("Measure-OurUpload -Key 'up-resumable-$($chunk / 1MB)mb' -Rep `$rep -Endpoint `$endpoint -Source `$source -Mode Resumable -ChunkSize $chunk")
        }
        if ($curlCommand) { $uploads += { Measure-CurlUpload -Key 'up-curl' -Rep $rep -Endpoint $endpoint -Source $source } }
        Invoke-Rotated -Rep $rep -Actions $uploads
    }
    if ($source) { Remove-Item -LiteralPath $source.path -Force }

    if ((Test-Group Folders) -and $capabilities.recurse) {
        $folderSets = @()
        if ($FolderSmallFiles -gt 0) { $folderSets += New-FolderSet -Name small -Count $FolderSmallFiles -SizeKB $FolderSmallKB -Seed 1000 -Label "$FolderSmallFiles files of $FolderSmallKB KiB" }
        if ($FolderLargeFiles -gt 0) { $folderSets += New-FolderSet -Name large -Count $FolderLargeFiles -SizeKB ([long]$FolderLargeMB * 1024) -Seed 2000 -Label "$FolderLargeFiles files of $FolderLargeMB MiB" }
        $script:FolderUploadThrottle = [int]$capabilities.folderUploadThrottle
        $script:FolderDownloadThrottle = [int]$capabilities.folderDownloadThrottle
        if ($script:FolderDownloadThrottle -le 0) { throw "Receive-GcsMedia's help does not state the default -ThrottleLimit of a folder download ('-ThrottleLimit objects at a time (N by default')." }
        foreach ($set in $folderSets) {
            Write-Step "Folders: $($set.Label) ($([Math]::Round($set.Bytes / 1MB, 1)) MiB), uploading the download source with Send-GcsMedia -Recurse"
            $seedRun = Invoke-PwshChild -Operation SendFolder -Arguments @{ Endpoint = $endpoint; Uri = "gs://$Bucket/$($set.Prefix)"; File = $set.Root }
            $check = Invoke-Peer -Arguments @('check-prefix', $endpoint, $Bucket, $set.Prefix, $set.Manifest)
            Write-Host "   $($check.count) objects below gs://$Bucket/$($set.Prefix) checked ($([Math]::Round($seedRun.ms)) ms)"
            for ($rep = 1; $rep -le $FolderRepetitions; $rep++) {
                Write-Step "Folders, $($set.Name), repetition $rep of $FolderRepetitions"
                Invoke-Rotated -Rep $rep -Actions @(
                    { Measure-OurFolder -Set $set -Direction Up -Rep $rep -Endpoint $endpoint },
                    { Measure-OfficialFolder -Set $set -Direction Up -Mode Sequential -Rep $rep -Endpoint $endpoint },
                    { Measure-OfficialFolder -Set $set -Direction Up -Mode Parallel -ThrottleLimit $script:FolderUploadThrottle -Rep $rep -Endpoint $endpoint }
                )
                Invoke-Rotated -Rep $rep -Actions @(
                    { Measure-OurFolder -Set $set -Direction Down -Rep $rep -Endpoint $endpoint },
                    { Measure-OfficialFolder -Set $set -Direction Down -Mode Sequential -Rep $rep -Endpoint $endpoint },
                    { Measure-OfficialFolder -Set $set -Direction Down -Mode Parallel -ThrottleLimit $script:FolderDownloadThrottle -Rep $rep -Endpoint $endpoint }
                )
            }
            Remove-Item -LiteralPath $set.Root -Recurse -Force
        }
    }

    if ($MemorySizeMB -gt 0 -and (Test-Group Memory)) {
        Write-Step "Memory at $MemorySizeMB MiB: one download and one -Resumable upload (default chunk), each in a fresh pwsh"
        $large = Invoke-Peer -Arguments @('gen', (Join-Path $script:Work 'large.bin'), $MemorySizeMB, 4096)
        if ($curlCommand) { Measure-CurlUpload -Key seed -Rep 0 -Endpoint $endpoint -Source $large -Name 'large.bin' -Keep -NoSample }
        else { Measure-OfficialUpload -Key seed -Rep 0 -Endpoint $endpoint -Source $large -Name 'large.bin' -Keep -NoSample }
        Measure-OurDownload -Key 'mem-dl-large' -Rep 1 -Endpoint $endpoint -Name 'large.bin' -Source $large
        Measure-OurUpload -Key 'mem-up-large' -Rep 1 -Endpoint $endpoint -Source $large -Mode Resumable
        Remove-Item -LiteralPath $large.path -Force
    }
    Stop-GcsEmulator $emulator
    $emulator = $null
    if (Test-Group Shaped) {
        Write-Step "Generating the $ShapedSizeMB MiB random file for the shaped link"
        $shapedSource = Invoke-Peer -Arguments @('gen', (Join-Path $script:Work 'shaped.bin'), $ShapedSizeMB, 42)
        Write-Step "Shaped emulator (--latency-ms $ShapedLatencyMs --bandwidth-mbps $ShapedBandwidthMbps per connection); uploading the $ShapedSizeMB MiB source"
        $shaped = Start-GcsEmulator -RepoRoot $RepoRoot -Configuration $Configuration -ExtraArguments @(
            '--data-dir', (Join-Path $script:Work 'emulator-shaped'),
            '--latency-ms', [string]$ShapedLatencyMs, '--bandwidth-mbps', ([string]::Format([cultureinfo]::InvariantCulture, '{0}', $ShapedBandwidthMbps)))
        $shapedEndpoint = $shaped.Endpoint
        New-Bucket $shapedEndpoint
        if ($capabilities.mpu) { Measure-OurUpload -Key seed-shaped -Rep 0 -Endpoint $shapedEndpoint -Source $shapedSource -Mode Mpu -Name 'shaped.bin' -Keep }
        elseif ($curlCommand) { Measure-CurlUpload -Key seed-shaped -Rep 0 -Endpoint $shapedEndpoint -Source $shapedSource -Name 'shaped.bin' -Keep -NoSample }
        else { Measure-OfficialUpload -Key seed-shaped -Rep 0 -Endpoint $shapedEndpoint -Source $shapedSource -Name 'shaped.bin' -Keep -NoSample }
        if ($script:Samples.Contains('seed-shaped')) { $script:Samples.Remove('seed-shaped') }

        for ($rep = 1; $rep -le $ShapedRepetitions; $rep++) {
            Write-Step "Repetition $rep of $ShapedRepetitions`: shaped link"
            $actions = @({ Measure-OurDownload -Key 'shaped-dl-single' -Rep $rep -Endpoint $shapedEndpoint -Name 'shaped.bin' -Source $shapedSource })
            if ($curlCommand) {
                $actions += { Measure-CurlParallelDownload -Key 'shaped-dl-curl-parallel' -Rep $rep -Endpoint $shapedEndpoint -Name 'shaped.bin' -Source $shapedSource }
            }
            if ($capabilities.slicedDownload) {
                $actions += { Measure-OurDownload -Key 'shaped-dl-sliced' -Rep $rep -Endpoint $shapedEndpoint -Name 'shaped.bin' -Source $shapedSource -ThrottleLimit $Parallelism }
            }
            Invoke-Rotated -Rep $rep -Actions $actions
            $actions = @({ Measure-OurUpload -Key 'shaped-up-single' -Rep $rep -Endpoint $shapedEndpoint -Source $shapedSource })
            if ($capabilities.mpu) { $actions += { Measure-OurUpload -Key 'shaped-up-mpu' -Rep $rep -Endpoint $shapedEndpoint -Source $shapedSource -Mode Mpu } }
            Invoke-Rotated -Rep $rep -Actions $actions
        }
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
function Get-PairRatios([string] $OursKey, [string] $PeerKey) {
    if (-not $script:Samples.Contains($OursKey) -or -not $script:Samples.Contains($PeerKey)) { return @() }
    @(foreach ($o in $script:Samples[$OursKey]) {
        $sameGroup = @($script:Samples[$PeerKey] | Where-Object { $_.Group -eq $o.Group -and $_.MiBps -gt 0 })
        $p = @($sameGroup | Where-Object { $_.Rep -eq $o.Rep }) + $sameGroup | Select-Object -First 1
        if ($p -and $o.MiBps -gt 0) { $o.MiBps / $p.MiBps }
    })
}

function Get-PairedRatio([string] $OursKey, [string] $PeerKey) {
    if (-not $script:Samples.Contains($OursKey) -or -not $script:Samples.Contains($PeerKey)) { return $null }
    $ratios = Get-PairRatios $OursKey $PeerKey
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

# A folder pair: throughput in files/s and MiB/s (the same data set on both sides, so one ratio serves both), no target.
function Add-FolderRow {
    param([string] $Figure, [string] $OursKey, [string] $PeerKey, [int] $Files, [long] $Bytes, [switch] $FilesFirst)
    function Format-Folder($MiBps) {
        if ($null -eq $MiBps) { return 'n/a' }
        $filesPerSecond = Format-Number ($MiBps * 1MB / $Bytes * $Files) ($FilesFirst ? 'N0' : 'N2')
        $FilesFirst ? "$filesPerSecond files/s ($(Format-MiB $MiBps))" : "$(Format-MiB $MiBps) ($filesPerSecond files/s)"
    }
    $ratio = Get-PairedRatio $OursKey $PeerKey
    $rows.Add([pscustomobject]@{ Figure = $Figure; Ours = (Format-Folder (Get-SampleMedian $OursKey)); Peer = (Format-Folder (Get-SampleMedian $PeerKey)); Ratio = ($null -eq $ratio ? 'n/a' : ('{0}x' -f (Format-Number $ratio 'N2'))); Target = '-'; Met = '-' })
}

# How far the median pair ratio can be trusted: the 2.5% and 97.5% quantiles of the medians of 2000 resamples of
# the pairs (percentile bootstrap, fixed seed so a report can be reproduced from its samples).
function Get-BootstrapInterval([double[]] $Ratios) {
    if (-not $Ratios -or $Ratios.Count -lt 4) { return $null }
    $random = [System.Random]::new(12)
    $medians = [double[]]::new(2000)
    $draw = [double[]]::new($Ratios.Count)
    for ($b = 0; $b -lt $medians.Count; $b++) {
        for ($i = 0; $i -lt $draw.Count; $i++) { $draw[$i] = $Ratios[$random.Next($Ratios.Count)] }
        $medians[$b] = Get-Median $draw
    }
    , @((Get-Quantile $medians 0.025), (Get-Quantile $medians 0.975))
}

# Lower-is-better memory pair.
function Add-RssRow([string] $Figure, [string] $OursKey, [string] $PeerKey) {
    $ours = Get-SampleMedian $OursKey 'HwmKB'
    $peer = Get-SampleMedian $PeerKey 'HwmKB'
    if ($null -eq $ours -and $null -eq $peer) { return }
    $ratio = if ($ours -and $peer) { '{0}x' -f (Format-Number ($ours / $peer) 'N2') } else { 'n/a' }
    $rows.Add([pscustomobject]@{ Figure = $Figure; Ours = ($null -eq $ours ? 'n/a' : "$(Format-Number ($ours / 1024) 'N0') MiB"); Peer = ($null -eq $peer ? 'n/a' : "$(Format-Number ($peer / 1024) 'N0') MiB"); Ratio = $ratio; Target = '-'; Met = '-' })
}

# Quartiles by linear interpolation between the sorted samples (as numpy's default).
function Get-Quantile([double[]] $Values, [double] $Q) {
    $sorted = [double[]]($Values | Sort-Object)
    $position = ($sorted.Count - 1) * $Q
    $low = [Math]::Floor($position)
    $high = [Math]::Ceiling($position)
    $sorted[$low] + ($sorted[$high] - $sorted[$low]) * ($position - $low)
}

# Steadiness: the interquartile range of a sample set's throughputs as a share of their median.
function Add-SpreadRow([string] $Figure, [string] $Key, [double] $MaxShare = 0) {
    if (-not $script:Samples.Contains($Key) -or $script:Samples[$Key].Count -lt 2) { $rows.Add([pscustomobject]@{ Figure = $Figure; Ours = 'no data'; Peer = '-'; Ratio = '-'; Target = ($MaxShare ? ('IQR <= {0:P0} of median' -f $MaxShare) : '-'); Met = ($MaxShare ? 'no data' : '-') }); return }
    $values = [double[]]@($script:Samples[$Key] | ForEach-Object MiBps)
    $median = Get-Median $values
    $iqr = (Get-Quantile $values 0.75) - (Get-Quantile $values 0.25)
    $share = $iqr / $median
    $met = if (-not $MaxShare) { '-' } elseif ($share -le $MaxShare) { 'yes' } else { 'NO' }
    if ($met -eq 'NO') { $misses.Add(('{0}: IQR {1:N1}% of the median against a target of {2:N0}%.' -f $Figure, (100 * $share), (100 * $MaxShare))) }
    $rows.Add([pscustomobject]@{ Figure = "$Figure ($($values.Count) samples)"; Ours = ('IQR {0} MiB/s' -f (Format-Number $iqr)); Peer = ('median {0}' -f (Format-MiB $median)); Ratio = ('{0}%' -f (Format-Number (100 * $share))); Target = ($MaxShare ? ('<= {0:N0}%' -f (100 * $MaxShare)) : '-'); Met = $met })
}

# Where the warm downloads' spread goes: the slower and the faster half of all warm downloads (both checksum modes),
# their medians of wall time, of the pwsh process's kernel CPU time and of its user CPU time.
function Add-WarmKernelRow {
    $all = @($script:WarmKernel | Where-Object { $_.Ms -gt 0 } | Sort-Object Ms)
    if ($all.Count -lt 4) { return }
    $half = [int][math]::Floor($all.Count / 2)
    $fast = @($all | Select-Object -First $half)
    $slow = @($all | Select-Object -Last $half)
    $describe = { param($set) '{0} ms (kernel {1} ms, user {2} ms)' -f (Format-Number (Get-Median @($set.Ms)) 'N0'), (Format-Number (Get-Median @($set.KernelMs)) 'N0'), (Format-Number (Get-Median @($set | ForEach-Object { $_.CpuMs - $_.KernelMs })) 'N0') }
    $rows.Add([pscustomobject]@{ Figure = "Where the warm downloads' spread goes: the slower vs the faster half of the $($all.Count) warm downloads, medians of wall time and of the pwsh process's CPU time"; Ours = (& $describe $slow); Peer = (& $describe $fast); Ratio = '-'; Target = '-'; Met = '-' })
}

# Memory: what a transfer adds to its own pwsh: the peak RSS at the end minus the peak of the same process after
# Import-Module and before the transfer (median over the samples). Idle pwsh processes differ by up to ~10 MiB
# among themselves here, so a peak minus the median of other processes' idle peaks moved by that much run to run.
function Add-MemoryRow([string] $Figure, [string] $Key, [long] $BufferBytes) {
    $idle = Get-SampleMedian $Key 'IdleHwmKB'
    $peak = Get-SampleMedian $Key 'HwmKB'
    $added = if ($script:Samples.Contains($Key)) { @($script:Samples[$Key] | Where-Object { $_.IdleHwmKB -gt 0 -and $_.HwmKB -gt 0 } | ForEach-Object { $_.HwmKB - $_.IdleHwmKB }) } else { @() }
    if (-not $added -or $null -eq $peak) { $rows.Add([pscustomobject]@{ Figure = $Figure; Ours = 'no data'; Peer = '-'; Ratio = '-'; Target = '-'; Met = 'no data' }); return }
    $addedMiB = (Get-Median $added) / 1024
    $limitMiB = $BufferBytes / 1MB + 16
    $met = if ($addedMiB -le $limitMiB) { 'yes' } else { 'NO' }
    if ($met -eq 'NO') { $misses.Add(('{0}: +{1:N0} MiB over the idle pwsh against a limit of +{2:N0} MiB.' -f $Figure, $addedMiB, $limitMiB)) }
    $splits = @($script:Samples[$Key] | Where-Object { $_.SplitKB } | ForEach-Object SplitKB)
    $splitText = if ($splits) {
        '; at the end: GC heap and native {0:+0;-0} MiB, mapped code {1:+0;-0}, JIT-compiled code {2:+0;-0}' -f
            ((Get-Median @($splits | ForEach-Object anon)) / 1024), ((Get-Median @($splits | ForEach-Object file)) / 1024), ((Get-Median @($splits | ForEach-Object shmem)) / 1024)
    } else { '' }
    $rows.Add([pscustomobject]@{ Figure = $Figure; Ours = ('{0} MiB (peak {1} MiB{2})' -f $(if ($addedMiB -ge 0) { '+' + (Format-Number $addedMiB 'N0') } else { Format-Number $addedMiB 'N0' }), (Format-Number ($peak / 1024) 'N0'), $splitText); Peer = ('{0} MiB (the same pwsh before it, module imported)' -f (Format-Number ($idle / 1024) 'N0')); Ratio = '-'; Target = ('<= +{0} MiB' -f (Format-Number $limitMiB 'N2')); Met = $met })
}

$noCurl = if ($curlVersion) { '' } else { 'curl not found' }
$officialChunk = if (Get-Variable OfficialChunkSize -Scope Script -ErrorAction SilentlyContinue) { '{0} MiB' -f ($script:OfficialChunkSize / 1MB) } else { 'default' }
$defaultChunk = if (Get-Variable DefaultChunk -Scope Script -ErrorAction SilentlyContinue) { $script:DefaultChunk } else { 0 }
$ourChunk = '{0} MiB' -f ($defaultChunk / 1MB)
$sliceMissing = if ($capabilities -and -not $capabilities.slicedDownload) { 'not available (Receive-GcsMedia has no -ThrottleLimit)' } elseif (-not $capabilities) { 'not measured' } else { '' }
$mpuMissing = if ($capabilities -and -not $capabilities.mpu) { 'not available (New-GcsMpu | Add-GcsMpuPart -PartSize -ThrottleLimit | Complete-GcsMpu missing)' } elseif (-not $capabilities) { 'not measured' } else { '' }
$first = 'first transfer in a fresh pwsh after Import-Module'

if (Test-Group Transfers) {
    Add-ThroughputRow "Download $SizeMB MiB, one stream into a file: Receive-GcsMedia ($first) vs curl -o file (whole run)" 'dl-ours' 'dl-curl-file' 0.9 '>= 0.9x' $noCurl
    Add-ThroughputRow "Download $SizeMB MiB: Receive-GcsMedia ($first) vs curl -o /dev/null (the emulator's serving ceiling)" 'dl-ours' 'dl-curl-null' 0 '' $noCurl
    Add-ThroughputRow "Download $SizeMB MiB warm (transfers 3 and later in one pwsh) vs curl -o file" 'warm-dl' 'dl-curl-file' 0 '' $noCurl
    Add-ThroughputRow "Download $SizeMB MiB: Receive-GcsMedia ($first) vs official client DownloadObject" 'dl-ours' 'dl-official' 1.5 '>= 1.5x'
    Add-ThroughputRow "Simple upload $SizeMB MiB: Send-GcsMedia ($first) vs curl -T uploadType=media (whole run)" 'up-simple' 'up-curl' 0.9 '>= 0.9x' $noCurl
    Add-ThroughputRow "Resumable upload $SizeMB MiB: Send-GcsMedia -Resumable, default chunk ($ourChunk), ($first) vs curl -T uploadType=media" 'up-resumable' 'up-curl' 0.8 '>= 0.8x' $noCurl
    foreach ($mb in $ChunkCurveMB) {
        $key = if ([long]$mb * 1MB -eq $defaultChunk) { 'up-resumable' } else { "up-resumable-$($mb)mb" }
        Add-ThroughputRow "  chunk-size curve: -Resumable -ChunkSize $($mb)MB vs curl -T uploadType=media$(if ($key -eq 'up-resumable') { ' (the default)' })" $key 'up-curl' 0 '' $noCurl
    }
    Add-ThroughputRow "Simple upload $SizeMB MiB warm (in one pwsh) vs curl -T uploadType=media" 'warm-up-simple' 'up-curl' 0 '' $noCurl
    Add-ThroughputRow "Resumable upload $SizeMB MiB warm (in one pwsh, default chunk) vs curl -T uploadType=media" 'warm-up-resumable' 'up-curl' 0 '' $noCurl
    Add-ThroughputRow "Resumable upload $SizeMB MiB: Send-GcsMedia -Resumable ($ourChunk chunks) vs official UploadObject ($officialChunk chunks)" 'up-resumable' 'up-official' 1.5 '>= 1.5x'
    Add-ThroughputRow "Checksum cost, warm downloads in one pwsh: -Checksum Crc32c vs -Checksum None next to it" 'warm-dl' 'warm-dl-nochecksum' 0.95 '>= 0.95x (cost <= 5%)'
    $checksumPairs = @(Get-PairRatios 'warm-dl' 'warm-dl-nochecksum')
    $interval = Get-BootstrapInterval $checksumPairs
    if ($interval) {
        $rows.Add([pscustomobject]@{ Figure = "  its resolution: 95% bootstrap interval of the median of the $($checksumPairs.Count) pair ratios (a cost smaller than the interval is wide cannot be told from noise)"; Ours = '-'; Peer = '-'; Ratio = ('{0}x - {1}x' -f (Format-Number $interval[0] 'N2'), (Format-Number $interval[1] 'N2')); Target = '-'; Met = '-' })
    }
    $cpuWith = Get-SampleMedian 'warm-dl-cpu' 'Ms'
    $cpuWithout = Get-SampleMedian 'warm-dl-nochecksum-cpu' 'Ms'
    if ($cpuWith -and $cpuWithout) {
        $rows.Add([pscustomobject]@{ Figure = "  the same in work: CPU time of the pwsh process (all threads, user + kernel) per warm $SizeMB MiB download, -Checksum Crc32c vs None (medians)"; Ours = "$(Format-Number $cpuWith 'N0') ms"; Peer = "$(Format-Number $cpuWithout 'N0') ms"; Ratio = ('{0}{1} ms ({0}{2}%)' -f $(if ($cpuWith -ge $cpuWithout) { '+' } else { '' }), (Format-Number ($cpuWith - $cpuWithout) 'N0'), (Format-Number (100 * ($cpuWith - $cpuWithout) / $cpuWithout) 'N1')); Target = '-'; Met = '-' })
    }
    Add-SpreadRow "Steadiness: warm Receive-GcsMedia $SizeMB MiB in one pwsh, crc32c" 'warm-dl' 0.15
    Add-SpreadRow "Steadiness: warm Receive-GcsMedia $SizeMB MiB in one pwsh, -Checksum None" 'warm-dl-nochecksum' 0.15
    Add-SpreadRow "Steadiness: warm Send-GcsMedia -Resumable $SizeMB MiB in one pwsh" 'warm-up-resumable' 0.15
    Add-SpreadRow "Steadiness: warm Send-GcsMedia simple $SizeMB MiB in one pwsh" 'warm-up-simple' 0.15
    Add-SpreadRow "Spread (information): Receive-GcsMedia, $first" 'dl-ours'
    Add-SpreadRow "Spread (information): curl -o file" 'dl-curl-file'
    Add-SpreadRow "Spread (information): dd of the source into a new file, no network (the floor of every row into a file)" 'floor-file-write'
    Add-WarmKernelRow
    Add-SpreadRow "Spread (information): curl -T uploadType=media" 'up-curl'
}
if (Test-Group FirstTransfer) {
    $firstMs = Get-SampleMedian 'first-empty' 'Ms'
    $secondMs = Get-SampleMedian 'second-empty' 'Ms'
    $curlEmptyMs = Get-SampleMedian 'curl-empty' 'Ms'
    $rows.Add([pscustomobject]@{ Figure = "First transfer's own cost: empty-object Receive-GcsMedia right after Import-Module (median of $Repetitions fresh pwsh) vs the second one in the same pwsh"; Ours = "$(Format-Number $firstMs 'N0') ms"; Peer = "$(Format-Number $secondMs 'N0') ms"; Ratio = ($firstMs -and $secondMs ? ('+{0} ms' -f (Format-Number ($firstMs - $secondMs) 'N0')) : 'n/a'); Target = '-'; Met = '-' })
    $rows.Add([pscustomobject]@{ Figure = 'Empty-object download: curl -o file, whole run (process start to exit)'; Ours = "$(Format-Number $curlEmptyMs 'N0') ms"; Peer = '-'; Ratio = '-'; Target = '-'; Met = '-' })
}

if (Test-Group Shaped) {
    Add-ThroughputRow "Sliced download $ShapedSizeMB MiB, -ThrottleLimit $Parallelism vs single stream (shaped link)" 'shaped-dl-sliced' 'shaped-dl-single' 6 '>= 6x' $sliceMissing
    Add-ThroughputRow "Shaped link capacity: $Parallelism concurrent curl range GETs vs single-stream Receive-GcsMedia (what 8 connections can reach here)" 'shaped-dl-curl-parallel' 'shaped-dl-single' 0 '' $noCurl
    Add-ThroughputRow "MPU $ShapedSizeMB MiB, $($MpuPartSize / 1MB) MiB parts, -ThrottleLimit $Parallelism vs single-stream Send-GcsMedia -Resumable (shaped link)" 'shaped-up-mpu' 'shaped-up-single' 6 '>= 6x' $mpuMissing
}
if (Test-Group Folders) {
    $folderSetLabels = @{ small = "$FolderSmallFiles files of $FolderSmallKB KiB"; large = "$FolderLargeFiles files of $FolderLargeMB MiB" }
    $folderSetCounts = @{ small = $FolderSmallFiles; large = $FolderLargeFiles }
    $folderSetBytes = @{ small = [long]$FolderSmallFiles * $FolderSmallKB * 1KB; large = [long]$FolderLargeFiles * $FolderLargeMB * 1MB }
    if ($capabilities -and -not $capabilities.recurse) {
        $rows.Add([pscustomobject]@{ Figure = 'Folder transfers (many small files, a few large ones, up and down) vs the official client'; Ours = 'not available: this build has no Send-GcsMedia -Recurse'; Peer = '-'; Ratio = '-'; Target = '-'; Met = '-' })
    }
    else {
        foreach ($setName in @('small', 'large')) {
            if ($folderSetCounts[$setName] -le 0) { continue }
            foreach ($direction in @('up', 'down')) {
                $ours = $direction -eq 'up' ? 'Send-GcsMedia -Recurse' : 'Receive-GcsMedia -Recurse'
                $ourThrottle = Get-Variable -Name ($direction -eq 'up' ? 'FolderUploadThrottle' : 'FolderDownloadThrottle') -Scope Script -ValueOnly -ErrorAction SilentlyContinue
                $call = $direction -eq 'up' ? 'UploadObject' : 'ListObjects + DownloadObject'
                foreach ($peer in @(@('seq', "official client in pwsh, foreach loop of $call"), @('par', "official client in pwsh, ForEach-Object -Parallel -ThrottleLimit $ourThrottle of $call"))) {
                    Add-FolderRow "Folder $direction, $($folderSetLabels[$setName]): $ours (default -ThrottleLimit $ourThrottle, $first) vs $($peer[1])" "folder-$setName-$direction-ours" "folder-$setName-$direction-$($peer[0])" $folderSetCounts[$setName] $folderSetBytes[$setName] -FilesFirst:($setName -eq 'small')
                }
            }
        }
    }
}

if (Test-Group Hashing) {
    $rows.Add([pscustomobject]@{ Figure = "CRC32C hashing in-process (Crc32cHasher, $HashBufferMB MiB buffer)"; Ours = ($hash ? "$(Format-Number $hash.crc32cGBps 'N2') GB/s" : 'n/a'); Peer = '-'; Ratio = '-'; Target = '-'; Met = '-' })
    $rows.Add([pscustomobject]@{ Figure = "MD5 hashing in-process (Md5Hasher, $HashBufferMB MiB buffer)"; Ours = ($hash ? "$(Format-Number $hash.md5GBps 'N2') GB/s" : 'n/a'); Peer = '-'; Ratio = '-'; Target = '-'; Met = '-' })
}

if (Test-Group Import) {
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
}

$readBuffers = 256KB   # the download copy loop's two 128 KiB buffers
if (Test-Group Transfers) {
    Add-MemoryRow "Memory added to its own pwsh, download $SizeMB MiB ($first)" 'dl-ours' $readBuffers
}
if ($MemorySizeMB -gt 0 -and (Test-Group Memory)) { Add-MemoryRow "Memory added to its own pwsh, download $MemorySizeMB MiB (flat in size?)" 'mem-dl-large' $readBuffers }
if (Test-Group Transfers) {
    Add-MemoryRow "Memory added to its own pwsh, -Resumable upload $SizeMB MiB ($ourChunk chunk)" 'up-resumable' $defaultChunk
}
if ($MemorySizeMB -gt 0 -and (Test-Group Memory)) { Add-MemoryRow "Memory added to its own pwsh, -Resumable upload $MemorySizeMB MiB ($ourChunk chunk; flat in size?)" 'mem-up-large' $defaultChunk }
if (Test-Group Transfers) {
    Add-MemoryRow "Memory added to its own pwsh, simple upload $SizeMB MiB" 'up-simple' 1MB
    Add-RssRow 'Peak RSS, download: Receive-GcsMedia (pwsh process) vs curl -o file' 'dl-ours' 'dl-curl-file'
    Add-RssRow 'Peak RSS, download: Receive-GcsMedia (pwsh process) vs official client (process)' 'dl-ours' 'dl-official'
    Add-RssRow 'Peak RSS, resumable upload: Send-GcsMedia (pwsh process) vs official client' 'up-resumable' 'up-official'
}
if (Test-Group Shaped) {
    Add-RssRow 'Peak RSS, sliced download vs single-stream download (pwsh processes)' 'shaped-dl-sliced' 'shaped-dl-single'
    Add-RssRow 'Peak RSS, MPU vs single-stream resumable upload (pwsh processes)' 'shaped-up-mpu' 'shaped-up-single'
}
if (Test-Group Folders) {
    foreach ($setName in @('small', 'large')) {
        foreach ($direction in @('up', 'down')) {
            Add-RssRow "Peak RSS, folder $direction, $($folderSetLabels[$setName]): ours (pwsh process) vs official client in pwsh, ForEach-Object -Parallel" "folder-$setName-$direction-ours" "folder-$setName-$direction-par"
        }
    }
}
if (Test-Group Import) {
    Add-RssRow 'Peak RSS, pwsh after Import-Module vs empty pwsh' 'pwsh-import' 'pwsh-empty'
}

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
$md.Add("Generated by ``bench/Run-Bench.ps1``$(if ($Quick) { ' -Quick (development run, not the reference figures)' })$(if ($Only) { " -Only $($Only -join ', ') (only these rows)" }) on $($started.ToString('yyyy-MM-dd HH:mm', $inv)) UTC, commit $commit, in $([Math]::Floor($elapsed.TotalMinutes)) min $($elapsed.Seconds) s.")
$runParts = @()
if (Test-Group Transfers) { $runParts += "transfers: $SizeMB MiB file, $Repetitions repetition(s) ($WarmTransfers warm transfers of each kind per repetition), interleaved (order rotated each repetition), medians" }
if (Test-Group Shaped) { $runParts += "shaped link: second emulator with ``--latency-ms $ShapedLatencyMs --bandwidth-mbps $ShapedBandwidthMbps`` (per connection), $ShapedSizeMB MiB file, $ShapedRepetitions repetition(s)" }
if (Test-Group Folders) { $runParts += "folders: $FolderRepetitions repetition(s), each set up and down with ours and the two official-client scripts rotated, medians" }
$runText = ($runParts -join '; ')
if ($runText) { $runText = $runText.Substring(0, 1).ToUpperInvariant() + $runText.Substring(1) + '. ' }
$md.Add($runText + "Ours is timed inside pwsh with a Stopwatch around the cmdlet: the first transfer after Import-Module in a fresh pwsh unless the row says warm; curl is timed over its whole run (process start to exit); the official client over its transfer call (folders: the client scripted in a fresh pwsh, a Stopwatch around the listing and the loop). Throughput ratios are the median of the per-repetition ratios ours / peer (A and B of a repetition ran back to back), so they need not equal the ratio of the two medians shown; peak RSS and import ratios are ours / peer of the medians (lower is better). MiB/s = 2^20 bytes per second.")
$md.Add('')
$md.AddRange([string[]](ConvertTo-MarkdownTable $rows))
$md.Add('')
$md.Add('## Targets missed')
$md.Add('')
if ($misses.Count -eq 0) { $md.Add('None.') } else { foreach ($m in $misses) { $md.Add("- $m") } }
$md.Add('')
$md.Add('## Verification')
$md.Add('')
if ($script:Failures.Count -eq 0) { $md.Add('Every transfer was verified: downloaded files have the source''s size and crc32c (curl, writing to /dev/null, by HTTP 200 and exact byte count); uploaded objects report the source''s size and crc32c through the JSON API; a folder transfer left every file of its set, and nothing else, with the file''s size and crc32c, and reported one result per file.') }
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
        $value = if ($key -like '*pwsh*' -or $key -like 'import*' -or $key -like '*empty*' -or $key -like '*-cpu') { '{0} ms' -f (Format-Number $s.Ms 'N0') } else { '{0}' -f (Format-Number $s.MiBps) }
        if ($s.HwmKB -gt 0) { $value += " ({0} MiB{1})" -f (Format-Number ($s.HwmKB / 1024) 'N0'), $(if ($s.IdleHwmKB -gt 0) { ', idle ' + (Format-Number ($s.IdleHwmKB / 1024) 'N0') } else { '' }) }
        "r$($s.Rep): $value"
    }
    $md.Add("- ``$key``: $($cells -join ', ')")
}

# Hand-written sections (analysis, figures measured by hand) follow this marker and survive a new run.
$handMarker = '<!-- Everything below this line is written by hand and kept by Run-Bench.ps1. -->'
[string[]] $previous = if (Test-Path -LiteralPath $ResultsPath) { @(Get-Content -LiteralPath $ResultsPath) } else { @() }
$markerAt = if ($previous) { [array]::IndexOf($previous, $handMarker) } else { -1 }
$md.Add('')
$md.Add($handMarker)
if ($markerAt -ge 0) { foreach ($line in @($previous | Select-Object -Skip ($markerAt + 1))) { $md.Add([string]$line) } }

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
