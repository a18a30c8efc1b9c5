#Requires -Version 7.4
<#
.SYNOPSIS
    The benchmark's folder peer: a folder up or down with the official .NET client (Google.Cloud.Storage.V1), as a
    PowerShell user would script it: `foreach` over the files (or objects), or `ForEach-Object -Parallel` with one
    StorageClient shared through $using:.
.DESCRIPTION
    Run by bench/Run-Bench.ps1 in a fresh pwsh. Loads the client's assemblies from the peer program's build output
    (-ClientDirectory) and builds one StorageClient for the emulator (anonymous), neither timed; then a Stopwatch
    times the listing (Get-ChildItem -Recurse, or StorageClient.ListObjects) and the transfers. Prints one line,
    'BENCH ' + JSON: ms, files, bytes, hwmKB (or error).
#>
param(
    [ValidateSet('Up', 'Down')] [string] $Direction,
    [ValidateSet('Sequential', 'Parallel')] [string] $Mode,
    [int] $ThrottleLimit = 8,
    [string] $ClientDirectory,
    [string] $Endpoint,
    [string] $Bucket,
    # Object names are $Prefix + the path relative to $Folder, with /.
    [string] $Prefix,
    [string] $Folder
)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$result = [ordered]@{}
try {
    # pwsh's own Newtonsoft.Json (13.0.0.0, as the client needs) is already loaded; the rest come from the folder.
    foreach ($name in 'Google.Apis.Core', 'Google.Apis', 'Google.Apis.Auth', 'Google.Apis.Storage.v1', 'Google.Api.Gax', 'Google.Api.Gax.Rest', 'Google.Cloud.Storage.V1') {
        Add-Type -Path (Join-Path $ClientDirectory "$name.dll")
    }
    $builder = [Google.Cloud.Storage.V1.StorageClientBuilder]::new()
    $builder.BaseUri = $Endpoint.TrimEnd('/') + '/storage/v1/'
    $builder.UnauthenticatedAccess = $true
    $client = $builder.Build()

    $sw = [System.Diagnostics.Stopwatch]::StartNew()
    if ($Direction -eq 'Up') {
        $root = (Resolve-Path -LiteralPath $Folder).ProviderPath
        $files = Get-ChildItem -LiteralPath $root -Recurse -File
        if ($Mode -eq 'Sequential') {
            $done = foreach ($file in $files) {
                $name = $Prefix + [System.IO.Path]::GetRelativePath($root, $file.FullName).Replace('\', '/')
                $stream = [System.IO.File]::OpenRead($file.FullName)
                try { $client.UploadObject($Bucket, $name, 'application/octet-stream', $stream) } finally { $stream.Dispose() }
            }
        }
        else {
            $done = $files | ForEach-Object -ThrottleLimit $ThrottleLimit -Parallel {
                $ErrorActionPreference = 'Stop'
                $name = $using:Prefix + [System.IO.Path]::GetRelativePath($using:root, $_.FullName).Replace('\', '/')
                $stream = [System.IO.File]::OpenRead($_.FullName)
                try { ($using:client).UploadObject($using:Bucket, $name, 'application/octet-stream', $stream) } finally { $stream.Dispose() }
            }
        }
        $result.bytes = [long]($done | Measure-Object -Property Size -Sum).Sum
    }
    else {
        $root = [System.IO.Path]::GetFullPath($Folder)
        $objects = @($client.ListObjects($Bucket, $Prefix))
        if ($Mode -eq 'Sequential') {
            $done = foreach ($object in $objects) {
                $path = Join-Path $root $object.Name.Substring($Prefix.Length)
                $null = [System.IO.Directory]::CreateDirectory([System.IO.Path]::GetDirectoryName($path))
                $stream = [System.IO.File]::Create($path)
                try { $null = $client.DownloadObject($object, $stream); $stream.Length } finally { $stream.Dispose() }
            }
        }
        else {
            $done = $objects | ForEach-Object -ThrottleLimit $ThrottleLimit -Parallel {
                $ErrorActionPreference = 'Stop'
                $path = Join-Path $using:root $_.Name.Substring(($using:Prefix).Length)
                $null = [System.IO.Directory]::CreateDirectory([System.IO.Path]::GetDirectoryName($path))
                $stream = [System.IO.File]::Create($path)
                try { $null = ($using:client).DownloadObject($_, $stream); $stream.Length } finally { $stream.Dispose() }
            }
        }
        $result.bytes = [long]($done | Measure-Object -Sum).Sum
    }
    $sw.Stop()
    $result.ms = $sw.Elapsed.TotalMilliseconds
    $result.files = @($done).Count
    $line = Get-Content /proc/self/status | Where-Object { $_ -like 'VmHWM:*' }
    $result.hwmKB = if ($line) { [long](($line -split '\s+')[1]) } else { -1 }
    [Console]::Out.WriteLine('BENCH ' + ($result | ConvertTo-Json -Compress))
    exit 0
}
catch {
    $result.error = "$($_.Exception.GetType().Name): $($_.Exception.Message)"
    [Console]::Out.WriteLine('BENCH ' + ($result | ConvertTo-Json -Compress))
    exit 1
}
