import { act, cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, test } from "vitest";
import { ComposeFixture } from "../composer/fixtures";
import { FixtureApi } from "./fixtures";
import { Mailbox } from "./Mailbox";
import { INBOX } from "./types";

afterEach(cleanup);

async function renderMailbox(withCompose = false, announcePreview = true) {
  const api = new FixtureApi();
  const compose = withCompose ? new ComposeFixture({ mailbox: api }) : undefined;
  render(<Mailbox api={api} compose={compose} announcePreview={announcePreview} />);
  await screen.findByRole("row", { name: /Conseil de classe de 6A/ });
  return { api, compose };
}

const row = (subject: RegExp) => screen.getByRole("row", { name: subject });
const grid = () => screen.getByRole("grid");
const announcer = () => screen.getByTestId("announcer");

describe("the message list's roles", () => {
  test("is a multi-selectable grid whose rows say « Non lu » and the sender first", async () => {
    await renderMailbox();
    expect(grid().getAttribute("aria-multiselectable")).toBe("true");
    const unread = row(/Conseil de classe de 6A/);
    expect(unread.getAttribute("aria-label")).toMatch(/^Non lu, MARTIN Sophie, Conseil de classe de 6A, /);
    const read = row(/Absence de Hugo lundi/);
    expect(read.getAttribute("aria-label")).not.toMatch(/Non lu/);
    expect(within(unread).getAllByRole("gridcell").length).toBeGreaterThan(0);
  });

  test("the selection follows the cursor, then the ticked rows once some are ticked", async () => {
    await renderMailbox();
    fireEvent.keyDown(grid(), { key: "ArrowDown" });
    expect(row(/Conseil de classe/).getAttribute("aria-selected")).toBe("true");
    expect(grid().getAttribute("aria-activedescendant")).toBe(row(/Conseil de classe/).id);
    fireEvent.click(within(row(/Absence de Hugo/)).getByRole("checkbox"));
    expect(row(/Absence de Hugo/).getAttribute("aria-selected")).toBe("true");
    expect(row(/Conseil de classe/).getAttribute("aria-selected")).toBe("false");
  });

  test("Espace ticks the row under the cursor", async () => {
    await renderMailbox();
    fireEvent.keyDown(grid(), { key: "ArrowDown" });
    fireEvent.keyDown(grid(), { key: " " });
    expect((within(row(/Conseil de classe/)).getByRole("checkbox") as HTMLInputElement).checked).toBe(true);
  });

  test("an empty folder is no grid but a group saying « Aucun message »", async () => {
    const { api } = await renderMailbox();
    await act(async () => {
      await api.emptyTrash();
    });
    fireEvent.click(screen.getByRole("treeitem", { name: "Corbeille" }));
    const group = await screen.findByRole("group", { name: /Corbeille/ });
    expect(group.textContent).toBe("Aucun message");
    expect(screen.queryByRole("grid")).toBeNull();
  });
});

describe("the keyboard", () => {
  test("« ? » opens the list of shortcuts, Échap closes it", async () => {
    await renderMailbox();
    fireEvent.keyDown(grid(), { key: "?", shiftKey: true });
    const dialog = screen.getByRole("dialog", { name: "Raccourcis clavier" });
    fireEvent.keyDown(within(dialog).getByRole("button", { name: "Fermer" }), { key: "Escape" });
    expect(screen.queryByRole("dialog")).toBeNull();
    fireEvent.click(screen.getByTestId("shortcuts-button"));
    expect(screen.getByRole("dialog", { name: "Raccourcis clavier" })).toBeTruthy();
  });

  test("Ctrl+N writes a new message, R answers the open one and the composer takes the focus", async () => {
    const { compose } = await renderMailbox(true);
    fireEvent.keyDown(document.body, { key: "n", ctrlKey: true });
    const composer = await screen.findByTestId("composer");
    expect(within(composer).getByRole("heading", { name: "Nouveau message" })).toBeTruthy();
    await waitFor(() => expect(composer.contains(document.activeElement)).toBe(true));

    fireEvent.click(row(/Conseil de classe de 6A/));
    await screen.findByRole("article", { name: "Conseil de classe de 6A" });
    fireEvent.keyDown(document.body, { key: "R", shiftKey: true });
    await screen.findByTestId("composer");
    expect(compose?.calls.filter((c) => c.op === "replyDraft").map((c) => c.args)).toEqual([["m-conseil", true]]);
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId("body")));
  });

  test("F forwards; R typed in the search field does not answer", async () => {
    const { compose } = await renderMailbox(true);
    fireEvent.click(row(/Conseil de classe de 6A/));
    await screen.findByRole("article", { name: "Conseil de classe de 6A" });
    fireEvent.keyDown(screen.getByRole("searchbox"), { key: "r" });
    fireEvent.keyDown(screen.getByRole("searchbox"), { key: "f" });
    expect(compose?.calls.some((c) => c.op === "replyDraft" || c.op === "forwardDraft")).toBe(false);
    fireEvent.keyDown(document.body, { key: "f" });
    await screen.findByTestId("composer");
    expect(compose?.calls.filter((c) => c.op === "forwardDraft").map((c) => c.args)).toEqual([["m-conseil"]]);
  });
});

describe("the live region", () => {
  test("says new mail once, and the sync only when its meaning changes", async () => {
    const { api } = await renderMailbox();
    await waitFor(() => expect(announcer().textContent).toBe("Boîte à jour"));
    const [summary] = await api.list(INBOX, 0, 1);
    if (!summary) throw new Error("the fixture's inbox is empty");

    act(() => api.emit({ kind: "newMail", messages: [summary] }));
    expect(announcer().textContent).toBe(`Nouveau message de ${summary.from?.displayName} : ${summary.subject}`);
    const said = announcer().firstElementChild;

    // Passes that change nothing leave the region alone (the status line follows them).
    act(() => api.emit({ kind: "progress", folder: INBOX, done: 1, total: 2 }));
    act(() => api.emit({ kind: "syncDone", at: 5 }));
    act(() => api.emit({ kind: "syncDone", at: 6 }));
    expect(announcer().firstElementChild).toBe(said);

    act(() => api.setOnline(false));
    expect(announcer().textContent).toMatch(/^Hors ligne/);
    act(() => api.emit({ kind: "connectivity", online: false }));
    act(() => api.setOnline(true));
    expect(announcer().textContent).toBe("De nouveau connecté à l'ENT");
    expect(announcer().getAttribute("aria-live")).toBe("polite");
  });

  test("without the notifications' preview, it says « Nouveau message » only", async () => {
    const { api } = await renderMailbox(false, false);
    const [summary] = await api.list(INBOX, 0, 1);
    if (!summary) throw new Error("the fixture's inbox is empty");
    act(() => api.emit({ kind: "newMail", messages: [summary] }));
    expect(announcer().textContent).toBe("Nouveau message");
  });
});
