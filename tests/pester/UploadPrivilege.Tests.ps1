# Least privilege for uploads (issue 9): every upload kind works with storage.objects.create alone, so none may read
# object metadata. Every call carries the id of a retry test whose storage.objects.get instructions answer 403, as a
# server does for credentials without storage.objects.get: an upload that sends no GET leaves them unconsumed.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $bucket = New-TestBucket privilege
    $env:GCSMEDIA_STATE_DIR = Join-Path $TestDrive 'state'
    $file = New-TestFile (Join-Path $TestDrive 'in.bin') 700KB 1
    $big = New-TestFile (Join-Path $TestDrive 'big.bin') 11MB 2

    function Test-GetsLeft([string] $Id) { -not (Invoke-RestMethod "$Emulator/retry_test/$Id").completed }
}

AfterAll { Remove-Item Env:GCSMEDIA_STATE_DIR -ErrorAction SilentlyContinue }

Describe 'Uploads send no metadata GET' {
    It '<Case> uploads without reading the object' -ForEach @(
        @{ Case = 'simple'; Name = 'simple.bin'; Extra = @{} }
        @{ Case = 'multipart'; Name = 'multipart.bin'; Extra = @{ Metadata = @{ k = 'v' } } }
        @{ Case = '-Resumable'; Name = 'resumable.bin'; Extra = @{ Resumable = $true; ChunkSize = 256KB } }
        @{ Case = 'simple with -Force'; Name = 'simple.bin'; Extra = @{ Force = $true } }
    ) {
        $id = New-RetryTest @{ 'storage.objects.get' = @('return-403', 'return-403') }
        $result = Send-GcsMedia -Path $file.FullName -Bucket $bucket -ObjectName $Name -Headers @{ 'x-retry-test-id' = $id } @Extra
        $result.Crc32c | Should -Be (Get-TestCrc32c $file.FullName)
        Test-GetsLeft $id | Should -BeTrue -Because 'no storage.objects.get request was sent'
    }

    It 'refuses an existing object without a GET (the server refuses the precondition)' {
        $id = New-RetryTest @{ 'storage.objects.get' = @('return-403') }
        Send-GcsMedia -Path $file.FullName -Bucket $bucket -ObjectName 'simple.bin' -Headers @{ 'x-retry-test-id' = $id } -ErrorVariable err -ErrorAction SilentlyContinue | Out-Null
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GcsMedia.PreconditionFailed,*'
        Test-GetsLeft $id | Should -BeTrue
    }

    It 'Resume-GcsUpload -SessionUri finishes without reading the object' {
        $session = Invoke-WebRequest -Method Post "$Emulator/upload/storage/v1/b/$bucket/o?uploadType=resumable&name=resumed.bin" -Body '{}' -ContentType 'application/json'
        $id = New-RetryTest @{ 'storage.objects.get' = @('return-403') }
        $result = Resume-GcsUpload -SessionUri ([string]$session.Headers.Location) -Path $file.FullName -Uri "gs://$bucket/resumed.bin" -Headers @{ 'x-retry-test-id' = $id }
        $result.Crc32c | Should -Be (Get-TestCrc32c $file.FullName)
        Test-GetsLeft $id | Should -BeTrue
    }
}

Describe 'Send-GcsMedia -Parallel with credentials that cannot read objects' {
    It 'warns, completes the upload and outputs what it knows when both metadata reads answer 403' {
        $id = New-RetryTest @{ 'storage.objects.get' = @('return-403', 'return-403') }
        $records = Send-GcsMedia -Path $big.FullName -Bucket $bucket -ObjectName 'parallel.bin' -Parallel -PartSize 5MB -Headers @{ 'x-retry-test-id' = $id } -WarningVariable warnings -WarningAction SilentlyContinue
        $object = @($records)[0]
        $object.Name | Should -Be 'parallel.bin'
        $object.Size | Should -Be $big.Length
        $object.Crc32c | Should -Be (Get-TestCrc32c $big.FullName)
        $object.ETag | Should -Not -BeNullOrEmpty
        $object.UploadType | Should -Be 'XmlMpu'
        $warnings.Count | Should -Be 2
        ($warnings -join "`n") | Should -Match 'storage.objects.get'
        (Get-TestObject $bucket 'parallel.bin').crc32c | Should -Be (Get-TestCrc32c $big.FullName)
        Test-GetsLeft $id | Should -BeFalse -Because 'both reads were attempted and answered 403'
    }
}
