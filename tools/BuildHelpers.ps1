# Helpers shared by build.ps1 and the tools/*.ps1 scripts. Dot-source; defines functions only.

# Runs a native command and throws when it fails. Deliberately not an advanced function, so arguments such
# as -v:minimal pass through untouched.
function Invoke-Native {
    $Command, $Arguments = $args
    & $Command @Arguments
    if ($LASTEXITCODE -ne 0) { throw "'$Command $($Arguments -join ' ')' failed with exit code $LASTEXITCODE." }
}

function Get-NuGetPackagesRoot {
    if ($env:NUGET_PACKAGES) { return $env:NUGET_PACKAGES }
    $line = & dotnet nuget locals global-packages --list | Select-Object -First 1
    return ($line -replace '^global-packages:\s*', '').Trim()
}

# Pester comes from its NuGet package (no PowerShell Gallery here): restore tools/PesterRestore.csproj, then
# import <nuget cache>/pester/<version>/tools/Pester.psd1.
function Get-PesterModulePath {
    param([Parameter(Mandatory)][string] $RepoRoot)
    $project = Join-Path $RepoRoot 'tools/PesterRestore.csproj'
    Invoke-Native dotnet restore $project --nologo '--verbosity:quiet' | Out-Host
    $version = ([xml](Get-Content $project -Raw)).Project.ItemGroup.PackageDownload.Version.Trim('[', ']')
    $path = Join-Path (Get-NuGetPackagesRoot) "pester/$version/tools/Pester.psd1"
    if (-not (Test-Path $path)) { throw "Pester $version was restored but $path is missing." }
    return $path
}

function Get-EmulatorDll {
    param([string] $RepoRoot, [string] $Configuration)
    $dll = Join-Path $RepoRoot "src/GcsMedia.Emulator/bin/$Configuration/net10.0/GcsMedia.Emulator.dll"
    if (-not (Test-Path $dll)) { throw "The emulator is not built ($dll). Run ./build.ps1 -Task Build first." }
    return $dll
}

# Starts the emulator on a free loopback port and returns @{ Process; Endpoint }. Its first stdout line is the URL.
function Start-GcsEmulator {
    param([string] $RepoRoot, [string] $Configuration = 'Release', [string[]] $ExtraArguments = @())
    $dll = Get-EmulatorDll -RepoRoot $RepoRoot -Configuration $Configuration
    $info = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
    foreach ($a in @($dll, '--port', '0') + $ExtraArguments) { $info.ArgumentList.Add($a) }
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    $info.UseShellExecute = $false
    $process = [System.Diagnostics.Process]::Start($info)
    $readLine = $process.StandardOutput.ReadLineAsync()
    if (-not $readLine.Wait([TimeSpan]::FromSeconds(60)) -or -not $readLine.Result) {
        $process.Kill($true)
        throw "The emulator did not print its endpoint within 60 s. stderr: $($process.StandardError.ReadToEnd())"
    }
    # Keep draining both pipes so the emulator never blocks on a full pipe.
    $null = $process.StandardOutput.ReadToEndAsync()
    $null = $process.StandardError.ReadToEndAsync()
    [pscustomobject]@{ Process = $process; Endpoint = $readLine.Result.Trim() }
}

function Stop-GcsEmulator {
    param($Emulator)
    if ($Emulator -and -not $Emulator.Process.HasExited) {
        $Emulator.Process.Kill($true)
        $Emulator.Process.WaitForExit(10000) | Out-Null
    }
}

function Read-TrxCounts {
    param([string] $Path)
    if (-not (Test-Path $Path)) { return [pscustomobject]@{ Passed = 0; Failed = 1; FailedNames = @("no results file $Path") } }
    $run = ([xml](Get-Content $Path -Raw)).TestRun
    $counters = $run.ResultSummary.Counters
    $names = @($run.GetElementsByTagName('UnitTestResult') | Where-Object { $_.outcome -notin 'Passed', 'NotExecuted' } | ForEach-Object { $_.testName })
    [pscustomobject]@{
        Passed      = [int]$counters.passed
        Failed      = [int]$counters.failed + [int]$counters.error + [int]$counters.timeout + [int]$counters.aborted
        FailedNames = $names
    }
}

# Runs tests/pester in a fresh pwsh (so module loading is isolated) against the built module.
function Invoke-PesterSuite {
    param([string] $RepoRoot, [string] $ModuleOut, [string] $ResultsDir, [string[]] $TestsPath)
    $pesterPath = Get-PesterModulePath -RepoRoot $RepoRoot
    $summary = Join-Path $ResultsDir 'pester-summary.json'
    $script = @'
param($PesterPath, $TestsPath, $Summary, $NUnitXml)
Import-Module $PesterPath -MinimumVersion 5.0
$config = New-PesterConfiguration
$config.Run.Path = $TestsPath -split [IO.Path]::PathSeparator
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Detailed'
$config.TestResult.Enabled = $true
$config.TestResult.OutputPath = $NUnitXml
$result = Invoke-Pester -Configuration $config
$names = @($result.Failed | ForEach-Object { $_.ExpandedPath }) + @($result.FailedBlocks | ForEach-Object { $_.ExpandedPath }) +
    @($result.FailedContainers | ForEach-Object { "$($_.Item)" })
@{ Passed = $result.PassedCount; Failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount; FailedNames = $names } |
    ConvertTo-Json | Set-Content -Path $Summary
'@
    $scriptFile = Join-Path $ResultsDir 'run-pester.ps1'
    Set-Content -Path $scriptFile -Value $script
    $env:GCSMEDIA_MODULE_PATH = $ModuleOut
    # Under 'dotnet pwsh' the process is dotnet itself; pwsh lives in $PSHOME.
    $pwsh = Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')
    & $pwsh -NoProfile -NonInteractive -File $scriptFile -PesterPath $pesterPath -TestsPath ($TestsPath -join [IO.Path]::PathSeparator) `
        -Summary $summary -NUnitXml (Join-Path $ResultsDir 'pester.xml') | Out-Host
    if (-not (Test-Path $summary)) { return [pscustomobject]@{ Passed = 0; Failed = 1; FailedNames = @('Pester did not finish (no summary)') } }
    $counts = Get-Content $summary -Raw | ConvertFrom-Json
    [pscustomobject]@{ Passed = [int]$counts.Passed; Failed = [int]$counts.Failed; FailedNames = @($counts.FailedNames) }
}
