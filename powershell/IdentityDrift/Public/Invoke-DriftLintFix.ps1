function Invoke-DriftLintFix {
    <#
    .SYNOPSIS
    Applies the fixes of lint errors (edited Update and Action) to AD, journaled and undoable.

    .DESCRIPTION
    The IdentityDrift equivalent of 'idrift lint apply --from-csv FILE'. Takes IdFix's CSV (from
    Invoke-DriftLint -OutputPath, 'idrift lint --out', or IdFix's own export, after an administrator edited
    UPDATE and ACTION), or the error objects of Invoke-DriftLint from the pipeline. EDIT sets the value to
    Update (for proxyAddresses only that one address is replaced), REMOVE deletes the value, COMPLETE or a
    blank Action does nothing. Duplicates are never fixed automatically: those rows are refused with a warning
    naming every object that holds the value.

    The library plans first and writes nothing; each object's changes are offered to ShouldProcess with the
    values before and after (so -WhatIf lists them and -Confirm asks per object), and only the approved ones
    are applied, journaled, and re-read just before each write (a value changed since the lint is a conflict).
    An undo LDIF for ldifde is written beside the journal; Undo-DriftChange or 'idrift undo' restores the
    values.

    .PARAMETER CsvPath
    The CSV with IdFix's columns (UTF-8; a BOM, CRLF and quoted cells are fine).

    .PARAMETER InputObject
    Error objects from Invoke-DriftLint (DistinguishedName, Attribute, Error, Value, Update, Action).

    .PARAMETER JournalPath
    The journal: a file, or a directory for the default name. Defaults to the current directory.

    .PARAMETER SnapshotPath
    The snapshot directory whose ad.ldif is edited in place (a rehearsal: only the values fixed change).

    .PARAMETER AdPath
    The LDIF export to rewrite (a rehearsal).

    .EXAMPLE
    Invoke-DriftLintFix -CsvPath .\idfix.csv -AdPath .\contoso.ldif -WhatIf

    Lists every change the CSV asks for, and changes nothing.

    .EXAMPLE
    Invoke-DriftLint -AdPath .\contoso.ldif | Where-Object Error -eq 'Character' | Invoke-DriftLintFix -AdPath .\contoso.ldif

    Applies the suggested fixes of the character errors, asking per object.

    .OUTPUTS
    IdentityDrift.WriteOutcome: Target, Attribute, Status, Before, After, Message, Journal.
    #>
    [Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSReviewUnusedParameter', '', Justification = 'The source parameters are read through $PSBoundParameters.')]
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High', DefaultParameterSetName = 'Csv')]
    [OutputType('IdentityDrift.WriteOutcome')]
    param(
        [Parameter(Mandatory, ParameterSetName = 'Csv')]
        [ValidateNotNullOrEmpty()]
        [string] $CsvPath,

        [Parameter(Mandatory, ParameterSetName = 'Pipeline', ValueFromPipeline)]
        [psobject[]] $InputObject,

        [string] $JournalPath,

        [ValidateNotNullOrEmpty()]
        [string] $SnapshotPath,

        [ValidateNotNullOrEmpty()]
        [string] $AdPath
    )

    begin {
        $source = Resolve-DriftSource -BoundParameters $PSBoundParameters -Cmdlet $PSCmdlet
        $journal = Resolve-DriftJournalPath -Path $JournalPath -Cmdlet $PSCmdlet
        $rows = New-Object -TypeName 'System.Collections.Generic.List[hashtable]'
    }

    process {
        foreach ($o in @($InputObject)) {
            if ($null -eq $o) {
                continue
            }
            $row = @{}
            foreach ($name in @('DistinguishedName', 'CommonName', 'ObjectClass', 'Attribute', 'Error', 'Value', 'Update', 'Action')) {
                $value = Get-DriftPropertyValue -InputObject $o -Name $name
                $row[$name] = if ($null -eq $value) { '' } else { [string] $value }
            }
            $rows.Add($row)
        }
    }

    end {
        $arguments = @{ Source = $source }
        if ($PSCmdlet.ParameterSetName -eq 'Csv') {
            $arguments['FromCsv'] = Resolve-DriftPath -Path $CsvPath -Cmdlet $PSCmdlet
        }
        else {
            $arguments['Rows'] = $rows.ToArray()
        }
        Invoke-DriftWrite -Op 'Lint.Fix' -Arguments $arguments -Cmdlet $PSCmdlet -JournalPath $journal -SelectTargets
    }
}
