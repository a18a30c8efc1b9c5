# -Debug never prompts or throws (tested in a -NonInteractive child pwsh, where a prompt would throw) and logs each
# request without secrets; -ChunkSize limits are stated truthfully; the help has no broken advice, links or types.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $bucket = New-TestBucket debug
    $repoRoot = Split-Path (Split-Path $PSScriptRoot -Parent) -Parent

    function Get-Terminating([scriptblock] $Script) {
        try { & $Script | Out-Null } catch { return $_ }
        throw 'Expected a terminating error, got none.'
    }
}

Describe '-Debug' {
    It 'never prompts or throws in pwsh -NonInteractive, and logs method, redacted URL, attempt and status' {
        Send-TestObject $bucket 'seed.bin' ([byte[]](1..200)) | Out-Null
        $retryId = New-RetryTest @{ 'storage.objects.get' = @('return-503') }
        $state = Join-Path $TestDrive 'state'
        $script = @"
`$ErrorActionPreference = 'Stop'
`$PSStyle.OutputRendering = 'PlainText'
`$env:GCSMEDIA_STATE_DIR = '$state'
Import-Module '$ModuleManifest'
Send-GcsMedia -Value 'hello' -Uri 'gs://$bucket/simple.txt' -Debug 5>&1 | ForEach-Object { "`$_" }
Send-GcsMedia -Value 'hello' -Uri 'gs://$bucket/resumable.txt' -Resumable -Debug 5>&1 | ForEach-Object { "`$_" }
Receive-GcsMedia 'gs://$bucket/seed.bin' -OutFile '$(Join-Path $TestDrive 'seed.bin')' -Headers @{ 'x-retry-test-id' = '$retryId' } -Debug 5>&1 3>&1 | ForEach-Object { "`$_" }
New-GcsMpu -Uri 'gs://$bucket/mpu.bin' -Debug 5>&1 | ForEach-Object { if (`$_ -is [System.Management.Automation.DebugRecord]) { "`$_" } else { `$_ | Stop-GcsMpu -Confirm:`$false -Debug 5>&1 | ForEach-Object { "`$_" } } }
'DONE'
"@
        $output = & (Get-PwshPath) -NoProfile -NonInteractive -Command $script 2>&1 | ForEach-Object { "$_" }
        $text = $output -join "`n"
        $LASTEXITCODE | Should -Be 0 -Because $text
        $output[-1] | Should -Be 'DONE' -Because $text
        $text | Should -Not -Match 'NullReference|NonInteractive mode|Continue with this operation'
        $text | Should -Match "HTTP #\d+ POST http://127\.0\.0\.1:\d+/upload/storage/v1/b/$bucket/o\?uploadType=media&name=simple\.txt\S* \(attempt 1\)"
        $text | Should -Match "HTTP #\d+ POST <new resumable upload session at http://127\.0\.0\.1:\d+> \(attempt 1\)"
        $text | Should -Match "HTTP #\d+ PUT <resumable upload session at http://127\.0\.0\.1:\d+> \(attempt 1\)"
        $text | Should -Not -Match 'uploadType=resumable'
        $text | Should -Match "HTTP #\d+ GET \S+/seed\.bin\?alt=media \(attempt 2\)"
        $text | Should -Match 'HTTP #\d+ 503 '
        $text | Should -Match 'A request failed and will be retried'
        $text | Should -Match 'HTTP #\d+ 200 OK after \d+ ms'
        $text | Should -Match 'uploadId=<redacted>'
        $text | Should -Not -Match 'upload_?id=(?!<redacted>)'
        $text | Should -Match 'Endpoint http://127\.0\.0\.1:\d+, credentials: none'
    }
}

Describe '-ChunkSize limits' {
    It 'Send-GcsMedia -ChunkSize <Size> is refused as too large, naming the real maximum' -ForEach @(
        @{ Size = '2GB' }, @{ Size = '3GB' }, @{ Size = '4GB' }
    ) {
        $e = Get-Terminating { Send-GcsMedia -Value x -Uri gs://b/x -Resumable -ChunkSize $Size -Endpoint http://127.0.0.1:9 }
        $e.FullyQualifiedErrorId | Should -BeLike 'GcsMedia.InvalidArgument,*'
        "$e" | Should -Match 'too large'
        "$e" | Should -Match '2147221504'
        "$e" | Should -Not -Match 'not a multiple'
    }

    It 'accepts the real maximum, 2GB - 256KB' {
        { Send-GcsMedia -Value x -Uri gs://b/x -Resumable -ChunkSize (2GB - 256KB) -Endpoint http://127.0.0.1:9 -WhatIf } | Should -Not -Throw
    }

    It 'Resume-GcsUpload -ChunkSize 3GB is refused as too large' {
        $file = New-TestFile (Join-Path $TestDrive 'r.bin') 10 1
        "$(Get-Terminating { Resume-GcsUpload -SessionUri 'http://127.0.0.1:9/s?upload_id=x' -Path $file.FullName -Uri gs://b/o -ChunkSize 3GB -Endpoint http://127.0.0.1:9 })" | Should -Match 'too large.*2147221504'
    }

    It 'Receive-GcsMedia -ChunkSize 2GB names the download maximum, 2147483647' {
        "$(Get-Terminating { Receive-GcsMedia gs://b/o -OutFile (Join-Path $TestDrive 'x.bin') -ChunkSize 2GB -Endpoint http://127.0.0.1:9 })" | Should -Match '2147483647'
    }

    It 'the help states both maximums' {
        (Get-Help Send-GcsMedia -Parameter ChunkSize | Out-String) | Should -Match '2147221504'
        (Get-Help Receive-GcsMedia -Parameter ChunkSize | Out-String) | Should -Match '2147483647'
    }
}

Describe 'Help' {
    It 'syntax shows Int64, not Nullable`1[Int64] (<Name>)' -ForEach @(
        @{ Name = 'Receive-GcsMedia' }, @{ Name = 'Send-GcsMedia' }, @{ Name = 'Add-GcsMpuPart' }
    ) {
        $syntax = (Get-Help $Name).syntax | Out-String -Width 1000
        $syntax | Should -Not -Match 'Nullable'
        (Get-Help $Name -Full | Out-String -Width 1000) | Should -Not -Match 'Nullable'
    }

    It 'has no words broken at a line-end hyphen ("ConvertFrom- Json")' {
        foreach ($name in (Get-Command -Module GcsMedia -CommandType Cmdlet).Name) {
            $text = Get-Help $name -Full | Out-String -Width 2000
            $text | Should -Not -Match '\b(ConvertFrom|ConvertTo|user)- [A-Za-z]' -Because $name
        }
        (Get-Help Get-GcsMpu -Full | Out-String -Width 2000) | Should -Match 'ConvertTo-Json/ConvertFrom-Json'
    }

    It 'has no -Online link that cannot be opened: every related link is a web address or none' {
        $maml = [xml](Get-Content (Join-Path $env:GCSMEDIA_MODULE_PATH 'en-US/GcsMedia.Cmdlets.dll-Help.xml') -Raw)
        $uris = @($maml.GetElementsByTagName('uri', 'http://schemas.microsoft.com/maml/2004/10') | ForEach-Object InnerText)
        $uris.Count | Should -BeGreaterThan 0
        foreach ($uri in $uris) { $uri | Should -Match '^(https?://\S+)?$' }
        $e = try { Get-Help Send-GcsMedia -Online } catch { $_ }
        "$e" | Should -Not -Match 'about_GcsMedia\.md'
    }

    It 'Send-GcsMedia example 6 gives advice that GcsMedia (or gcloud) can follow' {
        $remarks = ((Get-Help Send-GcsMedia -Full).examples.example | Where-Object title -Match 'pg_dump' | ForEach-Object { $_.remarks.Text }) -join ' '
        $remarks | Should -Match '-Force'
        $remarks | Should -Not -Match 'rename'
    }

    It 'README and about_GcsMedia show how to create a bucket on the emulator' {
        $about = Get-Help about_GcsMedia | Out-String
        $readme = Get-Content (Join-Path $repoRoot 'README.md') -Raw
        foreach ($text in $about, $readme) {
            $text | Should -Match 'Invoke-RestMethod -Method Post "\$env:STORAGE_EMULATOR_HOST/storage/v1/b\?project=test"'
            $text | Should -Match '--bucket NAME'
        }
    }

    It 'README and about_GcsMedia state the credentials rule as a table' {
        $about = Get-Help about_GcsMedia | Out-String
        $readme = Get-Content (Join-Path $repoRoot 'README.md') -Raw
        $readme | Should -Match '\| `http://` anywhere else \| `-AccessToken` or `-KeyFile` \| nothing: `GcsMedia.InsecureCredentials`'
        $about | Should -Match 'http:// anywhere else\s+-AccessToken or -KeyFile\s+nothing: GcsMedia.InsecureCredentials'
        $about | Should -Match '-Anonymous'
    }
}
