# Unit tests of the private response handling: every wire error kind maps to an ErrorCategory, and statuses map
# to the right kind of PowerShell error.

BeforeAll {
    . (Join-Path -Path (Split-Path -Path $PSScriptRoot -Parent) -ChildPath 'TestHelpers.ps1')
    Import-Module -Name (Get-DriftTestManifestPath) -Force
}

AfterAll {
    Remove-Module -Name IdentityDrift -Force -ErrorAction SilentlyContinue
}

Describe 'Get-DriftErrorCategory' {
    It 'maps <Kind> to <Category>' -ForEach @(
        @{ Kind = 'Read'; Category = 'ReadError' }
        @{ Kind = 'Write'; Category = 'WriteError' }
        @{ Kind = 'Parse'; Category = 'InvalidData' }
        @{ Kind = 'MissingFile'; Category = 'ObjectNotFound' }
        @{ Kind = 'Invalid'; Category = 'InvalidArgument' }
        @{ Kind = 'InvalidArgs'; Category = 'InvalidArgument' }
        @{ Kind = 'BadRequest'; Category = 'ProtocolError' }
        @{ Kind = 'UnknownOp'; Category = 'NotImplemented' }
        @{ Kind = 'RequestTooLarge'; Category = 'LimitsExceeded' }
        @{ Kind = 'Source.Unauthorized'; Category = 'PermissionDenied' }
        @{ Kind = 'Source.Unavailable'; Category = 'ConnectionError' }
        @{ Kind = 'Something.New'; Category = 'NotSpecified' }
    ) {
        InModuleScope IdentityDrift -Parameters @{ Kind = $Kind } {
            param($Kind)
            Get-DriftErrorCategory -Kind $Kind
        } | Should -Be $Category
    }
}

Describe 'Resolve-DriftResponse' {
    It 'returns Ok on status 0' {
        $ok = InModuleScope IdentityDrift -Parameters @{ Response = (ConvertTo-DriftTestResponse -Json '{"A": 1}') } {
            param($Response)
            function Test-Resolve {
                [CmdletBinding()]
                param($Response)
                Resolve-DriftResponse -Response $Response -Cmdlet $PSCmdlet
            }
            Test-Resolve -Response $Response
        }
        $ok.A | Should -Be 1
    }

    It 'treats an unknown status like an internal failure' {
        $caught = $null
        try {
            InModuleScope IdentityDrift -Parameters @{ Response = (ConvertTo-DriftTestResponse -Status 7 -Json '{}') } {
                param($Response)
                function Test-Resolve {
                [CmdletBinding()]
                param($Response)
                Resolve-DriftResponse -Response $Response -Cmdlet $PSCmdlet
            }
                Test-Resolve -Response $Response
            }
        }
        catch {
            $caught = $_
        }
        $caught.FullyQualifiedErrorId | Should -BeLike 'IdentityDrift.Internal*'
        $caught.Exception.Message | Should -BeLike '*status 7*'
    }
}
