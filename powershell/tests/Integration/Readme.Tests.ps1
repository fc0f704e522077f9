# The README's PowerShell examples, run as written against a copy of the demo snapshot (the README shows only
# what runs). $ConfirmPreference is 'None' globally, as in an unattended script, so the lines that ask per user
# run without a prompt; -WhatIf lines still write nothing.

BeforeAll {
    . (Join-Path -Path (Split-Path -Path $PSScriptRoot -Parent) -ChildPath 'TestHelpers.ps1')
    Import-Module -Name (Get-DriftTestManifestPath) -Force
    $repo = Get-DriftRepositoryRoot
    $demoDir = Join-Path -Path $repo -ChildPath 'examples/demo'
}

AfterAll {
    Remove-Module -Name IdentityDrift -Force -ErrorAction SilentlyContinue
}

Describe 'README: PowerShell' {
    BeforeEach {
        $work = Join-Path -Path $TestDrive -ChildPath ([guid]::NewGuid().ToString())
        $null = New-Item -ItemType Directory -Path (Join-Path -Path $work -ChildPath 'snap')
        Copy-Item -Path (Join-Path -Path $demoDir -ChildPath '*') -Destination (Join-Path -Path $work -ChildPath 'snap')
        Push-Location -LiteralPath $work
        $savedConfirm = $global:ConfirmPreference
        $global:ConfirmPreference = 'None'
    }

    AfterEach {
        $global:ConfirmPreference = $savedConfirm
        Pop-Location
        $null = Disconnect-Drift -Confirm:$false
    }

    It 'the DirSyncOverrides repair, end to end' {
        Connect-Drift -SnapshotPath .\snap | Out-Null
        Compare-DriftDirSyncOverrides | Out-Null                          # writes ADSyncTools-DirSyncOverrides_<time>.csv
        $planned = Import-Csv .\ADSyncTools-DirSyncOverrides_*.csv | Set-DriftDirSyncOverridesUser -WhatIf -WarningAction SilentlyContinue
        $planned | Should -BeNullOrEmpty
        $outcomes = @(Import-Csv .\ADSyncTools-DirSyncOverrides_*.csv | Set-DriftDirSyncOverridesUser -WarningAction SilentlyContinue)
        $outcomes.Count | Should -BeGreaterThan 0
        @($outcomes | Where-Object Status -NE 'Applied').Count | Should -Be 0
        @(Get-ChildItem -Filter 'idrift-*.journal.jsonl').Count | Should -Be 1
        @(Get-DriftDirSyncFeature -Feature BypassDirSyncOverrides -Preview -WarningAction SilentlyContinue) | Should -BeNullOrEmpty
        $enabled = Set-DriftDirSyncFeature -Feature BypassDirSyncOverrides -Enable -WarningAction SilentlyContinue
        $enabled.Status | Should -Be 'Applied'
        $enabled.After | Should -Be 'enabled'
        Undo-DriftChange -Journal $outcomes[0].Journal -WhatIf -WarningAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'a remediation run, step by step' {
        Connect-Drift -SnapshotPath .\snap | Out-Null
        $plan = Get-DriftRemediationPlan testduplicate@contoso.com
        @($plan.Options | Where-Object Recommended).Count | Should -Be 1
        Invoke-DriftRemediation testduplicate@contoso.com -Option DeleteAndMerge -WhatIf -WarningAction SilentlyContinue | Out-Null
        @(Get-ChildItem -Filter 'idrift-*.journal.jsonl').Count | Should -Be 0
        $run = Invoke-DriftRemediation testduplicate@contoso.com -Option DeleteAndMerge -WarningAction SilentlyContinue
        $run.Stop | Should -Be 'Manual'
        $journal = (Get-ChildItem -Filter 'idrift-plan-deleteandmerge-*journal.jsonl').FullName
        $journal | Should -Be $run.Journal
        $resumed = Invoke-DriftRemediation testduplicate@contoso.com -Option DeleteAndMerge -Resume $journal -WarningAction SilentlyContinue
        $resumed.Stop | Should -Be 'CheckNotMet'
        { Undo-DriftChange -Journal $journal -WhatIf -WarningAction SilentlyContinue } | Should -Not -Throw
    }

    It 'a report and the drift since the last scan' {
        Export-DriftReport -Demo -Path .\demo-report.html | Should -Exist
        Compare-DriftScan .\snap .\snap -SummaryOnly | Select-Object -ExpandProperty New | Should -Be 0
    }
}
