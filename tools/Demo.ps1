# The README's first command: the main job end to end against the bundled emulator.
param([string] $RepoRoot, [string] $ModuleOut, [string] $Configuration = 'Release')
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
. (Join-Path $RepoRoot 'tools/BuildHelpers.ps1')

function Write-Step([string] $Text) { Write-Host "`n== $Text" -ForegroundColor Cyan }

$work = Join-Path ([System.IO.Path]::GetTempPath()) "gcsmedia-demo-$PID"
New-Item -ItemType Directory -Path $work | Out-Null
# A shaped link (~800 Mbit/s per connection) so the interruption lands midway on any machine.
$emulator = Start-GcsEmulator -RepoRoot $RepoRoot -Configuration $Configuration -ExtraArguments @('--data-dir', (Join-Path $work 'emulator'), '--bandwidth-mbps', '800')
$previousHost = $env:STORAGE_EMULATOR_HOST
try {
    $env:STORAGE_EMULATOR_HOST = $emulator.Endpoint
    Import-Module (Join-Path $ModuleOut 'GcsMedia.psd1') -Force
    $summary = [ordered]@{}

    Write-Step "Emulator at $($emulator.Endpoint); creating bucket 'demo'"
    Invoke-RestMethod -Method Post -Uri "$($emulator.Endpoint)/storage/v1/b?project=demo" -ContentType 'application/json' -Body '{"name":"demo"}' | Out-Null

    Write-Step 'Generating a 256 MiB file'
    $source = Join-Path $work 'backup.bin'
    $random = [System.Random]::new(20261125)
    $buffer = [byte[]]::new(4MB)
    $stream = [System.IO.File]::Create($source)
    try { for ($i = 0; $i -lt 64; $i++) { $random.NextBytes($buffer); $stream.Write($buffer, 0, $buffer.Length) } } finally { $stream.Dispose() }

    Write-Step 'Uploading it resumably (8 MiB chunks), and interrupting the upload midway (as Ctrl+C would)'
    $runspace = [powershell]::Create()
    $null = $runspace.AddScript({
            param($ModulePath, $Endpoint, $Source)
            $env:STORAGE_EMULATOR_HOST = $Endpoint
            Import-Module $ModulePath
            Send-GcsMedia -Path $Source -Uri gs://demo/backup.bin -Resumable -ChunkSize 8MB
        }).AddArgument((Join-Path $ModuleOut 'GcsMedia.psd1')).AddArgument($emulator.Endpoint).AddArgument($source)
    $async = $runspace.BeginInvoke()
    $deadline = [DateTime]::UtcNow.AddSeconds(30)
    do {
        Start-Sleep -Milliseconds 100
        $last = $runspace.Streams.Progress | Where-Object { $_.PercentComplete -ge 0 } | Select-Object -Last 1
        $percent = if ($last) { $last.PercentComplete } else { 0 }
    } until ($percent -ge 30 -or $async.IsCompleted -or [DateTime]::UtcNow -gt $deadline)
    $runspace.Stop()
    $runspace.Dispose()
    Write-Host "Stopped at about $percent% of the upload."
    $summary['Interrupted at'] = "$percent%"

    Write-Step 'Resuming it with Resume-GcsUpload (the state file knows the session)'
    $object = Resume-GcsUpload -Path $source -Uri gs://demo/backup.bin
    $object | Format-List | Out-Host
    $summary['Resumed upload'] = "$($object.Size) bytes, crc32c $($object.Crc32c)"

    Write-Step 'Downloading it in 32 MiB chunks, checksum verified'
    $copy = Join-Path $work 'backup.copy.bin'
    $download = Receive-GcsMedia -Uri gs://demo/backup.bin -OutFile $copy -ChunkSize 32MB
    $download | Format-List | Out-Host
    if (-not $download.ChecksumVerified) { throw 'The download was not checksum-verified.' }
    if ((Get-FileHash $copy).Hash -ne (Get-FileHash $source).Hash) { throw 'The downloaded file differs from the source.' }
    $summary['Chunked download'] = "$((Get-Item $copy).Length) bytes, crc32c verified: $($download.ChecksumVerified), SHA-256 equal to the source"

    Write-Step 'Uploading another copy through the XML multipart upload pipeline (16 MiB parts, 4 at a time)'
    $mpu = New-GcsMpu -Uri gs://demo/backup-mpu.bin | Add-GcsMpuPart -Path $source -PartSize 16MB -ThrottleLimit 4 | Complete-GcsMpu
    $mpu | Format-List | Out-Host
    $summary['MPU upload'] = "$($mpu.Size) bytes, crc32c $($mpu.Crc32c)"
    if ($mpu.Crc32c -ne $object.Crc32c) { throw "The MPU object's crc32c $($mpu.Crc32c) differs from the resumable upload's $($object.Crc32c)." }

    Write-Step 'Summary'
    [pscustomobject]$summary | Format-List | Out-Host
    Write-Host 'Demo finished: every transfer verified.' -ForegroundColor Green
}
finally {
    $env:STORAGE_EMULATOR_HOST = $previousHost
    Stop-GcsEmulator $emulator
    Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue
}
