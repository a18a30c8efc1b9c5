# Folder transfers (issue 10): Send-GcsMedia -Recurse keeps the tree, Receive-GcsMedia -Recurse restores it, and an
# object name that would land outside the destination writes nothing there.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $bucket = New-TestBucket folders
    $env:GCSMEDIA_STATE_DIR = Join-Path $TestDrive 'state'
    $site = New-Item -ItemType Directory (Join-Path $TestDrive 'site')
    foreach ($dir in 'a', 'b', 'b/deep/er', 'with space', 'naïve-ünï', 'empty') { $null = New-Item -ItemType Directory (Join-Path $site $dir) -Force }
    $seed = 1
    foreach ($file in 'top.txt', 'a/same.txt', 'b/same.txt', 'b/deep/er/leaf.bin', 'with space/file name.json', 'naïve-ünï/ëlan.html', 'a/skip.tmp') {
        $null = New-TestFile (Join-Path $site $file) (1000 + 97 * $seed) $seed
        $seed++
    }
    $null = New-Item -ItemType File (Join-Path $site 'a/zero.bin')
    $null = New-TestFile (Join-Path $site 'b/big.bin') 9MB 42

    # Relative path (with /) and crc32c of every file below a folder, for Compare-Object.
    function Get-Tree([string] $Root) {
        $rootPath = (Resolve-Path $Root).Path
        Get-ChildItem $rootPath -File -Recurse | ForEach-Object {
            [pscustomobject]@{ Path = [System.IO.Path]::GetRelativePath($rootPath, $_.FullName).Replace('\', '/'); Crc = Get-TestCrc32c $_.FullName }
        } | Sort-Object Path
    }
}

AfterAll { Remove-Item Env:GCSMEDIA_STATE_DIR -ErrorAction SilentlyContinue }

Describe 'Send-GcsMedia -Recurse' {
    It 'uploads every file below the folder as prefix + relative path, one output object per file (<Case>)' -ForEach @(
        @{ Case = '-Uri gs://b/backup/'; Prefix = 'backup/'; Target = @{ Uri = 'gs://{0}/backup/' } }
        @{ Case = '-Bucket b -ObjectName copy/'; Prefix = 'copy/'; Target = @{ ObjectName = 'copy/' } }
    ) {
        $where = @{}
        foreach ($key in $Target.Keys) { $where[$key] = $Target[$key] -f $bucket }
        if (-not $where.Uri) { $where.Bucket = $bucket }
        $results = @(Send-GcsMedia -Path $site.FullName -Recurse @where -ThrottleLimit 3)
        $tree = Get-Tree $site
        $results.Count | Should -Be $tree.Count
        foreach ($file in $tree) {
            $object = $results | Where-Object Name -eq "$Prefix$($file.Path)"
            $object | Should -Not -BeNullOrEmpty -Because "$($file.Path) must be uploaded"
            $object.Crc32c | Should -Be $file.Crc
            (Get-TestObject $bucket "$Prefix$($file.Path)").crc32c | Should -Be $file.Crc
        }
        ($results | Where-Object Name -eq "$($Prefix)b/big.bin").UploadType | Should -Be 'Resumable' -Because 'large files go resumably'
        Get-TestObject $bucket "$($Prefix)empty/" | Should -BeNullOrEmpty -Because 'empty folders are not uploaded'
    }

    It 'takes -Include and -Exclude wildcards (file name, or relative path with /)' {
        $results = @(Send-GcsMedia -Path $site.FullName -Recurse -Uri "gs://$bucket/filtered/" -Include '*.txt', 'b/deep/*' -Exclude 'skip*')
        ($results.Name | Sort-Object) | Should -Be @('filtered/a/same.txt', 'filtered/b/deep/er/leaf.bin', 'filtered/b/same.txt', 'filtered/top.txt')
    }

    It 'reports an existing object as a per-file error without -Force, uploads the rest, and warns with a summary' {
        Send-TestObject $bucket 'partly/top.txt' ([byte[]](1, 2, 3)) | Out-Null
        $results = @(Send-GcsMedia -Path $site.FullName -Recurse -Uri "gs://$bucket/partly/" -ErrorVariable err -ErrorAction SilentlyContinue -WarningVariable warn -WarningAction SilentlyContinue)
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GcsMedia.PreconditionFailed,*'
        $err[0].TargetObject | Should -Be "gs://$bucket/partly/top.txt"
        $results.Count | Should -Be ((Get-Tree $site).Count - 1)
        ($warn -join ' ') | Should -Match '1 of \d+ file'
        (Get-TestObject $bucket 'partly/top.txt').size | Should -Be '3'
    }

    It 'skips what already arrived with -SkipUnchanged: nothing is resent' {
        $before = @{}
        foreach ($file in Get-Tree $site) { $before[$file.Path] = (Get-TestObject $bucket "backup/$($file.Path)").generation }
        $results = @(Send-GcsMedia -Path $site.FullName -Recurse -Uri "gs://$bucket/backup/" -SkipUnchanged -ErrorVariable err -ErrorAction SilentlyContinue)
        $err | Should -BeNullOrEmpty
        $results.Count | Should -Be 0
        foreach ($file in Get-Tree $site) { (Get-TestObject $bucket "backup/$($file.Path)").generation | Should -Be $before[$file.Path] }
    }

    It 'refuses two sources for one name (two folders with a same.txt each) before any upload' {
        { Send-GcsMedia -Path (Join-Path $site 'a'), (Join-Path $site 'b') -Recurse -Uri "gs://$bucket/clash/" -ErrorAction Stop } | Should -Throw -ErrorId 'GcsMedia.DuplicateObjectName,*'
        Get-TestObject $bucket 'clash/zero.bin' | Should -BeNullOrEmpty
    }

    It 'writes one parent progress record with a child per active file, all completed' {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$ModuleManifest'; `$ProgressPreference = 'Continue'; Send-GcsMedia -Path '$($site.FullName)' -Recurse -Uri 'gs://$bucket/progress/' -ThrottleLimit 2")
            $output = $ps.Invoke()
            $ps.Streams.Error | Should -BeNullOrEmpty
            $output.Count | Should -Be (Get-Tree $site).Count
            $records = @($ps.Streams.Progress)
            $parentIds = @($records | Where-Object { $_.ParentActivityId -lt 0 } | ForEach-Object ActivityId | Sort-Object -Unique)
            $parentIds.Count | Should -Be 1
            @($records | Where-Object { $_.ActivityId -eq $parentIds[0] -and $_.RecordType -ne 'Completed' })[-1].StatusDescription | Should -Match 'of \d+ files'
            @($records | Where-Object ParentActivityId -eq $parentIds[0] | ForEach-Object ActivityId | Sort-Object -Unique).Count | Should -BeGreaterThan 1
            foreach ($id in ($records.ActivityId | Sort-Object -Unique)) {
                @($records | Where-Object { $_.ActivityId -eq $id -and $_.RecordType -eq 'Completed' }).Count | Should -BeGreaterThan 0 -Because "activity $id must be completed"
            }
        }
        finally { $ps.Dispose() }
    }
}

Describe 'Receive-GcsMedia -Recurse' {
    It 'restores the tree below the prefix, identical (paths and crc32c)' {
        $restore = Join-Path $TestDrive 'restore'
        $results = @(Receive-GcsMedia -Uri "gs://$bucket/backup/" -Recurse -Destination $restore -ThrottleLimit 3)
        $results.Count | Should -Be (Get-Tree $site).Count
        Compare-Object (Get-Tree $site) (Get-Tree $restore) -Property Path, Crc | Should -BeNullOrEmpty
        @(Get-ChildItem $restore -Recurse -Filter '*.partial*').Count | Should -Be 0
    }

    It 'reports existing files per object without -Force, and skips unchanged ones with -SkipUnchanged' {
        $restore = Join-Path $TestDrive 'restore'
        Receive-GcsMedia -Uri "gs://$bucket/backup/" -Recurse -Destination $restore -ErrorVariable err -ErrorAction SilentlyContinue -WarningAction SilentlyContinue | Out-Null
        $err.Count | Should -Be (Get-Tree $site).Count
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GcsMedia.FileExists,*'
        $skipped = @(Receive-GcsMedia -Uri "gs://$bucket/backup/" -Recurse -Destination $restore -SkipUnchanged -ErrorVariable err2 -ErrorAction SilentlyContinue)
        $err2 | Should -BeNullOrEmpty
        $skipped.Count | Should -Be 0
    }

    It 'makes folders of names ending in / and refuses names that would land outside the destination' {
        $base = "$Emulator/upload/storage/v1/b/$bucket/o?uploadType=media&name="
        foreach ($name in 'trav/ok.txt', 'trav/../evil.txt', 'trav//abs.txt', 'trav/C:/drive.txt', 'trav/back\slash.txt', "trav/nul`0.txt", 'trav/sub/', 'trav/sub/in.txt') {
            Invoke-RestMethod -Method Post ($base + [uri]::EscapeDataString($name)) -Body ([byte[]](7, 7, 7)) -ContentType application/octet-stream | Out-Null
        }
        $outer = New-Item -ItemType Directory (Join-Path $TestDrive 'outer')
        $dest = Join-Path $outer 'dest'
        $results = @(Receive-GcsMedia -Uri "gs://$bucket/trav/" -Recurse -Destination $dest -ErrorVariable err -ErrorAction SilentlyContinue -WarningAction SilentlyContinue)
        ($results.Path | ForEach-Object { [System.IO.Path]::GetRelativePath($dest, $_).Replace('\', '/') } | Sort-Object) | Should -Be @('ok.txt', 'sub/in.txt')
        $err.Count | Should -Be 5
        $err | ForEach-Object { $_.FullyQualifiedErrorId | Should -BeLike 'GcsMedia.UnsafeObjectName,*' }
        Test-Path (Join-Path $dest 'sub') -PathType Container | Should -BeTrue
        @(Get-ChildItem $outer -Recurse -File | Where-Object { -not $_.FullName.StartsWith($dest + [IO.Path]::DirectorySeparatorChar) }).Count | Should -Be 0
        Test-Path (Join-Path $TestDrive 'evil.txt') | Should -BeFalse
        Test-Path (Join-Path $outer 'evil.txt') | Should -BeFalse
    }

    It 'refuses names that collide on a case-insensitive file system instead of overwriting' {
        foreach ($name in 'case/Report.txt', 'case/report.txt', 'case/fine.txt') { Send-TestObject $bucket $name ([byte[]](1, 2)) | Out-Null }
        $dest = Join-Path $TestDrive 'case'
        $results = @(Receive-GcsMedia -Uri "gs://$bucket/case/" -Recurse -Destination $dest -ErrorVariable err -ErrorAction SilentlyContinue -WarningAction SilentlyContinue)
        $results.Count | Should -Be 1
        $err.Count | Should -Be 2
        $err | ForEach-Object { $_.FullyQualifiedErrorId | Should -BeLike 'GcsMedia.DuplicateTarget,*' }
        @(Get-ChildItem $dest -File).Name | Should -Be @('fine.txt')
    }
}
