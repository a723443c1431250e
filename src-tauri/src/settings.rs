//! « Paramètres »: the user's settings, kept by `tauri-plugin-store` in `<data root>/settings.json`
//! (the data root of [`crate::account::data_root`], so `MESSAGERIE_DATA_DIR` isolates tests), one
//! top-level camelCase key per setting. A key that is missing or damaged reads as its default
//! (never an error at start); the others keep their values.
//!
//! Other parts of the shell read one key each: `closeToTray` (the tray), `quietHours` and the
//! notification keys (`commands::notify`), `syncIntervalMinutes` (the sync timer). « Lancer au
//! démarrage de la session » is not kept here: `tauri-plugin-autostart` (an XDG autostart entry
//! on Linux) is the truth, read each time.
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use messagerie_core::quiet_hours::{QuietHours, QuietWatch};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_store::{Store, StoreExt as _};

/// The file, in the data root.
pub const FILE: &str = "settings.json";

/// The choices of « Relever le courrier toutes les… », in minutes.
pub const SYNC_INTERVALS: [u32; 4] = [1, 5, 15, 30];

/// The window's language.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum Language {
    #[default]
    Fr,
    En,
}

/// The window's colours: the system's (`prefers-color-scheme`), or forced.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum Theme {
    #[default]
    System,
    Light,
    Dark,
}

/// Every setting, as the « Paramètres » screen shows and saves them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Settings {
    pub language: Language,
    pub theme: Theme,
    /// New-mail notifications at all.
    pub notifications: bool,
    /// Their sound (the `sound-name` / `suppress-sound` hints).
    pub notification_sound: bool,
    /// Their text: the sender, the subject and the first line; off, only « Nouveau message »
    /// or a count (a screen shown to a class must not show a pupil's message, nor who wrote).
    pub notification_preview: bool,
    pub quiet_hours: QuietHours,
    /// Closing the window keeps the app in the tray (the tray reads it).
    pub close_to_tray: bool,
    /// « Lancer au démarrage de la session »: the autostart plugin's state, not stored here.
    pub start_at_login: bool,
    /// How often the open mailbox asks the ENT for news (one of [`SYNC_INTERVALS`]).
    pub sync_interval_minutes: u32,
    /// « Afficher par conversation » (off, like the ENT).
    pub conversation_view: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            language: Language::Fr,
            theme: Theme::System,
            notifications: true,
            notification_sound: true,
            notification_preview: true,
            quiet_hours: QuietHours::default(),
            close_to_tray: true,
            start_at_login: false,
            sync_interval_minutes: 1,
            conversation_view: false,
        }
    }
}

/// The key that is not kept in the store (see [`Settings::start_at_login`]).
const NOT_STORED: &str = "startAtLogin";

impl Settings {
    /// The settings from the store's keys: each valid key wins over its default, each missing
    /// or damaged one reads as its default.
    pub fn from_entries(get: impl Fn(&str) -> Option<Value>) -> Self {
        let Ok(Value::Object(mut merged)) = serde_json::to_value(Self::default()) else {
            return Self::default();
        };
        let keys: Vec<String> = merged.keys().cloned().collect();
        for key in keys.iter().filter(|k| *k != NOT_STORED) {
            let Some(stored) = get(key) else { continue };
            let mut candidate = merged.clone();
            candidate.insert(key.clone(), stored);
            match serde_json::from_value::<Self>(Value::Object(candidate.clone())) {
                Ok(settings) if settings.valid() => merged = candidate,
                _ => tracing::warn!(key, "ignoring a damaged setting; using its default"),
            }
        }
        serde_json::from_value(Value::Object(merged)).unwrap_or_default()
    }

    /// The keys and values the store keeps.
    pub fn entries(&self) -> Vec<(String, Value)> {
        match serde_json::to_value(self) {
            Ok(Value::Object(map)) => map.into_iter().filter(|(k, _)| k != NOT_STORED).collect(),
            _ => Vec::new(),
        }
    }

    /// What the screen cannot choose is refused (a hand-edited file, a bad command).
    pub fn valid(&self) -> bool {
        SYNC_INTERVALS.contains(&self.sync_interval_minutes)
    }

    /// The sync timer's period: `MESSAGERIE_SYNC_INTERVAL_SECS` when set (the end-to-end tests
    /// shorten it so that new mail shows within seconds), else the setting.
    pub fn sync_interval(&self) -> Duration {
        sync_interval_from_env()
            .unwrap_or_else(|| Duration::from_secs(u64::from(self.sync_interval_minutes) * 60))
    }
}

fn sync_interval_from_env() -> Option<Duration> {
    std::env::var("MESSAGERIE_SYNC_INTERVAL_SECS")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .filter(|s| *s > 0)
        .map(Duration::from_secs)
}

/// The settings as the app runs with them, and the mail held back during quiet hours.
pub struct SettingsState {
    path: PathBuf,
    current: Mutex<Settings>,
    pub quiet: Mutex<QuietWatch>,
}

impl SettingsState {
    /// Reads the store (the plugin must be registered) and manages the result.
    pub fn load<R: Runtime>(app: &AppHandle<R>, data_root: &Path) -> Self {
        let path = data_root.join(FILE);
        let current = match open(app, &path) {
            Ok(store) => Settings::from_entries(|key| store.get(key)),
            Err(error) => {
                tracing::warn!(%error, "cannot read the settings; using the defaults");
                Settings::default()
            }
        };
        Self {
            path,
            current: Mutex::new(current),
            quiet: Mutex::new(QuietWatch::default()),
        }
    }

    /// The settings now (`startAtLogin` as last read or set).
    pub fn get(&self) -> Settings {
        self.current
            .lock()
            .map_or_else(|p| p.into_inner().clone(), |s| s.clone())
    }

    /// Keeps `settings` in memory and on disk.
    pub fn save<R: Runtime>(&self, app: &AppHandle<R>, settings: &Settings) -> Result<(), Error> {
        if !settings.valid() {
            return Err(Error::Invalid);
        }
        let store = open(app, &self.path)?;
        for (key, value) in settings.entries() {
            store.set(key, value);
        }
        store.save()?;
        match self.current.lock() {
            Ok(mut current) => *current = settings.clone(),
            Err(poisoned) => *poisoned.into_inner() = settings.clone(),
        }
        Ok(())
    }

    /// Only records the autostart state read from the plugin.
    pub fn note_start_at_login(&self, on: bool) {
        if let Ok(mut current) = self.current.lock() {
            current.start_at_login = on;
        }
    }
}

fn open<R: Runtime>(app: &AppHandle<R>, path: &Path) -> Result<Arc<Store<R>>, Error> {
    // An absolute path: the plugin joins it to nothing. Saved by `save`, not on a timer.
    Ok(app.store_builder(path).disable_auto_save().build()?)
}

/// The settings store of a running app, for the app's own keys that are not settings
/// (`closeToTrayExplained`, `paneWidths`: background.rs); opened as [`SettingsState`] opens it.
pub fn store<R: Runtime>(app: &AppHandle<R>) -> Result<Arc<Store<R>>, Error> {
    open(app, &state(app).path)
}

/// The settings state of a running app.
pub fn state<R: Runtime>(app: &AppHandle<R>) -> tauri::State<'_, SettingsState> {
    app.state::<SettingsState>()
}

/// Why the settings could not be saved.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot save the settings ({0}); check that the data folder is writable")]
    Store(#[from] tauri_plugin_store::Error),
    #[error("this setting's value is not one the screen offers; choose one of its options")]
    Invalid,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn one_camel_case_key_per_setting_and_no_autostart_key() {
        let mut keys: Vec<String> = Settings::default()
            .entries()
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        keys.sort();
        assert_eq!(
            keys,
            [
                "closeToTray",
                "conversationView",
                "language",
                "notificationPreview",
                "notificationSound",
                "notifications",
                "quietHours",
                "syncIntervalMinutes",
                "theme",
            ]
        );
    }

    #[test]
    fn stored_keys_win_and_damaged_ones_read_as_their_defaults() {
        let stored = json!({
            "language": "en",
            "theme": "dark",
            "notifications": "yes",
            "closeToTray": false,
            "syncIntervalMinutes": 7,
            "quietHours": { "enabled": true, "start": "25:00", "end": "07:30", "wholeDays": [] },
            "startAtLogin": true,
        });
        let settings = Settings::from_entries(|k| stored.get(k).cloned());
        assert_eq!(settings.language, Language::En);
        assert_eq!(settings.theme, Theme::Dark);
        assert!(settings.notifications, "a string is not a switch");
        assert!(!settings.close_to_tray);
        assert_eq!(settings.sync_interval_minutes, 1, "not a choice");
        assert_eq!(settings.quiet_hours, QuietHours::default(), "25:00");
        assert!(!settings.start_at_login, "the plugin says, not the file");
    }

    #[test]
    fn an_empty_store_gives_the_defaults() {
        let settings = Settings::from_entries(|_| None);
        assert_eq!(settings, Settings::default());
        assert!(settings.close_to_tray);
        assert!(!settings.quiet_hours.enabled);
        assert!(!settings.start_at_login);
    }
}
