import { act, cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { useState } from "react";
import { afterEach, beforeEach, describe, expect, onTestFinished, test, vi } from "vitest";
import type { ComposeApi } from "./api";
import { Composer } from "./Composer";
import { ComposeFixture, INACTIVE_PARENTS, visibles } from "./fixtures";
import { SendStatus } from "./SendStatus";
import { WritingFixture } from "../writing/fixture";
import { I18nProvider } from "../i18n/i18n";
import type { DraftView } from "../bindings/DraftView";
import type { Editor } from "@tiptap/core";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

/** Lets timers run for `ms` and every answer that follows them settle. */
async function elapse(ms = 0) {
  await act(async () => {
    await vi.advanceTimersByTimeAsync(ms);
  });
}

function renderComposer(api = new ComposeFixture(), draft: DraftView = api.newDraft()) {
  const onClose = vi.fn();
  const onSent = vi.fn();
  render(<Composer api={api} draft={draft} onClose={onClose} onSent={onSent} />);
  return { api, onClose, onSent };
}

/** The composer plus the undo bar, as the mailbox hosts them. */
function Host({ api, undoSeconds = 5 }: { api: ComposeApi; undoSeconds?: number }) {
  const [draft, setDraft] = useState<{ key: number; view: DraftView } | null>({ key: 0, view: api.newDraft() });
  const [sent, setSent] = useState<{ id: string; seq: number } | null>(null);
  return (
    <>
      {draft && (
        <Composer
          key={draft.key}
          api={api}
          draft={draft.view}
          undoSeconds={undoSeconds}
          onClose={() => setDraft(null)}
          onSent={(id) => setSent({ id, seq: (sent?.seq ?? 0) + 1 })}
        />
      )}
      <SendStatus api={api} sent={sent} undoSeconds={undoSeconds} onReopen={(view) => setDraft({ key: 1, view })} />
    </>
  );
}

const field = (f: "to" | "cc" | "cci") => screen.getByTestId(`field-${f}`);
const chips = () => screen.queryAllByTestId("chip").map((c) => c.getAttribute("data-id"));
const suggestions = () => screen.queryAllByTestId("suggestion");
const sendButton = () => screen.getByTestId("send") as HTMLButtonElement;

async function type(f: "to" | "cc" | "cci", text: string) {
  fireEvent.change(field(f), { target: { value: text } });
  await elapse();
}

async function addRecipient(f: "to" | "cc" | "cci", text: string, id: string) {
  await type(f, text);
  const item = suggestions().find((s) => s.getAttribute("data-id") === id);
  if (!item) throw new Error(`no suggestion ${id} for ${text}`);
  fireEvent.mouseDown(item);
  await elapse();
}

/** The editor's content, as if typed (TipTap hangs its editor on its element). */
function setBody(html: string) {
  const body = screen.getByTestId("body") as HTMLElement & { editor: Editor };
  act(() => {
    body.editor.commands.setContent(html, true);
  });
}

describe("recipients", () => {
  test("one typed letter suggests people with their profile, and the keyboard chooses one", async () => {
    renderComposer();
    await type("to", "m");
    const items = suggestions();
    expect(items.map((i) => i.getAttribute("data-id"))).toEqual([visibles.martinPaul.id, visibles.martinSophie.id]);
    expect(items[0]?.textContent).toContain("Enseignant");
    expect(items[1]?.textContent).toContain("Personnel");

    fireEvent.keyDown(field("to"), { key: "ArrowDown" });
    expect(items[1]?.getAttribute("aria-selected")).toBe("true");
    fireEvent.keyDown(field("to"), { key: "Enter" });
    await elapse();

    expect(chips()).toEqual([visibles.martinSophie.id]);
    expect(suggestions()).toHaveLength(0);
    expect((field("to") as HTMLInputElement).value).toBe("");
  });

  test("a group shows its member count and school; a broadcast list is offered only in Copie cachée", async () => {
    renderComposer();
    await type("to", "parents");
    expect(suggestions().map((i) => i.getAttribute("data-id"))).toEqual([visibles.parents6A.id]);
    expect(suggestions()[0]?.textContent).toMatch(/52 membres · Collège Jean Moulin/);
    fireEvent.keyDown(field("to"), { key: "Escape" });
    expect(suggestions()).toHaveLength(0);

    await type("cci", "tous");
    expect(suggestions().map((i) => i.getAttribute("data-id"))).toEqual([visibles.tousParents.id]);
  });

  test("Backspace in an empty field removes the last chip, and a chip's × removes it too", async () => {
    renderComposer();
    await addRecipient("to", "leroy", visibles.leroy.id);
    await addRecipient("to", "petit", visibles.petit.id);
    fireEvent.keyDown(field("to"), { key: "Backspace" });
    expect(chips()).toEqual([visibles.leroy.id]);
    fireEvent.click(screen.getByRole("button", { name: "Retirer LEROY Hugo" }));
    expect(chips()).toEqual([]);
  });

  test("a pupil addressing a teacher of another class sees the reason and cannot send", async () => {
    renderComposer(new ComposeFixture({ as: "pupil" }));
    fireEvent.change(screen.getByTestId("subject"), { target: { value: "Question" } });
    await addRecipient("to", "martin p", visibles.martinPaul.id);

    expect(screen.getByRole("alert").textContent).toBe(
      "MARTIN Paul : les règles de communication de l'ENT ne vous permettent pas d'écrire à ce destinataire",
    );
    expect(screen.getByTestId("chip").getAttribute("data-status")).toBe("refused");
    expect(sendButton().disabled).toBe(true);

    fireEvent.click(screen.getByRole("button", { name: "Retirer MARTIN Paul" }));
    await addRecipient("to", "durand", visibles.durand.id);
    expect(sendButton().disabled).toBe(false);
  });
});

describe("sending", () => {
  test("Envoyer is enabled only with a recipient and a subject or a body", async () => {
    renderComposer();
    expect(sendButton().disabled).toBe(true);
    fireEvent.change(screen.getByTestId("subject"), { target: { value: "Sortie" } });
    expect(sendButton().disabled).toBe(true);
    await addRecipient("to", "parents", visibles.parents6A.id);
    expect(sendButton().disabled).toBe(false);
    fireEvent.change(screen.getByTestId("subject"), { target: { value: " " } });
    expect(sendButton().disabled).toBe(true);
    setBody("<p>Bonjour</p>");
    expect(sendButton().disabled).toBe(false);
  });

  test("undo within the delay takes the message back and reopens it as a draft", async () => {
    const api = new ComposeFixture();
    render(<Host api={api} />);
    await addRecipient("to", "parents", visibles.parents6A.id);
    fireEvent.change(screen.getByTestId("subject"), { target: { value: "Sortie au musée" } });
    fireEvent.click(sendButton());
    await elapse();

    expect(screen.queryByTestId("composer")).toBeNull();
    expect(screen.getByText("Message envoyé.")).toBeTruthy();
    expect(screen.getByText("(5 s)")).toBeTruthy();
    await elapse(2000);
    expect(screen.getByText("(3 s)")).toBeTruthy();

    fireEvent.click(screen.getByTestId("undo-send"));
    await elapse();

    expect(api.count("cancelSend")).toBe(1);
    expect(api.count("openDraft")).toBe(1);
    expect((screen.getByTestId("subject") as HTMLInputElement).value).toBe("Sortie au musée");
    expect(chips()).toEqual([visibles.parents6A.id]);
    expect(screen.queryByTestId("undo-send")).toBeNull();
    await elapse(10_000);
    expect(api.sent).toHaveLength(0);
  });

  test("after the delay the bar goes and the ENT's report names the accounts not activated", async () => {
    const api = new ComposeFixture();
    render(<Host api={api} />);
    await addRecipient("to", "parents", visibles.parents6A.id);
    fireEvent.change(screen.getByTestId("subject"), { target: { value: "Réunion" } });
    fireEvent.click(sendButton());
    await elapse();
    expect(screen.getByTestId("undo-send")).toBeTruthy();
    await elapse(5000);

    expect(screen.queryByTestId("undo-send")).toBeNull();
    expect(api.sent).toHaveLength(1);
    expect(screen.getByTestId("send-report").textContent).toContain(
      `Comptes non activés : ${INACTIVE_PARENTS.join(", ")}`,
    );
  });

  test("a send the ENT refuses shows its message", async () => {
    const api = new ComposeFixture();
    api.refuseNextSend = "destinataire inconnu";
    render(<Host api={api} />);
    await addRecipient("to", "leroy", visibles.leroy.id);
    fireEvent.change(screen.getByTestId("subject"), { target: { value: "Devoir" } });
    fireEvent.click(sendButton());
    await elapse(5000);
    expect(screen.getByTestId("send-report").textContent).toContain("destinataire inconnu");
  });
});

describe("drafts", () => {
  test("a draft is saved once, 2 seconds after the last change", async () => {
    const { api } = renderComposer();
    fireEvent.change(screen.getByTestId("subject"), { target: { value: "S" } });
    await elapse(1500);
    fireEvent.change(screen.getByTestId("subject"), { target: { value: "Sortie" } });
    await elapse(1999);
    expect(api.count("saveDraft")).toBe(0);

    await elapse(1);
    expect(api.count("saveDraft")).toBe(1);
    await elapse(10_000);
    expect(api.count("saveDraft")).toBe(1);
    const [id] = [...api.drafts.keys()];
    expect(id && api.drafts.get(id)?.content.subject).toBe("Sortie");
    expect(screen.getByRole("status").textContent).toMatch(/Brouillon enregistré à/);
  });

  test("quitting the app (the tray's Quitter) saves a change that was waiting for its autosave first", async () => {
    const { api } = renderComposer();
    fireEvent.change(screen.getByTestId("subject"), { target: { value: "Tapé juste avant de quitter" } });
    await elapse(500);
    expect(api.count("saveDraft")).toBe(0);

    let quitAllowed = false;
    const quitting = api.requestQuit().then(() => {
      quitAllowed = true;
    });
    await elapse();
    await quitting;

    expect(quitAllowed).toBe(true);
    expect(api.count("saveDraft")).toBe(1);
    const [id] = [...api.drafts.keys()];
    expect(id && api.drafts.get(id)?.content.subject).toBe("Tapé juste avant de quitter");
  });

  test("a change made while a save is running is saved after it, never at the same time", async () => {
    const api = new ComposeFixture();
    renderComposer(api);
    const release = api.hold("saveDraft");
    fireEvent.change(screen.getByTestId("subject"), { target: { value: "Un" } });
    await elapse(2000);
    fireEvent.change(screen.getByTestId("subject"), { target: { value: "Deux" } });
    fireEvent.click(screen.getByTestId("save-draft"));
    await elapse();
    expect(api.count("saveDraft")).toBe(1);

    release();
    await elapse();
    expect(api.count("saveDraft")).toBe(2);
    expect(api.calls.filter((c) => c.op === "saveDraft").map((c) => c.args[0])).toEqual([null, "d-1"]);
  });

  test("Annuler closes an empty message at once", async () => {
    const { onClose, api } = renderComposer();
    fireEvent.click(screen.getByTestId("cancel"));
    await elapse();
    expect(onClose).toHaveBeenCalledTimes(1);
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(api.count("deleteDraft")).toBe(0);
  });

  test("Annuler asks first when the message is not empty, then deletes the saved draft", async () => {
    const { onClose, api } = renderComposer();
    fireEvent.change(screen.getByTestId("subject"), { target: { value: "Brouillon" } });
    fireEvent.click(screen.getByTestId("save-draft"));
    await elapse();
    fireEvent.click(screen.getByTestId("cancel"));
    const dialog = screen.getByRole("dialog");
    expect(onClose).not.toHaveBeenCalled();

    fireEvent.click(within(dialog).getByRole("button", { name: "Abandonner le message" }));
    await elapse();
    expect(onClose).toHaveBeenCalledTimes(1);
    expect(api.count("deleteDraft")).toBe(1);
    expect(api.drafts.size).toBe(0);
  });
});

describe("attachments", () => {
  test("picked files show « envoi… », then their size; the draft is saved first; the space left shows", async () => {
    const api = new ComposeFixture();
    api.filesToPick = ["/home/marie/programme.pdf", "/home/marie/plan.png"];
    renderComposer(api);
    await elapse();
    expect(screen.getByTestId("space-left").textContent).toMatch(/^Espace disponible : 12,3\sMo$/);

    const release = api.hold("addAttachment");
    fireEvent.click(screen.getByTestId("attach"));
    await elapse();
    const items = screen.getAllByTestId("attachment");
    expect(items.map((i) => i.textContent)).toEqual(["programme.pdfenvoi…", "plan.pngenvoi…"]);
    expect(api.count("saveDraft")).toBe(1);

    release();
    await elapse();
    expect(screen.getAllByTestId("attachment").map((i) => i.getAttribute("data-status"))).toEqual(["done", "done"]);
    expect(screen.getAllByTestId("attachment")[0]?.textContent).toMatch(/programme\.pdf200\sko/);
    expect(screen.getByTestId("space-left").textContent).toMatch(/11,9\sMo/);

    fireEvent.click(screen.getByRole("button", { name: "Retirer plan.png" }));
    await elapse();
    expect(screen.getAllByTestId("attachment")).toHaveLength(1);
  });

  test("a file going up to the ENT shows its progress from the core's events, then its size", async () => {
    const api = new ComposeFixture();
    api.filesToPick = ["/home/marie/programme.pdf"];
    renderComposer(api);
    fireEvent.click(screen.getByTestId("attach"));
    await elapse();
    const draftId = api.calls.find((c) => c.op === "addAttachment")?.args[0] as string;
    const attachmentId = api.drafts.get(draftId)?.attachments[0]?.id ?? "";

    act(() => api.emit({ kind: "uploadProgress", messageId: draftId, attachmentId, sent: 30, total: 120 }));

    expect(screen.getByTestId("attachment").textContent).toMatch(/^programme\.pdfenvoi…\s+25 %/);
    act(() => api.emit({ kind: "uploadProgress", messageId: draftId, attachmentId, sent: 120, total: 120 }));
    expect(screen.queryAllByTestId("upload-progress")).toHaveLength(0);
    expect(screen.getByTestId("attachment").textContent).toMatch(/^programme\.pdf200\s*ko/);
  });

  test("a tiny file reads « 8 octets », not « 0 ko »", async () => {
    const api = new ComposeFixture();
    api.filesToPick = ["/home/marie/mot.txt"];
    api.fileSizes["/home/marie/mot.txt"] = 8;
    renderComposer(api);
    fireEvent.click(screen.getByTestId("attach"));
    await elapse();
    await elapse();

    expect(screen.getByTestId("attachment").textContent).toMatch(/^mot\.txt8\s+octets/);
  });

  test("a file shows « envoi… » until the backend has taken it", async () => {
    const api = new ComposeFixture();
    api.filesToPick = ["/home/marie/programme.pdf"];
    renderComposer(api);
    const release = api.hold("addAttachment");
    fireEvent.click(screen.getByTestId("attach"));
    await elapse();

    expect(screen.getByTestId("attachment").textContent).toBe("programme.pdfenvoi…");
    release();
    await elapse();
    expect(screen.queryAllByTestId("upload-progress")).toHaveLength(0);
  });

  test("a file that does not fit is refused with the ENT's message", async () => {
    const api = new ComposeFixture();
    api.filesToPick = ["/home/marie/video.mp4"];
    api.fileSizes["/home/marie/video.mp4"] = 40 * 1024 * 1024;
    renderComposer(api);
    fireEvent.click(screen.getByTestId("attach"));
    await elapse();
    const item = screen.getByTestId("attachment");
    expect(item.getAttribute("data-status")).toBe("failed");
    expect(within(item).getByRole("alert").textContent).toBe(
      "« video.mp4 » (40,0 Mo) dépasse l'espace disponible sur l'ENT (12,3 Mo).",
    );
  });

  test("the window attaches only by the dialog's tokens: a path is refused, /dev/zero too, with their reasons", async () => {
    const api = new ComposeFixture();
    api.filesToPick = ["/home/marie/programme.pdf", "/dev/zero"];
    renderComposer(api);

    fireEvent.click(screen.getByTestId("attach"));
    await elapse();

    const added = api.calls.filter((c) => c.op === "addAttachment").map((c) => c.args[1]);
    expect(added).toEqual([api.tokenOf("/home/marie/programme.pdf"), api.tokenOf("/dev/zero")]);
    const [pdf, zero] = screen.getAllByTestId("attachment");
    expect(pdf?.getAttribute("data-status")).toBe("done");
    expect(zero?.getAttribute("data-status")).toBe("failed");
    expect(within(zero as HTMLElement).getByRole("alert").textContent).toMatch(/n'est pas un fichier ordinaire/);
  });

  test("files dropped on the window arrive as tokens and are attached", async () => {
    const api = new ComposeFixture();
    api.filesToPick = ["/home/marie/plan.png"];
    renderComposer(api);
    const files = await api.pickFiles();

    act(() => api.emit({ kind: "filesDropped", files }));
    await elapse();

    expect(screen.getByTestId("attachment").getAttribute("data-status")).toBe("done");
    expect(screen.getByTestId("attachment").textContent).toMatch(/^plan\.png/);
  });

  test("a file dropped without a path says to use the button", async () => {
    const api = new ComposeFixture();
    renderComposer(api);
    const file = new File(["x"], "photo.jpg");
    fireEvent.drop(screen.getByTestId("composer"), { dataTransfer: { files: [file], types: ["Files"] } });
    await elapse();
    expect(screen.getByRole("alert").textContent).toMatch(/utilisez « Ajouter une pièce jointe »/);
    expect(api.count("addAttachment")).toBe(0);
  });
});

describe("language", () => {
  test("the composer speaks English under an English provider", () => {
    const api = new ComposeFixture();
    render(
      <I18nProvider locale="en">
        <Composer api={api} draft={api.newDraft()} onClose={() => undefined} />
      </I18nProvider>,
    );
    expect(screen.getByRole("heading", { name: "New message" })).toBeTruthy();
    expect(screen.getByLabelText("Bcc")).toBe(field("cci"));
    expect(screen.getByTestId("send").textContent).toBe("Send");
    expect(screen.getByTestId("save-draft").textContent).toBe("Save as draft");
  });

  test("undo after the message left says it is too late", async () => {
    const api = new ComposeFixture();
    render(<Host api={api} />);
    await addRecipient("to", "leroy", visibles.leroy.id);
    fireEvent.change(screen.getByTestId("subject"), { target: { value: "Devoir" } });
    fireEvent.click(sendButton());
    await elapse();
    const release = api.hold("cancelSend");
    fireEvent.click(screen.getByTestId("undo-send"));
    await elapse(5100);
    expect(api.sent).toHaveLength(1);
    release();
    await vi.waitFor(() => expect(screen.getByText("Trop tard : le message est déjà parti.")).toBeTruthy());
    expect(screen.queryByTestId("composer")).toBeNull();
  });
});

describe("quiet hours", () => {
  test("written during the user's quiet hours, the message is offered to leave when they end", async () => {
    const writing = new WritingFixture();
    writing.quietEnd = new Date(2026, 11, 1, 7, 30).getTime();
    const api = new ComposeFixture();
    const onClose = vi.fn();
    render(<Composer api={api} draft={api.newDraft()} onClose={onClose} writing={writing} />);
    await addRecipient("to", "parents", visibles.parents6A.id);
    fireEvent.change(screen.getByTestId("subject"), { target: { value: "Sortie" } });
    await elapse();
    fireEvent.click(screen.getByRole("button", { name: "Envoyer à 7 h 30" }));
    await elapse();
    expect(writing.scheduled.map((s) => [s.content.subject, s.due])).toEqual([["Sortie", writing.quietEnd]]);
    expect(onClose).toHaveBeenCalled();
  });

  test("outside quiet hours there is no such offer", async () => {
    const writing = new WritingFixture();
    const api = new ComposeFixture();
    render(<Composer api={api} draft={api.newDraft()} onClose={vi.fn()} writing={writing} />);
    await elapse();
    expect(screen.getByTestId("send-later")).toBeTruthy();
    expect(screen.queryByTestId("send-at-quiet-end")).toBeNull();
  });
});

describe("body", () => {
  test("the toolbar offers the ENT's formatting, each button named and drawn, never a glyph", () => {
    renderComposer();
    const bar = screen.getByRole("toolbar", { name: "Mise en forme" });
    expect(within(bar).getAllByRole("button").map((b) => b.getAttribute("aria-label"))).toEqual([
      "Annuler",
      "Rétablir",
      "Gras",
      "Italique",
      "Souligné",
      "Barré",
      "Couleur du texte",
      "Surlignage",
      "Aligner à gauche",
      "Centrer",
      "Aligner à droite",
      "Justifier",
      "Liste à puces",
      "Liste numérotée",
      "Citation",
      "Lien",
      "Tableau",
      "Image",
    ]);
    for (const b of within(bar).getAllByRole("button")) {
      expect(b.textContent).toBe("");
      expect(b.querySelector("svg")).not.toBeNull();
    }
    expect(within(bar).getByRole("combobox", { name: "Taille" })).toBeTruthy();
  });

  test("bold from the toolbar reaches the draft as the ENT's <strong>", async () => {
    const api = new ComposeFixture();
    renderComposer(api, { ...api.newDraft(), body: "<p>Sortie</p>" });
    const body = screen.getByTestId("body") as HTMLElement & { editor: Editor };
    act(() => {
      body.editor.commands.selectAll();
    });
    fireEvent.click(screen.getByRole("button", { name: "Gras" }));
    expect(screen.getByRole("button", { name: "Gras" }).getAttribute("aria-pressed")).toBe("true");
    fireEvent.click(screen.getByTestId("save-draft"));
    await elapse();
    expect([...api.drafts.values()].map((d) => d.content.body)).toEqual(["<p><strong>Sortie</strong></p>"]);
  });

  test("a paste with a web page's images says they are not kept, and a paste of the ENT's own says nothing", async () => {
    // jsdom has no ClipboardEvent (ProseMirror's pasteHTML only needs one to exist) and no
    // layout (the paste scrolls the cursor into view).
    vi.stubGlobal("ClipboardEvent", class extends Event {});
    for (const [name, value] of [
      ["getClientRects", () => []],
      ["getBoundingClientRect", () => new DOMRect()],
    ] as const) {
      Object.defineProperty(Range.prototype, name, { value, configurable: true });
    }
    onTestFinished(() => {
      Reflect.deleteProperty(Range.prototype, "getClientRects");
      Reflect.deleteProperty(Range.prototype, "getBoundingClientRect");
      vi.unstubAllGlobals();
    });
    const api = new ComposeFixture();
    renderComposer(api, { ...api.newDraft(), body: "<p>Menu :</p>" });
    const body = screen.getByTestId("body") as HTMLElement & { editor: Editor };
    act(() => {
      body.editor.commands.focus("end");
      body.editor.view.pasteHTML('<p>Du jour <img src="/workspace/document/abc"></p>');
    });
    expect(screen.queryByText(/ne sont pas reprises/)).toBeNull();
    act(() => {
      body.editor.view.pasteHTML('<p>Frites <img src="https://www.college-jean-moulin.fr/frites.jpg"></p>');
    });
    const note = screen.getByText(/ne sont pas reprises/);
    expect(note.getAttribute("role")).toBe("status");
    expect(note.textContent).toContain(
      "Les images de ce que vous avez collé ne sont pas reprises : ajoutez-les depuis vos fichiers avec « Image ».",
    );
    // The text is kept, the web image is not.
    expect(body.editor.getHTML()).toContain("Frites");
    expect(body.editor.getHTML()).not.toContain("college-jean-moulin");
    fireEvent.click(within(note).getByRole("button", { name: "Compris" }));
    expect(screen.queryByText(/ne sont pas reprises/)).toBeNull();
  });

  test("« Image » uploads the picked file and inserts the ENT's markup, shown from the backend's data: URL", async () => {
    const api = new ComposeFixture();
    renderComposer(api, { ...api.newDraft(), body: "<p>La photo :</p>" });
    const body = screen.getByTestId("body") as HTMLElement & { editor: Editor };
    act(() => {
      body.editor.commands.focus("end");
    });
    api.filesToPick = ["/home/marie/sortie.png"];
    fireEvent.click(screen.getByRole("button", { name: "Image" }));
    await elapse();
    const img = screen.getByTestId("body").querySelector("img.custom-image");
    expect(img?.getAttribute("src")).toMatch(/^data:image\/gif;base64,/);
    fireEvent.click(screen.getByTestId("save-draft"));
    await elapse();
    const [saved] = [...api.drafts.values()].map((d) => d.content.body);
    expect(saved).toMatch(/^<p>La photo :<img class="custom-image" src="\/workspace\/document\/img-\d+\?timestamp=\d+" width="350"><\/p>$/);
    expect(api.count("insertImage")).toBe(1);
  });

  test("« Image » with a file that is not one says so and inserts nothing", async () => {
    const api = new ComposeFixture();
    renderComposer(api, { ...api.newDraft(), body: "<p>x</p>" });
    api.filesToPick = ["/home/marie/devoir.pdf"];
    fireEvent.click(screen.getByRole("button", { name: "Image" }));
    await elapse();
    expect(screen.getByTestId("body").querySelector("img")).toBeNull();
    expect(screen.getByRole("alert").textContent).toContain("not an image");
  });

  test("a paste from a web page goes in without its script, image, styles or classes", () => {
    renderComposer();
    const html = '<p style="color:red" class="x">Bon<script>alert(1)</script><b>jour</b><img src="p.png" onerror="x()"></p>';
    fireEvent.paste(screen.getByTestId("body"), {
      clipboardData: { getData: (type: string) => (type === "text/html" ? html : type === "text/plain" ? "Bonjour" : ""), types: ["text/html", "text/plain"], files: [] },
    });
    expect(screen.getByTestId("body").innerHTML).toBe("<p>Bon<strong>jour</strong></p>");
  });

  test("a quoted reply body is shown without its active content", () => {
    const api = new ComposeFixture();
    renderComposer(api, { ...api.newDraft(), body: '<p>Bonjour</p><blockquote><img src="x" onerror="y()">Cité</blockquote>' });
    expect(screen.getByTestId("body").innerHTML).toBe("<p>Bonjour</p><blockquote><p>Cité</p></blockquote>");
  });
});
