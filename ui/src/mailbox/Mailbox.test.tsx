import { act, cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, test, vi } from "vitest";
import { ComposeFixture, visibles } from "../composer/fixtures";
import { FixtureApi, HOSTILE_MARKER, people } from "./fixtures";
import { Mailbox } from "./Mailbox";
import { INBOX } from "./types";

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

async function renderMailbox(api = new FixtureApi(), props: Partial<Parameters<typeof Mailbox>[0]> = {}) {
  render(<Mailbox api={api} {...props} />);
  await screen.findByRole("row", { name: /Conseil de classe de 6A/ });
  return api;
}

const folder = (name: string | RegExp) => screen.getByRole("treeitem", { name });
const row = (subject: RegExp) => screen.getByRole("row", { name: subject });
const grid = () => screen.getByRole("grid");

async function fixtureUnread(api: FixtureApi, id: string): Promise<number> {
  const folders = await api.folders();
  return folders.find((f) => f.id === id)?.unread ?? -1;
}

describe("folders", () => {
  test("the inbox shows its unread count in parentheses, the same as the fixture's", async () => {
    const api = await renderMailbox();
    const unread = await fixtureUnread(api, INBOX);
    expect(unread).toBe(3);
    expect(folder(`Boîte de réception (${unread})`)).toBeTruthy();
    expect(folder("Messages envoyés")).toBeTruthy();
    expect(folder("Brouillons (1)")).toBeTruthy();
    expect(folder("Corbeille")).toBeTruthy();
    expect(folder("Musée 2026").getAttribute("aria-level")).toBe("2");
  });

  test("the window title carries the unread count", async () => {
    const api = await renderMailbox();
    await waitFor(() => expect(document.title).toBe("(3) Messagerie"));
    expect(api.calls.some((c) => c.op === "setWindowTitle" && c.args[0] === "(3) Messagerie")).toBe(true);
  });

  test("creating a folder then moving a ticked message into it by the menu", async () => {
    const api = await renderMailbox();
    fireEvent.click(screen.getByRole("button", { name: "Nouveau dossier" }));
    const form = screen.getByRole("form", { name: "Nouveau dossier" });
    fireEvent.change(within(form).getByLabelText("Nom du dossier"), { target: { value: "Vie scolaire" } });
    fireEvent.click(within(form).getByRole("button", { name: "Créer" }));
    await screen.findByRole("treeitem", { name: "Vie scolaire" });

    fireEvent.click(within(row(/Absence de Hugo lundi/)).getByRole("checkbox"));
    const bar = screen.getByRole("toolbar", { name: "Actions sur la sélection" });
    const menu = within(bar).getByRole("combobox", { name: "Déplacer vers…" });
    const option = within(menu).getByRole("option", { name: /Vie scolaire/ }) as HTMLOptionElement;
    fireEvent.change(menu, { target: { value: option.value } });

    await waitFor(() => expect(screen.queryByRole("row", { name: /Absence de Hugo lundi/ })).toBeNull());
    fireEvent.click(folder("Vie scolaire"));
    expect(await screen.findByRole("row", { name: /Absence de Hugo lundi/ })).toBeTruthy();
    expect(api.count("moveToFolder")).toBe(1);
    expect(screen.queryByRole("alert")).toBeNull();
  });

  test("a refused action is shown, and can be dismissed", async () => {
    const api = await renderMailbox();
    act(() => api.emit({ kind: "actionRefused", action: "move", reason: "dossier introuvable" }));
    const alert = screen.getByRole("alert");
    expect(alert.textContent).toContain("dossier introuvable");
    fireEvent.click(within(alert).getByRole("button", { name: "Fermer" }));
    expect(screen.queryByRole("alert")).toBeNull();
  });

  test("a message moves back from a folder to the inbox by the menu", async () => {
    await renderMailbox();
    fireEvent.click(folder("Sorties scolaires"));
    fireEvent.click(within(await screen.findByRole("row", { name: /Sortie au musée/ })).getByRole("checkbox"));
    const menu = screen.getByRole("combobox", { name: "Déplacer vers…" });
    fireEvent.change(menu, { target: { value: INBOX } });
    await screen.findByText("Aucun message");
    fireEvent.click(folder(/Boîte de réception/));
    expect(await screen.findByRole("row", { name: /Sortie au musée/ })).toBeTruthy();
  });

  test("a sub-folder cannot be created deeper than the server's limit", async () => {
    await renderMailbox(new FixtureApi({ maxDepth: 2 }));
    fireEvent.click(screen.getByRole("button", { name: "Nouveau dossier" }));
    const parent = within(screen.getByRole("form", { name: "Nouveau dossier" })).getByLabelText("Dans le dossier");
    const names = within(parent).getAllByRole("option").map((o) => o.textContent?.trim());
    expect(names).toContain("Sorties scolaires");
    expect(names).not.toContain("Musée 2026");
  });

  test("renaming and deleting a folder after a confirmation", async () => {
    await renderMailbox();
    fireEvent.click(folder("Conseils de classe"));
    fireEvent.click(await screen.findByRole("button", { name: "Renommer" }));
    const form = screen.getByRole("form", { name: "Renommer" });
    fireEvent.change(within(form).getByRole("textbox"), { target: { value: "Conseils 2026" } });
    fireEvent.click(within(form).getByRole("button", { name: "Renommer" }));
    await screen.findByRole("treeitem", { name: "Conseils 2026" });

    fireEvent.click(screen.getByRole("button", { name: "Supprimer le dossier" }));
    const dialog = screen.getByRole("dialog");
    fireEvent.click(within(dialog).getByRole("button", { name: "Supprimer le dossier" }));
    await waitFor(() => expect(screen.queryByRole("treeitem", { name: "Conseils 2026" })).toBeNull());
  });

  test("dropping dragged messages on a folder moves them there", async () => {
    const api = await renderMailbox();
    const store = new Map<string, string>();
    const dataTransfer = {
      setData: (type: string, value: string) => store.set(type, value),
      getData: (type: string) => store.get(type) ?? "",
      effectAllowed: "",
      dropEffect: "",
    };
    fireEvent.dragStart(row(/Brevet blanc/), { dataTransfer });
    fireEvent.dragOver(folder("Conseils de classe"), { dataTransfer });
    fireEvent.drop(folder("Conseils de classe"), { dataTransfer });
    await waitFor(() => expect(screen.queryByRole("row", { name: /Brevet blanc/ })).toBeNull());
    expect(api.calls.find((c) => c.op === "moveToFolder")?.args).toEqual([["m-brevet"], "f-conseils"]);
  });
});

describe("list and reading pane", () => {
  test("opening an unread message un-bolds it and lowers the unread count", async () => {
    await renderMailbox();
    expect(row(/Devoir de mathématiques/).className).toContain("mbx-unread");
    fireEvent.click(row(/Devoir de mathématiques/));
    await screen.findByRole("heading", { name: "Devoir de mathématiques" });
    await waitFor(() => expect(row(/Devoir de mathématiques/).className).not.toContain("mbx-unread"));
    expect(folder("Boîte de réception (2)")).toBeTruthy();
  });

  test("the list shows sender, subject, date and a paperclip for attachments", async () => {
    await renderMailbox();
    const r = row(/Devoir de mathématiques/);
    expect(r.textContent).toContain("LEROY Hugo");
    expect(within(r).getByRole("img", { name: "Pièce jointe" })).toBeTruthy();
    expect(within(row(/Absence de Hugo/)).queryByRole("img", { name: "Pièce jointe" })).toBeNull();
  });

  test("sent messages list their recipients, groups included", async () => {
    await renderMailbox();
    fireEvent.click(folder("Messages envoyés"));
    const r = await screen.findByRole("row", { name: /Réunion parents-professeurs/ });
    expect(r.textContent).toContain("À : Parents du groupe 6A.");
  });

  test("the reading pane names À, Copie, Copie cachée and shows groups as groups", async () => {
    await renderMailbox();
    fireEvent.click(folder("Sorties scolaires"));
    fireEvent.click(await screen.findByRole("row", { name: /Sortie au musée/ }));
    const article = await screen.findByRole("article", { name: "Sortie au musée des Beaux-Arts" });
    expect(within(article).getByText("À")).toBeTruthy();
    expect(within(article).getByText("Copie cachée")).toBeTruthy();
    expect(within(article).getByTestId("received-attachment").textContent).toMatch(/^autorisation-sortiePDF/);

    fireEvent.click(folder(/Boîte de réception/));
    fireEvent.click(await screen.findByRole("row", { name: /Conseil de classe de 6A/ }));
    const conseil = await screen.findByRole("article", { name: "Conseil de classe de 6A" });
    const group = within(conseil).getByText(/Enseignants du Collège Jean Moulin/);
    expect(group.className).toContain("mbx-group");
    expect(group.getAttribute("title")).toBe("Groupe de 38 membres");
    expect(within(conseil).getByText("Copie")).toBeTruthy();
  });

  test("attachments open and save through the backend", async () => {
    const api = await renderMailbox();
    fireEvent.click(row(/Devoir de mathématiques/));
    fireEvent.click(await screen.findByRole("button", { name: "Ouvrir exercice4.jpg" }));
    fireEvent.click(screen.getByRole("button", { name: "Enregistrer sous… exercice4.jpg" }));
    await waitFor(() => expect(api.count("saveAttachmentAs")).toBe(1));
    expect(api.calls.find((c) => c.op === "openAttachment")?.args).toEqual(["m-devoir", "a-photo"]);
  });

  test("a failure to open an attachment is shown, not swallowed", async () => {
    const api = new FixtureApi();
    api.openAttachment = () => Promise.reject({ kind: "offline", message: "pièce jointe non téléchargée" });
    await renderMailbox(api);
    fireEvent.click(row(/Devoir de mathématiques/));
    fireEvent.click(await screen.findByRole("button", { name: "Ouvrir exercice4.jpg" }));
    expect((await screen.findByRole("alert")).textContent).toContain("pièce jointe non téléchargée");
  });
});

describe("hostile bodies", () => {
  test("never reach the main document and render in a sandbox without scripts or same origin", async () => {
    await renderMailbox();
    fireEvent.click(row(/Invitation à la kermesse/));
    const article = await screen.findByRole("article", { name: "Invitation à la kermesse" });
    const frame = within(article).getByTitle("Contenu du message") as HTMLIFrameElement;

    const sandbox = frame.getAttribute("sandbox") ?? "";
    expect(sandbox.split(/\s+/).sort()).toEqual(["allow-popups", "allow-popups-to-escape-sandbox"]);
    expect(sandbox).not.toContain("allow-scripts");
    expect(sandbox).not.toContain("allow-same-origin");
    const srcdoc = frame.getAttribute("srcdoc") ?? "";
    expect(srcdoc).toContain(
      `content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`,
    );
    expect(srcdoc.indexOf("Content-Security-Policy")).toBeLessThan(srcdoc.indexOf("<body>"));

    expect(document.querySelectorAll("script")).toHaveLength(0);
    expect(document.querySelectorAll("[onerror], iframe[src]")).toHaveLength(0);
    expect(document.body.textContent).not.toContain("kermesse du collège aura lieu");
    expect((window as unknown as Record<string, unknown>)[HOSTILE_MARKER]).toBeUndefined();
    expect(within(article).queryByText("Cliquez ici")).toBeNull();
  });

  test("the ENT's own images come in from the backend without asking, and remote ones stay blocked", async () => {
    const api = await renderMailbox();
    act(() => {
      api.deliver("Photo de la sortie", people.bernard, '<p>La photo :<img class="custom-image" src="/workspace/document/abc?timestamp=1" width="350"></p>');
    });
    fireEvent.click(await screen.findByRole("row", { name: /Photo de la sortie/ }));
    const article = await screen.findByRole("article", { name: "Photo de la sortie" });
    const frame = within(article).getByTitle("Contenu du message");
    await waitFor(() => expect(frame.getAttribute("srcdoc")).toContain(`src="data:image/gif;base64,`));
    expect(api.count("showEntImages")).toBe(1);
    expect(api.count("showRemoteImages")).toBe(0);
    expect(within(article).queryByText("Les images distantes de ce message sont bloquées.")).toBeNull();
    expect(frame.getAttribute("srcdoc")).toContain(`img-src data:"`);
  });

  test("remote images stay blocked until allowed for that message, then come inlined by the backend", async () => {
    const api = await renderMailbox();
    fireEvent.click(row(/Invitation à la kermesse/));
    const article = await screen.findByRole("article", { name: "Invitation à la kermesse" });
    expect(within(article).getByText("Les images distantes de ce message sont bloquées.")).toBeTruthy();
    fireEvent.click(within(article).getByRole("button", { name: "Afficher les images" }));
    const frame = within(article).getByTitle("Contenu du message");
    await waitFor(() => expect(frame.getAttribute("srcdoc")).toContain(`src="data:image/gif;base64,`));
    expect(api.count("showRemoteImages")).toBe(1);
    expect(frame.getAttribute("srcdoc")).not.toContain("tracker.example.net");
    expect(frame.getAttribute("srcdoc")).toContain(`img-src data:"`);

    fireEvent.click(row(/Conseil de classe/));
    const other = await screen.findByRole("article", { name: "Conseil de classe de 6A" });
    expect(within(other).getByTitle("Contenu du message").getAttribute("srcdoc")).toContain(
      `img-src data:"`,
    );
  });

  test("a link opens in the browser only after its address was shown and confirmed", async () => {
    const api = await renderMailbox();
    fireEvent.click(row(/Invitation à la kermesse/));
    const links = await screen.findByRole("navigation", { name: "Liens du message" });
    fireEvent.click(within(links).getByRole("button", { name: "https://www.college-jean-moulin.fr/kermesse" }));
    const dialog = screen.getByRole("dialog", { name: "Ouvrir ce lien ?" });
    expect(within(dialog).getByText("https://www.college-jean-moulin.fr/kermesse")).toBeTruthy();
    expect(api.count("openLink")).toBe(0);
    fireEvent.click(within(dialog).getByRole("button", { name: "Ouvrir dans le navigateur" }));
    await waitFor(() => expect(api.count("openLink")).toBe(1));
    expect(api.calls.find((c) => c.op === "openLink")?.args).toEqual(["https://www.college-jean-moulin.fr/kermesse"]);
  });
});

describe("trash", () => {
  test("two ticked messages go to the Corbeille with Supprimer; one is restored, the other deleted for good after confirming", async () => {
    const api = await renderMailbox();
    fireEvent.click(within(row(/Absence de Hugo lundi/)).getByRole("checkbox"));
    fireEvent.click(within(row(/Brevet blanc/)).getByRole("checkbox"));
    const bar = screen.getByRole("toolbar", { name: "Actions sur la sélection" });
    expect(bar.textContent).toContain("2 sélectionné(s)");
    fireEvent.click(within(bar).getByRole("button", { name: "Supprimer" }));
    await waitFor(() => expect(screen.queryByRole("row", { name: /Absence de Hugo lundi/ })).toBeNull());
    expect(screen.queryByRole("row", { name: /Brevet blanc/ })).toBeNull();

    fireEvent.click(folder("Corbeille"));
    await screen.findByRole("row", { name: /Absence de Hugo lundi/ });
    expect(row(/Brevet blanc/)).toBeTruthy();

    fireEvent.click(within(row(/Absence de Hugo lundi/)).getByRole("checkbox"));
    fireEvent.click(screen.getByRole("button", { name: "Restaurer" }));
    await waitFor(() => expect(screen.queryByRole("row", { name: /Absence de Hugo lundi/ })).toBeNull());

    fireEvent.click(within(row(/Brevet blanc/)).getByRole("checkbox"));
    fireEvent.click(screen.getByRole("button", { name: "Supprimer définitivement" }));
    const dialog = screen.getByRole("dialog", { name: "Supprimer définitivement" });
    expect(api.count("deleteForever")).toBe(0);
    fireEvent.click(within(dialog).getByRole("button", { name: "Supprimer définitivement" }));
    await waitFor(() => expect(screen.queryByRole("row", { name: /Brevet blanc/ })).toBeNull());
    expect(api.calls.find((c) => c.op === "deleteForever")?.args).toEqual([["m-brevet"]]);

    fireEvent.click(folder(/Boîte de réception/));
    expect(await screen.findByRole("row", { name: /Absence de Hugo lundi/ })).toBeTruthy();
    expect(screen.queryByRole("alert")).toBeNull();
  });

  test("emptying the trash asks first", async () => {
    const api = await renderMailbox();
    fireEvent.click(folder("Corbeille"));
    await screen.findByRole("row", { name: /Photos de classe/ });
    fireEvent.click(screen.getByRole("button", { name: "Vider la corbeille" }));
    fireEvent.click(within(screen.getByRole("dialog")).getByRole("button", { name: "Annuler" }));
    expect(api.count("emptyTrash")).toBe(0);
    fireEvent.click(screen.getByRole("button", { name: "Vider la corbeille" }));
    fireEvent.click(within(screen.getByRole("dialog")).getByRole("button", { name: "Vider la corbeille" }));
    expect(await screen.findByText("Aucun message")).toBeTruthy();
  });
});

describe("search", () => {
  test("results come as the user types and say which folder each one is in", async () => {
    await renderMailbox();
    fireEvent.change(screen.getByRole("searchbox", { name: "Rechercher dans tous les messages" }), {
      target: { value: "sortie" },
    });
    const hit = await screen.findByRole("row", { name: /Sortie au musée des Beaux-Arts/ });
    expect(hit.textContent).toContain("Dans Sorties scolaires");
    fireEvent.change(screen.getByRole("searchbox"), { target: { value: "hugo" } });
    const absence = await screen.findByRole("row", { name: /Absence de Hugo lundi/ });
    expect(absence.textContent).toContain("Dans Boîte de réception");
  });

  test("Ctrl+F and / put the focus in the search field", async () => {
    await renderMailbox();
    const box = screen.getByRole("searchbox");
    fireEvent.keyDown(document.body, { key: "f", ctrlKey: true });
    expect(document.activeElement).toBe(box);
    box.blur();
    fireEvent.keyDown(grid(), { key: "/" });
    expect(document.activeElement).toBe(box);
  });
});

describe("keyboard", () => {
  test("arrows move the selection, Enter opens, U toggles unread, Suppr deletes", async () => {
    const api = await renderMailbox();
    const list = grid();
    fireEvent.keyDown(list, { key: "ArrowDown" });
    expect(row(/Conseil de classe/).getAttribute("aria-selected")).toBe("true");
    fireEvent.keyDown(list, { key: "ArrowDown" });
    expect(row(/Devoir de mathématiques/).getAttribute("aria-selected")).toBe("true");
    expect(row(/Conseil de classe/).getAttribute("aria-selected")).toBe("false");
    fireEvent.keyDown(list, { key: "ArrowUp" });
    fireEvent.keyDown(list, { key: "ArrowDown" });

    fireEvent.keyDown(list, { key: "Enter" });
    await screen.findByRole("article", { name: "Devoir de mathématiques" });
    await waitFor(() => expect(row(/Devoir de mathématiques/).className).not.toContain("mbx-unread"));

    fireEvent.keyDown(list, { key: "u" });
    await waitFor(() => expect(row(/Devoir de mathématiques/).className).toContain("mbx-unread"));
    fireEvent.keyDown(list, { key: "U" });
    await waitFor(() => expect(row(/Devoir de mathématiques/).className).not.toContain("mbx-unread"));

    fireEvent.keyDown(list, { key: "Delete" });
    await waitFor(() => expect(screen.queryByRole("row", { name: /Devoir de mathématiques/ })).toBeNull());
    expect(api.calls.find((c) => c.op === "trash")?.args).toEqual([["m-devoir"]]);
  });

  test("arrows on a folder walk the folders instead of the messages", async () => {
    await renderMailbox();
    const inbox = folder(/Boîte de réception/);
    inbox.focus();
    fireEvent.keyDown(inbox, { key: "ArrowDown" });
    expect(document.activeElement).toBe(folder("Messages envoyés"));
    expect(await screen.findByRole("row", { name: /Réunion parents-professeurs/ })).toBeTruthy();
    expect(screen.getAllByRole("row").every((r) => r.getAttribute("aria-selected") === "false")).toBe(true);
  });

  test("Suppr in the Corbeille asks before deleting for good", async () => {
    const api = await renderMailbox();
    fireEvent.click(folder("Corbeille"));
    await screen.findByRole("row", { name: /Photos de classe/ });
    fireEvent.keyDown(grid(), { key: "ArrowDown" });
    fireEvent.keyDown(grid(), { key: "Delete" });
    expect(screen.getByRole("dialog", { name: "Supprimer définitivement" })).toBeTruthy();
    expect(api.count("deleteForever")).toBe(0);
  });

  test("shortcuts are ignored while typing in a field", async () => {
    const api = await renderMailbox();
    const box = screen.getByRole("searchbox");
    fireEvent.keyDown(box, { key: "u" });
    fireEvent.keyDown(box, { key: "Delete" });
    expect(api.count("setUnread") + api.count("trash")).toBe(0);
  });
});

describe("sync", () => {
  test("the status line follows the sync and F5, the button and focus ask for one", async () => {
    const api = await renderMailbox();
    await waitFor(() => expect(screen.getByTestId("sync-status").textContent).toBe("À jour"));
    const before = api.count("sync");
    fireEvent.keyDown(document.body, { key: "F5" });
    fireEvent.click(screen.getByRole("button", { name: "Actualiser (F5)" }));
    fireEvent.focus(window);
    expect(api.count("sync")).toBe(before + 3);
    act(() => api.emit({ kind: "progress", folder: "inbox", done: 4, total: 9 }));
    expect(screen.getByTestId("sync-status").textContent).toBe("Synchronisation 4 / 9");
  });

  test("the window runs no sync timer of its own: the core's timer syncs, the window only asks", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    const api = await renderMailbox(new FixtureApi());
    const before = api.count("sync");
    vi.advanceTimersByTime(60 * 60_000);
    expect(api.count("sync")).toBe(before);
  });

  test("offline, mail stays readable and actions show as pending until the ENT confirms", async () => {
    const api = await renderMailbox();
    act(() => api.setOnline(false));
    expect(screen.getByTestId("sync-status").textContent).toMatch(/^Hors ligne depuis \d\d:\d\d$/);
    fireEvent.click(row(/Absence de Hugo/));
    expect(await screen.findByRole("article", { name: "Absence de Hugo lundi" })).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Marquer comme non lu" }));
    await waitFor(() => expect(row(/Absence de Hugo/).className).toContain("mbx-pending"));
    expect(screen.getByText("1 action(s) en attente de l'ENT")).toBeTruthy();
    act(() => api.setOnline(true));
    await waitFor(() => expect(row(/Absence de Hugo/).className).not.toContain("mbx-pending"));
  });

  test("new mail from the sync appears and raises the counts", async () => {
    const api = await renderMailbox();
    act(() => {
      api.deliver("Question sur le cours");
    });
    expect(await screen.findByRole("row", { name: /Question sur le cours/ })).toBeTruthy();
    expect(folder("Boîte de réception (4)")).toBeTruthy();
    await waitFor(() => expect(document.title).toBe("(4) Messagerie"));
  });
});

describe("window", () => {
  test("signing out offers to erase the local copy", async () => {
    const api = new FixtureApi();
    const signedOut: { eraseLocalCopy: boolean }[] = [];
    await renderMailbox(api, { onSignedOut: (o) => signedOut.push(o) });
    fireEvent.click(screen.getByRole("button", { name: "Se déconnecter" }));
    const dialog = screen.getByRole("dialog", { name: "Se déconnecter" });
    fireEvent.click(within(dialog).getByRole("checkbox", { name: /Effacer la copie locale/ }));
    fireEvent.click(within(dialog).getByRole("button", { name: "Se déconnecter" }));
    await waitFor(() => expect(api.calls.map((c) => c.op)).toContain("signOut"));
    await waitFor(() => expect(signedOut).toEqual([{ eraseLocalCopy: true }]));
    expect(api.calls.find((c) => c.op === "signOut")?.args).toEqual([{ eraseLocalCopy: true }]);
  });

  test("English can be chosen instead of French", async () => {
    await renderMailbox();
    fireEvent.change(screen.getByRole("combobox", { name: "Langue" }), { target: { value: "en" } });
    expect(folder("Inbox (3)")).toBeTruthy();
    expect(folder("Trash")).toBeTruthy();
  });
});

describe("a folder of 10,000 messages", () => {
  test("keeps fewer than 200 rows in the DOM and scrolling to the end shows the last message", async () => {
    const api = new FixtureApi({ bigFolder: 10_000 });
    await renderMailbox(api);
    fireEvent.click(folder("Archives 2025"));
    await screen.findByRole("row", { name: /Archive n° 00001/ });
    const list = grid();
    expect(list.getAttribute("aria-rowcount")).toBe("10000");
    expect(screen.getAllByRole("row").length).toBeLessThan(200);

    // A jump to the end renders a few dozen rows, whatever the folder's size (the DOM says
    // so below). How fast is measured by the window benchmark (tests/e2e/bench.rs) in the real
    // webview, not timed here: jsdom on a busy machine made this a coin toss.
    fireEvent.scroll(list, { target: { scrollTop: 10_000 * 52 } });
    expect(screen.getByRole("row", { name: /Archive n° 10000/ })).toBeTruthy();
    expect(screen.getAllByRole("row").length).toBeLessThan(200);
    expect(screen.queryByRole("row", { name: /Archive n° 00001/ })).toBeNull();
  });

  test("another folder, then back, starts again at the top", async () => {
    await renderMailbox(new FixtureApi({ bigFolder: 10_000 }));
    fireEvent.click(folder("Archives 2025"));
    await screen.findByRole("row", { name: /Archive n° 00001/ });
    fireEvent.scroll(grid(), { target: { scrollTop: 10_000 * 52 } });
    fireEvent.click(folder(/Boîte de réception/));
    await screen.findByRole("row", { name: /Conseil de classe/ });
    fireEvent.click(folder("Archives 2025"));
    expect(await screen.findByRole("row", { name: /Archive n° 00001/ })).toBeTruthy();
    expect(grid().scrollTop).toBe(0);
  });

  test("the End key brings the last message into view", async () => {
    await renderMailbox(new FixtureApi({ bigFolder: 10_000 }));
    fireEvent.click(folder("Archives 2025"));
    await screen.findByRole("row", { name: /Archive n° 00001/ });
    fireEvent.keyDown(grid(), { key: "End" });
    const last = screen.getByRole("row", { name: /Archive n° 10000/ });
    expect(last.getAttribute("aria-selected")).toBe("true");
    expect(screen.getAllByRole("row").length).toBeLessThan(200);
    fireEvent.keyDown(grid(), { key: "Home" });
    expect(screen.getByRole("row", { name: /Archive n° 00001/ }).getAttribute("aria-selected")).toBe("true");
  });
});


describe("writing", () => {
  async function renderWriting() {
    const api = new FixtureApi();
    const compose = new ComposeFixture({ mailbox: api });
    await renderMailbox(api, { compose });
    return { api, compose };
  }
  const chipIds = () => screen.queryAllByTestId("chip").map((c) => c.getAttribute("data-id"));
  const subject = () => (screen.getByTestId("subject") as HTMLInputElement).value;

  test("without a compose backend there is no « Créer » and no reply", async () => {
    await renderMailbox();
    fireEvent.click(row(/Conseil de classe de 6A/));
    await screen.findByRole("heading", { name: "Conseil de classe de 6A" });
    expect(screen.queryByTestId("compose-new")).toBeNull();
    expect(screen.queryByTestId("reply")).toBeNull();
    expect(screen.queryByTestId("forward")).toBeNull();
  });

  test("« Créer » opens an empty composer in the reading pane's place", async () => {
    await renderWriting();
    fireEvent.click(screen.getByTestId("compose-new"));
    const composer = await screen.findByTestId("composer");
    expect(within(composer).getByRole("heading", { name: "Nouveau message" })).toBeTruthy();
    expect(chipIds()).toEqual([]);
    expect(subject()).toBe("");
  });

  test("Répondre writes to the sender, « Re : » and the quoted message", async () => {
    await renderWriting();
    fireEvent.click(row(/Conseil de classe de 6A/));
    fireEvent.click(await screen.findByTestId("reply"));
    await screen.findByTestId("composer");
    expect(subject()).toBe("Re : Conseil de classe de 6A");
    expect(chipIds()).toEqual([people.martin.id]);
    // The body (and its quote) comes once the editor is up, after the composer's frame.
    await waitFor(() =>
      expect(screen.getByTestId("body").querySelector(".conversation-history-body")?.textContent).toContain("salle B12"),
    );
  });

  test("Répondre à tous adds the other recipients but not the replier", async () => {
    await renderWriting();
    fireEvent.click(row(/Conseil de classe de 6A/));
    fireEvent.click(await screen.findByTestId("reply-all"));
    await screen.findByTestId("composer");
    expect(chipIds()).toEqual([people.martin.id, people.profs.id]);
    expect(chipIds()).not.toContain(people.durand.id);
  });

  test("Transférer leaves the recipients empty, « Tr : » and the original's attachments", async () => {
    const { api } = await renderWriting();
    const withFile = (await api.list(INBOX, 0, 100)).find((m) => m.hasAttachment);
    if (!withFile) throw new Error("the fixture has a message with an attachment");
    fireEvent.click(row(new RegExp(withFile.subject)));
    fireEvent.click(await screen.findByTestId("forward"));
    await screen.findByTestId("composer");
    expect(subject()).toBe(`Tr : ${withFile.subject}`);
    expect(chipIds()).toEqual([]);
    expect(screen.getAllByTestId("attachment").length).toBeGreaterThan(0);
  });

  test("a message of Brouillons opens in the composer, not the reading pane", async () => {
    const { compose } = await renderWriting();
    fireEvent.click(folder("Brouillons (1)"));
    fireEvent.click(await screen.findByRole("row", { name: /Projet de voyage en Espagne/ }));
    await screen.findByTestId("composer");
    expect(compose.count("openDraft")).toBe(1);
    expect(subject()).toBe("Projet de voyage en Espagne");
    expect(chipIds()).toEqual([people.bernard.id]);
  });

  test("opening another message puts the composer away and saves what was typed", async () => {
    const { compose } = await renderWriting();
    fireEvent.click(screen.getByTestId("compose-new"));
    fireEvent.change(await screen.findByTestId("subject"), { target: { value: "À finir" } });
    fireEvent.click(row(/Conseil de classe de 6A/));
    await screen.findByRole("heading", { name: "Conseil de classe de 6A" });
    expect(screen.queryByTestId("composer")).toBeNull();
    await waitFor(() => expect(compose.count("saveDraft")).toBe(1));
    expect([...compose.drafts.values()].map((d) => d.content.subject)).toEqual(["À finir"]);
  });

  test("sending closes the composer and offers to take the message back", async () => {
    const { compose } = await renderWriting();
    fireEvent.click(screen.getByTestId("compose-new"));
    fireEvent.change(await screen.findByTestId("field-to"), { target: { value: "parents" } });
    fireEvent.mouseDown(await screen.findByTestId("suggestion"));
    fireEvent.change(screen.getByTestId("subject"), { target: { value: "Sortie" } });
    await waitFor(() => expect((screen.getByTestId("send") as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(screen.getByTestId("send"));

    fireEvent.click(await screen.findByTestId("undo-send"));
    await screen.findByTestId("composer");
    expect(compose.count("cancelSend")).toBe(1);
    expect(subject()).toBe("Sortie");
    expect(chipIds()).toEqual([visibles.parents6A.id]);
  });
});

test("a link clicked inside a message body is opened only after the user saw its address", async () => {
  const api = new FixtureApi();
  render(<Mailbox api={api} />);
  await screen.findByRole("treeitem", { name: /Boîte de réception/ });

  act(() => api.emit({ kind: "linkClicked", url: "https://www.college-jean-moulin.fr/menu" }));
  const dialog = await screen.findByRole("dialog");
  expect(dialog.textContent).toContain("https://www.college-jean-moulin.fr/menu");
  expect(api.count("openLink")).toBe(0);
  fireEvent.click(within(dialog).getByRole("button", { name: "Ouvrir dans le navigateur" }));

  await waitFor(() => expect(api.count("openLink")).toBe(1));
  expect(screen.queryByRole("dialog")).toBeNull();
});

describe("the ENT ended the session", () => {
  test("a banner says so, its button signs in again, and it goes once a sync succeeds", async () => {
    const api = await renderMailbox();

    act(() => api.emit({ kind: "syncFailed", error: { kind: "sessionExpired", message: "…" } }));

    const banner = await screen.findByTestId("session-expired");
    expect(banner.textContent).toContain("Votre session ENT a expiré");
    expect(banner.textContent).toContain("Vos actions attendent");
    expect(screen.queryByText(/a échoué/)).toBeNull();
    fireEvent.click(within(banner).getByRole("button", { name: "Se reconnecter" }));
    await waitFor(() => expect(api.count("reconnect")).toBe(1));
    act(() => api.emit({ kind: "syncDone", at: 2 }));
    expect(screen.queryByTestId("session-expired")).toBeNull();
  });
});

describe("the ENT asks the user to act", () => {
  test("a banner says the ENT asks to accept new terms and its button opens the ENT's page", async () => {
    const api = await renderMailbox();
    const url = "https://ent.example.org/auth/revalidate-terms";

    act(() => api.emit({ kind: "syncFailed", error: { kind: "actionNeeded", message: "…", url } }));

    const banner = await screen.findByTestId("action-needed");
    expect(banner.textContent).toContain("accepter ses nouvelles conditions d'utilisation");
    fireEvent.click(within(banner).getByRole("button", { name: "Ouvrir la page de l'ENT" }));
    await waitFor(() => expect(api.calls).toContainEqual({ op: "openEntPage", args: [url] }));
    act(() => api.emit({ kind: "syncDone", at: 2 }));
    expect(screen.queryByTestId("action-needed")).toBeNull();
  });
});
