# The PowerShell Gallery package: build.ps1 -Task Package's script publishes out/GcsMedia into a local file
# repository; Install-PSResource installs it from there into a temporary path; a fresh pwsh imports the
# installed copy and moves a file up and down against the emulator.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $repoRoot = Resolve-Path (Join-Path $PSScriptRoot '../..')
    $outRoot = Join-Path $TestDrive 'out'
    $staged = Join-Path $outRoot 'GcsMedia'
    Copy-Item -Recurse $env:GCSMEDIA_MODULE_PATH $staged
    $package = & (Join-Path $repoRoot 'tools/Build-Package.ps1') -RepoRoot $repoRoot -ModuleOut $staged 6>$null |
        Where-Object { $_ -is [System.IO.FileInfo] }
    $installRoot = Join-Path $TestDrive 'installed'
    New-Item -ItemType Directory $installRoot | Out-Null
    $repositoryName = "GcsMediaPackageTest$PID"
    Register-PSResourceRepository -Name $repositoryName -Uri $package.DirectoryName -Trusted
    $bucket = New-TestBucket pkg
}

AfterAll {
    Unregister-PSResourceRepository -Name $repositoryName -ErrorAction SilentlyContinue
}

Describe 'The Gallery-format package' {
    It 'is a nupkg named after the module and its version' {
        $version = (Import-PowerShellDataFile (Join-Path $staged 'GcsMedia.psd1')).ModuleVersion
        $package.Name | Should -Be "GcsMedia.$version.nupkg"
        $entries = [System.IO.Compression.ZipFile]::OpenRead($package.FullName)
        try {
            $names = $entries.Entries.FullName
            $names | Should -Contain 'GcsMedia.psd1'
            $names | Should -Contain 'bin/net8.0/GcsMedia.Cmdlets.dll'
            $names | Should -Contain 'en-US/GcsMedia.Cmdlets.dll-Help.xml'
            $names | Should -Contain 'LICENSE'
        }
        finally { $entries.Dispose() }
    }

    It 'installs with Install-PSResource and works in a fresh pwsh: upload, then download' {
        Save-PSResource -Name GcsMedia -Repository $repositoryName -Path $installRoot -TrustRepository -SkipDependencyCheck
        $manifest = Get-ChildItem $installRoot -Recurse -Filter GcsMedia.psd1 | Select-Object -First 1
        $manifest | Should -Not -BeNullOrEmpty
        $source = New-TestFile (Join-Path $TestDrive 'pkg.bin') 700KB 7
        $copy = Join-Path $TestDrive 'pkg.copy.bin'
        $script = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$($manifest.FullName)'
`$module = Get-Module GcsMedia
`$sent = Send-GcsMedia -Path '$($source.FullName)' -Uri 'gs://$bucket/pkg.bin' -Resumable -ChunkSize 256KB
`$got = Receive-GcsMedia -Uri 'gs://$bucket/pkg.bin' -OutFile '$copy'
[pscustomobject]@{ Base = `$module.ModuleBase; Crc = `$sent.Crc32c; Verified = `$got.ChecksumVerified } | ConvertTo-Json -Compress
"@
        $output = & (Get-PwshPath) -NoProfile -NonInteractive -Command $script
        $LASTEXITCODE | Should -Be 0
        $result = $output | Select-Object -Last 1 | ConvertFrom-Json
        $result.Base | Should -BeLike "$installRoot*"
        $result.Crc | Should -Be (Get-TestCrc32c $source.FullName)
        $result.Verified | Should -BeTrue
        (Get-FileHash $copy).Hash | Should -Be (Get-FileHash $source.FullName).Hash
    }
}
