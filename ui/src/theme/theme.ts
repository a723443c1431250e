// Which theme the system asks for, written on <html> as `data-system-theme="light"|"dark"` for
// src/styles.css. The user's own choice is `data-theme` (set by « Paramètres »), which wins;
// without it the window follows this attribute.
//
// The source is the webview's `prefers-color-scheme`, which follows the desktop by itself:
// WebKitGTK derives it from GTK (`gtk-application-prefer-dark-theme`, a theme name ending in
// « -dark », `GTK_THEME=…:dark`), and tao sets GTK's preference from the XDG portal's
// `color-scheme` (GNOME's and KDE's dark style) and on each change of it; WebView2 and WKWebView
// follow Windows' and macOS' setting. Tauri's own window theme is not used: on Linux it keeps
// the value it read when the window opened (tests/e2e/theme.rs shows the webview following a
// switch while the app runs).

/** What is used of the webview's `matchMedia("(prefers-color-scheme: dark)")`. */
export interface ColorSchemeQuery {
  matches: boolean;
  addEventListener(type: "change", listener: (e: { matches: boolean }) => void): void;
  removeEventListener(type: "change", listener: (e: { matches: boolean }) => void): void;
}

export const SYSTEM_THEME_ATTRIBUTE = "data-system-theme";

/**
 * Keeps `data-system-theme` on `root` in step with the system. Call it before the first render,
 * so that a dark desktop never sees a light flash. Returns the function that stops following.
 */
export function followSystemTheme(root: HTMLElement, media: ColorSchemeQuery | null): () => void {
  const apply = (dark: boolean) => root.setAttribute(SYSTEM_THEME_ATTRIBUTE, dark ? "dark" : "light");
  apply(media?.matches ?? false);
  const onChange = (e: { matches: boolean }) => apply(e.matches);
  media?.addEventListener("change", onChange);
  return () => media?.removeEventListener("change", onChange);
}
