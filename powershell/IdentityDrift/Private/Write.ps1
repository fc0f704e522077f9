# Private/Write.ps1: the shared tail of every command that writes (Set-, Clear-, Set-DriftDirSyncFeature,
# Undo-DriftChange).
# The library plans first (a dry run: nothing is written), each planned write is offered to ShouldProcess with
# its values before and after (so -WhatIf shows exactly what would change and -Confirm asks per write), and
# only the approved writes are applied, journaled by the library. Outcomes come back as
# IdentityDrift.WriteOutcome objects; failed and conflicting writes are also written as errors.

function Get-DriftOpLabel {
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory)]
        [string] $Op
    )

    switch ($Op) {
        'ad.phones' { 'AD mobile/otherMobile' }
        'entra.mobilePhone' { 'Entra mobilePhone' }
        'tenant.bypassDirSyncOverrides' { 'BypassDirSyncOverrides' }
        'ad.lintValue' { 'AD value (lint fix)' }
        default { $Op }
    }
}

function Format-DriftValue {
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory)]
        [string] $Op,

        [AllowNull()]
        [object] $Value
    )

    if ($null -eq $Value) {
        return '(none)'
    }
    $text = {
        param($v)
        if ($null -eq $v -or "$v" -eq '') { '(empty)' } else { "'$v'" }
    }
    switch ($Op) {
        'ad.phones' {
            $mobile = & $text (Get-DriftPropertyValue -InputObject $Value -Name 'Mobile')
            $other = @(Get-DriftPropertyValue -InputObject $Value -Name 'OtherMobile') -join ';'
            return "mobile $mobile, otherMobile $(& $text $other)"
        }
        'entra.mobilePhone' {
            return "mobilePhone $(& $text (Get-DriftPropertyValue -InputObject $Value -Name 'MobilePhone'))"
        }
        'tenant.bypassDirSyncOverrides' {
            # The journal's value is {"BypassDirSyncOverridesEnabled": bool} (idrift_app::dirsync_ops::BypassValue).
            if (Get-DriftPropertyValue -InputObject $Value -Name 'BypassDirSyncOverridesEnabled') { return 'enabled' } else { return 'disabled' }
        }
        'ad.lintValue' {
            $values = @($Value | Where-Object { $null -ne $_ })
            if ($values.Count -eq 0) { return '(none)' }
            return (($values | ForEach-Object { "'$_'" }) -join ', ')
        }
        default {
            return (ConvertTo-Json -InputObject $Value -Depth 8 -Compress)
        }
    }
}

function Resolve-DriftJournalPath {
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [AllowEmptyString()]
        [string] $Path,

        [Parameter(Mandatory)]
        [System.Management.Automation.PSCmdlet] $Cmdlet
    )

    if ([string]::IsNullOrEmpty($Path)) {
        return (Get-Location -PSProvider FileSystem).ProviderPath
    }
    Resolve-DriftPath -Path $Path -Cmdlet $Cmdlet
}

function New-DriftErrorRecord {
    # An ErrorRecord with a category, a FullyQualifiedErrorId (IdentityDrift.<Id>) and the object it is about.
    [CmdletBinding()]
    [OutputType([System.Management.Automation.ErrorRecord])]
    param(
        [Parameter(Mandatory)]
        [string] $Message,

        [Parameter(Mandatory)]
        [string] $ErrorId,

        [System.Management.Automation.ErrorCategory] $Category = [System.Management.Automation.ErrorCategory]::InvalidArgument,

        [AllowNull()]
        [object] $Target
    )

    $type = if ($Category -eq [System.Management.Automation.ErrorCategory]::InvalidArgument) { 'System.ArgumentException' } else { 'System.Exception' }
    $exception = New-Object -TypeName $type -ArgumentList $Message
    New-Object -TypeName 'System.Management.Automation.ErrorRecord' -ArgumentList @(
        $exception
        "IdentityDrift.$ErrorId"
        $Category
        $Target
    )
}

function Write-DriftItemError {
    # A non-terminating error about one pipeline item: the other items go on.
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)]
        [System.Management.Automation.PSCmdlet] $Cmdlet,

        [Parameter(Mandatory)]
        [string] $Message,

        [Parameter(Mandatory)]
        [string] $ErrorId,

        [System.Management.Automation.ErrorCategory] $Category = [System.Management.Automation.ErrorCategory]::InvalidArgument,

        [AllowNull()]
        [object] $Target
    )

    $Cmdlet.WriteError((New-DriftErrorRecord -Message $Message -ErrorId $ErrorId -Category $Category -Target $Target))
}

function Stop-DriftCall {
    # A terminating error about the call itself (its parameters), as an ErrorRecord.
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)]
        [System.Management.Automation.PSCmdlet] $Cmdlet,

        [Parameter(Mandatory)]
        [string] $Message,

        [string] $ErrorId = 'InvalidParameters',

        [System.Management.Automation.ErrorCategory] $Category = [System.Management.Automation.ErrorCategory]::InvalidArgument
    )

    $Cmdlet.ThrowTerminatingError((New-DriftErrorRecord -Message $Message -ErrorId $ErrorId -Category $Category -Target $null))
}

# Runs over more items than this show Write-Progress, one update per item.
$script:DriftProgressThreshold = 10

function Write-DriftProgress {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)]
        [string] $Activity,

        [Parameter(Mandatory)]
        [int] $Index,

        [Parameter(Mandatory)]
        [int] $Total,

        [AllowEmptyString()]
        [string] $Status = '',

        [int] $Id = 1
    )

    if ($Total -le $script:DriftProgressThreshold) {
        return
    }
    if ($Index -ge $Total) {
        Write-Progress -Activity $Activity -Id $Id -Completed
        return
    }
    $text = '{0} of {1}' -f ($Index + 1), $Total
    if ($Status) {
        $text = "${text}: $Status"
    }
    Write-Progress -Activity $Activity -Id $Id -Status $text -PercentComplete ([int] (100 * $Index / $Total))
}

function Invoke-DriftWrite {
    [CmdletBinding()]
    [OutputType('IdentityDrift.WriteOutcome')]
    param(
        [Parameter(Mandatory)]
        [string] $Op,

        [Parameter(Mandatory)]
        [hashtable] $Arguments,

        [Parameter(Mandatory)]
        [System.Management.Automation.PSCmdlet] $Cmdlet,

        [Parameter(Mandatory)]
        [string] $JournalPath,

        # Approve each planned write separately and apply only the approved ones (a plan over many users).
        [switch] $SelectTargets,

        # Apply only when every planned write is approved (an undo reverses a journal as a whole).
        [switch] $AllOrNothing
    )

    $dryRun = $Arguments.Clone()
    $dryRun['Apply'] = $false
    $plan = Resolve-DriftResponse -Response (Invoke-DriftNative -Op $Op -Arguments $dryRun) -Cmdlet $Cmdlet -Target $Op
    if ($null -eq $plan) {
        return
    }
    foreach ($skipped in @(Get-DriftPropertyValue -InputObject $plan -Name 'NotPlanned')) {
        if ($null -ne $skipped) {
            $Cmdlet.WriteWarning("Not planned: $($skipped.UserPrincipalName): $($skipped.Reason)")
        }
    }
    foreach ($refused in @(Get-DriftPropertyValue -InputObject $plan -Name 'Refused')) {
        if ($null -ne $refused) {
            $holders = @($refused.Holders | Where-Object { $null -ne $_ }) -join '; '
            $text = "Refused: $($refused.Row.DistinguishedName) $($refused.Row.Attribute) '$($refused.Row.Value)': $($refused.Reason)"
            if ($holders) {
                $text = "$text (held by $holders)"
            }
            $Cmdlet.WriteWarning($text)
        }
    }
    foreach ($kept in @(Get-DriftPropertyValue -InputObject $plan -Name 'NotUndone')) {
        if ($null -ne $kept) {
            $Cmdlet.WriteWarning("Cannot be undone: operation $($kept.Seq) ($($kept.Target)): $($kept.Reason)")
        }
    }
    foreach ($note in @(Get-DriftPropertyValue -InputObject $plan -Name 'Notes')) {
        if ($null -ne $note) {
            $Cmdlet.WriteVerbose([string] $note)
        }
    }
    $atRisk = @(Get-DriftPropertyValue -InputObject (Get-DriftPropertyValue -InputObject $plan -Name 'Preview') -Name 'Users' | Where-Object { $null -ne $_ })
    if ($atRisk.Count -gt 0) {
        $names = ($atRisk | ForEach-Object { $_.UserPrincipalName }) -join ', '
        $Cmdlet.WriteWarning("The next sync overwrites the Entra mobile numbers of $($atRisk.Count) user(s) with AD's: $names")
    }
    foreach ($bad in @(Get-DriftPropertyValue -InputObject $plan -Name 'ItemErrors')) {
        if ($null -ne $bad) {
            Write-DriftItemError -Cmdlet $Cmdlet -Message ([string] $bad.Message) -ErrorId ([string] $bad.Kind) -Category (Get-DriftErrorCategory -Kind ([string] $bad.Kind)) -Target ([string] $bad.Identity)
        }
    }
    $planned = @(Get-DriftPropertyValue -InputObject $plan -Name 'Planned' | Where-Object { $null -ne $_ })
    if ($planned.Count -eq 0) {
        return
    }

    $activity = $Cmdlet.MyInvocation.MyCommand.Name
    $writesTo = Get-DriftPropertyValue -InputObject $plan -Name 'WritesTo'
    $approved = New-Object -TypeName 'System.Collections.Generic.List[string]'
    for ($i = 0; $i -lt $planned.Count; $i++) {
        $p = $planned[$i]
        Write-DriftProgress -Activity $activity -Index $i -Total $planned.Count -Status "planned: $($p.Target)"
        $action = '{0} in {1}: {2} -> {3}' -f (Get-DriftOpLabel -Op $p.Op), $writesTo, (Format-DriftValue -Op $p.Op -Value $p.Before), (Format-DriftValue -Op $p.Op -Value $p.After)
        if ($Cmdlet.ShouldProcess([string] $p.Target, $action)) {
            $approved.Add([string] $p.Target)
        }
    }
    Write-DriftProgress -Activity $activity -Index $planned.Count -Total $planned.Count
    if ($approved.Count -eq 0) {
        return
    }
    if ($AllOrNothing -and $approved.Count -lt $planned.Count) {
        $Cmdlet.WriteWarning("Not applied: $($planned.Count - $approved.Count) of $($planned.Count) write(s) were not confirmed, and this change is applied as a whole.")
        return
    }

    $apply = $Arguments.Clone()
    $apply['Apply'] = $true
    $apply['JournalPath'] = $JournalPath
    if ($SelectTargets) {
        $apply['Only'] = $approved.ToArray()
    }
    $result = Resolve-DriftResponse -Response (Invoke-DriftNative -Op $Op -Arguments $apply) -Cmdlet $Cmdlet -Target $Op
    if ($null -eq $result) {
        return
    }
    $journal = Get-DriftPropertyValue -InputObject $result -Name 'JournalPath'
    foreach ($note in @(Get-DriftPropertyValue -InputObject $result -Name 'Notes')) {
        if ($null -ne $note) {
            Write-Information -MessageData ([string] $note) -Tags 'IdentityDrift'
        }
    }
    if ($journal) {
        Write-Information -MessageData "Journal: $journal" -Tags 'IdentityDrift'
    }
    $report = Get-DriftPropertyValue -InputObject $result -Name 'Report'
    foreach ($o in @(Get-DriftPropertyValue -InputObject $report -Name 'Ops')) {
        if ($null -eq $o) {
            continue
        }
        $message = Get-DriftPropertyValue -InputObject $o -Name 'Message'
        $outcome = [pscustomobject]@{
            PSTypeName = 'IdentityDrift.WriteOutcome'
            Target     = $o.Target
            Attribute  = Get-DriftOpLabel -Op $o.Op
            Status     = $o.Status
            Before     = Format-DriftValue -Op $o.Op -Value $o.Before
            After      = Format-DriftValue -Op $o.Op -Value $o.After
            Message    = $message
            Op         = $o.Op
            Seq        = $o.Seq
            Journal    = $journal
        }
        if (@('Failed', 'Conflict', 'InDoubt') -contains $o.Status) {
            $text = "$($o.Target): $($outcome.Attribute) $($o.Status)"
            if ($message) {
                $text = "${text}: $message"
            }
            $exception = New-Object -TypeName 'System.Exception' -ArgumentList $text
            $category = if ($o.Status -eq 'Conflict') { [System.Management.Automation.ErrorCategory]::ResourceBusy } else { [System.Management.Automation.ErrorCategory]::WriteError }
            $record = New-Object -TypeName 'System.Management.Automation.ErrorRecord' -ArgumentList @(
                $exception
                "IdentityDrift.Write.$($o.Status)"
                $category
                $o.Target
            )
            $Cmdlet.WriteError($record)
        }
        $outcome
    }
}
