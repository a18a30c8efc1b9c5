# Assembles the module into out/GcsMedia:
#   GcsMedia.psd1 (ModuleVersion from Directory.Build.props), GcsMedia.psm1, GcsMedia.Format.ps1xml
#   bin/net8.0/          GcsMedia.Loader.dll + GcsMedia.Cmdlets.dll and every dependency (dotnet publish output)
#   bin/netstandard2.0/  GcsMedia.Cmdlets.dll and its dependencies, for Windows PowerShell 5.1 (best effort)
param([string] $RepoRoot, [string] $Configuration = 'Release', [string] $ModuleOut)
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

Write-Host "Module assembled in $ModuleOut (version $version)"
