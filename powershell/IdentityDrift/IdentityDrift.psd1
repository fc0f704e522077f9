@{
    RootModule           = 'IdentityDrift.psm1'
    ModuleVersion        = '0.1.0'
    GUID                 = 'a19ec73d-f65c-4dd5-88be-2b00b9b21878'
    Author               = 'IdentityDrift contributors'
    CompanyName          = 'IdentityDrift'
    Copyright            = '(c) IdentityDrift contributors. Licensed under MIT OR Apache-2.0.'
    Description          = 'Finds and safely repairs drift between on-premises Active Directory and Microsoft Entra ID / Exchange Online. A thin PowerShell shell over the idrift engine (a native library), with ADSyncTools-compatible DirSyncOverrides commands.'
    PowerShellVersion    = '5.1'
    CompatiblePSEditions = @('Desktop', 'Core')
    FormatsToProcess     = @('IdentityDrift.format.ps1xml')
    FunctionsToExport    = @(
        'Clear-DriftDirSyncOverridesUser'
        'Compare-DriftDirSyncOverrides'
        'Compare-DriftScan'
        'Connect-Drift'
        'Disconnect-Drift'
        'Export-DriftReport'
        'Get-DriftConnection'
        'Get-DriftDirSyncFeature'
        'Get-DriftDirSyncOverridesUser'
        'Get-DriftRemediationPlan'
        'Invoke-DriftLint'
        'Invoke-DriftLintFix'
        'Invoke-DriftRemediation'
        'Invoke-DriftScan'
        'Set-DriftDirSyncFeature'
        'Set-DriftDirSyncOverridesUser'
        'Test-DriftMigration'
        'Undo-DriftChange'
    )
    CmdletsToExport      = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags       = @(
                'ActiveDirectory'
                'EntraID'
                'AzureAD'
                'EntraConnect'
                'HybridIdentity'
                'DirSyncOverrides'
                'ADSyncTools'
                'ExchangeOnline'
                'PSEdition_Desktop'
                'PSEdition_Core'
                'Windows'
                'Linux'
            )
            LicenseUri = 'https://github.com/identitydrift/idrift/blob/main/LICENSE'
            ProjectUri = 'https://github.com/identitydrift/idrift'
        }
    }
}
