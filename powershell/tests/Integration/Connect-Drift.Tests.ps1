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

    It 'matches by a custom source anchor with -SourceAnchor, and names the parameter without it' {
        # Entra Connect anchored on employeeID: the immutable ids are the attribute's values, not GUIDs.
        $ad = Join-Path -Path $TestDrive -ChildPath 'anchored.ldif'
        $ldif = @(
            'dn: CN=Ana Alves,OU=Sync,DC=contoso,DC=com', 'objectClass: user',
            'objectGUID:: AQEBAQEBAQEBAQEBAQEBAQ==', 'userPrincipalName: ana@contoso.com',
            'employeeID: E1001', 'mobile: +1 555 0101', '',
            'dn: CN=Ben Brink,OU=Sync,DC=contoso,DC=com', 'objectClass: user',
            'objectGUID:: AgICAgICAgICAgICAgICAg==', 'userPrincipalName: ben@contoso.com',
            'employeeID: E1002', 'mobile: +1 555 0102'
        )
        Set-Content -LiteralPath $ad -Value $ldif
        $entra = Join-Path -Path $TestDrive -ChildPath 'anchored.json'
        $users = @(
            @{ id = '00000000-0000-4000-8000-000000000001'; userPrincipalName = 'ana@contoso.com'; onPremisesImmutableId = 'E1001'; onPremisesSyncEnabled = $true; mobilePhone = '+1 555 0199' }
            @{ id = '00000000-0000-4000-8000-000000000002'; userPrincipalName = 'ben@contoso.com'; onPremisesImmutableId = 'E1002'; onPremisesSyncEnabled = $true; mobilePhone = '+1 555 0102' }
        )
        Set-Content -LiteralPath $entra -Value (@{ value = $users } | ConvertTo-Json -Depth 5)

        $connection = Connect-Drift -AdPath $ad -EntraPath $entra -WarningVariable warned -WarningAction SilentlyContinue
        $connection.SourceAnchor | Should -BeNullOrEmpty
        ($warned -join "`n") | Should -BeLike '*2 of 2 cloud users*custom source anchor*'
        ($warned -join "`n") | Should -BeLike '*Connect-Drift -SourceAnchor ATTRIBUTE*'
        @(Compare-DriftDirSyncOverrides -NoCsv -WarningAction SilentlyContinue).Count | Should -Be 0

        $connection = Connect-Drift -AdPath $ad -EntraPath $entra -SourceAnchor employeeID -WarningVariable warned -WarningAction SilentlyContinue
        $connection.SourceAnchor | Should -Be 'employeeID'
        ($warned -join "`n") | Should -Not -BeLike '*custom source anchor*'
        # The session sends the anchor with every request: Ana's drifting mobile is found.
        $rows = @(Compare-DriftDirSyncOverrides -NoCsv)
        $rows.Count | Should -Be 1
        $rows[0].UserPrincipalName | Should -Be 'ana@contoso.com'
        $rows[0].OnPremisesImmutableId | Should -Be 'E1001'

        $null = Connect-Drift -AdPath $ad -EntraPath $entra -SourceAnchor 'employee ID' -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].Exception.Message | Should -BeLike '*not an attribute name*'
    }
}
