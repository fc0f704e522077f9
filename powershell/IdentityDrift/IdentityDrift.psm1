# IdentityDrift: the module script.
# It dot-sources Private/*.ps1 (Native.ps1 holds the only DllImport and the one caller of the native library)
# and Public/*.ps1 (one exported function per file, file name == function name), then exports exactly the
# functions the manifest lists. The native library is loaded on the first call, not here, so the module
# imports (and Get-Help works) even where bin/<rid>/ has not been built yet.

Set-StrictMode -Version 3.0

# The session state of Connect-Drift: @{ Connection = <IdentityDrift.Connection>; Source = <wire Source,
# without secrets>; Secrets = @{ AdPassword = <SecureString>; ClientSecret = <SecureString> } }.
$script:DriftSession = $null

foreach ($folder in @('Private', 'Public')) {
    $path = Join-Path -Path $PSScriptRoot -ChildPath $folder
    if (-not (Test-Path -LiteralPath $path)) {
        continue
    }
    foreach ($file in Get-ChildItem -LiteralPath $path -Filter '*.ps1' -File | Sort-Object -Property Name) {
        . $file.FullName
    }
}

$publicPath = Join-Path -Path $PSScriptRoot -ChildPath 'Public'
$publicNames = @(Get-ChildItem -LiteralPath $publicPath -Filter '*.ps1' -File | ForEach-Object { $_.BaseName })
Export-ModuleMember -Function $publicNames
