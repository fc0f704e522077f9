# Integration tests: the real native library (built into bin/<rid>/ by `cargo xtask dist`) against the demo
# snapshot, compared with the golden responses the Rust tests keep in tests/fixtures/golden/ffi/.

BeforeAll {
    . (Join-Path -Path (Split-Path -Path $PSScriptRoot -Parent) -ChildPath 'TestHelpers.ps1')
    Import-Module -Name (Get-DriftTestManifestPath) -Force
    $repo = Get-DriftRepositoryRoot
    $demoDir = Join-Path -Path $repo -ChildPath 'examples/demo'
    $golden = Get-Content -LiteralPath (Join-Path -Path $repo -ChildPath 'tests/fixtures/golden/ffi/dirsync-compare-demo.json') -Raw |
        ConvertFrom-Json
}

AfterAll {
    Remove-Module -Name IdentityDrift -Force -ErrorAction SilentlyContinue
}

Describe 'Compare-DriftDirSyncOverrides against the native library' {
    BeforeEach {
        InModuleScope IdentityDrift { $script:DriftSession = $null }
    }

    It 'loads a library that speaks ABI version 2 (with idrift_progress)' {
        InModuleScope IdentityDrift { Initialize-DriftNative }
        [IdentityDrift.Native]::idrift_abi_version() | Should -Be 2
    }

    It 'returns the rows of the golden response for the demo' {
        $rows = @(Compare-DriftDirSyncOverrides -Demo -NoCsv)
        $expected = @($golden.Ok.Rows)
        $rows.Count | Should -Be $expected.Count
        $rows.Count | Should -BeGreaterThan 0
        for ($i = 0; $i -lt $rows.Count; $i++) {
            $rows[$i].PSObject.TypeNames[0] | Should -Be 'IdentityDrift.DirSyncOverride'
            foreach ($name in 'UserPrincipalName', 'MobileInAD', 'MobileInEntra', 'OnPremisesImmutableId', 'ObjectId', 'DistinguishedName', 'FormatOnly') {
                $rows[$i].$name | Should -Be $expected[$i].$name -Because "row $i, $name"
            }
            @($rows[$i].OtherMobileInAD) | Should -Be @($expected[$i].OtherMobileInAD)
        }
    }

    It 'writes the ADSyncTools CSV that Import-Csv reads back' {
        $rows = @(Compare-DriftDirSyncOverrides -Demo -OutputPath $TestDrive -Confirm:$false)
        $file = @(Get-ChildItem -LiteralPath $TestDrive -Filter 'ADSyncTools-DirSyncOverrides_*.csv')
        $file.Count | Should -Be 1
        $file[0].Name | Should -Match '^ADSyncTools-DirSyncOverrides_\d{4}[A-Z][a-z]{2}\d{2}-\d{6}\.csv$'
        $csv = @(Import-Csv -LiteralPath $file[0].FullName)
        $csv.Count | Should -Be $rows.Count
        for ($i = 0; $i -lt $rows.Count; $i++) {
            $csv[$i].UserPrincipalName | Should -Be $rows[$i].UserPrincipalName
            "$($csv[$i].MobileInEntra)" | Should -Be "$($rows[$i].MobileInEntra)"
            $csv[$i].OtherMobileInAD | Should -Be (@($rows[$i].OtherMobileInAD) -join ';')
            $csv[$i].FormatOnly | Should -Be ([string] $rows[$i].FormatOnly)
        }
    }

    It 'writes the CSV with a byte order mark for -Encoding UTF8BOM, and non-ASCII names survive' {
        # The demo with Tim McMichael's DN renamed to non-ASCII (base64 in the LDIF, as RFC 2849 asks).
        $snap = Join-Path -Path $TestDrive -ChildPath 'bom-snap'
        $null = New-Item -ItemType Directory -Path $snap
        Copy-Item -Path (Join-Path -Path $demoDir -ChildPath '*.json') -Destination $snap
        # Zo + e with diaeresis, a space, and the CJK name Yamada (the files stay ASCII for Windows PowerShell).
        $dn = 'CN=Zo{0} {1}{2},OU=Sync,DC=contoso,DC=com' -f [char] 0x00EB, [char] 0x5C71, [char] 0x7530
        $b64 = [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($dn))
        $ldif = (Get-Content -LiteralPath (Join-Path -Path $demoDir -ChildPath 'ad.ldif') -Raw).Replace('dn: CN=Tim McMichael,OU=Sync,DC=contoso,DC=com', "dn:: $b64")
        [IO.File]::WriteAllText((Join-Path -Path $snap -ChildPath 'ad.ldif'), $ldif, (New-Object -TypeName 'System.Text.UTF8Encoding' -ArgumentList $false))

        $bomFile = Join-Path -Path $TestDrive -ChildPath 'bom.csv'
        $plainFile = Join-Path -Path $TestDrive -ChildPath 'plain.csv'
        $null = Compare-DriftDirSyncOverrides -SnapshotPath $snap -OutputPath $bomFile -Encoding UTF8BOM -Confirm:$false
        $null = Compare-DriftDirSyncOverrides -SnapshotPath $snap -OutputPath $plainFile -Confirm:$false

        $bytes = [IO.File]::ReadAllBytes($bomFile)
        $bytes[0..2] | Should -Be @(0xEF, 0xBB, 0xBF)
        $plain = [IO.File]::ReadAllBytes($plainFile)
        $plain[0] | Should -Be ([byte][char]'"') -Because 'the default is UTF-8 without a byte order mark'
        $bytes.Count | Should -Be ($plain.Count + 3)

        $rows = @(Import-Csv -LiteralPath $bomFile -Encoding UTF8)
        $tim = @($rows | Where-Object { $_.UserPrincipalName -eq 'tim.mcmichael@contoso.com' })
        $tim.Count | Should -Be 1
        $tim[0].DistinguishedName | Should -Be $dn
        $rows[0].PSObject.Properties.Name[0] | Should -Be 'UserPrincipalName' -Because 'the BOM is not part of the first header'
    }

    It 'gives the same answer from the snapshot directory, the export files and the profile' {
        $fromDemo = Compare-DriftDirSyncOverrides -Demo -NoCsv | ConvertTo-Json -Depth 5
        $fromDir = Compare-DriftDirSyncOverrides -SnapshotPath $demoDir -NoCsv | ConvertTo-Json -Depth 5
        $fromFiles = Compare-DriftDirSyncOverrides -AdPath (Join-Path -Path $demoDir -ChildPath 'ad.ldif') -EntraPath (Join-Path -Path $demoDir -ChildPath 'entra-users.json') -NoCsv |
            ConvertTo-Json -Depth 5
        $null = Connect-Drift -SnapshotPath $demoDir
        $fromProfile = Compare-DriftDirSyncOverrides -NoCsv | ConvertTo-Json -Depth 5
        $fromDir | Should -Be $fromDemo
        $fromFiles | Should -Be $fromDemo
        $fromProfile | Should -Be $fromDemo
    }

    It 'summarises like the golden response' {
        $summary = Compare-DriftDirSyncOverrides -Demo -NoCsv -Summary
        foreach ($property in $golden.Ok.Summary.PSObject.Properties) {
            $summary.($property.Name) | Should -Be $property.Value -Because $property.Name
        }
    }

    It 'reports a snapshot directory without ad.ldif as IdentityDrift.MissingFile' {
        $empty = Join-Path -Path $TestDrive -ChildPath 'empty-snapshot'
        $null = New-Item -ItemType Directory -Path $empty
        $rows = @(Compare-DriftDirSyncOverrides -SnapshotPath $empty -NoCsv -ErrorVariable errs -ErrorAction SilentlyContinue)
        $rows.Count | Should -Be 0
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'IdentityDrift.MissingFile*'
        $errs[0].Exception.Message | Should -BeLike '*ad.ldif*'
    }

    It 'gets an UnknownOp error, not a crash, for an operation the library does not serve' {
        $response = InModuleScope IdentityDrift { Invoke-DriftNative -Op 'No.Such.Op' }
        $response.Status | Should -Be 1
        $response.Err.Kind | Should -Be 'UnknownOp'
        $response.Err.Message | Should -BeLike '*DirSync.Compare*'
    }
}
