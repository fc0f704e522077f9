//! The `idrift` binary: everything lives in the library so that tests can drive it in-process.

/// mimalloc: reading a large export allocates millions of small strings on several threads, where the
/// system allocator spent a fifth of `dirsync compare`'s time (`perf`, 1M users). Its large regions use
/// transparent huge pages unless free memory is too fragmented for them (see `idrift_cli::huge_pages`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    idrift_cli::huge_pages::choose();
    let mut retained = idrift_cli::Retained::default();
    let code = idrift_cli::main(&mut retained);
    // The process ends with the command: returning a million users to the allocator string by string
    // would only delay the exit by a good part of a second.
    std::mem::forget(retained);
    code
}
