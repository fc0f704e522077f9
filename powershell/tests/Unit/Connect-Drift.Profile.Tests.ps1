# Unit tests of Connect-Drift -Profile (native call mocked): the profile the library reads becomes the live
# source of the session, and -Credential supplies the bind password.
[Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSAvoidUsingConvertToSecureStringWithPlainText', '', Justification = 'Made-up test secrets.')]
param()

BeforeAll {
    . (Join-Path -Path (Split-Path -Path $PSScriptRoot -Parent) -ChildPath 'TestHelpers.ps1')
    Import-Module -Name (Get-DriftTestManifestPath) -Force
    $profileOk = '{"Name": "contoso", "ConfigPath": "/etc/idrift/config.toml", "Ad": {"Url": "ldaps://dc1.contoso.com", "BaseDn": ["OU=Sync,DC=contoso,DC=com"], "Bind": "CONTOSO\\svc", "PasswordEnv": "IDRIFT_AD_PASSWORD", "AllowPlaintext": false}, "AdFile": null, "Cloud": {"Tenant": "contoso.onmicrosoft.com", "ClientId": "abc", "CertificatePath": "/etc/idrift/app.pem"}}'
    $checkOk = '{"Kind": "Live", "OnPremUsers": 3, "CloudUsers": 4, "HasTenantSync": true, "ExoRecipients": 2, "ExoUsers": 2}'
}

AfterAll {
    Remove-Module -Name IdentityDrift -Force -ErrorAction SilentlyContinue
}

Describe 'Connect-Drift -Profile' {
    BeforeEach {
        InModuleScope IdentityDrift { $script:DriftSession = $null }
        Mock -CommandName Invoke-DriftNative -ModuleName IdentityDrift -MockWith {
            if ($Op -eq 'Profile.Get') {
                ConvertTo-DriftTestResponse -Json $profileOk -Op $Op
            }
            else {
                ConvertTo-DriftTestResponse -Json $checkOk -Op $Op
            }
        }
    }

    It 'reads the profile through the library and checks the live source it names' {
        $connection = Connect-Drift -Profile contoso -ConfigPath (Join-Path -Path $TestDrive -ChildPath 'config.toml') -ExchangeOnline
        Should -Invoke -CommandName Invoke-DriftNative -ModuleName IdentityDrift -Times 1 -Exactly -ParameterFilter {
            $Op -eq 'Profile.Get' -and $Arguments.Name -eq 'contoso' -and $Arguments.ConfigPath -eq (Join-Path -Path $TestDrive -ChildPath 'config.toml')
        }
        Should -Invoke -CommandName Invoke-DriftNative -ModuleName IdentityDrift -Times 1 -Exactly -ParameterFilter {
            $Op -eq 'Source.Check' -and $Arguments.Source.Kind -eq 'Live' -and $Arguments.Source.Ad.Url -eq 'ldaps://dc1.contoso.com' -and
            $Arguments.Source.Ad.PasswordEnv -eq 'IDRIFT_AD_PASSWORD' -and @($Arguments.Source.Ad.BaseDn).Count -eq 1 -and
            $Arguments.Source.Graph -eq $true -and $Arguments.Source.Exo -eq $true -and $Arguments.Source.Cloud.Tenant -eq 'contoso.onmicrosoft.com'
        }
        $connection.Profile | Should -Be 'contoso'
        $connection.Server | Should -Be 'ldaps://dc1.contoso.com'
        $connection.TenantId | Should -Be 'contoso.onmicrosoft.com'
    }

    It 'binds with -Credential and keeps its password out of module state' {
        $password = ConvertTo-SecureString -String 'n0t-real' -AsPlainText -Force
        $credential = New-Object -TypeName 'System.Management.Automation.PSCredential' -ArgumentList 'CONTOSO\admin', $password
        $null = Connect-Drift -Profile contoso -Credential $credential
        Should -Invoke -CommandName Invoke-DriftNative -ModuleName IdentityDrift -Times 1 -Exactly -ParameterFilter {
            $Op -eq 'Source.Check' -and $Arguments.Source.Ad.Bind -eq 'CONTOSO\admin' -and $Arguments.Source.Ad.Password -eq 'n0t-real'
        }
        InModuleScope IdentityDrift { $script:DriftSession.Source.Ad.ContainsKey('Password') } | Should -BeFalse
    }

    It 'passes the error of an unknown profile on and keeps no session' {
        Mock -CommandName Invoke-DriftNative -ModuleName IdentityDrift -MockWith {
            ConvertTo-DriftTestResponse -Status 1 -Json '{"Kind": "Invalid", "Message": "/etc/idrift/config.toml: no profile \"fabrikam\" (profiles: contoso)"}'
        }
        $null = Connect-Drift -Profile fabrikam -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'IdentityDrift.Invalid*'
        Get-DriftConnection -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Should -Invoke -CommandName Invoke-DriftNative -ModuleName IdentityDrift -Times 0 -Exactly -ParameterFilter { $Op -eq 'Source.Check' }
    }
}
