function Undo-DriftChange {
    <#
    .SYNOPSIS
    Restores the values a journaled run found before its writes (a dirsync change or a remediation run).

    .DESCRIPTION
    The IdentityDrift equivalent of 'idrift undo JOURNAL'. Every command of this module that writes keeps a
    journal; this reads one and plans the reverse of each write that landed (or may have landed), newest
    first: each object gets back the value found just before the write, and only if it still holds the value
    the run wrote (otherwise the write is a conflict and nothing is changed for it). Writes that cannot be
    reversed (a purge from the Entra recycle bin, a delete purged afterwards) are listed as warnings.

    Each reversal is offered to ShouldProcess with its values (ConfirmImpact High), so -WhatIf lists them all
    and changes nothing; the undo is applied as a whole, only when every reversal is confirmed. The undo has
    its own journal, so it can be undone in turn.

    Several journals piped in (or the outcomes of several runs) are undone as one plan with one undo journal,
    their reversals in the order given, when they are of one kind: dirsync writes, remediation runs, or lint
    fixes. Journals of different kinds are refused together; undo them in separate calls.

    Name the same directories the run wrote to: the same -SnapshotPath (or export files, or the Connect-Drift
    profile). Outcomes come back as IdentityDrift.WriteOutcome objects, and their Journal binds to -Journal, so
    the outcomes of a write can be piped straight into Undo-DriftChange.

    .PARAMETER Journal
    The journal of the run to undo (each write outcome carries it in its Journal property).

    .PARAMETER JournalPath
    The journal of the undo: a file, or a directory for the default name. Defaults to the current directory.

    .PARAMETER SnapshotPath
    The snapshot directory the run wrote to.

    .PARAMETER AdPath
    The LDIF export the run wrote to.

    .PARAMETER EntraPath
    The Graph user export the run wrote to.

    .PARAMETER Demo
    Uses the demo snapshot built into the library (read-only: shows the plan, refuses the write).

    .EXAMPLE
    Undo-DriftChange -Journal .\idrift-dirsync-set_2026Nov25-143005.journal.jsonl -SnapshotPath .\snap -WhatIf

    Lists each value that would be restored, and changes nothing.

    .EXAMPLE
    Set-DriftDirSyncOverridesUser tim.mcmichael@contoso.com -MobileInAD '+1 425 555 0100' | Undo-DriftChange

    Makes a change and reverses it, asking first.

    .OUTPUTS
    IdentityDrift.WriteOutcome: Target, Attribute, Status, Before, After, Message, Journal (of the undo).
    #>
    [Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSReviewUnusedParameter', '', Justification = 'The source parameters are read through $PSBoundParameters.')]
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High')]
    [OutputType('IdentityDrift.WriteOutcome')]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipelineByPropertyName)]
        [ValidateNotNullOrEmpty()]
        [string] $Journal,

        [string] $JournalPath,

        [ValidateNotNullOrEmpty()]
        [string] $SnapshotPath,

        [ValidateNotNullOrEmpty()]
        [string] $AdPath,

        [ValidateNotNullOrEmpty()]
        [string] $EntraPath,

        [switch] $Demo
    )

    begin {
        $source = Resolve-DriftSource -BoundParameters $PSBoundParameters -Cmdlet $PSCmdlet
        $undoJournal = Resolve-DriftJournalPath -Path $JournalPath -Cmdlet $PSCmdlet
        $seen = New-Object -TypeName 'System.Collections.Generic.HashSet[string]' -ArgumentList ([System.StringComparer]::Ordinal)
        $journals = New-Object -TypeName 'System.Collections.Generic.List[string]'
    }

    process {
        $path = Resolve-DriftPath -Path $Journal -Cmdlet $PSCmdlet
        if (-not $seen.Add($path)) {
            return
        }
        $journals.Add($path)
    }

    end {
        # The journals of one pipeline are undone after the pipeline has ended as one plan with one undo
        # journal (their reversals in the order given), applied as a whole.
        if ($journals.Count -eq 0) {
            return
        }
        $arguments = @{ Source = $source }
        if ($journals.Count -eq 1) {
            $arguments['Journal'] = $journals[0]
        }
        else {
            $arguments['Journals'] = $journals.ToArray()
        }
        Invoke-DriftWrite -Op 'Undo' -Arguments $arguments -Cmdlet $PSCmdlet -JournalPath $undoJournal -AllOrNothing
    }
}
