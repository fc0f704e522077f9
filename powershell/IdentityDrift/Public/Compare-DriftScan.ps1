function Compare-DriftScan {
    <#
    .SYNOPSIS
    Compares two scans: the findings that are new, resolved and changed since the earlier one.

    .DESCRIPTION
    The IdentityDrift equivalent of 'idrift diff OLD NEW'. Each side is a scan JSON file ('idrift scan
    --format json', or a JSON array of findings) or a snapshot directory, scanned now. A finding's identity is
    its kind plus its object (ObjectId, else DistinguishedName, else UserPrincipalName); a finding in both
    scans whose severity or evidence differs is Changed.

    The command returns one IdentityDrift.ScanChange object per new, resolved or changed finding (Change,
    Kind, Severity, UserPrincipalName, the finding, and for changes the fields that changed and the finding
    before), then one IdentityDrift.ScanDiffSummary with the counts New, Resolved, Changed and Unchanged.
    With -SummaryOnly only the summary is returned. For schedulers: 'if ((Compare-DriftScan a b
    -SummaryOnly).New) { ... }'.

    .PARAMETER ReferencePath
    The earlier scan: scan JSON, or a snapshot directory.

    .PARAMETER DifferencePath
    The later scan, in the same forms.

    .PARAMETER SummaryOnly
    Returns only the summary object.

    .PARAMETER RoutingDomain
    For snapshot directories: the hybrid routing domain (detected from the data when not given).

    .PARAMETER SyncScope
    For snapshot directories: distinguished names of the OUs in sync scope.

    .PARAMETER DefaultRegion
    For snapshot directories: the region (ISO 3166 code) assumed for phone numbers without a country code.

    .EXAMPLE
    Compare-DriftScan .\scan-2026-11-26.json .\scan-2026-12-03.json | Where-Object Change -eq 'New'

    Lists the findings that appeared since last week.

    .EXAMPLE
    Compare-DriftScan -ReferencePath .\snapshot-old -DifferencePath .\snapshot-new -SummaryOnly

    Scans both snapshots and counts the new, resolved, changed and unchanged findings.

    .OUTPUTS
    IdentityDrift.ScanChange: Change (New, Resolved, Changed), Kind, Severity, UserPrincipalName, Fields,
    Finding, Before. IdentityDrift.ScanDiffSummary: New, Resolved, Changed, Unchanged.
    #>
    [CmdletBinding()]
    [OutputType('IdentityDrift.ScanChange', 'IdentityDrift.ScanDiffSummary')]
    param(
        [Parameter(Mandatory, Position = 0)]
        [ValidateNotNullOrEmpty()]
        [string] $ReferencePath,

        [Parameter(Mandatory, Position = 1)]
        [ValidateNotNullOrEmpty()]
        [string] $DifferencePath,

        [switch] $SummaryOnly,

        [ValidateNotNullOrEmpty()]
        [string] $RoutingDomain,

        [string[]] $SyncScope,

        [ValidatePattern('^[A-Za-z]{2}$')]
        [string] $DefaultRegion
    )

    $arguments = @{
        Old = Resolve-DriftPath -Path $ReferencePath -Cmdlet $PSCmdlet
        New = Resolve-DriftPath -Path $DifferencePath -Cmdlet $PSCmdlet
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
    $ok = Resolve-DriftResponse -Response (Invoke-DriftNative -Op 'Scan.Diff' -Arguments $arguments) -Cmdlet $PSCmdlet -Target $arguments['New']
    if ($null -eq $ok) {
        return
    }
    if (-not $SummaryOnly) {
        $change = {
            param([string] $Kind, [object] $Finding, [object] $Before, [string[]] $Fields)
            [pscustomobject]@{
                PSTypeName        = 'IdentityDrift.ScanChange'
                Change            = $Kind
                Kind              = $Finding.Kind
                Severity          = $Finding.Severity
                UserPrincipalName = $Finding.UserPrincipalName
                Fields            = $Fields
                Finding           = $Finding
                Before            = $Before
            }
        }
        foreach ($f in @(Get-DriftPropertyValue -InputObject $ok -Name 'New' | Where-Object { $null -ne $_ })) {
            & $change 'New' $f $null @()
        }
        foreach ($f in @(Get-DriftPropertyValue -InputObject $ok -Name 'Resolved' | Where-Object { $null -ne $_ })) {
            & $change 'Resolved' $f $null @()
        }
        foreach ($c in @(Get-DriftPropertyValue -InputObject $ok -Name 'Changed' | Where-Object { $null -ne $_ })) {
            & $change 'Changed' (Get-DriftPropertyValue -InputObject $c -Name 'After') (Get-DriftPropertyValue -InputObject $c -Name 'Before') @(Get-DriftPropertyValue -InputObject $c -Name 'Fields')
        }
    }
    $s = Get-DriftPropertyValue -InputObject $ok -Name 'Summary'
    [pscustomobject]@{
        PSTypeName = 'IdentityDrift.ScanDiffSummary'
        New        = [int] $s.New
        Resolved   = [int] $s.Resolved
        Changed    = [int] $s.Changed
        Unchanged  = [int] $s.Unchanged
    }
}
