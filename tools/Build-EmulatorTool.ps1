# Packs the emulator as a .NET tool (command gcs-emulator) into $OutDir (out/tool), from the build output already made
# by build.ps1 (so it never rebuilds under a running emulator). Install it with:
#   dotnet tool install --global --add-source out/tool GcsMedia.Emulator
param([string] $RepoRoot, [string] $OutDir, [string] $Configuration = 'Release')
$ErrorActionPreference = 'Stop'
. (Join-Path $RepoRoot 'tools/BuildHelpers.ps1')

Remove-Item $OutDir -Recurse -Force -ErrorAction SilentlyContinue
New-Item -ItemType Directory -Path $OutDir | Out-Null
$project = Join-Path $RepoRoot 'src/GcsMedia.Emulator/GcsMedia.Emulator.csproj'
Invoke-Native dotnet pack $project -c $Configuration --no-build --nologo '--verbosity:minimal' -o $OutDir | Out-Host
$package = Get-ChildItem $OutDir -Filter 'GcsMedia.Emulator.*.nupkg' | Select-Object -First 1
if (-not $package) { throw "dotnet pack produced no GcsMedia.Emulator package in $OutDir." }
Write-Host "Emulator tool package: $($package.FullName)"
$package
