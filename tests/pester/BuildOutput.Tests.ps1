BeforeAll {
    $ModulePath = $env:GCSMEDIA_MODULE_PATH
}

Describe 'The built module folder' {
    It 'exists where build.ps1 put it' {
        $ModulePath | Should -Not -BeNullOrEmpty
        Test-Path -LiteralPath $ModulePath -PathType Container | Should -BeTrue
    }
}
