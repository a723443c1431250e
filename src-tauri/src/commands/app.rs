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
