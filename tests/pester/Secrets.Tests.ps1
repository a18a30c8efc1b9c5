# Access tokens, encryption keys and resumable session URIs never reach any output stream or error record.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $bucket = New-TestBucket secrets
    $env:GCSMEDIA_STATE_DIR = Join-Path $TestDrive 'state'
    $token = 'ya29.SECRET-ACCESS-TOKEN-d41d8cd98f00b204'
    $keyBytes = [byte[]](1..32)
    $key = [Convert]::ToBase64String($keyBytes)
    $file = New-TestFile (Join-Path $TestDrive 'secret.bin') (600KB) 5

    function Get-AllText($Records) {
        ($Records | ForEach-Object {
                "$_"
                if ($_ -is [System.Management.Automation.ErrorRecord]) { $_.Exception.ToString(); $_.ErrorDetails.Message; "$($_.TargetObject)"; $_.ScriptStackTrace }
                elseif ($_ -is [System.Management.Automation.InformationalRecord]) { $_.Message }
                elseif ($_ -isnot [string]) { $_ | Format-List * -Force | Out-String }
            }) -join "`n"
    }
}

AfterAll { Remove-Item Env:GCSMEDIA_STATE_DIR -ErrorAction SilentlyContinue }

Describe 'Secrets' {
    It 'keeps -AccessToken and -EncryptionKey out of -Verbose/-Debug output of a successful upload and download' {
        $records = & {
            Send-GcsMedia -Path $file.FullName -Bucket $bucket -AccessToken $token -EncryptionKey $key -Resumable -ChunkSize 256KB -Verbose -Debug
            Receive-GcsMedia "gs://$bucket/secret.bin" -OutFile (Join-Path $TestDrive 'back.bin') -AccessToken $token -EncryptionKey $key -Verbose -Debug
        } *>&1
        $text = Get-AllText $records
        $text | Should -Match 'secret.bin'   # the capture worked
        $text | Should -Not -Match ([regex]::Escape($token))
        $text | Should -Not -Match ([regex]::Escape($key))
        $text | Should -Not -Match 'upload_id'
    }

    It 'keeps the session URI out of every stream of a resumable upload' {
        $records = Send-GcsMedia -Path $file.FullName -Bucket $bucket -ObjectName 'session.bin' -Resumable -ChunkSize 256KB -Verbose -Debug *>&1
        $text = Get-AllText $records
        $text | Should -Match 'state saved'
        $text | Should -Not -Match 'upload_id'
        $text | Should -Not -Match '/upload/storage/v1'
    }

    It 'keeps a -SessionUri out of the error record when the session does not exist' {
        $session = "$Emulator/upload/storage/v1/b/$bucket/o?uploadType=resumable&name=x&upload_id=SESSION-SECRET-7f3a"
        $records = Resume-GcsUpload -SessionUri $session -Path $file.FullName -Uri "gs://$bucket/x" -Verbose -Debug -ErrorVariable err -ErrorAction SilentlyContinue *>&1
        $err.Count | Should -BeGreaterThan 0
        $text = (Get-AllText $records) + (Get-AllText $err)
        $text | Should -Not -Match 'SESSION-SECRET-7f3a'
    }

    It 'keeps a malformed -SessionUri out of the error' {
        { Resume-GcsUpload -SessionUri 'not a url SECRET-XYZ' -Path $file.FullName -Uri "gs://$bucket/x" } | Should -Throw -ErrorId 'GcsMedia.InvalidArgument*'
        try { Resume-GcsUpload -SessionUri 'not a url SECRET-XYZ' -Path $file.FullName -Uri "gs://$bucket/x" } catch { $caught = $_ }
        (Get-AllText @($caught)) | Should -Not -Match 'SECRET-XYZ'
    }

    It 'keeps a wrong -EncryptionKey out of the error' {
        $short = [Convert]::ToBase64String([byte[]](1..16))
        try { Send-GcsMedia -Value x -Uri "gs://$bucket/k.txt" -EncryptionKey $short } catch { $caught = $_ }
        $caught.FullyQualifiedErrorId | Should -BeLike 'GcsMedia.InvalidArgument*'
        (Get-AllText @($caught)) | Should -Not -Match ([regex]::Escape($short))
    }

    It 'keeps the access token out of an authentication failure' {
        # Nothing listens on port 9: a refused connection is transient and would be retried for 600 s.
        $env:GCSMEDIA_MAX_RETRY_SECONDS = '2'
        $records = Receive-GcsMedia gs://b/o -OutFile (Join-Path $TestDrive 'no.bin') -AccessToken $token -Endpoint 'https://127.0.0.1:9' -Verbose -Debug -ErrorVariable err -ErrorAction SilentlyContinue *>&1
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GcsMedia.*'
        ((Get-AllText $records) + (Get-AllText $err)) | Should -Not -Match ([regex]::Escape($token))
    }

    AfterEach { Remove-Item Env:GCSMEDIA_MAX_RETRY_SECONDS -ErrorAction SilentlyContinue }
}
