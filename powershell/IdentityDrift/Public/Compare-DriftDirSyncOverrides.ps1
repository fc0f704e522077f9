function Compare-DriftDirSyncOverrides {
    <#
    .SYNOPSIS
    Compares AD mobile and otherMobile with Entra ID mobilePhone for every synced user, writes the
    ADSyncTools-compatible CSV, and returns one object per user whose values differ.

    .DESCRIPTION
    The IdentityDrift equivalent of Compare-ADSyncToolsDirSyncOverrides. Users are matched by source anchor
    (AD objectGUID or mS-DS-ConsistencyGuid against Entra onPremisesImmutableId); for every matched user whose
    Entra account is synced, AD mobile is compared with Entra mobilePhone, and AD otherMobile with
    AlternateMobilePhones where the cloud export carries that property (Microsoft Graph does not). Each
    differing user becomes one IdentityDrift.DirSyncOverride object; FormatOnly says whether the numbers are
    the same after E.164 normalization and only written differently.

    Like ADSyncTools, the command writes ADSyncTools-DirSyncOverrides_yyyyMMMdd-HHmmss.csv (every field quoted,
    multi-valued cells joined with ';'), into the current directory unless -OutputPath says otherwise.
    -WhatIf reports the file it would write and still returns the objects; -NoCsv writes no file.

    The data comes from -SnapshotPath, -AdPath with -EntraPath, or -Demo; without them, from the profile of
    Connect-Drift. Reader warnings (skipped LDIF records and the like) go to the warning stream.

    .PARAMETER SnapshotPath
    A snapshot directory holding ad.ldif and entra-users.json (and optionally entra-sync.json,
    exo-recipients.json, exo-users.json), as written by 'idrift snapshot take'.

    .PARAMETER AdPath
    An LDIF export of the AD users (ldapsearch -LLL or ldifde -f). Use with -EntraPath.

    .PARAMETER EntraPath
    A Microsoft Graph user export (Graph pages, a JSON array, or Get-MgUser | ConvertTo-Json). Use with -AdPath.

    .PARAMETER Demo
    Uses the demo snapshot built into the library.

    .PARAMETER AllowIncomplete
    Reads a Graph export whose last page still carries @odata.nextLink, with a warning, instead of refusing
    it as incomplete (the idrift CLI's --allow-incomplete), for this command's source or the Connect-Drift one.

    .PARAMETER AllowEmpty
    Reads an AD or Entra source that holds no user, with a warning, instead of refusing it (--allow-empty).

    .PARAMETER OutputPath
    Where to write the CSV: an existing directory (the ADSyncTools file name is used inside it) or a file
    path. Defaults to the current file-system location.

    .PARAMETER Encoding
    The CSV file's encoding: UTF8 (the default: UTF-8 without a byte order mark, as PowerShell 7's UTF8 and the
    CLI's --encoding utf8), UTF8NoBOM (the same), or UTF8BOM (a byte order mark first, so Excel opens
    non-ASCII names (accented or CJK) intact; the CLI's --encoding utf8bom).

    .PARAMETER NoCsv
    Writes no CSV; only returns the objects.

    .PARAMETER DefaultRegion
    The region (ISO 3166 code such as US or DE) assumed for numbers written without a country code when
    deciding whether a difference is formatting only.

    .PARAMETER Summary
    Returns one IdentityDrift.DirSyncOverridesSummary object (the counts, and the CSV path) instead of the rows.

    .EXAMPLE
    Compare-DriftDirSyncOverrides -SnapshotPath .\snapshot-2026-11-25

    Compares the snapshot, writes ADSyncTools-DirSyncOverrides_<timestamp>.csv into the current directory,
    and lists the users whose mobile numbers differ.

    .EXAMPLE
    Connect-Drift -SnapshotPath .\snap; Compare-DriftDirSyncOverrides -NoCsv | Where-Object { -not $_.FormatOnly }

    Lists only the users whose numbers really differ, not just in formatting, and writes no file.

    .EXAMPLE
    Compare-DriftDirSyncOverrides -SnapshotPath .\snap -Encoding UTF8BOM

    Writes the CSV with a byte order mark, so Excel shows non-ASCII names intact.

    .EXAMPLE
    Compare-DriftDirSyncOverrides -Demo -Summary -OutputPath $env:TEMP

    Shows the totals of the comparison of the built-in demo snapshot and where the CSV was written.

    .OUTPUTS
    IdentityDrift.DirSyncOverride: UserPrincipalName, MobileInAD, MobileInEntra, OtherMobileInAD,
    AlternateMobilePhonesInEntra, OnPremisesImmutableId, ObjectId, DistinguishedName, FormatOnly, and
    MobileInAAD (an alias of MobileInEntra, the name ADSyncTools 1.x used).
    IdentityDrift.DirSyncOverridesSummary with -Summary.

    .LINK
    https://learn.microsoft.com/entra/identity/hybrid/connect/how-to-bypassdirsyncoverrides
    #>
    [Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSUseSingularNouns', '', Justification = 'The name mirrors Compare-ADSyncToolsDirSyncOverrides, which it replaces.')]
    [Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSReviewUnusedParameter', '', Justification = 'The source parameters are read through $PSBoundParameters by ConvertTo-DriftSource.')]
    [CmdletBinding(SupportsShouldProcess)]
    [OutputType('IdentityDrift.DirSyncOverride', 'IdentityDrift.DirSyncOverridesSummary')]
    param(
        [ValidateNotNullOrEmpty()]
        [string] $SnapshotPath,

        [ValidateNotNullOrEmpty()]
        [string] $AdPath,

        [ValidateNotNullOrEmpty()]
        [string] $EntraPath,

        [switch] $Demo,

        [switch] $AllowIncomplete,

        [switch] $AllowEmpty,

        [ValidateNotNullOrEmpty()]
        [string] $OutputPath,

        [switch] $NoCsv,

        [ValidateSet('UTF8', 'UTF8BOM', 'UTF8NoBOM')]
        [string] $Encoding = 'UTF8',

        [ValidatePattern('^[A-Za-z]{2}$')]
        [string] $DefaultRegion,

        [switch] $Summary
    )

    $source = Resolve-DriftSource -BoundParameters $PSBoundParameters -Cmdlet $PSCmdlet

    $writeCsv = -not $NoCsv
    $outPath = if ($PSBoundParameters.ContainsKey('OutputPath')) {
        Resolve-DriftPath -Path $OutputPath -Cmdlet $PSCmdlet
    }
    else {
        (Get-Location -PSProvider FileSystem).ProviderPath
    }
    if ($writeCsv) {
        $target = if (Test-Path -LiteralPath $outPath -PathType Container) {
            Join-Path -Path $outPath -ChildPath 'ADSyncTools-DirSyncOverrides_<yyyyMMMdd-HHmmss>.csv'
        }
        else {
            $outPath
        }
        $writeCsv = $PSCmdlet.ShouldProcess($target, 'Write the DirSyncOverrides CSV')
    }

    $arguments = @{ Source = $source; WriteCsv = [bool] $writeCsv }
    if ($writeCsv) {
        $arguments['OutPath'] = $outPath
        $arguments['Encoding'] = ConvertTo-DriftCsvEncoding -Encoding $Encoding
    }
    if ($PSBoundParameters.ContainsKey('DefaultRegion')) {
        $arguments['DefaultRegion'] = $DefaultRegion.ToUpperInvariant()
    }

    $response = Invoke-DriftNative -Op 'DirSync.Compare' -Arguments $arguments
    $ok = Resolve-DriftResponse -Response $response -Cmdlet $PSCmdlet -Target $source
    if ($null -eq $ok) {
        return
    }

    $csvPath = Get-DriftPropertyValue -InputObject $ok -Name 'CsvPath'
    $rows = @(Get-DriftPropertyValue -InputObject $ok -Name 'Rows')
    if ($csvPath) {
        Write-Information -MessageData "Wrote $($rows.Count) row(s) to $csvPath" -Tags 'IdentityDrift'
    }

    if ($Summary) {
        $counts = Get-DriftPropertyValue -InputObject $ok -Name 'Summary'
        $out = [ordered]@{}
        foreach ($property in $counts.PSObject.Properties) {
            $out[$property.Name] = $property.Value
        }
        $out['CsvPath'] = $csvPath
        $summaryObject = [pscustomobject] $out
        $summaryObject.PSObject.TypeNames.Insert(0, 'IdentityDrift.DirSyncOverridesSummary')
        return $summaryObject
    }

    foreach ($row in $rows) {
        if ($null -eq $row) {
            continue
        }
        $row.PSObject.TypeNames.Insert(0, 'IdentityDrift.DirSyncOverride')
        # ADSyncTools 1.x documentation reads $user.MobileInAAD: the same value under its older name.
        $row.PSObject.Properties.Add((New-Object -TypeName 'System.Management.Automation.PSAliasProperty' -ArgumentList 'MobileInAAD', 'MobileInEntra'))
        $row
    }
}
