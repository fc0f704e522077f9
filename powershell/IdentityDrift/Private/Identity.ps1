# Private/Identity.ps1: which value names the user, for the per-user DirSyncOverrides commands.
# An explicit -Identity wins. From the pipeline, Get-ADUser objects bring DistinguishedName, ObjectGUID and
# UserPrincipalName; Get-MgUser objects bring Id and UserPrincipalName; rows of the compare CSV bring
# UserPrincipalName, DistinguishedName and ObjectId (the Entra object id). AD is asked by the most precise AD
# key, Entra ID by the Entra object id, and both fall back to the UPN.

function Resolve-DriftIdentity {
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory)]
        [System.Collections.IDictionary] $BoundParameters,

        [Parameter(Mandatory)]
        [ValidateSet('AD', 'Entra')]
        [string] $Side,

        # The current pipeline item ($_) and whether -Identity was given on the call: -Identity takes plain
        # strings from the pipeline, but PowerShell also converts any object to a string for it, so a
        # non-string item that bound -Identity (and nothing else) does not count as naming the user.
        [AllowNull()]
        [object] $PipelineItem,

        [bool] $IdentityFromCall = $true
    )

    $order = if ($Side -eq 'AD') {
        @('Identity', 'DistinguishedName', 'ObjectGUID', 'UserPrincipalName')
    }
    else {
        @('Identity', 'ObjectId', 'UserPrincipalName')
    }
    $skipIdentity = (-not $IdentityFromCall) -and ($null -ne $PipelineItem) -and ($PipelineItem -isnot [string])
    foreach ($name in $order) {
        if ($name -eq 'Identity' -and $skipIdentity) {
            continue
        }
        if ($BoundParameters.ContainsKey($name)) {
            $value = [string] $BoundParameters[$name]
            if (-not [string]::IsNullOrWhiteSpace($value)) {
                return $value.Trim()
            }
        }
    }
    $null
}

function Write-DriftMissingIdentity {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)]
        [System.Management.Automation.PSCmdlet] $Cmdlet,

        [Parameter(Mandatory)]
        [ValidateSet('AD', 'Entra')]
        [string] $Side
    )

    $names = if ($Side -eq 'AD') { '-Identity, -DistinguishedName, -ObjectGUID or -UserPrincipalName' } else { '-Identity, -ObjectId or -UserPrincipalName' }
    $exception = New-Object -TypeName 'System.ArgumentException' -ArgumentList "Name the user: $names."
    $record = New-Object -TypeName 'System.Management.Automation.ErrorRecord' -ArgumentList @(
        $exception
        'IdentityDrift.MissingIdentity'
        [System.Management.Automation.ErrorCategory]::InvalidArgument
        $null
    )
    $Cmdlet.WriteError($record)
}
