# -WhatIf on every cmdlet that writes or deletes anything: nothing that changes state reaches the server, and no
# file is written. "Reaches the server" is checked against the live emulator: every call carries the id of a retry
# test holding return-400 instructions for each state-changing method, and not one of them may be consumed.
BeforeDiscovery {
    Import-Module (Join-Path $env:GCSMEDIA_MODULE_PATH 'GcsMedia.psd1') -Force
    # Cmdlets that only read have the Get verb; every other one changes something.
    $script:Changing = @(Get-Command -Module GcsMedia -CommandType Cmdlet | Where-Object Verb -ne 'Get' | ForEach-Object Name)
    $script:Cases = @(
        @{ Cmdlet = 'Send-GcsMedia'; Case = 'simple upload of a file'; S = { Send-GcsMedia -Path $file -Bucket $bucket -ObjectName w1 -WhatIf @c } }
        @{ Cmdlet = 'Send-GcsMedia'; Case = 'multipart upload with metadata'; S = { Send-GcsMedia -Path $file -Bucket $bucket -ObjectName w2 -Metadata @{ k = 'v' } -WhatIf @c } }
        @{ Cmdlet = 'Send-GcsMedia'; Case = '-Resumable'; S = { Send-GcsMedia -Path $file -Bucket $bucket -ObjectName w3 -Resumable -WhatIf @c } }
        @{ Cmdlet = 'Send-GcsMedia'; Case = '-Parallel'; S = { Send-GcsMedia -Path $big -Bucket $bucket -ObjectName w4 -Parallel -PartSize 5MB -WhatIf @c } }
        @{ Cmdlet = 'Send-GcsMedia'; Case = '-Value'; S = { Send-GcsMedia -Value 'text' -Uri "gs://$bucket/w5" -WhatIf @c } }
        @{ Cmdlet = 'Send-GcsMedia'; Case = '-InputObject bytes'; S = { Send-GcsMedia -InputObject ([byte[]](1, 2, 3)) -Uri "gs://$bucket/w6" -WhatIf @c } }
        @{ Cmdlet = 'Send-GcsMedia'; Case = '-InputStream'; S = { Send-GcsMedia -InputStream ([System.IO.MemoryStream]::new([byte[]](1, 2))) -Uri "gs://$bucket/w7" -WhatIf @c } }
        @{ Cmdlet = 'Send-GcsMedia'; Case = '-Force over an existing object'; S = { Send-GcsMedia -Path $file -Uri "gs://$bucket/existing" -Force -WhatIf @c } }
        @{ Cmdlet = 'Receive-GcsMedia'; Case = 'download into a new file'; S = { Receive-GcsMedia "gs://$bucket/existing" -OutFile $out -WhatIf @c }; NoFile = $true }
        @{ Cmdlet = 'Resume-GcsUpload'; Case = '-SessionUri of an open session'; S = { Resume-GcsUpload -SessionUri $session -Path $file -Uri "gs://$bucket/resumed" -WhatIf @c } }
        @{ Cmdlet = 'New-GcsMpu'; Case = 'initiate'; S = { New-GcsMpu -Uri "gs://$bucket/w8" -WhatIf @c } }
        @{ Cmdlet = 'Add-GcsMpuPart'; Case = 'all parts of a file'; S = { $upload | Add-GcsMpuPart -Path $big -PartSize 5MB -WhatIf @c } }
        @{ Cmdlet = 'Add-GcsMpuPart'; Case = 'one part'; S = { $upload | Add-GcsMpuPart -Path $big -PartNumber 1 -PartSize 5MB -WhatIf @c } }
        @{ Cmdlet = 'Add-GcsMpuPart'; Case = 'all parts under $WhatIfPreference'; S = { $WhatIfPreference = $true; $upload | Add-GcsMpuPart -Path $big -PartSize 5MB @c } }
        @{ Cmdlet = 'Complete-GcsMpu'; Case = 'piped parts'; S = { $parts | Complete-GcsMpu -WhatIf @c } }
        @{ Cmdlet = 'Complete-GcsMpu'; Case = 'an upload without parts (from the server list)'; S = { $upload | Complete-GcsMpu -WhatIf @c } }
        @{ Cmdlet = 'Stop-GcsMpu'; Case = 'abort'; S = { $upload | Stop-GcsMpu -WhatIf @c } }
        @{ Cmdlet = 'Remove-GcsObject'; Case = 'delete with -Force'; S = { Remove-GcsObject "gs://$bucket/existing" -Force -WhatIf @c } }
        @{ Cmdlet = 'Copy-GcsObject'; Case = 'server-side copy'; S = { Copy-GcsObject "gs://$bucket/existing" "gs://$bucket/copied" -Force -WhatIf @c } }
    ) | Where-Object { Get-Command $_.Cmdlet -Module GcsMedia -ErrorAction SilentlyContinue }   # the cmdlets this build has
    $script:Covered = @($script:Cases | ForEach-Object { $_.Cmdlet } | Sort-Object -Unique)
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $bucket = New-TestBucket whatif
    $env:GCSMEDIA_STATE_DIR = Join-Path $TestDrive 'state'
    $file = (New-TestFile (Join-Path $TestDrive 'in.bin') 1000 1).FullName
    $big = (New-TestFile (Join-Path $TestDrive 'big.bin') (11MB) 2).FullName
    $out = Join-Path $TestDrive 'out.bin'
    Send-TestObject $bucket 'existing' ([byte[]](1, 2, 3)) | Out-Null
    $location = (Invoke-WebRequest -Method Post "$Emulator/upload/storage/v1/b/$bucket/o?uploadType=resumable&name=resumed" -Body '{}' -ContentType application/json).Headers.Location
    $session = ConvertTo-SecureString -String "$location" -AsPlainText -Force
    $upload = New-GcsMpu -Uri "gs://$bucket/mpu.bin"
    $parts = $upload | Add-GcsMpuPart -Path $big -PartSize 5MB

    $changing = 'storage.objects.insert', 'storage.objects.delete', 'storage.objects.rewrite',
    'storage.multipart.initiate', 'storage.multipart.uploadPart', 'storage.multipart.complete', 'storage.multipart.abort'
    $instructions = @{}
    foreach ($m in $changing) { $instructions[$m] = @(1..50 | ForEach-Object { 'return-400' }) }
    $id = New-RetryTest $instructions
    $c = @{ Headers = @{ 'x-retry-test-id' = $id }; Endpoint = $Emulator }
    function Get-Remaining { $t = Invoke-RestMethod "$Emulator/retry_test/$id"; (@($t.instructions.PSObject.Properties | ForEach-Object { @($_.Value).Count }) | Measure-Object -Sum).Sum }
    function Get-ObjectNames { @((Invoke-RestMethod "$Emulator/storage/v1/b/$bucket/o").items | ForEach-Object name) }
}

AfterAll {
    Remove-Item Env:GCSMEDIA_STATE_DIR -ErrorAction SilentlyContinue
}

Describe '-WhatIf' {
    It 'every cmdlet that changes something supports -WhatIf and has a case here: <_>' -ForEach $Changing {
        (Get-Command $_).Parameters.ContainsKey('WhatIf') | Should -BeTrue
        $_ | Should -BeIn $Covered -Because 'a new cmdlet that writes or deletes needs a -WhatIf case in this table'
    }

    It '<Cmdlet> <Case>: says what it would do, changes nothing' -ForEach $Cases {
        $before = Get-Remaining
        $objects = Get-ObjectNames
        $partsBefore = @($upload | Get-GcsMpuPart).Count
        & $S | Out-Null
        Get-Remaining | Should -Be $before -Because 'no state-changing request may reach the server'
        Get-ObjectNames | Should -Be $objects
        @($upload | Get-GcsMpuPart).Count | Should -Be $partsBefore
        @(Get-GcsMpu -Bucket $bucket | Where-Object UploadId -eq $upload.UploadId).Count | Should -Be 1
        if ($NoFile) { Test-Path $out | Should -BeFalse; Test-Path "$out.partial" | Should -BeFalse }
    }
}
