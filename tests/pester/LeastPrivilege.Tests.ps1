# Least privilege: every kind of upload works with a token that holds only storage.objects.create (plus the
# multipartUploads permissions an XML multipart upload needs), against an emulator started with --auth-tokens that
# enforces GCS's permission per method. The token travels in -Headers (Authorization: Bearer) because credentials
# for an http:// endpoint are not sent today; with credentials allowed for loopback endpoints, -AccessToken does the same.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot '..' '..' 'tools' 'BuildHelpers.ps1')
    $tokens = @{
        'lp-admin'      = @('storage.buckets.create', 'storage.buckets.get', 'storage.objects.create', 'storage.objects.get', 'storage.objects.list',
            'storage.objects.delete', 'storage.multipartUploads.create', 'storage.multipartUploads.abort', 'storage.multipartUploads.list',
            'storage.multipartUploads.listParts')
        'lp-create'     = @('storage.objects.create')
        'lp-mpu'        = @('storage.objects.create', 'storage.multipartUploads.create')
        'lp-mpu-abort'  = @('storage.multipartUploads.abort')
        'lp-mpu-list'   = @('storage.multipartUploads.list', 'storage.multipartUploads.listParts')
    }
    $tokenFile = Join-Path $TestDrive 'tokens.json'
    $tokens | ConvertTo-Json | Set-Content -LiteralPath $tokenFile
    $secured = Start-GcsEmulator -RepoRoot (Resolve-Path (Join-Path $PSScriptRoot '..' '..')).Path -ExtraArguments @('--auth-tokens', $tokenFile)
    $endpoint = $secured.Endpoint
    $env:GCSMEDIA_STATE_DIR = Join-Path $TestDrive 'state'

    function As([string] $Token) { @{ Endpoint = $endpoint; Headers = @{ Authorization = "Bearer $Token" } } }
    $admin = @{ Authorization = 'Bearer lp-admin' }
    $asAdmin = As 'lp-admin'
    $asCreate = As 'lp-create'
    $asMpu = As 'lp-mpu'
    $asAbort = As 'lp-mpu-abort'
    $asList = As 'lp-mpu-list'
    $bucket = 'least-' + [guid]::NewGuid().ToString('N').Substring(0, 12)
    Invoke-RestMethod -Method Post "$endpoint/storage/v1/b?project=test" -Headers $admin -Body (@{ name = $bucket } | ConvertTo-Json) -ContentType application/json | Out-Null
    $small = New-TestFile (Join-Path $TestDrive 'small.bin') 3000 5
    $big = New-TestFile (Join-Path $TestDrive 'big.bin') (11MB + 17) 6

    # The stored object's crc32c, read with the admin token (not through the module).
    function Get-StoredCrc32c([string] $Name) { (Invoke-RestMethod "$endpoint/storage/v1/b/$bucket/o/$([uri]::EscapeDataString($Name))" -Headers $admin).crc32c }
}

AfterAll {
    Stop-GcsEmulator $secured
    Remove-Item Env:GCSMEDIA_STATE_DIR -ErrorAction SilentlyContinue
}

Describe 'The emulator enforces the token map' {
    It 'refuses an upload without a token (401) and a read with a create-only token (403 naming storage.objects.get)' {
        { Send-GcsMedia -Path $small.FullName -Bucket $bucket -ObjectName anon -Endpoint $endpoint -ErrorAction Stop } | Should -Throw '*401*'
        Send-GcsMedia -Path $small.FullName -Bucket $bucket -ObjectName readback @asAdmin | Out-Null
        $err = { Receive-GcsMedia "gs://$bucket/readback" -OutFile (Join-Path $TestDrive 'r.bin') @asCreate -ErrorAction Stop } | Should -Throw -PassThru
        "$err" | Should -Match 'storage\.objects\.get'
    }
}

Describe 'Uploads with only storage.objects.create (+ multipartUploads.create for XML multipart)' {
    It '<Case> succeeds without any error or warning, and the object has the file''s crc32c' -ForEach @(
        @{ Case = 'Send-GcsMedia simple'; Token = 'lp-create'; Name = 'simple.bin'; S = { param($a) Send-GcsMedia -Path $small.FullName -Bucket $bucket -ObjectName simple.bin @a } }
        @{ Case = 'Send-GcsMedia multipart (-Metadata)'; Token = 'lp-create'; Name = 'multipart.bin'; S = { param($a) Send-GcsMedia -Path $small.FullName -Bucket $bucket -ObjectName multipart.bin -Metadata @{ k = 'v' } @a } }
        @{ Case = 'Send-GcsMedia -Resumable'; Token = 'lp-create'; Name = 'resumable.bin'; S = { param($a) Send-GcsMedia -Path $big.FullName -Bucket $bucket -ObjectName resumable.bin -Resumable -ChunkSize 4MB @a } }
        @{ Case = 'Send-GcsMedia -Parallel'; Token = 'lp-mpu'; Name = 'parallel.bin'; S = { param($a) Send-GcsMedia -Path $big.FullName -Bucket $bucket -ObjectName parallel.bin -Parallel -PartSize 5MB @a } }
        @{ Case = 'Resume-GcsUpload -SessionUri'; Token = 'lp-create'; Name = 'resumed.bin'; S = {
                param($a)
                $location = (Invoke-WebRequest -Method Post "$endpoint/upload/storage/v1/b/$bucket/o?uploadType=resumable&name=resumed.bin" -Headers $a.Headers -Body '{}' -ContentType application/json).Headers.Location
                Resume-GcsUpload -SessionUri (ConvertTo-SecureString "$location" -AsPlainText -Force) -Path $big.FullName -Uri "gs://$bucket/resumed.bin" @a } }
        @{ Case = 'New-GcsMpu | Add-GcsMpuPart | Complete-GcsMpu'; Token = 'lp-mpu'; Name = 'mpu.bin'; S = {
                param($a)
                $upload = New-GcsMpu -Uri "gs://$bucket/mpu.bin" @a
                $upload | Add-GcsMpuPart -Path $big.FullName -PartSize 5MB @a | Complete-GcsMpu @a } }
    ) {
        $result = & $S (As $Token) 2>&1 3>&1
        $problems = @($result | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] -or $_ -is [System.Management.Automation.WarningRecord] })
        $objects = @($result | Where-Object { $_ -isnot [System.Management.Automation.ErrorRecord] -and $_ -isnot [System.Management.Automation.WarningRecord] })
        @($problems | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] }) | Should -BeNullOrEmpty -Because "$($problems -join '; ')"
        Get-StoredCrc32c $Name | Should -Be (Get-TestCrc32c ($Name -like 'simple*' -or $Name -like 'multipart*' ? $small.FullName : $big.FullName))
        $objects[-1].Name | Should -Be $Name
        $objects[-1].Crc32c | Should -Be (Get-StoredCrc32c $Name)
        $warnings = @($problems | Where-Object { $_ -is [System.Management.Automation.WarningRecord] })
        if ($Case -like '*-Parallel') {
            # The XML API's completion answers XML, not the object, and takes no precondition: the existence check before and
            # the crc32c read-back after need storage.objects.get. Without it, each is a warning, never an error.
            $warnings.Count | Should -Be 2
            ($warnings -join "`n") | Should -Match 'storage\.objects\.get'
        }
        elseif ($Case -notlike '*Complete-GcsMpu') {
            $warnings | Should -BeNullOrEmpty -Because 'the upload response carries the object'
        }
    }

    It 'Complete-GcsMpu without storage.objects.get warns that the upload is complete and outputs name, size, combined crc32c and etag' {
        $upload = New-GcsMpu -Uri "gs://$bucket/warned.bin" @asMpu
        $parts = $upload | Add-GcsMpuPart -Path $big.FullName -PartSize 5MB @asMpu
        $object = $parts | Complete-GcsMpu @asMpu -WarningVariable warned -WarningAction SilentlyContinue -ErrorVariable failed
        $failed | Should -BeNullOrEmpty
        "$warned" | Should -Match 'complete'
        "$warned" | Should -Match 'storage\.objects\.get'
        $object.Name | Should -Be 'warned.bin'
        $object.Size | Should -Be $big.Length
        $object.Crc32c | Should -Be (Get-TestCrc32c $big.FullName)
        $object.ETag | Should -Match '-3"?$'
        $object.Generation | Should -BeGreaterThan 0
    }
}

Describe 'The other MPU cmdlets need only their own permission' {
    It 'Get-GcsMpu and Get-GcsMpuPart with multipartUploads.list/listParts; Stop-GcsMpu with multipartUploads.abort' {
        $upload = New-GcsMpu -Uri "gs://$bucket/listed.bin" @asMpu
        $upload | Add-GcsMpuPart -Path $small.FullName -PartNumber 1 @asMpu | Out-Null
        $listed = Get-GcsMpu -Bucket $bucket -Prefix listed @asList
        $listed.UploadId | Should -Be $upload.UploadId
        @($listed | Get-GcsMpuPart @asList).PartNumber | Should -Be @(1)
        $listed | Stop-GcsMpu @asAbort -ErrorVariable failed
        $failed | Should -BeNullOrEmpty
        Get-GcsMpu -Bucket $bucket -Prefix listed @asList | Should -BeNullOrEmpty
    }
}
