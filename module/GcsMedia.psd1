@{
    RootModule             = 'GcsMedia.psm1'
    ModuleVersion          = '{{ModuleVersion}}'
    GUID                   = '5b0f3a8e-6c1d-4f4e-9a57-2f8c1e0d7b41'
    Author                 = 'GcsMedia contributors'
    CompanyName            = 'GcsMedia'
    Copyright              = '(c) GcsMedia contributors. Licensed under the Apache License 2.0.'
    Description            = 'Moves large files to and from Google Cloud Storage: checksum-validated whole, ranged and chunked downloads; simple, multipart and resumable uploads that can be finished from a new process; the XML multipart upload API. Works with the bundled emulator; never needs gcloud.'
    PowerShellVersion      = '5.1'
    CompatiblePSEditions   = @('Desktop', 'Core')
    FormatsToProcess       = @('GcsMedia.Format.ps1xml', 'GcsMedia.Mpu.Format.ps1xml')
    CmdletsToExport        = @(
        'Receive-GcsMedia'
        'Send-GcsMedia'
        'Resume-GcsUpload'
        'New-GcsMpu'
        'Add-GcsMpuPart'
        'Complete-GcsMpu'
        'Stop-GcsMpu'
        'Get-GcsMpu'
        'Get-GcsObject'
        'Remove-GcsObject'
        'Copy-GcsObject'
        'Get-GcsMpuPart'
    )
    FunctionsToExport      = @()
    VariablesToExport      = @()
    AliasesToExport        = @()
    PrivateData            = @{
        PSData = @{
            Tags         = @('GCS', 'GoogleCloudStorage', 'Storage', 'Upload', 'Download', 'Resumable', 'Multipart', 'Crc32c', 'Cloud', 'PSEdition_Core', 'PSEdition_Desktop', 'Windows', 'Linux', 'MacOS')
            LicenseUri   = 'https://www.apache.org/licenses/LICENSE-2.0'
            ReleaseNotes = 'See CHANGELOG.md in the project repository.'
        }
    }
}
