# Private/Source.ps1: where a command reads its data.
# A command takes its source from its own -SnapshotPath / -AdPath -EntraPath / -Demo parameters when given,
# else from the profile Connect-Drift keeps for the session. Paths are resolved against PowerShell's current
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

function New-DriftSource {
    [CmdletBinding()]
    [OutputType([hashtable])]
    param(
        [Parameter(Mandatory)]
        [System.Collections.IDictionary] $BoundParameters,

        [Parameter(Mandatory)]
        [System.Management.Automation.PSCmdlet] $Cmdlet
    )

    if ($BoundParameters.ContainsKey('SnapshotPath')) {
        return @{ Kind = 'Snapshot'; Path = (Resolve-DriftPath -Path $BoundParameters['SnapshotPath'] -Cmdlet $Cmdlet) }
    }
    if ($BoundParameters.ContainsKey('AdPath') -or $BoundParameters.ContainsKey('EntraPath')) {
        return @{
            Kind  = 'Files'
            Ad    = (Resolve-DriftPath -Path $BoundParameters['AdPath'] -Cmdlet $Cmdlet)
            Entra = (Resolve-DriftPath -Path $BoundParameters['EntraPath'] -Cmdlet $Cmdlet)
        }
    }
    if ($BoundParameters.ContainsKey('Demo') -and [bool] $BoundParameters['Demo']) {
        return @{ Kind = 'Demo' }
    }
    $null
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

    $source = New-DriftSource -BoundParameters $BoundParameters -Cmdlet $Cmdlet
    if ($null -ne $source) {
        return $source
    }
    if ($null -ne $script:DriftSession) {
        return $script:DriftSession.Source.Clone()
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
