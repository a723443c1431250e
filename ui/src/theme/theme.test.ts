import { describe, expect, test } from "vitest";
import { followSystemTheme } from "./theme";

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

  test("without matchMedia the window is light", () => {
    const root = document.createElement("html");
    followSystemTheme(root, null);
    expect(root.getAttribute("data-system-theme")).toBe("light");
  });
});
