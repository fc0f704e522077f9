# PSScriptAnalyzer settings for the IdentityDrift module and its tests.
# Run where pwsh exists:
#   Invoke-ScriptAnalyzer -Path powershell -Recurse -Settings powershell/PSScriptAnalyzerSettings.psd1
# On machines without pwsh, `cargo test -p xtask` (xtask/src/pwsh.rs) checks parsing, exports, help and
# ShouldProcess instead.
@{
    Severity            = @('Error', 'Warning', 'Information')
    IncludeDefaultRules = $true
    ExcludeRules        = @()
    Rules               = @{
        # The module supports Windows PowerShell 5.1 and PowerShell 7 (docs/adr/0005-powershell-5-1-support.md).
        PSUseCompatibleSyntax      = @{
            Enable         = $true
            TargetVersions = @('5.1', '7.4')
        }
        PSUseCompatibleCmdlets     = @{
            Compatibility = @(
                'desktop-5.1.14393.206-windows'
                'core-6.1.0-windows'
                'core-6.1.0-linux'
            )
        }
        # Add-Type compiles C#; it is blocked under Constrained Language Mode unless the module is signed
        # (docs/adr/0006-add-type-vs-signed-shim.md).
        PSUseConstrainedLanguageMode = @{
            Enable = $true
        }
        PSPlaceOpenBrace           = @{
            Enable             = $true
            OnSameLine         = $true
            NewLineAfter       = $true
            IgnoreOneLineBlock = $true
        }
        PSPlaceCloseBrace          = @{
            Enable             = $true
            NewLineAfter       = $true
            IgnoreOneLineBlock = $true
            NoEmptyLineBefore  = $false
        }
        PSUseConsistentIndentation = @{
            Enable              = $true
            IndentationSize     = 4
            PipelineIndentation = 'IncreaseIndentationForFirstPipeline'
            Kind                = 'space'
        }
        PSUseConsistentWhitespace  = @{
            Enable                          = $true
            CheckInnerBrace                 = $true
            CheckOpenBrace                  = $true
            CheckOpenParen                  = $true
            CheckOperator                   = $false
            CheckPipe                       = $true
            CheckSeparator                  = $true
            CheckParameter                  = $false
        }
        PSAvoidUsingCmdletAliases  = @{
            Enable = $true
        }
        PSProvideCommentHelp       = @{
            Enable                  = $true
            ExportedOnly            = $true
            BlockComment            = $true
            VSCodeSnippetCorrection = $false
            Placement               = 'begin'
        }
    }
}
