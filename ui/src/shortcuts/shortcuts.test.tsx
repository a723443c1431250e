import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, test, vi } from "vitest";
import { I18nProvider } from "../i18n/i18n";
import { en } from "../i18n/en";
import { fr } from "../i18n/fr";
import { ShortcutsDialog } from "./ShortcutsDialog";
import { ariaKeys, comboLabel, matchesCombo, SHORTCUTS, shortcutFor } from "./shortcuts";

afterEach(cleanup);

const key = (k: string, mods: Partial<Record<"ctrlKey" | "metaKey" | "shiftKey" | "altKey", boolean>> = {}) => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  altKey: false,
  ...mods,
});

describe("the shortcut table", () => {
  test("has the usual keys of mail clients, each once", () => {
    const find = (e: ReturnType<typeof key>, scope: "mailbox" | "composer" = "mailbox") =>
      shortcutFor(e, scope, false)?.id;
    expect(find(key("n", { ctrlKey: true }))).toBe("compose");
    expect(find(key("r"))).toBe("reply");
    expect(find(key("R", { shiftKey: true }))).toBe("replyAll");
    expect(find(key("f"))).toBe("forward");
    expect(find(key("Delete"))).toBe("delete");
    expect(find(key("?", { shiftKey: true }))).toBe("help");
    expect(find(key("Enter", { ctrlKey: true }), "composer")).toBe("send");
    expect(find(key("Enter", { metaKey: true }), "composer")).toBe("send");
  });

  test("no two entries of one scope answer the same key, and ids are unique", () => {
    const ids = SHORTCUTS.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const a of SHORTCUTS) {
      for (const b of SHORTCUTS) {
        if (a === b || a.scope !== b.scope) continue;
        for (const k of a.keys) {
          const e = key(k.key, { ctrlKey: Boolean(k.ctrl), shiftKey: Boolean(k.shift) });
          expect(b.keys.some((other) => matchesCombo(other, e)), `${a.id} and ${b.id}`).toBe(false);
        }
      }
    }
  });

  test("a single key never fires while typing in a field; Ctrl+Entrée does in the composer", () => {
    expect(shortcutFor(key("r"), "mailbox", true)).toBeNull();
    expect(shortcutFor(key("Delete"), "mailbox", true)).toBeNull();
    expect(shortcutFor(key("?"), "mailbox", true)).toBeNull();
    expect(shortcutFor(key("n", { ctrlKey: true }), "mailbox", true)).toBeNull();
    expect(shortcutFor(key("Enter", { ctrlKey: true }), "composer", true)?.id).toBe("send");
    // Alt+R is the desktop's, not a reply.
    expect(shortcutFor(key("r", { altKey: true }), "mailbox", false)).toBeNull();
  });

  test("every entry is worded in French and English, and its keys are named", () => {
    for (const s of SHORTCUTS) {
      expect(fr[s.label]).toBeTruthy();
      expect(en[s.label]).toBeTruthy();
    }
    expect(comboLabel({ key: "r", shift: true }, "fr")).toBe("Maj+R");
    expect(comboLabel({ key: "Enter", ctrl: true }, "fr")).toBe("Ctrl+Entrée");
    expect(comboLabel({ key: "Delete" }, "fr")).toBe("Suppr");
    expect(comboLabel({ key: "Delete" }, "en")).toBe("Delete");
    expect(ariaKeys("replyAll")).toBe("Shift+R");
    expect(ariaKeys("search")).toBe("Control+F /");
  });
});

describe("the « ? » list", () => {
  test("shows every entry of the table with its keys, and Échap closes it", () => {
    const onClose = vi.fn();
    render(
      <I18nProvider locale="fr">
        <ShortcutsDialog onClose={onClose} />
      </I18nProvider>,
    );
    const dialog = screen.getByRole("dialog", { name: "Raccourcis clavier" });
    const entries = dialog.querySelectorAll("[data-shortcut]");
    expect([...entries].map((e) => e.getAttribute("data-shortcut"))).toEqual(SHORTCUTS.map((s) => s.id));
    const reply = dialog.querySelector('[data-shortcut="replyAll"]');
    expect(reply?.textContent).toBe("Maj+RRépondre à tous");
    expect(within(dialog).getByText("Ctrl+Entrée")).toBeTruthy();
    expect(document.activeElement).toBe(within(dialog).getByRole("button", { name: "Fermer" }));
    fireEvent.keyDown(dialog, { key: "Escape" });
    expect(onClose).toHaveBeenCalledTimes(1);
  });
});
