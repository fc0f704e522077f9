# Live directories: the Samba AD DC of the test environment (its AD_* variables, from samba-ad-up.sh env) and
# the cloud emulator's server for Microsoft Graph (IDRIFT_CLOUD_EMULATOR, built by cargo xtask pester), started
# here on a loopback port and stopped afterwards. Connect-Drift -Server ... -Credential ... and the readers and
# writers run against both. The AD users live in this file's own OU (idrift-pester-live), seeded once.

BeforeDiscovery {
    $noLive = -not ($env:AD_LDAPS_URL -and $env:AD_BIND_UPN -and $env:IDRIFT_CLOUD_EMULATOR)
}

BeforeAll {
    . (Join-Path -Path (Split-Path -Path $PSScriptRoot -Parent) -ChildPath 'TestHelpers.ps1')
    Import-Module -Name (Get-DriftTestManifestPath) -Force
    $repo = Get-DriftRepositoryRoot
    $ouName = 'idrift-pester-live'
    $emulator = $null
    if ($env:AD_LDAPS_URL -and $env:IDRIFT_CLOUD_EMULATOR) {
        $seed = & bash (Join-Path -Path $repo -ChildPath 'tests/samba/seed-users.sh') 3 $ouName
        if ($LASTEXITCODE -ne 0) { throw "seeding the test OU failed: $seed" }
        $ou = "OU=$ouName,$($env:AD_BASE_DN)"
        $dn = "CN=Seed User 000002,$ou"
        $emulator = Start-DriftTestEmulator -Arguments '--users 20'
        $urls = $emulator.Urls
        $secret = ConvertTo-SecureString -String 'emulator-secret-Zq8~not-for-production' -AsPlainText -Force
        $password = ConvertTo-SecureString -String $env:AD_BIND_PASSWORD -AsPlainText -Force
        $connect = @{
            Server       = $env:AD_LDAPS_URL
            CaFile       = $env:AD_CA_FILE
            Credential   = New-Object -TypeName 'System.Management.Automation.PSCredential' -ArgumentList $env:AD_BIND_UPN, $password
            SearchBase   = $ou
            TenantId     = $urls.tenant_id
            ClientId     = $urls.client_id
            ClientSecret = $secret
            AuthorityUrl = $urls.authority_url
            GraphUrl     = $urls.graph_url
        }
    }
}

AfterAll {
    Stop-DriftTestEmulator -Emulator $emulator
    Remove-Module -Name IdentityDrift -Force -ErrorAction SilentlyContinue
}

Describe 'Live AD (Samba DC) and Graph (cloud emulator)' -Skip:$noLive {
    BeforeAll {
        $connection = Connect-Drift @connect
    }

    AfterAll {
        $null = Disconnect-Drift -Confirm:$false
    }

    It 'connects with -Server and -Credential and counts both sides' {
        $connection.Kind | Should -Be 'Live'
        $connection.OnPremUsers | Should -Be 3
        $connection.CloudUsers | Should -Be 20
        $connection.HasTenantSync | Should -BeTrue
        (Get-DriftConnection).Server | Should -Be $env:AD_LDAPS_URL
    }

    It 'gets, sets and clears a user''s AD phones on the DC, journaled' {
        $journals = Join-Path -Path $TestDrive -ChildPath 'live-journals'
        $null = New-Item -ItemType Directory -Path $journals -Force
        $before = Get-DriftDirSyncOverridesUser $dn -FromAD
        $before.DistinguishedName | Should -Be $dn
        $value = '+1 425 555 {0:d4}' -f (Get-Random -Minimum 1000 -Maximum 9999)

        $set = Set-DriftDirSyncOverridesUser $dn -MobileInAD $value -JournalPath $journals -Confirm:$false
        $set.Status | Should -Be 'Applied'
        (Get-DriftDirSyncOverridesUser $dn -FromAD).Mobile | Should -Be $value

        $clear = Clear-DriftDirSyncOverridesUser $dn -JournalPath $journals -Confirm:$false
        $clear.Status | Should -Be 'Applied'
        (Get-DriftDirSyncOverridesUser $dn -FromAD).Mobile | Should -BeNullOrEmpty

        $undone = @($clear, $set | Undo-DriftChange -JournalPath $journals -Confirm:$false -WarningAction SilentlyContinue)
        @($undone | Where-Object { $_.Status -eq 'Applied' }).Count | Should -Be 2
        (Get-DriftDirSyncOverridesUser $dn -FromAD).Mobile | Should -Be $before.Mobile
    }

    It 'reads the BypassDirSyncOverrides status and preview from Graph' {
        $feature = Get-DriftDirSyncFeature
        $feature.Enabled | Should -BeFalse
        $feature.Id | Should -Not -BeNullOrEmpty
        { $null = @(Get-DriftDirSyncFeature -Preview -WarningAction SilentlyContinue) } | Should -Not -Throw
    }

    It 'compares and scans both sides' {
        $summary = Compare-DriftDirSyncOverrides -NoCsv -Summary
        $summary.OnPremTotal | Should -Be 3
        $summary.CloudTotal | Should -Be 20
        # The seeded AD users and the emulator's generated users do not match: nothing to report, and no error.
        $summary.Matched | Should -Be 0
        @(Invoke-DriftScan -WarningAction SilentlyContinue -ErrorAction Stop).Count | Should -Be 0
    }

    It 'reads a Graph user''s mobilePhone' {
        $entra = Get-DriftDirSyncOverridesUser 'user0000001@contoso.onmicrosoft.com' -FromEntraID
        $entra.UserPrincipalName | Should -Be 'user0000001@contoso.onmicrosoft.com'
    }
}

Describe 'Write-Progress while the library reads' -Skip:$noLive {
    BeforeAll {
        # An emulator of its own: 2,500 users (several pages) and a 429 with Retry-After: 2 on the second page.
        $slow = Start-DriftTestEmulator -Arguments '--users 2500 --throttle skiptoken=2'
        $slowUrls = $slow.Urls
        $slowConnect = $connect.Clone()
        $slowConnect['TenantId'] = $slowUrls.tenant_id
        $slowConnect['ClientId'] = $slowUrls.client_id
        $slowConnect['AuthorityUrl'] = $slowUrls.authority_url
        $slowConnect['GraphUrl'] = $slowUrls.graph_url
    }

    AfterAll {
        $null = Disconnect-Drift -Confirm:$false
        Stop-DriftTestEmulator -Emulator $slow
    }

    It 'shows the pages read and the throttling wait of a long Graph read, then completes the bar' {
        Mock -ModuleName IdentityDrift Write-Progress { return }
        $connection = Connect-Drift @slowConnect
        $connection.CloudUsers | Should -Be 2500
        Should -Invoke -CommandName Write-Progress -ModuleName IdentityDrift -ParameterFilter {
            $Activity -eq 'IdentityDrift: Source.Check' -and $Status -like '*waiting 2 s*'
        }
        Should -Invoke -CommandName Write-Progress -ModuleName IdentityDrift -ParameterFilter {
            $Activity -eq 'IdentityDrift: Source.Check' -and $Completed
        } -Times 1 -Exactly
    }

    It 'shows nothing for a call that returns within the delay' {
        Mock -ModuleName IdentityDrift Write-Progress { return }
        $null = Connect-Drift -Demo
        Should -Invoke -CommandName Write-Progress -ModuleName IdentityDrift -Times 0 -Exactly
    }
}
