# Builds the PowerShell Gallery package: Publish-PSResource of out/GcsMedia into a local file repository
# (out/repository), which is what Install-PSResource reads. The .nupkg there is what gets published.
param([string] $RepoRoot, [string] $ModuleOut)
$ErrorActionPreference = 'Stop'

$repository = Join-Path (Split-Path $ModuleOut) 'repository'
Remove-Item $repository -Recurse -Force -ErrorAction SilentlyContinue
New-Item -ItemType Directory -Path $repository | Out-Null
$name = "GcsMediaBuild$PID"
Register-PSResourceRepository -Name $name -Uri $repository -Trusted
try {
    Publish-PSResource -Path $ModuleOut -Repository $name
}
finally {
    Unregister-PSResourceRepository -Name $name
}
$package = Get-ChildItem $repository -Filter 'GcsMedia.*.nupkg' | Select-Object -First 1
if (-not $package) { throw "Publish-PSResource produced no package in $repository." }
Write-Host "Package: $($package.FullName)"
$package
