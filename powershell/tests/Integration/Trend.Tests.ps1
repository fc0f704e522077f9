# Export-DriftReport and Compare-DriftScan with the real native library (issue 18 item 3): the report file
# of 'idrift report', and the new, resolved and changed findings of 'idrift diff'.

BeforeAll {
    . (Join-Path -Path (Split-Path -Path $PSScriptRoot -Parent) -ChildPath 'TestHelpers.ps1')
    Import-Module -Name (Get-DriftTestManifestPath) -Force
    $repo = Get-DriftRepositoryRoot
    $demoDir = Join-Path -Path $repo -ChildPath 'examples/demo'
    $scanJson = {
        # The demo's findings as a JSON array (a scan JSON file 'idrift diff' reads).
        param($path, [scriptblock] $edit)
        $findings = InModuleScope IdentityDrift { @((Invoke-DriftNative -Op 'Scan' -Arguments @{ Source = @{ Kind = 'Demo' } }).Ok.Findings) }
        $findings = @(& $edit $findings)
        ConvertTo-Json -InputObject $findings -Depth 32 | Set-Content -LiteralPath $path -Encoding UTF8
        $findings
    }
}

AfterAll {
    Remove-Module -Name IdentityDrift -Force -ErrorAction SilentlyContinue
}

Describe 'Export-DriftReport' {
    BeforeEach {
        InModuleScope IdentityDrift { $script:DriftSession = $null }
    }

    It 'writes the demo report and returns the file' {
        $path = Join-Path -Path $TestDrive -ChildPath 'demo-report.html'
        $file = Export-DriftReport -Demo -Path $path
        $file | Should -BeOfType ([System.IO.FileInfo])
        $file.FullName | Should -Be $path
        $html = Get-Content -LiteralPath $path -Raw
        $html | Should -BeLike '<!DOCTYPE html>*'
        $html | Should -BeLike '*demo snapshot*'
        $html | Should -Not -BeLike '*src="http*'
    }

    It 'writes idrift-report.html into a directory, with the journals piped from write outcomes and a previous scan' {
        $snap = Join-Path -Path $TestDrive -ChildPath ([guid]::NewGuid().ToString())
        $null = New-Item -ItemType Directory -Path $snap
        Copy-Item -Path (Join-Path -Path $demoDir -ChildPath '*') -Destination $snap
        $outcome = Set-DriftDirSyncOverridesUser 'ada.lovelace@contoso.com' -MobileInAD '+1 425 555 0150' -SnapshotPath $snap -JournalPath $snap -Confirm:$false
        $file = $outcome | Export-DriftReport -SnapshotPath $snap -Path $snap -Previous $demoDir
        $file.Name | Should -Be 'idrift-report.html'
        $html = Get-Content -LiteralPath $file.FullName -Raw
        $html | Should -BeLike '*ada.lovelace@contoso.com*'
        $html | Should -BeLike "*$([System.IO.Path]::GetFileName($outcome.Journal))*"
    }

    It 'writes nothing with -WhatIf' {
        $path = Join-Path -Path $TestDrive -ChildPath 'whatif.html'
        Export-DriftReport -Demo -Path $path -WhatIf | Should -BeNullOrEmpty
        $path | Should -Not -Exist
    }

    It 'reports a missing journal as an ErrorRecord naming the file' {
        $missing = Join-Path -Path $TestDrive -ChildPath 'missing.journal.jsonl'
        $null = Export-DriftReport -Demo -Path (Join-Path $TestDrive 'x.html') -Journal $missing -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'IdentityDrift.*'
        $errs[0].Exception.Message | Should -BeLike '*missing.journal.jsonl*'
    }
}

Describe 'Compare-DriftScan' {
    It 'reports one fixed and one added finding between two scan JSON files' {
        $old = Join-Path -Path $TestDrive -ChildPath 'old.json'
        $new = Join-Path -Path $TestDrive -ChildPath 'new.json'
        $all = & $scanJson $old { param($f) $f }
        $fixed = $all[0]
        $null = & $scanJson $new {
            param($f)
            $added = $f[1] | ConvertTo-Json -Depth 32 | ConvertFrom-Json
            $added.ObjectId = '0f0f0f0f-1111-2222-3333-444444444444'
            $added.UserPrincipalName = 'new.hire@contoso.com'
            @($f | Select-Object -Skip 1) + $added
        }
        $result = @(Compare-DriftScan -ReferencePath $old -DifferencePath $new)
        $summary = $result[-1]
        $summary.PSObject.TypeNames[0] | Should -Be 'IdentityDrift.ScanDiffSummary'
        $summary.New | Should -Be 1
        $summary.Resolved | Should -Be 1
        $summary.Changed | Should -Be 0
        $summary.Unchanged | Should -Be ($all.Count - 1)
        $changes = @($result | Where-Object { $_.PSObject.TypeNames[0] -eq 'IdentityDrift.ScanChange' })
        ($changes | Where-Object Change -EQ 'New').UserPrincipalName | Should -Be 'new.hire@contoso.com'
        ($changes | Where-Object Change -EQ 'Resolved').UserPrincipalName | Should -Be $fixed.UserPrincipalName
    }

    It 'scans two snapshot directories and finds no differences between copies' {
        $summary = Compare-DriftScan $demoDir $demoDir -SummaryOnly
        $summary.New | Should -Be 0
        $summary.Resolved | Should -Be 0
        $summary.Unchanged | Should -BeGreaterThan 0
    }

    It 'reports an unreadable scan as an ErrorRecord naming the file' {
        $bad = Join-Path -Path $TestDrive -ChildPath 'bad.json'
        Set-Content -LiteralPath $bad -Value '{not json'
        $null = Compare-DriftScan $bad $bad -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'IdentityDrift.Parse*'
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidData'
        $errs[0].Exception.Message | Should -BeLike '*bad.json*'
    }
}
