//! The `idrift` binary: everything lives in the library so that tests can drive it in-process.

/// mimalloc: reading a large export allocates millions of small strings on several threads, where the
/// system allocator spent a fifth of `dirsync compare`'s time (`perf`, 1M users). Its large regions use
/// transparent huge pages unless free memory is too fragmented for them (see `idrift_cli::huge_pages`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay` (its place in `mi_option_t` of mimalloc 3, which libmimalloc-sys 0.1.49
/// builds).
const PURGE_DELAY: std::ffi::c_int = 15;

// mimalloc's option functions, linked with the allocator. (libmimalloc-sys declares them behind its
// `extended` feature, which needs the `cty` crate.)
#[allow(
    unsafe_code,
    reason = "mimalloc's options are set through its C interface"
)]
unsafe extern "C" {
    #[cfg(test)]
    fn mi_option_get(option: std::ffi::c_int) -> std::ffi::c_long;
    fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
}

/// Memory the readers free (their blocks and per-part buffers) is kept for reuse instead of being returned
/// to the system a second later (mimalloc's default purge delay) and faulted in, zeroed, again: a 1M-user
/// compare took 1,154 page faults instead of 4,753, and 0.95 s of system time instead of 1.65 s. A command
/// is one short process; its memory goes back at exit. `MIMALLOC_PURGE_DELAY` still decides when set.
fn keep_freed_memory() {
    #[expect(
        clippy::disallowed_methods,
        reason = "mimalloc reads its own variable before main: the allocator's door, not configuration"
    )]
    let user_set = std::env::var_os("MIMALLOC_PURGE_DELAY").is_some();
    if !user_set {
        #[allow(
            unsafe_code,
            reason = "mimalloc's options are set through its C interface"
        )]
        // SAFETY: `mi_option_set` stores one option value; it runs first in `main`, before any other thread.
        unsafe {
            mi_option_set(PURGE_DELAY, -1);
        }
    }
}

fn main() -> std::process::ExitCode {
    idrift_cli::huge_pages::choose();
    keep_freed_memory();
    let mut retained = idrift_cli::Retained::default();
    let code = idrift_cli::main(&mut retained);
    // The process ends with the command: returning a million users to the allocator string by string
    // would only delay the exit by a good part of a second.
    std::mem::forget(retained);
    code
}

#[cfg(test)]
mod tests {
    #[test]
    #[allow(
        unsafe_code,
        reason = "reads mimalloc's option through its C interface"
    )]
    fn the_purge_delay_option_is_the_one_set() {
        // The purge delay's default is 1,000 ms, and no other option of mimalloc 3 has that default: a
        // mimalloc whose options moved fails here instead of having another option set.
        // SAFETY: `mi_option_get` reads one option value.
        let default = unsafe { super::mi_option_get(super::PURGE_DELAY) };
        assert_eq!(default, 1000);
    }
}
