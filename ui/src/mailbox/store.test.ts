import { describe, expect, test, vi } from "vitest";
import { FixtureApi } from "./fixtures";
import { MailboxStore } from "./store";
import { INBOX, TRASH } from "./types";

async function started(api = new FixtureApi()) {
  const store = new MailboxStore(api);
  store.start();
  await store.refresh();
  return { api, store };
}

describe("MailboxStore", () => {
  test("loads the folders and the inbox listing newest first", async () => {
    const { store } = await started();
    const s = store.getState();
    expect(s.folders.order.slice(0, 4)).toEqual(["inbox", "outbox", "draft", "trash"]);
    expect(s.listings[INBOX]?.[0]).toBe("m-conseil");
    expect(s.folders.byId[INBOX]?.unread).toBe(3);
  });

  test("a folder on screen that reaches the ENT under another id stays on screen", async () => {
    const { api, store } = await started();
    const local = await api.createFolder("Sorties", null);
    await store.selectFolder(local);

    const remote = api.confirmFolder(local);

    await vi.waitFor(() => expect(store.getState().folders.byId[remote]).toBeTruthy());
    expect(store.getState().selectedFolderId).toBe(remote);
  });

  test("notifies its listeners once per backend progress event", async () => {
    const { api, store } = await started();
    let notified = 0;
    store.subscribe(() => notified++);
    api.emit({ kind: "progress", folder: "inbox", done: 3, total: 10 });
    expect(notified).toBe(1);
    expect(store.getState().sync).toEqual({ kind: "syncing", done: 3, total: 10 });
  });

  test("once a first sync counts its bodies, the pages it still lists do not take the count back", async () => {
    const { api, store } = await started();
    api.emit({ kind: "progress", folder: "inbox", done: 500, total: 10000 });
    api.emit({ kind: "progress", folder: "bodies", done: 100, total: 750 });
    api.emit({ kind: "progress", folder: "inbox", done: 1000, total: 10000 });
    expect(store.getState().sync).toEqual({ kind: "syncing", done: 100, total: 750, bodies: true });
    api.emit({ kind: "progress", folder: "bodies", done: 200, total: 1250 });
    expect(store.getState().sync).toEqual({ kind: "syncing", done: 200, total: 1250, bodies: true });
    api.emit({ kind: "syncDone", at: 1 });
    api.emit({ kind: "progress", folder: "inbox", done: 25, total: 50 });
    expect(store.getState().sync).toEqual({ kind: "syncing", done: 25, total: 50 });
  });

  test("a messagesChanged event is committed in a single update", async () => {
    const { api, store } = await started();
    let notified = 0;
    store.subscribe(() => notified++);
    const id = api.deliver("Question sur le cours");
    await vi.waitFor(() => expect(notified).toBeGreaterThan(0));
    await Promise.resolve();
    expect(notified).toBe(1);
    expect(store.getState().listings[INBOX]?.[0]).toBe(id);
    expect(store.getState().folders.byId[INBOX]?.unread).toBe(4);
  });

  test("trashing ticked messages moves them to the trash and clears the ticks", async () => {
    const { store } = await started();
    store.toggleTick("m-devoir");
    store.toggleTick("m-absence");
    await store.trash(store.targets());
    await store.selectFolder(TRASH);
    expect(store.getState().listings[TRASH]).toEqual(expect.arrayContaining(["m-devoir", "m-absence"]));
    expect(store.getState().ticked).toEqual({});
  });

  test("the ENT asking for new terms shows its own banner until a sync goes through", async () => {
    const { api, store } = await started();
    const url = "https://ent.example.org/auth/revalidate-terms";
    api.emit({ kind: "syncFailed", error: { kind: "actionNeeded", message: "…", url } });
    expect(store.getState().actionNeeded).toEqual({ url });
    expect(store.getState().error).toBeNull();
    await store.openEntPage();
    expect(api.calls).toContainEqual({ op: "openEntPage", args: [url] });
    api.emit({ kind: "syncDone", at: 1 });
    expect(store.getState().actionNeeded).toBeNull();
  });

  test("actions made offline stay pending until the ENT is back", async () => {
    const { api, store } = await started();
    api.setOnline(false);
    expect(store.getState().sync).toEqual({ kind: "offline", since: expect.any(Number) });
    await store.setUnread(["m-absence"], true);
    expect(store.getState().pending).toEqual({ "m-absence": true });
    api.setOnline(true);
    expect(store.getState().pending).toEqual({});
  });

  test("an answer to an older search never replaces the newer one", async () => {
    const { store } = await started();
    const older = store.search("conseil");
    const newer = store.search("kermesse");
    await Promise.all([older, newer]);
    expect(store.getState().search.query).toBe("kermesse");
    expect(store.getState().search.hits?.map((h) => h.message.id)).toEqual(["m-kermesse"]);
  });

  test("the cursor moves within the visible list and stops at its ends", async () => {
    const { store } = await started();
    store.moveCursor(1);
    expect(store.getState().cursorId).toBe("m-conseil");
    store.moveCursor(-1);
    expect(store.getState().cursorId).toBe("m-conseil");
    store.moveCursor(100);
    expect(store.getState().cursorId).toBe(store.visibleIds().at(-1));
  });

  test("deleting the folder on screen goes back to the inbox and later refreshes still run", async () => {
    const { api, store } = await started();
    await store.selectFolder("f-sorties");
    expect(store.getState().listings["f-sorties"]).toEqual(["m-sortie"]);
    await store.deleteFolder("f-sorties");
    expect(store.getState().selectedFolderId).toBe(INBOX);
    expect(store.getState().folders.byId["f-sorties"]).toBeUndefined();
    const id = api.deliver("Après la suppression");
    await vi.waitFor(() => expect(store.getState().listings[INBOX]?.[0]).toBe(id));
  });

  test("a failing backend call shows an error and leaves the store usable", async () => {
    const { api, store } = await started();
    await store.moveTo(["m-devoir"], "f-nowhere");
    expect(store.getState().error?.message).toBe("no folder f-nowhere");
    store.dismissError();
    await store.trash(["m-devoir"]);
    expect(store.getState().listings[INBOX]).not.toContain("m-devoir");
    expect(store.getState().error).toBeNull();
    expect(api.count("trash")).toBe(1);
  });

  describe("new mail", () => {
    test("raises a notification when the window does not have the focus", async () => {
      const { api, store } = await started();
      const focus = vi.spyOn(document, "hasFocus").mockReturnValue(false);
      const message = store.getState().summaries["m-conseil"];
      if (!message) throw new Error("the fixture's inbox has m-conseil");
      api.emit({ kind: "newMail", messages: [message] });
      expect(api.calls.filter((c) => c.op === "notifyNewMail").map((c) => c.args[0])).toEqual([["m-conseil"]]);
      focus.mockRestore();
    });

    test("stays silent while the window has the focus on the inbox, not on another folder", async () => {
      const { api, store } = await started();
      const focus = vi.spyOn(document, "hasFocus").mockReturnValue(true);
      const message = store.getState().summaries["m-conseil"];
      if (!message) throw new Error("the fixture's inbox has m-conseil");
      api.emit({ kind: "newMail", messages: [message] });
      expect(api.count("notifyNewMail")).toBe(0);
      await store.selectFolder(TRASH);
      api.emit({ kind: "newMail", messages: [message] });
      expect(api.count("notifyNewMail")).toBe(1);
      focus.mockRestore();
    });

    test("a click on the notification opens the message in the inbox", async () => {
      const { api, store } = await started();
      await store.selectFolder(TRASH);
      api.emit({ kind: "openMessage", id: "m-conseil" });
      await vi.waitFor(() => expect(store.getState().open?.message?.id).toBe("m-conseil"));
      expect(store.getState().selectedFolderId).toBe(INBOX);
    });
  });
});

