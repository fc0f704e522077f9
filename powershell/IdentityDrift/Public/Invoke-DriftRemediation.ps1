function Invoke-DriftRemediation {
    <#
    .SYNOPSIS
    Runs one remediation option for a user step by step, asking before each write, and journals every step.

    .DESCRIPTION
    The IdentityDrift equivalent of 'idrift plan UPN --option ID --apply'. The library plans the option from
    fresh data and returns its steps without running any (a dry run). Each write is then offered to
    ShouldProcess with the user and the object it acts on ("UPN (object id)"), so -WhatIf lists every step
    the run would take and -Confirm asks per step (ConfirmImpact High: deleting, purging and relicensing are
    asked by default). The run is sent with the approved steps only: the library stops before the first write
    that was not approved, or whose object is not the one approved, and records nothing for it.

    Checks and records (reads) run without asking. A manual step (on-premises Exchange, the Entra Connect
    server, a migration) stops the run; do it, then continue with -Resume JOURNAL, which first asks whether
    the manual step was done. A check that does not hold yet, a conflict (the object changed since the plan)
    or a failure also stops the run, and the warning names the command that continues it. Nothing done is
    repeated on a resume.

    On a snapshot directory (-SnapshotPath) the steps are rehearsed: its files are edited in place as the services
    would change. Live services come from the Connect-Drift profile. The demo is read-only: it shows the
    steps and refuses to run them.

    Users bind from the pipeline by UserPrincipalName (Get-DriftRemediationPlan, its Options, Invoke-DriftScan
    findings) and the option by Option or Id (the Options of Get-DriftRemediationPlan); each user runs once.

    .PARAMETER UserPrincipalName
    The user's UPN, in AD or Entra ID.

    .PARAMETER Option
    The option to run: DeleteAndMerge, RemoveLicense, KeepCloudMailbox, AddRoutingAddressOnPrem,
    ReprovisionCloudAlias (Get-DriftRemediationPlan lists the user's options and marks one recommended).

    .PARAMETER Resume
    The journal of an earlier run of the same option for the same user: continues it from the first step not
    done.

    .PARAMETER JournalPath
    The journal to create: a file, or a directory for the default name. Defaults to the current directory.

    .PARAMETER RoutingDomain
    The hybrid routing domain (<tenant>.mail.onmicrosoft.com); detected from the data when not given.

    .PARAMETER SyncScope
    Distinguished names of the OUs in sync scope, as for Invoke-DriftScan.

    .PARAMETER OutOfScopeOU
    An OU outside the sync scope, where ReprovisionCloudAlias moves the user for a while.

    .PARAMETER RemoteHost
    The on-premises MRS endpoint used in migration and restore commands (e.g. mail.contoso.com).

    .PARAMETER DefaultRegion
    The region (ISO 3166 code) assumed for phone numbers without a country code.

    .PARAMETER SnapshotPath
    A snapshot directory to rehearse on (its files are edited in place).

    .PARAMETER ExoRecipientsPath
    Exchange Online recipients JSON, replacing the snapshot's exo-recipients.json for the plan.

    .PARAMETER ExoUsersPath
    Exchange Online Get-User JSON, replacing the snapshot's exo-users.json for the plan.

    .PARAMETER Demo
    Uses the demo snapshot built into the library (read-only: shows the steps, refuses to run them).

    .EXAMPLE
    Invoke-DriftRemediation -UserPrincipalName testduplicate@contoso.com -Option DeleteAndMerge -SnapshotPath .\snap -WhatIf

    Lists each step the run would take, with the object it acts on, and runs nothing.

    .EXAMPLE
    Get-DriftRemediationPlan testduplicate@contoso.com -Option RemoveLicense | Select-Object -ExpandProperty Options | Invoke-DriftRemediation

    Runs the option shown, asking before each write.

    .EXAMPLE
    Invoke-DriftRemediation testduplicate@contoso.com -Option DeleteAndMerge -Resume .\idrift-plan-deleteandmerge-testduplicate-contoso-com_2026Nov25-143005.journal.jsonl

    Continues a run that stopped at a manual step, once the step is done.

    .OUTPUTS
    IdentityDrift.RemediationRun: UserPrincipalName, Option, Stop, StoppedAt, Writes, ActsOn, Journal,
    ResumeCommand, Steps (IdentityDrift.RemediationStep: Order, Kind, Status, Action, Command, Target, Message).
    #>
    [Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSReviewUnusedParameter', '', Justification = 'The source parameters are read through $PSBoundParameters.')]
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High')]
    [OutputType('IdentityDrift.RemediationRun')]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipelineByPropertyName)]
        [ValidateNotNullOrEmpty()]
        [string] $UserPrincipalName,

        [Parameter(Mandatory, ValueFromPipelineByPropertyName)]
        [ValidateSet('DeleteAndMerge', 'RemoveLicense', 'KeepCloudMailbox', 'AddRoutingAddressOnPrem', 'ReprovisionCloudAlias')]
        [string] $Option,

        [ValidateNotNullOrEmpty()]
        [string] $Resume,

        [string] $JournalPath,

        [ValidateNotNullOrEmpty()]
        [string] $RoutingDomain,

        [string[]] $SyncScope,

        [ValidateNotNullOrEmpty()]
        [string] $OutOfScopeOU,

        [ValidateNotNullOrEmpty()]
        [string] $RemoteHost,

        [ValidatePattern('^[A-Za-z]{2}$')]
        [string] $DefaultRegion,

        [ValidateNotNullOrEmpty()]
        [string] $SnapshotPath,

        [ValidateNotNullOrEmpty()]
        [string] $ExoRecipientsPath,

        [ValidateNotNullOrEmpty()]
        [string] $ExoUsersPath,

        [switch] $Demo
    )

    begin {
        if ($PSBoundParameters.ContainsKey('Resume') -and $PSBoundParameters.ContainsKey('JournalPath')) {
            Stop-DriftCall -Cmdlet $PSCmdlet -ErrorId 'ConflictingParameters' -Message '-Resume continues its own journal; leave out -JournalPath.'
        }
        $source = Resolve-DriftSource -BoundParameters $PSBoundParameters -Cmdlet $PSCmdlet
        $common = @{ Source = $source }
        foreach ($pair in @(
                @('RoutingDomain', 'RoutingDomain'), @('OutOfScopeOU', 'OutOfScopeOu'), @('RemoteHost', 'RemoteHost'))) {
            if ($PSBoundParameters.ContainsKey($pair[0])) {
                $common[$pair[1]] = $PSBoundParameters[$pair[0]]
            }
        }
        if ($PSBoundParameters.ContainsKey('SyncScope')) {
            $common['SyncScope'] = @($SyncScope)
        }
        if ($PSBoundParameters.ContainsKey('DefaultRegion')) {
            $common['DefaultRegion'] = $DefaultRegion.ToUpperInvariant()
        }
        if ($PSBoundParameters.ContainsKey('Resume')) {
            $common['Resume'] = Resolve-DriftPath -Path $Resume -Cmdlet $PSCmdlet
        }
        else {
            $common['JournalPath'] = Resolve-DriftJournalPath -Path $JournalPath -Cmdlet $PSCmdlet
        }
        $seen = New-Object -TypeName 'System.Collections.Generic.HashSet[string]' -ArgumentList ([System.StringComparer]::OrdinalIgnoreCase)
        $runs = New-Object -TypeName 'System.Collections.Generic.List[hashtable]'
    }

    process {
        $upn = $UserPrincipalName.Trim()
        if (-not $seen.Add($upn)) {
            return
        }
        $arguments = $common.Clone()
        $arguments['UserPrincipalName'] = $upn
        $arguments['Option'] = $Option
        $runs.Add($arguments)
    }

    end {
        # Every user of the pipeline is collected first, then run: each remediation is its own run with its
        # own journal (named after the user and option), so a pipeline never collides on a journal name.
        for ($i = 0; $i -lt $runs.Count; $i++) {
            Write-DriftProgress -Activity $PSCmdlet.MyInvocation.MyCommand.Name -Id 2 -Index $i -Total $runs.Count -Status ([string] $runs[$i]['UserPrincipalName'])
            Invoke-DriftRemediationRun -Arguments $runs[$i] -Cmdlet $PSCmdlet
        }
        Write-DriftProgress -Activity $PSCmdlet.MyInvocation.MyCommand.Name -Id 2 -Index $runs.Count -Total $runs.Count
    }
}
