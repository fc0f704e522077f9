# Integration tests of the writers with the real native library, on a copy of the demo snapshot in TestDrive
# (a rehearsal: the library edits the copy's files in place and journals every write).

BeforeAll {
    . (Join-Path -Path (Split-Path -Path $PSScriptRoot -Parent) -ChildPath 'TestHelpers.ps1')
    Import-Module -Name (Get-DriftTestManifestPath) -Force
    $repo = Get-DriftRepositoryRoot
    $demoDir = Join-Path -Path $repo -ChildPath 'examples/demo'
}

AfterAll {
    Remove-Module -Name IdentityDrift -Force -ErrorAction SilentlyContinue
}

Describe 'Writing to a snapshot with the native library' {
    BeforeEach {
        InModuleScope IdentityDrift { $script:DriftSession = $null }
        $snap = Join-Path -Path $TestDrive -ChildPath ([guid]::NewGuid().ToString())
        $journals = Join-Path -Path $TestDrive -ChildPath ([guid]::NewGuid().ToString())
        $null = New-Item -ItemType Directory -Path $snap, $journals
        Copy-Item -Path (Join-Path -Path $demoDir -ChildPath '*') -Destination $snap
    }

    It 'sets an AD mobile, journals it, and reads it back' {
        $outcome = Set-DriftDirSyncOverridesUser -Identity 'tim.mcmichael@contoso.com' -MobileInAD '1234567890' -SnapshotPath $snap -JournalPath $journals -Confirm:$false
        $outcome.Status | Should -Be 'Applied'
        $outcome.Journal | Should -Exist
        (Get-DriftDirSyncOverridesUser 'tim.mcmichael@contoso.com' -FromAD -SnapshotPath $snap).Mobile | Should -Be '1234567890'
    }

    It 'changes nothing with -WhatIf' {
        $before = Get-Content -LiteralPath (Join-Path -Path $snap -ChildPath 'ad.ldif') -Raw
        $null = Set-DriftDirSyncOverridesUser -Identity 'tim.mcmichael@contoso.com' -MobileInAD '1234567890' -SnapshotPath $snap -JournalPath $journals -WhatIf
        Get-Content -LiteralPath (Join-Path -Path $snap -ChildPath 'ad.ldif') -Raw | Should -Be $before
        @(Get-ChildItem -LiteralPath $journals).Count | Should -Be 0
    }

    It 'persists the compare CSV through Import-Csv, and the comparison shrinks' {
        $rowsBefore = @(Compare-DriftDirSyncOverrides -SnapshotPath $snap -OutputPath $snap -Confirm:$false)
        $csv = Get-ChildItem -LiteralPath $snap -Filter 'ADSyncTools-DirSyncOverrides_*.csv' | Select-Object -First 1
        $outcomes = @(Import-Csv -LiteralPath $csv.FullName | Set-DriftDirSyncOverridesUser -SnapshotPath $snap -JournalPath $journals -Confirm:$false -WarningAction SilentlyContinue)
        $outcomes.Count | Should -BeGreaterThan 0
        @($outcomes | Where-Object { $_.Status -ne 'Applied' }).Count | Should -Be 0
        @(Get-ChildItem -LiteralPath $journals).Count | Should -Be 1
        @(Compare-DriftDirSyncOverrides -SnapshotPath $snap -NoCsv).Count | Should -BeLessThan $rowsBefore.Count
    }

    It 'refuses to enable BypassDirSyncOverrides while users would be overwritten, then enables with -AcceptOverwrite' {
        $atRisk = @(Get-DriftDirSyncFeature -Preview -SnapshotPath $snap)
        $atRisk.Count | Should -BeGreaterThan 0
        $null = Set-DriftDirSyncFeature -Enable -SnapshotPath $snap -JournalPath $journals -Confirm:$false -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'IdentityDrift.Invalid*'
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $errs[0].Exception.Message | Should -BeLike '*give -AcceptOverwrite*'
        $errs[0].Exception.Message | Should -Not -BeLike '*--*'
        (Get-DriftDirSyncFeature -SnapshotPath $snap).Enabled | Should -BeFalse

        $outcome = Set-DriftDirSyncFeature -Enable -AcceptOverwrite -SnapshotPath $snap -JournalPath $journals -Confirm:$false -WarningAction SilentlyContinue
        $outcome.Status | Should -Be 'Applied'
        $outcome.Before | Should -Be 'disabled'
        $outcome.After | Should -Be 'enabled'
        (Get-DriftDirSyncFeature -SnapshotPath $snap).Enabled | Should -BeTrue
    }

    It 'clears an AD mobile' {
        $outcome = Clear-DriftDirSyncOverridesUser -Identity 'tim.mcmichael@contoso.com' -MobileInAD -SnapshotPath $snap -JournalPath $journals -Confirm:$false
        $outcome.Status | Should -Be 'Applied'
        (Get-DriftDirSyncOverridesUser 'tim.mcmichael@contoso.com' -FromAD -SnapshotPath $snap).Mobile | Should -BeNullOrEmpty
    }
}
