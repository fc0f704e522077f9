# Unit tests of Set-DriftDirSyncOverridesUser (native call mocked): the three forms, ShouldProcess before any
# write, and pipeline binding of comparison rows by property name.

BeforeAll {
    . (Join-Path -Path (Split-Path -Path $PSScriptRoot -Parent) -ChildPath 'TestHelpers.ps1')
    Import-Module -Name (Get-DriftTestManifestPath) -Force

    $planJson = @'
{"Command": "dirsync set", "WritesTo": "the snapshot /snap", "Applied": false, "JournalPath": null,
 "Planned": [{"Seq": 1, "Op": "ad.phones", "Target": "tim@contoso.com", "Locator": {},
              "Before": {"Mobile": "0987654321", "OtherMobile": []},
              "After": {"Mobile": "1234567890", "OtherMobile": []}}]}
'@
    $appliedJson = @'
{"Command": "dirsync set", "WritesTo": "the snapshot /snap", "Applied": true, "JournalPath": "/j/idrift-dirsync-set.journal.jsonl",
 "Planned": [],
 "Report": {"Journal": "/j/idrift-dirsync-set.journal.jsonl", "Writes": 1, "StoppedAtLimit": false,
            "Ops": [{"Seq": 1, "Op": "ad.phones", "Target": "tim@contoso.com", "Status": "Applied", "ThisRun": true,
                     "Before": {"Mobile": "0987654321", "OtherMobile": []},
                     "After": {"Mobile": "1234567890", "OtherMobile": []}}]}}
'@
}

AfterAll {
    Remove-Module -Name IdentityDrift -Force -ErrorAction SilentlyContinue
}

Describe 'Set-DriftDirSyncOverridesUser' {
    BeforeEach {
        InModuleScope IdentityDrift { $script:DriftSession = $null }
        Mock -CommandName Invoke-DriftNative -ModuleName IdentityDrift -MockWith {
            if ($Arguments.Apply) { ConvertTo-DriftTestResponse -Json $appliedJson } else { ConvertTo-DriftTestResponse -Json $planJson }
        }
    }

    It 'plans, asks, then applies an AD value with a journal' {
        $outcome = Set-DriftDirSyncOverridesUser -Identity 'tim@contoso.com' -MobileInAD '1234567890' -Demo -JournalPath $TestDrive -Confirm:$false

        Should -Invoke -CommandName Invoke-DriftNative -ModuleName IdentityDrift -Times 1 -Exactly -ParameterFilter {
            $items = @($Arguments.Items)
            $Op -eq 'DirSync.Set' -and $Arguments.Apply -eq $false -and $items.Count -eq 1 -and $items[0].Identity -eq 'tim@contoso.com' -and $items[0].MobileInAD -eq '1234567890'
        }
        Should -Invoke -CommandName Invoke-DriftNative -ModuleName IdentityDrift -Times 1 -Exactly -ParameterFilter {
            $Op -eq 'DirSync.Set' -and $Arguments.Apply -eq $true -and $Arguments.JournalPath -eq $TestDrive -and (@($Arguments.Only) -join '|') -eq 'tim@contoso.com'
        }
        $outcome.PSObject.TypeNames[0] | Should -Be 'IdentityDrift.WriteOutcome'
        $outcome.Status | Should -Be 'Applied'
        $outcome.Before | Should -Be "mobile '0987654321', otherMobile (empty)"
        $outcome.After | Should -Be "mobile '1234567890', otherMobile (empty)"
        $outcome.Journal | Should -Be '/j/idrift-dirsync-set.journal.jsonl'
    }

    It 'writes nothing with -WhatIf' {
        $outcome = Set-DriftDirSyncOverridesUser -Identity 'tim@contoso.com' -MobileInAD '1234567890' -Demo -WhatIf
        $outcome | Should -BeNullOrEmpty
        Should -Invoke -CommandName Invoke-DriftNative -ModuleName IdentityDrift -Times 0 -Exactly -ParameterFilter { $Arguments.Apply -eq $true }
        Should -Invoke -CommandName Invoke-DriftNative -ModuleName IdentityDrift -Times 1 -Exactly -ParameterFilter { $Arguments.Apply -eq $false }
    }

    It 'binds compare CSV rows by property name and persists them in one journaled plan' {
        $csv = Join-Path -Path $TestDrive -ChildPath 'compare.csv'
        @(
            [pscustomobject]@{ UserPrincipalName = 'tim@contoso.com'; MobileInAD = '0987654321'; MobileInEntra = '1234567890'; OtherMobileInAD = 'a;b'; AlternateMobilePhonesInEntra = ''; OnPremisesImmutableId = 'x'; ObjectId = 'o1'; DistinguishedName = 'CN=Tim,DC=contoso,DC=com'; FormatOnly = 'False' }
            [pscustomobject]@{ UserPrincipalName = 'alan@contoso.com'; MobileInAD = '+44 20 7946 0104'; MobileInEntra = ''; OtherMobileInAD = ''; AlternateMobilePhonesInEntra = 'c'; OnPremisesImmutableId = 'y'; ObjectId = 'o2'; DistinguishedName = 'CN=Alan,DC=contoso,DC=com'; FormatOnly = 'False' }
        ) | Export-Csv -LiteralPath $csv -NoTypeInformation

        $null = Import-Csv -LiteralPath $csv | Set-DriftDirSyncOverridesUser -Demo -WhatIf

        Should -Invoke -CommandName Invoke-DriftNative -ModuleName IdentityDrift -Times 1 -Exactly -ParameterFilter {
            $rows = @($Arguments.Rows)
            $Op -eq 'DirSync.Persist' -and $Arguments.Apply -eq $false -and $rows.Count -eq 2 -and
            $rows[0].UserPrincipalName -eq 'tim@contoso.com' -and $rows[0].MobileInEntra -eq '1234567890' -and
            (@($rows[0].OtherMobileInAD) -join '|') -eq 'a|b' -and $null -eq $rows[0].AlternateMobilePhonesInEntra -and
            $rows[0].DistinguishedName -eq 'CN=Tim,DC=contoso,DC=com' -and
            $null -eq $rows[1].MobileInEntra -and (@($rows[1].AlternateMobilePhonesInEntra) -join '|') -eq 'c'
        }
        Should -Invoke -CommandName Invoke-DriftNative -ModuleName IdentityDrift -Times 0 -Exactly -ParameterFilter { $Arguments.Apply -eq $true }
    }

    It 'applies only the rows ShouldProcess approved' {
        Mock -CommandName Invoke-DriftNative -ModuleName IdentityDrift -MockWith {
            if ($Arguments.Apply) { ConvertTo-DriftTestResponse -Json $appliedJson } else { ConvertTo-DriftTestResponse -Json ($planJson -replace '"dirsync set"', '"dirsync persist"') }
        }
        [pscustomobject]@{ UserPrincipalName = 'tim@contoso.com'; MobileInAD = '0987654321'; MobileInEntra = '1234567890'; OtherMobileInAD = @(); AlternateMobilePhonesInEntra = $null; DistinguishedName = '' } |
            Set-DriftDirSyncOverridesUser -Demo -JournalPath $TestDrive -Confirm:$false | Out-Null
        Should -Invoke -CommandName Invoke-DriftNative -ModuleName IdentityDrift -Times 1 -Exactly -ParameterFilter {
            $Op -eq 'DirSync.Persist' -and $Arguments.Apply -eq $true -and (@($Arguments.Only) -join '|') -eq 'tim@contoso.com'
        }
    }

    It 'sets a cloud-only user''s Entra mobilePhone with -MobilePhoneInEntraID' {
        $null = Set-DriftDirSyncOverridesUser -Identity 'guest@contoso.com' -MobilePhoneInEntraID '+1 555' -Demo -WhatIf
        Should -Invoke -CommandName Invoke-DriftNative -ModuleName IdentityDrift -Times 1 -Exactly -ParameterFilter {
            $item = @($Arguments.Items)[0]
            $Op -eq 'DirSync.Set' -and $item.MobileInEntra -eq '+1 555' -and -not $item.ContainsKey('MobileInAD')
        }
    }

    It 'uses Get-ADUser''s distinguished name for AD' {
        [pscustomobject]@{ DistinguishedName = 'CN=Tim,DC=contoso,DC=com'; ObjectGUID = [guid]'5d1f0000-0000-4000-8000-000000000002'; UserPrincipalName = 'tim@contoso.com' } |
            Set-DriftDirSyncOverridesUser -MobileInAD '1' -Demo -WhatIf | Out-Null
        Should -Invoke -CommandName Invoke-DriftNative -ModuleName IdentityDrift -Times 1 -Exactly -ParameterFilter {
            @($Arguments.Items)[0].Identity -eq 'CN=Tim,DC=contoso,DC=com'
        }
    }

    It 'refuses to guess a value, with a non-terminating ErrorRecord per item' {
        $null = Set-DriftDirSyncOverridesUser -Identity 'tim@contoso.com' -Demo -WhatIf -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].Exception.Message | Should -BeLike '*Name the new value*'
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'IdentityDrift.MissingValue*'
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $errs[0].TargetObject | Should -Be 'tim@contoso.com'
        $null = Set-DriftDirSyncOverridesUser -Identity 'tim@contoso.com' -MobileInAD '' -Demo -WhatIf -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].Exception.Message | Should -BeLike '*Clear-DriftDirSyncOverridesUser*'
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'IdentityDrift.EmptyValue*'
        Should -Invoke -CommandName Invoke-DriftNative -ModuleName IdentityDrift -Times 0 -Exactly
    }

    It 'goes on with the other items after a bad one, and plans them as one request' {
        $rows = @(
            [pscustomobject]@{ UserPrincipalName = 'a@contoso.com'; Mobile = '1' }
            [pscustomobject]@{ UserPrincipalName = 'b@contoso.com'; Mobile = '' }
            [pscustomobject]@{ UserPrincipalName = 'c@contoso.com'; Mobile = '3' }
        )
        $null = $rows | ForEach-Object { [pscustomobject]@{ UserPrincipalName = $_.UserPrincipalName; MobileInAD = $_.Mobile } } |
            Set-DriftDirSyncOverridesUser -Demo -WhatIf -ErrorVariable errs -ErrorAction SilentlyContinue
        @($errs).Count | Should -Be 1
        $errs[0].TargetObject | Should -Be 'b@contoso.com'
        Should -Invoke -CommandName Invoke-DriftNative -ModuleName IdentityDrift -Times 1 -Exactly -ParameterFilter {
            (@($Arguments.Items) | ForEach-Object { $_.Identity }) -join '|' -eq 'a@contoso.com|c@contoso.com'
        }
    }

    It 'turns the library''s per-user errors into non-terminating ErrorRecords naming the user' {
        Mock -CommandName Invoke-DriftNative -ModuleName IdentityDrift -MockWith {
            ConvertTo-DriftTestResponse -Json ($planJson -replace '"Planned"', '"ItemErrors": [{"Identity": "nobody@contoso.com", "Kind": "Invalid", "Message": "no AD user matches nobody@contoso.com"}], "Planned"')
        }
        $null = 'nobody@contoso.com', 'tim@contoso.com' | Set-DriftDirSyncOverridesUser -MobileInAD '1' -Demo -WhatIf -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'IdentityDrift.Invalid*'
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $errs[0].TargetObject | Should -Be 'nobody@contoso.com'
    }

    It 'shows Write-Progress per planned user on long runs, with the cmdlet as the activity' {
        Mock -CommandName Write-Progress -ModuleName IdentityDrift
        $many = (1..12 | ForEach-Object { '{"Seq": ' + $_ + ', "Op": "ad.phones", "Target": "u' + $_ + '@contoso.com", "Locator": {}, "Before": {"Mobile": "0", "OtherMobile": []}, "After": {"Mobile": "1", "OtherMobile": []}}' }) -join ','
        Mock -CommandName Invoke-DriftNative -ModuleName IdentityDrift -MockWith {
            ConvertTo-DriftTestResponse -Json ('{"Command": "dirsync set", "WritesTo": "x", "Applied": false, "JournalPath": null, "Planned": [' + $many + ']}')
        }
        $null = 1..12 | ForEach-Object { "u$_@contoso.com" } | Set-DriftDirSyncOverridesUser -MobileInAD '1' -Demo -WhatIf
        Should -Invoke -CommandName Write-Progress -ModuleName IdentityDrift -Times 12 -Exactly -ParameterFilter { $Activity -eq 'Set-DriftDirSyncOverridesUser' -and -not $Completed }
        Should -Invoke -CommandName Write-Progress -ModuleName IdentityDrift -Times 1 -Exactly -ParameterFilter { $Completed }
    }

    It 'refuses -AlternateMobilePhonesInAAD for Entra ID with an ErrorRecord' {
        $null = Set-DriftDirSyncOverridesUser 'guest@contoso.com' -MobilePhoneInAAD '999888777' -AlternateMobilePhonesInAAD '0987654', '1234567' -Demo -WhatIf -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'IdentityDrift.NotSupported*'
        $errs[0].CategoryInfo.Category | Should -Be 'NotImplemented'
        Should -Invoke -CommandName Invoke-DriftNative -ModuleName IdentityDrift -Times 0 -Exactly
    }

    It 'reports a conflict as an error and as an outcome' {
        Mock -CommandName Invoke-DriftNative -ModuleName IdentityDrift -MockWith {
            if ($Arguments.Apply) { ConvertTo-DriftTestResponse -Json ($appliedJson -replace '"Applied", "ThisRun"', '"Conflict", "Message": "AD changed since the plan", "ThisRun"') } else { ConvertTo-DriftTestResponse -Json $planJson }
        }
        $outcome = Set-DriftDirSyncOverridesUser -Identity 'tim@contoso.com' -MobileInAD '1234567890' -Demo -JournalPath $TestDrive -Confirm:$false -ErrorVariable errs -ErrorAction SilentlyContinue
        $outcome.Status | Should -Be 'Conflict'
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'IdentityDrift.Write.Conflict*'
        $errs[0].Exception.Message | Should -BeLike '*AD changed since the plan*'
    }
}
