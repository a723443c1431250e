//! Child processes that are always stopped: each runs in its own process group, and dropping
//! the guard (also while a test panics) signals the whole group, so grandchildren such as
//! WebKitWebDriver and the app itself go too.
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, ExitStatus};
use std::sync::mpsc;
use std::time::Duration;

use rustix::process::{kill_process_group, test_kill_process_group, Pid, Signal};

/// How long a group gets to exit on SIGTERM (Xvfb removes its lock file then) before SIGKILL.
const GRACE: Duration = Duration::from_secs(3);

pub struct ChildGuard {
    name: String,
    child: Option<Child>,
}

impl ChildGuard {
    /// Starts `command` as the leader of a new process group.
    pub fn spawn(name: &str, mut command: Command) -> ChildGuard {
        command.process_group(0);
        let child = command
            .spawn()
            .unwrap_or_else(|error| panic!("cannot start {name} ({command:?}): {error}"));
        ChildGuard {
            name: name.to_owned(),
            child: Some(child),
        }
    }

    /// The process id, which is also its process group id.
    pub fn pid(&self) -> u32 {
        self.child.as_ref().map_or(0, Child::id)
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn child_mut(&mut self) -> &mut Child {
        self.child
            .as_mut()
            .expect("the child is only taken in drop")
    }

    /// `Some(status)` once the process has exited.
    pub fn exited(&mut self) -> Option<ExitStatus> {
        self.child_mut().try_wait().ok().flatten()
    }

    fn signal_group(pid: u32, signal: Signal) {
        if let Some(pid) = i32::try_from(pid).ok().and_then(Pid::from_raw) {
            // ESRCH only means the group is already gone.
            let _ = kill_process_group(pid, signal);
        }
    }
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        let pid = child.id();
        Self::signal_group(pid, Signal::TERM);
        // Wait on a thread so that the grace period is a deadline, not a sleep.
        let (sender, receiver) = mpsc::channel();
        let waiter = std::thread::spawn(move || {
            let _ = sender.send(child.wait());
        });
        if receiver.recv_timeout(GRACE).is_err() {
            Self::signal_group(pid, Signal::KILL);
        }
        let _ = waiter.join();
    }
}

/// Whether any process of group `pgid` still exists (zombies included, until they are reaped).
pub fn group_alive(pgid: u32) -> bool {
    i32::try_from(pgid)
        .ok()
        .and_then(Pid::from_raw)
        .is_some_and(|pid| test_kill_process_group(pid).is_ok())
}
