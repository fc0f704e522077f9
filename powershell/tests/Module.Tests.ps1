# Module-level checks: the manifest, the exports, and help and ShouldProcess for every exported function.
# They need no native library. On machines without pwsh, xtask/src/pwsh.rs checks the same rules statically.

BeforeDiscovery {
    . (Join-Path -Path $PSScriptRoot -ChildPath 'TestHelpers.ps1')
    $exported = @((Import-PowerShellDataFile -Path (Get-DriftTestManifestPath)).FunctionsToExport)
}

BeforeAll {
    . (Join-Path -Path $PSScriptRoot -ChildPath 'TestHelpers.ps1')
    $manifestPath = Get-DriftTestManifestPath
    $moduleRoot = Split-Path -Path $manifestPath -Parent
    $manifest = Import-PowerShellDataFile -Path $manifestPath
    Import-Module -Name $manifestPath -Force
    $writerVerbs = @('Add', 'Clear', 'Connect', 'Disable', 'Disconnect', 'Enable', 'Install', 'Invoke', 'Move', 'New',
        'Publish', 'Register', 'Remove', 'Rename', 'Reset', 'Restore', 'Set', 'Start', 'Stop', 'Uninstall',
        'Unregister', 'Update', 'Write')
    $highImpactVerbs = @('Clear', 'Remove', 'Reset', 'Restore', 'Set')
}

AfterAll {
    Remove-Module -Name IdentityDrift -Force -ErrorAction SilentlyContinue
}

Describe 'The IdentityDrift manifest' {
    It 'passes Test-ModuleManifest' {
        { Test-ModuleManifest -Path $manifestPath -ErrorAction Stop } | Should -Not -Throw
    }

    It 'supports Windows PowerShell 5.1 and PowerShell 7' {
        $manifest.PowerShellVersion | Should -Be '5.1'
        @($manifest.CompatiblePSEditions) | Sort-Object | Should -Be @('Core', 'Desktop')
    }

    It 'exports exactly the functions in Public/*.ps1, without wildcards' {
        $files = @(Get-ChildItem -Path (Join-Path -Path $moduleRoot -ChildPath 'Public') -Filter '*.ps1' | ForEach-Object { $_.BaseName } | Sort-Object)
        @($manifest.FunctionsToExport | Sort-Object) | Should -Be $files
        @((Get-Command -Module IdentityDrift -CommandType Function).Name | Sort-Object) | Should -Be $files
        $manifest.FunctionsToExport | Where-Object { $_ -like '*`**' } | Should -BeNullOrEmpty
    }

    It 'exports no cmdlets, variables or aliases' {
        @($manifest.CmdletsToExport).Count | Should -Be 0
        @($manifest.VariablesToExport).Count | Should -Be 0
        @($manifest.AliasesToExport).Count | Should -Be 0
    }

    It 'has the gallery metadata' {
        $manifest.PrivateData.PSData.Tags | Should -Not -BeNullOrEmpty
        $manifest.PrivateData.PSData.LicenseUri | Should -Not -BeNullOrEmpty
        $manifest.PrivateData.PSData.ProjectUri | Should -Not -BeNullOrEmpty
    }

    It 'loads its format file' {
        $manifest.FormatsToProcess | ForEach-Object {
            Join-Path -Path $moduleRoot -ChildPath $_ | Should -Exist
        }
        Get-FormatData -TypeName 'IdentityDrift.DirSyncOverride' | Should -Not -BeNullOrEmpty
    }
}

Describe '<_>' -ForEach $exported {
    BeforeAll {
        $name = $_
        $command = Get-Command -Name $name -Module IdentityDrift
        $help = Get-Help -Name $name -Full
        $common = @([System.Management.Automation.PSCmdlet]::CommonParameters) + @([System.Management.Automation.PSCmdlet]::OptionalCommonParameters)
    }

    It 'has a synopsis' {
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -BeLike "$name *" -Because 'a synopsis that repeats the syntax means the help block was not found'
    }

    It 'has a description' {
        ($help.Description | Out-String).Trim() | Should -Not -BeNullOrEmpty
    }

    It 'has at least one example' {
        @($help.Examples.Example).Count | Should -BeGreaterThan 0
        ($help.Examples.Example[0].Code | Out-String).Trim() | Should -Not -BeNullOrEmpty
    }

    It 'documents its outputs' {
        ($help.returnValues | Out-String).Trim() | Should -Not -BeNullOrEmpty
    }

    It 'documents every parameter' {
        foreach ($parameter in $command.Parameters.Keys | Where-Object { $_ -notin $common }) {
            $entry = $help.Parameters.Parameter | Where-Object { $_.Name -eq $parameter }
            ($entry.Description | Out-String).Trim() | Should -Not -BeNullOrEmpty -Because "-$parameter needs a .PARAMETER section"
        }
    }

    It 'supports -WhatIf and -Confirm when it changes state' {
        $verb = ($name -split '-')[0]
        if ($writerVerbs -contains $verb) {
            $command.Parameters.ContainsKey('WhatIf') | Should -BeTrue
            $command.Parameters.ContainsKey('Confirm') | Should -BeTrue
        }
        if ($highImpactVerbs -contains $verb -or $name -eq 'Invoke-DriftRemediation') {
            $binding = $command.ScriptBlock.Attributes | Where-Object { $_ -is [System.Management.Automation.CmdletBindingAttribute] }
            $binding.ConfirmImpact | Should -Be 'High'
        }
    }
}
