# One pipeline, one plan, one journal: users piped into the per-user writers are planned together and applied
# as one run of the real native library, on a copy of the demo snapshot; a bad item is a non-terminating error
# and the others go ahead; Undo-DriftChange restores the files.

BeforeAll {
    . (Join-Path -Path (Split-Path -Path $PSScriptRoot -Parent) -ChildPath 'TestHelpers.ps1')
    Import-Module -Name (Get-DriftTestManifestPath) -Force
    $repo = Get-DriftRepositoryRoot
    $demoDir = Join-Path -Path $repo -ChildPath 'examples/demo'
    $users = @('ada.lovelace@contoso.com', 'tim.mcmichael@contoso.com', 'grace.hopper@contoso.com')
}

AfterAll {
    Remove-Module -Name IdentityDrift -Force -ErrorAction SilentlyContinue
}

Describe 'A pipeline of users with the native library' {
    BeforeEach {
        InModuleScope IdentityDrift { $script:DriftSession = $null }
        $snap = Join-Path -Path $TestDrive -ChildPath ([guid]::NewGuid().ToString())
        $journals = Join-Path -Path $TestDrive -ChildPath ([guid]::NewGuid().ToString())
        $null = New-Item -ItemType Directory -Path $snap, $journals
        Copy-Item -Path (Join-Path -Path $demoDir -ChildPath '*') -Destination $snap
    }

    It 'applies three piped users as one plan with one journal, and Undo-DriftChange restores their values' {
        $original = @($users | ForEach-Object { Get-DriftDirSyncOverridesUser $_ -FromAD -SnapshotPath $snap })
        $outcomes = @($users | Set-DriftDirSyncOverridesUser -MobileInAD '+1 425 555 0199' -SnapshotPath $snap -JournalPath $journals -Confirm:$false)
        $outcomes.Count | Should -Be 3
        @($outcomes | Where-Object { $_.Status -eq 'Applied' }).Count | Should -Be 3
        $files = @(Get-ChildItem -LiteralPath $journals)
        $files.Count | Should -Be 1
        @($outcomes | Select-Object -ExpandProperty Journal -Unique) | Should -Be @($files[0].FullName)
        foreach ($u in $users) {
            (Get-DriftDirSyncOverridesUser $u -FromAD -SnapshotPath $snap).Mobile | Should -Be '+1 425 555 0199'
        }

        $undone = @($outcomes | Undo-DriftChange -SnapshotPath $snap -JournalPath $journals -Confirm:$false -WarningAction SilentlyContinue)
        @($undone | Where-Object { $_.Status -eq 'Applied' }).Count | Should -Be 3
        # Values, not bytes: an LDIF write still rewrites the whole file from the model (issue 13 item 2).
        for ($i = 0; $i -lt $users.Count; $i++) {
            $now = Get-DriftDirSyncOverridesUser $users[$i] -FromAD -SnapshotPath $snap
            $now.Mobile | Should -Be $original[$i].Mobile
            @($now.OtherMobile) -join ';' | Should -Be (@($original[$i].OtherMobile) -join ';')
        }
    }

    It 'clears three piped users in one journal' {
        $outcomes = @($users | Clear-DriftDirSyncOverridesUser -MobileInAD -SnapshotPath $snap -JournalPath $journals -Confirm:$false)
        @($outcomes | Where-Object { $_.Status -eq 'Applied' }).Count | Should -Be 3
        @(Get-ChildItem -LiteralPath $journals).Count | Should -Be 1
    }

    It 'writes a non-terminating ErrorRecord for an unknown user and applies the others' {
        $outcomes = @('ada.lovelace@contoso.com', 'nobody@contoso.com', 'grace.hopper@contoso.com' |
                Set-DriftDirSyncOverridesUser -MobileInAD '+1 425 555 0198' -SnapshotPath $snap -JournalPath $journals -Confirm:$false -ErrorVariable errs -ErrorAction SilentlyContinue)
        @($errs).Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'IdentityDrift.Invalid*'
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $errs[0].TargetObject | Should -Be 'nobody@contoso.com'
        $errs[0].Exception.Message | Should -BeLike '*nobody@contoso.com*'
        @($outcomes | Where-Object { $_.Status -eq 'Applied' }).Count | Should -Be 2
    }

    It 'stops the pipeline with -ErrorAction Stop at the bad item' {
        { 'nobody@contoso.com' | Set-DriftDirSyncOverridesUser -MobileInAD '1' -SnapshotPath $snap -JournalPath $journals -Confirm:$false -ErrorAction Stop } |
            Should -Throw '*nobody@contoso.com*'
        @(Get-ChildItem -LiteralPath $journals).Count | Should -Be 0
    }

    It 'undoes two piped journals as one plan with one undo journal, and -WhatIf writes nothing' {
        $ldif = Join-Path -Path $snap -ChildPath 'ad.ldif'
        $original = [IO.File]::ReadAllBytes($ldif)
        $a = Set-DriftDirSyncOverridesUser 'ada.lovelace@contoso.com' -MobileInAD '1' -SnapshotPath $snap -JournalPath (Join-Path $journals 'a.jsonl') -Confirm:$false
        $b = Set-DriftDirSyncOverridesUser 'tim.mcmichael@contoso.com' -MobileInAD '2' -SnapshotPath $snap -JournalPath (Join-Path $journals 'b.jsonl') -Confirm:$false
        $undoDir = Join-Path -Path $TestDrive -ChildPath ([guid]::NewGuid().ToString())
        $null = New-Item -ItemType Directory -Path $undoDir
        $changed = [IO.File]::ReadAllBytes($ldif)

        $null = $a, $b | Undo-DriftChange -SnapshotPath $snap -JournalPath $undoDir -WhatIf -WarningAction SilentlyContinue
        @(Get-ChildItem -LiteralPath $undoDir).Count | Should -Be 0
        [IO.File]::ReadAllBytes($ldif) | Should -Be $changed

        $undone = @($a, $b | Undo-DriftChange -SnapshotPath $snap -JournalPath $undoDir -Confirm:$false -WarningAction SilentlyContinue)
        @($undone | Where-Object { $_.Status -eq 'Applied' }).Count | Should -Be 2
        @(Get-ChildItem -LiteralPath $undoDir).Count | Should -Be 1
        @($undone | Select-Object -ExpandProperty Journal -Unique).Count | Should -Be 1
        [IO.File]::ReadAllBytes($ldif) | Should -Be $original

        # The one undo journal is itself undone as a whole: both values come back.
        $redo = @($undone[0] | Undo-DriftChange -SnapshotPath $snap -JournalPath (Join-Path -Path $undoDir -ChildPath 'redo.jsonl') -Confirm:$false -WarningAction SilentlyContinue)
        @($redo | Where-Object { $_.Status -eq 'Applied' }).Count | Should -Be 2
        [IO.File]::ReadAllBytes($ldif) | Should -Be $changed
    }
}
