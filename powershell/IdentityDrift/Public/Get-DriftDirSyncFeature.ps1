function Get-DriftDirSyncFeature {
    <#
    .SYNOPSIS
    Shows whether BypassDirSyncOverrides is enabled, or which users enabling it would overwrite.

    .DESCRIPTION
    Reads the tenant's directory synchronization features (Graph GET /directory/onPremisesSynchronization, or
    a snapshot's entra-sync.json): the IdentityDrift equivalent of Get-MsolDirSyncFeatures -Feature
    BypassDirSyncOverrides.

    With -Preview it lists instead the users whose Entra mobile numbers enabling BypassDirSyncOverrides would
    replace with AD's at the next sync: the data at risk. Persist the values worth keeping into AD first
    (Compare-DriftDirSyncOverrides | Set-DriftDirSyncOverridesUser), until the preview lists nobody.

    .PARAMETER Feature
    The feature: BypassDirSyncOverrides.

    .PARAMETER Preview
    Lists the users whose Entra values enabling the feature would overwrite.

    .PARAMETER DefaultRegion
    The region (ISO 3166 code) assumed for numbers without a country code when marking formatting-only
    differences in the preview.

    .PARAMETER SnapshotPath
    A snapshot directory (ad.ldif, entra-users.json, entra-sync.json).

    .PARAMETER AdPath
    An LDIF export of the AD users (needed for -Preview).

    .PARAMETER EntraPath
    A Graph user export (JSON).

    .PARAMETER Demo
    Uses the demo snapshot built into the library.

    .EXAMPLE
    Get-DriftDirSyncFeature -Feature BypassDirSyncOverrides

    Shows whether the switch is on, and the sync object's id.

    .EXAMPLE
    Get-DriftDirSyncFeature -Feature BypassDirSyncOverrides -Preview

    Lists the users whose Entra values the switch would overwrite.

    .OUTPUTS
    IdentityDrift.DirSyncFeature (Feature, Enabled, Id); with -Preview, IdentityDrift.BypassPreviewUser
    (UserPrincipalName, MobileInAD, MobileInEntra, OtherMobileInAD, AlternateMobilePhonesInEntra).
    #>
    [Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSReviewUnusedParameter', '', Justification = 'The source parameters are read through $PSBoundParameters.')]
    [CmdletBinding()]
    [OutputType('IdentityDrift.DirSyncFeature', 'IdentityDrift.BypassPreviewUser')]
    param(
        [Parameter(Position = 0)]
        [ValidateSet('BypassDirSyncOverrides')]
        [string] $Feature = 'BypassDirSyncOverrides',

        [switch] $Preview,

        [ValidatePattern('^[A-Za-z]{2}$')]
        [string] $DefaultRegion,

        [ValidateNotNullOrEmpty()]
        [string] $SnapshotPath,

        [ValidateNotNullOrEmpty()]
        [string] $AdPath,

        [ValidateNotNullOrEmpty()]
        [string] $EntraPath,

        [switch] $Demo
    )

    $source = Resolve-DriftSource -BoundParameters $PSBoundParameters -Cmdlet $PSCmdlet
    if ($Preview) {
        $arguments = @{ Source = $source }
        if ($PSBoundParameters.ContainsKey('DefaultRegion')) {
            $arguments['DefaultRegion'] = $DefaultRegion.ToUpperInvariant()
        }
        $ok = Resolve-DriftResponse -Response (Invoke-DriftNative -Op 'DirSync.Bypass.Preview' -Arguments $arguments) -Cmdlet $PSCmdlet -Target $Feature
        foreach ($user in @(Get-DriftPropertyValue -InputObject $ok -Name 'Users')) {
            if ($null -ne $user) {
                $user.PSObject.TypeNames.Insert(0, 'IdentityDrift.BypassPreviewUser')
                $user
            }
        }
        return
    }
    $ok = Resolve-DriftResponse -Response (Invoke-DriftNative -Op 'DirSync.Bypass.Status' -Arguments @{ Source = $source }) -Cmdlet $PSCmdlet -Target $Feature
    if ($null -eq $ok) {
        return
    }
    [pscustomobject]@{
        PSTypeName = 'IdentityDrift.DirSyncFeature'
        Feature    = $Feature
        Enabled    = [bool] $ok.BypassDirSyncOverridesEnabled
        Id         = $ok.Id
    }
}
