# Private/Response.ps1: turns a native response into PowerShell's streams.
# Warnings go to the warning stream; status 1 becomes a non-terminating error whose FullyQualifiedErrorId is
# IdentityDrift.<Kind> with a matching ErrorCategory; status 2 (a bug in the library) becomes a terminating
# error. On success the Ok payload is returned.

function Get-DriftErrorCategory {
    [CmdletBinding()]
    [OutputType([System.Management.Automation.ErrorCategory])]
    param(
        [Parameter(Mandatory)]
        [AllowEmptyString()]
        [string] $Kind
    )

    switch -Wildcard ($Kind) {
        'Read' { return [System.Management.Automation.ErrorCategory]::ReadError }
        'Write' { return [System.Management.Automation.ErrorCategory]::WriteError }
        'Parse' { return [System.Management.Automation.ErrorCategory]::InvalidData }
        'MissingFile' { return [System.Management.Automation.ErrorCategory]::ObjectNotFound }
        'Invalid' { return [System.Management.Automation.ErrorCategory]::InvalidArgument }
        'InvalidArgs' { return [System.Management.Automation.ErrorCategory]::InvalidArgument }
        'BadRequest' { return [System.Management.Automation.ErrorCategory]::ProtocolError }
        'UnsupportedVersion' { return [System.Management.Automation.ErrorCategory]::NotImplemented }
        'UnknownOp' { return [System.Management.Automation.ErrorCategory]::NotImplemented }
        'RequestTooLarge' { return [System.Management.Automation.ErrorCategory]::LimitsExceeded }
        'Source.Unauthorized' { return [System.Management.Automation.ErrorCategory]::PermissionDenied }
        'Source.Throttled' { return [System.Management.Automation.ErrorCategory]::LimitsExceeded }
        'Source.Unavailable' { return [System.Management.Automation.ErrorCategory]::ConnectionError }
        'Source.Tls' { return [System.Management.Automation.ErrorCategory]::SecurityError }
        'Source.Incomplete' { return [System.Management.Automation.ErrorCategory]::ReadError }
        'Source.InvalidData' { return [System.Management.Automation.ErrorCategory]::InvalidData }
        'Source.NotFound' { return [System.Management.Automation.ErrorCategory]::ObjectNotFound }
        'Source.Refused' { return [System.Management.Automation.ErrorCategory]::PermissionDenied }
        'Source.Conflict' { return [System.Management.Automation.ErrorCategory]::ResourceBusy }
        default { return [System.Management.Automation.ErrorCategory]::NotSpecified }
    }
}

function Get-DriftPropertyValue {
    [CmdletBinding()]
    param(
        [AllowNull()]
        [object] $InputObject,

        [Parameter(Mandatory)]
        [string] $Name
    )

    if ($null -eq $InputObject) {
        return $null
    }
    $property = $InputObject.PSObject.Properties[$Name]
    if ($null -eq $property) {
        return $null
    }
    $property.Value
}

function Resolve-DriftResponse {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)]
        [object] $Response,

        [Parameter(Mandatory)]
        [System.Management.Automation.PSCmdlet] $Cmdlet,

        [AllowNull()]
        [object] $Target
    )

    foreach ($warning in @(Get-DriftPropertyValue -InputObject $Response -Name 'Warnings')) {
        if ($null -ne $warning) {
            $Cmdlet.WriteWarning([string] $warning)
        }
    }

    $status = Get-DriftPropertyValue -InputObject $Response -Name 'Status'
    if ($status -eq 0) {
        return (Get-DriftPropertyValue -InputObject $Response -Name 'Ok')
    }

    $err = Get-DriftPropertyValue -InputObject $Response -Name 'Err'
    $kind = [string] (Get-DriftPropertyValue -InputObject $err -Name 'Kind')
    $message = [string] (Get-DriftPropertyValue -InputObject $err -Name 'Message')
    if ([string]::IsNullOrEmpty($kind)) {
        $kind = 'Internal'
    }
    if ([string]::IsNullOrEmpty($message)) {
        $message = "The IdentityDrift native library returned status $status without an error message."
    }
    $exception = New-Object -TypeName 'System.Exception' -ArgumentList $message
    $record = New-Object -TypeName 'System.Management.Automation.ErrorRecord' -ArgumentList @(
        $exception
        "IdentityDrift.$kind"
        (Get-DriftErrorCategory -Kind $kind)
        $Target
    )
    if ($status -eq 1) {
        $Cmdlet.WriteError($record)
        return
    }
    $Cmdlet.ThrowTerminatingError($record)
}
