# Private/Source.ps1: where a command reads its data.
# A command takes its source from its own -SnapshotPath / -AdPath -EntraPath / -Demo parameters when given
# (with -ExoRecipientsPath / -ExoUsersPath where a command reads Exchange data), else from the profile
# Connect-Drift keeps for the session. Paths are resolved against PowerShell's current
# location here, because the native library only sees the process's working directory, which differs.

function Resolve-DriftPath {
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory)]
        [string] $Path,

        [Parameter(Mandatory)]
        [System.Management.Automation.PSCmdlet] $Cmdlet
    )

    $Cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath($Path)
}

# The wire's CSV encoding for a cmdlet's -Encoding: UTF8BOM writes a byte order mark; UTF8 and UTF8NoBOM
# do not (UTF8 means no BOM here, as in PowerShell 7 and the CLI's --encoding utf8).
function ConvertTo-DriftCsvEncoding {
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory)]
        [ValidateSet('UTF8', 'UTF8BOM', 'UTF8NoBOM')]
        [string] $Encoding
    )

    if ($Encoding -eq 'UTF8BOM') {
        'Utf8Bom'
    }
    else {
        'Utf8'
    }
}

function Add-DriftCompleteness {
    # -AllowIncomplete and -AllowEmpty, when the command was given them, as the Source's AllowIncomplete and
    # AllowEmpty (the idrift CLI's --allow-incomplete and --allow-empty).
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)]
        [hashtable] $Source,

        [Parameter(Mandatory)]
        [System.Collections.IDictionary] $BoundParameters
    )

    foreach ($name in @('AllowIncomplete', 'AllowEmpty')) {
        if ($BoundParameters.ContainsKey($name) -and [bool] $BoundParameters[$name]) {
            $Source[$name] = $true
        }
    }
}

function ConvertTo-DriftSource {
    [CmdletBinding()]
    [OutputType([hashtable])]
    param(
        [Parameter(Mandatory)]
        [System.Collections.IDictionary] $BoundParameters,

        [Parameter(Mandatory)]
        [System.Management.Automation.PSCmdlet] $Cmdlet
    )

    $has = {
        param($name)
        $BoundParameters.ContainsKey($name) -and -not [string]::IsNullOrEmpty([string] $BoundParameters[$name])
    }
    $snapshot = & $has 'SnapshotPath'
    $files = (& $has 'AdPath') -or (& $has 'EntraPath')
    $demo = $BoundParameters.ContainsKey('Demo') -and [bool] $BoundParameters['Demo']
    $exo = (& $has 'ExoRecipientsPath') -or (& $has 'ExoUsersPath')
    if (@(@($snapshot, $files, $demo) | Where-Object { $_ }).Count -gt 1 -or ($demo -and $exo)) {
        $exception = New-Object -TypeName 'System.ArgumentException' -ArgumentList 'Name one source: -SnapshotPath, or -AdPath and/or -EntraPath, or -Demo (the demo takes no Exchange files).'
        $record = New-Object -TypeName 'System.Management.Automation.ErrorRecord' -ArgumentList @(
            $exception
            'IdentityDrift.SourceConflict'
            [System.Management.Automation.ErrorCategory]::InvalidArgument
            $null
        )
        $Cmdlet.ThrowTerminatingError($record)
    }
    $source = $null
    if ($snapshot) {
        $source = @{ Kind = 'Snapshot'; Path = (Resolve-DriftPath -Path $BoundParameters['SnapshotPath'] -Cmdlet $Cmdlet) }
    }
    elseif ($files) {
        $source = @{ Kind = 'Files'; Ad = $null; Entra = $null }
        if (& $has 'AdPath') {
            $source['Ad'] = Resolve-DriftPath -Path $BoundParameters['AdPath'] -Cmdlet $Cmdlet
        }
        if (& $has 'EntraPath') {
            $source['Entra'] = Resolve-DriftPath -Path $BoundParameters['EntraPath'] -Cmdlet $Cmdlet
        }
    }
    elseif ($demo) {
        return @{ Kind = 'Demo' }
    }
    if ($null -ne $source) {
        Add-DriftCompleteness -Source $source -BoundParameters $BoundParameters
        if (& $has 'ExoRecipientsPath') {
            $source['Exo'] = Resolve-DriftPath -Path $BoundParameters['ExoRecipientsPath'] -Cmdlet $Cmdlet
        }
        if (& $has 'ExoUsersPath') {
            $source['ExoUsers'] = Resolve-DriftPath -Path $BoundParameters['ExoUsersPath'] -Cmdlet $Cmdlet
        }
    }
    $source
}

function Resolve-DriftSource {
    [CmdletBinding()]
    [OutputType([hashtable])]
    param(
        [Parameter(Mandatory)]
        [System.Collections.IDictionary] $BoundParameters,

        [Parameter(Mandatory)]
        [System.Management.Automation.PSCmdlet] $Cmdlet
    )

    $source = ConvertTo-DriftSource -BoundParameters $BoundParameters -Cmdlet $Cmdlet
    if ($null -ne $source) {
        return $source
    }
    if ($null -ne $script:DriftSession) {
        # A copy: the command's -AllowIncomplete/-AllowEmpty hold for this request only.
        $session = Get-DriftSessionSource
        if ($session.Kind -ne 'Demo') {
            Add-DriftCompleteness -Source $session -BoundParameters $BoundParameters
        }
        return $session
    }
    $exception = New-Object -TypeName 'System.InvalidOperationException' -ArgumentList 'No data source: run Connect-Drift -SnapshotPath <directory> (or -Demo) first, or pass -SnapshotPath, -AdPath with -EntraPath, or -Demo to this command.'
    $record = New-Object -TypeName 'System.Management.Automation.ErrorRecord' -ArgumentList @(
        $exception
        'IdentityDrift.NotConnected'
        [System.Management.Automation.ErrorCategory]::ConnectionError
        $null
    )
    $Cmdlet.ThrowTerminatingError($record)
}

function ConvertFrom-DriftSecureString {
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory)]
        [System.Security.SecureString] $SecureString
    )

    # NetworkCredential decrypts a SecureString on Windows PowerShell 5.1 and PowerShell 7 alike.
    (New-Object -TypeName 'System.Net.NetworkCredential' -ArgumentList @('', $SecureString)).Password
}

function Copy-DriftHashtable {
    [CmdletBinding()]
    [OutputType([hashtable])]
    param(
        [Parameter(Mandatory)]
        [hashtable] $Table
    )

    $copy = @{}
    foreach ($key in $Table.Keys) {
        $value = $Table[$key]
        if ($value -is [hashtable]) {
            $value = Copy-DriftHashtable -Table $value
        }
        $copy[$key] = $value
    }
    $copy
}

function Get-DriftSessionSource {
    # The Source of the Connect-Drift profile for one request: a deep copy, with the secrets the profile keeps
    # as SecureStrings decrypted into the copy only, so no clear-text secret stays in module state.
    [CmdletBinding()]
    [OutputType([hashtable])]
    param()

    if ($null -eq $script:DriftSession) {
        return $null
    }
    $source = Copy-DriftHashtable -Table $script:DriftSession.Source
    # A profile without secrets has no Secrets key; under strict mode reading a missing key throws.
    $secrets = $null
    if ($script:DriftSession -is [System.Collections.IDictionary]) {
        if ($script:DriftSession.Contains('Secrets')) {
            $secrets = $script:DriftSession['Secrets']
        }
    }
    else {
        $secrets = Get-DriftPropertyValue -InputObject $script:DriftSession -Name 'Secrets'
    }
    if ($null -ne $secrets) {
        if ($secrets.ContainsKey('AdPassword') -and $source.ContainsKey('Ad')) {
            $source.Ad['Password'] = ConvertFrom-DriftSecureString -SecureString $secrets.AdPassword
        }
        if ($secrets.ContainsKey('ClientSecret') -and $source.ContainsKey('Cloud')) {
            $source.Cloud['ClientSecret'] = ConvertFrom-DriftSecureString -SecureString $secrets.ClientSecret
        }
    }
    $source
}

function Get-DriftSessionCloud {
    # The app registration of a live Connect-Drift profile (with its secret), for operations that reach
    # Exchange Online directly; $null otherwise, and the library falls back to the AZURE_* variables.
    [CmdletBinding()]
    [OutputType([hashtable])]
    param()

    $source = Get-DriftSessionSource
    if ($null -ne $source -and $source.ContainsKey('Cloud')) {
        return $source.Cloud
    }
    $null
}

function ConvertTo-DriftProfileSource {
    # The Live Source of a profile the library read (Profile.Get): its Ad (a domain controller) or AdFile, and
    # its Cloud settings, with Microsoft Graph for Entra ID and, with -ExchangeOnline, Exchange Online.
    [CmdletBinding()]
    [OutputType([hashtable])]
    param(
        [Parameter(Mandatory)]
        [object] $Found,

        [switch] $ExchangeOnline
    )

    $toTable = {
        param($object)
        $table = @{}
        if ($null -ne $object) {
            foreach ($p in $object.PSObject.Properties) {
                if ($null -eq $p.Value) {
                    continue
                }
                if ($p.Value -is [System.Array]) {
                    $table[$p.Name] = @($p.Value)
                }
                else {
                    $table[$p.Name] = $p.Value
                }
            }
        }
        $table
    }
    $source = @{ Kind = 'Live'; Graph = $true; Exo = [bool] $ExchangeOnline; Cloud = (& $toTable (Get-DriftPropertyValue -InputObject $Found -Name 'Cloud')) }
    $ad = Get-DriftPropertyValue -InputObject $Found -Name 'Ad'
    $adFile = Get-DriftPropertyValue -InputObject $Found -Name 'AdFile'
    if ($null -ne $ad) {
        $source['Ad'] = & $toTable $ad
    }
    elseif ($null -ne $adFile) {
        $source['AdFile'] = [string] $adFile
    }
    else {
        throw "Profile $($Found.Name) in $($Found.ConfigPath) names no Active Directory (ad = ""ldaps://..."" or an LDIF file)."
    }
    $anchor = Get-DriftPropertyValue -InputObject $Found -Name 'SourceAnchor'
    if (-not [string]::IsNullOrWhiteSpace([string] $anchor)) {
        $source['SourceAnchor'] = [string] $anchor
    }
    $source
}
