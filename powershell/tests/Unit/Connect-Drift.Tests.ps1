# Unit tests of the connection profile: Connect-Drift, Get-DriftConnection, Disconnect-Drift (native call mocked).

BeforeAll {
    . (Join-Path -Path (Split-Path -Path $PSScriptRoot -Parent) -ChildPath 'TestHelpers.ps1')
    Import-Module -Name (Get-DriftTestManifestPath) -Force
    $checkOk = '{"Kind": "Snapshot", "OnPremUsers": 13, "CloudUsers": 12, "HasTenantSync": true, "ExoRecipients": null, "ExoUsers": null}'
}

AfterAll {
    Remove-Module -Name IdentityDrift -Force -ErrorAction SilentlyContinue
}

Describe 'Connect-Drift' {
    BeforeEach {
        InModuleScope IdentityDrift { $script:DriftSession = $null }
        Mock -CommandName Invoke-DriftNative -ModuleName IdentityDrift -MockWith {
            New-DriftTestResponse -Json $checkOk -Op 'Source.Check'
        }
    }

    It 'checks the snapshot once and keeps the profile for the session' {
        $connection = Connect-Drift -SnapshotPath (Join-Path -Path $TestDrive -ChildPath 'snap')

        Should -Invoke -CommandName Invoke-DriftNative -ModuleName IdentityDrift -Times 1 -Exactly -ParameterFilter {
            $Op -eq 'Source.Check' -and $Arguments.Source.Kind -eq 'Snapshot' -and $Arguments.Source.Path -eq (Join-Path -Path $TestDrive -ChildPath 'snap')
        }
        $connection.PSObject.TypeNames[0] | Should -Be 'IdentityDrift.Connection'
        $connection.Kind | Should -Be 'Snapshot'
        $connection.OnPremUsers | Should -Be 13
        $connection.CloudUsers | Should -Be 12
        (Get-DriftConnection).Path | Should -Be (Join-Path -Path $TestDrive -ChildPath 'snap')
    }

    It 'resolves relative export paths' {
        Push-Location -LiteralPath $TestDrive
        try {
            $null = Connect-Drift -AdPath 'ad.ldif' -EntraPath 'entra.json'
        }
        finally {
            Pop-Location
        }
        Should -Invoke -CommandName Invoke-DriftNative -ModuleName IdentityDrift -Times 1 -Exactly -ParameterFilter {
            $Arguments.Source.Kind -eq 'Files' -and
            $Arguments.Source.Ad -eq (Join-Path -Path $TestDrive -ChildPath 'ad.ldif') -and
            $Arguments.Source.Entra -eq (Join-Path -Path $TestDrive -ChildPath 'entra.json')
        }
    }

    It 'keeps the previous profile when the new source cannot be read' {
        $null = Connect-Drift -Demo
        Mock -CommandName Invoke-DriftNative -ModuleName IdentityDrift -MockWith {
            New-DriftTestResponse -Status 1 -Json '{"Kind": "Read", "Message": "/nope: cannot read: not a snapshot directory"}'
        }
        $result = Connect-Drift -SnapshotPath '/nope' -ErrorVariable errs -ErrorAction SilentlyContinue
        $result | Should -BeNullOrEmpty
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'IdentityDrift.Read*'
        (Get-DriftConnection).Kind | Should -Be 'Demo'
    }

    It 'changes nothing with -WhatIf' {
        $null = Connect-Drift -Demo -WhatIf
        Should -Invoke -CommandName Invoke-DriftNative -ModuleName IdentityDrift -Times 0 -Exactly
        Get-DriftConnection | Should -BeNullOrEmpty
    }
}

Describe 'Disconnect-Drift' {
    BeforeEach {
        InModuleScope IdentityDrift { $script:DriftSession = $null }
        Mock -CommandName Invoke-DriftNative -ModuleName IdentityDrift -MockWith {
            New-DriftTestResponse -Json $checkOk -Op 'Source.Check'
        }
    }

    It 'forgets the profile and returns it with -PassThru' {
        $null = Connect-Drift -Demo
        $forgotten = Disconnect-Drift -PassThru -Confirm:$false
        $forgotten.Kind | Should -Be 'Demo'
        Get-DriftConnection | Should -BeNullOrEmpty
    }

    It 'keeps the profile with -WhatIf' {
        $null = Connect-Drift -Demo
        Disconnect-Drift -WhatIf
        (Get-DriftConnection).Kind | Should -Be 'Demo'
    }

    It 'does nothing when there is no profile' {
        { Disconnect-Drift -Confirm:$false } | Should -Not -Throw
        Get-DriftConnection | Should -BeNullOrEmpty
    }
}
