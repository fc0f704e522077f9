# Private/Remediation.ps1: the run of Invoke-DriftRemediation over the library's one-request-one-run
# Remediation.Apply operation.
# 1. A dry run (Apply false) returns the steps and where they stand; nothing runs.
# 2. Each step the run would reach is offered here: a write to ShouldProcess (target "UPN (object id)"), a
#    manual step waiting since an earlier run as "mark done". The first refusal ends the questions, since the
#    run stops there anyway; under -WhatIf every step up to the first manual one is listed.
# 3. The apply carries the approved steps (Order and Target) and the manual steps confirmed done; the library
#    stops before any other write. With -WhatIf, or when the first write was refused, no apply is sent.

function Format-DriftRemediationTarget {
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory)]
        [string] $UserPrincipalName,

        [AllowEmptyString()]
        [string] $ObjectId
    )

    if ([string]::IsNullOrEmpty($ObjectId) -or $ObjectId -eq $UserPrincipalName) {
        return $UserPrincipalName
    }
    "$UserPrincipalName ($ObjectId)"
}

function ConvertTo-DriftQuoted {
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory)]
        [AllowEmptyString()]
        [string] $Text
    )

    "'" + $Text.Replace("'", "''") + "'"
}

function Get-DriftRemediationResumeCommand {
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory)]
        [string] $UserPrincipalName,

        [Parameter(Mandatory)]
        [string] $Option,

        [Parameter(Mandatory)]
        [string] $Journal,

        [AllowNull()]
        [System.Collections.IDictionary] $Source
    )

    $line = 'Invoke-DriftRemediation -UserPrincipalName {0} -Option {1} -Resume {2}' -f (ConvertTo-DriftQuoted -Text $UserPrincipalName), $Option, (ConvertTo-DriftQuoted -Text $Journal)
    if ($null -ne $Source -and $Source['Kind'] -eq 'Snapshot') {
        $line += ' -SnapshotPath ' + (ConvertTo-DriftQuoted -Text ([string] $Source['Path']))
    }
    $line
}

function ConvertTo-DriftRemediationStep {
    [CmdletBinding()]
    [OutputType('IdentityDrift.RemediationStep')]
    param(
        [Parameter(Mandatory)]
        [object] $Step,

        [Parameter(Mandatory)]
        [string] $UserPrincipalName
    )

    [pscustomobject]@{
        PSTypeName        = 'IdentityDrift.RemediationStep'
        Order             = $Step.Order
        Kind              = $Step.Kind
        Status            = Get-DriftPropertyValue -InputObject $Step -Name 'Label'
        Action            = $Step.Action
        Command           = $Step.Command
        Target            = $Step.Target
        Message           = Get-DriftPropertyValue -InputObject $Step -Name 'Message'
        ThisRun           = [bool] (Get-DriftPropertyValue -InputObject $Step -Name 'ThisRun')
        Op                = $Step.Op
        JournalStatus     = $Step.Status
        UserPrincipalName = $UserPrincipalName
    }
}

function Invoke-DriftRemediationRun {
    [CmdletBinding()]
    [OutputType('IdentityDrift.RemediationRun')]
    param(
        [Parameter(Mandatory)]
        [hashtable] $Arguments,

        [Parameter(Mandatory)]
        [System.Management.Automation.PSCmdlet] $Cmdlet
    )

    $upn = [string] $Arguments['UserPrincipalName']
    $option = [string] $Arguments['Option']
    $dryRun = $Arguments.Clone()
    $dryRun['Apply'] = $false
    $plan = Resolve-DriftResponse -Response (Invoke-DriftNative -Op 'Remediation.Apply' -Arguments $dryRun) -Cmdlet $Cmdlet -Target $upn
    if ($null -eq $plan) {
        return
    }
    foreach ($note in @(Get-DriftPropertyValue -InputObject $plan -Name 'Notes')) {
        if ($null -ne $note) {
            $Cmdlet.WriteVerbose([string] $note)
        }
    }
    $Cmdlet.WriteVerbose("Option $option for ${upn}: data at risk: $(Get-DriftPropertyValue -InputObject $plan -Name 'DataAtRisk')")
    foreach ($p in @(Get-DriftPropertyValue -InputObject $plan -Name 'Preconditions')) {
        if ($null -ne $p) {
            $Cmdlet.WriteVerbose("Precondition: $p")
        }
    }

    # -WhatIf sets $WhatIfPreference in the calling cmdlet's scope, which this function sees.
    $whatIf = [bool] $WhatIfPreference
    $approve = New-Object -TypeName 'System.Collections.Generic.List[object]'
    $manualDone = New-Object -TypeName 'System.Collections.Generic.List[int]'
    $refusedFirst = $false
    $pending = 0
    foreach ($s in @(Get-DriftPropertyValue -InputObject $plan -Name 'Steps' | Where-Object { $null -ne $_ })) {
        if (@('Applied', 'Skipped') -contains $s.Status) {
            continue
        }
        $pending++
        $target = Format-DriftRemediationTarget -UserPrincipalName $upn -ObjectId ([string] $s.Target)
        if ($s.Kind -eq 'Manual') {
            if ($s.Status -ne 'InDoubt') {
                # The run stops here and hands the step to the administrator.
                $Cmdlet.WriteVerbose("Step $($s.Order) is manual; the run stops there: $($s.Action)")
                break
            }
            if ($Cmdlet.ShouldProcess($target, "Mark manual step $($s.Order) as done: $($s.Action)")) {
                $manualDone.Add([int] $s.Order)
                continue
            }
            if ($approve.Count -eq 0 -and $manualDone.Count -eq 0) {
                $refusedFirst = $true
            }
            if (-not $whatIf) {
                break
            }
            continue
        }
        if ($s.Kind -ne 'Write') {
            continue
        }
        if ($Cmdlet.ShouldProcess($target, "Step $($s.Order) of ${option}: $($s.Action) [$($s.Command)]")) {
            $approve.Add(@{ Order = [int] $s.Order; Target = [string] $s.Target })
            continue
        }
        if ($approve.Count -eq 0 -and $manualDone.Count -eq 0) {
            $refusedFirst = $true
        }
        if (-not $whatIf) {
            break
        }
    }
    if ($whatIf) {
        return
    }
    if ($pending -eq 0) {
        Write-Information -MessageData "Nothing left to do: every step of $option for $upn is done." -Tags 'IdentityDrift'
        return
    }
    if ($refusedFirst) {
        $Cmdlet.WriteWarning("Not confirmed: nothing was run for $upn.")
        return
    }

    $apply = $Arguments.Clone()
    $apply['Apply'] = $true
    $apply['Approve'] = $approve.ToArray()
    $apply['ManualDone'] = $manualDone.ToArray()
    $result = Resolve-DriftResponse -Response (Invoke-DriftNative -Op 'Remediation.Apply' -Arguments $apply) -Cmdlet $Cmdlet -Target $upn
    if ($null -eq $result) {
        return
    }
    $journal = [string] (Get-DriftPropertyValue -InputObject $result -Name 'JournalPath')
    $stop = [string] (Get-DriftPropertyValue -InputObject $result -Name 'Stop')
    $stoppedAt = Get-DriftPropertyValue -InputObject $result -Name 'StoppedAt'
    $resume = Get-DriftRemediationResumeCommand -UserPrincipalName $upn -Option $option -Journal $journal -Source $Arguments['Source']
    foreach ($note in @(Get-DriftPropertyValue -InputObject $result -Name 'Notes')) {
        if ($null -ne $note) {
            Write-Information -MessageData ([string] $note) -Tags 'IdentityDrift'
        }
    }
    Write-Information -MessageData "Journal: $journal" -Tags 'IdentityDrift'
    $steps = @(Get-DriftPropertyValue -InputObject $result -Name 'Steps' | Where-Object { $null -ne $_ } | ForEach-Object {
            ConvertTo-DriftRemediationStep -Step $_ -UserPrincipalName $upn
        })
    # A loop, not Select-Object -First: that inserts a 'Selected.' type name into the shared step object.
    $at = $null
    foreach ($step in $steps) {
        if ($step.Order -eq $stoppedAt) {
            $at = $step
            break
        }
    }
    # The step the run stopped at may be missing from the answer (a run stopped before any step).
    $atAction = ''; $atCommand = ''; $atMessage = ''; $atTarget = ''
    if ($null -ne $at) {
        $atAction = [string] $at.Action; $atCommand = [string] $at.Command
        $atMessage = [string] $at.Message; $atTarget = [string] $at.Target
    }
    switch ($stop) {
        'Completed' { }
        'Manual' {
            $Cmdlet.WriteWarning("Stopped at step $stoppedAt, which is manual: $atAction [$atCommand]. Do it, then continue with: $resume")
        }
        'CheckNotMet' {
            $Cmdlet.WriteWarning("Stopped at step ${stoppedAt}: $atMessage. When it holds, continue with: $resume")
        }
        'Declined' {
            $Cmdlet.WriteWarning("Not confirmed: stopped before step $stoppedAt; nothing was done for it. Continue later with: $resume")
        }
        default {
            $text = "Step $stoppedAt of $option for ${upn}: $stop"
            if ($atMessage) {
                $text = "${text}: $atMessage"
            }
            $text = "$text. Fix the cause, then continue with: $resume"
            $exception = New-Object -TypeName 'System.Exception' -ArgumentList $text
            $category = if ($stop -eq 'Conflict') { [System.Management.Automation.ErrorCategory]::ResourceBusy } else { [System.Management.Automation.ErrorCategory]::WriteError }
            $record = New-Object -TypeName 'System.Management.Automation.ErrorRecord' -ArgumentList @(
                $exception
                "IdentityDrift.Remediation.$stop"
                $category
                (Format-DriftRemediationTarget -UserPrincipalName $upn -ObjectId $atTarget)
            )
            $Cmdlet.WriteError($record)
        }
    }
    $resumeCommand = $null
    if ($stop -ne 'Completed') {
        $resumeCommand = $resume
    }
    [pscustomobject]@{
        PSTypeName        = 'IdentityDrift.RemediationRun'
        UserPrincipalName = $upn
        Option            = $option
        Stop              = $stop
        StoppedAt         = $stoppedAt
        Writes            = Get-DriftPropertyValue -InputObject $result -Name 'Writes'
        ActsOn            = Get-DriftPropertyValue -InputObject $result -Name 'ActsOn'
        Journal           = $journal
        ResumeCommand     = $resumeCommand
        Steps             = $steps
    }
}
