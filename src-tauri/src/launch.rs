//! Command-line options of the `messagerie` binary, and what it does before any window:
//! `--help` and `--version` print and exit, and without a graphical session it says so in one
//! line and exits instead of letting GTK panic (see [`before_window`]).

use std::ffi::OsString;

/// What the command line asked for.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct LaunchOptions {
    /// `--demo`: open the app on the embedded demo ENT. Accepted now so that `make run` keeps
    /// one spelling; the demo ENT itself is wired by a later issue.
    pub demo: bool,
    /// Arguments we do not know; logged and ignored, so a stray flag never stops the app.
    pub ignored: Vec<String>,
}

/// Reads the options from the arguments that follow the program name.
pub fn parse(args: impl IntoIterator<Item = String>) -> LaunchOptions {
    let mut options = LaunchOptions::default();
    for arg in args {
        match arg.as_str() {
            "--demo" => options.demo = true,
            _ => options.ignored.push(arg),
        }
    }
    options
}

/// The line printed on stderr when there is no graphical session to open the window in.
pub const NO_DISPLAY_MESSAGE: &str =
    "Messagerie a besoin d'une session graphique (DISPLAY ou WAYLAND_DISPLAY)";

/// The exit code without a graphical session: 69, `EX_UNAVAILABLE` of BSD's `sysexits.h` (« a
/// service is unavailable »), distinct from 1 (the app started and failed) so that a script can
/// tell the two apart. The man page and `--help` say it.
pub const NO_DISPLAY_EXIT_CODE: i32 = 69;

/// Whether this platform's windows need `DISPLAY` or `WAYLAND_DISPLAY`: the X11/Wayland
/// desktops (GTK). Windows and macOS always have their own window system.
const NEEDS_DISPLAY_VARIABLE: bool = cfg!(any(
    target_os = "linux",
    target_os = "freebsd",
    target_os = "dragonfly",
    target_os = "netbsd",
    target_os = "openbsd"
));

/// The binary's answer when it must not open a window: what to print, where, and the exit code.
#[derive(Debug, PartialEq, Eq)]
pub struct EarlyExit {
    /// The text, newline included.
    pub text: String,
    /// Printed on stderr (an error) rather than stdout (what was asked for).
    pub to_stderr: bool,
    pub code: i32,
}

impl EarlyExit {
    /// Prints the text and ends the process with the code.
    pub fn print_and_exit(self) -> ! {
        use std::io::Write as _;
        // A closed pipe (`messagerie --help | head -1`) is no reason to panic.
        let _ = if self.to_stderr {
            std::io::stderr().write_all(self.text.as_bytes())
        } else {
            std::io::stdout().write_all(self.text.as_bytes())
        };
        std::process::exit(self.code)
    }
}

/// What the binary does before the app starts: `Some` when it must print and exit (`--help`,
/// `--version`, or no graphical session), `None` to open the window. `env` reads the
/// environment (`std::env::var_os` in the binary). `--help` and `--version` work without a
/// display, so that they can be read over SSH or in a terminal-only session.
pub fn before_window(args: &[String], env: impl Fn(&str) -> Option<OsString>) -> Option<EarlyExit> {
    decide(args, &env, NEEDS_DISPLAY_VARIABLE)
}

fn decide(
    args: &[String],
    env: &dyn Fn(&str) -> Option<OsString>,
    needs_display: bool,
) -> Option<EarlyExit> {
    if args.iter().any(|a| a == "--help" || a == "-h") {
        return Some(EarlyExit {
            text: help(english(env)),
            to_stderr: false,
            code: 0,
        });
    }
    if args.iter().any(|a| a == "--version" || a == "-V") {
        return Some(EarlyExit {
            text: format!("messagerie {}\n", env!("CARGO_PKG_VERSION")),
            to_stderr: false,
            code: 0,
        });
    }
    let set = |name: &str| env(name).is_some_and(|value| !value.is_empty());
    if needs_display && !set("DISPLAY") && !set("WAYLAND_DISPLAY") {
        return Some(EarlyExit {
            text: format!("{NO_DISPLAY_MESSAGE}\n"),
            to_stderr: true,
            code: NO_DISPLAY_EXIT_CODE,
        });
    }
    None
}

/// The help speaks French, as the window does by default, and English when the locale is
/// English (the first of `LC_ALL`, `LC_MESSAGES`, `LANG` that is set, as POSIX reads them).
fn english(env: &dyn Fn(&str) -> Option<OsString>) -> bool {
    ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|name| env(name))
        .find(|value| !value.is_empty())
        .is_some_and(|locale| locale.to_string_lossy().starts_with("en"))
}

fn help(english: bool) -> String {
    let version = env!("CARGO_PKG_VERSION");
    if english {
        format!(
            "Messagerie {version}: the messaging of your school's ENT, on the desktop\n\
             \n\
             Usage: messagerie [--demo]\n\
             \n\
             \x20 --demo         open the app on the built-in demo ENT (no account needed)\n\
             \x20 -h, --help     print this help and exit\n\
             \x20 -V, --version  print the version and exit\n\
             \n\
             Without a graphical session (neither DISPLAY nor WAYLAND_DISPLAY) it says so and\n\
             exits with code {NO_DISPLAY_EXIT_CODE}. More: man messagerie\n"
        )
    } else {
        format!(
            "Messagerie {version} : la messagerie de l'ENT de votre établissement, sur le bureau\n\
             \n\
             Utilisation : messagerie [--demo]\n\
             \n\
             \x20 --demo         ouvre l'application sur l'ENT de démonstration (sans compte)\n\
             \x20 -h, --help     affiche cette aide et quitte\n\
             \x20 -V, --version  affiche la version et quitte\n\
             \n\
             Sans session graphique (ni DISPLAY ni WAYLAND_DISPLAY), elle le dit et quitte avec\n\
             le code {NO_DISPLAY_EXIT_CODE}. Plus de détails : man messagerie\n"
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn no_argument_means_the_normal_app() {
        assert_eq!(parse(args(&[])), LaunchOptions::default());
    }

    #[test]
    fn demo_flag_is_accepted() {
        let options = parse(args(&["--demo"]));
        assert!(options.demo);
        assert!(options.ignored.is_empty());
    }

    #[test]
    fn unknown_arguments_are_kept_aside_instead_of_failing() {
        let options = parse(args(&["--demo", "--frobnicate", "x"]));
        assert!(options.demo);
        assert_eq!(options.ignored, args(&["--frobnicate", "x"]));
    }

    fn environment(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<OsString> {
        let vars: Vec<(String, OsString)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), OsString::from(v)))
            .collect();
        move |name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    }

    #[test]
    fn help_and_version_print_on_stdout_and_exit_zero_even_without_a_display() {
        let no_display = environment(&[]);
        for flag in ["--help", "-h"] {
            let exit = decide(&args(&[flag]), &no_display, true).expect("help exits");
            assert_eq!((exit.to_stderr, exit.code), (false, 0));
            assert!(
                exit.text.contains("Utilisation : messagerie"),
                "{}",
                exit.text
            );
            assert!(exit.text.contains("--demo"), "{}", exit.text);
        }
        for flag in ["--version", "-V"] {
            let exit = decide(&args(&[flag]), &no_display, true).expect("version exits");
            assert_eq!(
                exit,
                EarlyExit {
                    text: format!("messagerie {}\n", env!("CARGO_PKG_VERSION")),
                    to_stderr: false,
                    code: 0,
                }
            );
        }
    }

    #[test]
    fn help_is_in_english_when_the_locale_is_english() {
        let english = environment(&[("LANG", "en_GB.UTF-8"), ("DISPLAY", ":0")]);
        let exit = decide(&args(&["--help"]), &english, true).expect("help exits");
        assert!(exit.text.contains("Usage: messagerie"), "{}", exit.text);
        // LC_ALL wins over LANG.
        let french = environment(&[("LC_ALL", "fr_FR.UTF-8"), ("LANG", "en_US.UTF-8")]);
        let exit = decide(&args(&["--help"]), &french, true).expect("help exits");
        assert!(exit.text.contains("Utilisation"), "{}", exit.text);
    }

    #[test]
    fn without_display_one_line_on_stderr_and_code_69() {
        for vars in [vec![], vec![("DISPLAY", ""), ("WAYLAND_DISPLAY", "")]] {
            let exit = decide(&args(&["--demo"]), &environment(&vars), true).expect("exits");
            assert_eq!(
                exit,
                EarlyExit {
                    text:
                        "Messagerie a besoin d'une session graphique (DISPLAY ou WAYLAND_DISPLAY)\n"
                            .into(),
                    to_stderr: true,
                    code: 69,
                }
            );
        }
    }

    #[test]
    fn x11_or_wayland_is_enough_and_other_systems_need_neither() {
        for vars in [[("DISPLAY", ":0")], [("WAYLAND_DISPLAY", "wayland-0")]] {
            assert_eq!(decide(&args(&["--demo"]), &environment(&vars), true), None);
        }
        assert_eq!(decide(&args(&[]), &environment(&[]), false), None);
    }
}
