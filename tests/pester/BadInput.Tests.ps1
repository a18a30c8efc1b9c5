# Bad input is refused with a terminating error naming the parameter, before any request. The endpoint below has
# nothing listening: had a request been sent, the error would be GcsMedia.ConnectionFailed, not the one asserted.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $dead = 'http://127.0.0.1:9'
    $file = New-TestFile (Join-Path $TestDrive 'in.bin') 1000 1
    $env:GCSMEDIA_STATE_DIR = Join-Path $TestDrive 'state'

    function Get-Terminating([scriptblock] $Script) {
        try { & $Script | Out-Null } catch { return $_ }
        throw 'Expected a terminating error, got none.'
    }
}

AfterAll { Remove-Item Env:GCSMEDIA_STATE_DIR -ErrorAction SilentlyContinue }

Describe 'Bad input' {
    It 'refuses a chunk size that is not a multiple of 256 KiB (<Case>)' -ForEach @(
        @{ Case = 'Send 100KB'; Script = { Send-GcsMedia -Path $file.FullName -Bucket b -Resumable -ChunkSize 100KB -Endpoint $dead } }
        @{ Case = 'Send "300KB"'; Script = { Send-GcsMedia -Path $file.FullName -Bucket b -Resumable -ChunkSize '300KB' -Endpoint $dead } }
        @{ Case = 'Resume 1000'; Script = { Resume-GcsUpload -SessionUri 'http://127.0.0.1:9/s' -Path $file.FullName -Uri gs://b/o -ChunkSize 1000 -Endpoint $dead } }
    ) {
        $e = Get-Terminating $Script
        $e.FullyQualifiedErrorId | Should -BeLike 'GcsMedia.InvalidArgument,*'
        $e.CategoryInfo.Category | Should -Be 'InvalidArgument'
        "$e" | Should -Match '-ChunkSize'
        "$e" | Should -Match '256 KiB'
    }

    It 'accepts 16MB-style sizes: 16MB, "16MB", "256KB", "1GB" and plain numbers' {
        $command = Get-Command Send-GcsMedia
        $attribute = $command.Parameters['ChunkSize'].Attributes | Where-Object { $_ -is [System.Management.Automation.ArgumentTransformationAttribute] }
        foreach ($case in @(@(16MB, 16MB), @('16MB', 16MB), @('256KB', 256KB), @('1GB', 1GB), @(524288, 512KB), @('1048576', 1MB))) {
            $attribute.Transform($ExecutionContext, $case[0]) | Should -Be $case[1]
        }
        { $attribute.Transform($ExecutionContext, '12 parsecs') } | Should -Throw
    }

    It 'refuses -End before -Start' {
        $e = Get-Terminating { Receive-GcsMedia gs://b/o -OutFile (Join-Path $TestDrive 'r.bin') -Start 100 -End 10 -Endpoint $dead }
        $e.FullyQualifiedErrorId | Should -BeLike 'GcsMedia.InvalidArgument,*'
        "$e" | Should -Match '-End'
    }

    It 'refuses a negative -Start with -End, and with -ChunkSize' {
        (Get-Terminating { Receive-GcsMedia gs://b/o -OutFile (Join-Path $TestDrive 'r.bin') -Start -10 -End 5 -Endpoint $dead }).FullyQualifiedErrorId | Should -BeLike 'GcsMedia.InvalidArgument,*'
        (Get-Terminating { Receive-GcsMedia gs://b/o -OutFile (Join-Path $TestDrive 'r.bin') -Start -10 -ChunkSize 1MB -Endpoint $dead }).FullyQualifiedErrorId | Should -BeLike 'GcsMedia.InvalidArgument,*'
    }

    It 'refuses a missing file (<Case>)' -ForEach @(
        @{ Case = 'Send -Path'; Script = { Send-GcsMedia -Path (Join-Path $TestDrive 'missing.bin') -Bucket b -Endpoint $dead } }
        @{ Case = 'Send -LiteralPath'; Script = { Send-GcsMedia -LiteralPath (Join-Path $TestDrive 'missing[1].bin') -Bucket b -Endpoint $dead } }
        @{ Case = 'Resume -Path'; Script = { Resume-GcsUpload -Path (Join-Path $TestDrive 'missing.bin') -Endpoint $dead } }
        @{ Case = 'Resume -StatePath'; Script = { Resume-GcsUpload -StatePath (Join-Path $TestDrive 'missing.json') -Endpoint $dead } }
    ) {
        $e = Get-Terminating $Script
        $e.FullyQualifiedErrorId | Should -BeLike 'GcsMedia.FileNotFound,*'
        $e.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        "$e" | Should -Match 'missing'
    }

    It 'refuses a folder as -OutFile for an object name that has no last segment (ends in /)' {
        $e = Get-Terminating { Receive-GcsMedia gs://b/dir/ -OutFile $TestDrive -Endpoint $dead }
        $e.FullyQualifiedErrorId | Should -BeLike 'GcsMedia.InvalidArgument,*'
        "$e" | Should -Match '-OutFile'
        "$e" | Should -Match 'folder'
    }

    It 'refuses an -OutFile in a folder that does not exist' {
        (Get-Terminating { Receive-GcsMedia gs://b/o -OutFile (Join-Path $TestDrive 'no/such/dir/o.bin') -Endpoint $dead }).FullyQualifiedErrorId | Should -BeLike 'GcsMedia.InvalidArgument,*'
    }

    It 'refuses a malformed gs:// URI (<Value>)' -ForEach @(
        @{ Value = 'gs://bucket-only' }
        @{ Value = 'gs://bucket/' }
        @{ Value = 'http://example.com/b/o' }
        @{ Value = 'bucket/object' }
        @{ Value = 'gs:///object' }
    ) {
        $e = Get-Terminating { Receive-GcsMedia $Value -OutFile (Join-Path $TestDrive 'u.bin') -Endpoint $dead }
        $e.FullyQualifiedErrorId | Should -BeLike 'GcsMedia.InvalidArgument,*'
        "$e" | Should -Match 'gs://bucket/object'
        if ($Value -ne 'gs://bucket/') {
            # Send-GcsMedia takes gs://bucket/ as the top of the bucket, a prefix (SendReceiveNames.Tests.ps1).
            $e2 = Get-Terminating { Send-GcsMedia -Path $file.FullName -Uri $Value -Endpoint $dead }
            $e2.FullyQualifiedErrorId | Should -BeLike 'GcsMedia.InvalidArgument,*'
        }
        $e3 = Get-Terminating { Resume-GcsUpload -Path $file.FullName -Uri $Value -SessionUri 'http://127.0.0.1:9/s' -Endpoint $dead }
        $e3.FullyQualifiedErrorId | Should -BeLike 'GcsMedia.InvalidArgument,*'
    }

    It 'refuses a -Bucket that is a gs:// URI' {
        (Get-Terminating { Send-GcsMedia -Path $file.FullName -Bucket 'gs://b' -Endpoint $dead }).FullyQualifiedErrorId | Should -BeLike 'GcsMedia.InvalidArgument,*'
    }

    It 'refuses an encryption key that is not 32 bytes of base64 (<Case>)' -ForEach @(
        @{ Case = '16 bytes'; Key = [Convert]::ToBase64String([byte[]](1..16)) }
        @{ Case = 'not base64'; Key = 'this is not base64!' }
        @{ Case = '33 bytes'; Key = [Convert]::ToBase64String([byte[]](1..33)) }
    ) {
        foreach ($script in @(
                { Send-GcsMedia -Path $file.FullName -Bucket b -EncryptionKey $Key -Endpoint $dead },
                { Receive-GcsMedia gs://b/o -OutFile (Join-Path $TestDrive 'k.bin') -EncryptionKey $Key -Endpoint $dead },
                { Resume-GcsUpload -EncryptionKey $Key -Endpoint $dead })) {
            $e = Get-Terminating $script
            $e.FullyQualifiedErrorId | Should -BeLike 'GcsMedia.InvalidArgument,*'
            "$e" | Should -Match 'EncryptionKey'
            "$e" | Should -Match '32'
        }
    }

    It 'refuses -Value without an object name' {
        (Get-Terminating { Send-GcsMedia -Value 'x' -Bucket b -Endpoint $dead }).FullyQualifiedErrorId | Should -BeLike 'GcsMedia.InvalidArgument,*'
    }
}
