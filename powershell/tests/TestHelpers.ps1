# Shared helpers of the Pester tests (dot-sourced; not a test file itself).

function Get-DriftTestManifestPath {
    # `cargo xtask pester` points IDRIFT_MODULE_MANIFEST at the staged module (target/dist/IdentityDrift), so
    # the tests run against what ships; otherwise they use the source tree.
    if ($env:IDRIFT_MODULE_MANIFEST) {
        return $env:IDRIFT_MODULE_MANIFEST
    }
    Join-Path -Path (Split-Path -Path $PSScriptRoot -Parent) -ChildPath 'IdentityDrift/IdentityDrift.psd1'
}

function Get-DriftRepositoryRoot {
    Split-Path -Path (Split-Path -Path $PSScriptRoot -Parent) -Parent
}

function ConvertTo-DriftTestResponse {
    # A response as Invoke-DriftNative returns it, for mocks. -Json is the library's Ok (or Err) payload.
    param(
        [int] $Status = 0,
        [string] $Json = '{}',
        [string[]] $Warnings = @(),
        [string] $Op = 'Test'
    )
    $payload = ConvertFrom-Json -InputObject $Json
    [pscustomobject]@{
        PSTypeName = 'IdentityDrift.NativeResponse'
        Op         = $Op
        Status     = $Status
        Ok         = if ($Status -eq 0) { $payload } else { $null }
        Err        = if ($Status -ne 0) { $payload } else { $null }
        Warnings   = $Warnings
    }
}

function Start-DriftTestEmulator {
    # Starts the cloud emulator's server (IDRIFT_CLOUD_EMULATOR, built by cargo xtask pester) with the `serve`
    # options given, and returns the process and the URLs it announces on its first line.
    param(
        [Parameter(Mandatory)]
        [string] $Arguments
    )
    $start = New-Object -TypeName 'System.Diagnostics.ProcessStartInfo'
    $start.FileName = $env:IDRIFT_CLOUD_EMULATOR
    $start.Arguments = "serve --port 0 $Arguments"
    $start.UseShellExecute = $false
    $start.RedirectStandardOutput = $true
    $process = [System.Diagnostics.Process]::Start($start)
    [pscustomobject]@{
        Process = $process
        Urls    = $process.StandardOutput.ReadLine() | ConvertFrom-Json
    }
}

function Stop-DriftTestEmulator {
    param(
        [AllowNull()]
        [object] $Emulator
    )
    if ($null -ne $Emulator -and -not $Emulator.Process.HasExited) {
        $Emulator.Process.Kill()
        $Emulator.Process.WaitForExit()
    }
}
