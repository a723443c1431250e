import { describe, expect, test } from "vitest";
import { makeI18n } from "../i18n/i18n";
import { PRINT_STYLE, printMarkup, printTitle, type PrintItem } from "./printView";
import type { Message } from "../bindings/Message";
import type { Recipient } from "../bindings/Recipient";

const person = (id: string, displayName: string): Recipient => ({
  id,
  displayName,
  isGroup: false,
  profile: "Teacher",
  size: null,
});
const durand = person("u-durand", "DURAND Marie");
const martin = person("u-martin", "MARTIN Paul");
const bernard = person("u-bernard", "BERNARD Sophie");
const leroy = person("u-leroy", "LEROY Nathalie");
const parents: Recipient = { id: "g-6a", displayName: "Parents du groupe 6A.", isGroup: true, profile: null, size: 52 };

const received: Message = {
  id: "m-1",
  subject: "Sortie au musée",
  from: martin,
  to: [durand, parents],
  cc: [bernard],
  cci: [],
  state: "SENT",
  date: Date.UTC(2026, 10, 27, 16, 5),
  unread: false,
  response: false,
  hasAttachment: true,
  bodyAvailable: true,
  body: null,
  attachments: [
    { id: "a-1", filename: "autorisation.pdf", contentType: "application/pdf", size: 204800, cachedPath: null },
    { id: "a-2", filename: "mot.txt", contentType: "text/plain", size: 8, cachedPath: null },
  ],
  userFolderId: null,
  trashed: false,
  threadId: "m-1",
  parentId: null,
  noReply: false,
};
const item = (message: Message, html: string | null = "<p>Départ à 9 h devant le collège.</p>"): PrintItem => ({
  message,
  body: html === null ? null : { html, remoteImages: false, entImages: false, links: [], documents: [] },
});

/** The markup as the print view's document holds it. */
function parse(markup: string): Document {
  return new DOMParser().parseFromString(`<!doctype html><html><body>${markup}</body></html>`, "text/html");
}
/** Each header row of each article: label → text. */
function headers(doc: Document): Record<string, string>[] {
  return Array.from(doc.querySelectorAll("article.print-message")).map((a) =>
    Object.fromEntries(
      Array.from(a.querySelectorAll(".print-headers tr")).map((tr) => [
        tr.querySelector("th")?.textContent ?? "",
        tr.querySelector("td")?.textContent ?? "",
      ]),
    ),
  );
}

describe("the print view", () => {
  test("heads a received message with De, À, Copie, Date, Objet and its attachments, in French", () => {
    const doc = parse(printMarkup([item(received)], makeI18n("fr")));
    const [head] = headers(doc);
    expect(Object.keys(head ?? {})).toEqual(["De", "À", "Copie", "Date", "Objet", "Pièces jointes"]);
    expect(head?.["De"]).toBe("MARTIN Paul");
    expect(head?.["À"]).toBe("DURAND Marie, Groupe Parents du groupe 6A.");
    expect(head?.["Copie"]).toBe("BERNARD Sophie");
    expect(head?.["Date"]).toContain("2026");
    expect(head?.["Objet"]).toBe("Sortie au musée");
    const files = Array.from(doc.querySelectorAll("[data-header='attachments'] li")).map((li) =>
      li.textContent?.replace(/\u00a0|\u202f/g, " "),
    );
    expect(files).toEqual(["autorisation.pdf (200 ko)", "mot.txt (8 octets)"]);
    expect(doc.querySelector(".print-body")?.textContent).toBe("Départ à 9 h devant le collège.");
    expect(doc.querySelector("h1")?.textContent).toBe("Sortie au musée");
  });

  test("shows « Copie cachée » on the sender's own copy only, where the ENT gave the hidden copies", () => {
    const mine: Message = { ...received, id: "m-2", from: durand, to: [martin], cc: [], cci: [leroy] };
    const fr = makeI18n("fr");
    expect(Object.keys(headers(parse(printMarkup([item(received)], fr)))[0] ?? {})).not.toContain("Copie cachée");
    expect(parse(printMarkup([item(received)], fr)).querySelector("[data-header='cci']")).toBeNull();
    const [head] = headers(parse(printMarkup([item(mine)], fr)));
    expect(head?.["Copie cachée"]).toBe("LEROY Nathalie");
    expect(Object.keys(head ?? {})).toEqual(["De", "À", "Copie cachée", "Date", "Objet", "Pièces jointes"]);
  });

  test("follows the window's language", () => {
    const [head] = headers(parse(printMarkup([item(received)], makeI18n("en"))));
    expect(Object.keys(head ?? {})).toEqual(["From", "To", "Cc", "Date", "Subject", "Attachments"]);
  });

  test("prints a list of messages (a conversation) as one article each, in order", () => {
    const reply: Message = { ...received, id: "m-3", subject: "Re: Sortie au musée", from: durand, to: [martin], cc: [], parentId: "m-1", attachments: [] };
    const items = [item(received), item(reply, "<p>Merci, je serai là.</p>")];
    const doc = parse(printMarkup(items, makeI18n("fr")));
    const heads = headers(doc);
    expect(heads.map((h) => h["Objet"])).toEqual(["Sortie au musée", "Re: Sortie au musée"]);
    expect(heads[1]?.["Pièces jointes"]).toBeUndefined();
    expect(Array.from(doc.querySelectorAll(".print-body")).map((b) => b.textContent)).toEqual([
      "Départ à 9 h devant le collège.",
      "Merci, je serai là.",
    ]);
    expect(printTitle(items, makeI18n("fr"))).toBe("Sortie au musée");
  });

  test("keeps names and subjects as text and shows a file's real name", () => {
    const hostile: Message = {
      ...received,
      subject: "<img src=x onerror=alert(1)>",
      from: person("u-x", "<b>Admin</b>"),
      attachments: [{ id: "a-3", filename: "devoir_\u202Efdp.exe", contentType: "application/octet-stream", size: 10, cachedPath: null }],
    };
    const doc = parse(printMarkup([item(hostile)], makeI18n("fr")));
    expect(doc.querySelector("h1 img, .print-headers img, .print-headers b")).toBeNull();
    expect(doc.querySelector("h1")?.textContent).toBe("<img src=x onerror=alert(1)>");
    expect(headers(doc)[0]?.["De"]).toBe("<b>Admin</b>");
    expect(doc.querySelector("[data-header='attachments'] li")?.textContent).toContain("devoir_fdp.exe");
    expect(doc.querySelector("[data-header='attachments'] li")?.textContent).not.toContain("\u202E");
  });

  test("is paper only: no button, no form, no script, and the body cannot paint over the headers", () => {
    const doc = parse(printMarkup([item(received)], makeI18n("fr")));
    expect(doc.querySelector("button, form, input, script, nav")).toBeNull();
    expect(PRINT_STYLE).toMatch(/\.print-body\{[^}]*contain:paint/);
    expect(PRINT_STYLE).toMatch(/\.print-body\{[^}]*overflow:hidden/);
  });

  test("a video of the ENT's workspace prints as its labelled note, in the window's language", () => {
    const note = '<p>La chorale :</p><span class="mbx-media mbx-media-video"></span>';
    for (const [locale, label] of [
      ["fr", "Vidéo : "],
      ["en", "Video: "],
    ] as const) {
      const doc = parse(printMarkup([item(received, note)], makeI18n(locale)));
      expect(doc.querySelector(".print-body .mbx-media-video")).not.toBeNull();
      expect(doc.querySelector("style")?.textContent).toContain(`.mbx-media-video::before{content:"${label}"}`);
    }
  });

  test("a body not downloaded yet and a recalled message say so instead of a body", () => {
    const fr = makeI18n("fr");
    const missing = parse(printMarkup([item(received, null)], fr));
    expect(missing.querySelector(".print-body")?.textContent).toBe(fr.t("message.bodyMissing"));
    const recalled: Message = { ...received, state: "RECALL", subject: "", attachments: [] };
    const doc = parse(printMarkup([item(recalled, "")], fr));
    expect(doc.querySelector("h1")?.textContent).toBe("Message rappelé");
    expect(doc.querySelector(".print-body")?.textContent).toBe(fr.t("writing.recalledBody"));
  });
});
