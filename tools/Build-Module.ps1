# Assembles the module into out/GcsMedia: manifest (version from Directory.Build.props), psm1, formats, binaries.
param([string] $RepoRoot, [string] $Configuration, [string] $ModuleOut)
$ErrorActionPreference = 'Stop'
. (Join-Path $RepoRoot 'tools/BuildHelpers.ps1')

$version = ([xml](Get-Content (Join-Path $RepoRoot 'Directory.Build.props') -Raw)).Project.PropertyGroup.GcsMediaVersion | Where-Object { $_ } | Select-Object -First 1
Remove-Item $ModuleOut -Recurse -Force -ErrorAction SilentlyContinue
New-Item -ItemType Directory -Path $ModuleOut | Out-Null

foreach ($file in Get-ChildItem (Join-Path $RepoRoot 'module') -File) {
    $text = Get-Content $file.FullName -Raw
    Set-Content -Path (Join-Path $ModuleOut $file.Name) -Value ($text -replace '\{\{ModuleVersion\}\}', $version) -NoNewline
}
