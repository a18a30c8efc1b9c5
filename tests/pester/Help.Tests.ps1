# Every exported cmdlet has help built from docs/help: a synopsis, a description, every parameter described,
# and at least two examples.
BeforeDiscovery {
    Import-Module (Join-Path $env:GCSMEDIA_MODULE_PATH 'GcsMedia.psd1') -Force
    $script:Commands = @(Get-Command -Module GcsMedia -CommandType Cmdlet | ForEach-Object { @{ Name = $_.Name } })
    $common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
    $script:Parameters = @(foreach ($command in Get-Command -Module GcsMedia -CommandType Cmdlet) {
            foreach ($name in $command.Parameters.Keys | Where-Object { $_ -notin $common }) { @{ Command = $command.Name; Parameter = $name } }
        })
}

BeforeAll {
    Import-Module (Join-Path $env:GCSMEDIA_MODULE_PATH 'GcsMedia.psd1') -Force
}

Describe 'Help for <Name>' -ForEach $Commands {
    BeforeAll { $help = Get-Help $Name -Full }

    It 'has a synopsis that is not the generated syntax' {
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -BeLike "*$Name *[<CommonParameters>]*"
    }

    It 'has a description' {
        ($help.description.Text -join ' ').Trim() | Should -Not -BeNullOrEmpty
    }

    It 'has at least two examples with code' {
        @($help.examples.example).Count | Should -BeGreaterOrEqual 2
        foreach ($example in $help.examples.example) { $example.code | Should -Not -BeNullOrEmpty }
    }
}

Describe 'Help for <Command> -<Parameter>' -ForEach $Parameters {
    It 'describes the parameter' {
        $entry = (Get-Help $Command -Parameter $Parameter)
        ($entry.description.Text -join ' ').Trim() | Should -Not -BeNullOrEmpty
    }
}

Describe 'about_GcsMedia' {
    It 'is shipped as an about topic' {
        $text = Get-Help about_GcsMedia | Out-String
        $text | Should -Match 'GcsMedia'
        $text | Should -Match 'STORAGE_EMULATOR_HOST'
    }
}
