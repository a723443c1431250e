// WCAG AA for both themes, computed from the CSS itself: every pair of a text colour and the
// background it is drawn on (4.5:1), and of a control's edge or a focus ring and what is around
// it (3:1, WCAG 1.4.11). A colour changed in src/styles.css that breaks a pair fails here; a
// colour named outside the tokens (in mailbox.css or composer.css) fails too, as it would
// escape this check.
import { describe, expect, test } from "vitest";
import { SHEET } from "../mailbox/body";

const sources = import.meta.glob<string>(["../styles.css", "../mailbox/mailbox.css", "../composer/composer.css"], {
  query: "?raw",
  import: "default",
  eager: true,
});
const css = (path: string): string => {
  const text = sources[path];
  if (text === undefined) throw new Error(`${path} not found`);
  return text.replace(/\/\*[\s\S]*?\*\//g, "");
};

/** The custom properties declared by the rule whose selector list contains `selector`. */
function tokens(source: string, selector: string): Map<string, string> {
  for (const [, selectors = "", body = ""] of source.matchAll(/([^{}]+)\{([^{}]*)\}/g)) {
    if (!selectors.split(",").some((s) => s.trim() === selector)) continue;
    return new Map([...body.matchAll(/(--[\w-]+)\s*:\s*([^;]+);/g)].map(([, name = "", value = ""]) => [name, value.trim()]));
  }
  throw new Error(`no rule for ${selector}`);
}

const styles = css("../styles.css");
const THEMES = {
  light: tokens(styles, ":root"),
  dark: tokens(styles, ':root[data-theme="dark"]'),
};

function rgb(hex: string): [number, number, number] {
  const m = /^#([0-9a-f]{6})$/i.exec(hex);
  if (!m?.[1]) throw new Error(`${hex} is not a #rrggbb colour`);
  const n = parseInt(m[1], 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** WCAG 2 relative luminance. */
function luminance(hex: string): number {
  const [r, g, b] = rgb(hex).map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

export function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

const TEXT = 4.5;
const UI = 3;

/** [foreground token, background token, minimum]: what the screens draw on what. */
const PAIRS: [string, string, number][] = [
  // The window, panes, cards, dialogs, fields and buttons.
  ...["--mbx-bg", "--mbx-surface", "--mbx-hover", "--mbx-blue-pale", "--mbx-ticked"].flatMap(
    (bg): [string, string, number][] => [
      ["--mbx-ink", bg, TEXT],
      ["--mbx-muted", bg, TEXT],
      ["--mbx-blue-dark", bg, TEXT],
      ["--mbx-blue", bg, UI],
    ],
  ),
  ["--mbx-control", "--mbx-surface", UI],
  ["--mbx-control", "--mbx-bg", UI],
  // The top bar, primary buttons (and hovered); the search field's edge in the bar is
  // --mbx-on-bar too.
  ["--mbx-on-bar", "--mbx-bar", TEXT],
  ["--mbx-on-bar", "--mbx-bar-hover", TEXT],
  // Errors, refused recipients, « Supprimer ».
  ["--mbx-danger", "--mbx-surface", TEXT],
  ["--mbx-danger", "--mbx-danger-pale", TEXT],
  ["--mbx-error-ink", "--mbx-error-bg", TEXT],
  // « Action requise », offline, pending, remote images.
  ["--mbx-warn-ink", "--mbx-warn-bg", TEXT],
  ["--mbx-warn-text", "--mbx-surface", TEXT],
  // « Annuler l'envoi ».
  ["--mbx-toast-ink", "--mbx-toast-bg", TEXT],
  // The light sheet: message bodies and the composer's page.
  ["--mbx-sheet-ink", "--mbx-sheet", TEXT],
  ["--mbx-sheet-muted", "--mbx-sheet", TEXT],
  ["--mbx-sheet-link", "--mbx-sheet", TEXT],
];

describe("theme tokens", () => {
  test("both themes define the same tokens", () => {
    expect([...THEMES.dark.keys()].sort()).toEqual([...THEMES.light.keys()].sort());
  });

  for (const [name, theme] of Object.entries(THEMES)) {
    test.each(PAIRS)(`${name}: %s on %s is at least %s:1`, (fg, bg, min) => {
      const [a, b] = [theme.get(fg), theme.get(bg)];
      expect(a, fg).toBeDefined();
      expect(b, bg).toBeDefined();
      expect(contrast(a ?? "", b ?? "")).toBeGreaterThanOrEqual(min);
    });
  }

  test("the light sheet is the same in both themes and is what the body frame draws", () => {
    for (const theme of Object.values(THEMES)) {
      expect(theme.get("--mbx-sheet")).toBe(SHEET.background);
      expect(theme.get("--mbx-sheet-ink")).toBe(SHEET.ink);
      expect(theme.get("--mbx-sheet-muted")).toBe(SHEET.muted);
      expect(theme.get("--mbx-sheet-link")).toBe(SHEET.link);
      expect(theme.get("--mbx-sheet-quote")).toBe(SHEET.quote);
    }
  });

  test.each(["../mailbox/mailbox.css", "../composer/composer.css"])("%s names no colour, only tokens", (path) => {
    const source = css(path);
    expect(source.match(/#[0-9a-f]{3,8}\b|\brgba?\(|\bhsla?\(/gi) ?? []).toEqual([]);
    const defined = new Set(THEMES.light.keys());
    const used = [...source.matchAll(/var\((--[\w-]+)/g)].map(([, name = ""]) => name);
    expect(used.filter((name) => !defined.has(name))).toEqual([]);
  });
});

test("the contrast formula matches WCAG's reference values", () => {
  expect(contrast("#000000", "#ffffff")).toBeCloseTo(21, 5);
  expect(contrast("#777777", "#ffffff")).toBeCloseTo(4.48, 2);
});
