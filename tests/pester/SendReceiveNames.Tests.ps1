# One name per object per invocation, prefixes, folders as -OutFile and content types (issue 9): Send-GcsMedia and
# Receive-GcsMedia against the emulator.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $bucket = New-TestBucket names
    $env:GCSMEDIA_STATE_DIR = Join-Path $TestDrive 'state'
    $site = New-Item -ItemType Directory (Join-Path $TestDrive 'site')
    $null = New-Item -ItemType Directory (Join-Path $site 'a'), (Join-Path $site 'b')
    $sameA = New-TestFile (Join-Path $site 'a/same.txt') 100 1
    $sameB = New-TestFile (Join-Path $site 'b/same.txt') 200 2
    $other = New-TestFile (Join-Path $site 'b/other.bin') 300 3
}

AfterAll { Remove-Item Env:GCSMEDIA_STATE_DIR -ErrorAction SilentlyContinue }

Describe 'Send-GcsMedia: one name per object per invocation' {
    It 'stops before any upload when two piped files map to one object name, naming both (<Case>)' -ForEach @(
        @{ Case = 'with -Force'; Force = $true; Prefix = 'force/' }
        @{ Case = 'without -Force'; Force = $false; Prefix = 'noforce/' }
    ) {
        $caught = $null
        try { Get-ChildItem $site -File -Recurse | Sort-Object FullName | Send-GcsMedia -Bucket $bucket -ObjectName $Prefix -Force:$Force -ErrorAction Stop | Out-Null }
        catch { $caught = $_ }
        $caught | Should -Not -BeNullOrEmpty
        $caught.FullyQualifiedErrorId | Should -BeLike 'GcsMedia.DuplicateObjectName,*'
        "$caught" | Should -Match ([regex]::Escape($sameA.FullName))
        "$caught" | Should -Match ([regex]::Escape($sameB.FullName))
        Get-TestObject $bucket "$($Prefix)same.txt" | Should -BeNullOrEmpty
        Get-TestObject $bucket "$($Prefix)other.bin" | Should -BeNullOrEmpty -Because 'nothing is sent before the plan is known to be sound'
    }

    It 'uploads the same file given twice once' {
        $results = @(Send-GcsMedia -Path $other.FullName, $other.FullName -Bucket $bucket -ObjectName 'twice/')
        $results.Count | Should -Be 1
        $results[0].Name | Should -Be 'twice/other.bin'
    }
}

Describe 'Send-GcsMedia: a trailing / in -Uri is a prefix, as in -ObjectName' {
    It 'puts each file under gs://bucket/folder/' {
        $result = Send-GcsMedia -Path $other.FullName -Uri "gs://$bucket/folder/"
        $result.Name | Should -Be 'folder/other.bin'
        (Get-TestObject $bucket 'folder/other.bin').size | Should -Be '300'
        Get-TestObject $bucket 'folder/' | Should -BeNullOrEmpty
    }

    It 'puts the file at the top of the bucket for gs://bucket/' {
        (Send-GcsMedia -Path $other.FullName -Uri "gs://$bucket/").Name | Should -Be 'other.bin'
    }

    It 'refuses a prefix for -Value, which has no file name' {
        { Send-GcsMedia -Value 'x' -Uri "gs://$bucket/folder/" -ErrorAction Stop } | Should -Throw -ErrorId 'GcsMedia.InvalidArgument,*'
    }
}

Describe 'Send-GcsMedia: content type from the file extension' {
    BeforeAll {
        $docs = New-Item -ItemType Directory (Join-Path $TestDrive 'docs')
        $pdf = New-TestFile (Join-Path $docs 'report.pdf') 50 4
        $txt = New-TestFile (Join-Path $docs 'c.txt') 50 5
        $unknown = New-TestFile (Join-Path $docs 'blob.xyz123') 50 6
    }

    It 'stores <Name> as <Type> (<Mode>)' -ForEach @(
        @{ Name = 'report.pdf'; Type = 'application/pdf'; Mode = 'simple'; Extra = @{} }
        @{ Name = 'c.txt'; Type = 'text/plain'; Mode = 'simple'; Extra = @{} }
        @{ Name = 'blob.xyz123'; Type = 'application/octet-stream'; Mode = 'simple'; Extra = @{} }
        @{ Name = 'report.pdf'; Type = 'application/pdf'; Mode = 'resumable'; Extra = @{ Resumable = $true } }
        @{ Name = 'c.txt'; Type = 'text/plain'; Mode = 'multipart'; Extra = @{ CacheControl = 'no-cache' } }
    ) {
        $result = Send-GcsMedia -Path (Join-Path $docs $Name) -Bucket $bucket -ObjectName "types/$Mode/$Name" @Extra
        $result.ContentType | Should -Be $Type
        (Get-TestObject $bucket "types/$Mode/$Name").contentType | Should -Be $Type
    }

    It 'takes -ContentType over the extension' {
        (Send-GcsMedia -Path $pdf.FullName -Bucket $bucket -ObjectName 'types/override.pdf' -ContentType 'application/x-custom').ContentType | Should -Be 'application/x-custom'
    }
}

Describe 'Receive-GcsMedia: folders and one file per object' {
    BeforeAll {
        Send-TestObject $bucket 'dl/one.bin' ([byte[]](1..10)) | Out-Null
        Send-TestObject $bucket 'dl/two.bin' ([byte[]](11..30)) | Out-Null
        Send-TestObject $bucket 'other/one.bin' ([byte[]](31..35)) | Out-Null
    }

    It 'writes into an existing folder given as -OutFile, under the last segment of the object name' {
        $into = New-Item -ItemType Directory (Join-Path $TestDrive 'into')
        $result = Receive-GcsMedia "gs://$bucket/dl/one.bin" -OutFile $into.FullName
        $result.Path | Should -Be (Join-Path $into.FullName 'one.bin')
        [System.IO.File]::ReadAllBytes($result.Path) | Should -Be ([byte[]](1..10))
    }

    It 'downloads several piped objects into one folder' {
        $into = New-Item -ItemType Directory (Join-Path $TestDrive 'many')
        $results = @("gs://$bucket/dl/one.bin", "gs://$bucket/dl/two.bin" | Receive-GcsMedia -OutFile $into.FullName)
        $results.Count | Should -Be 2
        (Get-ChildItem $into).Name | Sort-Object | Should -Be @('one.bin', 'two.bin')
    }

    It 'stops before the second of two objects overwrites the first in one -OutFile (<Case>)' -ForEach @(
        @{ Case = 'a file path with -Force'; Folder = $false }
        @{ Case = 'a folder, two objects with the same last segment'; Folder = $true }
    ) {
        $into = New-Item -ItemType Directory (Join-Path $TestDrive "clash-$Folder")
        $out = $Folder ? $into.FullName : (Join-Path $into.FullName 'x.bin')
        $caught = $null
        $written = @()
        try { "gs://$bucket/dl/one.bin", "gs://$bucket/other/one.bin" | Receive-GcsMedia -OutFile $out -Force -ErrorAction Stop | ForEach-Object { $written += $_ } }
        catch { $caught = $_ }
        $caught.FullyQualifiedErrorId | Should -BeLike 'GcsMedia.DuplicateOutFile,*'
        "$caught" | Should -Match ([regex]::Escape("gs://$bucket/dl/one.bin"))
        "$caught" | Should -Match ([regex]::Escape("gs://$bucket/other/one.bin"))
        $written.Count | Should -Be 1
        [System.IO.File]::ReadAllBytes($written[0].Path) | Should -Be ([byte[]](1..10)) -Because 'the first download is kept'
    }
}
