//! A private D-Bus session bus per test, recorded by `dbus-monitor`, with the harness itself
//! serving `org.freedesktop.Notifications` on it (Xvfb has no notification daemon, and without
//! one notify-rust's call would fail with ServiceUnknown) and, when a test asks, the desktop
//! portal's colour scheme (`org.freedesktop.portal.Settings`, which GNOME and KDE serve).
use std::collections::HashMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::display::first_line;
use super::notifications::{parse_monitor_log, Notification};
use super::prerequisite::require;
use super::process::ChildGuard;
use super::wait::wait_until;

const START_DEADLINE: Duration = Duration::from_secs(20);
const NOTIFICATIONS_NAME: &str = "org.freedesktop.Notifications";
const NOTIFICATIONS_PATH: &str = "/org/freedesktop/Notifications";
const PORTAL_NAME: &str = "org.freedesktop.portal.Desktop";
const PORTAL_PATH: &str = "/org/freedesktop/portal/desktop";
const PORTAL_SETTINGS: &str = "org.freedesktop.portal.Settings";
const APPEARANCE: &str = "org.freedesktop.appearance";
const COLOR_SCHEME: &str = "color-scheme";

/// No `<servicedir>`: nothing from the host is ever activated on this bus, so the only
/// notification service is ours.
const BUS_CONFIG: &str = r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir=@DIR@</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#;

pub struct Bus {
    /// The value of `DBUS_SESSION_BUS_ADDRESS`.
    pub address: String,
    monitor_log: PathBuf,
    server: NotificationServer,
    // Dropped in this order: the monitor, then the daemon.
    monitor: ChildGuard,
    daemon: ChildGuard,
}

impl Bus {
    /// `desktop_dark`: serve the portal's colour scheme, dark or light; None: no portal, as on
    /// a bare X server.
    pub async fn start(dir: &Path, logs: &Path, desktop_dark: Option<bool>) -> Bus {
        let config = dir.join("bus.conf");
        std::fs::write(
            &config,
            BUS_CONFIG.replace("@DIR@", &dir.display().to_string()),
        )
        .expect("write the bus configuration");
        let mut command = Command::new(require("dbus-daemon"));
        command
            .arg(format!("--config-file={}", config.display()))
            .args(["--nofork", "--print-address=1"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(File::create(logs.join("dbus-daemon.log")).expect("create the bus log"));
        let mut daemon = ChildGuard::spawn("dbus-daemon", command);
        let stdout = daemon.child_mut().stdout.take().expect("piped stdout");
        // The address is printed once the daemon listens.
        let address = first_line(stdout, START_DEADLINE)
            .map(|line| line.trim().to_owned())
            .unwrap_or_else(|| panic!("dbus-daemon printed no address within {START_DEADLINE:?}"));

        let server = NotificationServer::start(&address, desktop_dark).await;

        let monitor_log = logs.join("dbus-monitor.log");
        let mut command = Command::new(require("dbus-monitor"));
        command
            .args(["--address", &address])
            .arg(format!(
                "type='method_call',interface='{NOTIFICATIONS_NAME}'"
            ))
            .env("DBUS_SESSION_BUS_ADDRESS", &address)
            .stdin(Stdio::null())
            .stdout(File::create(&monitor_log).expect("create the monitor log"))
            .stderr(File::create(logs.join("dbus-monitor.err")).expect("create a log"));
        let mut monitor = ChildGuard::spawn("dbus-monitor", command);

        // Ready when it records: probe with a harmless call until one shows in its output.
        wait_until(
            "dbus-monitor to record calls on the private bus",
            START_DEADLINE,
            || {
                if let Some(status) = monitor.exited() {
                    panic!(
                        "dbus-monitor exited early ({status}); see {}",
                        logs.display()
                    );
                }
                let (server, monitor_log) = (&server, &monitor_log);
                async move {
                    server.probe().await;
                    let seen = std::fs::read_to_string(monitor_log).unwrap_or_default();
                    seen.contains("member=GetServerInformation").then_some(())
                }
            },
        )
        .await;

        Bus {
            address,
            monitor_log,
            server,
            monitor,
            daemon,
        }
    }

    /// Every `Notify` call dbus-monitor has recorded so far, oldest first.
    pub fn notifications(&self) -> Vec<Notification> {
        parse_monitor_log(&std::fs::read_to_string(&self.monitor_log).unwrap_or_default())
    }

    /// The process groups of dbus-monitor and dbus-daemon.
    pub fn pids(&self) -> [u32; 2] {
        [self.monitor.pid(), self.daemon.pid()]
    }

    /// How many `Notify` calls the harness's notification server answered, read once it has
    /// answered at least `expected`: dbus-monitor logs a call as the bus routes it, before the
    /// server has handled it, so a count read as soon as the log shows the call can lag by one.
    pub async fn notify_calls_answered(&self, expected: usize) -> usize {
        wait_until(
            "the notification server's replies",
            super::EFFECT,
            || async {
                let answered = self.server.calls.lock().map_or(0, |calls| calls.len());
                (answered >= expected).then_some(answered)
            },
        )
        .await
    }

    /// The desktop switches to dark or light, as GNOME's « Style » does: the portal's
    /// `SettingChanged` signal. Only on a bus started with a `desktop_dark`.
    pub async fn set_desktop_dark(&self, dark: bool) {
        let scheme = color_scheme(dark);
        self.server.color_scheme.store(scheme, Ordering::SeqCst);
        self.server
            .connection
            .emit_signal(
                None::<&str>,
                PORTAL_PATH,
                PORTAL_SETTINGS,
                "SettingChanged",
                &(APPEARANCE, COLOR_SCHEME, zbus::Variant::U32(scheme)),
            )
            .await
            .expect("emit SettingChanged on the private bus");
    }

    /// Clicks the `n`th notification (from 1), as a desktop does: the `ActionInvoked` signal
    /// with its id and the `default` action.
    pub async fn click_notification(&self, n: u32) {
        self.server
            .connection
            .emit_signal(
                None::<&str>,
                NOTIFICATIONS_PATH,
                NOTIFICATIONS_NAME,
                "ActionInvoked",
                &(n, "default"),
            )
            .await
            .expect("emit ActionInvoked on the private bus");
    }
}

/// The portal's `color-scheme`: 1 prefers dark, 2 prefers light (0, no preference, is unused).
fn color_scheme(dark: bool) -> u32 {
    if dark {
        1
    } else {
        2
    }
}

/// The harness's own `org.freedesktop.Notifications`, so the app gets a real D-Bus reply, and
/// the portal's settings when a test asks for them.
struct NotificationServer {
    connection: zbus::Connection,
    calls: Arc<Mutex<Vec<Notification>>>,
    color_scheme: Arc<AtomicU32>,
}

impl NotificationServer {
    async fn start(address: &str, desktop_dark: Option<bool>) -> NotificationServer {
        let calls = Arc::new(Mutex::new(Vec::new()));
        let color_scheme = Arc::new(AtomicU32::new(color_scheme(desktop_dark.unwrap_or(false))));
        let service = NotificationService {
            calls: calls.clone(),
            last_id: 0,
        };
        let mut builder = zbus::connection::Builder::address(address)
            .name(NOTIFICATIONS_NAME)
            .serve_at(NOTIFICATIONS_PATH, service);
        if desktop_dark.is_some() {
            let settings = PortalSettings {
                color_scheme: color_scheme.clone(),
            };
            builder = builder.name(PORTAL_NAME).serve_at(PORTAL_PATH, settings);
        }
        let connection = builder
            .build()
            .await
            .expect("serve org.freedesktop.Notifications on the private bus");
        NotificationServer {
            connection,
            calls,
            color_scheme,
        }
    }

    async fn probe(&self) {
        let _ = self
            .connection
            .call_method(
                Some(NOTIFICATIONS_NAME),
                NOTIFICATIONS_PATH,
                Some(NOTIFICATIONS_NAME),
                "GetServerInformation",
                &(),
            )
            .await;
    }
}

struct NotificationService {
    calls: Arc<Mutex<Vec<Notification>>>,
    last_id: u32,
}

#[zbus::interface(name = "org.freedesktop.Notifications")]
impl NotificationService {
    /// The freedesktop Desktop Notifications `Notify` method.
    #[allow(clippy::too_many_arguments)] // the D-Bus signature has eight arguments
    fn notify(
        &mut self,
        app_name: String,
        _replaces_id: u32,
        _app_icon: String,
        summary: String,
        body: String,
        _actions: Vec<String>,
        hints: HashMap<String, zbus::OwnedVariant>,
        _expire_timeout: i32,
    ) -> u32 {
        let mut hints: Vec<String> = hints.into_keys().collect();
        hints.sort();
        if let Ok(mut calls) = self.calls.lock() {
            calls.push(Notification {
                app_name,
                summary,
                body,
                hints,
            });
        }
        self.last_id += 1;
        self.last_id
    }

    fn get_capabilities(&self) -> Vec<String> {
        vec!["body".into(), "actions".into()]
    }

    fn close_notification(&self, _id: u32) {}

    fn get_server_information(&self) -> (String, String, String, String) {
        (
            "messagerie-e2e".into(),
            "messagerie".into(),
            "0".into(),
            "1.2".into(),
        )
    }
}

/// The desktop portal's settings, as far as the window's theme goes.
struct PortalSettings {
    color_scheme: Arc<AtomicU32>,
}

#[zbus::interface(name = "org.freedesktop.portal.Settings")]
impl PortalSettings {
    /// `Read(namespace, key) -> v`, the value itself a variant (the portal's v1 signature,
    /// which tao reads).
    fn read(&self, namespace: String, key: String) -> zbus::fdo::Result<zbus::OwnedVariant> {
        if namespace != APPEARANCE || key != COLOR_SCHEME {
            return Err(zbus::fdo::Error::Failed(format!(
                "no setting {namespace} {key} here"
            )));
        }
        let scheme = zbus::Variant::U32(self.color_scheme.load(Ordering::SeqCst));
        zbus::OwnedVariant::try_from(zbus::Variant::Variant(Box::new(scheme)))
            .map_err(|e| zbus::fdo::Error::Failed(e.to_string()))
    }
}
