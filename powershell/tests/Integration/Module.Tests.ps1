# The staged module as a user meets it: imported in a clean process, its help topic, its default views
# rendering real objects of the native library, and control characters escaped in those views.

BeforeAll {
    . (Join-Path -Path (Split-Path -Path $PSScriptRoot -Parent) -ChildPath 'TestHelpers.ps1')
    $manifestPath = Get-DriftTestManifestPath
    Import-Module -Name $manifestPath -Force
    $repo = Get-DriftRepositoryRoot
    $demoDir = Join-Path -Path $repo -ChildPath 'examples/demo'
    $esc = [string][char]27
    $render = { param($objects) ($objects | Format-Table | Out-String -Width 400) }
}

AfterAll {
    Remove-Module -Name IdentityDrift -Force -ErrorAction SilentlyContinue
}

Describe 'The module in a clean session' {
    It 'imports with -NoProfile, passes Test-ModuleManifest and reaches the native library' {
        # This edition's own executable (under a dotnet global tool the process itself is 'dotnet').
        $shell = if ($PSVersionTable.PSEdition -eq 'Desktop') { Join-Path -Path $PSHOME -ChildPath 'powershell.exe' } else { (Get-Command -Name 'pwsh' -CommandType Application | Select-Object -First 1).Source }
        $quoted = $manifestPath.Replace("'", "''")
        $script = "`$ErrorActionPreference = 'Stop'; `$m = Test-ModuleManifest -Path '$quoted'; Import-Module -Name '$quoted'; " +
        "'{0}|{1}|{2}' -f `$m.Name, @(Get-Command -Module IdentityDrift).Count, (Connect-Drift -Demo).OnPremUsers"
        $out = & $shell -NoProfile -NonInteractive -Command $script
        $LASTEXITCODE | Should -Be 0
        $parts = "$out".Trim().Split('|')
        $parts[0] | Should -Be 'IdentityDrift'
        [int] $parts[1] | Should -Be @((Import-PowerShellDataFile -Path $manifestPath).FunctionsToExport).Count
        [int] $parts[2] | Should -BeGreaterThan 0
    }

    It 'has the about_IdentityDrift help topic' {
        $topic = Get-Help about_IdentityDrift
        ($topic | Out-String) | Should -BeLike '*Clear-DriftDirSyncOverridesUser <UPN> with no switch*'
    }
}

Describe 'The default views' {
    It 'render findings, DirSyncOverride rows and remediation plans with their headers' {
        $text = & $render @(Invoke-DriftScan -Demo -WarningAction SilentlyContinue)
        foreach ($h in 'Severity', 'Kind', 'UserPrincipalName', 'Recommendation') { $text | Should -BeLike "*$h*" }
        $text = & $render @(Compare-DriftDirSyncOverrides -Demo -NoCsv)
        foreach ($h in 'UserPrincipalName', 'MobileInAD', 'MobileInEntra', 'OtherMobileInAD', 'FormatOnly') { $text | Should -BeLike "*$h*" }
        $text | Should -BeLike '*tim.mcmichael@contoso.com*'
    }

    It 'render write outcomes and scan comparisons' {
        $text = & $render @(Set-DriftDirSyncOverridesUser 'tim.mcmichael@contoso.com' -MobileInAD '1' -Demo -WhatIf)
        $snap = Join-Path -Path $TestDrive -ChildPath 'snap'
        $null = New-Item -ItemType Directory -Path $snap
        Copy-Item -Path (Join-Path -Path $demoDir -ChildPath '*') -Destination $snap
        $outcome = Set-DriftDirSyncOverridesUser 'tim.mcmichael@contoso.com' -MobileInAD '1' -SnapshotPath $snap -JournalPath $snap -Confirm:$false
        $text = & $render $outcome
        foreach ($h in 'Target', 'Attribute', 'Status', 'Before', 'After') { $text | Should -BeLike "*$h*" }
        $text = & $render @(Compare-DriftScan $demoDir $snap)
        foreach ($h in 'New', 'Resolved', 'Changed', 'Unchanged') { $text | Should -BeLike "*$h*" }
    }

    It 'show an ESC in a directory value as \x1b, never raw' {
        $snap = Join-Path -Path $TestDrive -ChildPath 'esc'
        $null = New-Item -ItemType Directory -Path $snap
        Copy-Item -Path (Join-Path -Path $demoDir -ChildPath '*') -Destination $snap
        $hostile = "+1 425${esc}[2J${esc}]0;pwned$([char]7)"
        $outcome = Set-DriftDirSyncOverridesUser 'tim.mcmichael@contoso.com' -MobileInAD $hostile -SnapshotPath $snap -JournalPath $snap -Confirm:$false
        $outcome.Status | Should -Be 'Applied'
        $views = @(
            (& $render $outcome)
            (& $render (Get-DriftDirSyncOverridesUser 'tim.mcmichael@contoso.com' -FromAD -SnapshotPath $snap))
            (& $render @(Compare-DriftDirSyncOverrides -SnapshotPath $snap -NoCsv | Where-Object UserPrincipalName -EQ 'tim.mcmichael@contoso.com'))
        )
        foreach ($text in $views) {
            $text.Contains($esc) | Should -BeFalse
            $text.Contains([string][char]7) | Should -BeFalse
            $text | Should -BeLike '*\x1b`[2J*'
        }
        (Get-DriftDirSyncOverridesUser 'tim.mcmichael@contoso.com' -FromAD -SnapshotPath $snap).Mobile | Should -Be $hostile
    }
}
