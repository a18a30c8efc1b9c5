# The built module: manifest, exports, import behaviour and assembly isolation (the module's own load context).
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $pwsh = Get-PwshPath
}

Describe 'The GcsMedia manifest' {
    It 'is valid and carries the version from Directory.Build.props' {
        $manifest = Test-ModuleManifest -Path $ModuleManifest
        $manifest.Version | Should -Not -BeNullOrEmpty
        (Get-Content $ModuleManifest -Raw) | Should -Not -Match '\{\{ModuleVersion\}\}'
        $props = [xml](Get-Content (Join-Path $PSScriptRoot '../../Directory.Build.props') -Raw)
        $manifest.Version.ToString() | Should -Be (@($props.Project.PropertyGroup.GcsMediaVersion) | Where-Object { $_ } | Select-Object -First 1)
    }

    It 'declares both editions, PowerShell 5.1, formats and explicit exports' {
        $data = Import-PowerShellDataFile $ModuleManifest
        $data.CompatiblePSEditions | Should -Be @('Desktop', 'Core')
        $data.PowerShellVersion | Should -Be '5.1'
        $data.FormatsToProcess | Should -Be @('GcsMedia.Format.ps1xml', 'GcsMedia.Mpu.Format.ps1xml')
        $data.CmdletsToExport | Should -Contain 'Receive-GcsMedia'
        $data.CmdletsToExport | Should -Contain 'Send-GcsMedia'
        $data.CmdletsToExport | Should -Contain 'Resume-GcsUpload'
        $data.CmdletsToExport | Should -Not -Contain '*'
        $data.FunctionsToExport.Count | Should -Be 0
        $data.AliasesToExport.Count | Should -Be 0
        $data.VariablesToExport.Count | Should -Be 0
        $data.PrivateData.PSData.LicenseUri | Should -Match '^https://'
        $data.PrivateData.PSData.Tags | Should -Contain 'GCS'
        $data.RequiredAssemblies | Should -BeNullOrEmpty
    }

    It 'ships the net8.0 build with the Loader and the netstandard2.0 build, without System.Management.Automation' {
        $bin = Join-Path $env:GCSMEDIA_MODULE_PATH 'bin'
        Test-Path (Join-Path $bin 'net8.0/GcsMedia.Loader.dll') | Should -BeTrue
        Test-Path (Join-Path $bin 'net8.0/GcsMedia.Cmdlets.dll') | Should -BeTrue
        Test-Path (Join-Path $bin 'net8.0/Google.Apis.Auth.dll') | Should -BeTrue
        Test-Path (Join-Path $bin 'net8.0/Newtonsoft.Json.dll') | Should -BeTrue
        Test-Path (Join-Path $bin 'netstandard2.0/GcsMedia.Cmdlets.dll') | Should -BeTrue
        @(Get-ChildItem $bin -Recurse -Filter 'System.Management.Automation.dll').Count | Should -Be 0
    }
}

Describe 'Importing GcsMedia' {
    It 'exports the transfer cmdlets with OutputType declared' {
        $names = (Get-Command -Module GcsMedia -CommandType Cmdlet).Name
        $names | Should -Contain 'Receive-GcsMedia'
        $names | Should -Contain 'Send-GcsMedia'
        $names | Should -Contain 'Resume-GcsUpload'
        (Get-Command Receive-GcsMedia).OutputType.Name | Should -Be 'GcsMedia.Cmdlets.GcsDownloadResult'
        (Get-Command Send-GcsMedia).OutputType.Name | Should -Be 'GcsMedia.Cmdlets.GcsObject'
        (Get-Command Resume-GcsUpload).OutputType.Name | Should -Be 'GcsMedia.Cmdlets.GcsObject'
    }

    It 'keeps its cmdlets after Import-Module -Force (twice)' {
        Import-Module $ModuleManifest -Force
        Import-Module $ModuleManifest -Force
        (Get-Module GcsMedia).ExportedCmdlets.Keys | Should -Contain 'Send-GcsMedia'
        (Get-Command Send-GcsMedia).Module.Name | Should -Be 'GcsMedia'
    }

    It 'loads the cmdlet and protocol assemblies into the GcsMedia load context' {
        Send-GcsMedia -Value 'alc' -Uri "gs://$(New-TestBucket alc)/alc.txt" | Out-Null
        foreach ($name in 'GcsMedia.Cmdlets', 'GcsMedia.Protocol', 'Newtonsoft.Json') {
            $assemblies = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq $name -and $_.Location -like "$($env:GCSMEDIA_MODULE_PATH)*" }
            $assemblies | Should -Not -BeNullOrEmpty -Because "$name should be loaded from the module folder"
            foreach ($assembly in $assemblies) {
                $context = [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($assembly)
                $context | Should -Not -Be ([System.Runtime.Loader.AssemblyLoadContext]::Default)
                $context.Name | Should -Be 'GcsMedia'
            }
        }
    }

    It 'loads Google.Apis.Auth into the GcsMedia load context when credentials are used' {
        $key = Join-Path $TestDrive 'key.json'
        '{"type":"service_account","client_email":"x@example.iam.gserviceaccount.com"}' | Set-Content $key
        { Receive-GcsMedia gs://b/o -OutFile (Join-Path $TestDrive 'o.bin') -KeyFile $key -Endpoint 'https://127.0.0.1:9' -ErrorAction Stop } | Should -Throw
        $auth = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'Google.Apis.Auth' }
        $auth | Should -Not -BeNullOrEmpty
        foreach ($assembly in $auth) {
            [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($assembly).Name | Should -Be 'GcsMedia'
            $assembly.Location | Should -BeLike "$($env:GCSMEDIA_MODULE_PATH)*"
        }
    }

    It 'imports and works in a fresh pwsh that already loaded another Newtonsoft.Json, without prompting' {
        $bucket = New-TestBucket fresh
        $script = @"
`$ErrorActionPreference = 'Stop'
`$null = [Newtonsoft.Json.JsonConvert]::SerializeObject(@{ a = 1 })   # PowerShell's own copy, default context
Import-Module '$ModuleManifest'
`$o = Send-GcsMedia -Value 'fresh process' -Uri 'gs://$bucket/fresh.txt'
`$contexts = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'Newtonsoft.Json' } |
    ForEach-Object { [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$_).Name }
"RESULT `$(`$o.Size) `$((`$contexts | Sort-Object) -join ',')"
"@
        $output = & $pwsh -NoProfile -NonInteractive -Command $script 2>&1
        $LASTEXITCODE | Should -Be 0 -Because ($output | Out-String)
        ($output | Where-Object { "$_" -like 'RESULT *' }) | Should -Be 'RESULT 13 Default,GcsMedia'
    }
}
