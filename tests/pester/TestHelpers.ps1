# Shared by the GcsMedia Pester tests: dot-source in BeforeAll. Imports the BUILT module and talks to the emulator
# named by STORAGE_EMULATOR_HOST (build.ps1 -Task Test starts one).

$script:ModuleManifest = Join-Path $env:GCSMEDIA_MODULE_PATH 'GcsMedia.psd1'
$script:Emulator = $env:STORAGE_EMULATOR_HOST
if (-not $script:Emulator) { throw 'STORAGE_EMULATOR_HOST is not set: run the tests through build.ps1 -Task Test, or start the emulator yourself.' }
Import-Module $script:ModuleManifest -Force

# CRC32C (Castagnoli) of bytes, base64 big-endian as GCS reports it: computed independently of the module.
if (-not ('GcsMediaTests.Crc32c' -as [type])) {
    Add-Type -TypeDefinition @'
namespace GcsMediaTests {
    public static class Crc32c {
        static readonly uint[] Table = Build();
        static uint[] Build() {
            var t = new uint[256];
            for (uint i = 0; i < 256; i++) { uint c = i; for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0x82F63B78u ^ (c >> 1) : c >> 1; t[i] = c; }
            return t;
        }
        public static string Base64(byte[] data) {
            uint crc = 0xFFFFFFFFu;
            foreach (byte b in data) crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
            crc ^= 0xFFFFFFFFu;
            return System.Convert.ToBase64String(new[] { (byte)(crc >> 24), (byte)(crc >> 16), (byte)(crc >> 8), (byte)crc });
        }
    }
}
'@
}

function Get-TestCrc32c([string] $Path) { [GcsMediaTests.Crc32c]::Base64([System.IO.File]::ReadAllBytes($Path)) }

function New-TestBucket([string] $Prefix = 'pester') {
    $name = ('{0}-{1}' -f $Prefix, [guid]::NewGuid().ToString('N').Substring(0, 12)).ToLowerInvariant()
    Invoke-RestMethod -Method Post "$script:Emulator/storage/v1/b?project=test" -Body (@{ name = $name } | ConvertTo-Json) -ContentType application/json | Out-Null
    $name
}

function New-TestFile([string] $Path, [int] $Length, [int] $Seed = 1) {
    $bytes = [byte[]]::new($Length)
    [System.Random]::new($Seed).NextBytes($bytes)
    [System.IO.File]::WriteAllBytes($Path, $bytes)
    Get-Item -LiteralPath $Path
}

# The object's JSON from the emulator, or $null when it does not exist.
function Get-TestObject([string] $Bucket, [string] $Name) {
    try { Invoke-RestMethod "$script:Emulator/storage/v1/b/$Bucket/o/$([uri]::EscapeDataString($Name))" }
    catch { if ($_.Exception.Response.StatusCode.value__ -eq 404) { $null } else { throw } }
}

function Send-TestObject([string] $Bucket, [string] $Name, [byte[]] $Bytes) {
    Invoke-RestMethod -Method Post "$script:Emulator/upload/storage/v1/b/$Bucket/o?uploadType=media&name=$([uri]::EscapeDataString($Name))" -Body $Bytes -ContentType application/octet-stream
}

# A storage-testbench style fault-injection test; returns its id for the x-retry-test-id header.
function New-RetryTest([hashtable] $Instructions) {
    (Invoke-RestMethod -Method Post "$script:Emulator/retry_test" -Body (@{ instructions = $Instructions } | ConvertTo-Json -Depth 5) -ContentType application/json).id
}

# The pwsh executable to start a fresh process with (under `dotnet pwsh` the current process is dotnet itself).
function Get-PwshPath {
    $current = [Environment]::ProcessPath
    if ([System.IO.Path]::GetFileNameWithoutExtension($current) -eq 'pwsh') { return $current }
    $candidate = Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')
    if (Test-Path $candidate) { return $candidate }
    throw "Cannot find a pwsh executable (process: $current, PSHOME: $PSHOME)."
}

# How many instructions of a retry test are still unconsumed (an instruction is consumed when its request arrives).
function Get-RetryTestRemaining([string] $Id) {
    $test = Invoke-RestMethod "$script:Emulator/retry_test/$Id"
    (@($test.instructions.PSObject.Properties | ForEach-Object { @($_.Value).Count }) | Measure-Object -Sum).Sum
}

# Waits until at most $Remaining instructions of the retry test are left, i.e. the request that consumes the next
# one has reached the server. Throws when that does not happen in time, so no test goes on assuming it did.
function Wait-RetryTestRemaining([string] $Id, [int] $Remaining, [int] $Seconds = 60) {
    $deadline = [DateTime]::UtcNow.AddSeconds($Seconds)
    while ((Get-RetryTestRemaining $Id) -gt $Remaining) {
        if ([DateTime]::UtcNow -ge $deadline) { throw "retry test ${Id}: still more than $Remaining instructions left after $Seconds s" }
        Start-Sleep -Milliseconds 20
    }
}
