# Unit tests of Compare-DriftDirSyncOverrides: Invoke-DriftNative is mocked, so no native library is needed.

BeforeAll {
    . (Join-Path -Path (Split-Path -Path $PSScriptRoot -Parent) -ChildPath 'TestHelpers.ps1')
    Import-Module -Name (Get-DriftTestManifestPath) -Force

    $compareOk = @'
{
  "Summary": {"OnPremTotal": 3, "CloudTotal": 3, "Matched": 3, "UnmatchedOnPrem": 0, "UnmatchedCloud": 0,
              "AmbiguousOnPrem": 0, "AmbiguousCloud": 0, "SoftMatchCandidates": 0, "SyncedMatched": 3,
              "NotSyncedMatched": 0, "Rows": 2, "RealDrift": 1, "FormatOnly": 1, "AlternateMobileCompared": false},
  "Rows": [
    {"UserPrincipalName": "tim@contoso.com", "MobileInAD": "0987654321", "MobileInEntra": "1234567890",
     "OtherMobileInAD": [], "AlternateMobilePhonesInEntra": null, "OnPremisesImmutableId": "AAAfXQAAAECAAAAAAAAAAg==",
     "ObjectId": "c10d0000-0000-4000-8000-000000000002", "DistinguishedName": "CN=Tim,OU=Sync,DC=contoso,DC=com",
     "FormatOnly": false},
    {"UserPrincipalName": "grace@contoso.com", "MobileInAD": "+1 (425) 555-0103", "MobileInEntra": "+14255550103",
     "OtherMobileInAD": ["+1 425 555 0199"], "AlternateMobilePhonesInEntra": null,
     "OnPremisesImmutableId": "AAAfXQAAAECAAAAAAAAAAw==", "ObjectId": "c10d0000-0000-4000-8000-000000000003",
     "DistinguishedName": "CN=Grace,OU=Sync,DC=contoso,DC=com", "FormatOnly": true}
  ],
  "CsvPath": null
}
'@
}

AfterAll {
    Remove-Module -Name IdentityDrift -Force -ErrorAction SilentlyContinue
}

Describe 'Compare-DriftDirSyncOverrides' {
    BeforeEach {
        InModuleScope IdentityDrift { $script:DriftSession = $null }
        Mock -CommandName Invoke-DriftNative -ModuleName IdentityDrift -MockWith {
            ConvertTo-DriftTestResponse -Json $compareOk -Op 'DirSync.Compare'
        }
    }

    It 'sends DirSync.Compare for the demo and returns typed rows' {
        $rows = @(Compare-DriftDirSyncOverrides -Demo -NoCsv)

        Should -Invoke -CommandName Invoke-DriftNative -ModuleName IdentityDrift -Times 1 -Exactly -ParameterFilter {
            $Op -eq 'DirSync.Compare' -and $Arguments.Source.Kind -eq 'Demo' -and $Arguments.WriteCsv -eq $false -and -not $Arguments.Contains('OutPath')
        }
        $rows.Count | Should -Be 2
        $rows[0].PSObject.TypeNames[0] | Should -Be 'IdentityDrift.DirSyncOverride'
        $rows[0].UserPrincipalName | Should -Be 'tim@contoso.com'
        $rows[1].FormatOnly | Should -BeTrue
        @($rows[1].OtherMobileInAD) | Should -Be @('+1 425 555 0199')
    }

    It 'resolves -SnapshotPath and -OutputPath against the current location' {
        Push-Location -LiteralPath $TestDrive
        try {
            $null = Compare-DriftDirSyncOverrides -SnapshotPath 'snap' -OutputPath 'out.csv' -Confirm:$false
        }
        finally {
            Pop-Location
        }
        $expectedSnapshot = Join-Path -Path $TestDrive -ChildPath 'snap'
        $expectedCsv = Join-Path -Path $TestDrive -ChildPath 'out.csv'
        Should -Invoke -CommandName Invoke-DriftNative -ModuleName IdentityDrift -Times 1 -Exactly -ParameterFilter {
            $Arguments.Source.Kind -eq 'Snapshot' -and $Arguments.Source.Path -eq $expectedSnapshot -and
            $Arguments.WriteCsv -eq $true -and $Arguments.OutPath -eq $expectedCsv
        }
    }

    It 'writes into the current directory by default' {
        Push-Location -LiteralPath $TestDrive
        try {
            $null = Compare-DriftDirSyncOverrides -Demo -Confirm:$false
        }
        finally {
            Pop-Location
        }
        $expected = (Get-Item -LiteralPath $TestDrive).FullName
        Should -Invoke -CommandName Invoke-DriftNative -ModuleName IdentityDrift -Times 1 -Exactly -ParameterFilter {
            $Arguments.WriteCsv -eq $true -and $Arguments.OutPath -eq $expected
        }
    }

    It 'with -WhatIf asks the library for no CSV but still returns the rows' {
        $rows = @(Compare-DriftDirSyncOverrides -Demo -OutputPath $TestDrive -WhatIf)
        Should -Invoke -CommandName Invoke-DriftNative -ModuleName IdentityDrift -Times 1 -Exactly -ParameterFilter {
            $Arguments.WriteCsv -eq $false -and -not $Arguments.Contains('OutPath')
        }
        $rows.Count | Should -Be 2
    }

    It 'passes -DefaultRegion in upper case' {
        $null = Compare-DriftDirSyncOverrides -Demo -NoCsv -DefaultRegion 'de'
        Should -Invoke -CommandName Invoke-DriftNative -ModuleName IdentityDrift -Times 1 -Exactly -ParameterFilter {
            $Arguments.DefaultRegion -ceq 'DE'
        }
    }

    It 'returns the summary object with -Summary' {
        $summary = Compare-DriftDirSyncOverrides -Demo -NoCsv -Summary
        $summary.PSObject.TypeNames[0] | Should -Be 'IdentityDrift.DirSyncOverridesSummary'
        $summary.Rows | Should -Be 2
        $summary.FormatOnly | Should -Be 1
        $summary.PSObject.Properties.Name | Should -Contain 'CsvPath'
    }

    It 'uses the Connect-Drift profile when given no source' {
        InModuleScope IdentityDrift {
            $script:DriftSession = @{ Connection = [pscustomobject]@{ Kind = 'Snapshot' }; Source = @{ Kind = 'Snapshot'; Path = '/data/snap' } }
        }
        $null = Compare-DriftDirSyncOverrides -NoCsv
        Should -Invoke -CommandName Invoke-DriftNative -ModuleName IdentityDrift -Times 1 -Exactly -ParameterFilter {
            $Arguments.Source.Kind -eq 'Snapshot' -and $Arguments.Source.Path -eq '/data/snap'
        }
    }

    It 'fails with IdentityDrift.NotConnected when there is no source at all' {
        $caught = $null
        try {
            Compare-DriftDirSyncOverrides -NoCsv
        }
        catch {
            $caught = $_
        }
        $caught | Should -Not -BeNullOrEmpty
        $caught.FullyQualifiedErrorId | Should -BeLike 'IdentityDrift.NotConnected*'
        $caught.CategoryInfo.Category | Should -Be 'ConnectionError'
        Should -Invoke -CommandName Invoke-DriftNative -ModuleName IdentityDrift -Times 0 -Exactly
    }

    It 'writes library errors as non-terminating errors named after their kind' {
        Mock -CommandName Invoke-DriftNative -ModuleName IdentityDrift -MockWith {
            ConvertTo-DriftTestResponse -Status 1 -Json '{"Kind": "MissingFile", "Message": "/data/snap: snapshot directory has no ad.ldif"}'
        }
        $rows = @(Compare-DriftDirSyncOverrides -SnapshotPath '/data/snap' -NoCsv -ErrorVariable errs -ErrorAction SilentlyContinue)
        $rows.Count | Should -Be 0
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'IdentityDrift.MissingFile*'
        $errs[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $errs[0].Exception.Message | Should -Be '/data/snap: snapshot directory has no ad.ldif'
    }

    It 'turns an internal failure of the library into a terminating error' {
        Mock -CommandName Invoke-DriftNative -ModuleName IdentityDrift -MockWith {
            ConvertTo-DriftTestResponse -Status 2 -Json '{"Kind": "Internal", "Message": "idrift_ffi panicked at x.rs:1:1: boom"}'
        }
        $caught = $null
        try {
            Compare-DriftDirSyncOverrides -Demo -NoCsv -ErrorAction SilentlyContinue
        }
        catch {
            $caught = $_
        }
        $caught.FullyQualifiedErrorId | Should -BeLike 'IdentityDrift.Internal*'
        $caught.Exception.Message | Should -BeLike '*boom*'
    }

    It 'passes reader warnings to the warning stream' {
        Mock -CommandName Invoke-DriftNative -ModuleName IdentityDrift -MockWith {
            ConvertTo-DriftTestResponse -Json $compareOk -Warnings @('ad.ldif: line 7: skipped a changetype: delete record')
        }
        $null = Compare-DriftDirSyncOverrides -Demo -NoCsv -WarningVariable warnings -WarningAction SilentlyContinue
        @($warnings).Count | Should -Be 1
        "$($warnings[0])" | Should -BeLike '*line 7*'
    }
}
