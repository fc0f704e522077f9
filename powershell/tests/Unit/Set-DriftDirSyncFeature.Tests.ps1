# Unit tests of Get-DriftDirSyncFeature and Set-DriftDirSyncFeature (native call mocked).

BeforeAll {
    . (Join-Path -Path (Split-Path -Path $PSScriptRoot -Parent) -ChildPath 'TestHelpers.ps1')
    Import-Module -Name (Get-DriftTestManifestPath) -Force
}

AfterAll {
    Remove-Module -Name IdentityDrift -Force -ErrorAction SilentlyContinue
}

Describe 'Get-DriftDirSyncFeature' {
    It 'reports the switch' {
        Mock -CommandName Invoke-DriftNative -ModuleName IdentityDrift -MockWith {
            ConvertTo-DriftTestResponse -Json '{"Id": "12cce4b4", "BypassDirSyncOverridesEnabled": false}'
        }
        $feature = Get-DriftDirSyncFeature -Feature BypassDirSyncOverrides -Demo
        $feature.PSObject.TypeNames[0] | Should -Be 'IdentityDrift.DirSyncFeature'
        $feature.Enabled | Should -BeFalse
        $feature.Id | Should -Be '12cce4b4'
        Should -Invoke -CommandName Invoke-DriftNative -ModuleName IdentityDrift -Times 1 -Exactly -ParameterFilter { $Op -eq 'DirSync.Bypass.Status' }
    }

    It 'lists the users at risk with -Preview' {
        Mock -CommandName Invoke-DriftNative -ModuleName IdentityDrift -MockWith {
            ConvertTo-DriftTestResponse -Json '{"Users": [{"UserPrincipalName": "a@contoso.com", "MobileInAD": "1", "MobileInEntra": "2", "OtherMobileInAD": [], "AlternateMobilePhonesInEntra": null}]}'
        }
        $users = @(Get-DriftDirSyncFeature -Preview -Demo -DefaultRegion us)
        $users.Count | Should -Be 1
        $users[0].PSObject.TypeNames[0] | Should -Be 'IdentityDrift.BypassPreviewUser'
        Should -Invoke -CommandName Invoke-DriftNative -ModuleName IdentityDrift -Times 1 -Exactly -ParameterFilter { $Op -eq 'DirSync.Bypass.Preview' -and $Arguments.DefaultRegion -ceq 'US' }
    }
}

Describe 'Set-DriftDirSyncFeature' {
    BeforeEach {
        Mock -CommandName Invoke-DriftNative -ModuleName IdentityDrift -MockWith {
            ConvertTo-DriftTestResponse -Json '{"Command": "dirsync bypass enable", "WritesTo": "x", "Applied": false, "JournalPath": null, "Planned": [{"Seq": 1, "Op": "tenant.bypassDirSyncOverrides", "Target": "tenant", "Locator": {"Id": "12cce4b4"}, "Before": {"BypassDirSyncOverridesEnabled": false}, "After": {"BypassDirSyncOverridesEnabled": true}}], "Preview": {"Users": [{"UserPrincipalName": "a@contoso.com"}]}}'
        }
    }

    It 'previews, warns about the users it overwrites, and writes nothing with -WhatIf' {
        $null = Set-DriftDirSyncFeature -Feature BypassDirSyncOverrides -Enable -AcceptOverwrite -Demo -WhatIf -WarningVariable warnings -WarningAction SilentlyContinue
        Should -Invoke -CommandName Invoke-DriftNative -ModuleName IdentityDrift -Times 1 -Exactly -ParameterFilter {
            $Op -eq 'DirSync.Bypass.Set' -and $Arguments.Enable -eq $true -and $Arguments.AcceptOverwrite -eq $true -and $Arguments.Apply -eq $false
        }
        Should -Invoke -CommandName Invoke-DriftNative -ModuleName IdentityDrift -Times 0 -Exactly -ParameterFilter { $Arguments.Apply -eq $true }
        "$warnings" | Should -BeLike '*a@contoso.com*'
    }

    It 'needs exactly one of -Enable and -Disable' {
        { Set-DriftDirSyncFeature -Demo -WhatIf } | Should -Throw '*-Enable or -Disable*'
        { Set-DriftDirSyncFeature -Enable -Disable -Demo -WhatIf } | Should -Throw '*-Enable or -Disable*'
    }

    It 'passes the refusal of the library on as an error' {
        Mock -CommandName Invoke-DriftNative -ModuleName IdentityDrift -MockWith {
            ConvertTo-DriftTestResponse -Status 1 -Json '{"Kind": "Invalid", "Message": "refusing to enable BypassDirSyncOverrides: ... or pass AcceptOverwrite to lose them."}'
        }
        $null = Set-DriftDirSyncFeature -Enable -Demo -Confirm:$false -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'IdentityDrift.Invalid*'
        Should -Invoke -CommandName Invoke-DriftNative -ModuleName IdentityDrift -Times 1 -Exactly
    }
}
