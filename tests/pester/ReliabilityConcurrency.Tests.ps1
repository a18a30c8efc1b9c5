# Concurrency: 50 uploads and 50 downloads at once (ForEach-Object -Parallel -ThrottleLimit 10, each runspace
# importing the module) against the emulator. Every object must carry its file's crc32c and every download must be
# byte-equal to its source. Files are small (256 KiB - 1 MiB) so this stays quick; the uploads mix simple,
# multipart and resumable (256 KiB chunks) so the shared connection pools and state store are exercised together.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $bucket = New-TestBucket concurrency
    $env:GCSMEDIA_STATE_DIR = Join-Path $TestDrive 'state'
    $in = Join-Path $TestDrive 'in'
    $back = Join-Path $TestDrive 'back'
    $null = New-Item -ItemType Directory $in, $back
    $random = [System.Random]::new(4242)
    $files = foreach ($n in 1..50) {
        $f = New-TestFile (Join-Path $in "f$n.bin") ($random.Next(256KB, 1MB + 1)) (1000 + $n)
        [pscustomobject]@{ N = $n; Path = $f.FullName; Length = $f.Length; Crc = (Get-TestCrc32c $f.FullName); Hash = (Get-FileHash $f.FullName).Hash
            Mode = @('Simple', 'Multipart', 'Resumable')[$n % 3] }
    }
    # The objects the downloads read, put there without the module.
    foreach ($f in $files) { $null = Send-TestObject $bucket "src/f$($f.N).bin" ([System.IO.File]::ReadAllBytes($f.Path)) }

    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    $jobs = @($files | ForEach-Object { [pscustomobject]@{ Kind = 'Upload'; File = $_ } }) + @($files | ForEach-Object { [pscustomobject]@{ Kind = 'Download'; File = $_ } })
    $results = $jobs | ForEach-Object -ThrottleLimit 10 -Parallel {
        Import-Module $using:ModuleManifest
        $f = $_.File
        $kind = $_.Kind
        try {
            if ($kind -eq 'Upload') {
                $extra = switch ($f.Mode) { 'Multipart' { @{ Metadata = @{ n = $f.N } } } 'Resumable' { @{ Resumable = $true; ChunkSize = 256KB } } default { @{} } }
                $o = Send-GcsMedia -Path $f.Path -Bucket $using:bucket -ObjectName "up/f$($f.N).bin" @extra -ErrorAction Stop
                [pscustomobject]@{ Kind = 'Upload'; N = $f.N; Mode = $f.Mode; Crc = $o.Crc32c; Error = $null }
            }
            else {
                $out = Join-Path $using:back "f$($f.N).bin"
                $r = Receive-GcsMedia "gs://$($using:bucket)/src/f$($f.N).bin" -OutFile $out -ErrorAction Stop
                [pscustomobject]@{ Kind = 'Download'; N = $f.N; Mode = 'Whole'; Crc = $r.Checksum; Error = $null }
            }
        }
        catch { [pscustomobject]@{ Kind = $kind; N = $f.N; Mode = $f.Mode; Crc = $null; Error = "$_" } }
    }
    $seconds = $watch.Elapsed.TotalSeconds
    Write-Host "concurrency: $(@($results).Count) transfers (50 up, 50 down, 10 at a time) in $([Math]::Round($seconds, 1)) s; errors: $(@($results | Where-Object Error).Count)"
}

AfterAll { Remove-Item Env:GCSMEDIA_STATE_DIR -ErrorAction SilentlyContinue }

Describe '50 uploads and 50 downloads in parallel' {
    It 'finishes all 100 without an error' {
        @($results).Count | Should -Be 100
        @($results | Where-Object Error | ForEach-Object { "$($_.Kind) $($_.N): $($_.Error)" }) | Should -BeNullOrEmpty
    }

    It 'stores every uploaded object with its file''s crc32c and size (read back from the emulator)' {
        foreach ($f in $files) {
            $object = Get-TestObject $bucket "up/f$($f.N).bin"
            $object | Should -Not -BeNullOrEmpty -Because "f$($f.N) ($($f.Mode))"
            $object.crc32c | Should -Be $f.Crc -Because "f$($f.N) ($($f.Mode))"
            [long]$object.size | Should -Be $f.Length
        }
        @($results | Where-Object { $_.Kind -eq 'Upload' -and $_.Crc -ne $files[$_.N - 1].Crc }).Count | Should -Be 0
    }

    It 'downloads every object byte-equal to its source, with nothing left behind' {
        foreach ($f in $files) {
            $out = Join-Path $back "f$($f.N).bin"
            (Get-FileHash $out).Hash | Should -Be $f.Hash -Because "f$($f.N)"
        }
        @(Get-ChildItem $back -Filter *.partial*).Count | Should -Be 0
    }

    It 'leaves no resumable state behind' {
        @(Get-ChildItem $env:GCSMEDIA_STATE_DIR -Filter *.json -ErrorAction SilentlyContinue).Count | Should -Be 0
    }
}
