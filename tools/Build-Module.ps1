# Assembles the module into out/GcsMedia:
#   GcsMedia.psd1 (ModuleVersion from Directory.Build.props), GcsMedia.psm1, GcsMedia.Format.ps1xml
#   bin/net8.0/          GcsMedia.Loader.dll + GcsMedia.Cmdlets.dll and every dependency (dotnet publish output)
#   bin/netstandard2.0/  GcsMedia.Cmdlets.dll and its dependencies, for Windows PowerShell 5.1 (best effort)
# -ReadyToRun: the net8.0 copies of GcsMedia.*, Newtonsoft.Json and Google.Apis.* are replaced by ReadyToRun images
# (tools/ReadyToRun), so the first transfer in a new pwsh does not wait for the JIT. They keep their IL and run
# anywhere the IL-only ones do.
param([string] $RepoRoot, [string] $Configuration = 'Release', [string] $ModuleOut, [switch] $ReadyToRun)
$ErrorActionPreference = 'Stop'
. (Join-Path $RepoRoot 'tools/BuildHelpers.ps1')

$version = ([xml](Get-Content (Join-Path $RepoRoot 'Directory.Build.props') -Raw)).Project.PropertyGroup.GcsMediaVersion | Where-Object { $_ } | Select-Object -First 1
Remove-Item $ModuleOut -Recurse -Force -ErrorAction SilentlyContinue
New-Item -ItemType Directory -Path $ModuleOut | Out-Null

foreach ($file in Get-ChildItem (Join-Path $RepoRoot 'module') -File) {
    $text = Get-Content $file.FullName -Raw
    Set-Content -Path (Join-Path $ModuleOut $file.Name) -Value ($text -replace '\{\{ModuleVersion\}\}', $version) -NoNewline
}
Copy-Item (Join-Path $RepoRoot 'LICENSE') -Destination $ModuleOut

$cmdlets = Join-Path $RepoRoot 'src/GcsMedia.Cmdlets/GcsMedia.Cmdlets.csproj'
$loader = Join-Path $RepoRoot 'src/GcsMedia.Loader/GcsMedia.Loader.csproj'
$publishRoot = Join-Path $RepoRoot "artifacts/publish"
Remove-Item $publishRoot -Recurse -Force -ErrorAction SilentlyContinue

foreach ($framework in 'net8.0', 'netstandard2.0') {
    $staging = Join-Path $publishRoot $framework
    Invoke-Native dotnet publish $cmdlets -c $Configuration -f $framework -o $staging --no-build --nologo '--verbosity:quiet'
    if ($framework -eq 'net8.0') {
        Invoke-Native dotnet publish $loader -c $Configuration -f $framework -o $staging --no-build --nologo '--verbosity:quiet'
    }

    $bin = Join-Path $ModuleOut "bin/$framework"
    New-Item -ItemType Directory -Path $bin -Force | Out-Null
    # PowerShell supplies its own engine; a copy in the module folder would load twice.
    Get-ChildItem $staging -File |
        Where-Object { $_.Name -notlike 'System.Management.Automation*' -and $_.Extension -ne '.pdb' -and $_.Name -notlike '*.deps.json' } |
        Copy-Item -Destination $bin
}

if ($ReadyToRun) {
    # Platform-neutral managed assemblies only: System.Management and System.CodeDom differ by platform, so they
    # stay as the portable publish resolved them.
    $precompiled = @('GcsMedia.Cmdlets', 'GcsMedia.Protocol', 'GcsMedia.Transfers', 'Newtonsoft.Json', 'Google.Apis', 'Google.Apis.Core', 'Google.Apis.Auth')
    $r2rStaging = Join-Path $publishRoot 'net8.0-r2r'
    $r2rProject = Join-Path $RepoRoot 'tools/ReadyToRun/GcsMedia.ReadyToRun.csproj'
    try {
        Invoke-Native dotnet publish $r2rProject -c $Configuration -o $r2rStaging --nologo '--verbosity:quiet'
        foreach ($name in $precompiled) { Copy-Item (Join-Path $r2rStaging "$name.dll") -Destination (Join-Path $ModuleOut 'bin/net8.0') -Force }
        Write-Host "ReadyToRun images for $($precompiled -join ', ')"
    }
    catch {
        # Offline, or no crossgen2 package for this machine: the IL-only module works the same, its first transfer pays the JIT.
        Write-Warning "No ReadyToRun images (the module is IL only): $($_.Exception.Message)"
    }
}

Write-Host "Module assembled in $ModuleOut (version $version)"
