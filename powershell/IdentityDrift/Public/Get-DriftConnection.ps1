function Get-DriftConnection {
    <#
    .SYNOPSIS
    Shows the connection profile that Connect-Drift keeps for the session.

    .DESCRIPTION
    Returns the IdentityDrift.Connection object of the last successful Connect-Drift: which data the commands
    read when they are given no source parameters, and what it held when it was checked. Returns nothing when
    there is no profile.

    .EXAMPLE
    Get-DriftConnection

    Shows the current profile.

    .EXAMPLE
    if (-not (Get-DriftConnection)) { Connect-Drift -SnapshotPath .\snap }

    Connects only when no profile exists yet.

    .OUTPUTS
    IdentityDrift.Connection
    #>
    [CmdletBinding()]
    [OutputType('IdentityDrift.Connection')]
    param()

    if ($null -ne $script:DriftSession) {
        $script:DriftSession.Connection
    }
}
