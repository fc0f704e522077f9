# Unit tests of Invoke-DriftScan, Get-DriftRemediationPlan and Test-DriftMigration (native call mocked).

BeforeAll {
    . (Join-Path -Path (Split-Path -Path $PSScriptRoot -Parent) -ChildPath 'TestHelpers.ps1')
    Import-Module -Name (Get-DriftTestManifestPath) -Force
    $scanJson = '{"Summary": {"Total": 2}, "Findings": [{"Kind": "DuplicateMailbox", "Severity": "Critical", "UserPrincipalName": "a@contoso.com", "ObjectId": "o", "DistinguishedName": "CN=a", "Evidence": {}, "Recommendation": "r"}, {"Kind": "ExchangeGuidMismatch", "Severity": "High", "UserPrincipalName": "a@contoso.com", "ObjectId": "o", "DistinguishedName": "CN=a", "Evidence": {}, "Recommendation": "r"}], "RoutingDomain": null, "Notes": ["No Exchange Online data: the mailbox checks were skipped."], "CsvPath": null}'
    $planJson = '{"UserPrincipalName": "a@contoso.com", "Findings": [], "Options": [{"Id": "RemoveLicense", "Recommended": true, "Steps": []}, {"Id": "DeleteAndMerge", "Recommended": false, "Steps": []}], "Notes": []}'
}

AfterAll {
    Remove-Module -Name IdentityDrift -Force -ErrorAction SilentlyContinue
}

Describe 'Invoke-DriftScan' {
    BeforeEach {
        Mock -CommandName Invoke-DriftNative -ModuleName IdentityDrift -MockWith { ConvertTo-DriftTestResponse -Json $scanJson }
    }

    It 'returns typed findings and passes the filters' {
        $findings = @(Invoke-DriftScan -Demo -Kind DuplicateMailbox, ExchangeGuidMismatch -MinimumSeverity High -WarningAction SilentlyContinue)
        $findings.Count | Should -Be 2
        $findings[0].PSObject.TypeNames[0] | Should -Be 'IdentityDrift.Finding'
        Should -Invoke -CommandName Invoke-DriftNative -ModuleName IdentityDrift -Times 1 -Exactly -ParameterFilter {
            $Op -eq 'Scan' -and (@($Arguments.Kinds) -join ',') -eq 'DuplicateMailbox,ExchangeGuidMismatch' -and $Arguments.MinSeverity -eq 'High' -and -not $Arguments.ContainsKey('OutPath')
        }
    }

    It 'warns with the notes of skipped checks' {
        $null = Invoke-DriftScan -Demo -WarningVariable warnings -WarningAction SilentlyContinue
        "$warnings" | Should -BeLike '*skipped*'
    }

    It 'writes the CSV only when ShouldProcess agrees' {
        $null = Invoke-DriftScan -Demo -OutputPath (Join-Path -Path $TestDrive -ChildPath 'f.csv') -WhatIf -WarningAction SilentlyContinue
        Should -Invoke -CommandName Invoke-DriftNative -ModuleName IdentityDrift -Times 1 -Exactly -ParameterFilter { -not $Arguments.ContainsKey('OutPath') }
        $null = Invoke-DriftScan -Demo -OutputPath (Join-Path -Path $TestDrive -ChildPath 'f.csv') -Confirm:$false -WarningAction SilentlyContinue
        Should -Invoke -CommandName Invoke-DriftNative -ModuleName IdentityDrift -Times 1 -Exactly -ParameterFilter { $Arguments.OutPath -eq (Join-Path -Path $TestDrive -ChildPath 'f.csv') }
    }
}

Describe 'Get-DriftRemediationPlan' {
    BeforeEach {
        Mock -CommandName Invoke-DriftNative -ModuleName IdentityDrift -MockWith { ConvertTo-DriftTestResponse -Json $planJson }
    }

    It 'plans each piped user once and names the recommended option' {
        $plans = @(
            [pscustomobject]@{ UserPrincipalName = 'a@contoso.com' }
            [pscustomobject]@{ UserPrincipalName = 'A@contoso.com' }
        ) | Get-DriftRemediationPlan -Demo -RemoteHost 'mail.contoso.com' -OutOfScopeOU 'OU=Parking,DC=contoso,DC=com'
        @($plans).Count | Should -Be 1
        $plans.PSObject.TypeNames[0] | Should -Be 'IdentityDrift.RemediationPlan'
        $plans.Recommended | Should -Be 'RemoveLicense'
        @($plans.Options).Count | Should -Be 2
        Should -Invoke -CommandName Invoke-DriftNative -ModuleName IdentityDrift -Times 1 -Exactly -ParameterFilter {
            $Op -eq 'Plan' -and $Arguments.UserPrincipalName -eq 'a@contoso.com' -and $Arguments.RemoteHost -eq 'mail.contoso.com' -and $Arguments.OutOfScopeOu -eq 'OU=Parking,DC=contoso,DC=com'
        }
    }
}

Describe 'Test-DriftMigration' {
    BeforeEach {
        Mock -CommandName Invoke-DriftNative -ModuleName IdentityDrift -MockWith {
            ConvertTo-DriftTestResponse -Json '{"Users": [{"Identity": "alice", "Verdict": "Fail", "MissingItems": 3}], "Summary": {"Users": 1, "Pass": 0, "Fail": 1, "Unknown": 0, "MissingItems": 3}, "Errors": [{"Kind": "Parse", "Message": "b.xml: line 4, column 2: unexpected end of input"}]}'
        }
    }

    It 'sends every piped file in one call, resolved, and reports unreadable ones as errors' {
        Push-Location -LiteralPath $TestDrive
        try {
            $users = @('a.xml', 'b.xml' | Test-DriftMigration -ErrorVariable errs -ErrorAction SilentlyContinue)
        }
        finally {
            Pop-Location
        }
        $users.Count | Should -Be 1
        $users[0].PSObject.TypeNames[0] | Should -Be 'IdentityDrift.MigrationVerification'
        $users[0].Verdict | Should -Be 'Fail'
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'IdentityDrift.Parse*'
        Should -Invoke -CommandName Invoke-DriftNative -ModuleName IdentityDrift -Times 1 -Exactly -ParameterFilter {
            $Op -eq 'Migration.Verify' -and @($Arguments.Paths).Count -eq 2 -and @($Arguments.Paths)[0] -eq (Join-Path -Path $TestDrive -ChildPath 'a.xml')
        }
    }

    It 'returns the summary with -Summary' {
        $summary = Test-DriftMigration -Path (Join-Path -Path $TestDrive -ChildPath 'a.xml') -Summary -ErrorAction SilentlyContinue
        $summary.PSObject.TypeNames[0] | Should -Be 'IdentityDrift.MigrationSummary'
        $summary.Fail | Should -Be 1
    }
}
