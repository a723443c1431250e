// Which theme the system asks for, written on <html> as `data-system-theme="light"|"dark"` for
// src/styles.css. The user's own choice is `data-theme` (set by « Paramètres »), which wins;
// without it the window follows this attribute.
//
// Two sources, dark when either says dark:
// - the webview's `prefers-color-scheme`. WebKitGTK derives it from GTK's settings
//   (`gtk-application-prefer-dark-theme`, a theme name ending in « -dark », `GTK_THEME=…:dark`);
//   WebView2 and WKWebView from the system's setting;
// - the desktop's theme as the shell reports it (Tauri's window theme and its
//   `tauri://theme-changed` event; on Linux, the XDG portal's `color-scheme`, which tao also
//   hands to GTK), for a desktop whose dark preference the webview does not see by itself.

export type Theme = "light" | "dark";

/** The desktop's theme as the shell reports it (ui/src/ipc.ts, over Tauri). */
export interface DesktopTheme {
  /** The theme now; null when the shell does not know. */
  current(): Promise<Theme | null>;
  /** Calls `listener` on each change; returns the function that stops listening. */
  onChange(listener: (theme: Theme) => void): () => void;
}

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
export function followSystemTheme(
  root: HTMLElement,
  media: ColorSchemeQuery | null,
  desktop?: DesktopTheme,
): () => void {
  let webviewDark = media?.matches ?? false;
  let desktopDark = false;
  const apply = () => root.setAttribute(SYSTEM_THEME_ATTRIBUTE, webviewDark || desktopDark ? "dark" : "light");
  apply();

  const onMedia = (e: { matches: boolean }) => {
    webviewDark = e.matches;
    apply();
  };
  media?.addEventListener("change", onMedia);

  let stopped = false;
  const onDesktop = (theme: Theme | null) => {
    if (stopped) return;
    desktopDark = theme === "dark";
    apply();
  };
  desktop?.current().then(onDesktop, () => {
    // The shell cannot tell: the webview's preference alone decides.
  });
  const stopDesktop = desktop?.onChange(onDesktop);

  return () => {
    stopped = true;
    media?.removeEventListener("change", onMedia);
    stopDesktop?.();
  };
}
