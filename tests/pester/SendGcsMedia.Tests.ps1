# Send-GcsMedia end to end against the emulator.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $bucket = New-TestBucket send
    $env:GCSMEDIA_STATE_DIR = Join-Path $TestDrive 'state'
    $folder = New-Item -ItemType Directory (Join-Path $TestDrive 'files')
    $files = 1..3 | ForEach-Object { New-TestFile (Join-Path $folder "part$_.bin") (300KB + $_) $_ }
}

AfterAll { Remove-Item Env:GCSMEDIA_STATE_DIR -ErrorAction SilentlyContinue }

Describe 'Send-GcsMedia' {
    It 'uploads every file piped from Get-ChildItem, named after the file, with matching crc32c' {
        $results = Get-ChildItem (Join-Path $folder '*.bin') | Send-GcsMedia -Bucket $bucket
        $results.Count | Should -Be 3
        foreach ($file in $files) {
            $result = $results | Where-Object Name -eq $file.Name
            $result.GetType().FullName | Should -Be 'GcsMedia.Cmdlets.GcsObject'
            $result.Bucket | Should -Be $bucket
            $result.Size | Should -Be $file.Length
            $result.UploadType | Should -Be 'Simple'
            $result.Uri | Should -Be "gs://$bucket/$($file.Name)"
            $result.SourcePath | Should -Be $file.FullName
            $local = Get-TestCrc32c $file.FullName
            $result.Crc32c | Should -Be $local
            (Get-TestObject $bucket $file.Name).crc32c | Should -Be $local
        }
    }

    It 'uploads by -Path with -ObjectName, and by -Uri' {
        (Send-GcsMedia -Path $files[0].FullName -Bucket $bucket -ObjectName 'named/one.bin').Name | Should -Be 'named/one.bin'
        (Send-GcsMedia $files[0].FullName -Uri "gs://$bucket/by-uri.bin").Name | Should -Be 'by-uri.bin'
        (Get-TestObject $bucket 'named/one.bin').size | Should -Be "$($files[0].Length)"
    }

    It 'uses an -ObjectName ending in / as a prefix for each file, with -LiteralPath' {
        $result = Send-GcsMedia -LiteralPath $files[1].FullName -Bucket $bucket -ObjectName 'prefix/'
        $result.Name | Should -Be "prefix/$($files[1].Name)"
    }

    It 'resolves wildcards in -Path' {
        $results = Send-GcsMedia -Path (Join-Path $folder 'part*.bin') -Bucket $bucket -ObjectName 'wild/'
        ($results.Name | Sort-Object) | Should -Be @('wild/part1.bin', 'wild/part2.bin', 'wild/part3.bin')
    }

    It 'uploads -Value as UTF-8 text' {
        $result = Send-GcsMedia -Value 'héllo wörld' -Uri "gs://$bucket/text.txt"
        $result.ContentType | Should -Be 'text/plain; charset=utf-8'
        $out = Join-Path $TestDrive 'text.txt'
        Receive-GcsMedia "gs://$bucket/text.txt" -OutFile $out | Out-Null
        [Convert]::ToBase64String([System.IO.File]::ReadAllBytes($out)) | Should -Be ([Convert]::ToBase64String([System.Text.UTF8Encoding]::new($false).GetBytes('héllo wörld')))
    }

    It 'uploads -InputObject bytes' {
        $bytes = [byte[]](0..255)
        $result = Send-GcsMedia -InputObject $bytes -Bucket $bucket -ObjectName 'bytes.bin'
        $result.Size | Should -Be 256
        $result.Crc32c | Should -Be ([GcsMediaTests.Crc32c]::Base64($bytes))
    }

    It 'sends a multipart upload with -Metadata, -ContentType, -ContentEncoding and -CacheControl' {
        $result = Send-GcsMedia -Path $files[2].FullName -Bucket $bucket -ObjectName 'meta.bin' -Metadata @{ owner = 'pester'; n = 5 } -ContentType 'application/x-test' -CacheControl 'no-cache'
        $result.UploadType | Should -Be 'Multipart'
        $result.ContentType | Should -Be 'application/x-test'
        $result.Metadata['owner'] | Should -Be 'pester'
        $json = Get-TestObject $bucket 'meta.bin'
        $json.metadata.owner | Should -Be 'pester'
        $json.metadata.n | Should -Be '5'
        $json.contentType | Should -Be 'application/x-test'
        $json.cacheControl | Should -Be 'no-cache'
        $json.crc32c | Should -Be (Get-TestCrc32c $files[2].FullName)
    }

    It 'uploads with -Checksum Md5 and reports the md5Hash' {
        $result = Send-GcsMedia -Path $files[0].FullName -Bucket $bucket -ObjectName 'md5.bin' -ContentType 'application/octet-stream' -Checksum Md5
        $md5 = [Convert]::ToBase64String([System.Security.Cryptography.MD5]::HashData([System.IO.File]::ReadAllBytes($files[0].FullName)))
        $result.Md5Hash | Should -Be $md5
    }

    It 'uploads resumably with -ChunkSize 256KB and leaves no state file' {
        $big = New-TestFile (Join-Path $TestDrive 'resumable.bin') (1MB + 5) 9
        $result = Send-GcsMedia -Path $big.FullName -Bucket $bucket -Resumable -ChunkSize 256KB
        $result.UploadType | Should -Be 'Resumable'
        $result.Size | Should -Be $big.Length
        $result.Crc32c | Should -Be (Get-TestCrc32c $big.FullName)
        @(Get-ChildItem $env:GCSMEDIA_STATE_DIR -Filter *.json -ErrorAction SilentlyContinue).Count | Should -Be 0
    }

    It 'uploads -Value resumably (in process)' {
        (Send-GcsMedia -Value 'small resumable' -Uri "gs://$bucket/resumable.txt" -Resumable).Size | Should -Be 15
    }

    It 'sends nothing with -WhatIf' {
        Send-GcsMedia -Path $files[0].FullName -Bucket $bucket -ObjectName 'whatif.bin' -WhatIf | Should -BeNullOrEmpty
        Send-GcsMedia -Path $files[0].FullName -Bucket $bucket -ObjectName 'whatif-resumable.bin' -Resumable -WhatIf | Should -BeNullOrEmpty
        Send-GcsMedia -Value 'x' -Uri "gs://$bucket/whatif.txt" -WhatIf | Should -BeNullOrEmpty
        Get-TestObject $bucket 'whatif.bin' | Should -BeNullOrEmpty
        Get-TestObject $bucket 'whatif-resumable.bin' | Should -BeNullOrEmpty
        Get-TestObject $bucket 'whatif.txt' | Should -BeNullOrEmpty
    }

    It 'refuses to overwrite an existing object without -Force (every upload type), and overwrites with it' {
        $first = Send-GcsMedia -Value 'first' -Uri "gs://$bucket/exists.txt"
        foreach ($extra in @(@{}, @{ ContentType = 'text/plain' }, @{ Resumable = $true })) {
            Send-GcsMedia -Value 'second' -Uri "gs://$bucket/exists.txt" @extra -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -BeLike 'GcsMedia.PreconditionFailed,*'
            $err[0].CategoryInfo.Category | Should -Be 'ResourceExists'
            $err[0].TargetObject | Should -Be "gs://$bucket/exists.txt"
            $err[0].ToString() | Should -Match '-Force'
        }
        (Get-TestObject $bucket 'exists.txt').generation | Should -Be "$($first.Generation)"
        $second = Send-GcsMedia -Value 'second' -Uri "gs://$bucket/exists.txt" -Force
        $second.Generation | Should -Not -Be $first.Generation
        $second.Size | Should -Be 6
    }

    It 'writes a non-terminating error per failing file and uploads the others' {
        $name = 'pipeline-' + [guid]::NewGuid().ToString('N').Substring(0, 6) + '/'
        Send-GcsMedia -Path $files[0].FullName -Bucket $bucket -ObjectName $name | Out-Null   # exists already → that one fails
        $results = $files | Send-GcsMedia -Bucket $bucket -ObjectName $name -ErrorVariable err -ErrorAction SilentlyContinue
        @($results).Count | Should -Be 2
        @($err).Count | Should -Be 1
        $err[0].TargetObject | Should -Be "gs://$bucket/$name$($files[0].Name)"
    }

    It 'reports a directory in the pipeline as a non-terminating error' {
        $sub = New-Item -ItemType Directory (Join-Path $TestDrive 'mixed/sub') -Force
        $file = New-TestFile (Join-Path $TestDrive 'mixed/file.bin') 1000 3
        $results = Get-ChildItem (Join-Path $TestDrive 'mixed') | Send-GcsMedia -Bucket $bucket -ObjectName 'mixed/' -ErrorVariable err -ErrorAction SilentlyContinue
        @($results).Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GcsMedia.IsDirectory,*'
    }
}
