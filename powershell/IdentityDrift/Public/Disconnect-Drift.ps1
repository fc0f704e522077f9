function Disconnect-Drift {
    <#
    .SYNOPSIS
    Forgets the connection profile that Connect-Drift keeps for the session.

    .DESCRIPTION
    After Disconnect-Drift, commands need their own source parameters (-SnapshotPath, -AdPath with
    -EntraPath, or -Demo) until Connect-Drift is run again. Nothing is written anywhere; the profile only
    lived in this PowerShell session. Without a profile the command does nothing.

    .PARAMETER PassThru
    Returns the profile that was forgotten.

    .EXAMPLE
    Disconnect-Drift

    Forgets the current profile.

    .EXAMPLE
    Disconnect-Drift -PassThru | Format-List

    Forgets the profile and shows what it was.

    .OUTPUTS
    None by default; IdentityDrift.Connection with -PassThru.
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Low')]
    [OutputType('IdentityDrift.Connection')]
    param(
        [switch] $PassThru
    )

    if ($null -eq $script:DriftSession) {
        Write-Verbose -Message 'IdentityDrift has no connection profile in this session.'
        return
    }
    $connection = $script:DriftSession.Connection
    if (-not $PSCmdlet.ShouldProcess("$($connection.Kind) source", 'Forget the IdentityDrift connection profile')) {
        return
    }
    $script:DriftSession = $null
    if ($PassThru) {
        $connection
    }
}
