//! How the CLI talks to a terminal: whether standard output and standard error are terminals, whether to
//! colour them, how wide the screen is, and whether `--quiet` silences everything but errors.
//!
//! Colour follows clap's and anstream's conventions: `--color never|always` wins; with `--color auto` (the
//! default) `NO_COLOR` (set and not empty) turns colour off, `CLICOLOR_FORCE` (set and not `0`) turns it on
//! even for a pipe, `CLICOLOR=0` or `TERM=dumb` turn it off, and otherwise a stream is coloured only when it
//! is a terminal. Files and pipes never get escape codes unless forced.

use clap::ValueEnum;

/// The `--color` choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub(crate) enum ColorChoice {
    /// Colour when the stream is a terminal, honouring NO_COLOR and CLICOLOR_FORCE.
    #[default]
    Auto,
    /// Always colour (even into a pipe or file).
    Always,
    /// Never colour.
    Never,
}

/// What the CLI knows about its output streams; built once at start-up, adjusted by the global flags.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Term {
    /// Standard output is a terminal.
    pub(crate) stdout_is_terminal: bool,
    /// Standard error is a terminal.
    pub(crate) stderr_is_terminal: bool,
    /// Columns of the terminal standard output goes to (`None` when it is not a terminal).
    pub(crate) width: Option<usize>,
    /// Write escape codes to standard output.
    pub(crate) color_out: bool,
    /// Write escape codes to standard error.
    pub(crate) color_err: bool,
    /// `--quiet`: nothing on standard error but errors.
    pub(crate) quiet: bool,
}

impl Term {
    /// Probes the process's real standard output and error.
    pub(crate) fn detect() -> Term {
        let out = console::Term::stdout();
        let err = console::Term::stderr();
        let stdout_is_terminal = out.is_term();
        Term {
            stdout_is_terminal,
            stderr_is_terminal: err.is_term(),
            width: if stdout_is_terminal {
                out.size_checked().map(|(_, cols)| usize::from(cols))
            } else {
                None
            },
            color_out: false,
            color_err: false,
            quiet: false,
        }
    }

    /// Applies the global flags and the colour variables of the environment.
    pub(crate) fn configure(
        mut self,
        choice: ColorChoice,
        quiet: bool,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Term {
        self.color_out = use_color(choice, self.stdout_is_terminal, env);
        self.color_err = use_color(choice, self.stderr_is_terminal, env);
        self.quiet = quiet;
        if self.stdout_is_terminal
            && let Some(cols) = env("COLUMNS").and_then(|c| c.trim().parse::<usize>().ok())
            && cols > 0
        {
            self.width = Some(cols);
        }
        self
    }
}

/// Whether a stream gets escape codes.
pub(crate) fn use_color(
    choice: ColorChoice,
    is_terminal: bool,
    env: &dyn Fn(&str) -> Option<String>,
) -> bool {
    match choice {
        ColorChoice::Never => false,
        ColorChoice::Always => true,
        ColorChoice::Auto => {
            if env("NO_COLOR").is_some_and(|v| !v.is_empty()) {
                return false;
            }
            if env("CLICOLOR_FORCE").is_some_and(|v| !v.is_empty() && v != "0") {
                return true;
            }
            if env("CLICOLOR").is_some_and(|v| v == "0") {
                return false;
            }
            if env("TERM").is_some_and(|v| v == "dumb") {
                return false;
            }
            is_terminal
        }
    }
}

/// The `--color` value given on a command line that clap could not parse (so that even usage errors
/// follow it). The last occurrence wins, as clap does; an unknown value counts as `auto`.
pub(crate) fn color_from_args(args: &[std::ffi::OsString]) -> ColorChoice {
    let mut choice = ColorChoice::Auto;
    let mut iter = args.iter().skip(1).map(|a| a.to_string_lossy());
    while let Some(arg) = iter.next() {
        if arg == "--" {
            break;
        }
        let value = if let Some(v) = arg.strip_prefix("--color=") {
            Some(v.to_owned())
        } else if arg == "--color" {
            iter.next().map(|v| v.into_owned())
        } else {
            None
        };
        if let Some(v) = value {
            choice = ColorChoice::from_str(&v, true).unwrap_or(ColorChoice::Auto);
        }
    }
    choice
}

/// Writes `error:` (red and bold when coloured) as the start of an error line.
pub(crate) fn error_label(color: bool) -> String {
    if color {
        let style = anstyle::Style::new()
            .bold()
            .fg_color(Some(anstyle::AnsiColor::Red.into()));
        format!("{style}error:{style:#}")
    } else {
        "error:".to_owned()
    }
}

#[cfg(test)]
mod tests;
