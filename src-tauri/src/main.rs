//! The `messagerie` binary: a thin shim over the library.
// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    messagerie_lib::run();
}
