# Private/Native.ps1: the one place that touches the native library (idrift_ffi).
#
# It resolves bin/<rid>/ with .NET runtime identifiers (win-x64, linux-x64, osx-arm64, ...), compiles the
# DllImport declarations once per session with Add-Type (guarded, because a type cannot be redefined), checks
# the ABI version, and offers Invoke-DriftNative: JSON request in, parsed JSON response out. Requests and
# responses travel as UTF-8 byte buffers (pointer + length), which works the same on Windows PowerShell 5.1
# (no Marshal.PtrToStringUTF8 there) and PowerShell 7. The response buffer belongs to the library and is
# returned to it with idrift_buf_free in a finally block, whatever happens while it is read. The call runs on
# a thread-pool thread (IdentityDrift.PendingCall) while the session's thread polls idrift_progress for the
# call's token and shows Write-Progress, so long reads (LDAP and Graph paging, throttling waits) are visible.
# docs/wire-protocol.md describes the envelope; crates/idrift-ffi/src/abi.rs the exports. The xtask check
# `cargo test -p xtask` compares the declarations below with that file.

$script:DriftAbiVersion = 2
$script:DriftWireVersion = 1

function Get-DriftRuntimeIdentifier {
    [CmdletBinding()]
    [OutputType([string])]
    param()

    $onWindows = ($PSVersionTable.PSEdition -eq 'Desktop') -or ((Test-Path -LiteralPath 'Variable:IsWindows') -and $IsWindows)
    if ($onWindows) {
        # The architecture of this process (x86 for a 32-bit PowerShell on a 64-bit Windows).
        switch ($env:PROCESSOR_ARCHITECTURE) {
            'AMD64' { return 'win-x64' }
            'ARM64' { return 'win-arm64' }
            'x86' { return 'win-x86' }
            default { throw "IdentityDrift does not support the Windows architecture '$($env:PROCESSOR_ARCHITECTURE)'." }
        }
    }
    $os = if ((Test-Path -LiteralPath 'Variable:IsMacOS') -and $IsMacOS) { 'osx' } else { 'linux' }
    $arch = [System.Runtime.InteropServices.RuntimeInformation]::ProcessArchitecture.ToString()
    switch ($arch) {
        'X64' { return "$os-x64" }
        'Arm64' { return "$os-arm64" }
        default { throw "IdentityDrift does not support the $os architecture '$arch'." }
    }
}

function Get-DriftNativeLibraryPath {
    [CmdletBinding()]
    [OutputType([string])]
    param()

    $rid = Get-DriftRuntimeIdentifier
    $file = switch -Wildcard ($rid) {
        'win-*' { 'idrift_ffi.dll' }
        'osx-*' { 'libidrift_ffi.dylib' }
        default { 'libidrift_ffi.so' }
    }
    $moduleRoot = Split-Path -Path $PSScriptRoot -Parent
    Join-Path -Path (Join-Path -Path (Join-Path -Path $moduleRoot -ChildPath 'bin') -ChildPath $rid) -ChildPath $file
}

function Initialize-DriftNative {
    [Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSUseConstrainedLanguageMode', '', Justification = 'Add-Type is the interop layer; signing for Constrained Language Mode is docs/adr/0006-add-type-vs-signed-shim.md.')]
    [CmdletBinding()]
    [OutputType([void])]
    param()

    $library = Get-DriftNativeLibraryPath
    $loaded = 'IdentityDrift.Native' -as [type]
    if ($null -eq $loaded) {
        if (-not (Test-Path -LiteralPath $library -PathType Leaf)) {
            throw "IdentityDrift native library not found at $library. Build it with 'cargo xtask dist' in the IdentityDrift repository, or install a release of the module that contains bin/$(Get-DriftRuntimeIdentifier)/."
        }
        $literal = $library.Replace('"', '""')
        $source = @"
using System;
using System.Runtime.InteropServices;

namespace IdentityDrift
{
    [StructLayout(LayoutKind.Sequential)]
    public struct IdriftBuf
    {
        public IntPtr Ptr;
        public UIntPtr Len;
        public UIntPtr Cap;
    }

    public static class Native
    {
        public const string LibraryPath = @"$literal";

        [DllImport(LibraryPath, EntryPoint = "idrift_call", CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern int idrift_call(byte[] req, UIntPtr reqLen, out IdriftBuf buf);

        [DllImport(LibraryPath, EntryPoint = "idrift_buf_free", CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern void idrift_buf_free(IdriftBuf buf);

        [DllImport(LibraryPath, EntryPoint = "idrift_progress", CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern int idrift_progress(byte[] token, UIntPtr tokenLen, out IdriftBuf buf);

        [DllImport(LibraryPath, EntryPoint = "idrift_abi_version", CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern uint idrift_abi_version();
    }

    // One idrift_call on a thread-pool thread, so that the session's thread can poll idrift_progress and
    // show Write-Progress while the call runs. Buffer and Status are set when the task has completed.
    public sealed class PendingCall
    {
        private readonly byte[] request;
        public IdriftBuf Buffer;
        public int Status = -1;

        public PendingCall(byte[] request)
        {
            this.request = request;
        }

        public System.Threading.Tasks.Task Start()
        {
            return System.Threading.Tasks.Task.Run(() =>
            {
                Status = Native.idrift_call(request, new UIntPtr((ulong)request.Length), out Buffer);
            });
        }
    }
}
"@
        Add-Type -TypeDefinition $source -Language CSharp
        $loaded = 'IdentityDrift.Native' -as [type]
    }
    elseif ($loaded::LibraryPath -ne $library) {
        Write-Warning "IdentityDrift is using the native library loaded earlier in this session from $($loaded::LibraryPath), not $library. Start a new session to use the other one."
    }

    $abi = $loaded::idrift_abi_version()
    if ($abi -ne $script:DriftAbiVersion) {
        throw "The IdentityDrift native library at $($loaded::LibraryPath) speaks ABI version $abi; this module needs version $($script:DriftAbiVersion). Rebuild it with 'cargo xtask dist' or reinstall the module."
    }
}

# A call that runs longer than this shows Write-Progress with what the library reports: pages and items read,
# waits for throttling, writes handled (polled every DriftProgressPollMilliseconds).
$script:DriftProgressDelayMilliseconds = 1000
$script:DriftProgressPollMilliseconds = 200
# The Write-Progress id of a native call's progress (per-item loops use 1 and 2).
$script:DriftNativeProgressId = 3

function Read-DriftNativeBuffer {
    [Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSUseConstrainedLanguageMode', '', Justification = 'Marshalling the byte buffers needs .NET methods; see docs/adr/0006-add-type-vs-signed-shim.md.')]
    [CmdletBinding()]
    [OutputType([string])]
    param(
        # A buffer the library filled; the caller releases it with idrift_buf_free.
        [Parameter(Mandatory)]
        [object] $Buffer,

        [Parameter(Mandatory)]
        [string] $Op
    )

    # The buffer's UTF-8 text, or $null when the library wrote nothing.
    $length = $Buffer.Len.ToUInt64()
    if ($Buffer.Ptr -eq [IntPtr]::Zero -or $length -eq 0) {
        return $null
    }
    if ($length -gt [uint64] [int]::MaxValue) {
        throw "The IdentityDrift native library returned a response of $length bytes to $Op, more than PowerShell can hold in one array."
    }
    $out = New-Object -TypeName 'byte[]' -ArgumentList ([int] $length)
    [System.Runtime.InteropServices.Marshal]::Copy($Buffer.Ptr, $out, 0, $out.Length)
    [System.Text.Encoding]::UTF8.GetString($out)
}

function Get-DriftNativeProgress {
    [Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSUseConstrainedLanguageMode', '', Justification = 'Marshalling the byte buffers needs .NET methods; see docs/adr/0006-add-type-vs-signed-shim.md.')]
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param(
        [Parameter(Mandatory)]
        [string] $Token
    )

    $bytes = [System.Text.Encoding]::UTF8.GetBytes($Token)
    $buffer = New-Object -TypeName 'IdentityDrift.IdriftBuf'
    $text = 'null'
    try {
        $null = [IdentityDrift.Native]::idrift_progress($bytes, [UIntPtr]::new([uint64] $bytes.Length), [ref] $buffer)
        $read = Read-DriftNativeBuffer -Buffer $buffer -Op 'idrift_progress'
        if ($null -ne $read) {
            $text = $read
        }
    }
    finally {
        [IdentityDrift.Native]::idrift_buf_free($buffer)
    }
    ConvertFrom-Json -InputObject $text
}

function Format-DriftProgressStatus {
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory)]
        [pscustomobject] $Progress
    )

    if ($null -ne $Progress.Waiting) {
        $w = $Progress.Waiting
        return ('{0}: {1} (waiting {2} s)' -f $w.What, $w.Cause, $w.Seconds)
    }
    if ($null -ne $Progress.Step) {
        $s = $Progress.Step
        return ('Handled {0} of {1} operation(s): {2}' -f $s.Done, $s.Total, $s.Target)
    }
    if ($null -ne $Progress.Read) {
        $r = $Progress.Read
        $word = if ($r.Pages -eq 1) { 'page' } else { 'pages' }
        return ('{0}: {1} read ({2} {3})' -f $r.Source, $r.Items, $r.Pages, $word)
    }
    'Working'
}

function Invoke-DriftNative {
    [Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSUseConstrainedLanguageMode', '', Justification = 'Marshalling the byte buffers needs .NET methods; see docs/adr/0006-add-type-vs-signed-shim.md.')]
    [CmdletBinding()]
    [OutputType('IdentityDrift.NativeResponse')]
    param(
        [Parameter(Mandatory)]
        [string] $Op,

        [System.Collections.IDictionary] $Arguments = @{}
    )

    Initialize-DriftNative

    # A name for this call, so the session's thread can ask the library how far it has got.
    $token = [guid]::NewGuid().ToString('N')
    $request = [ordered]@{ V = $script:DriftWireVersion; Op = $Op; Args = $Arguments; Progress = $token }
    $json = ConvertTo-Json -InputObject $request -Depth 32 -Compress
    $bytes = [System.Text.Encoding]::UTF8.GetBytes($json)
    $call = New-Object -TypeName 'IdentityDrift.PendingCall' -ArgumentList (, $bytes)
    $activity = "IdentityDrift: $Op"
    $status = -1
    $text = $null
    $shown = $false
    $task = $call.Start()
    try {
        $clock = [System.Diagnostics.Stopwatch]::StartNew()
        $seq = -1
        while (-not $task.Wait($script:DriftProgressPollMilliseconds)) {
            if ($clock.ElapsedMilliseconds -lt $script:DriftProgressDelayMilliseconds) {
                continue
            }
            $progress = Get-DriftNativeProgress -Token $token
            if ($null -eq $progress -or $progress.Seq -eq $seq) {
                continue
            }
            $seq = $progress.Seq
            $bar = @{ Activity = $activity; Id = $script:DriftNativeProgressId; Status = (Format-DriftProgressStatus -Progress $progress) }
            if ($null -ne $progress.Step -and $progress.Step.Total -gt 0) {
                $bar['PercentComplete'] = [int] (100 * $progress.Step.Done / $progress.Step.Total)
            }
            Write-Progress @bar
            $shown = $true
        }
    }
    finally {
        # Stopping the command (Ctrl+C) cannot stop the library mid-call: wait for it, so that its response
        # buffer is read and released, and a write in progress is journaled, never abandoned.
        $null = $task.Wait([System.Threading.Timeout]::Infinite)
        if ($shown) {
            Write-Progress -Activity $activity -Id $script:DriftNativeProgressId -Completed
        }
    }

    $buffer = $call.Buffer
    try {
        $status = $call.Status
        $text = Read-DriftNativeBuffer -Buffer $buffer -Op $Op
        if ($null -eq $text) {
            throw "The IdentityDrift native library returned no response to $Op (status $status)."
        }
    }
    finally {
        [IdentityDrift.Native]::idrift_buf_free($buffer)
    }

    $envelope = ConvertFrom-Json -InputObject $text
    $names = @($envelope.PSObject.Properties | ForEach-Object { $_.Name })
    # Assigned first: an `if` as a hashtable value unrolls an array to $null or a scalar.
    $warnings = @()
    if ($names -contains 'Warnings') {
        $warnings = @($envelope.Warnings)
    }
    [pscustomobject]@{
        PSTypeName = 'IdentityDrift.NativeResponse'
        Op         = $Op
        Status     = $status
        Ok         = if ($names -contains 'Ok') { $envelope.Ok } else { $null }
        Err        = if ($names -contains 'Err') { $envelope.Err } else { $null }
        Warnings   = $warnings
    }
}
