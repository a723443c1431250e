// Every keyboard shortcut of the window, in one table: the window's and the composer's key
// handlers find the action here, and the « ? » list is drawn from it, so the list cannot drift
// from what the keys do.
import type { Locale, MessageKey } from "../i18n/i18n";

/** One key, with its modifiers. `ctrl` is Ctrl, or ⌘ on macOS. */
export interface Combo {
  /** `KeyboardEvent.key`; a letter matches either case, Shift deciding between entries. */
  key: string;
  ctrl?: boolean;
  shift?: boolean;
}

/** Where a shortcut acts: the mailbox window, or the composer (which has the focus). */
export type Scope = "mailbox" | "composer";

export interface Shortcut {
  id: ShortcutId;
  /** Any of these keys; the first is the one the list shows first. */
  keys: Combo[];
  scope: Scope;
  /** Fires while the focus is in a field (Ctrl+Entrée in the composer); a shortcut without
   * Ctrl never does: typing an « r » in the subject must not reply. */
  inFields: boolean;
  /** What it does, in the « ? » list. */
  label: MessageKey;
}

export type ShortcutId =
  | "help"
  | "compose"
  | "reply"
  | "replyAll"
  | "forward"
  | "delete"
  | "toggleUnread"
  | "next"
  | "previous"
  | "first"
  | "last"
  | "open"
  | "tick"
  | "search"
  | "refresh"
  | "settings"
  | "print"
  | "send";

export const SHORTCUTS: readonly Shortcut[] = [
  { id: "help", keys: [{ key: "?" }], scope: "mailbox", inFields: false, label: "shortcuts.help" },
  { id: "compose", keys: [{ key: "n", ctrl: true }], scope: "mailbox", inFields: false, label: "shortcuts.compose" },
  { id: "reply", keys: [{ key: "r" }], scope: "mailbox", inFields: false, label: "shortcuts.reply" },
  { id: "replyAll", keys: [{ key: "r", shift: true }], scope: "mailbox", inFields: false, label: "shortcuts.replyAll" },
  { id: "forward", keys: [{ key: "f" }], scope: "mailbox", inFields: false, label: "shortcuts.forward" },
  { id: "delete", keys: [{ key: "Delete" }], scope: "mailbox", inFields: false, label: "shortcuts.delete" },
  { id: "toggleUnread", keys: [{ key: "u" }], scope: "mailbox", inFields: false, label: "shortcuts.toggleUnread" },
  { id: "next", keys: [{ key: "ArrowDown" }], scope: "mailbox", inFields: false, label: "shortcuts.next" },
  { id: "previous", keys: [{ key: "ArrowUp" }], scope: "mailbox", inFields: false, label: "shortcuts.previous" },
  { id: "first", keys: [{ key: "Home" }], scope: "mailbox", inFields: false, label: "shortcuts.first" },
  { id: "last", keys: [{ key: "End" }], scope: "mailbox", inFields: false, label: "shortcuts.last" },
  { id: "open", keys: [{ key: "Enter" }], scope: "mailbox", inFields: false, label: "shortcuts.open" },
  { id: "tick", keys: [{ key: " " }], scope: "mailbox", inFields: false, label: "shortcuts.tick" },
  { id: "search", keys: [{ key: "f", ctrl: true }, { key: "/" }], scope: "mailbox", inFields: true, label: "shortcuts.search" },
  { id: "refresh", keys: [{ key: "F5" }], scope: "mailbox", inFields: true, label: "shortcuts.refresh" },
  { id: "settings", keys: [{ key: ",", ctrl: true }], scope: "mailbox", inFields: true, label: "shortcuts.settings" },
  { id: "print", keys: [{ key: "p", ctrl: true }], scope: "mailbox", inFields: true, label: "shortcuts.print" },
  { id: "send", keys: [{ key: "Enter", ctrl: true }], scope: "composer", inFields: true, label: "shortcuts.send" },
];

const isLetter = (key: string) => key.length === 1 && key.toLowerCase() !== key.toUpperCase();

/** Whether `e` is `combo`. Shift counts for letters (R and Maj+R differ) and named keys; for a
 * sign such as « ? » it is part of typing the sign on most layouts, so it is not looked at. */
export function matchesCombo(combo: Combo, e: Pick<KeyboardEvent, "key" | "ctrlKey" | "metaKey" | "shiftKey" | "altKey">): boolean {
  if (e.altKey) return false;
  if (Boolean(combo.ctrl) !== (e.ctrlKey || e.metaKey)) return false;
  const letter = isLetter(combo.key);
  const sameKey = letter ? e.key.toLowerCase() === combo.key : e.key === combo.key;
  if (!sameKey) return false;
  const named = combo.key.length > 1;
  if (letter || named) return Boolean(combo.shift) === e.shiftKey;
  return true;
}

/**
 * The shortcut `e` asks for in `scope`, if any. `typing`: the focus is in a text field (or a
 * place with keys of its own: a dialog, a form, the folder tree), where only `inFields`
 * shortcuts fire.
 */
export function shortcutFor(
  e: Pick<KeyboardEvent, "key" | "ctrlKey" | "metaKey" | "shiftKey" | "altKey">,
  scope: Scope,
  typing: boolean,
  table: readonly Shortcut[] = SHORTCUTS,
): Shortcut | null {
  return (
    table.find((s) => s.scope === scope && (s.inFields || !typing) && s.keys.some((k) => matchesCombo(k, e))) ??
    null
  );
}

/** Whether the focus is where keys type text (so single-key shortcuts stay off). */
export function isTyping(target: EventTarget | null): boolean {
  if (typeof HTMLElement === "undefined" || !(target instanceof HTMLElement)) return false;
  return (
    target.isContentEditable ||
    target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement ||
    (target instanceof HTMLInputElement && target.type !== "checkbox")
  );
}

const NAMES: Record<Locale, Record<string, string>> = {
  fr: {
    Delete: "Suppr",
    Enter: "Entrée",
    ArrowDown: "↓",
    ArrowUp: "↑",
    Home: "Début",
    End: "Fin",
    " ": "Espace",
    Escape: "Échap",
    ctrl: "Ctrl",
    shift: "Maj",
  },
  en: {
    Delete: "Delete",
    Enter: "Enter",
    ArrowDown: "↓",
    ArrowUp: "↑",
    Home: "Home",
    End: "End",
    " ": "Space",
    Escape: "Esc",
    ctrl: "Ctrl",
    shift: "Shift",
  },
};

/** A combo as the list shows it: « Ctrl+N », « Maj+R », « Suppr ». */
export function comboLabel(combo: Combo, locale: Locale): string {
  const names = NAMES[locale];
  const parts: string[] = [];
  if (combo.ctrl) parts.push(names.ctrl ?? "Ctrl");
  if (combo.shift) parts.push(names.shift ?? "Shift");
  parts.push(names[combo.key] ?? (combo.key.length === 1 ? combo.key.toUpperCase() : combo.key));
  return parts.join("+");
}

/** The `aria-keyshortcuts` value of a shortcut's keys (« Control+N », « Shift+R »). */
export function ariaKeys(id: ShortcutId): string {
  const entry = SHORTCUTS.find((s) => s.id === id);
  if (!entry) return "";
  return entry.keys
    .map((k) => {
      const parts: string[] = [];
      if (k.ctrl) parts.push("Control");
      if (k.shift) parts.push("Shift");
      parts.push(k.key === " " ? "Space" : k.key.length === 1 ? k.key.toUpperCase() : k.key);
      return parts.join("+");
    })
    .join(" ");
}

/** The keys of a shortcut as one short text for a tooltip: « R », « Ctrl+F ou / ». */
export function keysLabel(id: ShortcutId, locale: Locale): string {
  const entry = SHORTCUTS.find((s) => s.id === id);
  return entry ? entry.keys.map((k) => comboLabel(k, locale)).join(locale === "fr" ? " ou " : " or ") : "";
}
