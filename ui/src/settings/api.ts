import type { Settings } from "../bindings/Settings";

/** What « Paramètres » asks of the backend (src-tauri/src/commands/settings.rs). */
export interface SettingsApi {
  /** The settings, « Lancer au démarrage de la session » as the system has it now. */
  settings(): Promise<Settings>;
  /** Saves them and applies them at once; resolves to them as applied. */
  saveSettings(settings: Settings): Promise<Settings>;
  /** Takes the password (or the kept ENT session) out of the keyring; the account stays open. */
  forgetPassword(): Promise<void>;
}

/** The settings before the backend answered (the backend's defaults, src-tauri/src/settings.rs). */
export const DEFAULT_SETTINGS: Settings = {
  language: "fr",
  theme: "system",
  notifications: true,
  notificationSound: true,
  notificationPreview: true,
  quietHours: { enabled: false, start: "19:00", end: "07:30", wholeDays: ["saturday", "sunday"] },
  closeToTray: true,
  startAtLogin: false,
  syncIntervalMinutes: 1,
  conversationView: false,
};

/** « Relever le courrier toutes les… », in minutes (SYNC_INTERVALS in the backend). */
export const SYNC_INTERVALS = [1, 5, 15, 30] as const;

/**
 * The theme on `<html>`: `data-theme="light"|"dark"` forces one, no attribute follows the system
 * (the stylesheets honour both, through `prefers-color-scheme`).
 */
export function applyTheme(theme: Settings["theme"], root: HTMLElement = document.documentElement): void {
  if (theme === "system") root.removeAttribute("data-theme");
  else root.setAttribute("data-theme", theme);
}
