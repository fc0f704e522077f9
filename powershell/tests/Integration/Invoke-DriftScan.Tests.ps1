# Integration tests of the read-only reports with the real native library, against the golden responses the
# Rust tests keep in tests/fixtures/golden/ffi/ and the example migration report.

BeforeAll {
    . (Join-Path -Path (Split-Path -Path $PSScriptRoot -Parent) -ChildPath 'TestHelpers.ps1')
    Import-Module -Name (Get-DriftTestManifestPath) -Force
    $repo = Get-DriftRepositoryRoot
    $golden = {
        param($name)
        Get-Content -LiteralPath (Join-Path -Path $repo -ChildPath "tests/fixtures/golden/ffi/$name.json") -Raw | ConvertFrom-Json
    }
}

AfterAll {
    Remove-Module -Name IdentityDrift -Force -ErrorAction SilentlyContinue
}

Describe 'Reports from the native library' {
    It 'Invoke-DriftScan returns the findings of the golden scan' {
        $expected = @((& $golden 'scan-demo').Ok.Findings)
        $findings = @(Invoke-DriftScan -Demo -WarningAction SilentlyContinue)
        $findings.Count | Should -Be $expected.Count
        for ($i = 0; $i -lt $findings.Count; $i++) {
            $findings[$i].Kind | Should -Be $expected[$i].Kind
            $findings[$i].Severity | Should -Be $expected[$i].Severity
            $findings[$i].UserPrincipalName | Should -Be $expected[$i].UserPrincipalName
        }
    }

    It 'Get-DriftRemediationPlan returns the options of the golden plan' {
        $expected = (& $golden 'plan-demo').Ok
        $plan = Get-DriftRemediationPlan -UserPrincipalName $expected.UserPrincipalName -Demo
        @($plan.Options | ForEach-Object { $_.Id }) | Should -Be @($expected.Options | ForEach-Object { $_.Id })
    }

    It 'Get-DriftDirSyncFeature reads the golden status' {
        $expected = (& $golden 'bypass-status-demo').Ok
        $feature = Get-DriftDirSyncFeature -Demo
        $feature.Enabled | Should -Be $expected.BypassDirSyncOverridesEnabled
        $feature.Id | Should -Be $expected.Id
    }

    It 'Test-DriftMigration verifies the example report' {
        $file = Join-Path -Path $repo -ChildPath 'examples/migration/article-user.xml'
        $users = @(Get-Item -LiteralPath $file | Test-DriftMigration)
        # examples/migration/README.md: the article's move passes, 15317 items in 2 folders, 2 stalls.
        $users.Count | Should -Be 1
        $users[0].Identity | Should -Be 'User@domain.com'
        $users[0].Verdict | Should -Be 'Pass'
        @($users[0].Folders).Count | Should -Be 2
        $users[0].MissingItems | Should -Be 0
        $users[0].Stalls | Should -Be 2
        $users[0].DataMigratedBytes | Should -Be 2668722884
        $users[0].SourceFile | Should -Be $file
    }

    It 'Test-DriftMigration reports a missing file as an error and keeps going' {
        $file = Join-Path -Path $repo -ChildPath 'examples/migration/article-user.xml'
        $users = @(Test-DriftMigration -Path $file, (Join-Path -Path $TestDrive -ChildPath 'missing.xml') -ErrorVariable errs -ErrorAction SilentlyContinue)
        $users.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'IdentityDrift.Read*'
    }
}
