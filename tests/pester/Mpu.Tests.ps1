# The XML multipart upload cmdlets (New-GcsMpu, Add-GcsMpuPart, Complete-GcsMpu, Stop-GcsMpu, Get-GcsMpu) end to
# end against the emulator named by STORAGE_EMULATOR_HOST, through the BUILT module.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $bucket = New-TestBucket mpu
    $big = New-TestFile (Join-Path $TestDrive 'big.bin') (12MB) 7
    $bigBytes = [System.IO.File]::ReadAllBytes($big.FullName)

    function Get-Slice([long] $Offset, [long] $Length) {
        $slice = [byte[]]::new($Length)
        [System.Array]::Copy($bigBytes, $Offset, $slice, 0, $Length)
        , $slice
    }

    # SHA-256 of the object's bytes, downloaded with plain HTTP (not through the module).
    function Get-TestObjectHash([string] $Name) {
        $out = Join-Path $TestDrive ([guid]::NewGuid().ToString('N'))
        Invoke-WebRequest "$Emulator/download/storage/v1/b/$bucket/o/$([uri]::EscapeDataString($Name))?alt=media" -OutFile $out
        (Get-Item $out).Length | Should -Be $big.Length
        (Get-FileHash -LiteralPath $out -Algorithm SHA256).Hash
    }

    $bigHash = (Get-FileHash -LiteralPath $big.FullName -Algorithm SHA256).Hash

    # Parts the server holds for an upload (XML ListParts), straight from the emulator.
    function Get-ServerPartCount([string] $Name, [string] $UploadId) {
        $response = Invoke-WebRequest "$Emulator/$bucket/$Name`?uploadId=$([uri]::EscapeDataString($UploadId))"
        ([regex]::Matches($response.Content, '<Part>')).Count
    }

    function Get-ServerUploadIds {
        $response = Invoke-WebRequest "$Emulator/$bucket`?uploads"
        @([regex]::Matches($response.Content, '<UploadId>([^<]+)</UploadId>') | ForEach-Object { $_.Groups[1].Value })
    }

    # Runs a script in a fresh runspace and fails (instead of hanging on retries) when it takes longer than the limit.
    function Invoke-WithTimeout([scriptblock] $Script, [int] $Seconds = 60, $InputObject, [object[]] $Arguments = @()) {
        $shell = [powershell]::Create()
        try {
            $null = $shell.AddScript("Import-Module '$ModuleManifest'").Invoke()
            $shell.Commands.Clear()
            $null = $shell.AddScript($Script.ToString())
            foreach ($a in $Arguments) { $null = $shell.AddArgument($a) }
            $in = [System.Management.Automation.PSDataCollection[object]]::new()
            if ($PSBoundParameters.ContainsKey('InputObject')) { $in.Add($InputObject) }
            $in.Complete()
            $out = [System.Management.Automation.PSDataCollection[object]]::new()
            $async = $shell.BeginInvoke($in, $out)
            if (-not $async.AsyncWaitHandle.WaitOne([TimeSpan]::FromSeconds($Seconds))) {
                $shell.Stop()
                throw "The script did not finish within $Seconds s."
            }
            $shell.EndInvoke($async)
            if ($shell.Streams.Error.Count) { throw $shell.Streams.Error[0] }
            $out
        }
        finally { $shell.Dispose() }
    }
}

Describe 'The test crc32c' {
    It 'matches the CRC-32C check value for "123456789" (0xE3069283)' {
        [GcsMediaTests.Crc32c]::Base64([System.Text.Encoding]::ASCII.GetBytes('123456789')) | Should -Be '4waSgw=='
    }
}

Describe 'New-GcsMpu | Add-GcsMpuPart | Complete-GcsMpu' {
    It 'uploads a 12 MiB file in 5 MB parts; the object has the file''s bytes and crc32c' {
        $upload = New-GcsMpu -Uri "gs://$bucket/big.bin" -ContentType 'application/x-test' -Metadata @{ origin = 'pester' }
        $upload.GetType().FullName | Should -Be 'GcsMedia.MpuUpload'
        $upload.Bucket | Should -Be $bucket
        $upload.ObjectName | Should -Be 'big.bin'
        $upload.UploadId | Should -Not -BeNullOrEmpty
        $upload.ContentType | Should -Be 'application/x-test'
        $upload.Endpoint | Should -Be $Emulator.TrimEnd('/')
        $upload.Initiated | Should -BeOfType [datetime]

        $parts = @($upload | Add-GcsMpuPart -Path $big.FullName -PartSize 5MB)
        $parts.Count | Should -Be 3
        $parts[0].GetType().FullName | Should -Be 'GcsMedia.MpuPart'
        $parts.PartNumber | Should -Be @(1, 2, 3)
        $parts.Size | Should -Be @(5MB, 5MB, 2MB)
        $parts[2].Crc32c | Should -Be ([GcsMediaTests.Crc32c]::Base64((Get-Slice (10MB) (2MB))))
        $parts | ForEach-Object { $_.UploadId | Should -Be $upload.UploadId; $_.ETag | Should -Match '^".+"$' }

        $object = $parts | Complete-GcsMpu
        $object.GetType().FullName | Should -Be 'GcsMedia.Cmdlets.GcsObject'
        $object.Name | Should -Be 'big.bin'
        $object.Size | Should -Be 12MB
        $object.UploadType | Should -Be 'XmlMpu'
        $object.ContentType | Should -Be 'application/x-test'
        $object.Metadata['origin'] | Should -Be 'pester'

        $expected = Get-TestCrc32c $big.FullName
        $object.Crc32c | Should -Be $expected
        (Get-TestObject $bucket 'big.bin').crc32c | Should -Be $expected
        Get-TestObjectHash 'big.bin' | Should -Be $bigHash
        Get-ServerUploadIds | Should -Not -Contain $upload.UploadId
    }

    It 'works as one pipeline, with -Bucket/-ObjectName and the default part size' {
        $small = New-TestFile (Join-Path $TestDrive 'small.bin') 100KB 3
        $object = New-GcsMpu -Bucket $bucket -ObjectName 'dir/small.bin' | Add-GcsMpuPart -Path $small.FullName | Complete-GcsMpu
        $object.Name | Should -Be 'dir/small.bin'
        $object.Size | Should -Be 100KB
        $object.Crc32c | Should -Be (Get-TestCrc32c $small.FullName)
    }

    It 'uploads parts one at a time, out of order, with -PartNumber/-Offset/-Length, then completes with -Uri -UploadId -Part' {
        $upload = New-GcsMpu "gs://$bucket/by-part.bin"
        $p3 = Add-GcsMpuPart -Uri "gs://$bucket/by-part.bin" -UploadId $upload.UploadId -Path $big.FullName -PartNumber 3 -Offset 10MB -Length 2MB
        $p1 = $upload | Add-GcsMpuPart -Path $big.FullName -PartNumber 1 -Offset 0 -Length 5MB
        $p2 = $upload | Add-GcsMpuPart -Path $big.FullName -PartNumber 2 -Offset 5MB -Length 5MB
        $p3.PartNumber | Should -Be 3
        $p3.Size | Should -Be 2MB
        Get-ServerPartCount 'by-part.bin' $upload.UploadId | Should -Be 3

        $object = Complete-GcsMpu -Uri "gs://$bucket/by-part.bin" -UploadId $upload.UploadId -Part $p3, $p1, $p2
        $object.Size | Should -Be 12MB
        Get-TestObjectHash 'by-part.bin' | Should -Be $bigHash
    }

    It 'sorts parts piped out of order, and derives -Offset/-Length from -PartNumber and -PartSize' {
        $upload = New-GcsMpu "gs://$bucket/sorted.bin"
        $parts = foreach ($n in 3, 1, 2) { $upload | Add-GcsMpuPart -Path $big.FullName -PartNumber $n -PartSize 5MB }
        $parts.PartNumber | Should -Be @(3, 1, 2)
        $parts.Size | Should -Be @(2MB, 5MB, 5MB)
        $object = $parts | Complete-GcsMpu
        $object.Crc32c | Should -Be (Get-TestCrc32c $big.FullName)
    }

    It 'continues an upload object that went through Export-Clixml / Import-Clixml' {
        $xml = Join-Path $TestDrive 'upload.clixml'
        New-GcsMpu "gs://$bucket/clixml.bin" | Export-Clixml -Path $xml
        $imported = Import-Clixml -Path $xml
        $imported.PSObject.TypeNames[0] | Should -Be 'Deserialized.GcsMedia.MpuUpload'

        $partsXml = Join-Path $TestDrive 'parts.clixml'
        $imported | Add-GcsMpuPart -Path $big.FullName -PartSize 5MB -ThrottleLimit 2 | Export-Clixml -Path $partsXml
        $object = Import-Clixml -Path $partsXml | Complete-GcsMpu
        $object.Size | Should -Be 12MB
        Get-TestObjectHash 'clixml.bin' | Should -Be $bigHash
    }

    It 'continues an upload object that went through ConvertTo-Json / ConvertFrom-Json' {
        $json = New-GcsMpu "gs://$bucket/json.bin" | ConvertTo-Json
        $imported = $json | ConvertFrom-Json
        $imported | Should -BeOfType [pscustomobject]
        $partsJson = $imported | Add-GcsMpuPart -Path $big.FullName -PartSize 6MB | ConvertTo-Json
        $object = $partsJson | ConvertFrom-Json | Complete-GcsMpu
        $object.Size | Should -Be 12MB
        $object.Crc32c | Should -Be (Get-TestCrc32c $big.FullName)
    }

    It 'uses the Endpoint carried by an imported upload object, whatever STORAGE_EMULATOR_HOST says' {
        $jsonPath = Join-Path $TestDrive 'endpoint.json'
        New-GcsMpu "gs://$bucket/endpoint.bin" | ConvertTo-Json | Set-Content -LiteralPath $jsonPath
        $saved = $env:STORAGE_EMULATOR_HOST
        try {
            # Nothing listens on port 9: a request sent there would be retried until the timeout fails the test.
            $env:STORAGE_EMULATOR_HOST = 'http://127.0.0.1:9'
            $object = Invoke-WithTimeout ([scriptblock]::Create(
                    "Get-Content -Raw -LiteralPath '$jsonPath' | ConvertFrom-Json | Add-GcsMpuPart -Path '$($big.FullName)' -PartSize 5MB | Complete-GcsMpu"))
        }
        finally { $env:STORAGE_EMULATOR_HOST = $saved }
        $object.Size | Should -Be 12MB
        $object.Crc32c | Should -Be (Get-TestCrc32c $big.FullName)
    }

    It 'never sends -AccessToken credentials to an endpoint that only came from pipeline data' {
        $foreign = [pscustomobject]@{ Bucket = $bucket; ObjectName = 'foreign.bin'; UploadId = 'some-id'; Endpoint = 'https://elsewhere.invalid' }
        $saved = $env:STORAGE_EMULATOR_HOST
        try {
            Remove-Item Env:STORAGE_EMULATOR_HOST
            $err = { Invoke-WithTimeout { $input | Add-GcsMpuPart -Path $args[0] -PartSize 5MB -AccessToken 'not-a-real-token' } -InputObject $foreign -Arguments $big.FullName -Seconds 30 } |
                Should -Throw -PassThru -ExpectedMessage '*differs from this command''s endpoint*'
        }
        finally { $env:STORAGE_EMULATOR_HOST = $saved }
        $err.Exception.Message | Should -Not -BeLike '*not-a-real-token*'
    }

    It 'keeps the parts of separate uploads apart when they share one Complete-GcsMpu' {
        $small = New-TestFile (Join-Path $TestDrive 'two.bin') 10KB 5
        $a = New-GcsMpu "gs://$bucket/multi-a.bin"
        $b = New-GcsMpu "gs://$bucket/multi-b.bin"
        $objects = @(@($a, $b) | Add-GcsMpuPart -Path $small.FullName | Complete-GcsMpu)
        $objects.Name | Sort-Object | Should -Be @('multi-a.bin', 'multi-b.bin')
        $objects | ForEach-Object { $_.Size | Should -Be 10KB }
    }
}

Describe 'Get-GcsMpu and Stop-GcsMpu' {
    It 'lists an unfinished upload, and Get-GcsMpu | Stop-GcsMpu removes it' {
        $upload = New-GcsMpu "gs://$bucket/unfinished/a.bin"
        $null = $upload | Add-GcsMpuPart -Path $big.FullName -PartNumber 1 -PartSize 5MB
        $listed = @(Get-GcsMpu -Bucket $bucket -Prefix 'unfinished/')
        $listed.Count | Should -Be 1
        $listed[0].GetType().FullName | Should -Be 'GcsMedia.MpuUpload'
        $listed[0].ObjectName | Should -Be 'unfinished/a.bin'
        $listed[0].UploadId | Should -Be $upload.UploadId
        $listed[0].Endpoint | Should -Be $upload.Endpoint
        @(Get-GcsMpu $bucket -Prefix 'nothing-here/').Count | Should -Be 0

        $stopped = Get-GcsMpu -Bucket $bucket -Prefix 'unfinished/' | Stop-GcsMpu
        $stopped | Should -BeNullOrEmpty
        @(Get-GcsMpu -Bucket $bucket -Prefix 'unfinished/').Count | Should -Be 0
        Get-ServerUploadIds | Should -Not -Contain $upload.UploadId
        Get-TestObject $bucket 'unfinished/a.bin' | Should -BeNullOrEmpty
    }

    It 'aborts by -Uri and -UploadId with -PassThru; the upload is gone afterwards (UploadNotFound, non-terminating)' {
        $upload = New-GcsMpu "gs://$bucket/stop-me.bin"
        $result = Stop-GcsMpu -Uri "gs://$bucket/stop-me.bin" -UploadId $upload.UploadId -PassThru
        $result.GetType().FullName | Should -Be 'GcsMedia.MpuUpload'
        $result.UploadId | Should -Be $upload.UploadId
        Get-ServerUploadIds | Should -Not -Contain $upload.UploadId

        $parts = $upload | Add-GcsMpuPart -Path $big.FullName -PartNumber 1 -PartSize 5MB -ErrorVariable failures -ErrorAction SilentlyContinue
        $parts | Should -BeNullOrEmpty
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'GcsMedia.UploadNotFound,*'
        $failures[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $failures[0].TargetObject | Should -Be "gs://$bucket/stop-me.bin"
    }

    It 'aborts each upload once when its parts are piped' {
        $upload = New-GcsMpu "gs://$bucket/stop-parts.bin"
        $parts = $upload | Add-GcsMpuPart -Path $big.FullName -PartSize 5MB
        $parts | Stop-GcsMpu -ErrorVariable failures
        $failures.Count | Should -Be 0
        Get-ServerUploadIds | Should -Not -Contain $upload.UploadId
    }
}

Describe '-WhatIf' {
    It 'Complete-GcsMpu -WhatIf creates no object and leaves the upload open' {
        $upload = New-GcsMpu "gs://$bucket/whatif.bin"
        $parts = $upload | Add-GcsMpuPart -Path $big.FullName -PartSize 5MB
        $parts | Complete-GcsMpu -WhatIf | Should -BeNullOrEmpty
        Get-TestObject $bucket 'whatif.bin' | Should -BeNullOrEmpty
        Get-ServerUploadIds | Should -Contain $upload.UploadId

        Stop-GcsMpu -Bucket $bucket -ObjectName 'whatif.bin' -UploadId $upload.UploadId -WhatIf
        Get-ServerUploadIds | Should -Contain $upload.UploadId
        $upload | Stop-GcsMpu
        Get-ServerUploadIds | Should -Not -Contain $upload.UploadId
    }

    It 'New-GcsMpu -WhatIf starts nothing' {
        New-GcsMpu "gs://$bucket/whatif-new.bin" -WhatIf | Should -BeNullOrEmpty
        @(Get-GcsMpu $bucket -Prefix 'whatif-new').Count | Should -Be 0
    }
}

Describe 'Bad input is refused before any request' {
    BeforeAll {
        $upload = New-GcsMpu "gs://$bucket/bad-input.bin"
    }

    AfterAll { $upload | Stop-GcsMpu }

    It 'refuses -PartNumber <Number> with a terminating error naming -PartNumber' -ForEach @(@{ Number = 0 }, @{ Number = 10001 }) {
        $err = { $upload | Add-GcsMpuPart -Path $big.FullName -PartNumber $Number -Offset 0 -Length 5MB } |
            Should -Throw -PassThru -ExpectedMessage '*-PartNumber*1 to 10000*'
        $err.FullyQualifiedErrorId | Should -BeLike 'GcsMedia.InvalidArgument,*'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        Get-ServerPartCount 'bad-input.bin' $upload.UploadId | Should -Be 0
    }

    It 'refuses -PartSize 1MB, naming -PartSize and the 5 MiB minimum' {
        $err = { $upload | Add-GcsMpuPart -Path $big.FullName -PartSize 1MB } | Should -Throw -PassThru -ExpectedMessage '*-PartSize*5 MiB*'
        $err.FullyQualifiedErrorId | Should -BeLike 'GcsMedia.InvalidArgument,*'
        Get-ServerPartCount 'bad-input.bin' $upload.UploadId | Should -Be 0
    }

    It 'refuses a part size that needs more than 10000 parts, suggesting a part size' {
        $huge = Join-Path $TestDrive 'sparse.bin'
        $stream = [System.IO.File]::Create($huge)
        try { $stream.SetLength(60GB) } finally { $stream.Dispose() }
        try {
            $err = { $upload | Add-GcsMpuPart -Path $huge -PartSize 5MB } | Should -Throw -PassThru -ExpectedMessage '*-PartSize*10000*at least*MiB*'
            $err.FullyQualifiedErrorId | Should -BeLike 'GcsMedia.InvalidArgument,*'
        }
        finally { Remove-Item -LiteralPath $huge -Force }
        Get-ServerPartCount 'bad-input.bin' $upload.UploadId | Should -Be 0
    }

    It 'refuses a missing file, naming -Path' {
        $missing = Join-Path $TestDrive 'no-such-file.bin'
        $err = { $upload | Add-GcsMpuPart -Path $missing } | Should -Throw -PassThru -ExpectedMessage '*no-such-file.bin*'
        $err.FullyQualifiedErrorId | Should -BeLike 'GcsMedia.FileNotFound,*'
        $err.ErrorDetails.Message | Should -BeLike '*-Path*'
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'refuses a single part under 5 MiB that is not the last one, naming -Length' {
        { $upload | Add-GcsMpuPart -Path $big.FullName -PartNumber 1 -Offset 0 -Length 1MB } | Should -Throw -ExpectedMessage '*-Length*5 MiB*'
        { $upload | Add-GcsMpuPart -Path $big.FullName -PartNumber 2 -Offset 10MB -Length 5MB } | Should -Throw -ExpectedMessage '*-Length*past the end*'
        Get-ServerPartCount 'bad-input.bin' $upload.UploadId | Should -Be 0
    }

    It 'refuses a gs:// URI without an object, naming -Uri' {
        { New-GcsMpu -Uri "gs://$bucket" } | Should -Throw -ExpectedMessage '*-Uri*gs://bucket/object*'
    }

    It 'refuses to complete with a missing part number (non-terminating), leaving the upload open' {
        $gap = New-GcsMpu "gs://$bucket/gap.bin"
        $p1 = $gap | Add-GcsMpuPart -Path $big.FullName -PartNumber 1 -PartSize 5MB
        $p3 = $gap | Add-GcsMpuPart -Path $big.FullName -PartNumber 3 -PartSize 5MB
        $result = $p1, $p3 | Complete-GcsMpu -ErrorVariable failures -ErrorAction SilentlyContinue
        $result | Should -BeNullOrEmpty
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'GcsMedia.MissingParts,*'
        $failures[0].ErrorDetails.Message | Should -BeLike '*Parts 2 *Add-GcsMpuPart -PartNumber*'
        Get-TestObject $bucket 'gap.bin' | Should -BeNullOrEmpty
        $gap | Stop-GcsMpu
    }
}

Describe 'Fault injection' {
    It 'survives 503s and a reset connection on part uploads (x-retry-test-id through -Headers)' {
        $id = New-RetryTest @{ 'storage.multipart.uploadPart' = @('return-503', 'return-reset-connection', 'return-503') }
        $headers = @{ 'x-retry-test-id' = $id }
        $object = New-GcsMpu "gs://$bucket/faults.bin" |
            Add-GcsMpuPart -Path $big.FullName -PartSize 5MB -Headers $headers |
            Complete-GcsMpu
        $object.Crc32c | Should -Be (Get-TestCrc32c $big.FullName)
        Get-TestObjectHash 'faults.bin' | Should -Be $bigHash
        (Invoke-RestMethod "$Emulator/retry_test/$id").completed | Should -BeTrue
    }

    It 'survives a 503 on initiate and on complete' {
        $id = New-RetryTest @{ 'storage.multipart.initiate' = @('return-503'); 'storage.multipart.complete' = @('return-503') }
        $headers = @{ 'x-retry-test-id' = $id }
        $object = New-GcsMpu "gs://$bucket/faults2.bin" -Headers $headers |
            Add-GcsMpuPart -Path $big.FullName -PartSize 5MB |
            Complete-GcsMpu -Headers $headers
        $object.Size | Should -Be 12MB
        (Invoke-RestMethod "$Emulator/retry_test/$id").completed | Should -BeTrue
    }

    It 'reports a part that keeps failing as one non-terminating error and outputs no parts for the file' {
        $upload = New-GcsMpu "gs://$bucket/fails.bin"
        $id = New-RetryTest @{ 'storage.multipart.uploadPart' = @('return-400') }
        $parts = $upload | Add-GcsMpuPart -Path $big.FullName -PartSize 5MB -ThrottleLimit 1 -Headers @{ 'x-retry-test-id' = $id } -ErrorVariable failures -ErrorAction SilentlyContinue
        $parts | Should -BeNullOrEmpty
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'GcsMedia.InvalidArgument,*'
        $failures[0].TargetObject | Should -Be "gs://$bucket/fails.bin"
        $failures[0].ErrorDetails.Message | Should -BeLike '*No part objects were output*Stop-GcsMpu*'
        $upload | Stop-GcsMpu
    }
}

Describe 'Progress and Ctrl+C' {
    BeforeAll {
        function New-IsolatedShell {
            $shell = [powershell]::Create()
            $null = $shell.AddScript("Import-Module '$ModuleManifest'; `$env:STORAGE_EMULATOR_HOST = '$Emulator'").Invoke()
            $shell.Commands.Clear()
            $shell
        }
    }

    It 'writes a parent record for the file and child records per part, each closed with Completed' {
        $upload = New-GcsMpu "gs://$bucket/progress.bin"
        $shell = New-IsolatedShell
        try {
            $null = $shell.AddCommand('Add-GcsMpuPart').AddParameter('Path', $big.FullName).AddParameter('PartSize', '5MB').
                AddParameter('Bucket', $bucket).AddParameter('ObjectName', 'progress.bin').AddParameter('UploadId', $upload.UploadId)
            $parts = $shell.Invoke()
            $shell.Streams.Error.Count | Should -Be 0
            $parts.Count | Should -Be 3
            $records = @($shell.Streams.Progress)
        }
        finally { $shell.Dispose() }

        $parents = @($records | Where-Object ParentActivityId -eq -1)
        $parentIds = @($parents.ActivityId | Select-Object -Unique)
        $parentIds.Count | Should -Be 1
        $parents[-1].RecordType | Should -Be 'Completed'
        $children = @($records | Where-Object ParentActivityId -eq $parentIds[0])
        ($children.ActivityId | Select-Object -Unique).Count | Should -Be 3
        foreach ($childId in $children.ActivityId | Select-Object -Unique) {
            $mine = @($children | Where-Object ActivityId -eq $childId)
            $mine[-1].RecordType | Should -Be 'Completed'
            $mine[0].Activity | Should -Match '^Part \d of 3$'
        }
        $upload | Stop-GcsMpu
    }

    It 'stops every part promptly when the pipeline is stopped (Ctrl+C)' {
        $upload = New-GcsMpu "gs://$bucket/stopped.bin"
        $id = New-RetryTest @{ 'storage.multipart.uploadPart' = @('stall-for-30s-after-64K', 'stall-for-30s-after-64K', 'stall-for-30s-after-64K') }
        $shell = New-IsolatedShell
        try {
            $null = $shell.AddCommand('Add-GcsMpuPart').AddParameter('Path', $big.FullName).AddParameter('PartSize', '5MB').
                AddParameter('Bucket', $bucket).AddParameter('ObjectName', 'stopped.bin').AddParameter('UploadId', $upload.UploadId).
                AddParameter('ThrottleLimit', 3).AddParameter('Headers', @{ 'x-retry-test-id' = $id })
            $async = $shell.BeginInvoke()
            $deadline = [DateTime]::UtcNow.AddSeconds(20)
            while ([DateTime]::UtcNow -lt $deadline -and @($shell.Streams.Progress | Where-Object ParentActivityId -ne -1).Count -lt 3) { Start-Sleep -Milliseconds 100 }
            Start-Sleep -Milliseconds 500
            $async.IsCompleted | Should -BeFalse
            $clock = [System.Diagnostics.Stopwatch]::StartNew()
            $shell.Stop()
            $clock.Stop()
            $clock.Elapsed.TotalSeconds | Should -BeLessThan 5
            $shell.InvocationStateInfo.State | Should -Be 'Stopped'
            $async.IsCompleted | Should -BeTrue
        }
        finally { $shell.Dispose() }
        $upload | Stop-GcsMpu
    }
}
