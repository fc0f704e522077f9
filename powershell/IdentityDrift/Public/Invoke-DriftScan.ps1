function Invoke-DriftScan {
    <#
    .SYNOPSIS
    Runs every hybrid health check and returns one object per finding.

    .DESCRIPTION
    The checks of 'idrift scan': duplicate mailboxes (a mailbox on-premises and in Exchange Online), the
    PreviousRecipientTypeDetails trap (licensing would create a second mailbox), ExchangeGuid mismatches,
    soft-match collisions with cloud-only users, missing routing addresses, provisioning errors, and
    DirSyncOverrides. Each finding has a kind, a severity, the user, the evidence (the values that raised it)
    and a recommendation; Get-DriftRemediationPlan turns a user's findings into remediation options.

    Checks that need data the source lacks (Exchange Online recipients, a routing domain) are skipped or run on
    assumptions; the warning stream says which. With -OutputPath the findings are also written as CSV, as
    Export-Csv would (the evidence as JSON in one column).

    .PARAMETER Kind
    Reports only these kinds: DirSyncOverride, DuplicateMailbox, DuplicateMailboxRisk, ExchangeGuidMismatch,
    SoftMatchCollision, MissingRoutingAddress, ProvisioningError.

    .PARAMETER MinimumSeverity
    Reports only findings at least this severe: Info, Low, Medium, High, Critical.

    .PARAMETER RoutingDomain
    The hybrid routing domain (<tenant>.mail.onmicrosoft.com); detected from the data when not given.

    .PARAMETER SyncScope
    Distinguished names of the OUs in sync scope; only unmatched AD users are filtered by them. Default: every
    AD user in the data is in scope.

    .PARAMETER DefaultRegion
    The region (ISO 3166 code) assumed for phone numbers without a country code.

    .PARAMETER OutputPath
    Also writes the findings CSV to this file.

    .PARAMETER Encoding
    The CSV file's encoding: UTF8 (the default: UTF-8 without a byte order mark, as PowerShell 7's UTF8 and the
    CLI's --encoding utf8), UTF8NoBOM (the same), or UTF8BOM (a byte order mark first, so Excel opens
    non-ASCII names (accented or CJK) intact; the CLI's --encoding utf8bom).

    .PARAMETER SnapshotPath
    A snapshot directory (ad.ldif, entra-users.json, exo-recipients.json, exo-users.json, ...).

    .PARAMETER AdPath
    An LDIF export of the AD users.

    .PARAMETER EntraPath
    A Microsoft Graph user export (JSON).

    .PARAMETER ExoRecipientsPath
    Exchange Online recipients (Get-Recipient / Get-Mailbox / Get-MailUser output, JSON or Export-Clixml).

    .PARAMETER ExoUsersPath
    Exchange Online Get-User JSON (PreviousRecipientTypeDetails, SKUAssigned).

    .PARAMETER Demo
    Uses the demo snapshot built into the library.

    .PARAMETER AllowIncomplete
    Reads a Graph export whose last page still carries @odata.nextLink, with a warning, instead of refusing
    it as incomplete (the idrift CLI's --allow-incomplete), for this command's source or the Connect-Drift one.

    .PARAMETER AllowEmpty
    Reads an AD or Entra source that holds no user, with a warning, instead of refusing it (--allow-empty).

    .EXAMPLE
    Invoke-DriftScan -SnapshotPath .\snapshot-2026-11-25 -MinimumSeverity High

    Lists the findings that need attention now.

    .EXAMPLE
    Invoke-DriftScan -Kind DuplicateMailbox | Get-DriftRemediationPlan

    Plans the remediation of every user with a duplicate mailbox.

    .EXAMPLE
    Invoke-DriftScan -OutputPath .\findings.csv | Group-Object Kind

    Writes the findings CSV and counts the findings per kind.

    .OUTPUTS
    IdentityDrift.Finding: Kind, Severity, UserPrincipalName, ObjectId, DistinguishedName, Evidence,
    Recommendation.
    #>
    [Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSReviewUnusedParameter', '', Justification = 'The source parameters are read through $PSBoundParameters.')]
    [CmdletBinding(SupportsShouldProcess)]
    [OutputType('IdentityDrift.Finding')]
    param(
        [ValidateSet('DirSyncOverride', 'DuplicateMailbox', 'DuplicateMailboxRisk', 'ExchangeGuidMismatch', 'SoftMatchCollision', 'MissingRoutingAddress', 'ProvisioningError')]
        [string[]] $Kind,

        [ValidateSet('Info', 'Low', 'Medium', 'High', 'Critical')]
        [string] $MinimumSeverity,

        [ValidateNotNullOrEmpty()]
        [string] $RoutingDomain,

        [string[]] $SyncScope,

        [ValidatePattern('^[A-Za-z]{2}$')]
        [string] $DefaultRegion,

        [ValidateNotNullOrEmpty()]
        [string] $OutputPath,

        [ValidateSet('UTF8', 'UTF8BOM', 'UTF8NoBOM')]
        [string] $Encoding = 'UTF8',

        [ValidateNotNullOrEmpty()]
        [string] $SnapshotPath,

        [ValidateNotNullOrEmpty()]
        [string] $AdPath,

        [ValidateNotNullOrEmpty()]
        [string] $EntraPath,

        [ValidateNotNullOrEmpty()]
        [string] $ExoRecipientsPath,

        [ValidateNotNullOrEmpty()]
        [string] $ExoUsersPath,

        [switch] $Demo,

        [switch] $AllowIncomplete,

        [switch] $AllowEmpty
    )

    $source = Resolve-DriftSource -BoundParameters $PSBoundParameters -Cmdlet $PSCmdlet
    $arguments = @{ Source = $source }
    if ($PSBoundParameters.ContainsKey('Kind')) {
        $arguments['Kinds'] = @($Kind)
    }
    if ($PSBoundParameters.ContainsKey('MinimumSeverity')) {
        $arguments['MinSeverity'] = $MinimumSeverity
    }
    if ($PSBoundParameters.ContainsKey('RoutingDomain')) {
        $arguments['RoutingDomain'] = $RoutingDomain
    }
    if ($PSBoundParameters.ContainsKey('SyncScope')) {
        $arguments['SyncScope'] = @($SyncScope)
    }
    if ($PSBoundParameters.ContainsKey('DefaultRegion')) {
        $arguments['DefaultRegion'] = $DefaultRegion.ToUpperInvariant()
    }
    if ($PSBoundParameters.ContainsKey('OutputPath')) {
        $csv = Resolve-DriftPath -Path $OutputPath -Cmdlet $PSCmdlet
        if ($PSCmdlet.ShouldProcess($csv, 'Write the findings CSV')) {
            $arguments['OutPath'] = $csv
            $arguments['Encoding'] = ConvertTo-DriftCsvEncoding -Encoding $Encoding
        }
    }

    $ok = Resolve-DriftResponse -Response (Invoke-DriftNative -Op 'Scan' -Arguments $arguments) -Cmdlet $PSCmdlet -Target $source
    if ($null -eq $ok) {
        return
    }
    foreach ($note in @(Get-DriftPropertyValue -InputObject $ok -Name 'Notes')) {
        if ($null -ne $note) {
            $PSCmdlet.WriteWarning([string] $note)
        }
    }
    $csvPath = Get-DriftPropertyValue -InputObject $ok -Name 'CsvPath'
    $findings = @(Get-DriftPropertyValue -InputObject $ok -Name 'Findings' | Where-Object { $null -ne $_ })
    if ($csvPath) {
        Write-Information -MessageData "Wrote $($findings.Count) finding(s) to $csvPath" -Tags 'IdentityDrift'
    }
    foreach ($finding in $findings) {
        $finding.PSObject.TypeNames.Insert(0, 'IdentityDrift.Finding')
        $finding
    }
}
