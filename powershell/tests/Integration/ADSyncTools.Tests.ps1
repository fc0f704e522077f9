# The examples of Microsoft's ADSyncTools documentation (how-to-bypassdirsyncoverrides, both generations, as
# quoted in the project's reference notes), with the prefix ADSyncTools swapped for Drift, run against a copy
# of the demo snapshot through the real native library. The session's source comes from Connect-Drift, and
# $ConfirmPreference is 'None' as in an unattended script, so the example lines run as documented.

BeforeAll {
    . (Join-Path -Path (Split-Path -Path $PSScriptRoot -Parent) -ChildPath 'TestHelpers.ps1')
    Import-Module -Name (Get-DriftTestManifestPath) -Force
    $repo = Get-DriftRepositoryRoot
    $demoDir = Join-Path -Path $repo -ChildPath 'examples/demo'
    $upn = 'tim.mcmichael@contoso.com'
}

AfterAll {
    Remove-Module -Name IdentityDrift -Force -ErrorAction SilentlyContinue
}

Describe 'ADSyncTools examples with the prefix swapped' {
    BeforeEach {
        $snap = Join-Path -Path $TestDrive -ChildPath ([guid]::NewGuid().ToString())
        $work = Join-Path -Path $TestDrive -ChildPath ([guid]::NewGuid().ToString())
        $null = New-Item -ItemType Directory -Path $snap, $work
        Copy-Item -Path (Join-Path -Path $demoDir -ChildPath '*') -Destination $snap
        $null = Connect-Drift -SnapshotPath $snap
        Push-Location -LiteralPath $work
        # Preference variables reach a module's functions from the global scope, not from the caller's.
        $savedConfirm = $global:ConfirmPreference
        $global:ConfirmPreference = 'None'
    }

    AfterEach {
        $global:ConfirmPreference = $savedConfirm
        Pop-Location
        $null = Disconnect-Drift -Confirm:$false
    }

    It 'Get-DriftDirSyncOverridesUser <UPN> -FromAD, and -FromAzureAD' {
        (Get-DriftDirSyncOverridesUser $upn -FromAD).Mobile | Should -Be '0987654321'
        (Get-DriftDirSyncOverridesUser $upn -FromAzureAD).MobilePhone | Should -Be '1234567890'
    }

    It 'Set-DriftDirSyncOverridesUser <UPN> -MobileInAD ... -OtherMobileInAD ..., then Clear-DriftDirSyncOverridesUser <UPN> -MobileInAD -OtherMobileInAD' {
        $null = Set-DriftDirSyncOverridesUser $upn -MobileInAD '999888777' -OtherMobileInAD '0987654', '1234567'
        $ad = Get-DriftDirSyncOverridesUser $upn -FromAD
        $ad.Mobile | Should -Be '999888777'
        @($ad.OtherMobile) | Should -Be @('0987654', '1234567')

        $null = Clear-DriftDirSyncOverridesUser $upn -MobileInAD -OtherMobileInAD
        $ad = Get-DriftDirSyncOverridesUser $upn -FromAD
        $ad.Mobile | Should -BeNullOrEmpty
        @($ad.OtherMobile | Where-Object { $_ }).Count | Should -Be 0
        @(Get-ChildItem -LiteralPath $work -Filter 'idrift-*.journal.jsonl').Count | Should -Be 2
    }

    It 'Clear-DriftDirSyncOverridesUser <UPN> clears AD mobile only, as ADSyncTools 2.x does' {
        $null = Set-DriftDirSyncOverridesUser $upn -OtherMobileInAD '0987654'
        $null = Clear-DriftDirSyncOverridesUser $upn
        $ad = Get-DriftDirSyncOverridesUser $upn -FromAD
        $ad.Mobile | Should -BeNullOrEmpty
        @($ad.OtherMobile) | Should -Be @('0987654')
        (Get-DriftDirSyncOverridesUser $upn -FromAzureAD).MobilePhone | Should -Be '1234567890'
    }

    It 'Set- and Clear- with -MobilePhoneInAAD -AlternateMobilePhonesInAAD bind, and are refused with an ErrorRecord (Graph has no AlternateMobilePhones)' {
        $null = Set-DriftDirSyncOverridesUser $upn -MobilePhoneInAAD '999888777' -AlternateMobilePhonesInAAD '0987654', '1234567' -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'IdentityDrift.NotSupported*'
        $caught = $null
        try { Clear-DriftDirSyncOverridesUser $upn -MobilePhoneInAAD -AlternateMobilePhonesInAAD } catch { $caught = $_ }
        $caught.FullyQualifiedErrorId | Should -BeLike 'IdentityDrift.NotSupported*'
        (Get-DriftDirSyncOverridesUser $upn -FromAzureAD).MobilePhone | Should -Be '1234567890'
    }

    It 'Compare-DriftDirSyncOverrides writes the CSV, and the documented read-back persists MobileInEntra (ADSyncTools 2.x)' {
        $null = Compare-DriftDirSyncOverrides
        $csv = @(Get-ChildItem -LiteralPath $work -Filter 'ADSyncTools-DirSyncOverrides_*.csv')
        $csv.Count | Should -Be 1
        $user = Import-Csv $csv[0].FullName |
            Where-Object UserPrincipalName -EQ $upn |
            Select-Object UserPrincipalName, MobileInEntra
        $null = Set-DriftDirSyncOverridesUser -Identity $upn -MobileInAD $user.MobileInEntra
        (Get-DriftDirSyncOverridesUser $upn -FromAD).Mobile | Should -Be '1234567890'
    }

    It 'the ADSyncTools 1.x read-back (select UserPrincipalName,*InAAD; $user.MobileInAAD) works on a 1.x file' {
        $file = Join-Path -Path $work -ChildPath 'ADSyncTools-DirSyncOverrides_2023Nov14-101500.csv'
        [pscustomobject]@{ UserPrincipalName = $upn; MobileInAD = '0987654321'; MobileInAAD = '1234567890'; OtherMobileInAD = ''; AlternateMobilePhonesInAAD = '' } |
            Export-Csv -LiteralPath $file -NoTypeInformation
        $user = Import-Csv 'ADSyncTools-DirSyncOverrides_2023Nov14-101500.csv' |
            Where-Object UserPrincipalName -EQ $upn |
            Select-Object UserPrincipalName, *InAAD
        $null = Set-DriftDirSyncOverridesUser -Identity $upn -MobileInAD $user.MobileInAAD
        (Get-DriftDirSyncOverridesUser $upn -FromAD).Mobile | Should -Be '1234567890'
    }

    It 'the rows of a 1.x file persist through the pipeline by their *InAAD column names' {
        $file = Join-Path -Path $work -ChildPath 'old.csv'
        [pscustomobject]@{ UserPrincipalName = $upn; MobileInAD = '0987654321'; MobileInAAD = '1234567890'; OtherMobileInAD = ''; AlternateMobilePhonesInAAD = '' } |
            Export-Csv -LiteralPath $file -NoTypeInformation
        $outcome = Import-Csv $file | Set-DriftDirSyncOverridesUser -WarningAction SilentlyContinue
        $outcome.Status | Should -Be 'Applied'
        (Get-DriftDirSyncOverridesUser $upn -FromAD).Mobile | Should -Be '1234567890'
    }

    It 'the compare objects answer to MobileInAAD as well' {
        $row = Compare-DriftDirSyncOverrides -NoCsv | Where-Object UserPrincipalName -EQ $upn
        $row.MobileInAAD | Should -Be $row.MobileInEntra
    }
}
