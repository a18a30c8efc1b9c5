#Requires -Version 7.4
<#
.SYNOPSIS
    Where the spread of repeated transfers comes from: N warm transfers in this pwsh, each with the CPU that this
    process (user, kernel), the emulator and every other process used meanwhile, GC counts and pause, methods
    JIT-compiled, and the kernel's Dirty/Writeback pages. Linux only (/proc). Prints CSV.
.EXAMPLE
    dotnet pwsh ./bench/Measure-Spread.ps1 -ModulePath out/GcsMedia/GcsMedia.psd1 -Endpoint http://127.0.0.1:9023 -Uri gs://bench/src.bin -OutFile /tmp/x.bin -EmulatorPid 1234
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $Endpoint,
    # The object to download (or, with -UploadFrom, the object name prefix to upload to).
    [Parameter(Mandatory)] [string] $Uri,
    [string] $OutFile,
    # Upload this file with -Resumable instead of downloading.
    [string] $UploadFrom,
    [Parameter(Mandatory)] [int] $EmulatorPid,
    [int] $Count = 10
)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$env:STORAGE_EMULATOR_HOST = $Endpoint
Import-Module $ModulePath

function Get-Meminfo { $m = @{}; Get-Content /proc/meminfo | ForEach-Object { $p = $_ -split '\s+'; $m[$p[0].TrimEnd(':')] = [long]$p[1] }; $m }
# utime and stime of a process in ms (clock ticks of 10 ms).
function Get-ProcessCpu([int] $ProcessId) { $p = ((Get-Content "/proc/$ProcessId/stat") -replace '^.*\) ', '') -split ' '; @(([long]$p[11] * 10), ([long]$p[12] * 10)) }
# Busy CPU of the whole machine in ms (user, nice, system, irq, softirq).
function Get-MachineCpu { $p = (Get-Content /proc/stat)[0] -split '\s+'; ([long]$p[1] + [long]$p[2] + [long]$p[3] + [long]$p[6] + [long]$p[7]) * 10 }
function Invoke-Transfer([string] $Suffix) {
    if ($UploadFrom) { $null = Send-GcsMedia -Path $UploadFrom -Uri "$Uri$Suffix" -Resumable -Force }
    else { $null = Receive-GcsMedia -Uri $Uri -OutFile $OutFile -Force; Remove-Item -LiteralPath $OutFile }
}

Invoke-Transfer '-0'   # untimed first transfer
'transfer,ms,MiBps,gc0,gc1,gc2,gcPauseMs,jitMethods,dirtyMB,writebackMaxMB,ourUserMs,ourKernelMs,emulatorCpuMs,othersCpuMs'
$size = if ($UploadFrom) { (Get-Item $UploadFrom).Length } else { $null }
foreach ($i in 1..$Count) {
    $gc = 0..2 | ForEach-Object { [GC]::CollectionCount($_) }
    $pause = [GC]::GetTotalPauseDuration()
    $jit = [System.Runtime.JitInfo]::GetCompiledMethodCount($false)
    $m0 = Get-Meminfo; $c0 = Get-ProcessCpu $PID; $e0 = Get-ProcessCpu $EmulatorPid; $a0 = Get-MachineCpu
    $sw = [System.Diagnostics.Stopwatch]::StartNew()
    if (-not $UploadFrom) { $null = Receive-GcsMedia -Uri $Uri -OutFile $OutFile -Force; $size = (Get-Item $OutFile).Length; Remove-Item -LiteralPath $OutFile }
    else { Invoke-Transfer "-$i" }
    $ms = $sw.Elapsed.TotalMilliseconds
    $m1 = Get-Meminfo; $c1 = Get-ProcessCpu $PID; $e1 = Get-ProcessCpu $EmulatorPid; $a1 = Get-MachineCpu
    $ours = ($c1[0] + $c1[1]) - ($c0[0] + $c0[1]); $emu = ($e1[0] + $e1[1]) - ($e0[0] + $e0[1])
    '{0},{1:F0},{2:F0},{3},{4},{5},{6:F0},{7},{8:F0},{9:F0},{10},{11},{12},{13}' -f $i, $ms, ($size / 1MB / ($ms / 1000)),
        ([GC]::CollectionCount(0) - $gc[0]), ([GC]::CollectionCount(1) - $gc[1]), ([GC]::CollectionCount(2) - $gc[2]),
        ([GC]::GetTotalPauseDuration() - $pause).TotalMilliseconds, ([System.Runtime.JitInfo]::GetCompiledMethodCount($false) - $jit),
        ($m1.Dirty / 1024), ([Math]::Max($m0.Writeback, $m1.Writeback) / 1024), ($c1[0] - $c0[0]), ($c1[1] - $c0[1]), $emu, (($a1 - $a0) - $ours - $emu)
}
