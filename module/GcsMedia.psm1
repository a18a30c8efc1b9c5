# GcsMedia root module. Importing never prompts, never reads credentials and never needs gcloud: credentials
# are looked up by the cmdlets when they first send a request.
#
# PowerShell 7+: GcsMedia.Loader.dll (no dependencies) is loaded into the default AssemblyLoadContext; it creates
# the module's own load context and loads GcsMedia.Cmdlets.dll with all of its dependencies (GcsMedia.Protocol,
# Google.Apis.*, Newtonsoft.Json, System.IO.Hashing) from bin/net8.0 into it, so the module's versions never
# clash with the ones PowerShell or other modules already loaded.
#
# Windows PowerShell 5.1: there are no load contexts, so the netstandard2.0 build is imported directly and its
# dependencies resolve next to it. This is best effort and untested here (the build machine has no Windows
# PowerShell): an assembly another module already loaded with the same name wins.

$importModule = Get-Command -Name Import-Module -Module Microsoft.PowerShell.Core

if ($PSVersionTable.PSVersion.Major -ge 7) {
    $isReload = $true
    if (-not ('GcsMedia.Loader.LoadContext' -as [type])) {
        $isReload = $false
        Add-Type -Path ([System.IO.Path]::Combine($PSScriptRoot, 'bin', 'net8.0', 'GcsMedia.Loader.dll'))
    }

    $cmdletAssembly = [GcsMedia.Loader.LoadContext]::Initialize()
    $innerModule = & $importModule -Assembly $cmdletAssembly -PassThru:$isReload

    if ($innerModule) {
        # Import-Module -Force: PowerShell returns the cached binary module and does not add its cmdlets to this
        # (new) script module's exports, so the module would end up empty. Add them through the internal
        # AddExportedCmdlet method. See https://github.com/PowerShell/PowerShell/issues/20710.
        $addExportedCmdlet = [System.Management.Automation.PSModuleInfo].GetMethod(
            'AddExportedCmdlet',
            [System.Reflection.BindingFlags]'Instance, NonPublic')
        foreach ($command in $innerModule.ExportedCmdlets.Values) {
            $addExportedCmdlet.Invoke($ExecutionContext.SessionState.Module, @(, $command))
        }
    }
}
else {
    $cmdletAssembly = [System.IO.Path]::Combine($PSScriptRoot, 'bin', 'netstandard2.0', 'GcsMedia.Cmdlets.dll')
    & $importModule -Name $cmdletAssembly
}
