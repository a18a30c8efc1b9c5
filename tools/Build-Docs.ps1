# Turns docs/help/*.md (platyPS markdown) into MAML help and about_ text in the built module.
param([string] $RepoRoot, [string] $ModuleOut)
$ErrorActionPreference = 'Stop'
