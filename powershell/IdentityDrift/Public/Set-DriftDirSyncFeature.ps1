function Set-DriftDirSyncFeature {
    <#
    .SYNOPSIS
    Enables or disables BypassDirSyncOverrides for the tenant, refusing to overwrite cloud values unnoticed.

    .DESCRIPTION
    The IdentityDrift equivalent of Set-MsolDirSyncFeature -Feature BypassDirSyncOverrides -Enable $true (and of
    Update-MgDirectoryOnPremiseSynchronization with BypassDirSyncOverridesEnabled). With the switch on, sync
    keeps AD mobile and otherMobile and overwrites cloud edits of synced users.

    -Enable first previews the users whose Entra values the next sync would overwrite, and refuses while there
    are any, unless -AcceptOverwrite says to lose them (persist them into AD first with
    Set-DriftDirSyncOverridesUser). The preview is journaled with the change. ShouldProcess asks before the
    tenant-wide change (ConfirmImpact High). After enabling, run Start-ADSyncSyncCycle -PolicyType Initial on
    the Entra Connect server to apply it to every user now.

    .PARAMETER Feature
    The feature: BypassDirSyncOverrides.

    .PARAMETER Enable
    Enables the feature.

    .PARAMETER Disable
    Disables the feature: cloud edits of synced users' mobile numbers create DirSyncOverrides again.

    .PARAMETER AcceptOverwrite
    Enables even though the preview lists users whose Entra values will be overwritten (they are lost).

    .PARAMETER DefaultRegion
    The region (ISO 3166 code) assumed for numbers without a country code in the preview.

    .PARAMETER JournalPath
    The journal to create: a file, or a directory for the default name. Defaults to the current directory.

    .PARAMETER SnapshotPath
    A snapshot directory to write to (a rehearsal: only bypassDirSyncOverridesEnabled changes in its entra-sync.json).

    .PARAMETER AdPath
    An LDIF export (read for the preview).

    .PARAMETER EntraPath
    A Graph user export (read for the preview).

    .PARAMETER Demo
    Uses the demo snapshot built into the library (read-only: shows the plan, refuses the write).

    .EXAMPLE
    Set-DriftDirSyncFeature -Feature BypassDirSyncOverrides -Enable -WhatIf

    Shows the change and the users it would overwrite, without making it.

    .EXAMPLE
    Set-DriftDirSyncFeature -Feature BypassDirSyncOverrides -Enable

    Enables the switch after confirmation, once the preview lists nobody.

    .EXAMPLE
    Set-DriftDirSyncFeature -Feature BypassDirSyncOverrides -Disable -Confirm:$false

    Disables the switch without asking.

    .OUTPUTS
    IdentityDrift.WriteOutcome: Target (tenant), Attribute, Status, Before, After, Message, Journal.
    #>
    [Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSReviewUnusedParameter', '', Justification = 'The source parameters are read through $PSBoundParameters.')]
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High')]
    [OutputType('IdentityDrift.WriteOutcome')]
    param(
        [Parameter(Position = 0)]
        [ValidateSet('BypassDirSyncOverrides')]
        [string] $Feature = 'BypassDirSyncOverrides',

        [switch] $Enable,

        [switch] $Disable,

        [switch] $AcceptOverwrite,

        [ValidatePattern('^[A-Za-z]{2}$')]
        [string] $DefaultRegion,

        [string] $JournalPath,

        [ValidateNotNullOrEmpty()]
        [string] $SnapshotPath,

        [ValidateNotNullOrEmpty()]
        [string] $AdPath,

        [ValidateNotNullOrEmpty()]
        [string] $EntraPath,

        [switch] $Demo
    )

    if ($Enable -eq $Disable) {
        Stop-DriftCall -Cmdlet $PSCmdlet -Message 'Name the change: -Enable or -Disable.'
    }
    $source = Resolve-DriftSource -BoundParameters $PSBoundParameters -Cmdlet $PSCmdlet
    $journal = Resolve-DriftJournalPath -Path $JournalPath -Cmdlet $PSCmdlet
    $arguments = @{ Source = $source; Enable = [bool] $Enable; AcceptOverwrite = [bool] $AcceptOverwrite }
    if ($PSBoundParameters.ContainsKey('DefaultRegion')) {
        $arguments['DefaultRegion'] = $DefaultRegion.ToUpperInvariant()
    }
    Invoke-DriftWrite -Op 'DirSync.Bypass.Set' -Arguments $arguments -Cmdlet $PSCmdlet -JournalPath $journal
}
