# Unit tests of Undo-DriftChange (native call mocked): the dry run, the warnings for what cannot be undone,
# and the apply only when every reversal is confirmed.

BeforeAll {
    . (Join-Path -Path (Split-Path -Path $PSScriptRoot -Parent) -ChildPath 'TestHelpers.ps1')
    Import-Module -Name (Get-DriftTestManifestPath) -Force
}

AfterAll {
    Remove-Module -Name IdentityDrift -Force -ErrorAction SilentlyContinue
}

Describe 'Undo-DriftChange' {
    BeforeEach {
        Mock -CommandName Invoke-DriftNative -ModuleName IdentityDrift -MockWith {
            if ($Arguments.Apply) {
                ConvertTo-DriftTestResponse -Json '{"Kind": "DirSync", "Undoing": "/tmp/set.jsonl", "UndoingCommand": "dirsync set", "NotUndone": [], "Command": "undo dirsync set", "WritesTo": "x", "Applied": true, "JournalPath": "/tmp/undo.jsonl", "Planned": [], "Report": {"Ops": [{"Seq": 1, "Op": "ad.phones", "Target": "tim@contoso.com", "Status": "Applied", "Before": {"Mobile": "1", "OtherMobile": []}, "After": {"Mobile": "2", "OtherMobile": []}}]}}'
            }
            else {
                ConvertTo-DriftTestResponse -Json '{"Kind": "DirSync", "Undoing": "/tmp/set.jsonl", "UndoingCommand": "dirsync set", "NotUndone": [{"Seq": 2, "Target": "obj", "Reason": "purged"}], "Command": "undo dirsync set", "WritesTo": "x", "Applied": false, "JournalPath": null, "Planned": [{"Seq": 1, "Op": "ad.phones", "Target": "tim@contoso.com", "Before": {"Mobile": "1", "OtherMobile": []}, "After": {"Mobile": "2", "OtherMobile": []}}]}'
            }
        }
    }

    It 'sends only the dry run with -WhatIf and warns about what cannot be undone' {
        $null = Undo-DriftChange -Journal (Join-Path -Path $TestDrive -ChildPath 'set.jsonl') -Demo -WhatIf -WarningVariable warnings -WarningAction SilentlyContinue
        Should -Invoke -CommandName Invoke-DriftNative -ModuleName IdentityDrift -Times 1 -Exactly -ParameterFilter { $Op -eq 'Undo' -and $Arguments.Apply -eq $false -and [System.IO.Path]::IsPathRooted($Arguments.Journal) }
        "$warnings" | Should -BeLike '*Cannot be undone: operation 2 (obj): purged*'
    }

    It 'applies and returns the outcomes' {
        $outcome = Undo-DriftChange -Journal (Join-Path -Path $TestDrive -ChildPath 'set.jsonl') -SnapshotPath $TestDrive -Confirm:$false -WarningAction SilentlyContinue
        $outcome.PSObject.TypeNames[0] | Should -Be 'IdentityDrift.WriteOutcome'
        $outcome.Status | Should -Be 'Applied'
        $outcome.Journal | Should -Be '/tmp/undo.jsonl'
        Should -Invoke -CommandName Invoke-DriftNative -ModuleName IdentityDrift -Times 1 -Exactly -ParameterFilter { $Arguments.Apply -eq $true -and $Arguments.JournalPath }
    }

    It 'binds -Journal from write outcomes on the pipeline, once per journal' {
        $j = Join-Path -Path $TestDrive -ChildPath 'set.jsonl'
        $null = @([pscustomobject]@{ Journal = $j }, [pscustomobject]@{ Journal = $j }) | Undo-DriftChange -Demo -WhatIf -WarningAction SilentlyContinue
        Should -Invoke -CommandName Invoke-DriftNative -ModuleName IdentityDrift -Times 1 -Exactly
    }
}
