# Snapshot rehearsal of every writer with the real native library: -WhatIf writes nothing (no file of the
# snapshot changes, no journal), -Confirm:$false writes, and Undo-DriftChange of the journal restores the
# snapshot: byte for byte where the library's file writes allow it today (Exact), else every line of every
# original file (a known gap: an LDIF attribute removed and written back returns at the end of its entry,
# not at its old place). DeleteAndMerge purges the cloud user, which no undo brings back: Undo-DriftChange
# says so and reverses nothing.

BeforeAll {
    . (Join-Path -Path (Split-Path -Path $PSScriptRoot -Parent) -ChildPath 'TestHelpers.ps1')
    Import-Module -Name (Get-DriftTestManifestPath) -Force
    $repo = Get-DriftRepositoryRoot
    $demoDir = Join-Path -Path $repo -ChildPath 'examples/demo'
    $state = {
        # Every file of the snapshot and its SHA-256, in name order.
        param($dir)
        (Get-ChildItem -LiteralPath $dir -File | Sort-Object Name | ForEach-Object { '{0}={1}' -f $_.Name, (Get-FileHash -LiteralPath $_.FullName -Algorithm SHA256).Hash }) -join "`n"
    }
    $lines = {
        # The lines of the named files, sorted: the content, whatever its order.
        param($dir, $names)
        ($names | ForEach-Object { "== $_"; Get-Content -LiteralPath (Join-Path -Path $dir -ChildPath $_) | Sort-Object }) -join "`n"
    }
}

AfterAll {
    Remove-Module -Name IdentityDrift -Force -ErrorAction SilentlyContinue
}

Describe 'Rehearsing <Name> on a snapshot' -ForEach @(
    @{ Name = 'Set-DriftDirSyncOverridesUser'; Exact = $true; Write = { param($s, $j, $extra) 'tim.mcmichael@contoso.com', 'ada.lovelace@contoso.com' | Set-DriftDirSyncOverridesUser -MobileInAD '+1 425 555 0177' -OtherMobileInAD '+1 425 555 0178' -SnapshotPath $s -JournalPath $j @extra } }
    @{ Name = 'Set-DriftDirSyncOverridesUser (compare rows)'; Exact = $false; Write = { param($s, $j, $extra) Compare-DriftDirSyncOverrides -SnapshotPath $s -NoCsv | Set-DriftDirSyncOverridesUser -SnapshotPath $s -JournalPath $j -WarningAction SilentlyContinue @extra } }
    @{ Name = 'Clear-DriftDirSyncOverridesUser'; Exact = $false; Write = { param($s, $j, $extra) 'tim.mcmichael@contoso.com', 'grace.hopper@contoso.com' | Clear-DriftDirSyncOverridesUser -MobileInAD -OtherMobileInAD -SnapshotPath $s -JournalPath $j @extra } }
    @{ Name = 'Set-DriftDirSyncFeature'; Exact = $true; Write = { param($s, $j, $extra) Set-DriftDirSyncFeature -Enable -AcceptOverwrite -SnapshotPath $s -JournalPath $j -WarningAction SilentlyContinue @extra } }
    @{ Name = 'Invoke-DriftRemediation'; Exact = $false; Purges = $true; Write = { param($s, $j, $extra) Invoke-DriftRemediation -UserPrincipalName 'testduplicate@contoso.com' -Option DeleteAndMerge -SnapshotPath $s -JournalPath $j -WarningAction SilentlyContinue @extra } }
) {
    BeforeEach {
        InModuleScope IdentityDrift { $script:DriftSession = $null }
        $snap = Join-Path -Path $TestDrive -ChildPath ([guid]::NewGuid().ToString())
        $journals = Join-Path -Path $TestDrive -ChildPath ([guid]::NewGuid().ToString())
        $null = New-Item -ItemType Directory -Path $snap, $journals
        Copy-Item -Path (Join-Path -Path $demoDir -ChildPath '*.*') -Destination $snap
        $original = & $state $snap
        $names = @(Get-ChildItem -LiteralPath $snap -File | Sort-Object Name | ForEach-Object { $_.Name })
        $originalLines = & $lines $snap $names
    }

    It '-WhatIf writes nothing' {
        $null = & $Write $snap $journals @{ WhatIf = $true }
        & $state $snap | Should -Be $original
        @(Get-ChildItem -LiteralPath $journals).Count | Should -Be 0
    }

    It '-Confirm:$false writes, and Undo-DriftChange restores the snapshot' {
        $out = @(& $Write $snap $journals @{ Confirm = $false })
        & $state $snap | Should -Not -Be $original
        $journal = @(Get-ChildItem -LiteralPath $journals -File)
        $journal.Count | Should -Be 1
        $undo = Join-Path -Path $TestDrive -ChildPath ([guid]::NewGuid().ToString())
        $null = New-Item -ItemType Directory -Path $undo
        $undone = @(Undo-DriftChange -Journal $journal[0].FullName -SnapshotPath $snap -JournalPath $undo -Confirm:$false -WarningAction SilentlyContinue -WarningVariable warnings)
        if ($Purges) {
            # DeleteAndMerge purges the cloud user: the library says so and reverses nothing.
            "$warnings" | Should -BeLike '*Cannot be undone*purged*'
            $undone.Count | Should -Be 0
            return
        }
        $undone.Count | Should -BeGreaterThan 0
        @($undone | Where-Object { $_.Status -ne 'Applied' }).Count | Should -Be 0
        & $lines $snap $names | Should -Be $originalLines
        if ($Exact) {
            & $state $snap | Should -Be $original
        }
    }
}
