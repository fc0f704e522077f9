//! Colour decisions and the `--color` pre-scan.

use super::*;

fn env_of(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
    move |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| (*v).to_owned())
    }
}

#[test]
fn auto_colours_only_a_terminal() {
    let none = env_of(&[]);
    assert!(use_color(ColorChoice::Auto, true, &none));
    assert!(!use_color(ColorChoice::Auto, false, &none));
}

#[test]
fn no_color_wins_over_a_terminal_and_clicolor_force_over_a_pipe() {
    // (stdout is a terminal, the one variable set, its value, coloured)
    for (terminal, name, value, coloured) in [
        (true, "NO_COLOR", "1", false),
        (true, "NO_COLOR", "", true),
        (false, "CLICOLOR_FORCE", "1", true),
        (false, "CLICOLOR_FORCE", "0", false),
        (true, "CLICOLOR", "0", false),
        (true, "TERM", "dumb", false),
    ] {
        let env = |n: &str| (n == name).then(|| value.to_owned());
        assert_eq!(
            use_color(ColorChoice::Auto, terminal, &env),
            coloured,
            "{name}={value:?}, terminal {terminal}"
        );
    }
}

#[test]
fn the_flag_wins_over_the_environment() {
    let forced = env_of(&[("CLICOLOR_FORCE", "1")]);
    assert!(!use_color(ColorChoice::Never, true, &forced));
    let no = env_of(&[("NO_COLOR", "1")]);
    assert!(use_color(ColorChoice::Always, false, &no));
}

#[test]
fn color_is_found_on_a_command_line_clap_rejects() {
    let args = |v: &[&str]| -> Vec<std::ffi::OsString> { v.iter().map(Into::into).collect() };
    assert_eq!(
        color_from_args(&args(&["idrift", "--bogus", "--color", "always"])),
        ColorChoice::Always
    );
    assert_eq!(
        color_from_args(&args(&["idrift", "--color=never", "scan"])),
        ColorChoice::Never
    );
    assert_eq!(
        color_from_args(&args(&["idrift", "--", "--color=never"])),
        ColorChoice::Auto
    );
}

#[test]
fn configure_takes_the_width_from_columns_only_on_a_terminal() {
    let env = env_of(&[("COLUMNS", "61")]);
    let tty = Term {
        stdout_is_terminal: true,
        stderr_is_terminal: true,
        width: Some(80),
        ..Term::default()
    }
    .configure(ColorChoice::Auto, true, &env);
    assert_eq!(tty.width, Some(61));
    assert!(tty.quiet && tty.color_out && tty.color_err);
    let pipe = Term::default().configure(ColorChoice::Auto, false, &env);
    assert_eq!(pipe.width, None);
    assert!(!pipe.color_out);
}

#[test]
fn labels_carry_escape_codes_only_when_coloured() {
    assert_eq!(error_label(false), "error:");
    assert!(error_label(true).contains("\u{1b}["));
}
