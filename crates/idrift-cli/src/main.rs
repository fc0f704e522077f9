//! The `idrift` binary: everything lives in the library so that tests can drive it in-process.
fn main() -> std::process::ExitCode {
    idrift_cli::main()
}
