//! What the CLI's in-process tests share: one way to run `idrift` with a fixed clock and captured output.

use std::process::ExitCode;

use crate::{Ctx, run_with};

/// The exit code and the captured stdout and stderr of one in-process run.
pub(crate) struct Out {
    pub(crate) code: ExitCode,
    pub(crate) out: String,
    pub(crate) err: String,
}

/// Runs `idrift ARGS` in process with no environment, the given clock and whether stdin is a terminal.
pub(crate) fn run(args: &[&str], terminal: bool, now_unix: i64) -> Out {
    let env = |_: &str| None;
    let mut argv = vec!["idrift"];
    argv.extend_from_slice(args);
    let (code, out, err) = with_ctx(&env, terminal, now_unix, |ctx| run_with(argv, ctx));
    Out { code, out, err }
}

/// Hands `f` a context with the given environment, clock and terminal flag, writing to buffers, and returns
/// what `f` returned with the captured stdout and stderr.
pub(crate) fn with_ctx<R>(
    env: &dyn Fn(&str) -> Option<String>,
    terminal: bool,
    now_unix: i64,
    f: impl FnOnce(Ctx<'_>) -> R,
) -> (R, String, String) {
    let mut out = Vec::new();
    let mut err = Vec::new();
    let mut retained = crate::Retained::default();
    let ctx = Ctx {
        out: &mut out,
        err: &mut err,
        stdin_is_terminal: terminal,
        now_unix,
        env,
        term: crate::term::Term::default(),
        retained: &mut retained,
        progress: None,
        csv_bom: false,
        warnings: Vec::new(),
    };
    let r = f(ctx);
    (
        r,
        String::from_utf8(out).unwrap(),
        String::from_utf8(err).unwrap(),
    )
}
