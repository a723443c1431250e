//! « Paramètres »: read and save the settings (`crate::settings`); each takes effect at once.
use tauri::AppHandle;
use tauri_plugin_autostart::ManagerExt as _;

use crate::error::{CommandError, ErrorKind};
use crate::settings::{self, Settings};
use crate::state::AppState;

/// The settings, with « Lancer au démarrage de la session » as the system has it now.
#[tauri::command]
#[tracing::instrument(skip_all)]
pub fn settings(app: AppHandle) -> Settings {
    let state = settings::state(&app);
    state.note_start_at_login(start_at_login(&app));
    state.get()
}

/// When the quiet hours in force now end (milliseconds since the epoch), for the composer's
/// « Envoyer à 7 h 30 »; `None` outside quiet hours.
#[tauri::command]
#[tracing::instrument(skip_all)]
pub fn quiet_hours_end(app: AppHandle) -> Option<i64> {
    settings::state(&app).get().quiet_hours.end_of_current_ms()
}

/// Saves the settings and applies them: the sync timer's period, the autostart entry; the
/// window applies the language and the theme itself. Returns them as applied.
#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn save_settings(
    app: AppHandle,
    state: tauri::State<'_, AppState>,
    settings: Settings,
) -> Result<Settings, CommandError> {
    let store = settings::state(&app);
    let before = store.get();
    store.save(&app, &settings).map_err(|e| {
        let kind = match e {
            settings::Error::Invalid => ErrorKind::InvalidInput,
            settings::Error::Store(_) => ErrorKind::Storage,
        };
        CommandError::new(kind, e.to_string())
    })?;
    if settings.sync_interval_minutes != before.sync_interval_minutes {
        if let Ok(mailbox) = state.mailbox().await {
            mailbox.set_sync_interval(settings.sync_interval());
        }
    }
    if !settings.notifications {
        if let Ok(mut watch) = store.quiet.lock() {
            watch.forget();
        }
    }
    if settings.start_at_login != start_at_login(&app) {
        let autolaunch = app.autolaunch();
        let changed = if settings.start_at_login {
            autolaunch.enable()
        } else {
            autolaunch.disable()
        };
        if let Err(error) = changed {
            tracing::warn!(%error, "cannot change the start at login");
            return Err(CommandError::new(
                ErrorKind::Internal,
                "cannot change the start at login; check that ~/.config/autostart is writable",
            ));
        }
    }
    store.note_start_at_login(start_at_login(&app));
    Ok(store.get())
}

fn start_at_login(app: &AppHandle) -> bool {
    app.autolaunch().is_enabled().unwrap_or(false)
}

/// « Oublier le mot de passe »: the password (or the kept ENT session) leaves the keyring and the
/// next start asks for it; the account stays open.
#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn forget_password(state: tauri::State<'_, AppState>) -> Result<(), CommandError> {
    let account = state.account().await?;
    crate::account::forget_secrets(&account.ent_url, &account.login).await;
    let id = account.id.clone();
    state
        .change_saved(move |saved| {
            for kept in &mut saved.accounts {
                if crate::state::account_id(kept) == id {
                    kept.remembered = false;
                }
            }
        })
        .await;
    if let Some(current) = state.accounts.write().await.get_mut(&account.id) {
        current.account.remembered = None;
    }
    Ok(())
}
