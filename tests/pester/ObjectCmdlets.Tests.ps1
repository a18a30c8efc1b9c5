# Get-GcsObject, Remove-GcsObject and Copy-GcsObject end to end against the emulator, through the BUILT module.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')

    function New-TreeBucket {
        $b = New-TestBucket objects
        foreach ($name in 'top/a.txt', 'top/b.txt', 'top/sub/c.txt', 'top/sub/deeper/d.txt', 'top/other/e.txt', 'root.txt') {
            Send-TestObject $b $name ([System.Text.Encoding]::UTF8.GetBytes("content of $name")) | Out-Null
        }
        $b
    }

    function Get-ServerNames([string] $Bucket, [string] $Prefix = '') {
        $names = @()
        $token = $null
        do {
            $url = "$Emulator/storage/v1/b/$Bucket/o?prefix=$([uri]::EscapeDataString($Prefix))" + $(if ($token) { "&pageToken=$([uri]::EscapeDataString($token))" })
            $page = Invoke-RestMethod $url
            $names += @($page.items | ForEach-Object name)
            $token = $page.nextPageToken
        } while ($token)
        $names | Sort-Object
    }

    function Get-ServerText([string] $Bucket, [string] $Name) {
        $response = Invoke-WebRequest "$Emulator/download/storage/v1/b/$Bucket/o/$([uri]::EscapeDataString($Name))?alt=media"
        if ($response.Content -is [string]) { $response.Content } else { [System.Text.Encoding]::UTF8.GetString($response.Content) }
    }

    # Runs a script in a fresh runspace with the module and returns output, errors and progress records.
    function Invoke-Captured([scriptblock] $Script, [object[]] $Arguments = @()) {
        $shell = [powershell]::Create()
        try {
            $null = $shell.AddScript("Import-Module '$ModuleManifest'; `$env:STORAGE_EMULATOR_HOST = '$Emulator'").Invoke()
            $shell.Commands.Clear()
            $null = $shell.AddScript($Script.ToString())
            foreach ($a in $Arguments) { $null = $shell.AddArgument($a) }
            $output = $shell.Invoke()
            [pscustomobject]@{ Output = @($output); Errors = @($shell.Streams.Error); Progress = @($shell.Streams.Progress) }
        }
        finally { $shell.Dispose() }
    }
}

Describe 'Get-GcsObject' {
    BeforeAll { $bucket = New-TreeBucket }

    It 'gets one object by gs:// URI as the same type uploads output' {
        $o = Get-GcsObject "gs://$bucket/top/a.txt"
        $o.GetType().FullName | Should -Be 'GcsMedia.Cmdlets.GcsObject'
        $o.Uri | Should -Be "gs://$bucket/top/a.txt"
        $o.Size | Should -Be ([System.Text.Encoding]::UTF8.GetByteCount('content of top/a.txt'))
        $o.Crc32c | Should -Be ([GcsMediaTests.Crc32c]::Base64([System.Text.Encoding]::UTF8.GetBytes('content of top/a.txt')))
        $o.IsPrefix | Should -BeFalse
        $o.Generation | Should -BeGreaterThan 0
        $uploaded = Send-GcsMedia -Value 'x' -Uri "gs://$bucket/type-check.txt"
        $uploaded.GetType() | Should -Be $o.GetType()
    }

    It 'lists one level of a folder with its subfolders as IsPrefix entries, in name order' {
        $entries = @(Get-GcsObject "gs://$bucket/top/")
        $entries.Name | Should -Be @('top/a.txt', 'top/b.txt', 'top/other/', 'top/sub/')
        ($entries | Where-Object IsPrefix).Name | Should -Be @('top/other/', 'top/sub/')
        @($entries | Where-Object IsPrefix | Where-Object { $null -ne $_.Size -or $null -ne $_.Generation }).Count | Should -Be 0
        $entries[3].Uri | Should -Be "gs://$bucket/top/sub/"
    }

    It 'lists everything below with -Recurse, by -Uri or by -Bucket and -Prefix' {
        $expected = @('top/a.txt', 'top/b.txt', 'top/other/e.txt', 'top/sub/c.txt', 'top/sub/deeper/d.txt')
        @(Get-GcsObject "gs://$bucket/top/" -Recurse).Name | Should -Be $expected
        @(Get-GcsObject -Bucket $bucket -Prefix top/ -Recurse).Name | Should -Be $expected
        @(Get-GcsObject -Bucket $bucket -Prefix top/ -Recurse | Where-Object IsPrefix).Count | Should -Be 0
        @(Get-GcsObject "gs://$bucket").Name | Should -Contain 'root.txt'
        @(Get-GcsObject "gs://$bucket").Name | Should -Contain 'top/'
    }

    It 'streams each page to the pipeline as it arrives (-PageSize)' {
        $b = New-TestBucket paging
        1..25 | ForEach-Object { Send-TestObject $b ('n{0:D3}' -f $_) ([byte[]](1)) | Out-Null }
        $stream = @(Get-GcsObject "gs://$b/" -PageSize 10 -Verbose 4>&1)
        $objects = @($stream | Where-Object { $_ -is [GcsMedia.Cmdlets.GcsObject] })
        $objects.Count | Should -Be 25
        ($objects.Name | Sort-Object -Unique).Count | Should -Be 25
        $pages = @($stream | ForEach-Object { if ($_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -match ': page (\d+),') { [int]$Matches[1] } })
        $pages | Should -Be @(1, 2, 3)
        # The first page's verbose line comes after its 10 objects and before the 11th: pages are not collected first.
        $firstPage = [array]::FindIndex([object[]]$stream, [Predicate[object]] { param($x) $x -is [System.Management.Automation.VerboseRecord] -and $x.Message -match ': page 1,' })
        @($stream[0..$firstPage] | Where-Object { $_ -is [GcsMedia.Cmdlets.GcsObject] }).Count | Should -Be 10
    }

    It 'reports a missing object as a non-terminating NotFound error naming it' {
        $result = Get-GcsObject "gs://$bucket/missing.txt" -ErrorVariable err -ErrorAction SilentlyContinue
        $result | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GcsMedia.ObjectNotFound,*'
        $err[0].TargetObject | Should -Be "gs://$bucket/missing.txt"
    }

    It 'refuses a malformed address and -Generation on a listing before any request' {
        { Get-GcsObject 'https://example.com/x' -ErrorAction Stop } | Should -Throw -ErrorId 'GcsMedia.InvalidArgument,*'
        { Get-GcsObject "gs://$bucket/top/" -Generation 5 -ErrorAction Stop } | Should -Throw -ErrorId 'GcsMedia.InvalidArgument,*'
        { Get-GcsObject -Bucket "gs://$bucket" -ErrorAction Stop } | Should -Throw -ErrorId 'GcsMedia.InvalidArgument,*'
    }

    It 'lists the generations of one object with -AllVersions (the emulator keeps only the live one)' {
        $live = Get-GcsObject "gs://$bucket/top/a.txt"
        $versions = @(Get-GcsObject "gs://$bucket/top/a.txt" -AllVersions)
        $versions.Count | Should -Be 1
        $versions[0].Generation | Should -Be $live.Generation
        (Get-GcsObject "gs://$bucket/top/a.txt" -Generation $live.Generation).Generation | Should -Be $live.Generation
    }

    It 'pipes a listing into Receive-GcsMedia' {
        $dir = New-Item -ItemType Directory (Join-Path $TestDrive 'received')
        $results = @(Get-GcsObject "gs://$bucket/top/sub/" -Recurse | Receive-GcsMedia -OutFile { Join-Path $dir ($_.Name -replace '/', '_') })
        $results.Count | Should -Be 2
        $results | ForEach-Object { $_.ChecksumVerified | Should -BeTrue }
        Get-Content -Raw (Join-Path $dir 'top_sub_deeper_d.txt') | Should -Be 'content of top/sub/deeper/d.txt'
    }

    It 'has a default table view that fits in 80 columns' {
        $text = Get-GcsObject "gs://$bucket/top/" | Out-String -Width 80
        $lines = $text -split "`r?`n" | Where-Object { $_ }
        $lines[0] | Should -Match '^\s*Size\s+Crc32c\s+Uri'
        $lines | ForEach-Object { $_.Length | Should -BeLessOrEqual 80 }
        $text | Should -Match ([regex]::Escape("gs://$bucket/top/sub/"))
    }
}

Describe 'Remove-GcsObject' {
    BeforeAll { $bucket = New-TreeBucket }

    It 'asks for confirmation by default (ConfirmImpact High) and -WhatIf removes nothing' {
        $attribute = (Get-Command Remove-GcsObject).ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0]
        $attribute.ConfirmImpact | Should -Be 'High'
        $attribute.SupportsShouldProcess | Should -BeTrue
        Remove-GcsObject "gs://$bucket/root.txt" -WhatIf
        Remove-GcsObject "gs://$bucket/root.txt" -Force -WhatIf
        Get-TestObject $bucket 'root.txt' | Should -Not -BeNullOrEmpty
    }

    It 'prompts without -Force: a host that cannot prompt leaves the object in place' {
        $run = Invoke-Captured { param($u) Remove-GcsObject $u } @("gs://$bucket/root.txt")
        Get-TestObject $bucket 'root.txt' | Should -Not -BeNullOrEmpty
        $run.Errors.Count | Should -Be 1
        $run.Errors[0].FullyQualifiedErrorId | Should -BeLike 'HostFunctionNotImplemented,*' -Because 'ShouldProcess asked the host to confirm'
    }

    It 'removes one object with -Force, and a missing one is a non-terminating error naming it' {
        $b = New-TestBucket remove
        Send-TestObject $b 'one.txt' ([byte[]](1, 2)) | Out-Null
        Send-TestObject $b 'two.txt' ([byte[]](3)) | Out-Null
        "gs://$b/one.txt", "gs://$b/nothing.txt", "gs://$b/two.txt" | ForEach-Object { [pscustomobject]@{ Uri = $_ } } |
            Remove-GcsObject -Force -ErrorVariable err -ErrorAction SilentlyContinue
        Get-TestObject $b 'one.txt' | Should -BeNullOrEmpty
        Get-TestObject $b 'two.txt' | Should -BeNullOrEmpty
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GcsMedia.ObjectNotFound,*'
        $err[0].TargetObject | Should -Be "gs://$b/nothing.txt"
        "$($err[0])" | Should -Match ([regex]::Escape("gs://$b/nothing.txt"))
    }

    It 'removes a whole listing in parallel with -ThrottleLimit' {
        $b = New-TestBucket bulk
        1..40 | ForEach-Object { Send-TestObject $b ("logs/{0:D2}/x.log" -f $_) ([byte[]]($_)) | Out-Null }
        Send-TestObject $b 'keep.txt' ([byte[]](9)) | Out-Null
        Get-GcsObject "gs://$b/logs/" -Recurse | Remove-GcsObject -Force -ThrottleLimit 6
        Get-ServerNames $b | Should -Be @('keep.txt')
    }

    It 'does not remove a piped object that was replaced after it was listed' {
        $b = New-TestBucket race
        Send-TestObject $b 'doc.txt' ([byte[]](1)) | Out-Null
        $listed = Get-GcsObject "gs://$b/doc.txt"
        $replaced = Send-TestObject $b 'doc.txt' ([byte[]](2, 2))
        $listed | Remove-GcsObject -Force -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GcsMedia.PreconditionFailed,*'
        (Get-TestObject $b 'doc.txt').generation | Should -Be $replaced.generation
    }

    It 'honours -Generation and -IfGenerationMatch, and skips folder prefixes with a warning' {
        $b = New-TestBucket gens
        $o = Send-TestObject $b 'dir/file.txt' ([byte[]](1))
        Remove-GcsObject "gs://$b/dir/file.txt" -Generation ([long]$o.generation + 1) -Force -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GcsMedia.ObjectNotFound,*'
        Remove-GcsObject -Bucket $b -ObjectName 'dir/file.txt' -IfGenerationMatch ([long]$o.generation + 1) -Force -ErrorVariable err2 -ErrorAction SilentlyContinue
        $err2[0].FullyQualifiedErrorId | Should -BeLike 'GcsMedia.PreconditionFailed,*'
        Get-GcsObject "gs://$b/" | Remove-GcsObject -Force -WarningVariable warn -WarningAction SilentlyContinue
        "$warn" | Should -Match 'folder prefix'
        Get-TestObject $b 'dir/file.txt' | Should -Not -BeNullOrEmpty
        Remove-GcsObject "gs://$b/dir/file.txt" -Generation $o.generation -Confirm:$false
        Get-TestObject $b 'dir/file.txt' | Should -BeNullOrEmpty
    }
}

Describe 'Retries and Ctrl+C' {
    BeforeAll { $env:GCSMEDIA_MAX_RETRY_SECONDS = '20' }
    AfterAll { Remove-Item Env:GCSMEDIA_MAX_RETRY_SECONDS -ErrorAction SilentlyContinue }

    It 'retries a piped (conditional) delete but not an unconditional one' {
        $b = New-TestBucket retries
        Send-TestObject $b 'a.txt' ([byte[]](1)) | Out-Null
        Send-TestObject $b 'b.txt' ([byte[]](2)) | Out-Null
        $once = New-RetryTest @{ 'storage.objects.delete' = @('return-503') }
        Remove-GcsObject "gs://$b/a.txt" -Force -Headers @{ 'x-retry-test-id' = $once } -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GcsMedia.ServerError,*'
        Get-TestObject $b 'a.txt' | Should -Not -BeNullOrEmpty
        $twice = New-RetryTest @{ 'storage.objects.delete' = @('return-503', 'return-reset-connection') }
        Get-GcsObject "gs://$b/" | Remove-GcsObject -Force -ThrottleLimit 1 -Headers @{ 'x-retry-test-id' = $twice } -Verbose 4>&1 |
            Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like 'Retry *' } | Measure-Object | ForEach-Object Count | Should -Be 2
        Get-ServerNames $b | Should -BeNullOrEmpty
    }

    It 'retries a no-clobber copy' {
        $b = New-TestBucket retries
        Send-TestObject $b 'src.bin' ([byte[]](1, 2, 3)) | Out-Null
        $id = New-RetryTest @{ 'storage.objects.rewrite' = @('return-503') }
        $copy = Copy-GcsObject "gs://$b/src.bin" "gs://$b/dst.bin" -Headers @{ 'x-retry-test-id' = $id }
        $copy.Size | Should -Be 3
        (Invoke-RestMethod "$Emulator/retry_test/$id").completed | Should -BeTrue
    }

    It 'stops promptly on Ctrl+C while deletes are retrying, leaving the rest in place' {
        $b = New-TestBucket stop
        1..10 | ForEach-Object { Send-TestObject $b "o$_" ([byte[]]($_)) | Out-Null }
        $id = New-RetryTest @{ 'storage.objects.delete' = @(1..40 | ForEach-Object { 'return-503' }) }
        $shell = [powershell]::Create()
        try {
            $null = $shell.AddScript("`$env:GCSMEDIA_MAX_RETRY_SECONDS = '600'; Import-Module '$ModuleManifest'; Get-GcsObject gs://$b/ -Endpoint $Emulator | Remove-GcsObject -Force -ThrottleLimit 2 -Endpoint $Emulator -Headers @{ 'x-retry-test-id' = '$id' }")
            $pending = $shell.BeginInvoke()
            Wait-RetryTestRemaining $id 37   # three 503s served: the deletes are in their retry loop
            $pending.IsCompleted | Should -BeFalse -Because 'the deletes are still being retried'
            $clock = [System.Diagnostics.Stopwatch]::StartNew()
            $shell.Stop()
            $clock.Elapsed.TotalSeconds | Should -BeLessThan 5
        }
        finally { $shell.Dispose() }
        (Get-ServerNames $b).Count | Should -Be 10
    }
}

Describe 'Copy-GcsObject' {
    BeforeAll {
        $bucket = New-TreeBucket
        $other = New-TestBucket copies
        $big = New-TestFile (Join-Path $TestDrive 'big.bin') (5MB + 3) 5
        $bigCrc = Get-TestCrc32c $big.FullName
        Send-TestObject $bucket 'media/big.bin' ([System.IO.File]::ReadAllBytes($big.FullName)) | Out-Null
    }

    It 'copies a multi-MiB object across buckets on the server in several rewrite calls, with progress' {
        $run = Invoke-Captured { param($s, $d) Copy-GcsObject $s $d -MaxBytesPerCall 1MB -Verbose 4>&1 } @("gs://$bucket/media/big.bin", "gs://$other/backup/big.bin")
        $run.Errors | Should -BeNullOrEmpty
        $copy = $run.Output | Where-Object { $_.BaseObject -is [GcsMedia.Cmdlets.GcsObject] -or $_ -is [GcsMedia.Cmdlets.GcsObject] } | Select-Object -First 1
        $copy.Uri | Should -Be "gs://$other/backup/big.bin"
        $copy.Crc32c | Should -Be $bigCrc
        ($run.Output | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n" | Should -Match 'in 6 rewrite call\(s\)'
        $percents = @($run.Progress | Where-Object RecordType -ne 'Completed' | ForEach-Object PercentComplete)
        $percents.Count | Should -BeGreaterThan 0
        $percents | ForEach-Object { $_ | Should -BeGreaterThan 0 }
        @($run.Progress | Where-Object RecordType -eq 'Completed').Count | Should -Be 1
        $out = Join-Path $TestDrive 'copied.bin'
        Invoke-WebRequest "$Emulator/download/storage/v1/b/$other/o/backup%2Fbig.bin?alt=media" -OutFile $out
        Get-TestCrc32c $out | Should -Be $bigCrc
    }

    It 'refuses to overwrite without -Force, naming the destination, and overwrites with -Force' {
        $b = New-TestBucket clobber
        Send-TestObject $b 'src.txt' ([System.Text.Encoding]::UTF8.GetBytes('new')) | Out-Null
        $old = Send-TestObject $b 'dst.txt' ([System.Text.Encoding]::UTF8.GetBytes('old'))
        $result = Copy-GcsObject "gs://$b/src.txt" "gs://$b/dst.txt" -ErrorVariable err -ErrorAction SilentlyContinue
        $result | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GcsMedia.PreconditionFailed,*'
        $err[0].CategoryInfo.Category | Should -Be 'ResourceExists'
        "$($err[0])" | Should -Match ([regex]::Escape("gs://$b/dst.txt") + '.*already exists.*-Force')
        (Get-TestObject $b 'dst.txt').generation | Should -Be $old.generation
        $copy = Copy-GcsObject "gs://$b/src.txt" "gs://$b/dst.txt" -Force
        $copy.Generation | Should -Not -Be ([long]$old.generation)
        Get-ServerText $b 'dst.txt' | Should -Be 'new'
    }

    It 'copies into a folder keeping the name, and -WhatIf copies nothing' {
        Copy-GcsObject "gs://$bucket/top/a.txt" "gs://$other/whatif/" -WhatIf
        Get-TestObject $other 'whatif/a.txt' | Should -BeNullOrEmpty
        (Copy-GcsObject -Bucket $bucket -ObjectName 'top/a.txt' -Destination "gs://$other/folder/").Uri | Should -Be "gs://$other/folder/a.txt"
    }

    It 'copies a piped tree to another prefix with a script-block destination, then removes the source: a rename' {
        $b = New-TreeBucket
        $copies = @(Get-GcsObject "gs://$b/top/" -Recurse | Copy-GcsObject -Destination { "gs://$b/moved/" + $_.Name.Substring(4) })
        $copies.Count | Should -Be 5
        Get-GcsObject "gs://$b/top/" -Recurse | Remove-GcsObject -Force
        Get-ServerNames $b | Should -Be @('moved/a.txt', 'moved/b.txt', 'moved/other/e.txt', 'moved/sub/c.txt', 'moved/sub/deeper/d.txt', 'root.txt')
        Get-ServerText $b 'moved/sub/deeper/d.txt' | Should -Be 'content of top/sub/deeper/d.txt'
    }

    It 'checks -SourceEncryptionKey, -MaxBytesPerCall and the destination before any request, without showing the key' {
        $secretish = 'bm90LWEtMzItYnl0ZS1rZXk='
        { Copy-GcsObject "gs://$bucket/top/a.txt" "gs://$other/k.txt" -SourceEncryptionKey $secretish -ErrorAction Stop } |
            Should -Throw -ErrorId 'GcsMedia.InvalidArgument,*' -ExpectedMessage '*-SourceEncryptionKey*'
        try { Copy-GcsObject "gs://$bucket/top/a.txt" "gs://$other/k.txt" -SourceEncryptionKey $secretish -ErrorAction Stop } catch { "$_" | Should -Not -Match ([regex]::Escape($secretish)) }
        { Copy-GcsObject "gs://$bucket/top/a.txt" "gs://$other/k.txt" -MaxBytesPerCall 1000 -ErrorAction Stop } | Should -Throw -ErrorId 'GcsMedia.InvalidArgument,*'
        { Copy-GcsObject "gs://$bucket/top/a.txt" 'not-a-uri' -ErrorAction Stop } | Should -Throw -ErrorId 'GcsMedia.InvalidArgument,*'
        { Copy-GcsObject "gs://$bucket/top/a.txt" "gs://$bucket/top/a.txt" -ErrorAction Stop } | Should -Throw -ErrorId 'GcsMedia.InvalidArgument,*'
        Get-TestObject $other 'k.txt' | Should -BeNullOrEmpty
    }

    It 'sends the source key as x-goog-copy-source-encryption-* and the destination key as x-goog-encryption-*' {
        # The emulator does not emulate CSEK, so a one-shot HTTP listener stands in for GCS and records the rewrite request.
        $probe = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0); $probe.Start(); $port = $probe.LocalEndpoint.Port; $probe.Stop()
        $listener = [System.Net.HttpListener]::new()
        $listener.Prefixes.Add("http://127.0.0.1:$port/")
        $listener.Start()
        $sourceKey = [Convert]::ToBase64String([byte[]](1..32))
        $destinationKey = [Convert]::ToBase64String([byte[]](101..132))
        $shell = [powershell]::Create()
        try {
            $null = $shell.AddScript("Import-Module '$ModuleManifest'; Copy-GcsObject gs://src-bucket/a.bin gs://dst-bucket/b.bin -Endpoint http://127.0.0.1:$port -SourceEncryptionKey '$sourceKey' -EncryptionKey '$destinationKey'")
            $pending = $shell.BeginInvoke()
            $context = $listener.GetContextAsync()
            $context.Wait(30000) | Should -BeTrue
            $request = $context.Result.Request
            $seen = @{ Method = $request.HttpMethod; Url = $request.RawUrl; Headers = @{} }
            foreach ($name in $request.Headers.AllKeys) { $seen.Headers[$name.ToLowerInvariant()] = $request.Headers[$name] }
            $body = [System.Text.Encoding]::UTF8.GetBytes('{"kind":"storage#rewriteResponse","totalBytesRewritten":"1","objectSize":"1","done":true,"resource":{"bucket":"dst-bucket","name":"b.bin","generation":"7","size":"1"}}')
            $context.Result.Response.ContentType = 'application/json'
            $context.Result.Response.OutputStream.Write($body, 0, $body.Length)
            $context.Result.Response.Close()
            $copy = $shell.EndInvoke($pending)
        }
        finally { $shell.Dispose(); $listener.Stop() }
        $sha = { param($k) [Convert]::ToBase64String([System.Security.Cryptography.SHA256]::HashData([Convert]::FromBase64String($k))) }
        $seen.Method | Should -Be 'POST'
        $seen.Url | Should -Be '/storage/v1/b/src-bucket/o/a.bin/rewriteTo/b/dst-bucket/o/b.bin?ifGenerationMatch=0'
        $seen.Headers['x-goog-copy-source-encryption-algorithm'] | Should -Be 'AES256'
        $seen.Headers['x-goog-copy-source-encryption-key'] | Should -Be $sourceKey
        $seen.Headers['x-goog-copy-source-encryption-key-sha256'] | Should -Be (& $sha $sourceKey)
        $seen.Headers['x-goog-encryption-algorithm'] | Should -Be 'AES256'
        $seen.Headers['x-goog-encryption-key'] | Should -Be $destinationKey
        $seen.Headers['x-goog-encryption-key-sha256'] | Should -Be (& $sha $destinationKey)
        $copy[0].Uri | Should -Be 'gs://dst-bucket/b.bin'
        $copy[0].Generation | Should -Be 7
    }
}
