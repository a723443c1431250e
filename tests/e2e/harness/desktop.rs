//! What the desktop does to the app, done for real on the test's X display and bus: the window
//! manager's close button (the `WM_DELETE_WINDOW` message), resizing the window, the tray
//! icon's menu (exported on D-Bus as `com.canonical.dbusmenu` by libayatana-appindicator, as a
//! tray host reads and clicks it), and launching the app a second time.
//!
//! The X requests are written on the X server's socket by hand (a few fixed-size requests of
//! the core protocol): no X library, no unsafe code, nothing to install.
use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use super::prerequisite::require;
use super::{wait_until, App, EFFECT};

/// One item of the tray's menu, as a tray host shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrayItem {
    pub id: i32,
    pub label: String,
    pub enabled: bool,
}

/// Where the tray menu lives on the bus: the app's connection and the menu's object path.
#[derive(Debug, Clone)]
pub struct TrayMenu {
    pub name: String,
    pub path: String,
    /// The app's process (the owner of that connection).
    pub pid: u32,
}

impl App {
    /// The test's home directory (what the app sees as `HOME`).
    pub fn home(&self) -> PathBuf {
        self._dir.path().join("home")
    }

    /// The X id of the app's main window, whatever its title's unread count: « Messagerie »,
    /// « (3) Messagerie ». Mapped or not.
    pub fn main_window(&self) -> Option<String> {
        let out = Command::new(require("xwininfo"))
            .args(["-root", "-tree", "-display", &self.display.name])
            .output()
            .ok()?;
        let listing = String::from_utf8_lossy(&out.stdout);
        let line = listing.lines().find(|line| {
            line.contains(" \"Messagerie\": (") || line.contains(") Messagerie\": (")
        })?;
        line.split_whitespace().next().map(str::to_owned)
    }

    /// Whether the main window is on screen (X map state `IsViewable`).
    pub fn window_shown(&self) -> bool {
        self.window_info()
            .is_some_and(|info| info.contains("Map State: IsViewable"))
    }

    /// The main window's size as the X server has it.
    pub fn window_size(&self) -> Option<(u32, u32)> {
        let info = self.window_info()?;
        let field = |name: &str| {
            info.lines()
                .find_map(|l| l.trim().strip_prefix(name))
                .and_then(|v| v.trim().parse::<u32>().ok())
        };
        Some((field("Width:")?, field("Height:")?))
    }

    fn window_info(&self) -> Option<String> {
        let id = self.main_window()?;
        let out = Command::new(require("xwininfo"))
            .args(["-id", &id, "-display", &self.display.name])
            .output()
            .ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// What a window manager's close button does: sends the window `WM_DELETE_WINDOW`.
    pub fn close_window(&self) {
        let window = self.main_window_number();
        let mut x = X11::connect(&self.display.name);
        let protocols = x.intern_atom("WM_PROTOCOLS");
        let delete = x.intern_atom("WM_DELETE_WINDOW");
        x.send_client_message(window, protocols, [delete, 0, 0, 0, 0]);
        x.sync();
    }

    /// What dragging the window's border does: resizes it.
    pub fn resize_window(&self, width: u32, height: u32) {
        let window = self.main_window_number();
        let mut x = X11::connect(&self.display.name);
        x.resize(window, width, height);
        x.sync();
    }

    fn main_window_number(&self) -> u32 {
        let id = self.main_window().expect("the app has a main window");
        u32::from_str_radix(id.trim_start_matches("0x"), 16)
            .unwrap_or_else(|error| panic!("bad X window id {id}: {error}"))
    }

    /// The tray icon's menu on the bus, once the app has exported it.
    pub fn tray_menu(&self) -> Option<TrayMenu> {
        let names = self.gdbus(&[
            "call",
            "--dest",
            "org.freedesktop.DBus",
            "--object-path",
            "/org/freedesktop/DBus",
            "--method",
            "org.freedesktop.DBus.ListNames",
        ])?;
        for name in quoted(&names).into_iter().filter(|n| n.starts_with(':')) {
            let Some(pid) = self
                .gdbus(&[
                    "call",
                    "--dest",
                    "org.freedesktop.DBus",
                    "--object-path",
                    "/org/freedesktop/DBus",
                    "--method",
                    "org.freedesktop.DBus.GetConnectionUnixProcessID",
                    &name,
                ])
                .and_then(|out| {
                    // "(uint32 1234,)"
                    out.split_whitespace()
                        .last()?
                        .trim_matches(|c: char| !c.is_ascii_digit())
                        .parse::<u32>()
                        .ok()
                })
            else {
                continue;
            };
            if !is_the_app(pid) {
                continue;
            }
            let Some(tree) = self.gdbus(&[
                "introspect",
                "--dest",
                &name,
                "--object-path",
                "/",
                "--recurse",
            ]) else {
                continue;
            };
            if let Some(path) = dbusmenu_path(&tree) {
                return Some(TrayMenu { name, path, pid });
            }
        }
        None
    }

    /// The tray menu's items, as a tray host reads them (`GetLayout`).
    pub fn tray_items(&self, menu: &TrayMenu) -> Vec<TrayItem> {
        let layout = self
            .gdbus(&[
                "call",
                "--dest",
                &menu.name,
                "--object-path",
                &menu.path,
                "--method",
                "com.canonical.dbusmenu.GetLayout",
                "--",
                "0",
                "-1",
                "@as []",
            ])
            .unwrap_or_default();
        parse_layout(&layout)
    }

    /// Clicks the tray menu's item labelled `label`, as a tray host does (`Event` « clicked »).
    pub async fn click_tray(&self, label: &str) {
        let (menu, item) = self.find_tray_item(label).await;
        self.click_tray_item(&menu, &item);
    }

    /// The tray menu and its item labelled `label`, once the app shows it.
    pub async fn find_tray_item(&self, label: &str) -> (TrayMenu, TrayItem) {
        let menu = wait_until("the tray menu on the bus", EFFECT, || {
            std::future::ready(self.tray_menu())
        })
        .await;
        let item = wait_until(&format!("« {label} » in the tray menu"), EFFECT, || {
            let items = self.tray_items(&menu);
            std::future::ready(items.into_iter().find(|i| i.label == label))
        })
        .await;
        (menu, item)
    }

    /// Clicks `item` of the tray menu at once.
    pub fn click_tray_item(&self, menu: &TrayMenu, item: &TrayItem) {
        self.gdbus(&[
            "call",
            "--dest",
            &menu.name,
            "--object-path",
            &menu.path,
            "--method",
            "com.canonical.dbusmenu.Event",
            "--",
            &item.id.to_string(),
            "clicked",
            "<0>",
            "0",
        ])
        .unwrap_or_else(|| panic!("the tray menu did not take the click on « {} »", item.label));
    }

    /// Starts the app's binary a second time in the same desktop session (display, bus, home)
    /// and waits for it to end, as a second launch from the applications menu does.
    pub async fn launch_again(&self, args: &[&str]) -> Output {
        let home = self.home();
        let child = Command::new(env!("CARGO_BIN_EXE_messagerie"))
            .args(args)
            .env("DISPLAY", &self.display.name)
            .env("DBUS_SESSION_BUS_ADDRESS", &self.bus.address)
            .env("HOME", &home)
            .env("XDG_DATA_HOME", home.join(".local/share"))
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .env("XDG_CACHE_HOME", home.join(".cache"))
            .env("XDG_RUNTIME_DIR", self._dir.path().join("runtime"))
            .env("NO_AT_BRIDGE", "1")
            .env("MESSAGERIE_NO_KEYRING", "1")
            .env("MESSAGERIE_LOG_FILE", self.logs.join("second-launch.log"))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the app a second time");
        let child = std::sync::Mutex::new(Some(child));
        wait_until("the second launch to hand over and exit", EFFECT, || {
            let mut slot = child.lock().expect("lock");
            let done = slot
                .as_mut()
                .and_then(|c| c.try_wait().ok().flatten())
                .is_some();
            let out = if done {
                slot.take().and_then(|c| c.wait_with_output().ok())
            } else {
                None
            };
            std::future::ready(out)
        })
        .await
    }

    /// `gdbus <command> --session <args>` on the test's bus; its output, or None when it failed.
    fn gdbus(&self, args: &[&str]) -> Option<String> {
        let (command, args) = args.split_first()?;
        let out = Command::new(require("gdbus"))
            .arg(command)
            .arg("--session")
            .args(args)
            .env("DBUS_SESSION_BUS_ADDRESS", &self.bus.address)
            .stdin(Stdio::null())
            .output()
            .ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    }
}

/// Whether process `pid` runs and is the app (not a zombie, not another program on the bus).
pub fn is_the_app(pid: u32) -> bool {
    let app = std::fs::canonicalize(env!("CARGO_BIN_EXE_messagerie")).ok();
    let exe = std::fs::read_link(format!("/proc/{pid}/exe")).ok();
    exe.is_some() && exe == app && process_running(pid)
}

/// Whether process `pid` exists and has not exited (a zombie has).
pub fn process_running(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        // The state follows the command name in parentheses: "pid (comm) S ...".
        stat.rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().next())
            .is_some_and(|state| state != "Z" && state != "X")
    })
}

/// The single-quoted strings of a gdbus reply (`(['org.freedesktop.DBus', ':1.3'],)`).
fn quoted(text: &str) -> Vec<String> {
    text.split('\'')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

/// The object path of the node of `gdbus introspect --recurse` output that implements
/// `com.canonical.dbusmenu`.
fn dbusmenu_path(tree: &str) -> Option<String> {
    let mut node = None;
    for line in tree.lines().map(str::trim) {
        if let Some(rest) = line.strip_prefix("node ") {
            node = rest.trim_end_matches('{').trim().to_owned().into();
        } else if line.starts_with("interface com.canonical.dbusmenu ") {
            return node;
        }
    }
    None
}

/// The items of a `GetLayout` reply as gdbus prints it:
/// `(uint32 4, (0, {…}, [<(1, {'label': <'Ouvrir Messagerie'>, …}, @av [])>, …]))`.
fn parse_layout(layout: &str) -> Vec<TrayItem> {
    layout
        .split("<(")
        .skip(1)
        .filter_map(|chunk| {
            let id = chunk.split(',').next()?.trim().parse::<i32>().ok()?;
            let label = chunk
                .split_once("'label': <'")?
                .1
                .split_once("'>")?
                .0
                .to_owned();
            let props = chunk.split_once('}').map_or(chunk, |(props, _)| props);
            Some(TrayItem {
                id,
                label,
                enabled: !props.contains("'enabled': <false>"),
            })
        })
        .collect()
}

/// A minimal X11 client on the display's Unix socket (no authentication: Xvfb here has none).
struct X11 {
    stream: UnixStream,
}

impl X11 {
    fn connect(display: &str) -> X11 {
        let number = display.trim_start_matches(':');
        let number = number.split('.').next().unwrap_or(number);
        let path = format!("/tmp/.X11-unix/X{number}");
        let mut stream = UnixStream::connect(&path)
            .unwrap_or_else(|error| panic!("cannot connect to the X server at {path}: {error}"));
        // Little-endian, protocol 11.0, no authorization.
        let mut setup = vec![b'l', 0];
        setup.extend(11u16.to_le_bytes());
        setup.extend(0u16.to_le_bytes());
        setup.extend([0; 6]);
        stream.write_all(&setup).expect("X connection setup");
        let mut head = [0u8; 8];
        stream.read_exact(&mut head).expect("X setup reply");
        assert_eq!(head[0], 1, "the X server refused the connection");
        let rest = usize::from(u16::from_le_bytes([head[6], head[7]])) * 4;
        let mut skip = vec![0u8; rest];
        stream.read_exact(&mut skip).expect("X setup data");
        X11 { stream }
    }

    fn request(&mut self, bytes: &[u8]) {
        assert_eq!(bytes.len() % 4, 0, "X requests are 4-byte aligned");
        self.stream.write_all(bytes).expect("write an X request");
    }

    /// The next reply (errors panic; events are skipped).
    fn reply(&mut self) -> [u8; 32] {
        loop {
            let mut reply = [0u8; 32];
            self.stream.read_exact(&mut reply).expect("read an X reply");
            match reply[0] {
                0 => panic!("X error {} on request {}", reply[1], reply[10]),
                1 => {
                    let extra =
                        u32::from_le_bytes([reply[4], reply[5], reply[6], reply[7]]) as usize * 4;
                    let mut skip = vec![0u8; extra];
                    self.stream.read_exact(&mut skip).expect("read an X reply");
                    return reply;
                }
                _ => continue,
            }
        }
    }

    fn intern_atom(&mut self, name: &str) -> u32 {
        let padded = name.len().div_ceil(4) * 4;
        let length = u16::try_from(2 + padded / 4).expect("short name");
        let mut req = vec![16, 0];
        req.extend(length.to_le_bytes());
        req.extend(u16::try_from(name.len()).expect("short name").to_le_bytes());
        req.extend([0, 0]);
        req.extend(name.as_bytes());
        req.resize(8 + padded, 0);
        self.request(&req);
        let reply = self.reply();
        u32::from_le_bytes([reply[8], reply[9], reply[10], reply[11]])
    }

    /// SendEvent of a 32-bit ClientMessage to the client that owns `window`.
    fn send_client_message(&mut self, window: u32, kind: u32, data: [u32; 5]) {
        let mut req = vec![25, 0];
        req.extend(11u16.to_le_bytes());
        req.extend(window.to_le_bytes());
        req.extend(0u32.to_le_bytes()); // no event mask: to the window's creator
        req.extend([33, 32, 0, 0]); // ClientMessage, format 32
        req.extend(window.to_le_bytes());
        req.extend(kind.to_le_bytes());
        for word in data {
            req.extend(word.to_le_bytes());
        }
        self.request(&req);
    }

    /// ConfigureWindow with a width and a height.
    fn resize(&mut self, window: u32, width: u32, height: u32) {
        let mut req = vec![12, 0];
        req.extend(5u16.to_le_bytes());
        req.extend(window.to_le_bytes());
        req.extend(0x000Cu16.to_le_bytes()); // width | height
        req.extend([0, 0]);
        req.extend(width.to_le_bytes());
        req.extend(height.to_le_bytes());
        self.request(&req);
    }

    /// A round trip (GetInputFocus): every request before it has been handled.
    fn sync(&mut self) {
        self.request(&[43, 0, 1, 0]);
        self.reply();
    }
}

#[test]
fn a_dbusmenu_layout_reads_as_its_items() {
    let layout = "(uint32 7, (0, {'children-display': <'submenu'>}, [<(1, {'label': \
        <'Ouvrir Messagerie'>, 'visible': <true>}, @av [])>, <(2, {'enabled': <false>, \
        'label': <'3 messages non lus'>}, @av [])>, <(3, {'type': <'separator'>}, @av [])>]))";
    assert_eq!(
        parse_layout(layout),
        vec![
            TrayItem {
                id: 1,
                label: "Ouvrir Messagerie".into(),
                enabled: true
            },
            TrayItem {
                id: 2,
                label: "3 messages non lus".into(),
                enabled: false
            },
        ]
    );
}
