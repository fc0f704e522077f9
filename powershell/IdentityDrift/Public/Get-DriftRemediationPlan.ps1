function Get-DriftRemediationPlan {
    <#
    .SYNOPSIS
    Returns the remediation options for a user's findings, each with its benefits, risks and exact steps.

    .DESCRIPTION
    The plan of 'idrift plan': the user's findings from a fresh scan of the same data, and for the Exchange
    findings the remediation options (DeleteAndMerge, RemoveLicense, KeepCloudMailbox, AddRoutingAddressOnPrem,
    ReprovisionCloudAlias), each with benefits, drawbacks, the data at risk, preconditions, and ordered steps
    (the API call or the cmdlet line, marked automated or manual). One option is marked recommended. Planning
    changes nothing.

    Users bind from the pipeline by UserPrincipalName, so the findings of Invoke-DriftScan can be piped in; each
    user is planned once.

    .PARAMETER UserPrincipalName
    The user's UPN, in AD or Entra ID.

    .PARAMETER Option
    Returns only this option: DeleteAndMerge, RemoveLicense, KeepCloudMailbox, AddRoutingAddressOnPrem,
    ReprovisionCloudAlias.

    .PARAMETER RoutingDomain
    The hybrid routing domain (<tenant>.mail.onmicrosoft.com); detected from the data when not given.

    .PARAMETER SyncScope
    Distinguished names of the OUs in sync scope, as for Invoke-DriftScan.

    .PARAMETER OutOfScopeOU
    An OU outside the sync scope, where ReprovisionCloudAlias moves the user for a while.

    .PARAMETER RemoteHost
    The on-premises MRS endpoint used in migration and restore commands (e.g. mail.contoso.com).

    .PARAMETER DefaultRegion
    The region (ISO 3166 code) assumed for phone numbers without a country code.

    .PARAMETER SnapshotPath
    A snapshot directory (ad.ldif, entra-users.json, exo-recipients.json, exo-users.json, ...).

    .PARAMETER AdPath
    An LDIF export of the AD users.

    .PARAMETER EntraPath
    A Microsoft Graph user export (JSON).

    .PARAMETER ExoRecipientsPath
    Exchange Online recipients (Get-Recipient / Get-Mailbox / Get-MailUser output, JSON or Export-Clixml).

    .PARAMETER ExoUsersPath
    Exchange Online Get-User JSON.

    .PARAMETER Demo
    Uses the demo snapshot built into the library.

    .PARAMETER AllowIncomplete
    Reads a Graph export whose last page still carries @odata.nextLink, with a warning, instead of refusing
    it as incomplete (the idrift CLI's --allow-incomplete), for this command's source or the Connect-Drift one.

    .PARAMETER AllowEmpty
    Reads an AD or Entra source that holds no user, with a warning, instead of refusing it (--allow-empty).

    .EXAMPLE
    Get-DriftRemediationPlan testduplicate@contoso.com | Select-Object -ExpandProperty Options

    Shows every option for the user, with its steps.

    .EXAMPLE
    Invoke-DriftScan -MinimumSeverity Critical | Get-DriftRemediationPlan -RemoteHost mail.contoso.com

    Plans every user with a critical finding, with the migration endpoint filled into the steps.

    .EXAMPLE
    Get-DriftRemediationPlan testduplicate@contoso.com -Option RemoveLicense | Select-Object -ExpandProperty Options | Invoke-DriftRemediation -WhatIf

    Shows the steps of that option as Invoke-DriftRemediation would run them (each option carries its user).

    .OUTPUTS
    IdentityDrift.RemediationPlan: UserPrincipalName, Findings, Options, Recommended.
    #>
    [Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSReviewUnusedParameter', '', Justification = 'The source parameters are read through $PSBoundParameters.')]
    [CmdletBinding()]
    [OutputType('IdentityDrift.RemediationPlan')]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipelineByPropertyName)]
        [ValidateNotNullOrEmpty()]
        [string] $UserPrincipalName,

        [ValidateSet('DeleteAndMerge', 'RemoveLicense', 'KeepCloudMailbox', 'AddRoutingAddressOnPrem', 'ReprovisionCloudAlias')]
        [string] $Option,

        [ValidateNotNullOrEmpty()]
        [string] $RoutingDomain,

        [string[]] $SyncScope,

        [ValidateNotNullOrEmpty()]
        [string] $OutOfScopeOU,

        [ValidateNotNullOrEmpty()]
        [string] $RemoteHost,

        [ValidatePattern('^[A-Za-z]{2}$')]
        [string] $DefaultRegion,

        [ValidateNotNullOrEmpty()]
        [string] $SnapshotPath,

        [ValidateNotNullOrEmpty()]
        [string] $AdPath,

        [ValidateNotNullOrEmpty()]
        [string] $EntraPath,

        [ValidateNotNullOrEmpty()]
        [string] $ExoRecipientsPath,

        [ValidateNotNullOrEmpty()]
        [string] $ExoUsersPath,

        [switch] $Demo,

        [switch] $AllowIncomplete,

        [switch] $AllowEmpty
    )

    begin {
        $source = Resolve-DriftSource -BoundParameters $PSBoundParameters -Cmdlet $PSCmdlet
        $common = @{ Source = $source }
        foreach ($pair in @(
                @('Option', 'Option'), @('RoutingDomain', 'RoutingDomain'), @('OutOfScopeOU', 'OutOfScopeOu'),
                @('RemoteHost', 'RemoteHost'))) {
            if ($PSBoundParameters.ContainsKey($pair[0])) {
                $common[$pair[1]] = $PSBoundParameters[$pair[0]]
            }
        }
        if ($PSBoundParameters.ContainsKey('SyncScope')) {
            $common['SyncScope'] = @($SyncScope)
        }
        if ($PSBoundParameters.ContainsKey('DefaultRegion')) {
            $common['DefaultRegion'] = $DefaultRegion.ToUpperInvariant()
        }
        $seen = New-Object -TypeName 'System.Collections.Generic.HashSet[string]' -ArgumentList ([System.StringComparer]::OrdinalIgnoreCase)
    }

    process {
        $upn = $UserPrincipalName.Trim()
        if (-not $seen.Add($upn)) {
            return
        }
        $arguments = $common.Clone()
        $arguments['UserPrincipalName'] = $upn
        $ok = Resolve-DriftResponse -Response (Invoke-DriftNative -Op 'Plan' -Arguments $arguments) -Cmdlet $PSCmdlet -Target $upn
        if ($null -eq $ok) {
            return
        }
        foreach ($note in @(Get-DriftPropertyValue -InputObject $ok -Name 'Notes')) {
            if ($null -ne $note) {
                $PSCmdlet.WriteVerbose([string] $note)
            }
        }
        $options = @(Get-DriftPropertyValue -InputObject $ok -Name 'Options' | Where-Object { $null -ne $_ })
        foreach ($o in $options) {
            $o.PSObject.TypeNames.Insert(0, 'IdentityDrift.RemediationOption')
            # The option names its user and itself, so it pipes into Invoke-DriftRemediation by UserPrincipalName
            # and Option (not by an `Id` alias, which would capture the Id of Get-MgUser or Get-ADUser objects).
            Add-Member -InputObject $o -MemberType NoteProperty -Name 'UserPrincipalName' -Value $ok.UserPrincipalName -Force
            Add-Member -InputObject $o -MemberType NoteProperty -Name 'Option' -Value ([string] (Get-DriftPropertyValue -InputObject $o -Name 'Id')) -Force
        }
        $recommended = @($options | Where-Object { $_.Recommended } | ForEach-Object { $_.Id }) | Select-Object -First 1
        [pscustomobject]@{
            PSTypeName        = 'IdentityDrift.RemediationPlan'
            UserPrincipalName = $ok.UserPrincipalName
            Findings          = @(Get-DriftPropertyValue -InputObject $ok -Name 'Findings' | Where-Object { $null -ne $_ })
            Options           = $options
            Recommended       = $recommended
        }
    }
}
