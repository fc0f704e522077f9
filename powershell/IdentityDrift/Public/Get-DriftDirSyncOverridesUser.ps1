function Get-DriftDirSyncOverridesUser {
    <#
    .SYNOPSIS
    Shows one user's mobile numbers as Active Directory or Entra ID holds them.

    .DESCRIPTION
    The IdentityDrift equivalent of Get-ADSyncToolsDirSyncOverridesUser. With -FromAD it returns the user's AD
    mobile and otherMobile; with -FromEntraID the Entra mobilePhone (and AlternateMobilePhones where the source
    carries it; Microsoft Graph does not), and whether the user is synced, which decides where a change must be
    made. Objects from Get-ADUser, Get-MgUser, Compare-DriftDirSyncOverrides or Import-Csv of its CSV bind by
    property name.

    The data comes from -SnapshotPath, -AdPath / -EntraPath, or -Demo; without them, from the profile of
    Connect-Drift.

    .PARAMETER Identity
    The user: UPN, distinguished name or objectGUID for AD; UPN or object id for Entra ID.

    .PARAMETER UserPrincipalName
    The user's UPN (bound from pipeline objects).

    .PARAMETER DistinguishedName
    The user's AD distinguished name (bound from pipeline objects such as Get-ADUser output).

    .PARAMETER ObjectGUID
    The user's AD objectGUID (bound from Get-ADUser output).

    .PARAMETER ObjectId
    The user's Entra object id (bound from the compare CSV's ObjectId column, or Get-MgUser's Id).

    .PARAMETER FromAD
    Reads Active Directory.

    .PARAMETER FromEntraID
    Reads Entra ID.

    .PARAMETER SnapshotPath
    A snapshot directory (ad.ldif, entra-users.json, ...), as written by 'idrift snapshot take'.

    .PARAMETER AdPath
    An LDIF export of the AD users.

    .PARAMETER EntraPath
    A Microsoft Graph user export (JSON).

    .PARAMETER Demo
    Uses the demo snapshot built into the library.

    .EXAMPLE
    Get-DriftDirSyncOverridesUser tim.mcmichael@contoso.com -FromAD

    Shows Tim's AD mobile and otherMobile.

    .EXAMPLE
    Get-ADUser -Filter "Department -eq 'Sales'" | Get-DriftDirSyncOverridesUser -FromAD

    Reads the AD values of every Sales user, found by distinguished name.

    .EXAMPLE
    Import-Csv .\ADSyncTools-DirSyncOverrides_2026Nov25-143005.csv | Get-DriftDirSyncOverridesUser -FromEntraID

    Reads the current Entra values of every user in a comparison, by Entra object id.

    .OUTPUTS
    IdentityDrift.DirSyncOverridesUser.AD (UserPrincipalName, DistinguishedName, Mobile, OtherMobile) or
    IdentityDrift.DirSyncOverridesUser.EntraID (UserPrincipalName, ObjectId, Synced, MobilePhone,
    AlternateMobilePhones).
    #>
    [Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSReviewUnusedParameter', '', Justification = 'Identity and source parameters are read through $PSBoundParameters.')]
    [CmdletBinding(DefaultParameterSetName = 'AD')]
    [OutputType('IdentityDrift.DirSyncOverridesUser.AD', 'IdentityDrift.DirSyncOverridesUser.EntraID')]
    param(
        [Parameter(Position = 0, ValueFromPipeline)]
        [string] $Identity,

        [Parameter(ValueFromPipelineByPropertyName)]
        [AllowEmptyString()]
        [AllowNull()]
        [string] $UserPrincipalName,

        [Parameter(ValueFromPipelineByPropertyName)]
        [AllowEmptyString()]
        [AllowNull()]
        [string] $DistinguishedName,

        [Parameter(ValueFromPipelineByPropertyName)]
        [AllowEmptyString()]
        [AllowNull()]
        [string] $ObjectGUID,

        [Parameter(ValueFromPipelineByPropertyName)]
        [Alias('Id')]
        [AllowEmptyString()]
        [AllowNull()]
        [string] $ObjectId,

        # Not mandatory: AD is the default set, and a mandatory switch makes PowerShell prompt for "FromAD:".
        [Parameter(ParameterSetName = 'AD')]
        [switch] $FromAD,

        [Parameter(Mandatory, ParameterSetName = 'EntraID')]
        [Alias('FromAzureAD')]
        [switch] $FromEntraID,

        [ValidateNotNullOrEmpty()]
        [string] $SnapshotPath,

        [ValidateNotNullOrEmpty()]
        [string] $AdPath,

        [ValidateNotNullOrEmpty()]
        [string] $EntraPath,

        [switch] $Demo
    )

    begin {
        $identityFromCall = $PSBoundParameters.ContainsKey('Identity')
        $source = Resolve-DriftSource -BoundParameters $PSBoundParameters -Cmdlet $PSCmdlet
        $side = if ($PSCmdlet.ParameterSetName -eq 'EntraID') { 'Entra' } else { 'AD' }
    }

    process {
        $who = Resolve-DriftIdentity -BoundParameters $PSBoundParameters -Side $side -PipelineItem $_ -IdentityFromCall $identityFromCall
        if ($null -eq $who) {
            Write-DriftMissingIdentity -Cmdlet $PSCmdlet -Side $side
            return
        }
        $response = Invoke-DriftNative -Op 'DirSync.Get' -Arguments @{ Source = $source; Identity = $who; From = $side }
        $view = Resolve-DriftResponse -Response $response -Cmdlet $PSCmdlet -Target $who
        if ($null -eq $view) {
            return
        }
        $typeName = if ($side -eq 'AD') { 'IdentityDrift.DirSyncOverridesUser.AD' } else { 'IdentityDrift.DirSyncOverridesUser.EntraID' }
        $view.PSObject.TypeNames.Insert(0, $typeName)
        $view
    }
}
