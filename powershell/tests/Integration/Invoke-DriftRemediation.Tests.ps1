# Integration tests of Invoke-DriftRemediation and Undo-DriftChange with the real native library, on a copy of
# the demo snapshot in TestDrive (a rehearsal: the library edits the copy's files in place and journals every step).

BeforeAll {
    . (Join-Path -Path (Split-Path -Path $PSScriptRoot -Parent) -ChildPath 'TestHelpers.ps1')
    Import-Module -Name (Get-DriftTestManifestPath) -Force
    $repo = Get-DriftRepositoryRoot
    $demoDir = Join-Path -Path $repo -ChildPath 'examples/demo'
    $upn = 'testduplicate@contoso.com'
}

AfterAll {
    Remove-Module -Name IdentityDrift -Force -ErrorAction SilentlyContinue
}

Describe 'Remediation runs and undo with the native library' {
    BeforeEach {
        InModuleScope IdentityDrift { $script:DriftSession = $null }
        $snap = Join-Path -Path $TestDrive -ChildPath ([guid]::NewGuid().ToString())
        $journals = Join-Path -Path $TestDrive -ChildPath ([guid]::NewGuid().ToString())
        $null = New-Item -ItemType Directory -Path $snap, $journals
        Copy-Item -Path (Join-Path -Path $demoDir -ChildPath '*') -Destination $snap
    }

    It 'changes nothing and creates no journal with -WhatIf' {
        $before = Get-Content -LiteralPath (Join-Path -Path $snap -ChildPath 'entra-users.json') -Raw
        $null = Invoke-DriftRemediation -UserPrincipalName $upn -Option DeleteAndMerge -SnapshotPath $snap -JournalPath $journals -WhatIf
        Get-Content -LiteralPath (Join-Path -Path $snap -ChildPath 'entra-users.json') -Raw | Should -Be $before
        @(Get-ChildItem -LiteralPath $journals).Count | Should -Be 0
    }

    It 'stops at the manual step, resumes from the journal, and stops at the check that waits for the sync' {
        $run = Invoke-DriftRemediation -UserPrincipalName $upn -Option DeleteAndMerge -SnapshotPath $snap -JournalPath $journals -Confirm:$false -WarningAction SilentlyContinue
        $run.Stop | Should -Be 'Manual'
        $run.StoppedAt | Should -Be 6
        $run.Writes | Should -Be 2
        $run.Journal | Should -Exist
        Get-Content -LiteralPath (Join-Path -Path $snap -ChildPath 'entra-users.json') -Raw | Should -Not -BeLike "*$upn*"

        $resumed = Invoke-DriftRemediation -UserPrincipalName $upn -Option DeleteAndMerge -SnapshotPath $snap -Resume $run.Journal -Confirm:$false -WarningAction SilentlyContinue
        $resumed.Stop | Should -Be 'CheckNotMet'
        $resumed.StoppedAt | Should -Be 7
        ($resumed.Steps | Where-Object { $_.Order -eq 6 }).JournalStatus | Should -Be 'Skipped'
    }

    It 'refuses to run on the demo' {
        $null = Invoke-DriftRemediation -UserPrincipalName $upn -Option DeleteAndMerge -Demo -JournalPath $journals -Confirm:$false -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'IdentityDrift.InvalidArgs*'
        @(Get-ChildItem -LiteralPath $journals).Count | Should -Be 0
    }

    It 'undoes a dirsync change piped from its outcome' {
        $before = Get-Content -LiteralPath (Join-Path -Path $snap -ChildPath 'ad.ldif') -Raw
        $outcome = Set-DriftDirSyncOverridesUser -Identity 'tim.mcmichael@contoso.com' -MobileInAD '1234567890' -SnapshotPath $snap -JournalPath $journals -Confirm:$false
        $outcome.Status | Should -Be 'Applied'
        $null = $outcome | Undo-DriftChange -SnapshotPath $snap -JournalPath $journals -WhatIf
        Get-Content -LiteralPath (Join-Path -Path $snap -ChildPath 'ad.ldif') -Raw | Should -Not -Be $before

        $undone = $outcome | Undo-DriftChange -SnapshotPath $snap -JournalPath (Join-Path -Path $journals -ChildPath 'undo.jsonl') -Confirm:$false
        $undone.Status | Should -Be 'Applied'
        $undone.Journal | Should -Exist
        (Get-DriftDirSyncOverridesUser 'tim.mcmichael@contoso.com' -FromAD -SnapshotPath $snap).Mobile | Should -Be '0987654321'
    }
}
