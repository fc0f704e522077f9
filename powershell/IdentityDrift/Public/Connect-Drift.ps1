function Connect-Drift {
    <#
    .SYNOPSIS
    Chooses the data IdentityDrift commands read for the rest of the session, and checks that it can be read.

    .DESCRIPTION
    Connect-Drift keeps a connection profile in the module for the session, so later commands need no source
    parameters. The profile names a snapshot directory (-SnapshotPath), a pair of export files (-AdPath with
    -EntraPath), or the demo snapshot built into the library (-Demo). The data is read once to check it: the
    command fails, and keeps the previous profile, when a file is missing or cannot be parsed. Reader warnings
    go to the warning stream.

    The library keeps no state between calls; the profile lives in this PowerShell session only and is sent
    with every request. Disconnect-Drift forgets it.

    .PARAMETER SnapshotPath
    A snapshot directory holding ad.ldif and entra-users.json (and optionally entra-sync.json,
    exo-recipients.json, exo-users.json), as written by 'idrift snapshot take'.

    .PARAMETER AdPath
    An LDIF export of the AD users (ldapsearch -LLL or ldifde -f). Use with -EntraPath.

    .PARAMETER EntraPath
    A Microsoft Graph user export (Graph pages, a JSON array, or Get-MgUser | ConvertTo-Json). Use with -AdPath.

    .PARAMETER Demo
    Uses the demo snapshot built into the library.

    .PARAMETER ExoRecipientsPath
    Exchange Online recipients (Get-Recipient, Get-Mailbox or Get-MailUser output saved as JSON), replacing a
    snapshot's exo-recipients.json. Read by Invoke-DriftScan and Get-DriftRemediationPlan.

    .PARAMETER ExoUsersPath
    Exchange Online Get-User output saved as JSON (PreviousRecipientTypeDetails, SKUAssigned), replacing a
    snapshot's exo-users.json.

    .EXAMPLE
    Connect-Drift -SnapshotPath .\snapshot-2026-11-25

    Reads the snapshot, shows how many users it holds, and makes it the source of later commands.

    .EXAMPLE
    Connect-Drift -AdPath .\ad.ldif -EntraPath .\entra-users.json

    Uses two export files instead of a snapshot directory.

    .EXAMPLE
    Connect-Drift -Demo; Compare-DriftDirSyncOverrides -NoCsv

    Tries the module on the built-in demo data.

    .OUTPUTS
    IdentityDrift.Connection: Kind, Path, AdPath, EntraPath, ExoPath, ExoUsersPath, OnPremUsers, CloudUsers,
    HasTenantSync, ExoRecipients, ExoUsers, ConnectedAt.
    #>
    [Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSReviewUnusedParameter', '', Justification = 'The source parameters are read through $PSBoundParameters by ConvertTo-DriftSource.')]
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Low', DefaultParameterSetName = 'Snapshot')]
    [OutputType('IdentityDrift.Connection')]
    param(
        [Parameter(Mandatory, Position = 0, ParameterSetName = 'Snapshot')]
        [ValidateNotNullOrEmpty()]
        [string] $SnapshotPath,

        [Parameter(Mandatory, ParameterSetName = 'Files')]
        [ValidateNotNullOrEmpty()]
        [string] $AdPath,

        [Parameter(Mandatory, ParameterSetName = 'Files')]
        [ValidateNotNullOrEmpty()]
        [string] $EntraPath,

        [Parameter(Mandatory, ParameterSetName = 'Demo')]
        [switch] $Demo,

        [Parameter(ParameterSetName = 'Snapshot')]
        [Parameter(ParameterSetName = 'Files')]
        [ValidateNotNullOrEmpty()]
        [string] $ExoRecipientsPath,

        [Parameter(ParameterSetName = 'Snapshot')]
        [Parameter(ParameterSetName = 'Files')]
        [ValidateNotNullOrEmpty()]
        [string] $ExoUsersPath
    )

    $source = ConvertTo-DriftSource -BoundParameters $PSBoundParameters -Cmdlet $PSCmdlet
    if ($null -eq $source) {
        throw 'Name the data: -SnapshotPath, -AdPath with -EntraPath, or -Demo.'
    }
    $description = switch ($source.Kind) {
        'Snapshot' { "snapshot $($source.Path)" }
        'Files' { "$($source.Ad) and $($source.Entra)" }
        default { 'the demo snapshot' }
    }
    if (-not $PSCmdlet.ShouldProcess($description, 'Use as the IdentityDrift data source for this session')) {
        return
    }

    $response = Invoke-DriftNative -Op 'Source.Check' -Arguments @{ Source = $source }
    $ok = Resolve-DriftResponse -Response $response -Cmdlet $PSCmdlet -Target $description
    if ($null -eq $ok) {
        return
    }

    $connection = [pscustomobject]@{
        PSTypeName    = 'IdentityDrift.Connection'
        Kind          = $source.Kind
        Path          = if ($source.Kind -eq 'Snapshot') { $source.Path } else { $null }
        AdPath        = if ($source.Kind -eq 'Files') { $source.Ad } else { $null }
        EntraPath     = if ($source.Kind -eq 'Files') { $source.Entra } else { $null }
        ExoPath       = if ($source.ContainsKey('Exo')) { $source.Exo } else { $null }
        ExoUsersPath  = if ($source.ContainsKey('ExoUsers')) { $source.ExoUsers } else { $null }
        OnPremUsers   = Get-DriftPropertyValue -InputObject $ok -Name 'OnPremUsers'
        CloudUsers    = Get-DriftPropertyValue -InputObject $ok -Name 'CloudUsers'
        HasTenantSync = Get-DriftPropertyValue -InputObject $ok -Name 'HasTenantSync'
        ExoRecipients = Get-DriftPropertyValue -InputObject $ok -Name 'ExoRecipients'
        ExoUsers      = Get-DriftPropertyValue -InputObject $ok -Name 'ExoUsers'
        ConnectedAt   = Get-Date
    }
    $script:DriftSession = @{ Connection = $connection; Source = $source }
    $connection
}
