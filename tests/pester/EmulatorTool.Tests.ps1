# The emulator as a .NET tool: tools/Build-EmulatorTool.ps1 packs it (as build.ps1 -Task Package does), dotnet tool
# install puts it in a temporary --tool-path, and the installed gcs-emulator serves a Send/Receive round trip of the
# built module.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $repoRoot = Resolve-Path (Join-Path $PSScriptRoot '../..')
    $packageDir = Join-Path $TestDrive 'tool-package'
    $package = & (Join-Path $repoRoot 'tools/Build-EmulatorTool.ps1') -RepoRoot $repoRoot -OutDir $packageDir 6>$null |
        Where-Object { $_ -is [System.IO.FileInfo] }
    $toolPath = Join-Path $TestDrive 'tools'
    # A private NuGet cache, so the install reads this build's package and not one cached under the same version.
    $previousNuGet = $env:NUGET_PACKAGES
    $env:NUGET_PACKAGES = Join-Path $TestDrive 'nuget'
    try { $installOutput = & dotnet tool install --tool-path $toolPath --add-source $packageDir --ignore-failed-sources GcsMedia.Emulator 2>&1 }
    finally { $env:NUGET_PACKAGES = $previousNuGet }
    $installExit = $LASTEXITCODE
    $command = Join-Path $toolPath ($IsWindows ? 'gcs-emulator.exe' : 'gcs-emulator')

    $tool = $null
    if ($installExit -eq 0) {
        $info = [System.Diagnostics.ProcessStartInfo]::new($command)
        foreach ($a in @('--port', '0', '--bucket', 'tool-bucket')) { $info.ArgumentList.Add($a) }
        $info.RedirectStandardOutput = $true
        $info.RedirectStandardError = $true
        $info.UseShellExecute = $false
        $tool = [System.Diagnostics.Process]::Start($info)
        $firstLine = $tool.StandardOutput.ReadLineAsync()
        if (-not $firstLine.Wait(60000)) { $tool.Kill($true); throw "gcs-emulator printed nothing within 60 s: $($tool.StandardError.ReadToEnd())" }
        $secondLine = $tool.StandardOutput.ReadLine()
        $null = $tool.StandardOutput.ReadToEndAsync()
        $null = $tool.StandardError.ReadToEndAsync()
        $toolEndpoint = $firstLine.Result.Trim()
    }
}

AfterAll {
    if ($tool -and -not $tool.HasExited) { $tool.Kill($true); $tool.WaitForExit(10000) | Out-Null }
}

Describe 'The gcs-emulator tool package' {
    It 'is a tool nupkg named GcsMedia.Emulator.<version>' {
        $package | Should -Not -BeNullOrEmpty
        $package.Name | Should -Match '^GcsMedia\.Emulator\.\d+\.\d+\.\d+\.nupkg$'
        $zip = [System.IO.Compression.ZipFile]::OpenRead($package.FullName)
        try { $zip.Entries.FullName | Should -Contain 'tools/net10.0/any/DotnetToolSettings.xml' }
        finally { $zip.Dispose() }
    }

    It 'installs into a temporary tool path as the gcs-emulator command' {
        $installExit | Should -Be 0 -Because ($installOutput | Out-String)
        Test-Path $command | Should -BeTrue
    }

    It 'starts, prints its URL and the STORAGE_EMULATOR_HOST line, and has the --bucket bucket' {
        $toolEndpoint | Should -Match '^http://127\.0\.0\.1:\d+$'
        $secondLine | Should -Be "STORAGE_EMULATOR_HOST=$toolEndpoint"
        (Invoke-RestMethod "$toolEndpoint/storage/v1/b/tool-bucket").name | Should -Be 'tool-bucket'
    }

    It 'serves a Send-GcsMedia / Receive-GcsMedia round trip with matching crc32c' {
        $file = New-TestFile (Join-Path $TestDrive 'round-trip.bin') (3MB + 17) 11
        $expected = Get-TestCrc32c $file.FullName
        $sent = Send-GcsMedia -Path $file.FullName -Uri 'gs://tool-bucket/round-trip.bin' -Endpoint $toolEndpoint
        $sent.Crc32c | Should -Be $expected
        $out = Join-Path $TestDrive 'round-trip.out'
        Receive-GcsMedia -Uri 'gs://tool-bucket/round-trip.bin' -OutFile $out -Endpoint $toolEndpoint | Out-Null
        Get-TestCrc32c $out | Should -Be $expected
        (Get-Item $out).Length | Should -Be $file.Length
    }
}
