# Multipart uploads continued anywhere: parts uploaded by separate processes, completed by another from the server's
# list of parts (Get-GcsMpu | Complete-GcsMpu, Get-GcsMpuPart); and MPU/download output objects fit for scripts and
# for an 80-column screen.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $bucket = New-TestBucket anywhere
    $file = New-TestFile (Join-Path $TestDrive 'twelve.bin') (12MB + 123) 31
    $pwsh = Get-PwshPath

    # Runs a script in a new pwsh process with the built module imported; returns its output lines.
    function Invoke-InNewProcess([string] $Script) {
        $full = "`$ErrorActionPreference = 'Stop'; Import-Module '$ModuleManifest'; $Script"
        $output = & $pwsh -NoProfile -NonInteractive -Command $full 2>&1
        if ($LASTEXITCODE -ne 0) { throw "The pwsh process failed ($LASTEXITCODE): $($output -join "`n")" }
        $output
    }

    # Every line of the default view at 80 columns.
    function Get-ScreenLines($InputObject) { @(($InputObject | Out-String -Width 80) -split "`r?`n" | Where-Object { $_.Trim() }) }
}

Describe 'Parts from anywhere, completed from anywhere' {
    It 'completes an upload whose parts two separate processes uploaded, in a third process (Get-GcsMpu | Complete-GcsMpu)' {
        $name = 'three-processes.bin'
        $upload = New-GcsMpu -Uri "gs://$bucket/$name" -ContentType application/x-test
        $state = Join-Path $TestDrive 'upload.xml'
        $upload | Export-Clixml -LiteralPath $state

        Invoke-InNewProcess "Import-Clixml '$state' | Add-GcsMpuPart -Path '$($file.FullName)' -PartNumber 1 -PartSize 5MB | Out-Null"
        Invoke-InNewProcess "2, 3 | ForEach-Object { Import-Clixml '$state' | Add-GcsMpuPart -Path '$($file.FullName)' -PartNumber `$_ -PartSize 5MB } | Out-Null"
        $json = Invoke-InNewProcess "Get-GcsMpu -Bucket '$bucket' -Prefix '$name' | Complete-GcsMpu | Select-Object Name, Size, Crc32c, ContentType | ConvertTo-Json -Compress"
        $completed = ($json -join '') | ConvertFrom-Json

        $completed.Name | Should -Be $name
        $completed.Size | Should -Be $file.Length
        $completed.Crc32c | Should -Be (Get-TestCrc32c $file.FullName)
        $completed.ContentType | Should -Be 'application/x-test'
        $out = Join-Path $TestDrive 'back.bin'
        Invoke-WebRequest "$Emulator/download/storage/v1/b/$bucket/o/$name`?alt=media" -OutFile $out
        (Get-FileHash $out).Hash | Should -Be (Get-FileHash $file.FullName).Hash
        Get-GcsMpu -Bucket $bucket -Prefix $name | Should -BeNullOrEmpty
    }

    It 'Get-GcsMpuPart lists the parts in order (paged past one page), and they pipe into Complete-GcsMpu' {
        $upload = New-GcsMpu -Uri "gs://$bucket/listed.bin"
        3, 1, 2 | ForEach-Object { $upload | Add-GcsMpuPart -Path $file.FullName -PartNumber $_ -PartSize 5MB } | Out-Null
        $parts = @($upload | Get-GcsMpuPart)
        $parts.PartNumber | Should -Be @(1, 2, 3)
        ($parts | Measure-Object Size -Sum).Sum | Should -Be $file.Length
        $parts[0].GetType().Name | Should -Be 'MpuPart'
        $parts[0].Uri | Should -Be "gs://$bucket/listed.bin"
        $parts[0].LastModified | Should -Not -BeNullOrEmpty
        $object = $parts | Complete-GcsMpu
        $object.Crc32c | Should -Be (Get-TestCrc32c $file.FullName)
    }

    It 'Complete-GcsMpu -Uri -UploadId without parts completes from the server''s list' {
        $upload = New-GcsMpu -Uri "gs://$bucket/by-id.bin"
        $upload | Add-GcsMpuPart -Path $file.FullName -PartSize 5MB | Out-Null
        $object = Complete-GcsMpu -Uri "gs://$bucket/by-id.bin" -UploadId $upload.UploadId
        $object.Size | Should -Be $file.Length
        $object.Crc32c | Should -Be (Get-TestCrc32c $file.FullName)
    }

    It 'refuses to complete from a server list with a gap (MissingParts) or without parts (NoParts), leaving the upload open' {
        $gap = New-GcsMpu -Uri "gs://$bucket/gap.bin"
        1, 3 | ForEach-Object { $gap | Add-GcsMpuPart -Path $file.FullName -PartNumber $_ -PartSize 5MB } | Out-Null
        $gap | Complete-GcsMpu -ErrorVariable failed -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'GcsMedia.MissingParts*'
        "$($failed[0])" | Should -Match 'Parts 2 '
        $empty = New-GcsMpu -Uri "gs://$bucket/empty.bin"
        $empty | Complete-GcsMpu -ErrorVariable none -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $none[0].FullyQualifiedErrorId | Should -BeLike 'GcsMedia.NoParts*'
        @(Get-GcsMpu -Bucket $bucket | Where-Object UploadId -in $gap.UploadId, $empty.UploadId).Count | Should -Be 2
        $gap, $empty | Stop-GcsMpu
    }

    It 'still refuses a piped part without an ETag (naming -ETag) instead of completing from the server' {
        { [pscustomobject]@{ Bucket = $bucket; ObjectName = 'x'; UploadId = 'u'; PartNumber = 1 } | Complete-GcsMpu } |
            Should -Throw -ExpectedMessage '*ETag*'
    }
}

Describe 'Output objects fit for scripts and screens' {
    It 'New-GcsMpu fills Uri, ContentType and Initiated' {
        $upload = New-GcsMpu "gs://$bucket/out.bin" -ContentType text/plain
        $upload.Uri | Should -Be "gs://$bucket/out.bin"
        $upload.ContentType | Should -Be 'text/plain'
        $upload.Initiated | Should -BeOfType [datetime]
        $upload | Stop-GcsMpu
    }

    It 'Stop-GcsMpu -PassThru keeps Initiated and ContentType of the piped upload' {
        $upload = New-GcsMpu "gs://$bucket/passthru.bin" -ContentType text/csv
        $stopped = $upload | Stop-GcsMpu -PassThru
        $stopped.Initiated | Should -Be $upload.Initiated
        $stopped.ContentType | Should -Be 'text/csv'
        $stopped.Uri | Should -Be $upload.Uri
    }

    It 'Get-GcsMpu''s default table has no always-empty ContentType column (ListMultipartUploads does not report it) and shows the URI' {
        $upload = New-GcsMpu "gs://$bucket/listed-view.bin"
        $lines = Get-ScreenLines (Get-GcsMpu -Bucket $bucket -Prefix listed-view)
        $lines[0] | Should -Not -Match 'ContentType'
        ($lines -join "`n") | Should -Match ([regex]::Escape("gs://$bucket/listed-view.bin"))
        $lines | ForEach-Object { $_.Length | Should -BeLessOrEqual 80 }
        $upload | Stop-GcsMpu
    }

    It 'every default table fits 80 columns and shows the gs:// URI or the file: <Case>' -ForEach @(
        @{ Case = 'Send-GcsMedia'; Make = { Send-GcsMedia -Path $file.FullName -Bucket $bucket -ObjectName 'views/sent.bin' -Force }; Expect = { "gs://$bucket/views/sent.bin" } }
        @{ Case = 'New-GcsMpu'; Make = { New-GcsMpu "gs://$bucket/views/mpu.bin" }; Expect = { "gs://$bucket/views/mpu.bin" } }
        @{ Case = 'Add-GcsMpuPart'; Make = { New-GcsMpu "gs://$bucket/views/part.bin" | Add-GcsMpuPart -Path $file.FullName -PartNumber 1 -PartSize 5MB }; Expect = { "gs://$bucket/views/part.bin" } }
    ) {
        $lines = Get-ScreenLines (& $Make)
        $lines | ForEach-Object { $_.Length | Should -BeLessOrEqual 80 }
        ($lines -join "`n") | Should -Match ([regex]::Escape((& $Expect)))
    }

    It 'Receive-GcsMedia''s table shows the file and a Range of "whole" (no empty Start/End/ContentRange columns)' {
        Send-GcsMedia -Path $file.FullName -Bucket $bucket -ObjectName 'views/get.bin' -Force | Out-Null
        $folder = Join-Path $TestDrive 'a-folder-with-a-fairly-long-name-for-80-columns'
        New-Item -ItemType Directory $folder | Out-Null
        Push-Location $folder
        try {
            $whole = Receive-GcsMedia "gs://$bucket/views/get.bin" -OutFile (Join-Path $folder 'downloaded-object.bin')
            $ranged = Receive-GcsMedia "gs://$bucket/views/get.bin" -OutFile (Join-Path $folder 'first-hundred.bin') -Start 0 -End 99
            $lines = Get-ScreenLines @($whole, $ranged)
        }
        finally { Pop-Location }
        $lines[0] | Should -Not -Match '\bStart\b|\bEnd\b|ContentRange'
        $lines | ForEach-Object { $_.Length | Should -BeLessOrEqual 80 }
        $lines[2] | Should -Match 'whole\s.*downloaded-object\.bin$'
        $lines[3] | Should -Match '0-99\s.*first-hundred\.bin$'
        $whole.Range | Should -Be 'whole'
    }
}
