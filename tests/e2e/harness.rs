//! One isolated environment per test: its own X display (Xvfb), its own D-Bus session bus
//! recorded by dbus-monitor, tauri-driver with WebKitWebDriver on free loopback ports, and the
//! app's home and XDG directories in a temporary directory. Every process is stopped when the
//! test ends, passes or panics; on failure a screenshot and the logs are kept under
//! `target/e2e-artifacts/<test>/`.
pub mod axe;
pub mod big_mailbox;
mod bus;
mod desktop;
mod display;
mod ent;
mod lifecycle;
mod notifications;
mod prerequisite;
mod process;
mod wait;

use std::fs::File;
use std::future::Future;
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use tempfile::TempDir;
use thirtyfour::{By, Capabilities, WebDriver, WebElement};

pub use bus::Bus;
pub use desktop::process_running;
pub use ent::Ent;
pub use notifications::Notification;
pub use prerequisite::require;
pub use process::group_alive;
use process::ChildGuard;
pub use wait::wait_until;

/// How long WebKit may take to start the app and load the UI under Xvfb on a loaded machine.
pub const STARTUP: Duration = Duration::from_secs(60);
/// How long a UI or D-Bus effect may take once the app runs.
pub const EFFECT: Duration = Duration::from_secs(15);

/// The running app and everything around it. Fields drop in order: the WebDriver session, then
/// tauri-driver (with WebKitWebDriver and the app), the bus, the display, the files.
pub struct App {
    pub driver: WebDriver,
    tauri_driver: ChildGuard,
    pub bus: Bus,
    display: display::Display,
    logs: PathBuf,
    artifacts: PathBuf,
    /// tauri-driver's port, the app's binary and arguments, to open a new session on a restart.
    port: u16,
    application: PathBuf,
    args: Vec<String>,
    _dir: TempDir,
}

/// How the app is started, beyond the isolated environment every test gets.
#[derive(Debug, Clone, Default)]
pub struct Launch {
    /// Command-line arguments (`--demo`).
    pub args: Vec<String>,
    /// `MESSAGERIE_DATA_DIR`: a directory the test keeps, to start the app again on the same
    /// accounts; the app's own data directory in the test's home otherwise.
    pub data_dir: Option<PathBuf>,
    /// More environment for the app (e.g. `MESSAGERIE_TEST_PICK_FILES`, the file dialog's
    /// test seam).
    pub env: Vec<(String, String)>,
    /// The desktop prefers dark (`Some(true)`) or light, as the XDG portal tells apps (GNOME,
    /// KDE); `None`: no portal on the bus, as on a bare X server. [`Bus::set_desktop_dark`]
    /// switches it while the app runs.
    pub desktop_dark: Option<bool>,
    /// The binary to start: the one cargo built for the tests unless set (the package test
    /// starts the binary installed from the .deb).
    pub application: Option<PathBuf>,
}

impl Launch {
    pub fn demo() -> Launch {
        Launch {
            args: vec!["--demo".into()],
            ..Launch::default()
        }
    }
}

/// Runs `body` against a fresh app. If it panics, saves the artifacts, stops everything and
/// fails with the original panic.
pub async fn run<F, Fut>(test: &str, body: F)
where
    F: FnOnce(Arc<App>) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    run_with(test, Launch::default(), body).await;
}

/// [`run`] with launch options.
pub async fn run_with<F, Fut>(test: &str, launch: Launch, body: F)
where
    F: FnOnce(Arc<App>) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let app = App::start(test, launch).await;
    drive(app, body).await.quit().await;
}

/// [`run_with`] for what must outlive the app: `before` runs, the app is closed and started
/// again in the same environment (home, data, bus, display), then `after` runs.
pub async fn run_across_restart<F, Fut, G, Gut>(test: &str, launch: Launch, before: F, after: G)
where
    F: FnOnce(Arc<App>) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
    G: FnOnce(Arc<App>) -> Gut,
    Gut: Future<Output = ()> + Send + 'static,
{
    let app = App::start(test, launch).await;
    let app = drive(app, before).await.restart().await;
    drive(app, after).await.quit().await;
}

/// Runs `body`; if it panics, saves the artifacts, stops everything and fails with the
/// original panic.
async fn drive<F, Fut>(app: App, body: F) -> App
where
    F: FnOnce(Arc<App>) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let app = Arc::new(app);
    // A spawned task turns a panic into an Err we can act on before unwinding further.
    let outcome = tokio::spawn(body(Arc::clone(&app))).await;
    let Some(app) = Arc::into_inner(app) else {
        panic!("the test body must not keep the App after it returns");
    };
    if let Err(error) = outcome {
        app.save_failure_artifacts();
        app.quit().await;
        match error.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            Err(error) => panic!("the test task did not finish: {error}"),
        }
    }
    app
}

impl App {
    pub async fn start(test: &str, launch: Launch) -> App {
        // Check all of them first, so that a missing one is named before anything starts.
        let native_driver = require("WebKitWebDriver");
        let tauri_driver_bin = require("tauri-driver");
        for tool in ["Xvfb", "dbus-daemon", "dbus-monitor", "xwininfo", "import"] {
            require(tool);
        }
        let artifacts = artifacts_root().join(test);
        let _ = std::fs::remove_dir_all(&artifacts);
        std::fs::create_dir_all(&artifacts).expect("create the artifacts directory");

        let dir = tempfile::Builder::new()
            .prefix("messagerie-e2e-")
            .tempdir()
            .expect("temp dir");
        let logs = dir.path().join("logs");
        let home = dir.path().join("home");
        let runtime = dir.path().join("runtime");
        for sub in [&logs, &home, &runtime] {
            std::fs::create_dir_all(sub).expect("create a test directory");
        }
        {
            use std::os::unix::fs::PermissionsExt;
            // XDG_RUNTIME_DIR must be private to the user, or GLib ignores it.
            std::fs::set_permissions(&runtime, std::fs::Permissions::from_mode(0o700))
                .expect("make the runtime directory private");
        }

        let display = display::Display::start(&logs.join("xvfb.log"));
        let bus = Bus::start(dir.path(), &logs, launch.desktop_dark).await;

        let port = free_port();
        let native_port = free_port();
        let log = File::create(logs.join("tauri-driver.log")).expect("create the driver log");
        let mut command = Command::new(tauri_driver_bin);
        command
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
            ])
            .arg("--native-driver")
            .arg(&native_driver)
            // WebKitWebDriver starts the app with this environment: everything it touches is
            // the test's own.
            .env("DISPLAY", &display.name)
            .env("DBUS_SESSION_BUS_ADDRESS", &bus.address)
            .env("HOME", &home)
            .env("XDG_DATA_HOME", home.join(".local/share"))
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .env("XDG_CACHE_HOME", home.join(".cache"))
            .env("XDG_RUNTIME_DIR", &runtime)
            .env("NO_AT_BRIDGE", "1")
            .env("MESSAGERIE_LOG", "debug")
            .env("MESSAGERIE_LOG_FILE", logs.join("app.log"))
            // Tests never touch a keyring; new mail shows within a second or two.
            .env("MESSAGERIE_NO_KEYRING", "1")
            .env("MESSAGERIE_SYNC_INTERVAL_SECS", "1")
            // Xvfb has no GPU: keep WebKit on its software path.
            .env("WEBKIT_DISABLE_DMABUF_RENDERER", "1")
            .envs(
                launch
                    .data_dir
                    .iter()
                    .map(|dir| ("MESSAGERIE_DATA_DIR", dir.as_os_str())),
            )
            .envs(launch.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("clone the log handle"))
            .stderr(log);
        let mut tauri_driver = ChildGuard::spawn("tauri-driver", command);

        wait_until("tauri-driver to listen", STARTUP, || {
            if let Some(status) = tauri_driver.exited() {
                panic!(
                    "{} exited early ({status}); see {}",
                    tauri_driver.name(),
                    logs.display()
                );
            }
            let up = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_ok();
            std::future::ready(up.then_some(()))
        })
        .await;

        let application = launch
            .application
            .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_messagerie")));
        let driver = open_session(port, &application, &launch.args, &logs).await;

        App {
            driver,
            tauri_driver,
            bus,
            display,
            logs,
            artifacts,
            port,
            application,
            args: launch.args,
            _dir: dir,
        }
    }

    /// Closes the app (its WebDriver session) and starts it again in the same environment.
    pub async fn restart(self) -> App {
        self.driver
            .clone()
            .quit()
            .await
            .unwrap_or_else(|error| panic!("cannot close the app's session: {error}"));
        let driver = open_session(self.port, &self.application, &self.args, &self.logs).await;
        App { driver, ..self }
    }

    /// The first element matching `by`, waiting for it up to [`EFFECT`].
    pub async fn find(&self, what: &str, by: By) -> WebElement {
        wait_until(what, EFFECT, || async {
            self.driver.find(by.clone()).await.ok()
        })
        .await
    }

    /// Saves a PNG of the app's window, as the X server shows it, under the artifacts directory
    /// and returns its path. (X-level rather than WebDriver's screenshot, which WebKitWebDriver
    /// does not answer under Xvfb.)
    pub fn screenshot(&self, name: &str) -> PathBuf {
        self.capture(name)
            .unwrap_or_else(|error| panic!("cannot save {name}: {error}"))
    }

    fn capture(&self, name: &str) -> Result<PathBuf, String> {
        let path = self.artifacts.join(name);
        let window = self
            .window_id("Messagerie")
            .unwrap_or_else(|| "root".to_owned());
        let status = Command::new(require("import"))
            .args(["-display", &self.display.name, "-window", &window])
            .arg(&path)
            .status()
            .map_err(|error| format!("cannot run ImageMagick's import: {error}"))?;
        if !status.success() {
            return Err(format!(
                "import could not capture window {window} ({status})"
            ));
        }
        Ok(path)
    }

    /// The X id of the top-level window titled `title`, if there is one yet.
    pub fn window_id(&self, title: &str) -> Option<String> {
        let out = Command::new(require("xwininfo"))
            .args(["-root", "-tree", "-display", &self.display.name])
            .output()
            .ok()?;
        let listing = String::from_utf8_lossy(&out.stdout);
        let needle = format!(" \"{title}\": (");
        let line = listing.lines().find(|line| line.contains(&needle))?;
        line.split_whitespace().next().map(str::to_owned)
    }

    /// Runs `xdotool` on the test's display (keys and focus for a native window WebDriver
    /// cannot reach, such as the file dialog) and returns its standard output.
    pub fn xdotool(&self, args: &[&str]) -> String {
        let out = self.run_xdotool(args);
        assert!(
            out.status.success(),
            "xdotool {args:?} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// The X id of the shown (mapped) window titled exactly `title`, if there is one. Unlike
    /// [`App::window_id`], a window hidden again (GTK hides a closed dialog) does not count.
    pub fn visible_window(&self, title: &str) -> Option<String> {
        let pattern = format!("^{}$", regex_escape(title));
        let out = self.run_xdotool(&["search", "--onlyvisible", "--name", &pattern]);
        let found = String::from_utf8_lossy(&out.stdout);
        found.lines().next().map(str::to_owned)
    }

    fn run_xdotool(&self, args: &[&str]) -> std::process::Output {
        Command::new(require("xdotool"))
            .args(args)
            .env("DISPLAY", &self.display.name)
            .output()
            .unwrap_or_else(|error| panic!("cannot run xdotool {args:?}: {error}"))
    }

    /// The `WM_CLASS` (instance and class, as `xwininfo` prints them: `"messagerie"
    /// "Messagerie"`) of the first window whose title contains `title`: what a desktop matches
    /// against a desktop entry's `StartupWMClass` to show the window under the entry's icon.
    pub fn window_class(&self, title: &str) -> Option<String> {
        let out = Command::new(require("xwininfo"))
            .args(["-root", "-tree", "-display", &self.display.name])
            .output()
            .ok()?;
        let listing = String::from_utf8_lossy(&out.stdout);
        // A window line: `0x400003 "Boîte de réception — Messagerie": ("messagerie" "Messagerie")  …`
        listing.lines().find_map(|line| {
            let (name, rest) = line.split_once("\": (")?;
            let class = rest.split_once(')')?.0;
            (name.contains(title) && !class.is_empty()).then(|| class.to_owned())
        })
    }

    /// The process groups the harness started: tauri-driver (with WebKitWebDriver and the app),
    /// the bus daemon and its monitor, Xvfb.
    pub fn process_groups(&self) -> Vec<u32> {
        let mut pids = vec![self.tauri_driver.pid(), self.display.pid()];
        pids.extend(self.bus.pids());
        pids
    }

    /// The app's log so far (`MESSAGERIE_LOG_FILE`).
    pub fn app_log(&self) -> String {
        std::fs::read_to_string(self.logs.join("app.log")).unwrap_or_default()
    }

    /// Every `Notify` call seen on the bus so far.
    pub fn notifications(&self) -> Vec<Notification> {
        self.bus.notifications()
    }

    /// Calls a Tauri command the way the UI does, through the page's IPC bridge, and returns
    /// its result (`Ok(value)`, or `Err({kind, message})` as the UI would see it).
    pub async fn invoke(
        &self,
        command: &str,
        args: serde_json::Value,
    ) -> Result<serde_json::Value, serde_json::Value> {
        let script = r#"
            const [command, args, done] = arguments;
            window.__TAURI_INTERNALS__.invoke(command, args).then(
                (value) => done({ ok: value === undefined ? null : value }),
                (error) => done({ err: error }),
            );
        "#;
        let reply = self
            .driver
            .execute_async(script, vec![json!(command), args])
            .await
            .unwrap_or_else(|error| panic!("cannot run invoke('{command}') in the page: {error}"));
        let reply = reply.json();
        match (reply.get("ok"), reply.get("err")) {
            (Some(value), _) => Ok(value.clone()),
            (_, Some(error)) => Err(error.clone()),
            _ => panic!("unexpected reply from invoke('{command}'): {reply}"),
        }
    }

    fn save_failure_artifacts(&self) {
        // The screenshot may fail if the app is what broke; the logs are kept regardless.
        if let Err(error) = self.capture("failure.png") {
            eprintln!("no failure screenshot: {error}");
        }
        for entry in std::fs::read_dir(&self.logs)
            .into_iter()
            .flatten()
            .flatten()
        {
            let _ = std::fs::copy(entry.path(), self.artifacts.join(entry.file_name()));
        }
        eprintln!("e2e artifacts saved in {}", self.artifacts.display());
    }

    pub async fn quit(self) {
        // Closing the session closes the app; the process guards then stop the rest.
        let _ = self.driver.quit().await;
        drop(self.tauri_driver);
    }
}

/// `text` as a POSIX regular expression matching itself (xdotool's `--name` takes one).
fn regex_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\.^$|?*+()[]{}".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A video of the ENT's workspace in a message body, as the ENT's editor inserts one
/// (@edifice.io/tiptap-extensions `video.ts`; fixtures/reading/media.html).
pub fn workspace_video(document: &str) -> String {
    format!(
        r#"<div class="video-wrapper"><video src="/workspace/document/{document}" controls="true" data-document-id="{document}" width="350" height="197"></video></div>"#
    )
}

pub fn artifacts_root() -> PathBuf {
    // CARGO_TARGET_TMPDIR is <target>/tmp: keep the artifacts next to it, in <target>.
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    tmp.parent().unwrap_or(tmp).join("e2e-artifacts")
}

/// A WebDriver session on tauri-driver at `port`, which starts `application` with `args`.
async fn open_session(port: u16, application: &Path, args: &[String], logs: &Path) -> WebDriver {
    let mut capabilities = Capabilities::new();
    capabilities.set("browserName", "wry").expect("capability");
    capabilities
        .set(
            "tauri:options",
            json!({ "application": application, "args": args }),
        )
        .expect("capability");
    WebDriver::new(format!("http://127.0.0.1:{port}"), capabilities)
        .await
        .unwrap_or_else(|error| {
            panic!(
                "cannot open a WebDriver session on the app: {error}; see {}",
                logs.display()
            )
        })
}

/// A port nobody listens on right now (the OS picks it; it is released for the child to bind).
fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("find a free loopback port")
}
