# The credentials rule (README "Authentication", about_GcsMedia), row by row. A loopback recorder shows whether an
# Authorization header arrives; rows that must fail before any request use endpoints where nothing listens.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'RequestRecorder.ps1')
    $token = 'ya29.TEST-only-token-0123456789'
    $keyFile = Join-Path $TestDrive 'key.json'
    '{"type":"service_account"}' | Set-Content $keyFile
    $savedEmulator = $env:STORAGE_EMULATOR_HOST
    $savedAdc = $env:GOOGLE_APPLICATION_CREDENTIALS

    function Invoke-Recorded([scriptblock] $Script) {
        $recorder = [GcsMediaTests.RequestRecorder]::new()
        try {
            try { & $Script $recorder.Endpoint 2>&1 | Out-Null } catch { }
            , @($recorder.Requests.ToArray())
        }
        finally { $recorder.Dispose() }
    }

    function Get-Terminating([scriptblock] $Script) {
        try { & $Script | Out-Null } catch { return $_ }
        throw 'Expected a terminating error, got none.'
    }
}

Describe 'Credentials rule' {
    AfterEach {
        $env:STORAGE_EMULATOR_HOST = $savedEmulator
        if ($savedAdc) { $env:GOOGLE_APPLICATION_CREDENTIALS = $savedAdc } else { Remove-Item Env:GOOGLE_APPLICATION_CREDENTIALS -ErrorAction SilentlyContinue }
    }

    It 'STORAGE_EMULATOR_HOST without credentials: an emulator, no Authorization header' {
        $requests = Invoke-Recorded { param($endpoint) $env:STORAGE_EMULATOR_HOST = $endpoint; Receive-GcsMedia gs://b/o -OutFile (Join-Path $TestDrive 'a.bin') -RetryTimeout 0 }
        $requests.Count | Should -BeGreaterThan 0
        $requests[0].Authorization | Should -BeNullOrEmpty
    }

    It '-Endpoint http:// without credentials: an emulator, no Authorization header' {
        $requests = Invoke-Recorded { param($endpoint) Receive-GcsMedia gs://b/o -OutFile (Join-Path $TestDrive 'b.bin') -Endpoint $endpoint -RetryTimeout 0 }
        $requests.Count | Should -BeGreaterThan 0
        $requests[0].Authorization | Should -BeNullOrEmpty
    }

    It '-AccessToken with an http:// loopback -Endpoint: the token is sent (the traffic never leaves the machine)' {
        $requests = Invoke-Recorded { param($endpoint) Receive-GcsMedia gs://b/o -OutFile (Join-Path $TestDrive 'c.bin') -Endpoint $endpoint -AccessToken $token -RetryTimeout 0 }
        $requests.Count | Should -BeGreaterThan 0
        $requests[0].Authorization | Should -Be "Bearer $token"
    }

    It '-AccessToken with a loopback STORAGE_EMULATOR_HOST: the token is sent' {
        $requests = Invoke-Recorded { param($endpoint) $env:STORAGE_EMULATOR_HOST = $endpoint; Send-GcsMedia -Value x -Uri gs://b/o -AccessToken $token -RetryTimeout 0 }
        $requests.Count | Should -BeGreaterThan 0
        $requests[0].Authorization | Should -Be "Bearer $token"
    }

    It '-Anonymous: no Authorization header, even where ADC would apply' {
        $requests = Invoke-Recorded { param($endpoint) Receive-GcsMedia gs://b/o -OutFile (Join-Path $TestDrive 'd.bin') -Endpoint $endpoint -Anonymous -RetryTimeout 0 }
        $requests.Count | Should -BeGreaterThan 0
        $requests[0].Authorization | Should -BeNullOrEmpty
    }

    It 'credentials with an http:// endpoint off this machine (<Case>): a terminating error before any request' -ForEach @(
        @{ Case = '-AccessToken, -Endpoint'; Script = { Send-GcsMedia -Value x -Uri gs://b/o -Endpoint http://192.0.2.1:80 -AccessToken $token } }
        @{ Case = '-KeyFile, -Endpoint'; Script = { Receive-GcsMedia gs://b/o -OutFile (Join-Path $TestDrive 'e.bin') -Endpoint http://storage.example.invalid -KeyFile $keyFile } }
        @{ Case = '-AccessToken, STORAGE_EMULATOR_HOST'; Script = { $env:STORAGE_EMULATOR_HOST = 'http://192.0.2.1:80'; New-GcsMpu -Uri gs://b/o -AccessToken $token } }
    ) {
        $clock = [System.Diagnostics.Stopwatch]::StartNew()
        $e = Get-Terminating $Script
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 5
        $e.FullyQualifiedErrorId | Should -BeLike 'GcsMedia.InsecureCredentials,*'
        $e.CategoryInfo.Category | Should -Be 'SecurityError'
        "$e" | Should -Match 'http://'
        "$e" | Should -Match 'https://'
        "$e" | Should -Not -Match ([regex]::Escape($token))
    }

    It '-Anonymous with -AccessToken or -KeyFile is refused (<Case>)' -ForEach @(
        @{ Case = 'token'; Script = { Send-GcsMedia -Value x -Uri gs://b/o -Anonymous -AccessToken $token -Endpoint http://127.0.0.1:9 } }
        @{ Case = 'key file'; Script = { Get-GcsMpu -Bucket b -Anonymous -KeyFile $keyFile -Endpoint http://127.0.0.1:9 } }
    ) {
        $e = Get-Terminating $Script
        $e.FullyQualifiedErrorId | Should -BeLike 'GcsMedia.InvalidArgument,*'
        "$e" | Should -Match '-Anonymous'
    }

    It '-Endpoint https:// without credentials uses Application Default Credentials, not anonymous access' {
        $env:GOOGLE_APPLICATION_CREDENTIALS = Join-Path $TestDrive 'missing-key.json'
        $e = Get-Terminating { Receive-GcsMedia gs://b/o -OutFile (Join-Path $TestDrive 'f.bin') -Endpoint https://127.0.0.1:9 -RetryTimeout 0 -ErrorAction Stop }
        $e.FullyQualifiedErrorId | Should -BeLike 'GcsMedia.NoCredentials,*'
        "$e" | Should -Match 'missing-key\.json'
    }

    It '-Anonymous with -Endpoint https:// sends no credentials (so the missing ADC does not matter)' {
        $env:GOOGLE_APPLICATION_CREDENTIALS = Join-Path $TestDrive 'missing-key.json'
        $e = Get-Terminating { Receive-GcsMedia gs://b/o -OutFile (Join-Path $TestDrive 'g.bin') -Endpoint https://127.0.0.1:9 -Anonymous -RetryTimeout 0 -ErrorAction Stop }
        $e.FullyQualifiedErrorId | Should -BeLike 'GcsMedia.ConnectionFailed,*'
    }

    It '-Verbose names the credential source, never the secret (<Case>)' -ForEach @(
        @{ Case = 'token'; Expected = 'credentials: -AccessToken'; Script = { Receive-GcsMedia gs://b/o -OutFile (Join-Path $TestDrive 'h.bin') -Endpoint http://127.0.0.1:9 -AccessToken $token -RetryTimeout 0 -Verbose } }
        @{ Case = 'anonymous'; Expected = 'credentials: none \(-Anonymous\)'; Script = { Receive-GcsMedia gs://b/o -OutFile (Join-Path $TestDrive 'h.bin') -Endpoint http://127.0.0.1:9 -Anonymous -RetryTimeout 0 -Verbose } }
        @{ Case = 'emulator'; Expected = 'credentials: none \(STORAGE_EMULATOR_HOST'; Script = { $env:STORAGE_EMULATOR_HOST = 'http://127.0.0.1:9'; Receive-GcsMedia gs://b/o -OutFile (Join-Path $TestDrive 'h.bin') -RetryTimeout 0 -Verbose } }
        @{ Case = 'ADC file'; Expected = 'credentials: Application Default Credentials from GOOGLE_APPLICATION_CREDENTIALS'; Script = { $env:GOOGLE_APPLICATION_CREDENTIALS = $keyFile; Receive-GcsMedia gs://b/o -OutFile (Join-Path $TestDrive 'h.bin') -Endpoint https://127.0.0.1:9 -RetryTimeout 0 -Verbose } }
    ) {
        $verbose = & { try { & $Script } catch { } } 4>&1 2>$null | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message
        ($verbose -join "`n") | Should -Match $Expected
        ($verbose -join "`n") | Should -Not -Match ([regex]::Escape($token))
    }

    It 'no credentials anywhere: GcsMedia.NoCredentials, AuthenticationError, within 10 s, naming every way to fix it' {
        $emptyHome = Join-Path $TestDrive 'empty-home'
        New-Item -ItemType Directory $emptyHome -Force | Out-Null
        $script = @"
`$ErrorActionPreference = 'Stop'
Remove-Item Env:STORAGE_EMULATOR_HOST, Env:GOOGLE_APPLICATION_CREDENTIALS -ErrorAction SilentlyContinue
`$env:CLOUDSDK_CONFIG = '$emptyHome'
`$env:HOME = '$emptyHome'
Import-Module '$ModuleManifest'
`$clock = [System.Diagnostics.Stopwatch]::StartNew()
try { Send-GcsMedia -Value x -Uri gs://b/o -ErrorAction Stop }
catch { `$first = [pscustomobject]@{ Id = `$_.FullyQualifiedErrorId; Category = "`$(`$_.CategoryInfo.Category)"; Message = "`$_"; Seconds = `$clock.Elapsed.TotalSeconds } }
# gcloud auth application-default login, simulated: the same process now finds the file (no restart needed).
'{"type":"service_account","client_email":"a@example.com","private_key":"not a key"}' | Set-Content (Join-Path '$emptyHome' 'application_default_credentials.json')
try { Send-GcsMedia -Value x -Uri gs://b/o -RetryTimeout 0 -ErrorAction Stop } catch { `$first | Add-Member Second `$_.FullyQualifiedErrorId }
`$first | ConvertTo-Json -Compress
"@
        $output = & (Get-PwshPath) -NoProfile -NonInteractive -Command $script
        $result = ($output | Select-Object -Last 1) | ConvertFrom-Json
        $result.Id | Should -BeLike 'GcsMedia.NoCredentials,*'
        $result.Category | Should -Be 'AuthenticationError'
        $result.Seconds | Should -BeLessThan 10
        foreach ($fix in '-KeyFile', '-AccessToken', 'GOOGLE_APPLICATION_CREDENTIALS', 'gcloud auth application-default login', '-Anonymous', 'STORAGE_EMULATOR_HOST') {
            $result.Message | Should -Match ([regex]::Escape($fix))
        }
        $result.Second | Should -Not -BeNullOrEmpty
        $result.Second | Should -Not -BeLike 'GcsMedia.NoCredentials,*'
    }
}

# No credentials in a folder run: credentials belong to the command, so one terminating GcsMedia.NoCredentials
# before any file is tried, never one error per file. GCE_METADATA_HOST names a closed loopback port, so the
# metadata-server probe is refused at once (as off Google Cloud, where nothing listens at 169.254.169.254).
Describe 'No credentials, many files' {
    BeforeAll {
        $emptyHome = Join-Path $TestDrive 'no-adc-home'
        $tree = Join-Path $TestDrive 'no-adc-tree'
        New-Item -ItemType Directory $emptyHome, (Join-Path $tree 'sub') -Force | Out-Null
        foreach ($name in 'a.txt', 'b.txt', 'sub/c.txt', 'sub/d.txt') { Set-Content (Join-Path $tree $name) $name }
        $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $listener.Start(); $closedPort = $listener.LocalEndpoint.Port; $listener.Stop()

        function Invoke-WithoutCredentials([string] $Command) {
            $script = @"
Remove-Item Env:STORAGE_EMULATOR_HOST, Env:GOOGLE_APPLICATION_CREDENTIALS -ErrorAction SilentlyContinue
`$env:CLOUDSDK_CONFIG = '$emptyHome'
`$env:HOME = '$emptyHome'
`$env:GCE_METADATA_HOST = '127.0.0.1:$closedPort'
Import-Module '$ModuleManifest'
`$clock = [System.Diagnostics.Stopwatch]::StartNew()
`$errors = @(); `$verbose = @()
try {
    $Command -Endpoint https://127.0.0.1:9 -RetryTimeout 0 -ErrorAction Continue -Verbose 4>&1 2>&1 | ForEach-Object {
        if (`$_ -is [System.Management.Automation.VerboseRecord]) { `$verbose += `$_.Message }
        elseif (`$_ -is [System.Management.Automation.ErrorRecord]) { `$errors += `$_ }
    }
}
catch { `$errors += `$_ }
[pscustomobject]@{ Ids = @(`$errors | ForEach-Object FullyQualifiedErrorId); Seconds = `$clock.Elapsed.TotalSeconds; Verbose = (`$verbose -join "``n") } | ConvertTo-Json -Compress
"@
            $output = & (Get-PwshPath) -NoProfile -NonInteractive -Command $script
            ($output | Select-Object -Last 1) | ConvertFrom-Json
        }
    }

    It '<Case>: one GcsMedia.NoCredentials for the whole command, at once' -ForEach @(
        @{ Case = 'Send-GcsMedia -Recurse'; Command = "Send-GcsMedia -Path '<tree>' -Recurse -Uri gs://b/backup/" }
        @{ Case = 'Send-GcsMedia of several files'; Command = "Send-GcsMedia -Path '<tree>/*.txt' -Uri gs://b/flat/" }
        @{ Case = 'Receive-GcsMedia -Recurse'; Command = "Receive-GcsMedia -Uri gs://b/backup/ -Recurse -Destination '<restore>'" }
        @{ Case = 'Receive-GcsMedia of piped objects'; Command = "'gs://b/1', 'gs://b/2', 'gs://b/3' | Receive-GcsMedia -OutFile '<home>'" }
    ) {
        $Command = $Command.Replace('<tree>', $tree).Replace('<restore>', (Join-Path $TestDrive 'no-adc-restore')).Replace('<home>', $emptyHome)
        $result = Invoke-WithoutCredentials $Command
        @($result.Ids) | Should -HaveCount 1
        $result.Ids[0] | Should -BeLike 'GcsMedia.NoCredentials,*'
        $result.Seconds | Should -BeLessThan 10
        $result.Verbose | Should -Match 'Looking for Google Cloud credentials: checking the metadata server 127\.0\.0\.1:\d+ \(up to 3 s\)'
    }

    It 'shows the metadata-server probe as a progress activity, completed when it ends' {
        $script = @"
Remove-Item Env:STORAGE_EMULATOR_HOST, Env:GOOGLE_APPLICATION_CREDENTIALS -ErrorAction SilentlyContinue
`$env:CLOUDSDK_CONFIG = '$emptyHome'
`$env:HOME = '$emptyHome'
`$env:GCE_METADATA_HOST = '127.0.0.1:$closedPort'
`$ps = [powershell]::Create()
try { `$null = `$ps.AddScript("Import-Module '$ModuleManifest'; Send-GcsMedia -Value x -Uri gs://b/o -Endpoint https://127.0.0.1:9 -RetryTimeout 0").Invoke() } catch { }
@(`$ps.Streams.Progress | Where-Object Activity -eq 'Looking for Google Cloud credentials' | ForEach-Object { [pscustomobject]@{ Status = `$_.StatusDescription; Type = "`$(`$_.RecordType)" } }) | ConvertTo-Json -Compress -AsArray
"@
        $output = & (Get-PwshPath) -NoProfile -NonInteractive -Command $script
        $records = ($output | Select-Object -Last 1) | ConvertFrom-Json
        $records.Count | Should -BeGreaterOrEqual 2
        $records[0].Type | Should -Be 'Processing'
        $records[0].Status | Should -Match '^checking the metadata server 127\.0\.0\.1:\d+ \(up to 3 s\)$'
        $records[-1].Type | Should -Be 'Completed'
    }
}
