//! The `idrift` binary: everything lives in the library so that tests can drive it in-process.

/// mimalloc: reading a large export allocates millions of small strings on several threads, where the
/// system allocator spent a fifth of `dirsync compare`'s time (`perf`, 1M users). Built without transparent
/// huge pages (the workspace's `no_thp` feature): their page-fault compaction cost more system time than the
/// larger pages saved.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    let mut retained = idrift_cli::Retained::default();
    let code = idrift_cli::main(&mut retained);
    // The process ends with the command: returning a million users to the allocator string by string
    // would only delay the exit by a good part of a second.
    std::mem::forget(retained);
    code
}
