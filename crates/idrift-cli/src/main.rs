//! The `idrift` binary: everything lives in the library so that tests can drive it in-process.
fn main() -> std::process::ExitCode {
    let mut retained = idrift_cli::Retained::default();
    let code = idrift_cli::main(&mut retained);
    // The process ends with the command: returning a million users to the allocator string by string
    // would only delay the exit by a good part of a second.
    std::mem::forget(retained);
    code
}
