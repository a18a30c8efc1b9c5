# Errors that name the fix: a missing bucket and a missing object are told apart (the server says which), each has a
# stable id and category, names the gs:// URI once, and gives advice that fits the operation.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $bucket = New-TestBucket errors
    $env:GCSMEDIA_STATE_DIR = Join-Path $TestDrive 'state'
    $file = New-TestFile (Join-Path $TestDrive 'in.bin') 1000 1
    $noBucket = 'no-such-bucket-' + [guid]::NewGuid().ToString('N').Substring(0, 8)

    function Get-FirstError([scriptblock] $Script) {
        $ErrorActionPreference = 'Stop'
        try { & $Script | Out-Null } catch { return $_ }
        throw 'Expected an error, got none.'
    }

    function Get-Count([string] $Text, [string] $Part) { [regex]::Matches($Text, [regex]::Escape($Part)).Count }
}

AfterAll { Remove-Item Env:GCSMEDIA_STATE_DIR -ErrorAction SilentlyContinue }

Describe 'Not-found errors' {
    It 'a missing bucket is GcsMedia.BucketNotFound for <Case>, naming the URI once, with no session advice' -ForEach @(
        @{ Case = 'a simple upload'; Session = $false; Script = { Send-GcsMedia -Value x -Uri "gs://$noBucket/a.txt" } }
        @{ Case = 'a multipart upload'; Session = $false; Script = { Send-GcsMedia -Value x -Uri "gs://$noBucket/a.txt" -ContentType text/plain } }
        @{ Case = 'a resumable upload'; Session = $true; Script = { Send-GcsMedia -Path $file.FullName -Uri "gs://$noBucket/a.txt" -Resumable } }
        @{ Case = 'a download'; Session = $false; Script = { Receive-GcsMedia "gs://$noBucket/a.txt" -OutFile (Join-Path $TestDrive 'a.txt') } }
        @{ Case = 'a sliced download'; Session = $false; Script = { Receive-GcsMedia "gs://$noBucket/a.txt" -OutFile (Join-Path $TestDrive 'a.txt') -ThrottleLimit 4 } }
        @{ Case = 'New-GcsMpu'; Session = $false; Script = { New-GcsMpu -Uri "gs://$noBucket/a.txt" } }
    ) {
        $e = Get-FirstError $Script
        $e.FullyQualifiedErrorId | Should -BeLike 'GcsMedia.BucketNotFound,*'
        $e.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $e.TargetObject | Should -Be "gs://$noBucket/a.txt"
        Get-Count "$e" "gs://$noBucket/a.txt" | Should -Be 1
        "$e" | Should -Match 'bucket'
        "$e" | Should -Not -Match 'session|resumable'
    }

    It 'a missing object is GcsMedia.ObjectNotFound for <Case>, naming the URI once, with download advice only' -ForEach @(
        @{ Case = 'a whole download'; Script = { Receive-GcsMedia "gs://$bucket/missing.bin" -OutFile (Join-Path $TestDrive 'm.bin') } }
        @{ Case = 'a chunked download'; Script = { Receive-GcsMedia "gs://$bucket/missing.bin" -OutFile (Join-Path $TestDrive 'm.bin') -ChunkSize 1MB } }
        @{ Case = 'a sliced download'; Script = { Receive-GcsMedia "gs://$bucket/missing.bin" -OutFile (Join-Path $TestDrive 'm.bin') -ThrottleLimit 4 } }
    ) {
        $e = Get-FirstError $Script
        $e.FullyQualifiedErrorId | Should -BeLike 'GcsMedia.ObjectNotFound,*'
        $e.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        Get-Count "$e" "gs://$bucket/missing.bin" | Should -Be 1
        "$e" | Should -Match 'object name'
        "$e" | Should -Not -Match 'session|resumable|upload|bucket name'
    }

    It 'an expired resumable session is GcsMedia.SessionNotFound with advice to start again' {
        $session = "$($env:STORAGE_EMULATOR_HOST)/upload/storage/v1/b/$bucket/o?uploadType=resumable&upload_id=expired-$([guid]::NewGuid().ToString('N'))"
        $e = Get-FirstError { Resume-GcsUpload -SessionUri $session -Path $file.FullName -Uri "gs://$bucket/s.bin" }
        $e.FullyQualifiedErrorId | Should -BeLike 'GcsMedia.SessionNotFound,*'
        "$e" | Should -Match 'Send-GcsMedia -Resumable'
        "$e" | Should -Not -Match 'expired-'
        Get-Count "$e" "gs://$bucket/s.bin" | Should -Be 1
    }

    It 'an MPU that no longer exists is GcsMedia.UploadNotFound, without its upload id in the message' {
        $e = Get-FirstError { Stop-GcsMpu -Uri "gs://$bucket/u.bin" -UploadId 'gone-upload-0123' -Confirm:$false }
        $e.FullyQualifiedErrorId | Should -BeLike 'GcsMedia.UploadNotFound,*'
        "$e" | Should -Match 'Get-GcsMpu'
        "$e" | Should -Not -Match 'gone-upload-0123'
    }
}
