function Set-DriftDirSyncOverridesUser {
    <#
    .SYNOPSIS
    Writes mobile numbers: new AD values for a user, the Entra values of compared users into AD, or a
    cloud-only user's Entra mobilePhone.

    .DESCRIPTION
    The IdentityDrift equivalent of Set-ADSyncToolsDirSyncOverridesUser, in three forms:

    - With -Identity and -MobileInAD and/or -OtherMobileInAD, it sets the user's AD mobile and otherMobile
      (otherMobile is replaced as a whole). Sync carries AD values to Entra ID at its next cycle, unless the
      user carries a DirSyncOverride; then only with BypassDirSyncOverrides enabled.
    - With rows from Compare-DriftDirSyncOverrides or Import-Csv of its CSV on the pipeline, it copies each
      user's Entra values (MobileInEntra, and AlternateMobilePhonesInEntra where the comparison had them) into
      AD: Microsoft's documented repair before enabling BypassDirSyncOverrides. The row's AD values are the
      values expected in AD; a user whose AD values changed since the comparison is reported as a conflict and
      not written. All rows go into one journal.
    - With -Identity and -MobilePhoneInEntraID, it sets the Entra mobilePhone of a cloud-only user. Entra ID
      refuses phone changes of synced users; change AD instead.

    All users of one pipeline are collected and planned together when the pipeline ends, and applied as one
    plan with one journal. A user that cannot be planned (unknown, an empty value, a synced user's Entra
    phone) is a non-terminating error with the user as its target object; the other users are still written.
    -AlternateMobilePhonesInAAD (ADSyncTools) binds but is refused: Microsoft Graph has no AlternateMobilePhones.

    Nothing is written before the library has planned the change and ShouldProcess has approved it: -WhatIf
    shows each user's values before and after, -Confirm asks per user. Every write is journaled (the journal
    is named in the information stream and on each outcome); Undo-DriftChange -Journal JOURNAL restores the values found
    before the writes. A snapshot source (-SnapshotPath, -AdPath / -EntraPath) is edited in place, which
    rehearses a repair offline; the demo is read-only.

    .PARAMETER Identity
    The user: UPN, distinguished name or objectGUID for AD; UPN or object id for Entra ID.

    .PARAMETER MobileInAD
    The new AD mobile. With comparison rows from the pipeline: the AD mobile the comparison saw.

    .PARAMETER OtherMobileInAD
    The new AD otherMobile values (replacing the current ones). With comparison rows: the AD values the
    comparison saw ("a;b" strings from the CSV are split at ';').

    .PARAMETER MobileInEntra
    From comparison rows: the Entra mobilePhone to copy into AD mobile (empty clears AD mobile). The column
    MobileInAAD of older ADSyncTools files binds too.

    .PARAMETER AlternateMobilePhonesInEntra
    From comparison rows: the Entra AlternateMobilePhones to copy into AD otherMobile, where the comparison
    had them (Graph sources do not; AD otherMobile is then kept).

    .PARAMETER UserPrincipalName
    The user's UPN (bound from pipeline objects).

    .PARAMETER DistinguishedName
    The user's AD distinguished name (bound from pipeline objects).

    .PARAMETER ObjectGUID
    The user's AD objectGUID (bound from Get-ADUser output).

    .PARAMETER ObjectId
    The user's Entra object id (bound from pipeline objects).

    .PARAMETER MobilePhoneInEntraID
    The new Entra mobilePhone of a cloud-only user.

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
    Set-DriftDirSyncOverridesUser -Identity tim.mcmichael@contoso.com -MobileInAD '+1 425 555 0102'

    Sets Tim's AD mobile after confirmation, and journals the write.

    .EXAMPLE
    Import-Csv .\ADSyncTools-DirSyncOverrides_2026Nov25-143005.csv | Set-DriftDirSyncOverridesUser -WhatIf

    Shows, per user, the AD values that copying the Entra values into AD would replace.

    .EXAMPLE
    Compare-DriftDirSyncOverrides -NoCsv | Where-Object { -not $_.FormatOnly } | Set-DriftDirSyncOverridesUser -Confirm:$false

    Copies the Entra values of every user with a real difference into AD, without asking per user.

    .EXAMPLE
    Set-DriftDirSyncOverridesUser -Identity contractor@contoso.com -MobilePhoneInEntraID '+44 20 7946 0999'

    Sets the Entra mobilePhone of a cloud-only user.

    .OUTPUTS
    IdentityDrift.WriteOutcome: Target, Attribute, Status (Applied, Skipped, Conflict, Failed), Before, After,
    Message, Journal.
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
        [string] $MobileInAD,

        [Parameter(ValueFromPipelineByPropertyName)]
        [AllowEmptyString()]
        [AllowEmptyCollection()]
        [AllowNull()]
        [string[]] $OtherMobileInAD,

        [Parameter(ValueFromPipelineByPropertyName)]
        [Alias('MobileInAAD')]
        [AllowEmptyString()]
        [AllowNull()]
        [string] $MobileInEntra,

        [Parameter(ValueFromPipelineByPropertyName)]
        [Alias('AlternateMobilePhonesInAAD')]
        [AllowEmptyString()]
        [AllowEmptyCollection()]
        [AllowNull()]
        [string[]] $AlternateMobilePhonesInEntra,

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

        [ValidateNotNullOrEmpty()]
        [Alias('MobilePhoneInAAD')]
        [string] $MobilePhoneInEntraID,

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
        $source = Resolve-DriftSource -BoundParameters $PSBoundParameters -Cmdlet $PSCmdlet
        $journal = Resolve-DriftJournalPath -Path $JournalPath -Cmdlet $PSCmdlet
        $rows = New-Object -TypeName 'System.Collections.Generic.List[object]'
        $items = New-Object -TypeName 'System.Collections.Generic.List[object]'
        $split = {
            param($values)
            $out = @()
            foreach ($v in @($values)) {
                if ($null -ne $v) {
                    $out += @(([string] $v).Split(';') | ForEach-Object { $_.Trim() } | Where-Object { $_ -ne '' })
                }
            }
            , $out
        }
        $blank = {
            param($v)
            if ([string]::IsNullOrWhiteSpace([string] $v)) { $null } else { ([string] $v).Trim() }
        }
    }

    process {
        if ($PSBoundParameters.ContainsKey('MobileInEntra')) {
            # A row of a comparison: persist its Entra values into AD, all rows in one plan (end block).
            if ([string]::IsNullOrWhiteSpace($UserPrincipalName)) {
                Write-DriftMissingIdentity -Cmdlet $PSCmdlet -Side 'AD'
                return
            }
            $alternate = $null
            if ($PSBoundParameters.ContainsKey('AlternateMobilePhonesInEntra') -and $null -ne $AlternateMobilePhonesInEntra) {
                $joined = @($AlternateMobilePhonesInEntra | Where-Object { $null -ne $_ }) -join ';'
                if ($joined.Trim() -ne '') {
                    $alternate = & $split $AlternateMobilePhonesInEntra
                }
            }
            $rows.Add(@{
                    UserPrincipalName            = $UserPrincipalName.Trim()
                    DistinguishedName            = if ($DistinguishedName) { $DistinguishedName } else { '' }
                    MobileInAD                   = & $blank $MobileInAD
                    OtherMobileInAD              = & $split $OtherMobileInAD
                    MobileInEntra                = & $blank $MobileInEntra
                    AlternateMobilePhonesInEntra = $alternate
                })
            return
        }

        $who = $null
        if ($PSBoundParameters.ContainsKey('MobilePhoneInEntraID')) {
            $who = Resolve-DriftIdentity -BoundParameters $PSBoundParameters -Side 'Entra' -PipelineItem $_ -IdentityFromCall $identityFromCall
            if ($null -eq $who) {
                Write-DriftMissingIdentity -Cmdlet $PSCmdlet -Side 'Entra'
                return
            }
            if ($PSBoundParameters.ContainsKey('MobileInAD') -or $PSBoundParameters.ContainsKey('OtherMobileInAD')) {
                Write-DriftItemError -Cmdlet $PSCmdlet -Target $who -ErrorId 'ConflictingParameters' -Message '-MobilePhoneInEntraID cannot be combined with -MobileInAD or -OtherMobileInAD.'
                return
            }
            if ($PSBoundParameters.ContainsKey('AlternateMobilePhonesInEntra') -and (@($AlternateMobilePhonesInEntra | Where-Object { -not [string]::IsNullOrWhiteSpace($_) }).Count -gt 0)) {
                Write-DriftItemError -Cmdlet $PSCmdlet -Target $who -ErrorId 'NotSupported' -Category NotImplemented -Message "-AlternateMobilePhonesInAAD for ${who}: Microsoft Graph has no AlternateMobilePhones, so IdentityDrift cannot write them in Entra ID. Set AD otherMobile (-OtherMobileInAD) and let sync carry it."
                return
            }
            $items.Add(@{ Identity = $who; MobileInEntra = $MobilePhoneInEntraID })
            return
        }

        $who = Resolve-DriftIdentity -BoundParameters $PSBoundParameters -Side 'AD' -PipelineItem $_ -IdentityFromCall $identityFromCall
        if ($null -eq $who) {
            Write-DriftMissingIdentity -Cmdlet $PSCmdlet -Side 'AD'
            return
        }
        $item = @{ Identity = $who }
        if ($PSBoundParameters.ContainsKey('MobileInAD')) {
            if ([string]::IsNullOrWhiteSpace($MobileInAD)) {
                Write-DriftItemError -Cmdlet $PSCmdlet -Target $who -ErrorId 'EmptyValue' -Message "-MobileInAD is empty for ${who}; use Clear-DriftDirSyncOverridesUser -MobileInAD to clear it."
                return
            }
            $item['MobileInAD'] = $MobileInAD.Trim()
        }
        if ($PSBoundParameters.ContainsKey('OtherMobileInAD')) {
            $values = & $split $OtherMobileInAD
            if ($values.Count -eq 0) {
                Write-DriftItemError -Cmdlet $PSCmdlet -Target $who -ErrorId 'EmptyValue' -Message "-OtherMobileInAD is empty for ${who}; use Clear-DriftDirSyncOverridesUser -OtherMobileInAD to clear it."
                return
            }
            $item['OtherMobileInAD'] = $values
        }
        if (-not ($item.ContainsKey('MobileInAD') -or $item.ContainsKey('OtherMobileInAD'))) {
            Write-DriftItemError -Cmdlet $PSCmdlet -Target $who -ErrorId 'MissingValue' -Message "Name the new value for ${who}: -MobileInAD, -OtherMobileInAD or -MobilePhoneInEntraID (or pipe rows of Compare-DriftDirSyncOverrides)."
            return
        }
        $items.Add($item)
    }

    end {
        # One pipeline is one plan with one journal: every user named in process {} is planned and applied here.
        if ($items.Count -gt 0) {
            $arguments = @{ Source = $source; Items = $items.ToArray() }
            Invoke-DriftWrite -Op 'DirSync.Set' -Arguments $arguments -Cmdlet $PSCmdlet -JournalPath $journal -SelectTargets
        }
        if ($rows.Count -gt 0) {
            $arguments = @{ Source = $source; Rows = $rows.ToArray() }
            Invoke-DriftWrite -Op 'DirSync.Persist' -Arguments $arguments -Cmdlet $PSCmdlet -JournalPath $journal -SelectTargets
        }
    }
}
