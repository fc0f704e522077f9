function Test-DriftMigration {
    <#
    .SYNOPSIS
    Judges mailbox moves by their folder-by-folder MailboxVerification, not by "Data migrated".

    .DESCRIPTION
    Reads saved Get-MigrationUserStatistics <user> -IncludeReport output (Export-Clixml, ConvertTo-Json, an
    Exchange admin API InvokeCommand response, or Format-List text saved to a file; the format is detected
    from the content) and returns one verdict per migration user: Pass when no folder lost items, Fail naming
    the folders and counts, Unknown when the report has no verification yet. "Data migrated"
    (BytesTransferred) is set beside the estimated transfer size and the source size, with the stalls and
    restarts of the report log, to explain why it can exceed the mailbox.

    A folder is read as a batch of such files. A file that cannot be read becomes a non-terminating error;
    the others are still verified. Files bind from the pipeline (Get-ChildItem output).

    .PARAMETER Path
    Saved statistics files, or folders of them.

    .PARAMETER Identity
    Migration users (UPN or e-mail address) whose statistics are fetched live from Exchange Online
    (Get-MigrationUserStatistics -IncludeReport through the Exchange admin API). The app registration comes
    from a live Connect-Drift profile, else from AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET or
    AZURE_CLIENT_CERTIFICATE_PATH; it needs Exchange.ManageAsApp and an Exchange role.

    .PARAMETER Summary
    Returns one IdentityDrift.MigrationSummary object (Users, Pass, Fail, Unknown, MissingItems) instead of
    the users.

    .EXAMPLE
    Test-DriftMigration .\stats\alice.xml

    Verifies one move.

    .EXAMPLE
    Get-ChildItem .\batch7 -Filter *.xml | Test-DriftMigration | Where-Object Verdict -eq 'Fail'

    Lists the moves of a batch that lost items.

    .EXAMPLE
    Test-DriftMigration .\batch7 -Summary

    Counts the verdicts of a batch folder.

    .EXAMPLE
    Test-DriftMigration -Identity alice@contoso.com, bob@contoso.com

    Fetches and verifies two moves live from Exchange Online.

    .OUTPUTS
    IdentityDrift.MigrationVerification: Identity, Verdict, VerdictReason, Status, Folders, MissingItems,
    DataMigratedBytes, EstimatedTransferBytes, SourceMailboxBytes, Explanation, ...; with -Summary,
    IdentityDrift.MigrationSummary.
    #>
    [CmdletBinding()]
    [OutputType('IdentityDrift.MigrationVerification', 'IdentityDrift.MigrationSummary')]
    param(
        [Parameter(Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [Alias('FullName', 'PSPath')]
        [ValidateNotNullOrEmpty()]
        [string[]] $Path,

        [ValidateNotNullOrEmpty()]
        [string[]] $Identity,

        [switch] $Summary
    )

    begin {
        $paths = New-Object -TypeName 'System.Collections.Generic.List[string]'
    }

    process {
        foreach ($p in @($Path)) {
            if (-not [string]::IsNullOrEmpty($p)) {
                $paths.Add((Resolve-DriftPath -Path $p -Cmdlet $PSCmdlet))
            }
        }
    }

    end {
        $arguments = @{ Paths = $paths.ToArray() }
        if ($PSBoundParameters.ContainsKey('Identity')) {
            $arguments['Identities'] = @($Identity)
            $cloud = Get-DriftSessionCloud
            if ($null -ne $cloud) {
                $arguments['Cloud'] = $cloud
            }
        }
        if ($paths.Count -eq 0 -and -not $arguments.ContainsKey('Identities')) {
            Stop-DriftCall -Cmdlet $PSCmdlet -Message 'Name the moves: -Path (files or folders of saved statistics) and/or -Identity (fetched live).'
        }
        $ok = Resolve-DriftResponse -Response (Invoke-DriftNative -Op 'Migration.Verify' -Arguments $arguments) -Cmdlet $PSCmdlet -Target $paths
        if ($null -eq $ok) {
            return
        }
        foreach ($e in @(Get-DriftPropertyValue -InputObject $ok -Name 'Errors')) {
            if ($null -eq $e) {
                continue
            }
            $exception = New-Object -TypeName 'System.Exception' -ArgumentList ([string] $e.Message)
            $record = New-Object -TypeName 'System.Management.Automation.ErrorRecord' -ArgumentList @(
                $exception
                "IdentityDrift.$($e.Kind)"
                (Get-DriftErrorCategory -Kind ([string] $e.Kind))
                $null
            )
            $PSCmdlet.WriteError($record)
        }
        if ($Summary) {
            $s = Get-DriftPropertyValue -InputObject $ok -Name 'Summary'
            if ($null -ne $s) {
                $s.PSObject.TypeNames.Insert(0, 'IdentityDrift.MigrationSummary')
                $s
            }
            return
        }
        foreach ($user in @(Get-DriftPropertyValue -InputObject $ok -Name 'Users')) {
            if ($null -ne $user) {
                $user.PSObject.TypeNames.Insert(0, 'IdentityDrift.MigrationVerification')
                $user
            }
        }
    }
}
