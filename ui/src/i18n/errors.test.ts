/// <reference types="vite/client" />
import { describe, expect, test } from "vitest";
import { en } from "./en";
import { ERROR_KEYS, asCommandError, describeError } from "./errors";
import { fr } from "./fr";
import { makeI18n } from "./i18n";

// The generated files' text, as vite reads them (`?raw`).
const bindings = import.meta.glob<string>("../bindings/*Kind.ts", { query: "?raw", import: "default", eager: true });

function readBinding(name: string): string {
  const text = bindings[`../bindings/${name}.ts`];
  if (text === undefined) throw new Error(`no generated binding ${name}`);
  return text;
}

/** The string literals of a generated union type (ui/src/bindings/<name>.ts, written by ts-rs). */
function generatedUnion(name: string): string[] {
  const text = readBinding(name);
  const declaration = text.slice(text.indexOf(`export type ${name} =`));
  return [...declaration.matchAll(/"(\w+)"/g)].map((m) => m[1] ?? "");
}

describe("every kind of error the backend sends", () => {
  // The one taxonomy: the core's kinds, and the app's around them.
  const kinds = [...generatedUnion("ErrorKind"), ...generatedUnion("AppErrorKind")];

  test("is read from the generated bindings", () => {
    expect(kinds).toContain("storage");
    expect(kinds).toContain("certificate");
    expect(kinds).toContain("signedOut");
    expect(readBinding("CommandErrorKind")).toContain(
      "export type CommandErrorKind = ErrorKind | AppErrorKind;",
    );
  });

  test.each(kinds)("%s has words in French and in English", (kind) => {
    const key = ERROR_KEYS[kind as keyof typeof ERROR_KEYS];
    expect(key).toBe(`error.${kind}`);
    expect(fr[key].trim()).not.toBe("");
    expect(en[key].trim()).not.toBe("");
  });

  test("no kind is worded that the backend does not send", () => {
    expect(Object.keys(ERROR_KEYS).sort()).toEqual([...kinds].sort());
  });
});

describe("describeError", () => {
  const fr = makeI18n("fr");
  const en = makeI18n("en");

  test("a full disk speaks of the disk, not of the ENT, in both languages", () => {
    for (const i18n of [fr, en]) {
      const text = describeError(i18n, { kind: "storage", message: "" });
      expect(text).toMatch(/disque|disk/);
      expect(text).not.toMatch(/illisible|could not be read/);
    }
  });

  test("the French window shows the backend's French sentence, the English one words the kind", () => {
    const error = { kind: "offline" as const, message: "le téléchargement s'est interrompu ; réessayez" };
    expect(describeError(fr, error)).toBe("le téléchargement s'est interrompu ; réessayez");
    expect(describeError(en, error)).toMatch(/^the ENT does not answer/);
  });

  test("a refusal keeps the backend's reason in English too", () => {
    expect(describeError(en, { kind: "refused", message: "quota" })).toBe("the ENT refused (quota)");
  });

  test("anything that is not a command error is an unexpected failure", () => {
    expect(asCommandError(new Error("boom"))).toEqual({ kind: "internal", message: "boom" });
    expect(asCommandError({ kind: "notAKind", message: "x" }).kind).toBe("internal");
  });
});
