# Unit tests of the connection profile: Connect-Drift, Get-DriftConnection, Disconnect-Drift (native call mocked).
[Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSAvoidUsingConvertToSecureStringWithPlainText', '', Justification = 'Made-up test secrets, to prove they are not kept in clear text.')]
param()

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
            ConvertTo-DriftTestResponse -Json $checkOk -Op 'Source.Check'
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
            ConvertTo-DriftTestResponse -Status 1 -Json '{"Kind": "Read", "Message": "/nope: cannot read: not a snapshot directory"}'
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

Describe 'Connect-Drift to live directories' {
    BeforeEach {
        InModuleScope IdentityDrift { $script:DriftSession = $null }
        Mock -CommandName Invoke-DriftNative -ModuleName IdentityDrift -MockWith {
            ConvertTo-DriftTestResponse -Json '{"Kind": "Live", "OnPremUsers": 5, "CloudUsers": 6, "HasTenantSync": true, "ExoRecipients": null, "ExoUsers": null}'
        }
        $password = ConvertTo-SecureString -String 'Pa55-word-not-to-keep' -AsPlainText -Force
        $credential = New-Object -TypeName 'System.Management.Automation.PSCredential' -ArgumentList @('CORP\svc-idrift', $password)
        $clientSecret = ConvertTo-SecureString -String 'client-secret-not-to-keep' -AsPlainText -Force
    }

    It 'sends the secrets with the request but keeps only SecureStrings in the profile' {
        $connection = Connect-Drift -Server 'dc1.corp.contoso.com' -Credential $credential -TenantId 'contoso.onmicrosoft.com' -ClientId 'app' -ClientSecret $clientSecret -SearchBase 'OU=Sync,DC=corp,DC=contoso,DC=com'

        Should -Invoke -CommandName Invoke-DriftNative -ModuleName IdentityDrift -Times 1 -Exactly -ParameterFilter {
            $s = $Arguments.Source
            $Op -eq 'Source.Check' -and $s.Kind -eq 'Live' -and $s.Ad.Url -eq 'ldaps://dc1.corp.contoso.com' -and
            $s.Ad.Bind -eq 'CORP\svc-idrift' -and $s.Ad.Password -eq 'Pa55-word-not-to-keep' -and
            (@($s.Ad.BaseDn) -join '|') -eq 'OU=Sync,DC=corp,DC=contoso,DC=com' -and $s.Graph -eq $true -and $s.Exo -eq $false -and
            $s.Cloud.Tenant -eq 'contoso.onmicrosoft.com' -and $s.Cloud.ClientId -eq 'app' -and $s.Cloud.ClientSecret -eq 'client-secret-not-to-keep'
        }
        $connection.Kind | Should -Be 'Live'
        $connection.Server | Should -Be 'ldaps://dc1.corp.contoso.com'
        ($connection | Out-String) | Should -Not -BeLike '*not-to-keep*'
        $stored = InModuleScope IdentityDrift { $script:DriftSession.Source | ConvertTo-Json -Depth 5 }
        $stored | Should -Not -BeLike '*not-to-keep*'
        InModuleScope IdentityDrift { $script:DriftSession.Secrets.AdPassword } | Should -BeOfType ([System.Security.SecureString])
    }

    It 'names environment variables instead of secrets' {
        $null = Connect-Drift -Server 'ldap://dc1' -BindAccount 'svc@corp' -PasswordEnvironmentVariable 'IDRIFT_AD_PASSWORD' -AllowPlaintext -ClientSecretEnvironmentVariable 'IDRIFT_CLIENT_SECRET' -ExchangeOnline
        Should -Invoke -CommandName Invoke-DriftNative -ModuleName IdentityDrift -Times 1 -Exactly -ParameterFilter {
            $s = $Arguments.Source
            $s.Ad.Url -eq 'ldap://dc1' -and $s.Ad.PasswordEnv -eq 'IDRIFT_AD_PASSWORD' -and -not $s.Ad.ContainsKey('Password') -and
            $s.Ad.AllowPlaintext -eq $true -and $s.Cloud.ClientSecretEnv -eq 'IDRIFT_CLIENT_SECRET' -and $s.Exo -eq $true
        }
    }

    It 'gives later commands the profile with the secret, and Test-DriftMigration its app registration' {
        $null = Connect-Drift -Server 'dc1' -Credential $credential -TenantId 't' -ClientId 'c' -ClientSecret $clientSecret
        Mock -CommandName Invoke-DriftNative -ModuleName IdentityDrift -MockWith {
            ConvertTo-DriftTestResponse -Json '{"Users": [], "Summary": {"Users": 0}, "Errors": []}'
        }
        $null = Test-DriftMigration -Identity 'alice@contoso.com'
        Should -Invoke -CommandName Invoke-DriftNative -ModuleName IdentityDrift -Times 1 -Exactly -ParameterFilter {
            $Op -eq 'Migration.Verify' -and (@($Arguments.Identities) -join '|') -eq 'alice@contoso.com' -and
            $Arguments.Cloud.Tenant -eq 't' -and $Arguments.Cloud.ClientSecret -eq 'client-secret-not-to-keep'
        }
    }
}

Describe 'Disconnect-Drift' {
    BeforeEach {
        InModuleScope IdentityDrift { $script:DriftSession = $null }
        Mock -CommandName Invoke-DriftNative -ModuleName IdentityDrift -MockWith {
            ConvertTo-DriftTestResponse -Json $checkOk -Op 'Source.Check'
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
