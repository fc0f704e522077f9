# Unit tests of Invoke-DriftRemediation (native call mocked): the dry run, the per-step questions, and the
# apply that carries only the approved steps.

BeforeAll {
    . (Join-Path -Path (Split-Path -Path $PSScriptRoot -Parent) -ChildPath 'TestHelpers.ps1')
    Import-Module -Name (Get-DriftTestManifestPath) -Force

    $script:dryRun = '{"Command": "plan DeleteAndMerge u@contoso.com", "UserPrincipalName": "u@contoso.com", "Option": "DeleteAndMerge", "Recommended": true, "DataAtRisk": "x", "Preconditions": [], "Applied": false, "Writes": 0, "JournalPath": null, "Steps": [
        {"Order": 1, "Op": "exo.recordExchangeGuid", "Kind": "Record", "Action": "Record", "Command": "Get-Mailbox", "Target": "obj-1", "Status": "Pending", "Label": "pending", "ThisRun": false},
        {"Order": 2, "Op": "graph.deleteUser", "Kind": "Write", "Action": "Delete", "Command": "DELETE", "Target": "obj-1", "Status": "Pending", "Label": "pending", "ThisRun": false},
        {"Order": 3, "Op": "graph.purgeDeletedUser", "Kind": "Write", "Action": "Purge", "Command": "DELETE", "Target": "obj-1", "Status": "Pending", "Label": "pending", "ThisRun": false},
        {"Order": 4, "Op": "manual", "Kind": "Manual", "Action": "Sync", "Command": "Start-ADSyncSyncCycle", "Target": "u@contoso.com", "Status": "Pending", "Label": "pending", "ThisRun": false},
        {"Order": 5, "Op": "graph.assignLicense", "Kind": "Write", "Action": "License", "Command": "POST", "Target": "obj-1", "Status": "Pending", "Label": "pending", "ThisRun": false}]}'
    $script:applied = '{"Command": "plan DeleteAndMerge u@contoso.com", "UserPrincipalName": "u@contoso.com", "Option": "DeleteAndMerge", "Applied": true, "Stop": "Manual", "StoppedAt": 4, "Writes": 2, "ActsOn": "the snapshot", "JournalPath": "/tmp/j.jsonl", "Notes": ["Stopped at step 4"], "Steps": [
        {"Order": 4, "Op": "manual", "Kind": "Manual", "Action": "Sync", "Command": "Start-ADSyncSyncCycle", "Target": "u@contoso.com", "Status": "InDoubt", "Label": "waiting", "ThisRun": true}]}'
}

AfterAll {
    Remove-Module -Name IdentityDrift -Force -ErrorAction SilentlyContinue
}

Describe 'Invoke-DriftRemediation' {
    BeforeEach {
        Mock -CommandName Invoke-DriftNative -ModuleName IdentityDrift -MockWith {
            if ($Arguments.Apply) {
                ConvertTo-DriftTestResponse -Json $script:applied
            }
            else {
                ConvertTo-DriftTestResponse -Json $script:dryRun
            }
        }
    }

    It 'sends only the dry run with -WhatIf' {
        $out = Invoke-DriftRemediation -UserPrincipalName 'u@contoso.com' -Option DeleteAndMerge -Demo -WhatIf
        $out | Should -BeNullOrEmpty
        Should -Invoke -CommandName Invoke-DriftNative -ModuleName IdentityDrift -Times 1 -Exactly -ParameterFilter {
            $Op -eq 'Remediation.Apply' -and $Arguments.Apply -eq $false -and $Arguments.Option -eq 'DeleteAndMerge' -and $Arguments.UserPrincipalName -eq 'u@contoso.com'
        }
        Should -Invoke -CommandName Invoke-DriftNative -ModuleName IdentityDrift -Times 0 -Exactly -ParameterFilter { $Arguments.Apply -eq $true }
    }

    It 'approves the writes up to the manual step, by order and target, and warns with the resume command' {
        $run = Invoke-DriftRemediation -UserPrincipalName 'u@contoso.com' -Option DeleteAndMerge -SnapshotPath $TestDrive -Confirm:$false -WarningVariable warnings -WarningAction SilentlyContinue
        Should -Invoke -CommandName Invoke-DriftNative -ModuleName IdentityDrift -Times 1 -Exactly -ParameterFilter {
            $Arguments.Apply -eq $true -and @($Arguments.Approve).Count -eq 2 -and
            $Arguments.Approve[0].Order -eq 2 -and $Arguments.Approve[0].Target -eq 'obj-1' -and
            $Arguments.Approve[1].Order -eq 3 -and @($Arguments.ManualDone).Count -eq 0 -and $Arguments.JournalPath
        }
        $run.PSObject.TypeNames[0] | Should -Be 'IdentityDrift.RemediationRun'
        $run.Stop | Should -Be 'Manual'
        $run.StoppedAt | Should -Be 4
        $run.Steps[0].PSObject.TypeNames[0] | Should -Be 'IdentityDrift.RemediationStep'
        $run.Steps[0].Status | Should -Be 'waiting'
        $run.ResumeCommand | Should -BeLike "Invoke-DriftRemediation -UserPrincipalName 'u@contoso.com' -Option DeleteAndMerge -Resume '/tmp/j.jsonl' -SnapshotPath *"
        "$warnings" | Should -BeLike '*Stopped at step 4, which is manual*-Resume*'
    }

    It 'binds the user and the option from an option object on the pipeline, once per user' {
        # Get-DriftRemediationPlan's options carry UserPrincipalName and Option.
        $option = [pscustomobject]@{ Id = 'DeleteAndMerge'; Option = 'DeleteAndMerge'; UserPrincipalName = 'u@contoso.com' }
        $null = @($option, $option) | Invoke-DriftRemediation -Demo -WhatIf
        Should -Invoke -CommandName Invoke-DriftNative -ModuleName IdentityDrift -Times 1 -Exactly -ParameterFilter { $Arguments.Option -eq 'DeleteAndMerge' }
    }

    It 'does not take the Id of a user object (Get-MgUser) as the option' {
        $user = [pscustomobject]@{ Id = 'DeleteAndMerge'; UserPrincipalName = 'u@contoso.com' }
        { $user | Invoke-DriftRemediation -Demo -WhatIf -ErrorAction Stop } | Should -Throw
        Should -Invoke -CommandName Invoke-DriftNative -ModuleName IdentityDrift -Times 0 -Exactly
    }

    It 'names the object of each step in the ShouldProcess target' {
        InModuleScope IdentityDrift {
            Format-DriftRemediationTarget -UserPrincipalName 'u@contoso.com' -ObjectId 'obj-1' | Should -Be 'u@contoso.com (obj-1)'
            Format-DriftRemediationTarget -UserPrincipalName 'u@contoso.com' -ObjectId 'u@contoso.com' | Should -Be 'u@contoso.com'
        }
    }

    It 'refuses -Resume with -JournalPath' {
        { Invoke-DriftRemediation -UserPrincipalName 'u@contoso.com' -Option DeleteAndMerge -Resume 'j.jsonl' -JournalPath 'k.jsonl' -Demo -WhatIf } | Should -Throw '*leave out -JournalPath*'
    }
}
