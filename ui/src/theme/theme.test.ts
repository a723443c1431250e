import { describe, expect, test } from "vitest";
import { followSystemTheme, type DesktopTheme, type Theme } from "./theme";

class FakeMedia {
  matches: boolean;
  private listeners = new Set<(e: { matches: boolean }) => void>();
  constructor(matches: boolean) {
    this.matches = matches;
  }
  addEventListener(_: string, l: (e: { matches: boolean }) => void) {
    this.listeners.add(l);
  }
  removeEventListener(_: string, l: (e: { matches: boolean }) => void) {
    this.listeners.delete(l);
  }
  set(matches: boolean) {
    this.matches = matches;
    for (const l of this.listeners) l({ matches });
  }
  get listening() {
    return this.listeners.size;
  }
}

class FakeDesktop implements DesktopTheme {
  private listener: ((t: Theme) => void) | null = null;
  constructor(private now: Theme | null) {}
  current() {
    return Promise.resolve(this.now);
  }
  onChange(listener: (t: Theme) => void) {
    this.listener = listener;
    return () => {
      this.listener = null;
    };
  }
  change(t: Theme) {
    this.listener?.(t);
  }
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe("followSystemTheme", () => {
  test("the webview's prefers-color-scheme is written at once and followed", () => {
    const root = document.createElement("html");
    const media = new FakeMedia(true);
    const stop = followSystemTheme(root, media);
    expect(root.getAttribute("data-system-theme")).toBe("dark");

    media.set(false);
    expect(root.getAttribute("data-system-theme")).toBe("light");

    stop();
    expect(media.listening).toBe(0);
  });

  test("a dark desktop the webview does not see still makes the window dark, and back", async () => {
    const root = document.createElement("html");
    const desktop = new FakeDesktop("dark");
    followSystemTheme(root, new FakeMedia(false), desktop);
    await flush();
    expect(root.getAttribute("data-system-theme")).toBe("dark");

    desktop.change("light");
    expect(root.getAttribute("data-system-theme")).toBe("light");
  });

  test("without any source the window is light", () => {
    const root = document.createElement("html");
    followSystemTheme(root, null);
    expect(root.getAttribute("data-system-theme")).toBe("light");
  });
});
