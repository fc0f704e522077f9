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

    .OUTPUTS
    IdentityDrift.MigrationVerification: Identity, Verdict, VerdictReason, Status, Folders, MissingItems,
    DataMigratedBytes, EstimatedTransferBytes, SourceMailboxBytes, Explanation, ...; with -Summary,
    IdentityDrift.MigrationSummary.
    #>
    [CmdletBinding()]
    [OutputType('IdentityDrift.MigrationVerification', 'IdentityDrift.MigrationSummary')]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [Alias('FullName', 'PSPath')]
        [ValidateNotNullOrEmpty()]
        [string[]] $Path,

        [switch] $Summary
    )

    begin {
        $paths = New-Object -TypeName 'System.Collections.Generic.List[string]'
    }

    process {
        foreach ($p in $Path) {
            $paths.Add((Resolve-DriftPath -Path $p -Cmdlet $PSCmdlet))
        }
    }

    end {
        if ($paths.Count -eq 0) {
            return
        }
        $ok = Resolve-DriftResponse -Response (Invoke-DriftNative -Op 'Migration.Verify' -Arguments @{ Paths = $paths.ToArray() }) -Cmdlet $PSCmdlet -Target $paths
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
            $s.PSObject.TypeNames.Insert(0, 'IdentityDrift.MigrationSummary')
            return $s
        }
        foreach ($user in @(Get-DriftPropertyValue -InputObject $ok -Name 'Users')) {
            if ($null -ne $user) {
                $user.PSObject.TypeNames.Insert(0, 'IdentityDrift.MigrationVerification')
                $user
            }
        }
    }
}
