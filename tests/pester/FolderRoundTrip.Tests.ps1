# Issue 10's "done when", end to end through the built module: a folder of a few hundred files in nested folders
# (spaces, non-ASCII names, the same file name in different folders, an empty file, a 40 MiB file) goes up with
# -Recurse, is listed, comes back down with -Recurse identical, is copied to another prefix on the server and removed.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $bucket = New-TestBucket roundtrip
    $env:GCSMEDIA_STATE_DIR = Join-Path $TestDrive 'state'
    $site = New-Item -ItemType Directory (Join-Path $TestDrive 'site')
    $folders = 'docs', 'docs/drafts', 'img', 'img/2026 summer', 'data/ünïcödé', 'data/deep/er/still deeper'
    foreach ($folder in $folders) { $null = New-Item -ItemType Directory (Join-Path $site $folder) -Force }
    $seed = 1
    foreach ($folder in $folders) {
        foreach ($n in 1..50) {
            $null = New-TestFile (Join-Path $site "$folder/file $n.txt") (100 + 13 * $seed) $seed
            $seed++
        }
        $null = New-TestFile (Join-Path $site "$folder/same.bin") (2000 + $seed) $seed
        $seed++
    }
    $null = New-Item -ItemType File (Join-Path $site 'docs/empty.txt')
    $null = New-TestFile (Join-Path $site 'data/big.bin') 40MB 4040

    function Get-Tree([string] $Root) {
        $rootPath = (Resolve-Path $Root).Path
        Get-ChildItem $rootPath -File -Recurse | ForEach-Object {
            [pscustomobject]@{ Path = [System.IO.Path]::GetRelativePath($rootPath, $_.FullName).Replace('\', '/'); Hash = (Get-FileHash $_.FullName -Algorithm SHA256).Hash }
        } | Sort-Object Path
    }

    $local = @(Get-Tree $site)
    $uploaded = @(Send-GcsMedia -Path $site -Recurse -Uri "gs://$bucket/backup/" -ThrottleLimit 4 -ErrorVariable uploadErrors)
    $listed = @(Get-GcsObject "gs://$bucket/backup/" -Recurse)
    $restore = Join-Path $TestDrive 'restore'
    $downloaded = @(Receive-GcsMedia -Uri "gs://$bucket/backup/" -Recurse -Destination $restore -ThrottleLimit 4 -ErrorVariable downloadErrors)
}

AfterAll { Remove-Item Env:GCSMEDIA_STATE_DIR -ErrorAction SilentlyContinue }

Describe 'A folder of a few hundred files, up, listed, down, copied and removed' {
    It 'has a few hundred files to move, with the awkward names the issue lists' {
        $local.Count | Should -BeGreaterThan 300
        $local.Path | Should -Contain 'img/2026 summer/same.bin'
        $local.Path | Should -Contain 'data/ünïcödé/same.bin'
        $local.Path | Should -Contain 'docs/empty.txt'
        $local.Path | Should -Contain 'data/big.bin'
    }

    It 'uploads every file with -Recurse, one object per file, no errors' {
        $uploadErrors | Should -BeNullOrEmpty
        $uploaded.Count | Should -Be $local.Count
    }

    It 'lists every object below the prefix with its relative path and size' {
        $objects = @($listed | Where-Object { -not $_.IsPrefix })
        $objects.Count | Should -Be $local.Count
        ($objects.Name | ForEach-Object { $_.Substring('backup/'.Length) } | Sort-Object) | Should -Be ($local.Path | Sort-Object)
        ($objects | Where-Object Name -eq 'backup/data/big.bin').Size | Should -Be 40MB
        ($objects | Where-Object Name -eq 'backup/docs/empty.txt').Size | Should -Be 0
    }

    It 'comes back down with -Recurse identical: same relative paths, same SHA-256' {
        $downloadErrors | Should -BeNullOrEmpty
        $downloaded.Count | Should -Be $local.Count
        Compare-Object $local @(Get-Tree $restore) -Property Path, Hash | Should -BeNullOrEmpty
        @(Get-ChildItem $restore -Recurse -Filter '*.partial*').Count | Should -Be 0
    }

    It 'is copied to another prefix on the server, every object with the same crc32c' {
        $copies = @($listed | Where-Object { -not $_.IsPrefix } |
            Copy-GcsObject -Destination { "gs://$($_.Bucket)/copy/$($_.Name.Substring('backup/'.Length))" })
        $copies.Count | Should -Be $local.Count
        $copied = @(Get-GcsObject "gs://$bucket/copy/" -Recurse | Where-Object { -not $_.IsPrefix })
        $copied.Count | Should -Be $local.Count
        $byName = @{}
        foreach ($object in $listed) { $byName[$object.Name.Substring('backup/'.Length)] = $object.Crc32c }
        foreach ($object in $copied) { $object.Crc32c | Should -Be $byName[$object.Name.Substring('copy/'.Length)] }
    }

    It 'is removed, leaving nothing below either prefix' {
        Get-GcsObject "gs://$bucket/backup/" -Recurse | Remove-GcsObject -Force -ThrottleLimit 8
        Get-GcsObject "gs://$bucket/copy/" -Recurse | Remove-GcsObject -Force -ThrottleLimit 8
        @(Get-GcsObject "gs://$bucket/" -Recurse).Count | Should -Be 0
    }
}
