# Integration tests of Invoke-DriftLint and Invoke-DriftLintFix with the real native library: an LDIF with
# seeded errors is linted, the errors are piped back with their suggested fixes, and only confirmed writes land.

BeforeAll {
    . (Join-Path -Path (Split-Path -Path $PSScriptRoot -Parent) -ChildPath 'TestHelpers.ps1')
    Import-Module -Name (Get-DriftTestManifestPath) -Force
    $ldif = @(
        'dn: CN=Ann,OU=Lint,DC=contoso,DC=com'
        'objectClass: user'
        'cn: Ann'
        'userPrincipalName: a nn@contoso.com'
        ''
        'dn: CN=Bo,OU=Lint,DC=contoso,DC=com'
        'objectClass: user'
        'cn: Bo'
        'userPrincipalName: bo@contoso.com'
        'proxyAddresses: SMTP:bo@contoso.com'
        'proxyAddresses: smtp:b o2@contoso.com'
        'proxyAddresses: X500:/o=Org/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=bo'
        ''
    ) -join "`n"
}

AfterAll {
    Remove-Module -Name IdentityDrift -Force -ErrorAction SilentlyContinue
}

Describe 'Invoke-DriftLint and Invoke-DriftLintFix' {
    BeforeEach {
        $path = Join-Path -Path $TestDrive -ChildPath 'ad.ldif'
        Set-Content -LiteralPath $path -Value $ldif -NoNewline
    }

    It 'returns typed errors with IdFix columns and writes the CSV' {
        $csv = Join-Path -Path $TestDrive -ChildPath 'idfix.csv'
        $errors = @(Invoke-DriftLint -AdPath $path -OutputPath $csv -Confirm:$false)
        $errors.Count | Should -Be 2
        $errors[0].PSObject.TypeNames[0] | Should -Be 'IdentityDrift.LintError'
        $errors[0].Update | Should -Be 'ann@contoso.com'
        $errors[1].Value | Should -Be 'smtp:b o2@contoso.com'
        (Get-Content -LiteralPath $csv -First 1) | Should -Be 'DISTINGUISHEDNAME,COMMONNAME,OBJECTCLASS,ATTRIBUTE,ERROR,VALUE,UPDATE,ACTION'
        (Get-FormatData -TypeName 'IdentityDrift.LintError') | Should -Not -BeNullOrEmpty
    }

    It 'changes nothing with -WhatIf' {
        $null = Invoke-DriftLint -AdPath $path | Invoke-DriftLintFix -AdPath $path -JournalPath $TestDrive -WhatIf
        Get-Content -LiteralPath $path -Raw | Should -Be $ldif
    }

    It 'applies the piped fixes, journaled, and leaves the X500 address alone' {
        $outcomes = @(Invoke-DriftLint -AdPath $path | Invoke-DriftLintFix -AdPath $path -JournalPath $TestDrive -Confirm:$false)
        $outcomes.Count | Should -Be 2
        @($outcomes | Where-Object { $_.Status -eq 'Applied' }).Count | Should -Be 2
        $text = Get-Content -LiteralPath $path -Raw
        $text | Should -BeLike '*userPrincipalName: ann@contoso.com*'
        $text | Should -BeLike '*proxyAddresses: smtp:bo2@contoso.com*'
        $text | Should -BeLike '*(FYDIBOHF23SPDLT)*'
        @(Invoke-DriftLint -AdPath $path).Count | Should -Be 0
    }

    It 'applies an edited CSV and warns about refused duplicates' {
        $csv = Join-Path -Path $TestDrive -ChildPath 'edit.csv'
        $rows = @(
            '"DISTINGUISHEDNAME","COMMONNAME","OBJECTCLASS","ATTRIBUTE","ERROR","VALUE","UPDATE","ACTION"'
            '"CN=Ann,OU=Lint,DC=contoso,DC=com","Ann","user","userPrincipalName","Character","a nn@contoso.com","anna@contoso.com","EDIT"'
            '"CN=Bo,OU=Lint,DC=contoso,DC=com","Bo","user","proxyAddresses","Duplicate","SMTP:bo@contoso.com","","REMOVE"'
        )
        [System.IO.File]::WriteAllText($csv, ("`u{feff}" + ($rows -join "`r`n") + "`r`n"))
        $outcomes = @(Invoke-DriftLintFix -CsvPath $csv -AdPath $path -JournalPath $TestDrive -Confirm:$false -WarningVariable warned -WarningAction SilentlyContinue)
        $outcomes.Count | Should -Be 1
        $outcomes[0].Status | Should -Be 'Applied'
        "$warned" | Should -BeLike '*Refused*duplicate*'
        Get-Content -LiteralPath $path -Raw | Should -BeLike '*userPrincipalName: anna@contoso.com*'
    }
}

Describe 'Invoke-DriftLint with an Entra side' {
    BeforeAll {
        $cloudLdif = @(
            'dn: CN=Bob,OU=Lint,DC=contoso,DC=com'
            'objectClass: user'
            'cn: Bob'
            'userPrincipalName: bob@contoso.com'
            'proxyAddresses: SMTP:bob@contoso.com'
            'proxyAddresses: smtp:sales@contoso.com'
            ''
            'dn: CN=Cy,OU=Lint,DC=contoso,DC=com'
            'objectClass: user'
            'cn: Cy'
            'userPrincipalName: cy@fabrikam.com'
            ''
        ) -join "`n"
        # A cloud-only shared mailbox holds sales@contoso.com; fabrikam.com is added but not verified.
        $users = '{"value":[{"id":"s1","userPrincipalName":"sales@contoso.onmicrosoft.com","mail":"sales@contoso.com","proxyAddresses":["SMTP:sales@contoso.com"]}]}'
        $domains = '{"value":[{"id":"contoso.com","isVerified":true},{"id":"fabrikam.com","isVerified":false}]}'
    }

    BeforeEach {
        $adPath = Join-Path -Path $TestDrive -ChildPath 'cloud.ldif'
        $entraPath = Join-Path -Path $TestDrive -ChildPath 'entra-users.json'
        $domainsPath = Join-Path -Path $TestDrive -ChildPath 'domains.json'
        Set-Content -LiteralPath $adPath -Value $cloudLdif -NoNewline
        Set-Content -LiteralPath $entraPath -Value $users -NoNewline
        Set-Content -LiteralPath $domainsPath -Value $domains -NoNewline
    }

    It 'finds nothing without the Entra side' {
        @(Invoke-DriftLint -AdPath $adPath).Count | Should -Be 0
    }

    It 'reports an address held by a cloud-only user with -EntraPath' {
        $errors = @(Invoke-DriftLint -AdPath $adPath -EntraPath $entraPath)
        $errors.Count | Should -Be 1
        $errors[0].CommonName | Should -Be 'Bob'
        $errors[0].Error | Should -Be 'CloudDuplicate'
        $errors[0].Value | Should -Be 'smtp:sales@contoso.com'
    }

    It 'reports a UPN suffix the tenant has not verified with -EntraDomainsPath' {
        $errors = @(Invoke-DriftLint -AdPath $adPath -EntraPath $entraPath -EntraDomainsPath $domainsPath)
        @($errors | ForEach-Object { "$($_.CommonName) $($_.Error)" }) | Should -Be @('Bob CloudDuplicate', 'Cy NotVerifiedDomain')
        @(Invoke-DriftLint -AdPath $adPath -EntraDomainsPath $domainsPath -VerifiedDomain 'fabrikam.com').Count | Should -Be 0
    }

    It 'fails with the file named when the domains file is not JSON' {
        Set-Content -LiteralPath $domainsPath -Value 'not json' -NoNewline
        { Invoke-DriftLint -AdPath $adPath -EntraDomainsPath $domainsPath -ErrorAction Stop } | Should -Throw '*domains.json*'
    }
}
