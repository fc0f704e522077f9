# Unit tests of Get-DriftDirSyncOverridesUser and Clear-DriftDirSyncOverridesUser (native call mocked).

BeforeAll {
    . (Join-Path -Path (Split-Path -Path $PSScriptRoot -Parent) -ChildPath 'TestHelpers.ps1')
    Import-Module -Name (Get-DriftTestManifestPath) -Force
}

AfterAll {
    Remove-Module -Name IdentityDrift -Force -ErrorAction SilentlyContinue
}

Describe 'Get-DriftDirSyncOverridesUser' {
    BeforeEach {
        InModuleScope IdentityDrift { $script:DriftSession = $null }
        Mock -CommandName Invoke-DriftNative -ModuleName IdentityDrift -MockWith {
            if ($Arguments.From -eq 'AD') {
                ConvertTo-DriftTestResponse -Json '{"UserPrincipalName": "tim@contoso.com", "DistinguishedName": "CN=Tim,DC=contoso,DC=com", "Mobile": "0987654321", "OtherMobile": []}'
            }
            else {
                ConvertTo-DriftTestResponse -Json '{"UserPrincipalName": "tim@contoso.com", "ObjectId": "o1", "Synced": true, "MobilePhone": "1234567890", "AlternateMobilePhones": null}'
            }
        }
    }

    It 'reads AD by identity' {
        $user = Get-DriftDirSyncOverridesUser 'tim@contoso.com' -FromAD -Demo
        $user.PSObject.TypeNames[0] | Should -Be 'IdentityDrift.DirSyncOverridesUser.AD'
        $user.Mobile | Should -Be '0987654321'
        Should -Invoke -CommandName Invoke-DriftNative -ModuleName IdentityDrift -Times 1 -Exactly -ParameterFilter {
            $Op -eq 'DirSync.Get' -and $Arguments.From -eq 'AD' -and $Arguments.Identity -eq 'tim@contoso.com'
        }
    }

    It 'binds Get-ADUser objects by distinguished name for -FromAD' {
        $users = @(
            [pscustomobject]@{ DistinguishedName = 'CN=Tim,DC=contoso,DC=com'; ObjectGUID = [guid]::NewGuid(); UserPrincipalName = 'tim@contoso.com' }
            [pscustomobject]@{ DistinguishedName = 'CN=Ada,DC=contoso,DC=com'; ObjectGUID = [guid]::NewGuid(); UserPrincipalName = $null }
        )
        $null = $users | Get-DriftDirSyncOverridesUser -FromAD -Demo
        Should -Invoke -CommandName Invoke-DriftNative -ModuleName IdentityDrift -Times 1 -Exactly -ParameterFilter { $Arguments.Identity -eq 'CN=Tim,DC=contoso,DC=com' }
        Should -Invoke -CommandName Invoke-DriftNative -ModuleName IdentityDrift -Times 1 -Exactly -ParameterFilter { $Arguments.Identity -eq 'CN=Ada,DC=contoso,DC=com' }
    }

    It 'binds compare rows by Entra object id for -FromEntraID' {
        $view = [pscustomobject]@{ UserPrincipalName = 'tim@contoso.com'; ObjectId = 'o1'; DistinguishedName = 'CN=Tim,DC=contoso,DC=com' } |
            Get-DriftDirSyncOverridesUser -FromEntraID -Demo
        $view.PSObject.TypeNames[0] | Should -Be 'IdentityDrift.DirSyncOverridesUser.EntraID'
        $view.Synced | Should -BeTrue
        Should -Invoke -CommandName Invoke-DriftNative -ModuleName IdentityDrift -Times 1 -Exactly -ParameterFilter {
            $Arguments.From -eq 'Entra' -and $Arguments.Identity -eq 'o1'
        }
    }

    It 'reads AD without a switch, without prompting for -FromAD' {
        $view = Get-DriftDirSyncOverridesUser 'tim@contoso.com' -Demo
        $view.PSObject.TypeNames[0] | Should -Be 'IdentityDrift.DirSyncOverridesUser.AD'
        Should -Invoke -CommandName Invoke-DriftNative -ModuleName IdentityDrift -Times 1 -Exactly -ParameterFilter { $Arguments.From -eq 'AD' }
    }

    It 'takes the ADSyncTools switch -FromAzureAD for Entra ID' {
        $null = Get-DriftDirSyncOverridesUser 'tim@contoso.com' -FromAzureAD -Demo
        Should -Invoke -CommandName Invoke-DriftNative -ModuleName IdentityDrift -Times 1 -Exactly -ParameterFilter { $Arguments.From -eq 'Entra' }
    }

    It 'takes plain strings from the pipeline as -Identity' {
        $null = 'a@contoso.com', 'b@contoso.com' | Get-DriftDirSyncOverridesUser -FromAD -Demo
        Should -Invoke -CommandName Invoke-DriftNative -ModuleName IdentityDrift -Times 1 -Exactly -ParameterFilter { $Arguments.Identity -eq 'a@contoso.com' }
        Should -Invoke -CommandName Invoke-DriftNative -ModuleName IdentityDrift -Times 1 -Exactly -ParameterFilter { $Arguments.Identity -eq 'b@contoso.com' }
    }

    It 'writes an error for an object that names no user' {
        $null = [pscustomobject]@{ Name = 'x' } | Get-DriftDirSyncOverridesUser -FromAD -Demo -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'IdentityDrift.MissingIdentity*'
        Should -Invoke -CommandName Invoke-DriftNative -ModuleName IdentityDrift -Times 0 -Exactly
    }

    It 'refuses two sources at once' {
        $caught = $null
        try {
            Get-DriftDirSyncOverridesUser 'tim@contoso.com' -FromAD -Demo -SnapshotPath $TestDrive
        }
        catch {
            $caught = $_
        }
        $caught.FullyQualifiedErrorId | Should -BeLike 'IdentityDrift.SourceConflict*'
    }
}

Describe 'Clear-DriftDirSyncOverridesUser' {
    BeforeEach {
        Mock -CommandName Invoke-DriftNative -ModuleName IdentityDrift -MockWith {
            ConvertTo-DriftTestResponse -Json '{"Command": "dirsync clear", "WritesTo": "x", "Applied": false, "JournalPath": null, "Planned": [{"Seq": 1, "Op": "ad.phones", "Target": "tim@contoso.com", "Locator": {}, "Before": {"Mobile": "1", "OtherMobile": []}, "After": {"Mobile": null, "OtherMobile": []}}]}'
        }
    }

    It 'asks the library to clear exactly what was named' {
        $null = Clear-DriftDirSyncOverridesUser -Identity 'tim@contoso.com' -MobileInAD -Demo -WhatIf
        Should -Invoke -CommandName Invoke-DriftNative -ModuleName IdentityDrift -Times 1 -Exactly -ParameterFilter {
            $Op -eq 'DirSync.Clear' -and $Arguments.MobileInAD -eq $true -and $Arguments.OtherMobileInAD -eq $false -and $Arguments.MobileInEntra -eq $false -and $Arguments.Apply -eq $false -and
            (@($Arguments.Identities) -join '|') -eq 'tim@contoso.com'
        }
    }

    It 'clears AD mobile only when no switch is given, as Clear-ADSyncToolsDirSyncOverridesUser <UPN> does' {
        $null = Clear-DriftDirSyncOverridesUser 'tim@contoso.com' -Demo -WhatIf
        Should -Invoke -CommandName Invoke-DriftNative -ModuleName IdentityDrift -Times 1 -Exactly -ParameterFilter {
            $Op -eq 'DirSync.Clear' -and $Arguments.MobileInAD -eq $true -and $Arguments.OtherMobileInAD -eq $false -and $Arguments.MobileInEntra -eq $false
        }
    }

    It 'plans a pipeline of users as one request' {
        $null = 'a@contoso.com', 'b@contoso.com', 'c@contoso.com' | Clear-DriftDirSyncOverridesUser -MobileInAD -Demo -WhatIf
        Should -Invoke -CommandName Invoke-DriftNative -ModuleName IdentityDrift -Times 1 -Exactly
        Should -Invoke -CommandName Invoke-DriftNative -ModuleName IdentityDrift -Times 1 -Exactly -ParameterFilter {
            (@($Arguments.Identities) -join '|') -eq 'a@contoso.com|b@contoso.com|c@contoso.com'
        }
    }

    It 'refuses -AlternateMobilePhonesInAAD with a terminating ErrorRecord' {
        $caught = $null
        try { Clear-DriftDirSyncOverridesUser 'tim@contoso.com' -MobilePhoneInAAD -AlternateMobilePhonesInAAD -Demo -WhatIf } catch { $caught = $_ }
        $caught.FullyQualifiedErrorId | Should -BeLike 'IdentityDrift.NotSupported*'
        $caught.CategoryInfo.Category | Should -Be 'NotImplemented'
        $caught.Exception.Message | Should -BeLike '*Microsoft Graph has no AlternateMobilePhones*'
        Should -Invoke -CommandName Invoke-DriftNative -ModuleName IdentityDrift -Times 0 -Exactly
    }
}
