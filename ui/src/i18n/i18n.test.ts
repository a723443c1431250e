import { describe, expect, test } from "vitest";
import { en } from "./en";
import { fr } from "./fr";
import { formatDateTime, translate } from "./i18n";

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("dictionaries", () => {
  test("every French key has an English twin and no English key is extra", () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(fr).sort());
  });

  test("each English text uses the same placeholders as its French twin", () => {
    for (const key of Object.keys(fr) as (keyof typeof fr)[]) {
      expect(placeholders(en[key]), key).toEqual(placeholders(fr[key]));
    }
  });

  test("the ENT's own folder and action words are used in French", () => {
    expect(fr["folder.inbox"]).toBe("Boîte de réception");
    expect(fr["folder.outbox"]).toBe("Messages envoyés");
    expect(fr["folder.draft"]).toBe("Brouillons");
    expect(fr["folder.trash"]).toBe("Corbeille");
    expect(fr["message.to"]).toBe("À");
    expect(fr["message.cc"]).toBe("Copie");
    expect(fr["message.cci"]).toBe("Copie cachée");
    expect(fr["message.subject"]).toBe("Objet");
    expect(fr["actions.emptyTrash"]).toBe("Vider la corbeille");
  });
});

describe("translate", () => {
  test("fills the placeholders it is given and leaves unknown ones visible", () => {
    expect(translate("fr", "folder.withCount", { name: "Boîte de réception", count: 3 })).toBe(
      "Boîte de réception (3)",
    );
    expect(translate("en", "folder.withCount", { name: "Inbox" })).toBe("Inbox ({count})");
  });
});

describe("dates", () => {
  test("are day-first in both languages", () => {
    const ms = Date.UTC(2026, 10, 28, 12, 0);
    expect(formatDateTime("fr", ms)).toMatch(/^28\/11\/2026/);
    expect(formatDateTime("en", ms)).toMatch(/^28\/11\/2026/);
  });

  test("an impossible date shows as nothing instead of throwing", () => {
    expect(formatDateTime("fr", Number.NaN)).toBe("");
    expect(formatDateTime("en", 1e20)).toBe("");
  });
});
