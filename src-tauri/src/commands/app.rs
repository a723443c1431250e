//! What the UI shows about the app itself.
use serde::Serialize;

#[derive(Debug, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AppInfo {
    pub name: &'static str,
    pub version: &'static str,
}

#[tauri::command]
#[tracing::instrument(skip_all)]
pub fn app_info() -> AppInfo {
    AppInfo {
        name: "Messagerie",
        version: env!("CARGO_PKG_VERSION"),
    }
}

/// Test seam: moves the app's clock (`messagerie_core::clock`) forward by `seconds`, so that an
/// end-to-end test sees quiet hours end or a scheduled message fall due without waiting. Only
/// debug builds (what `cargo test` builds) move it; release builds refuse.
#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub fn debug_advance_clock(seconds: i64) -> Result<(), crate::error::CommandError> {
    if cfg!(debug_assertions) {
        messagerie_core::clock::advance(seconds);
        Ok(())
    } else {
        Err(crate::error::CommandError::internal())
    }
}

/// Test seam: sets the main window's page zoom (`factor` 2.0 is the 200 % a user reaches with
/// the desktop's zoom), so that an end-to-end test checks the layout there. Debug builds only;
/// release builds refuse.
#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub fn debug_set_zoom(
    app: tauri::AppHandle,
    factor: f64,
) -> Result<(), crate::error::CommandError> {
    use tauri::Manager;
    match app.get_webview_window("main") {
        Some(window) if cfg!(debug_assertions) && (0.25..=5.0).contains(&factor) => {
            Ok(window.set_zoom(factor)?)
        }
        _ => Err(crate::error::CommandError::internal()),
    }
}

/// Test seam, debug builds only: `MESSAGERIE_TEST_CLOCK_OFFSET_SECS` starts the app's clock that
/// many seconds ahead (a test that restarts the app "later").
pub fn offset_clock_from_env() {
    if !cfg!(debug_assertions) {
        return;
    }
    if let Some(seconds) = std::env::var("MESSAGERIE_TEST_CLOCK_OFFSET_SECS")
        .ok()
        .and_then(|s| s.parse::<i64>().ok())
    {
        messagerie_core::clock::advance(seconds);
    }
}
