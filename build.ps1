#Requires -Version 7.4
<#
.SYNOPSIS
    The one entry point: build, test, demo, benchmark, docs and packaging for GcsMedia.
.EXAMPLE
    dotnet tool restore && dotnet pwsh ./build.ps1 -Task Test
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Demo', 'Bench', 'Docs', 'Package')]
    [string] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # -Task Test only: run just these Pester files (and no xunit unless -XunitFilter is given too).
    [string[]] $PesterPath,

    # -Task Test only: run just the xunit tests matching this dotnet test --filter expression (and no Pester
    # unless -PesterPath is given too).
    [string] $XunitFilter
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
if ($env:CI -or [Console]::IsOutputRedirected) { $PSStyle.OutputRendering = 'PlainText' }
$RepoRoot = $PSScriptRoot
$OutDir = Join-Path $RepoRoot 'out'
$ModuleOut = Join-Path $OutDir 'GcsMedia'
. (Join-Path $RepoRoot 'tools/BuildHelpers.ps1')

# -ProductOnly builds just what ships and runs (module, loader, emulator), not the tests and benchmarks: the
# demo needs no more, and a first-time user waits for no more.
function Invoke-Build([switch] $ProductOnly) {
    $targets = $ProductOnly ?
        @('src/GcsMedia.Cmdlets/GcsMedia.Cmdlets.csproj', 'src/GcsMedia.Loader/GcsMedia.Loader.csproj', 'src/GcsMedia.Emulator/GcsMedia.Emulator.csproj') :
        @('GcsMedia.sln')
    foreach ($target in $targets) {
        Invoke-Native dotnet build (Join-Path $RepoRoot $target) -c $Configuration --nologo '--verbosity:minimal'
    }
    & (Join-Path $RepoRoot 'tools/Build-Module.ps1') -RepoRoot $RepoRoot -Configuration $Configuration -ModuleOut $ModuleOut -ReadyToRun
    & (Join-Path $RepoRoot 'tools/Build-Docs.ps1') -RepoRoot $RepoRoot -ModuleOut $ModuleOut
}

function Invoke-Test {
    Invoke-Build
    $results = Join-Path $OutDir 'test-results'
    Remove-Item $results -Recurse -Force -ErrorAction SilentlyContinue
    New-Item -ItemType Directory -Path $results | Out-Null
    $selective = $PesterPath -or $XunitFilter

    $emulator = Start-GcsEmulator -RepoRoot $RepoRoot -Configuration $Configuration
    $passed = 0
    $failed = 0
    $failedNames = [System.Collections.Generic.List[string]]::new()
    try {
        $previousHost = $env:STORAGE_EMULATOR_HOST
        $env:STORAGE_EMULATOR_HOST = $emulator.Endpoint
        Write-Host "Emulator for the tests: $($emulator.Endpoint)"

        if (-not $selective -or $XunitFilter) {
            foreach ($project in Get-ChildItem (Join-Path $RepoRoot 'tests') -Filter '*.Tests.csproj' -Recurse) {
                $trx = "$($project.BaseName).trx"
                $filterArguments = $XunitFilter ? @('--filter', $XunitFilter) : @()
                & dotnet test $project.FullName -c $Configuration --no-build --nologo @filterArguments `
                    --logger "trx;LogFileName=$trx" --logger 'console;verbosity=minimal' --results-directory $results
                $counts = Read-TrxCounts (Join-Path $results $trx)
                Write-Host "$($project.BaseName): $($counts.Passed) passed, $($counts.Failed) failed"
                $passed += $counts.Passed
                $failed += $counts.Failed
                $counts.FailedNames | ForEach-Object { $failedNames.Add("$($project.BaseName): $_") }
                if ($LASTEXITCODE -ne 0 -and $counts.Failed -eq 0 -and -not ($XunitFilter -and $counts.Passed -eq 0)) {
                    $failed++   # a crashed test host counts as a failure
                    $failedNames.Add("$($project.BaseName): the test host exited with code $LASTEXITCODE")
                }
            }
        }

        if (-not $selective -or $PesterPath) {
            $pesterTargets = $PesterPath ? @($PesterPath -split "," | ForEach-Object { (Resolve-Path $_.Trim()).Path }) : @(Join-Path $RepoRoot 'tests/pester')
            $pester = Invoke-PesterSuite -RepoRoot $RepoRoot -ModuleOut $ModuleOut -ResultsDir $results -TestsPath $pesterTargets
            Write-Host "Pester: $($pester.Passed) passed, $($pester.Failed) failed"
            $passed += $pester.Passed
            $failed += $pester.Failed
            $pester.FailedNames | ForEach-Object { $failedNames.Add("Pester: $_") }
        }
    }
    finally {
        $env:STORAGE_EMULATOR_HOST = $previousHost
        Stop-GcsEmulator $emulator
    }

    if ($failedNames.Count -gt 0) {
        Write-Host 'Failed:'
        $failedNames | ForEach-Object { Write-Host "  $_" }
    }
    Write-Host "$passed passed, $failed failed"
    if ($failed -gt 0 -or $passed -eq 0) { exit 1 }
}

switch ($Task) {
    'Build' { Invoke-Build }
    'Test' { Invoke-Test }
    'Docs' { & (Join-Path $RepoRoot 'tools/Build-Docs.ps1') -RepoRoot $RepoRoot -ModuleOut $ModuleOut }
    'Demo' { Invoke-Build -ProductOnly; & (Join-Path $RepoRoot 'tools/Demo.ps1') -RepoRoot $RepoRoot -ModuleOut $ModuleOut -Configuration $Configuration }
    'Package' {
        Invoke-Build -ProductOnly
        & (Join-Path $RepoRoot 'tools/Build-Package.ps1') -RepoRoot $RepoRoot -ModuleOut $ModuleOut
        & (Join-Path $RepoRoot 'tools/Build-EmulatorTool.ps1') -RepoRoot $RepoRoot -OutDir (Join-Path $OutDir 'tool') -Configuration $Configuration
    }
    'Bench' { Invoke-Build; & (Join-Path $RepoRoot 'bench/Run-Bench.ps1') -RepoRoot $RepoRoot -ModuleOut $ModuleOut -Configuration $Configuration }
}
