//! The main window's policy, checked on the files Tauri builds it from: the capability grants
//! only what `ui/src/ipc.ts` uses, and the Content-Security-Policy loads no image from the web
//! (« Afficher les images » inlines them from Rust: `show_remote_images`).

use serde_json::Value;

fn read(name: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name} is not JSON: {e}"))
}

/// The core (Tauri) permissions the UI needs: `listen` and its unlisten (`ui/src/ipc.ts`).
const CORE_PERMISSIONS: &[&str] = &["core:event:allow-listen", "core:event:allow-unlisten"];

#[test]
fn the_main_window_gets_only_the_core_permissions_the_ui_uses() {
    let capability = read("capabilities/default.json");
    let permissions: Vec<&str> = capability["permissions"]
        .as_array()
        .expect("a permission list")
        .iter()
        .map(|p| p.as_str().expect("permission identifiers only"))
        .collect();
    let core: Vec<&str> = permissions
        .iter()
        .copied()
        .filter(|p| p.starts_with("core:"))
        .collect();
    assert_eq!(core, CORE_PERMISSIONS, "core permissions granted");
    assert!(
        permissions
            .iter()
            .all(|p| p.starts_with("allow-") || p.starts_with("core:")),
        "no plugin permission is granted to the window: {permissions:?}"
    );
}

#[test]
fn the_main_windows_csp_loads_no_remote_image_and_nothing_remote_by_default() {
    let config = read("tauri.conf.json");
    let csp = &config["app"]["security"]["csp"];
    let directive = |name: &str| {
        csp[name]
            .as_str()
            .unwrap_or_else(|| panic!("the CSP sets {name}"))
            .split_whitespace()
            .collect::<Vec<_>>()
    };
    assert_eq!(directive("img-src"), ["'self'", "data:"]);
    for name in ["default-src", "script-src", "frame-src"] {
        assert_eq!(directive(name), ["'self'"], "{name}");
    }
    for (name, value) in csp.as_object().expect("the CSP as an object") {
        let value = value.as_str().unwrap_or("");
        for remote in ["http:", "https:", "*"] {
            assert!(
                !value.split_whitespace().any(|source| source == remote),
                "{name} allows {remote}"
            );
        }
    }
}
