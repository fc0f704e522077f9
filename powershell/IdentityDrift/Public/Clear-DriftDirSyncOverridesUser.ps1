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
    write (ConfirmImpact High). Every write is journaled, and Undo-DriftChange -Journal JOURNAL restores the cleared
    values. Objects from Get-ADUser, Get-MgUser or the compare CSV bind by property name.

    With no switch, the command clears AD mobile only, exactly what Clear-ADSyncToolsDirSyncOverridesUser
    <UPN> clears in ADSyncTools 2.x; AD otherMobile and the Entra values are left as they are.

    All users of one pipeline are planned together and applied as one plan with one journal; a user that
    cannot be planned is reported as a non-terminating error and the others go ahead.

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
    Clears AD mobile. This is also what the command clears when no switch is given, as
    Clear-ADSyncToolsDirSyncOverridesUser <UPN> does in ADSyncTools 2.x.

    .PARAMETER OtherMobileInAD
    Clears AD otherMobile.

    .PARAMETER MobilePhoneInEntraID
    Clears the Entra mobilePhone of a cloud-only user. Alias: -MobilePhoneInAAD (ADSyncTools).

    .PARAMETER AlternateMobilePhonesInEntraID
    ADSyncTools' -AlternateMobilePhonesInAAD, accepted so that its scripts bind, and refused with an error:
    Microsoft Graph has no AlternateMobilePhones, so they cannot be cleared in Entra ID. Clear AD otherMobile
    instead.

    .PARAMETER JournalPath
    The journal to create: a file, or a directory for the default name. Defaults to the current directory.

    .PARAMETER SnapshotPath
    A snapshot directory to write to (a rehearsal: its files are edited in place, only the values written change).

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

    .EXAMPLE
    Clear-DriftDirSyncOverridesUser tim.mcmichael@contoso.com -Confirm:$false

    As Clear-ADSyncToolsDirSyncOverridesUser tim.mcmichael@contoso.com: clears AD mobile.

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

        [Alias('AlternateMobilePhonesInAAD')]
        [switch] $AlternateMobilePhonesInEntraID,

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
        if ($AlternateMobilePhonesInEntraID) {
            Stop-DriftCall -Cmdlet $PSCmdlet -ErrorId 'NotSupported' -Category NotImplemented -Message '-AlternateMobilePhonesInEntraID (-AlternateMobilePhonesInAAD): Microsoft Graph has no AlternateMobilePhones, so IdentityDrift cannot clear them in Entra ID. Clear AD otherMobile (-OtherMobileInAD) and let sync carry it.'
        }
        if (-not ($MobileInAD -or $OtherMobileInAD -or $MobilePhoneInEntraID)) {
            # As Clear-ADSyncToolsDirSyncOverridesUser <UPN> (ADSyncTools 2.x): with no switch, AD mobile.
            $MobileInAD = [switch]::Present
        }
        if ($MobilePhoneInEntraID -and ($MobileInAD -or $OtherMobileInAD)) {
            Stop-DriftCall -Cmdlet $PSCmdlet -ErrorId 'ConflictingParameters' -Message '-MobilePhoneInEntraID cannot be combined with -MobileInAD or -OtherMobileInAD.'
        }
        $source = Resolve-DriftSource -BoundParameters $PSBoundParameters -Cmdlet $PSCmdlet
        $journal = Resolve-DriftJournalPath -Path $JournalPath -Cmdlet $PSCmdlet
        $side = if ($MobilePhoneInEntraID) { 'Entra' } else { 'AD' }
        $identities = New-Object -TypeName 'System.Collections.Generic.List[string]'
    }

    process {
        $who = Resolve-DriftIdentity -BoundParameters $PSBoundParameters -Side $side -PipelineItem $_ -IdentityFromCall $identityFromCall
        if ($null -eq $who) {
            Write-DriftMissingIdentity -Cmdlet $PSCmdlet -Side $side
            return
        }
        $identities.Add($who)
    }

    end {
        # One pipeline is one plan with one journal.
        if ($identities.Count -eq 0) {
            return
        }
        $arguments = @{
            Source          = $source
            Identities      = $identities.ToArray()
            MobileInAD      = [bool] $MobileInAD
            OtherMobileInAD = [bool] $OtherMobileInAD
            MobileInEntra   = [bool] $MobilePhoneInEntraID
        }
        Invoke-DriftWrite -Op 'DirSync.Clear' -Arguments $arguments -Cmdlet $PSCmdlet -JournalPath $journal -SelectTargets
    }
}
