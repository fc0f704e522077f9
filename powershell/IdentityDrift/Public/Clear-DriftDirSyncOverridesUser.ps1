function Clear-DriftDirSyncOverridesUser {
    <#
    .SYNOPSIS
    Clears a user's AD mobile and/or otherMobile, or a cloud-only user's Entra mobilePhone.

    .DESCRIPTION
    The IdentityDrift equivalent of Clear-ADSyncToolsDirSyncOverridesUser. -MobileInAD and -OtherMobileInAD
    clear the AD attributes (sync then clears them in Entra ID at its next cycle, unless the user carries a
    DirSyncOverride); -MobilePhoneInEntraID clears the Entra mobilePhone of a cloud-only user (Entra ID
    refuses it for synced users).

    The library plans the change first; ShouldProcess shows the values before and after and asks before the
    write (ConfirmImpact High). Every write is journaled, and 'idrift undo JOURNAL' restores the cleared
    values. Objects from Get-ADUser, Get-MgUser or the compare CSV bind by property name.

    .PARAMETER Identity
    The user: UPN, distinguished name or objectGUID for AD; UPN or object id for Entra ID.

    .PARAMETER UserPrincipalName
    The user's UPN (bound from pipeline objects).

    .PARAMETER DistinguishedName
    The user's AD distinguished name (bound from pipeline objects).

    .PARAMETER ObjectGUID
    The user's AD objectGUID (bound from Get-ADUser output).

    .PARAMETER ObjectId
    The user's Entra object id (bound from pipeline objects).

    .PARAMETER MobileInAD
    Clears AD mobile.

    .PARAMETER OtherMobileInAD
    Clears AD otherMobile.

    .PARAMETER MobilePhoneInEntraID
    Clears the Entra mobilePhone of a cloud-only user.

    .PARAMETER JournalPath
    The journal to create: a file, or a directory for the default name. Defaults to the current directory.

    .PARAMETER SnapshotPath
    A snapshot directory to write to (a rehearsal: its files are rewritten).

    .PARAMETER AdPath
    An LDIF export to write to (a rehearsal).

    .PARAMETER EntraPath
    A Graph user export to write to (a rehearsal).

    .PARAMETER Demo
    Uses the demo snapshot built into the library (read-only: shows plans, refuses writes).

    .EXAMPLE
    Clear-DriftDirSyncOverridesUser -Identity tim.mcmichael@contoso.com -MobileInAD -WhatIf

    Shows the AD mobile that would be cleared.

    .EXAMPLE
    Get-ADUser -Filter "Department -eq 'Former'" | Clear-DriftDirSyncOverridesUser -MobileInAD -OtherMobileInAD

    Clears both AD attributes of every user of a department, asking per user.

    .OUTPUTS
    IdentityDrift.WriteOutcome: Target, Attribute, Status, Before, After, Message, Journal.
    #>
    [Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSReviewUnusedParameter', '', Justification = 'Identity and source parameters are read through $PSBoundParameters.')]
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High')]
    [OutputType('IdentityDrift.WriteOutcome')]
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

        [switch] $MobileInAD,

        [switch] $OtherMobileInAD,

        [Alias('MobilePhoneInAAD')]
        [switch] $MobilePhoneInEntraID,

        [string] $JournalPath,

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
        if (-not ($MobileInAD -or $OtherMobileInAD -or $MobilePhoneInEntraID)) {
            throw 'Name what to clear: -MobileInAD, -OtherMobileInAD or -MobilePhoneInEntraID.'
        }
        if ($MobilePhoneInEntraID -and ($MobileInAD -or $OtherMobileInAD)) {
            throw '-MobilePhoneInEntraID cannot be combined with -MobileInAD or -OtherMobileInAD.'
        }
        $source = Resolve-DriftSource -BoundParameters $PSBoundParameters -Cmdlet $PSCmdlet
        $journal = Resolve-DriftJournalPath -Path $JournalPath -Cmdlet $PSCmdlet
        $side = if ($MobilePhoneInEntraID) { 'Entra' } else { 'AD' }
    }

    process {
        $who = Resolve-DriftIdentity -BoundParameters $PSBoundParameters -Side $side -PipelineItem $_ -IdentityFromCall $identityFromCall
        if ($null -eq $who) {
            Write-DriftMissingIdentity -Cmdlet $PSCmdlet -Side $side
            return
        }
        $arguments = @{
            Source          = $source
            Identity        = $who
            MobileInAD      = [bool] $MobileInAD
            OtherMobileInAD = [bool] $OtherMobileInAD
            MobileInEntra   = [bool] $MobilePhoneInEntraID
        }
        Invoke-DriftWrite -Op 'DirSync.Clear' -Arguments $arguments -Cmdlet $PSCmdlet -JournalPath $journal
    }
}
