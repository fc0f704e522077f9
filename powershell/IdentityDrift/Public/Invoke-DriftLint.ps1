function Invoke-DriftLint {
    <#
    .SYNOPSIS
    Checks AD users, contacts and groups before directory sync, as IdFix did, and returns one object per error.

    .DESCRIPTION
    The IdentityDrift equivalent of 'idrift lint' (the successor to Microsoft's deprecated IdFix): IdFix's
    rules (Character, Format, TopLevelDomain, DomainPart, LocalPart, Length, Blank, Duplicate) on
    userPrincipalName, mail, mailNickname, proxyAddresses, targetAddress, sAMAccountName and displayName,
    without IdFix's false positives (only SMTP addresses get address checks; top-level domains come from the
    public suffix list), plus the errors Entra Connect reports at sync time (LargeObject, NotVerifiedDomain,
    MailNotInProxyAddresses, duplicate mS-DS-ConsistencyGuid, and CloudDuplicate: a UPN or SMTP address already
    held by a cloud-only Entra ID user other than the one soft match would join the object to). The cloud
    checks run when the source has an Entra side: -EntraPath, a snapshot's entra-users.json, or a Connect-Drift
    session that reads Microsoft Graph (whose verified domains are then read too). Well-known system objects, conflict objects,
    critical system objects and objects outside -SyncScope are counted and never reported.

    Each error has IdFix's columns: DistinguishedName, CommonName, ObjectClass, Attribute, Error, Value,
    Update (the suggested value) and Action (EDIT, REMOVE or COMPLETE), then CloudHolder: on a CloudDuplicate
    error, the cloud object that already holds the value (display name, UPN and object id). Edit Update and
    Action and pipe the objects to Invoke-DriftLintFix, or write IdFix's CSV with -OutputPath.

    .PARAMETER Mode
    IdFix's rule set: MultiTenant (default) or Dedicated.

    .PARAMETER VerifiedDomain
    The tenant's verified domains; a routable UPN suffix outside them is reported as NotVerifiedDomain.
    Added to the ones read from Graph, -EntraDomainsPath or a snapshot's entra-domains.json.

    .PARAMETER EntraPath
    A Graph user JSON export of the tenant (with -AdPath): UPNs and SMTP addresses its cloud-only users hold
    are reported as CloudDuplicate on the AD objects that would take them.

    .PARAMETER EntraDomainsPath
    The tenant's domains as GET /domains JSON (or Get-MgDomain | ConvertTo-Json): its verified domains count
    as -VerifiedDomain. Replaces the domains read from Graph or a snapshot's entra-domains.json.

    .PARAMETER SyncScope
    Distinguished names of the OUs in sync scope; objects outside every one are excluded.

    .PARAMETER OutputPath
    Also writes IdFix's CSV (DISTINGUISHEDNAME,...,ACTION) to this file.

    .PARAMETER Encoding
    The CSV file's encoding: UTF8 (the default: UTF-8 without a byte order mark, as PowerShell 7's UTF8 and the
    CLI's --encoding utf8), UTF8NoBOM (the same), or UTF8BOM (a byte order mark first, so Excel opens
    non-ASCII names (accented or CJK) intact; the CLI's --encoding utf8bom).

    .PARAMETER SnapshotPath
    A snapshot directory (its ad.ldif is read).

    .PARAMETER AdPath
    An LDIF export of AD (ldifde -f or ldapsearch -LLL).

    .EXAMPLE
    Invoke-DriftLint -AdPath .\contoso.ldif

    Lists every error as a table: CommonName, Attribute, Error, Value, Update, Action.

    .EXAMPLE
    Invoke-DriftLint -AdPath .\contoso.ldif -EntraPath .\entra-users.json -EntraDomainsPath .\domains.json

    Adds the cloud checks: addresses already held by cloud-only users, and UPN suffixes the tenant has not
    verified.

    .EXAMPLE
    Invoke-DriftLint -AdPath .\contoso.ldif -OutputPath .\idfix.csv | Group-Object Error

    Writes the CSV for editing in Excel and counts the errors per category.

    .OUTPUTS
    IdentityDrift.LintError: DistinguishedName, CommonName, ObjectClass, Attribute, Error, Value, Update,
    Action, CloudHolder.
    #>
    [Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSReviewUnusedParameter', '', Justification = 'The source parameters are read through $PSBoundParameters.')]
    [CmdletBinding(SupportsShouldProcess)]
    [OutputType('IdentityDrift.LintError')]
    param(
        [ValidateSet('MultiTenant', 'Dedicated')]
        [string] $Mode = 'MultiTenant',

        [string[]] $VerifiedDomain,

        [string[]] $SyncScope,

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
        [string] $EntraDomainsPath
    )

    $source = Resolve-DriftSource -BoundParameters $PSBoundParameters -Cmdlet $PSCmdlet
    $arguments = @{ Source = $source; Mode = $Mode }
    if ($PSBoundParameters.ContainsKey('VerifiedDomain')) {
        $arguments['VerifiedDomain'] = @($VerifiedDomain)
    }
    if ($PSBoundParameters.ContainsKey('SyncScope')) {
        $arguments['SyncScope'] = @($SyncScope)
    }
    if ($PSBoundParameters.ContainsKey('EntraDomainsPath')) {
        $arguments['EntraDomains'] = Resolve-DriftPath -Path $EntraDomainsPath -Cmdlet $PSCmdlet
    }
    if ($PSBoundParameters.ContainsKey('OutputPath')) {
        $csv = Resolve-DriftPath -Path $OutputPath -Cmdlet $PSCmdlet
        if ($PSCmdlet.ShouldProcess($csv, 'Write the lint CSV')) {
            $arguments['OutPath'] = $csv
            $arguments['Encoding'] = ConvertTo-DriftCsvEncoding -Encoding $Encoding
        }
    }
    $ok = Resolve-DriftResponse -Response (Invoke-DriftNative -Op 'Lint' -Arguments $arguments) -Cmdlet $PSCmdlet -Target $source
    if ($null -eq $ok) {
        return
    }
    $summary = Get-DriftPropertyValue -InputObject $ok -Name 'Summary'
    if ($null -ne $summary) {
        Write-Information -MessageData "$($summary.ObjectsRead) object(s) read, $($summary.ObjectsChecked) checked, $($summary.Errors) error(s)" -Tags 'IdentityDrift'
    }
    foreach ($e in @(Get-DriftPropertyValue -InputObject $ok -Name 'Errors' | Where-Object { $null -ne $_ })) {
        $e.PSObject.TypeNames.Insert(0, 'IdentityDrift.LintError')
        $e
    }
}
