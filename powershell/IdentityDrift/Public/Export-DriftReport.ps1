function Export-DriftReport {
    <#
    .SYNOPSIS
    Writes the IdentityDrift report: one self-contained HTML file to hand to a manager or a change board.

    .DESCRIPTION
    The IdentityDrift equivalent of 'idrift report'. The library scans the source and writes one HTML file
    with no external assets (CSS and charts inline; it opens air-gapped and prints to PDF): the summary, the
    DirSyncOverrides data at risk from the bypass switch, the Exchange findings with their recommended option
    and its steps, the migration verdicts of -Migration, the change records of -Journal, and the trend against
    -Previous. Every value from the directories is HTML-escaped.

    With -Demo, the report also shows the demo's migration report and change journals.

    .PARAMETER Path
    The HTML file to write, or an existing directory for idrift-report.html inside it. Default:
    idrift-report.html in the current location. An existing file is replaced.

    .PARAMETER Migration
    Mailbox move reports (Get-MoveRequestStatistics -IncludeReport or Get-MigrationUserStatistics
    -IncludeReport output, as Test-DriftMigration reads them), files or folders.

    .PARAMETER Journal
    Change journals of IdentityDrift runs (the Journal of write outcomes binds from the pipeline); an undo
    journal marks the run it undid.

    .PARAMETER Previous
    The previous scan for the trend: scan JSON ('idrift scan --format json'), or a snapshot directory.

    .PARAMETER RoutingDomain
    The hybrid routing domain (<tenant>.mail.onmicrosoft.com); detected from the data when not given.

    .PARAMETER SyncScope
    Distinguished names of the OUs in sync scope.

    .PARAMETER DefaultRegion
    The region (ISO 3166 code) assumed for phone numbers without a country code.

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
    Export-DriftReport -Demo -Path .\demo-report.html

    Writes the demo report and returns the file.

    .EXAMPLE
    Export-DriftReport -SnapshotPath .\snapshot-2026-12-03 -Previous .\snapshot-2026-11-26 -Journal (Get-ChildItem .\*.journal.jsonl)

    Reports a snapshot with the trend since last week's and the change records of the journals.

    .OUTPUTS
    System.IO.FileInfo: the HTML file written.
    #>
    [Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSReviewUnusedParameter', '', Justification = 'The source parameters are read through $PSBoundParameters.')]
    [CmdletBinding(SupportsShouldProcess)]
    [OutputType([System.IO.FileInfo])]
    param(
        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty()]
        [string] $Path = 'idrift-report.html',

        [ValidateNotNullOrEmpty()]
        [string[]] $Migration,

        [Parameter(ValueFromPipelineByPropertyName)]
        [ValidateNotNullOrEmpty()]
        [string[]] $Journal,

        [ValidateNotNullOrEmpty()]
        [string] $Previous,

        [ValidateNotNullOrEmpty()]
        [string] $RoutingDomain,

        [string[]] $SyncScope,

        [ValidatePattern('^[A-Za-z]{2}$')]
        [string] $DefaultRegion,

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

    begin {
        $source = Resolve-DriftSource -BoundParameters $PSBoundParameters -Cmdlet $PSCmdlet
        $journals = New-Object -TypeName 'System.Collections.Generic.List[string]'
        $seen = New-Object -TypeName 'System.Collections.Generic.HashSet[string]' -ArgumentList ([System.StringComparer]::Ordinal)
    }

    process {
        # Journals from the pipeline (write outcomes) are collected; the report is written once, in end {}.
        foreach ($j in @($Journal)) {
            if (-not [string]::IsNullOrWhiteSpace($j)) {
                $full = Resolve-DriftPath -Path $j -Cmdlet $PSCmdlet
                if ($seen.Add($full)) {
                    $journals.Add($full)
                }
            }
        }
    }

    end {
        $out = Resolve-DriftPath -Path $Path -Cmdlet $PSCmdlet
        $arguments = @{ Source = $source; OutPath = $out; Journals = $journals.ToArray() }
        if ($PSBoundParameters.ContainsKey('Migration')) {
            $arguments['Migration'] = @($Migration | ForEach-Object { Resolve-DriftPath -Path $_ -Cmdlet $PSCmdlet })
        }
        if ($PSBoundParameters.ContainsKey('Previous')) {
            $arguments['Previous'] = Resolve-DriftPath -Path $Previous -Cmdlet $PSCmdlet
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
        if (-not $PSCmdlet.ShouldProcess($out, 'Write the IdentityDrift report')) {
            return
        }
        $ok = Resolve-DriftResponse -Response (Invoke-DriftNative -Op 'Report' -Arguments $arguments) -Cmdlet $PSCmdlet -Target $out
        if ($null -eq $ok) {
            return
        }
        Write-Information -MessageData "Wrote the report ($($ok.Findings) finding(s)) to $($ok.Path)" -Tags 'IdentityDrift'
        Get-Item -LiteralPath ([string] $ok.Path)
    }
}
