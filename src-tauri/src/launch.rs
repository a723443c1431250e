//! Command-line options of the `messagerie` binary.

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
}
