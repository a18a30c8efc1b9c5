# Turns docs/help/<Cmdlet>.md (platyPS markdown) into MAML (en-US/GcsMedia.Cmdlets.dll-Help.xml) and
# docs/help/about_*.md into about_*.help.txt, inside the built module. platyPS itself cannot be installed
# here, so this reads the same markdown schema platyPS writes and emits the XML New-ExternalHelp would.
param([string] $RepoRoot, [string] $ModuleOut)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$helpSource = Join-Path $RepoRoot 'docs/help'
$helpFileName = 'GcsMedia.Cmdlets.dll-Help.xml'

function Get-Sections([string[]] $Lines, [string] $Prefix) {
    # Splits lines into an ordered map of heading text → body lines, for headings starting with $Prefix.
    $sections = [ordered]@{}
    $current = $null
    $inFence = $false
    foreach ($line in $Lines) {
        if ($line -match '^```') { $inFence = -not $inFence }
        if (-not $inFence -and $line.StartsWith($Prefix) -and -not $line.StartsWith("$Prefix#")) {
            $current = $line.Substring($Prefix.Length).Trim()
            $sections[$current] = [System.Collections.Generic.List[string]]::new()
        }
        elseif ($null -ne $current) { $sections[$current].Add($line) }
    }
    $sections
}

function Split-Prose([System.Collections.Generic.List[string]] $Lines) {
    # Paragraphs of prose, fenced blocks removed.
    $text = [System.Collections.Generic.List[string]]::new()
    $inFence = $false
    foreach ($line in $Lines) {
        if ($line -match '^```') { $inFence = -not $inFence; continue }
        if (-not $inFence) { $text.Add($line) }
    }
    # A line that ends inside a hyphenated word (ConvertFrom-|Json, x-goog-user-|project) joins the next without a space.
    (($text -join "`n") -split "\n\s*\n") | ForEach-Object { ($_ -replace '(?<=[A-Za-z]-)[ \t]*\n\s*(?=[A-Za-z])', '' -replace '\s*\n\s*', ' ').Trim() } | Where-Object { $_ }
}

function Get-Fence([System.Collections.Generic.List[string]] $Lines, [string] $Language) {
    $inside = $false
    $code = [System.Collections.Generic.List[string]]::new()
    foreach ($line in $Lines) {
        if (-not $inside -and $line -match "^``````$Language\s*$") { $inside = $true; continue }
        if ($inside -and $line -match '^```\s*$') { break }
        if ($inside) { $code.Add($line) }
    }
    $code -join "`n"
}

function Read-ParameterYaml([string] $Yaml) {
    $map = @{}
    foreach ($line in $Yaml -split "`n") {
        if ($line -match '^\s*([^:]+):\s*(.*)$') { $map[$Matches[1].Trim()] = $Matches[2].Trim() }
    }
    $map
}

function Add-Paras($Writer, [string[]] $Paragraphs) {
    if (-not $Paragraphs) { $Writer.WriteElementString('maml', 'para', 'http://schemas.microsoft.com/maml/2004/10', ''); return }
    foreach ($p in $Paragraphs) { $Writer.WriteElementString('maml', 'para', 'http://schemas.microsoft.com/maml/2004/10', $p) }
}

function Convert-CommandMarkdown($Writer, [string] $Path) {
    $lines = Get-Content $Path
    if ($lines[0] -eq '---') { $end = [Array]::IndexOf($lines, '---', 1); $lines = $lines[($end + 1)..($lines.Count - 1)] }
    $name = ($lines | Where-Object { $_ -match '^# ' } | Select-Object -First 1).Substring(2).Trim()
    $sections = Get-Sections $lines '## '
    $maml = 'http://schemas.microsoft.com/maml/2004/10'
    $cmd = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
    $dev = 'http://schemas.microsoft.com/maml/dev/2004/10'

    $parameters = [System.Collections.Generic.List[object]]::new()
    foreach ($entry in (Get-Sections $sections['PARAMETERS'] '### ').GetEnumerator()) {
        if ($entry.Key -eq 'CommonParameters') { continue }
        $yaml = Read-ParameterYaml (Get-Fence $entry.Value 'yaml')
        $parameters.Add([pscustomobject]@{
                Name        = $entry.Key.TrimStart('-')
                Description = @(Split-Prose $entry.Value)
                # platyPS writes a nullable type as Nullable`1[Int64]; help shows the type a user types.
                Type        = ($yaml['Type'] -replace '^(System\.)?Nullable`1\[(System\.)?(.+)\]$', '$3')
                Sets        = @(($yaml['Parameter Sets'] ?? '(All)') -split ',\s*')
                Aliases     = $yaml['Aliases'] ?? 'None'
                Required    = $yaml['Required'] ?? 'False'
                Position    = $yaml['Position'] ?? 'Named'
                Default     = $yaml['Default value'] ?? 'None'
                Pipeline    = $yaml['Accept pipeline input'] ?? 'False'
                Globbing    = $yaml['Accept wildcard characters'] ?? 'False'
            })
    }

    $writeParameter = {
        param($p, [string] $required)
        $Writer.WriteStartElement('command', 'parameter', $cmd)
        $Writer.WriteAttributeString('required', $required.ToLowerInvariant())
        $Writer.WriteAttributeString('variableLength', 'true')
        $Writer.WriteAttributeString('globbing', $p.Globbing.ToLowerInvariant())
        $Writer.WriteAttributeString('pipelineInput', $p.Pipeline)
        $Writer.WriteAttributeString('position', $p.Position.ToLowerInvariant())
        $Writer.WriteAttributeString('aliases', $p.Aliases)
        $Writer.WriteElementString('maml', 'name', $maml, $p.Name)
        $Writer.WriteStartElement('maml', 'description', $maml); Add-Paras $Writer $p.Description; $Writer.WriteEndElement()
        if ($p.Type -ne 'SwitchParameter') {
            $Writer.WriteStartElement('command', 'parameterValue', $cmd)
            $Writer.WriteAttributeString('required', 'true'); $Writer.WriteAttributeString('variableLength', 'false')
            $Writer.WriteString($p.Type); $Writer.WriteEndElement()
        }
        $Writer.WriteStartElement('dev', 'type', $dev); $Writer.WriteElementString('maml', 'name', $maml, $p.Type); $Writer.WriteEndElement()
        $Writer.WriteElementString('dev', 'defaultValue', $dev, $p.Default)
        $Writer.WriteEndElement()
    }

    $Writer.WriteStartElement('command', 'command', $cmd)
    $Writer.WriteAttributeString('xmlns', 'maml', $null, $maml)
    $Writer.WriteAttributeString('xmlns', 'dev', $null, $dev)
    $Writer.WriteStartElement('command', 'details', $cmd)
    $Writer.WriteElementString('command', 'name', $cmd, $name)
    $Writer.WriteElementString('command', 'verb', $cmd, $name.Split('-')[0])
    $Writer.WriteElementString('command', 'noun', $cmd, $name.Split('-')[1])
    $Writer.WriteStartElement('maml', 'description', $maml); Add-Paras $Writer @(Split-Prose $sections['SYNOPSIS']); $Writer.WriteEndElement()
    $Writer.WriteEndElement()
    $Writer.WriteStartElement('maml', 'description', $maml); Add-Paras $Writer @(Split-Prose $sections['DESCRIPTION']); $Writer.WriteEndElement()

    $Writer.WriteStartElement('command', 'syntax', $cmd)
    $setNames = @($parameters | ForEach-Object { $_.Sets } | Where-Object { $_ -ne '(All)' } | Select-Object -Unique)
    if (-not $setNames) { $setNames = @('(All)') }
    foreach ($set in $setNames) {
        $Writer.WriteStartElement('command', 'syntaxItem', $cmd)
        $Writer.WriteElementString('maml', 'name', $maml, $name)
        foreach ($p in $parameters | Where-Object { $_.Sets -contains $set -or $_.Sets -contains '(All)' }) {
            & $writeParameter $p $p.Required
        }
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()

    $Writer.WriteStartElement('command', 'parameters', $cmd)
    foreach ($p in $parameters) { & $writeParameter $p $p.Required }
    $Writer.WriteEndElement()

    foreach ($kind in @(@('INPUTS', 'inputTypes', 'inputType'), @('OUTPUTS', 'returnValues', 'returnValue'))) {
        $Writer.WriteStartElement('command', $kind[1], $cmd)
        if ($sections.Contains($kind[0])) {
            foreach ($entry in (Get-Sections $sections[$kind[0]] '### ').GetEnumerator()) {
                $Writer.WriteStartElement('command', $kind[2], $cmd)
                $Writer.WriteStartElement('dev', 'type', $dev); $Writer.WriteElementString('maml', 'name', $maml, $entry.Key); $Writer.WriteEndElement()
                $Writer.WriteStartElement('maml', 'description', $maml); Add-Paras $Writer @(Split-Prose $entry.Value); $Writer.WriteEndElement()
                $Writer.WriteEndElement()
            }
        }
        $Writer.WriteEndElement()
    }

    if ($sections.Contains('NOTES')) {
        $Writer.WriteStartElement('maml', 'alertSet', $maml)
        $Writer.WriteStartElement('maml', 'alert', $maml); Add-Paras $Writer @(Split-Prose $sections['NOTES']); $Writer.WriteEndElement()
        $Writer.WriteEndElement()
    }

    $Writer.WriteStartElement('command', 'examples', $cmd)
    foreach ($entry in (Get-Sections $sections['EXAMPLES'] '### ').GetEnumerator()) {
        $Writer.WriteStartElement('command', 'example', $cmd)
        $Writer.WriteElementString('maml', 'title', $maml, "--------- $($entry.Key) ---------")
        $Writer.WriteElementString('dev', 'code', $dev, (Get-Fence $entry.Value 'powershell'))
        $Writer.WriteStartElement('dev', 'remarks', $dev); Add-Paras $Writer @(Split-Prose $entry.Value); $Writer.WriteEndElement()
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()

    $Writer.WriteStartElement('command', 'relatedLinks', $cmd)
    if ($sections.Contains('RELATED LINKS')) {
        foreach ($line in $sections['RELATED LINKS']) {
            if ($line -match '^\[(.+?)\]\((.*?)\)') {
                $Writer.WriteStartElement('maml', 'navigationLink', $maml)
                $Writer.WriteElementString('maml', 'linkText', $maml, $Matches[1])
                # Only web addresses are links Get-Help -Online can open; a relative .md path would be tried and fail.
                $Writer.WriteElementString('maml', 'uri', $maml, ($Matches[2] -match '^https?://' ? $Matches[2] : ''))
                $Writer.WriteEndElement()
            }
        }
    }
    $Writer.WriteEndElement()
    $Writer.WriteEndElement()
}

if (-not (Test-Path $ModuleOut)) { New-Item -ItemType Directory -Path $ModuleOut | Out-Null }
$cultureDir = Join-Path $ModuleOut 'en-US'
New-Item -ItemType Directory -Path $cultureDir -Force | Out-Null
$commandDocs = @(Get-ChildItem $helpSource -Filter '*-*.md' -ErrorAction SilentlyContinue)

$settings = [System.Xml.XmlWriterSettings]::new()
$settings.Indent = $true
$settings.Encoding = [System.Text.UTF8Encoding]::new($false)
$mamlPath = Join-Path $cultureDir $helpFileName
$writer = [System.Xml.XmlWriter]::Create($mamlPath, $settings)
try {
    $writer.WriteStartDocument()
    $writer.WriteStartElement('helpItems', 'http://msh')
    $writer.WriteAttributeString('schema', 'maml')
    foreach ($doc in $commandDocs) { Convert-CommandMarkdown $writer $doc.FullName }
    $writer.WriteEndElement()
    $writer.WriteEndDocument()
}
finally { $writer.Dispose() }

foreach ($about in Get-ChildItem $helpSource -Filter 'about_*.md' -ErrorAction SilentlyContinue) {
    $lines = Get-Content $about.FullName
    if ($lines[0] -eq '---') { $end = [Array]::IndexOf($lines, '---', 1); $lines = $lines[($end + 1)..($lines.Count - 1)] }
    $text = foreach ($line in $lines) {
        if ($line -match '^#{1,2} (.*)$') { $Matches[1].ToUpperInvariant() }
        elseif ($line -match '^```') { continue }
        else { $line }
    }
    Set-Content -Path (Join-Path $cultureDir "$($about.BaseName).help.txt") -Value $text
}

# Binary cmdlets look for their help next to the assembly as well as in the module base.
foreach ($bin in Get-ChildItem (Join-Path $ModuleOut 'bin') -Directory -ErrorAction SilentlyContinue) {
    $target = Join-Path $bin.FullName 'en-US'
    New-Item -ItemType Directory -Path $target -Force | Out-Null
    Copy-Item $mamlPath $target -Force
}
Write-Host "Help: $($commandDocs.Count) cmdlet pages → $mamlPath"
