//! The `messagerie` binary: a thin shim over the library.
// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use messagerie_lib::launch;

fn main() {
    // Before anything else (logging, GTK): `--help`, `--version`, and no graphical session print
    // and exit here, so that none of them opens a window or ends in a GTK panic.
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(exit) = launch::before_window(&args, |name| std::env::var_os(name)) {
        exit.print_and_exit();
    }
    messagerie_lib::run();
}
