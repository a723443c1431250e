export { SettingsScreen } from "./SettingsScreen";
export { applyTheme, DEFAULT_SETTINGS, type SettingsApi } from "./api";
