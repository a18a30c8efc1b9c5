# Bad input, table-driven, across all cmdlets (extends BadInput.Tests.ps1 with the values it does not cover): each
# invalid value must be a terminating error that names the parameter, raised before any request. "Before any
# request" is checked against the live emulator: every call carries the id of a retry test holding 100x return-400 (not retryable, so a value that slips through fails fast instead of backing off)
# for every method, and afterwards GET /retry_test/{id} must show that not one instruction was consumed.
BeforeDiscovery {
    # Each case: the cmdlet call and the parameter its error must name.
    $cases = @(
        # Send-GcsMedia
        @{ P = 'ChunkSize'; Case = 'Send -ChunkSize 0'; S = { Send-GcsMedia -Path $file -Bucket $bucket -Resumable -ChunkSize 0 @c } }
        @{ P = 'ChunkSize'; Case = 'Send -ChunkSize -256KB'; S = { Send-GcsMedia -Path $file -Bucket $bucket -Resumable -ChunkSize (-256KB) @c } }
        @{ P = 'ChunkSize'; Case = 'Send -ChunkSize 4GB (over the 32-bit chunk limit)'; S = { Send-GcsMedia -Path $file -Bucket $bucket -Resumable -ChunkSize 4GB @c } }
        @{ P = 'ChunkSize'; Case = 'Send -ChunkSize "lots"'; S = { Send-GcsMedia -Path $file -Bucket $bucket -Resumable -ChunkSize 'lots' @c } }
        @{ P = 'Uri'; Case = 'Send -Uri with -Bucket'; S = { Send-GcsMedia -Path $file -Bucket $bucket -Uri "gs://$bucket/o" @c } }
        @{ P = 'Bucket'; Case = 'Send without -Bucket or -Uri'; S = { Send-GcsMedia -Path $file @c } }
        @{ P = 'Bucket'; Case = 'Send -Bucket a/b'; S = { Send-GcsMedia -Path $file -Bucket 'a/b' @c } }
        @{ P = 'Checksum'; Case = 'Send -Checksum Sha1'; S = { Send-GcsMedia -Path $file -Bucket $bucket -Checksum Sha1 @c } }
        @{ P = 'Headers'; Case = 'Send -Headers with a bad name'; S = { Send-GcsMedia -Path $file -Bucket $bucket -Headers @{ 'x-retry-test-id' = $id; 'bad name' = 1 } -Endpoint $Emulator } }
        @{ P = 'KeyFile'; Case = 'Send -KeyFile missing'; S = { Send-GcsMedia -Path $file -Bucket $bucket -KeyFile (Join-Path $TestDrive 'nokey.json') @c } }
        @{ P = 'EncryptionKey'; Case = 'Send -EncryptionKey empty string'; S = { Send-GcsMedia -Path $file -Bucket $bucket -EncryptionKey '' @c } }
        @{ P = 'EncryptionKey'; Case = 'Send -EncryptionKey 31 bytes'; S = { Send-GcsMedia -Path $file -Bucket $bucket -EncryptionKey ([Convert]::ToBase64String([byte[]](1..31))) @c } }
        @{ P = 'Endpoint'; Case = 'Send -Endpoint ftp://'; S = { Send-GcsMedia -Path $file -Bucket $bucket -Endpoint 'ftp://127.0.0.1/' -Headers $h } }
        @{ P = 'Endpoint'; Case = 'Send -Endpoint relative'; S = { Send-GcsMedia -Path $file -Bucket $bucket -Endpoint 'storage' -Headers $h } }
        @{ P = 'Metadata'; Case = 'Send -Metadata with a nested hashtable value'; S = { Send-GcsMedia -Path $file -Bucket $bucket -ObjectName m1 -Metadata @{ k = @{ nested = 1 } } @c } }
        @{ P = 'Metadata'; Case = 'Send -Metadata with an array value'; S = { Send-GcsMedia -Path $file -Bucket $bucket -ObjectName m2 -Metadata @{ k = 1, 2 } @c } }
        @{ P = 'Metadata'; Case = 'Send -Metadata with an empty key'; S = { Send-GcsMedia -Path $file -Bucket $bucket -ObjectName m3 -Metadata @{ '' = 'v' } @c } }
        @{ P = 'ObjectName'; Case = 'Send -ObjectName with a newline'; S = { Send-GcsMedia -Path $file -Bucket $bucket -ObjectName "a`nb" @c } }
        @{ P = 'ObjectName'; Case = 'Send -ObjectName empty'; S = { Send-GcsMedia -Path $file -Bucket $bucket -ObjectName '' @c } }
        # Receive-GcsMedia
        @{ P = 'Generation'; Case = 'Receive -Generation -1'; S = { Receive-GcsMedia "gs://$bucket/o" -OutFile $out -Generation -1 @c } }
        @{ P = 'Generation'; Case = 'Receive -Generation 0'; S = { Receive-GcsMedia "gs://$bucket/o" -OutFile $out -Generation 0 @c } }
        @{ P = 'ChunkSize'; Case = 'Receive -ChunkSize 0'; S = { Receive-GcsMedia "gs://$bucket/o" -OutFile $out -ChunkSize 0 @c } }
        @{ P = 'ChunkSize'; Case = 'Receive -ChunkSize -1MB'; S = { Receive-GcsMedia "gs://$bucket/o" -OutFile $out -ChunkSize (-1MB) @c } }
        @{ P = 'End'; Case = 'Receive -End -5'; S = { Receive-GcsMedia "gs://$bucket/o" -OutFile $out -End -5 @c } }
        @{ P = 'OutFile'; Case = 'Receive -OutFile empty'; S = { Receive-GcsMedia "gs://$bucket/o" -OutFile '' @c } }
        @{ P = 'Checksum'; Case = 'Receive -Checksum Sha256'; S = { Receive-GcsMedia "gs://$bucket/o" -OutFile $out -Checksum Sha256 @c } }
        @{ P = 'Bucket'; Case = 'Receive -Bucket gs://b -ObjectName o'; S = { Receive-GcsMedia -Bucket "gs://$bucket" -ObjectName o -OutFile $out @c } }
        @{ P = 'EncryptionKey'; Case = 'Receive -EncryptionKey not base64'; S = { Receive-GcsMedia "gs://$bucket/o" -OutFile $out -EncryptionKey '!!!!' @c } }
        # Resume-GcsUpload
        @{ P = 'StatePath'; Case = 'Resume -StatePath of a file that is not a state file'; S = { Resume-GcsUpload -StatePath $file @c } }
        @{ P = 'SessionUri'; Case = 'Resume -SessionUri ftp://'; S = { Resume-GcsUpload -SessionUri 'ftp://127.0.0.1/s' -Path $file -Uri "gs://$bucket/o" @c } }
        @{ P = 'ChunkSize'; Case = 'Resume -ChunkSize 0'; S = { Resume-GcsUpload -SessionUri "$Emulator/s" -Path $file -Uri "gs://$bucket/o" -ChunkSize 0 @c } }
        @{ P = 'Uri'; Case = 'Resume -SessionUri without a target'; S = { Resume-GcsUpload -SessionUri "$Emulator/s" -Path $file @c } }
        # New-GcsMpu
        @{ P = 'Uri'; Case = 'New-GcsMpu -Uri gs://bucket-only'; S = { New-GcsMpu -Uri "gs://$bucket" @c } }
        @{ P = 'Bucket'; Case = 'New-GcsMpu -Bucket gs://b'; S = { New-GcsMpu -Bucket "gs://$bucket" -ObjectName o @c } }
        @{ P = 'ContentType'; Case = 'New-GcsMpu -ContentType empty'; S = { New-GcsMpu -Uri "gs://$bucket/o" -ContentType '' @c } }
        @{ P = 'Metadata'; Case = 'New-GcsMpu -Metadata with a nested hashtable value'; S = { New-GcsMpu -Uri "gs://$bucket/o" -Metadata @{ k = @{ nested = 1 } } @c } }
        @{ P = 'EncryptionKey'; Case = 'New-GcsMpu -EncryptionKey 16 bytes'; S = { New-GcsMpu -Uri "gs://$bucket/o" -EncryptionKey ([Convert]::ToBase64String([byte[]](1..16))) @c } }
        # Add-GcsMpuPart
        @{ P = 'PartNumber'; Case = 'Add -PartNumber 0'; S = { Add-GcsMpuPart -Uri "gs://$bucket/o" -UploadId u1 -Path $big -PartNumber 0 -Offset 0 -Length 5MB @c } }
        @{ P = 'PartNumber'; Case = 'Add -PartNumber 10001'; S = { Add-GcsMpuPart -Uri "gs://$bucket/o" -UploadId u1 -Path $big -PartNumber 10001 -Offset 0 -Length 5MB @c } }
        @{ P = 'PartNumber'; Case = 'Add -PartNumber -3'; S = { Add-GcsMpuPart -Uri "gs://$bucket/o" -UploadId u1 -Path $big -PartNumber -3 -Offset 0 -Length 5MB @c } }
        @{ P = 'PartSize'; Case = 'Add -PartSize 1MB'; S = { Add-GcsMpuPart -Uri "gs://$bucket/o" -UploadId u1 -Path $big -PartSize 1MB @c } }
        @{ P = 'PartSize'; Case = 'Add -PartSize 6GB'; S = { Add-GcsMpuPart -Uri "gs://$bucket/o" -UploadId u1 -Path $big -PartSize 6GB @c } }
        @{ P = 'PartSize'; Case = 'Add -PartSize -5MB'; S = { Add-GcsMpuPart -Uri "gs://$bucket/o" -UploadId u1 -Path $big -PartSize (-5MB) @c } }
        @{ P = 'ThrottleLimit'; Case = 'Add -ThrottleLimit 0'; S = { Add-GcsMpuPart -Uri "gs://$bucket/o" -UploadId u1 -Path $big -ThrottleLimit 0 @c } }
        @{ P = 'ThrottleLimit'; Case = 'Add -ThrottleLimit 65'; S = { Add-GcsMpuPart -Uri "gs://$bucket/o" -UploadId u1 -Path $big -ThrottleLimit 65 @c } }
        @{ P = 'Offset'; Case = 'Add -Offset -1'; S = { Add-GcsMpuPart -Uri "gs://$bucket/o" -UploadId u1 -Path $big -PartNumber 1 -Offset (-1) -Length 5MB @c } }
        @{ P = 'Offset'; Case = 'Add -Offset past the end of the file'; S = { Add-GcsMpuPart -Uri "gs://$bucket/o" -UploadId u1 -Path $big -PartNumber 1 -Offset 100MB -Length 5MB @c } }
        @{ P = 'Length'; Case = 'Add -Length 0'; S = { Add-GcsMpuPart -Uri "gs://$bucket/o" -UploadId u1 -Path $big -PartNumber 1 -Offset 0 -Length 0 @c } }
        @{ P = 'Length'; Case = 'Add -Length -5MB'; S = { Add-GcsMpuPart -Uri "gs://$bucket/o" -UploadId u1 -Path $big -PartNumber 1 -Offset 0 -Length (-5MB) @c } }
        @{ P = 'Length'; Case = 'Add -Length past the end of the file'; S = { Add-GcsMpuPart -Uri "gs://$bucket/o" -UploadId u1 -Path $big -PartNumber 1 -Offset 0 -Length 100MB @c } }
        @{ P = 'Path'; Case = 'Add -Path missing'; S = { Add-GcsMpuPart -Uri "gs://$bucket/o" -UploadId u1 -Path (Join-Path $TestDrive 'missing.bin') @c } }
        @{ P = 'Path'; Case = 'Add -Path a directory'; S = { Add-GcsMpuPart -Uri "gs://$bucket/o" -UploadId u1 -Path $TestDrive @c } }
        @{ P = 'UploadId'; Case = 'Add -UploadId empty'; S = { Add-GcsMpuPart -Uri "gs://$bucket/o" -UploadId '' -Path $big @c } }
        @{ P = 'Uri'; Case = 'Add -Uri http://'; S = { Add-GcsMpuPart -Uri "http://example.com/$bucket/o" -UploadId u1 -Path $big @c } }
        # Complete-GcsMpu
        @{ P = 'PartNumber'; Case = 'Complete -PartNumber 0'; S = { Complete-GcsMpu -Bucket $bucket -ObjectName o -UploadId u1 -PartNumber 0 -ETag '"e"' @c } }
        @{ P = 'PartNumber'; Case = 'Complete -PartNumber 10001'; S = { Complete-GcsMpu -Bucket $bucket -ObjectName o -UploadId u1 -PartNumber 10001 -ETag '"e"' @c } }
        @{ P = 'ETag'; Case = 'Complete -ETag empty'; S = { Complete-GcsMpu -Bucket $bucket -ObjectName o -UploadId u1 -PartNumber 1 -ETag '' @c } }
        @{ P = 'Part'; Case = 'Complete -Part of objects without ETag'; S = { Complete-GcsMpu -Uri "gs://$bucket/o" -UploadId u1 -Part ([pscustomobject]@{ PartNumber = 1 }) @c } }
        @{ P = 'PartNumber'; Case = 'Complete: parts 1, 2 and 10001 from the pipeline (must not complete without the bad one)'; S = {
                @(1, 2, 10001) | ForEach-Object { [pscustomobject]@{ Bucket = $bucket; ObjectName = 'o'; UploadId = 'u1'; PartNumber = $_; ETag = "`"e$_`"" } } | Complete-GcsMpu @c } }
        @{ P = 'Uri'; Case = 'Complete -Uri malformed'; S = { Complete-GcsMpu -Uri 'gs:///o' -UploadId u1 -Part ([pscustomobject]@{ PartNumber = 1; ETag = '"a"' }) @c } }
        # Stop-GcsMpu
        @{ P = 'Uri'; Case = 'Stop -Uri malformed'; S = { Stop-GcsMpu -Uri "gs://$bucket" -UploadId u1 @c } }
        @{ P = 'UploadId'; Case = 'Stop -UploadId empty'; S = { Stop-GcsMpu -Uri "gs://$bucket/o" -UploadId '' @c } }
        # Get-GcsMpuPart
        @{ P = 'Uri'; Case = 'Get-GcsMpuPart -Uri malformed'; S = { Get-GcsMpuPart -Uri "gs://$bucket" -UploadId u1 @c } }
        @{ P = 'UploadId'; Case = 'Get-GcsMpuPart -UploadId empty'; S = { Get-GcsMpuPart -Uri "gs://$bucket/o" -UploadId '' @c } }
        # Complete-GcsMpu from the server's list
        @{ P = 'Uri'; Case = 'Complete -Uri malformed, no parts'; S = { Complete-GcsMpu -Uri 'gs:///o' -UploadId u1 @c } }
        @{ P = 'ETag'; Case = 'Complete -PartNumber without -ETag'; S = { Complete-GcsMpu -Uri "gs://$bucket/o" -UploadId u1 -PartNumber 1 @c } }
        # Get-GcsMpu
        @{ P = 'Bucket'; Case = 'Get-GcsMpu -Bucket gs://b/o'; S = { Get-GcsMpu -Bucket "gs://$bucket/o" @c } }
        @{ P = 'Bucket'; Case = 'Get-GcsMpu -Bucket a/b'; S = { Get-GcsMpu -Bucket 'a/b' @c } }
        @{ P = 'Bucket'; Case = 'Get-GcsMpu -Bucket empty'; S = { Get-GcsMpu -Bucket '' @c } }
        # Send-GcsMedia -Recurse (folder uploads)
        @{ P = 'Include'; Case = 'Send -Include without -Recurse'; S = { Send-GcsMedia -Path $tree -Bucket $bucket -Include '*.bin' @c } }
        @{ P = 'SkipUnchanged'; Case = 'Send -SkipUnchanged without -Recurse'; S = { Send-GcsMedia -Path $file -Bucket $bucket -SkipUnchanged @c } }
        @{ P = 'PartSize'; Case = 'Send -Recurse -PartSize without -Parallel'; S = { Send-GcsMedia -Path $tree -Bucket $bucket -Recurse -PartSize 8MB @c } }
        @{ P = 'ThrottleLimit'; Case = 'Send -Recurse -ThrottleLimit 0'; S = { Send-GcsMedia -Path $tree -Bucket $bucket -Recurse -ThrottleLimit 0 @c } }
        @{ P = 'Bucket'; Case = 'Send -Recurse -Bucket a/b'; S = { Send-GcsMedia -Path $tree -Bucket 'a/b' -Recurse @c } }
        @{ P = 'EncryptionKey'; Case = 'Send -Recurse -EncryptionKey 31 bytes'; S = { Send-GcsMedia -Path $tree -Bucket $bucket -Recurse -EncryptionKey ([Convert]::ToBase64String([byte[]](1..31))) @c } }
        # Receive-GcsMedia -Recurse (folder downloads)
        @{ P = 'Start'; Case = 'Receive -Recurse -Start 5'; S = { Receive-GcsMedia "gs://$bucket/tree/" -OutFile $outDir -Recurse -Start 5 @c } }
        @{ P = 'ChunkSize'; Case = 'Receive -Recurse -ChunkSize 1MB'; S = { Receive-GcsMedia "gs://$bucket/tree/" -OutFile $outDir -Recurse -ChunkSize 1MB @c } }
        @{ P = 'OutFile'; Case = 'Receive -Recurse -OutFile an existing file'; S = { Receive-GcsMedia "gs://$bucket/tree/" -OutFile $file -Recurse @c } }
        @{ P = 'Exclude'; Case = 'Receive -Exclude without -Recurse'; S = { Receive-GcsMedia "gs://$bucket/o" -OutFile $out -Exclude '*.tmp' @c } }
        @{ P = 'ThrottleLimit'; Case = 'Receive -Recurse -ThrottleLimit 0'; S = { Receive-GcsMedia "gs://$bucket/tree/" -OutFile $outDir -Recurse -ThrottleLimit 0 @c } }
        @{ P = 'Bucket'; Case = 'Receive -Recurse -Bucket a/b'; S = { Receive-GcsMedia -Bucket 'a/b' -ObjectName tree/ -OutFile $outDir -Recurse @c } }
        # Get-GcsObject
        @{ P = 'Uri'; Case = 'Get-GcsObject -Uri http://'; S = { Get-GcsObject -Uri "http://example.com/$bucket/o" @c } }
        @{ P = 'Bucket'; Case = 'Get-GcsObject -Bucket a/b'; S = { Get-GcsObject -Bucket 'a/b' @c } }
        @{ P = 'Generation'; Case = 'Get-GcsObject -Generation 0'; S = { Get-GcsObject "gs://$bucket/o" -Generation 0 @c } }
        @{ P = 'Generation'; Case = 'Get-GcsObject -Generation on a listing'; S = { Get-GcsObject "gs://$bucket/tree/" -Generation 5 @c } }
        @{ P = 'PageSize'; Case = 'Get-GcsObject -PageSize 0'; S = { Get-GcsObject -Bucket $bucket -PageSize 0 @c } }
        @{ P = 'PageSize'; Case = 'Get-GcsObject -PageSize 1001'; S = { Get-GcsObject -Bucket $bucket -PageSize 1001 @c } }
        @{ P = 'EncryptionKey'; Case = 'Get-GcsObject -EncryptionKey not base64'; S = { Get-GcsObject "gs://$bucket/o" -EncryptionKey '!!!!' @c } }
        # Remove-GcsObject
        @{ P = 'Uri'; Case = 'Remove-GcsObject -Uri gs://bucket-only'; S = { Remove-GcsObject -Uri "gs://$bucket" -Force @c } }
        @{ P = 'Bucket'; Case = 'Remove-GcsObject -Bucket a/b'; S = { Remove-GcsObject -Bucket 'a/b' -ObjectName o -Force @c } }
        @{ P = 'ObjectName'; Case = 'Remove-GcsObject -ObjectName empty'; S = { Remove-GcsObject -Bucket $bucket -ObjectName '' -Force @c } }
        @{ P = 'Generation'; Case = 'Remove-GcsObject -Generation 0'; S = { Remove-GcsObject "gs://$bucket/o" -Generation 0 -Force @c } }
        @{ P = 'IfGenerationMatch'; Case = 'Remove-GcsObject -IfGenerationMatch -1'; S = { Remove-GcsObject "gs://$bucket/o" -IfGenerationMatch (-1) -Force @c } }
        @{ P = 'ThrottleLimit'; Case = 'Remove-GcsObject -ThrottleLimit 65'; S = { Remove-GcsObject "gs://$bucket/o" -ThrottleLimit 65 -Force @c } }
        @{ P = 'InputObject'; Case = 'Remove-GcsObject -InputObject $null'; S = { Remove-GcsObject -InputObject $null -Force @c } }
        # Copy-GcsObject
        @{ P = 'Uri'; Case = 'Copy-GcsObject -Uri gs://bucket-only'; S = { Copy-GcsObject -Uri "gs://$bucket" -Destination "gs://$bucket/d" @c } }
        @{ P = 'Destination'; Case = 'Copy-GcsObject -Destination http://'; S = { Copy-GcsObject "gs://$bucket/o" -Destination 'http://example.com/d' @c } }
        @{ P = 'Destination'; Case = 'Copy-GcsObject -Destination the source itself'; S = { Copy-GcsObject "gs://$bucket/o" -Destination "gs://$bucket/o" @c } }
        @{ P = 'Destination'; Case = 'Copy-GcsObject -Destination empty'; S = { Copy-GcsObject "gs://$bucket/o" -Destination '' @c } }
        @{ P = 'SourceGeneration'; Case = 'Copy-GcsObject -SourceGeneration 0'; S = { Copy-GcsObject "gs://$bucket/o" -Destination "gs://$bucket/d" -SourceGeneration 0 @c } }
        @{ P = 'MaxBytesPerCall'; Case = 'Copy-GcsObject -MaxBytesPerCall 0'; S = { Copy-GcsObject "gs://$bucket/o" -Destination "gs://$bucket/d" -MaxBytesPerCall 0 @c } }
        @{ P = 'SourceEncryptionKey'; Case = 'Copy-GcsObject -SourceEncryptionKey 16 bytes'; S = { Copy-GcsObject "gs://$bucket/o" -Destination "gs://$bucket/d" -SourceEncryptionKey ([Convert]::ToBase64String([byte[]](1..16))) @c } }
        @{ P = 'EncryptionKey'; Case = 'Copy-GcsObject -EncryptionKey empty string'; S = { Copy-GcsObject "gs://$bucket/o" -Destination "gs://$bucket/d" -EncryptionKey '' @c } }
    )
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $bucket = New-TestBucket badinput
    $env:GCSMEDIA_STATE_DIR = Join-Path $TestDrive 'state'
    $file = (New-TestFile (Join-Path $TestDrive 'in.bin') 1000 1).FullName
    $big = (New-TestFile (Join-Path $TestDrive 'big.bin') (11MB) 2).FullName
    $out = Join-Path $TestDrive 'out.bin'
    $outDir = Join-Path $TestDrive 'outdir'
    $tree = Join-Path $TestDrive 'tree'
    $null = New-Item -ItemType Directory (Join-Path $tree 'sub')
    $null = New-TestFile (Join-Path $tree 'sub/a.bin') 100 3
    $methods = 'storage.objects.insert', 'storage.objects.get', 'storage.objects.list', 'storage.objects.delete', 'storage.objects.rewrite', 'storage.buckets.get',
    'storage.multipart.initiate', 'storage.multipart.uploadPart', 'storage.multipart.complete', 'storage.multipart.abort',
    'storage.multipart.list', 'storage.multipart.listParts'
    $instructions = @{}
    foreach ($m in $methods) { $instructions[$m] = @(1..100 | ForEach-Object { 'return-400' }) }
    $id = New-RetryTest $instructions
    $h = @{ 'x-retry-test-id' = $id }
    $c = @{ Headers = $h; Endpoint = $Emulator }
    $script:tried = 0
    $script:refused = 0

    function Get-Remaining { $t = Invoke-RestMethod "$Emulator/retry_test/$id"; (@($t.instructions.PSObject.Properties | ForEach-Object { @($_.Value).Count }) | Measure-Object -Sum).Sum }
    $total = Get-Remaining
}

AfterAll {
    Remove-Item Env:GCSMEDIA_STATE_DIR -ErrorAction SilentlyContinue
    Write-Host "bad inputs refused $script:refused / tried $script:tried"
}

Describe 'Bad input table' {
    It 'refuses <Case>: terminating, names -<P>, no request' -ForEach $cases {
        $script:tried++
        $before = Get-Remaining
        $caught = $null
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        try { & $S | Out-Null } catch { $caught = $_ }
        $after = Get-Remaining
        $caught | Should -Not -BeNullOrEmpty -Because 'a terminating error is expected'
        $named = "$caught`n$($caught.Exception.Message)`n$($caught.Exception.ParameterName)`n$($caught.FullyQualifiedErrorId)"
        $named | Should -Match ([regex]::Escape($P)) -Because 'the error must name the parameter'
        $after | Should -Be $before -Because 'no request may reach the server'
        $caught.FullyQualifiedErrorId | Should -Not -BeLike 'GcsMedia.ServerError*'
        $script:refused++
    }

    It 'has cases for every exported cmdlet and both folder modes' -ForEach @(@{ Cases = $cases }) {
        $covered = @($Cases | ForEach-Object { $_.S.ToString().Trim().Split(' ')[0] } | Sort-Object -Unique)
        foreach ($name in (Get-Command -Module GcsMedia -CommandType Cmdlet).Name) { $covered | Should -Contain $name -Because "every cmdlet's input must be checked" }
        @($Cases | Where-Object { $_.S.ToString() -match '^\s*Send-GcsMedia .*-Recurse' }).Count | Should -BeGreaterThan 0
        @($Cases | Where-Object { $_.S.ToString() -match '^\s*Receive-GcsMedia .*-Recurse' }).Count | Should -BeGreaterThan 0
    }

    It 'sent nothing at all: every instruction of the retry test is still there' {
        Get-Remaining | Should -Be $total
        $total | Should -Be (100 * $methods.Count)
    }
}
