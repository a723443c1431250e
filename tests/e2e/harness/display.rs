//! A private X server per test: Xvfb picks a free display number itself (`-displayfd`).
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use super::prerequisite::require;
use super::process::ChildGuard;

const START_DEADLINE: Duration = Duration::from_secs(20);

pub struct Display {
    /// `:N`, the value of `DISPLAY`.
    pub name: String,
    server: ChildGuard,
}

impl Display {
    pub fn start(log: &Path) -> Display {
        let mut command = Command::new(require("Xvfb"));
        // -displayfd 1: Xvfb writes the display number it chose on stdout once it accepts
        // clients, which is both the free-display search and the readiness signal.
        command
            .args([
                "-displayfd",
                "1",
                "-screen",
                "0",
                "1280x800x24",
                "-nolisten",
                "tcp",
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(File::create(log).expect("create the Xvfb log"));
        let mut server = ChildGuard::spawn("Xvfb", command);
        let stdout = server.child_mut().stdout.take().expect("piped stdout");
        let number = first_line(stdout, START_DEADLINE).unwrap_or_else(|| {
            panic!(
                "Xvfb did not report a display within {START_DEADLINE:?}; see {}",
                log.display()
            )
        });
        Display {
            name: format!(":{}", number.trim()),
            server,
        }
    }
}

impl Display {
    pub fn pid(&self) -> u32 {
        self.server.pid()
    }
}

/// The first line `reader` produces, or `None` if none comes before `deadline`.
pub fn first_line(
    reader: impl std::io::Read + Send + 'static,
    deadline: Duration,
) -> Option<String> {
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let read = BufReader::new(reader).read_line(&mut line);
        let _ = sender.send(read.ok().filter(|n| *n > 0).map(|_| line));
    });
    receiver.recv_timeout(deadline).ok().flatten()
}
