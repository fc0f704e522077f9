function Connect-Drift {
    <#
    .SYNOPSIS
    Chooses the data IdentityDrift commands read for the rest of the session, and checks that it can be read.

    .DESCRIPTION
    Connect-Drift keeps a connection profile in the module for the session, so later commands need no source
    parameters. The profile names a snapshot directory (-SnapshotPath), a pair of export files (-AdPath with
    -EntraPath), the demo snapshot built into the library (-Demo), or live directories (-Server for Active
    Directory over LDAPS, Microsoft Graph for Entra ID, and with -ExchangeOnline Exchange Online).

    The data is read once to check it: the command fails, and keeps the previous profile, when a file is
    missing or cannot be parsed, or a directory refuses the connection. Reader warnings go to the warning
    stream.

    Credentials are taken in one order, the same as the idrift CLI's: the AD bind password from the environment
    variable named, then a password file (a profile's ad_password_file), then -Credential; the app's credential
    from the client secret variable named, then -ClientSecret, then the certificate. An explicit -Credential or
    -ClientSecret replaces where a profile says the secret is.

    Secrets are never shown and never kept in clear text: pass the AD bind account as a PSCredential
    (-Credential) or name an environment variable that holds its password (-BindAccount with
    -PasswordEnvironmentVariable); pass the app's client secret as a SecureString (-ClientSecret), name an
    environment variable (-ClientSecretEnvironmentVariable), or use a certificate (-CertificatePath). Without
    any, the library uses AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET or
    AZURE_CLIENT_CERTIFICATE_PATH, as the idrift CLI does. SecureStrings stay SecureStrings in the profile and
    are decrypted only to build each request.

    -Profile NAME takes the connection settings from a profile of the idrift CLI's configuration file (the
    same TOML file and format as 'idrift --profile NAME --config PATH'; by default $env:IDRIFT_CONFIG, else
    %APPDATA%\idrift\config.toml, else ~/.config/idrift/config.toml). A profile names where secrets are (an
    environment variable, a file), never the secrets; -Credential and -ClientSecret may supply them instead.
    Relative paths in the file are taken relative to the file's folder.

    The library keeps no state between calls; the profile lives in this PowerShell session only and is sent
    with every request. Disconnect-Drift forgets it.

    .PARAMETER SnapshotPath
    A snapshot directory holding ad.ldif and entra-users.json (and optionally entra-sync.json,
    exo-recipients.json, exo-users.json), as written by 'idrift snapshot take'.

    .PARAMETER AdPath
    An LDIF export of the AD users (ldapsearch -LLL or ldifde -f). Use with -EntraPath.

    .PARAMETER EntraPath
    A Microsoft Graph user export (Graph pages, a JSON array, or Get-MgUser | ConvertTo-Json). Use with -AdPath.

    .PARAMETER Demo
    Uses the demo snapshot built into the library.

    .PARAMETER ExoRecipientsPath
    Exchange Online recipients (Get-Recipient, Get-Mailbox or Get-MailUser output saved as JSON), replacing a
    snapshot's exo-recipients.json. Read by Invoke-DriftScan and Get-DriftRemediationPlan.

    .PARAMETER ExoUsersPath
    Exchange Online Get-User output saved as JSON (PreviousRecipientTypeDetails, SKUAssigned), replacing a
    snapshot's exo-users.json.

    .PARAMETER Server
    A domain controller: ldaps://dc1.corp.contoso.com (a bare host name means LDAPS on port 636), or
    ldap://host for StartTLS.

    .PARAMETER SearchBase
    Distinguished names of the subtrees to read users from (default: the whole domain).

    .PARAMETER LdapFilter
    An extra LDAP filter ANDed with the user filter, such as (department=Sales).

    .PARAMETER Credential
    The AD account to bind as, with its password. It needs read rights, and write rights on mobile and
    otherMobile for repairs.

    .PARAMETER BindAccount
    The AD account to bind as (DN, UPN or DOMAIN\user) when its password is in an environment variable.

    .PARAMETER PasswordEnvironmentVariable
    The environment variable holding the password of -BindAccount.

    .PARAMETER CaFile
    A PEM file of CA certificates to trust for LDAPS instead of the system store.

    .PARAMETER AllowPlaintext
    Allows ldap:// without TLS: the password and the directory data cross the network in clear text.

    .PARAMETER TenantId
    The Entra tenant (id or verified domain). Default: $env:AZURE_TENANT_ID.

    .PARAMETER ClientId
    The application (client) id of the app registration. Default: $env:AZURE_CLIENT_ID.

    .PARAMETER ClientSecret
    The app's client secret.

    .PARAMETER ClientSecretEnvironmentVariable
    The environment variable holding the app's client secret.

    .PARAMETER CertificatePath
    A PEM file with the app's certificate and private key.

    .PARAMETER ExchangeOnline
    Also reads Exchange Online (Get-Recipient and Get-User) live, for Invoke-DriftScan and
    Get-DriftRemediationPlan.

    .PARAMETER ExchangeOrganization
    The tenant's initial domain (contoso.onmicrosoft.com), for Exchange Online when -TenantId is a GUID.

    .PARAMETER AuthorityUrl
    The login authority of a national cloud (https://login.microsoftonline.us, https://login.chinacloudapi.cn).

    .PARAMETER GraphUrl
    Microsoft Graph of a national cloud, with its version (https://graph.microsoft.us/v1.0).

    .PARAMETER ExchangeUrl
    Exchange Online of a national cloud (https://outlook.office365.us).

    .PARAMETER TimeoutSeconds
    The longest one Microsoft Graph or Exchange Online request may take, retries and waits included (1 to
    3600; default 60), as the idrift CLI's --timeout.

    .PARAMETER AllowIncomplete
    Reads a Graph export whose last page still carries @odata.nextLink (one saved page of a longer list), with
    a warning, instead of refusing it as incomplete (the idrift CLI's --allow-incomplete).

    .PARAMETER AllowEmpty
    Reads an AD or Entra source that holds no user (an export or a live read), with a warning, instead of
    refusing it (the idrift CLI's --allow-empty).

    .PARAMETER SourceAnchor
    The source anchor Entra Connect matches users by, when it is not the default (mS-DS-ConsistencyGuid, else
    objectGUID): an AD attribute such as employeeID (the idrift CLI's --source-anchor, a profile's
    source_anchor). A string attribute is compared with onPremisesImmutableId as it is, a binary one in
    base64, as Entra Connect writes it. Without it, a warning says when most cloud immutable ids are not
    base64 GUIDs, which is the sign of a custom anchor.

    .PARAMETER ProfileName
    The name of a profile in the configuration file ([profiles.NAME]); -Profile works too.

    .PARAMETER ConfigPath
    The configuration file holding the profile (default: $env:IDRIFT_CONFIG, else the idrift CLI's default).

    .EXAMPLE
    Connect-Drift -SnapshotPath .\snapshot-2026-11-25

    Reads the snapshot, shows how many users it holds, and makes it the source of later commands.

    .EXAMPLE
    Connect-Drift -AdPath .\ad.ldif -EntraPath .\entra-users.json

    Uses two export files instead of a snapshot directory.

    .EXAMPLE
    Connect-Drift -Server dc1.corp.contoso.com -Credential (Get-Credential CORP\svc-idrift) -TenantId contoso.onmicrosoft.com -ClientId $appId -ClientSecret (Read-Host -AsSecureString)

    Connects to a domain controller over LDAPS and to Microsoft Graph with a client secret.

    .EXAMPLE
    Connect-Drift -Profile contoso -ExchangeOnline

    Connects with the settings of [profiles.contoso] in the idrift configuration file, as 'idrift --profile
    contoso' does.

    .EXAMPLE
    Connect-Drift -AdPath .\ad.ldif -EntraPath .\entra-users.json -SourceAnchor employeeID

    Matches AD and Entra users by employeeID, for a tenant whose Entra Connect uses it as the source anchor.

    .EXAMPLE
    Connect-Drift -Demo; Compare-DriftDirSyncOverrides -NoCsv

    Tries the module on the built-in demo data.

    .OUTPUTS
    IdentityDrift.Connection: Kind, Path, AdPath, EntraPath, ExoPath, ExoUsersPath, Server, TenantId,
    SourceAnchor, OnPremUsers, CloudUsers, HasTenantSync, ExoRecipients, ExoUsers, ConnectedAt, Profile.
    #>
    [Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSReviewUnusedParameter', '', Justification = 'The file source parameters are read through $PSBoundParameters by ConvertTo-DriftSource.')]
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Low', DefaultParameterSetName = 'Snapshot')]
    [OutputType('IdentityDrift.Connection')]
    param(
        [Parameter(Mandatory, Position = 0, ParameterSetName = 'Snapshot')]
        [ValidateNotNullOrEmpty()]
        [string] $SnapshotPath,

        [Parameter(Mandatory, ParameterSetName = 'Files')]
        [ValidateNotNullOrEmpty()]
        [string] $AdPath,

        [Parameter(Mandatory, ParameterSetName = 'Files')]
        [ValidateNotNullOrEmpty()]
        [string] $EntraPath,

        [Parameter(Mandatory, ParameterSetName = 'Demo')]
        [switch] $Demo,

        [Parameter(ParameterSetName = 'Snapshot')]
        [Parameter(ParameterSetName = 'Files')]
        [ValidateNotNullOrEmpty()]
        [string] $ExoRecipientsPath,

        [Parameter(ParameterSetName = 'Snapshot')]
        [Parameter(ParameterSetName = 'Files')]
        [ValidateNotNullOrEmpty()]
        [string] $ExoUsersPath,

        [Parameter(Mandatory, ParameterSetName = 'Live')]
        [ValidateNotNullOrEmpty()]
        [string] $Server,

        [Parameter(ParameterSetName = 'Live')]
        [string[]] $SearchBase,

        [Parameter(ParameterSetName = 'Live')]
        [ValidateNotNullOrEmpty()]
        [string] $LdapFilter,

        [Parameter(ParameterSetName = 'Live')]
        [Parameter(ParameterSetName = 'Profile')]
        [System.Management.Automation.PSCredential]
        [System.Management.Automation.Credential()]
        $Credential,

        [Parameter(ParameterSetName = 'Live')]
        [ValidateNotNullOrEmpty()]
        [string] $BindAccount,

        [Parameter(ParameterSetName = 'Live')]
        [ValidateNotNullOrEmpty()]
        [string] $PasswordEnvironmentVariable,

        [Parameter(ParameterSetName = 'Live')]
        [ValidateNotNullOrEmpty()]
        [string] $CaFile,

        [Parameter(ParameterSetName = 'Live')]
        [switch] $AllowPlaintext,

        [Parameter(ParameterSetName = 'Live')]
        [ValidateNotNullOrEmpty()]
        [string] $TenantId,

        [Parameter(ParameterSetName = 'Live')]
        [ValidateNotNullOrEmpty()]
        [string] $ClientId,

        [Parameter(ParameterSetName = 'Live')]
        [Parameter(ParameterSetName = 'Profile')]
        [System.Security.SecureString] $ClientSecret,

        [Parameter(ParameterSetName = 'Live')]
        [ValidateNotNullOrEmpty()]
        [string] $ClientSecretEnvironmentVariable,

        [Parameter(ParameterSetName = 'Live')]
        [ValidateNotNullOrEmpty()]
        [string] $CertificatePath,

        [Parameter(ParameterSetName = 'Live')]
        [Parameter(ParameterSetName = 'Profile')]
        [switch] $ExchangeOnline,

        [Parameter(ParameterSetName = 'Live')]
        [ValidateNotNullOrEmpty()]
        [string] $ExchangeOrganization,

        [Parameter(ParameterSetName = 'Live')]
        [ValidateNotNullOrEmpty()]
        [string] $AuthorityUrl,

        [Parameter(ParameterSetName = 'Live')]
        [ValidateNotNullOrEmpty()]
        [string] $GraphUrl,

        [Parameter(ParameterSetName = 'Live')]
        [ValidateNotNullOrEmpty()]
        [string] $ExchangeUrl,

        [Parameter(ParameterSetName = 'Live')]
        [Parameter(ParameterSetName = 'Profile')]
        [ValidateRange(1, 3600)]
        [int] $TimeoutSeconds,

        [Parameter(ParameterSetName = 'Snapshot')]
        [Parameter(ParameterSetName = 'Files')]
        [Parameter(ParameterSetName = 'Live')]
        [Parameter(ParameterSetName = 'Profile')]
        [switch] $AllowIncomplete,

        [Parameter(ParameterSetName = 'Snapshot')]
        [Parameter(ParameterSetName = 'Files')]
        [Parameter(ParameterSetName = 'Live')]
        [Parameter(ParameterSetName = 'Profile')]
        [switch] $AllowEmpty,

        [Parameter(ParameterSetName = 'Snapshot')]
        [Parameter(ParameterSetName = 'Files')]
        [Parameter(ParameterSetName = 'Live')]
        [Parameter(ParameterSetName = 'Profile')]
        [ValidateNotNullOrEmpty()]
        [string] $SourceAnchor,

        [Parameter(Mandatory, ParameterSetName = 'Profile')]
        [Alias('Profile')]
        [ValidateNotNullOrEmpty()]
        [string] $ProfileName,

        [Parameter(ParameterSetName = 'Profile')]
        [ValidateNotNullOrEmpty()]
        [string] $ConfigPath
    )

    $secrets = @{}
    if ($PSCmdlet.ParameterSetName -eq 'Live') {
        $url = $Server.Trim()
        if ($url -notmatch '^ldaps?://') {
            $url = "ldaps://$url"
        }
        $ad = @{ Url = $url; AllowPlaintext = [bool] $AllowPlaintext }
        if ($PSBoundParameters.ContainsKey('SearchBase')) {
            $ad['BaseDn'] = @($SearchBase)
        }
        if ($PSBoundParameters.ContainsKey('LdapFilter')) {
            $ad['Filter'] = $LdapFilter
        }
        if ($PSBoundParameters.ContainsKey('CaFile')) {
            $ad['CaFile'] = Resolve-DriftPath -Path $CaFile -Cmdlet $PSCmdlet
        }
        if ($PSBoundParameters.ContainsKey('Credential') -and $PSBoundParameters.ContainsKey('BindAccount')) {
            Stop-DriftCall -Cmdlet $PSCmdlet -Message 'Give the AD account once: -Credential, or -BindAccount with -PasswordEnvironmentVariable.'
        }
        if ($PSBoundParameters.ContainsKey('Credential')) {
            $ad['Bind'] = $Credential.UserName
            $secrets['AdPassword'] = $Credential.Password
        }
        elseif ($PSBoundParameters.ContainsKey('BindAccount')) {
            if (-not $PSBoundParameters.ContainsKey('PasswordEnvironmentVariable')) {
                Stop-DriftCall -Cmdlet $PSCmdlet -Message '-BindAccount needs -PasswordEnvironmentVariable (or pass -Credential instead).'
            }
            $ad['Bind'] = $BindAccount
            $ad['PasswordEnv'] = $PasswordEnvironmentVariable
        }
        $cloud = @{}
        foreach ($pair in @(
                @('TenantId', 'Tenant'), @('ClientId', 'ClientId'), @('ClientSecretEnvironmentVariable', 'ClientSecretEnv'),
                @('ExchangeOrganization', 'ExoOrganization'), @('AuthorityUrl', 'AuthorityUrl'), @('GraphUrl', 'GraphUrl'),
                @('ExchangeUrl', 'ExoUrl'))) {
            if ($PSBoundParameters.ContainsKey($pair[0])) {
                $cloud[$pair[1]] = [string] $PSBoundParameters[$pair[0]]
            }
        }
        if ($PSBoundParameters.ContainsKey('CertificatePath')) {
            $cloud['CertificatePath'] = Resolve-DriftPath -Path $CertificatePath -Cmdlet $PSCmdlet
        }
        if ($PSBoundParameters.ContainsKey('ClientSecret')) {
            $secrets['ClientSecret'] = $ClientSecret
        }
        if ($PSBoundParameters.ContainsKey('TimeoutSeconds')) {
            $cloud['TimeoutSeconds'] = $TimeoutSeconds
        }
        $source = @{ Kind = 'Live'; Ad = $ad; Graph = $true; Exo = [bool] $ExchangeOnline; Cloud = $cloud }
        $description = "Active Directory at $url and Microsoft Graph"
        if ($ExchangeOnline) {
            $description += ' and Exchange Online'
        }
    }
    elseif ($PSCmdlet.ParameterSetName -eq 'Profile') {
        $profileArgs = @{ Name = $ProfileName }
        if ($PSBoundParameters.ContainsKey('ConfigPath')) {
            $profileArgs['ConfigPath'] = Resolve-DriftPath -Path $ConfigPath -Cmdlet $PSCmdlet
        }
        $found = Resolve-DriftResponse -Response (Invoke-DriftNative -Op 'Profile.Get' -Arguments $profileArgs) -Cmdlet $PSCmdlet -Target $ProfileName
        if ($null -eq $found) {
            return
        }
        $source = ConvertTo-DriftProfileSource -Found $found -ExchangeOnline:$ExchangeOnline
        if ($PSBoundParameters.ContainsKey('Credential')) {
            if (-not $source.ContainsKey('Ad')) {
                Stop-DriftCall -Cmdlet $PSCmdlet -Message "Profile $ProfileName names no domain controller: -Credential has nothing to bind to."
            }
            # An explicit credential wins over where the profile says the password is (the library tries an
            # environment variable and a file before the password itself).
            $source.Ad['Bind'] = $Credential.UserName
            [void] $source.Ad.Remove('PasswordEnv')
            [void] $source.Ad.Remove('PasswordFile')
            $secrets['AdPassword'] = $Credential.Password
        }
        if ($PSBoundParameters.ContainsKey('ClientSecret')) {
            [void] $source.Cloud.Remove('ClientSecretEnv')
            $secrets['ClientSecret'] = $ClientSecret
        }
        if ($PSBoundParameters.ContainsKey('TimeoutSeconds')) {
            $source.Cloud['TimeoutSeconds'] = $TimeoutSeconds
        }
        $description = "profile $ProfileName ($($found.ConfigPath))"
    }
    else {
        $source = ConvertTo-DriftSource -BoundParameters $PSBoundParameters -Cmdlet $PSCmdlet
        if ($null -eq $source) {
            Stop-DriftCall -Cmdlet $PSCmdlet -Message 'Name the data: -SnapshotPath, -AdPath with -EntraPath, -Demo, or -Server for live directories.'
        }
        $description = switch ($source.Kind) {
            'Snapshot' { "snapshot $($source.Path)" }
            'Files' { "$($source.Ad) and $($source.Entra)" }
            default { 'the demo snapshot' }
        }
    }
    if ($source.Kind -ne 'Demo') {
        Add-DriftCompleteness -Source $source -BoundParameters $PSBoundParameters
        if ($PSBoundParameters.ContainsKey('SourceAnchor')) {
            $source['SourceAnchor'] = $SourceAnchor.Trim()
        }
    }
    if (-not $PSCmdlet.ShouldProcess($description, 'Use as the IdentityDrift data source for this session')) {
        return
    }

    $candidate = @{ Connection = $null; Source = $source; Secrets = $secrets }
    $previous = $script:DriftSession
    $script:DriftSession = $candidate
    try {
        $request = Get-DriftSessionSource
    }
    finally {
        $script:DriftSession = $previous
    }
    $response = Invoke-DriftNative -Op 'Source.Check' -Arguments @{ Source = $request }
    $ok = Resolve-DriftResponse -Response $response -Cmdlet $PSCmdlet -Target $description
    if ($null -eq $ok) {
        return
    }

    $connection = [pscustomobject]@{
        PSTypeName    = 'IdentityDrift.Connection'
        Kind          = $source.Kind
        Path          = if ($source.Kind -eq 'Snapshot') { $source.Path } else { $null }
        AdPath        = if ($source.Kind -eq 'Files') { $source.Ad } elseif ($source.ContainsKey('AdFile')) { $source.AdFile } else { $null }
        EntraPath     = if ($source.Kind -eq 'Files') { $source.Entra } else { $null }
        ExoPath       = if ($source.ContainsKey('Exo') -and $source.Kind -ne 'Live') { $source.Exo } else { $null }
        ExoUsersPath  = if ($source.ContainsKey('ExoUsers')) { $source.ExoUsers } else { $null }
        Server        = if ($source.Kind -eq 'Live' -and $source.ContainsKey('Ad')) { $source.Ad.Url } else { $null }
        TenantId      = if ($source.Kind -eq 'Live' -and $source.Cloud.ContainsKey('Tenant')) { $source.Cloud.Tenant } else { $null }
        SourceAnchor  = if ($source.ContainsKey('SourceAnchor')) { $source.SourceAnchor } else { $null }
        OnPremUsers   = Get-DriftPropertyValue -InputObject $ok -Name 'OnPremUsers'
        CloudUsers    = Get-DriftPropertyValue -InputObject $ok -Name 'CloudUsers'
        HasTenantSync = Get-DriftPropertyValue -InputObject $ok -Name 'HasTenantSync'
        ExoRecipients = Get-DriftPropertyValue -InputObject $ok -Name 'ExoRecipients'
        ExoUsers      = Get-DriftPropertyValue -InputObject $ok -Name 'ExoUsers'
        ConnectedAt   = Get-Date
        Profile       = if ($PSCmdlet.ParameterSetName -eq 'Profile') { $ProfileName } else { $null }
    }
    $candidate.Connection = $connection
    $script:DriftSession = $candidate
    $connection
}
