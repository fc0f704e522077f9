# Integration tests of Connect-Drift with the real native library and the demo snapshot.

BeforeAll {
    . (Join-Path -Path (Split-Path -Path $PSScriptRoot -Parent) -ChildPath 'TestHelpers.ps1')
    Import-Module -Name (Get-DriftTestManifestPath) -Force
    $repo = Get-DriftRepositoryRoot
    $demoDir = Join-Path -Path $repo -ChildPath 'examples/demo'
    $golden = Get-Content -LiteralPath (Join-Path -Path $repo -ChildPath 'tests/fixtures/golden/ffi/source-check-demo.json') -Raw |
        ConvertFrom-Json
}

AfterAll {
    Remove-Module -Name IdentityDrift -Force -ErrorAction SilentlyContinue
}

Describe 'Connect-Drift against the native library' {
    BeforeEach {
        InModuleScope IdentityDrift { $script:DriftSession = $null }
    }

    It 'counts the users of the demo snapshot directory like the built-in demo' {
        $connection = Connect-Drift -SnapshotPath $demoDir
        $connection.Kind | Should -Be 'Snapshot'
        $connection.OnPremUsers | Should -Be $golden.Ok.OnPremUsers
        $connection.CloudUsers | Should -Be $golden.Ok.CloudUsers
        $connection.HasTenantSync | Should -Be $golden.Ok.HasTenantSync
        (Get-DriftConnection).Path | Should -Be $demoDir
    }

    It 'refuses a directory that is not a snapshot and keeps no profile' {
        $null = Connect-Drift -SnapshotPath (Join-Path -Path $TestDrive -ChildPath 'missing') -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'IdentityDrift.Read*'
        Get-DriftConnection | Should -BeNullOrEmpty
    }

    It 'refuses an empty AD export unless -AllowEmpty, and then warns' {
        $ad = Join-Path -Path $TestDrive -ChildPath 'empty.ldif'
        Set-Content -LiteralPath $ad -Value '' -NoNewline
        $entra = Join-Path -Path $demoDir -ChildPath 'entra-users.json'
        $null = Connect-Drift -AdPath $ad -EntraPath $entra -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].Exception.Message | Should -BeLike '*holds no user*'
        Get-DriftConnection | Should -BeNullOrEmpty

        $connection = Connect-Drift -AdPath $ad -EntraPath $entra -AllowEmpty -WarningVariable warned -WarningAction SilentlyContinue
        $connection.OnPremUsers | Should -Be 0
        $connection.CloudUsers | Should -Be $golden.Ok.CloudUsers
        ($warned -join "`n") | Should -BeLike '*empty sources allowed*'
        # The session keeps the allowance: later commands read the same source.
        $rows = @(Compare-DriftDirSyncOverrides -NoCsv)
        $rows.Count | Should -Be 0
    }
}
