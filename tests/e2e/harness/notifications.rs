//! Reads `Notify` calls out of dbus-monitor's text output.
//!
//! A call looks like this (arguments indented by three spaces, strings double-quoted and
//! printed as they are, so a string may run over several lines):
//! ```text
//! method call time=… sender=:1.5 -> destination=org.freedesktop.Notifications serial=7
//!   path=/org/freedesktop/Notifications; interface=org.freedesktop.Notifications; member=Notify
//!    string "Messagerie"
//!    uint32 0
//!    string "mail-unread"
//!    string "summary"
//!    string "body"
//!    array [ … ] …
//! ```

/// One desktop notification as the app sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    pub app_name: String,
    pub summary: String,
    pub body: String,
    /// The names of its hints (`urgency`, `sound-name`, `suppress-sound`…), in order.
    pub hints: Vec<String>,
}

/// Every `Notify` method call in `log`, oldest first.
pub fn parse_monitor_log(log: &str) -> Vec<Notification> {
    messages(log)
        .filter(|(header, _)| header.starts_with("method call") && header.contains("member=Notify"))
        .filter_map(|(_, args)| notification(&args))
        .collect()
}

/// Splits the log into (header line, argument lines) per message; headers start at column 0.
fn messages(log: &str) -> impl Iterator<Item = (String, Vec<String>)> + '_ {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for line in log.lines() {
        let is_header = ["method call ", "method return ", "signal ", "error "]
            .iter()
            .any(|start| line.starts_with(start));
        if is_header {
            out.push((line.to_owned(), Vec::new()));
        } else if let Some((_, args)) = out.last_mut() {
            args.push(line.to_owned());
        }
    }
    out.into_iter()
}

/// Top-level arguments start with exactly three spaces and a type name.
fn top_level_args(lines: &[String]) -> Vec<String> {
    let mut args: Vec<String> = Vec::new();
    for line in lines {
        // An array's closing `]` sits at its argument's indentation but belongs to it.
        let starts_arg = line.starts_with("   ")
            && !line.starts_with("    ")
            && !line.trim_start().starts_with(']');
        if starts_arg || args.is_empty() {
            args.push(line.trim_start().to_owned());
        } else if let Some(last) = args.last_mut() {
            last.push('\n');
            last.push_str(line);
        }
    }
    args
}

fn string_arg(arg: &str) -> Option<String> {
    let quoted = arg.strip_prefix("string \"")?;
    Some(quoted.strip_suffix('"')?.to_owned())
}

fn notification(lines: &[String]) -> Option<Notification> {
    let args = top_level_args(lines);
    Some(Notification {
        app_name: string_arg(args.first()?)?,
        summary: string_arg(args.get(3)?)?,
        body: string_arg(args.get(4)?)?,
        hints: args.get(6).map(|a| hint_names(a)).unwrap_or_default(),
    })
}

/// The keys of the hints dictionary: the first string of each `dict entry(`.
fn hint_names(arg: &str) -> Vec<String> {
    let lines: Vec<&str> = arg.lines().collect();
    lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.trim() == "dict entry(")
        .filter_map(|(i, _)| string_arg(lines.get(i + 1)?.trim()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOG: &str = r#"signal time=1.0 sender=org.freedesktop.DBus -> destination=:1.3 serial=2 path=/org/freedesktop/DBus; interface=org.freedesktop.DBus; member=NameAcquired
   string ":1.3"
method call time=2.0 sender=:1.2 -> destination=org.freedesktop.Notifications serial=3 path=/org/freedesktop/Notifications; interface=org.freedesktop.Notifications; member=GetServerInformation
method call time=3.0 sender=:1.4 -> destination=org.freedesktop.Notifications serial=9 path=/org/freedesktop/Notifications; interface=org.freedesktop.Notifications; member=Notify
   string "Messagerie"
   uint32 0
   string "mail-unread"
   string "Nouveau message"
   string "De Mme Dupont
sortie au musée"
   array [
      string "default"
      string "Ouvrir"
   ]
   array [
      dict entry(
         string "urgency"
         variant             byte 1
      )
      dict entry(
         string "sound-name"
         variant             string "message-new-email"
      )
   ]
   int32 -1
"#;

    #[test]
    fn a_notify_call_yields_its_summary_and_multiline_body() {
        let found = parse_monitor_log(LOG);
        assert_eq!(
            found,
            vec![Notification {
                app_name: "Messagerie".into(),
                summary: "Nouveau message".into(),
                body: "De Mme Dupont\nsortie au musée".into(),
                hints: vec!["urgency".into(), "sound-name".into()],
            }]
        );
    }

    #[test]
    fn other_calls_and_signals_are_not_notifications() {
        let only_probe = LOG.split("method call time=3.0").next().expect("prefix");
        assert!(parse_monitor_log(only_probe).is_empty());
    }

    #[test]
    fn a_truncated_call_is_skipped_instead_of_panicking() {
        let cut = &LOG[..LOG.find("uint32 0").expect("arg")];
        assert!(parse_monitor_log(cut).is_empty());
    }
}
