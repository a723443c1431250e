import { act, cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, test, vi } from "vitest";
import axe from "axe-core";
import { FixtureApi } from "./fixtures";
import { Mailbox, type AccountsProps } from "./Mailbox";
import { SignIn } from "./SignIn";
import { MailboxStore, initialState } from "./store";
import type { AccountInfo } from "../bindings/AccountInfo";

afterEach(cleanup);

const schoolB: AccountInfo = {
  id: "ent.ecole-b.fr_m.durand",
  entUrl: "https://ent.ecole-b.fr",
  login: "m.durand",
  displayName: "Marie Durand",
  profile: "Teacher",
  demo: false,
};

function switcher(over: Partial<AccountsProps> = {}): AccountsProps {
  return {
    shownId: FixtureApi.OWN_ID,
    unified: false,
    onShow: vi.fn(),
    onUnified: vi.fn(),
    onAdd: vi.fn(),
    onRemoved: vi.fn(),
    onOpenInAccount: vi.fn(),
    ...over,
  };
}

async function twoAccounts(props: AccountsProps) {
  const api = new FixtureApi();
  const other = api.addAccount(schoolB, "Réunion parents-professeurs (école B)");
  render(<Mailbox api={api} accounts={props} />);
  const nav = await screen.findByRole("navigation", { name: "Comptes" });
  return { api, other, nav };
}

describe("the account switcher", () => {
  test("lists each account with its ENT and its inbox's unread count, the shown one current", async () => {
    const props = switcher();
    const { nav } = await twoAccounts(props);
    const mine = await within(nav).findByRole("button", { name: /demo\.college-jean-moulin\.fr, 3 messages non lus/ });
    const other = within(nav).getByRole("button", { name: /ent\.ecole-b\.fr, 1 message non lu/ });
    expect(mine.getAttribute("aria-current")).toBe("true");
    expect(other.getAttribute("aria-current")).toBeNull();
    // Every inbox together, with the sum of their counts.
    expect(within(nav).getByRole("button", { name: "Toutes les boîtes de réception, 4 messages non lus" })).toBeTruthy();

    // Plain buttons: the keyboard reaches them with Tab and Enter activates them.
    other.focus();
    expect(document.activeElement).toBe(other);
    fireEvent.click(other);
    expect(props.onShow).toHaveBeenCalledWith(schoolB.id);
    fireEvent.click(within(nav).getByRole("button", { name: "Ajouter un compte" }));
    expect(props.onAdd).toHaveBeenCalled();
  });

  test("the counts follow every account's events, not only the shown one's", async () => {
    const { api, nav } = await twoAccounts(switcher());
    await within(nav).findByRole("button", { name: /ent\.ecole-b\.fr, 1 message non lu/ });
    const [b] = api.others;
    if (!b) throw new Error("two accounts");
    b.inboxUnread = 2;
    act(() => api.emit({ kind: "unreadCounts", account: schoolB.id } as never));
    await within(nav).findByRole("button", { name: /ent\.ecole-b\.fr, 2 messages non lus/ });
  });

  test("with one account there is no unified view, only « Ajouter un compte »", async () => {
    render(<Mailbox api={new FixtureApi()} accounts={switcher()} />);
    const nav = await screen.findByRole("navigation", { name: "Comptes" });
    await within(nav).findByRole("button", { name: /demo\.college-jean-moulin\.fr/ });
    expect(within(nav).queryByRole("button", { name: /Toutes les boîtes/ })).toBeNull();
    expect(within(nav).getByRole("button", { name: "Ajouter un compte" })).toBeTruthy();
  });

  test("« Retirer ce compte » asks first, then removes only that account", async () => {
    const props = switcher();
    const { api, nav } = await twoAccounts(props);
    fireEvent.click(await within(nav).findByRole("button", { name: "Retirer ce compte" }));
    const dialog = await screen.findByRole("dialog", { name: /Retirer le compte « .* \(demo\.college-jean-moulin\.fr\) »/ });
    fireEvent.click(within(dialog).getByRole("button", { name: "Retirer ce compte" }));
    await waitFor(() => expect(props.onRemoved).toHaveBeenCalled());
    expect(api.calls.filter((c) => c.op === "removeAccount").map((c) => c.args)).toEqual([[FixtureApi.OWN_ID]]);
  });

  test("has no serious or critical axe-core violation", async () => {
    await twoAccounts(switcher());
    await screen.findByRole("button", { name: /ent\.ecole-b\.fr/ });
    const results = await axe.run(screen.getByRole("navigation", { name: "Comptes" }), {
      rules: { "color-contrast": { enabled: false } },
    });
    expect(results.violations.filter((v) => v.impact === "serious" || v.impact === "critical")).toEqual([]);
  });
});

describe("« Toutes les boîtes de réception »", () => {
  test("lists every account's inbox newest first, each line with its account", async () => {
    const { nav } = await twoAccounts(switcher({ unified: true, shownId: null }));
    const rows = await screen.findAllByRole("row");
    expect(rows[0]?.textContent).toMatch(/Réunion parents-professeurs \(école B\)/);
    expect(rows[0]?.textContent).toMatch(/Compte : Marie Durand \(ent\.ecole-b\.fr\)/);
    expect(screen.getByRole("row", { name: /Conseil de classe de 6A/ }).textContent).toMatch(/demo\.college-jean-moulin\.fr/);
    expect(within(nav).getByRole("button", { name: /Toutes les boîtes/ }).getAttribute("aria-current")).toBe("true");
    // No folder tree of one account, no sign-out of an account not on screen.
    expect(screen.queryByRole("tree")).toBeNull();
    expect(screen.queryByRole("button", { name: "Se déconnecter" })).toBeNull();
    expect(screen.getByRole("heading", { name: "Toutes les boîtes de réception" })).toBeTruthy();
    // The search reads one account's copy: not offered here.
    expect(screen.queryByRole("searchbox")).toBeNull();
  });

  test("opening a line reads it through its own account, and its actions go through it", async () => {
    const { api, other } = await twoAccounts(switcher({ unified: true, shownId: null }));
    fireEvent.click(await screen.findByRole("row", { name: /Réunion parents-professeurs/ }));
    await screen.findByRole("heading", { name: "Réunion parents-professeurs (école B)", level: 2 });
    const ops = api.calls.filter((c) => c.op === "showAccount" || c.op === "read").map((c) => [c.op, ...c.args]);
    expect(ops).toEqual([
      ["showAccount", schoolB.id],
      ["read", other],
    ]);
    fireEvent.keyDown(document.body, { key: "Delete" });
    await waitFor(() => expect(api.calls.some((c) => c.op === "trash")).toBe(true));
    const last = api.calls.filter((c) => c.op === "showAccount" || c.op === "trash").slice(-2);
    expect(last.map((c) => [c.op, ...c.args])).toEqual([
      ["showAccount", schoolB.id],
      ["trash", [other]],
    ]);
  });

  test("has no serious or critical axe-core violation", async () => {
    await twoAccounts(switcher({ unified: true, shownId: null }));
    await screen.findByRole("row", { name: /Réunion parents-professeurs/ });
    const results = await axe.run(document.body, { rules: { "color-contrast": { enabled: false } } });
    expect(results.violations.filter((v) => v.impact === "serious" || v.impact === "critical")).toEqual([]);
  });
});

describe("events of several accounts", () => {
  test("another account's new mail is notified with its account and leaves the list alone", async () => {
    const api = new FixtureApi();
    const store = new MailboxStore(api, initialState, { accountId: FixtureApi.OWN_ID });
    store.start();
    await vi.waitFor(() => expect(store.getState().listings.inbox?.length).toBeGreaterThan(0));
    const message = store.getState().summaries["m-conseil"];
    if (!message) throw new Error("the fixture's inbox has m-conseil");
    const lists = api.count("list");
    const focus = vi.spyOn(document, "hasFocus").mockReturnValue(true);
    api.emit({ kind: "newMail", messages: [message], account: schoolB.id } as never);
    api.emit({ kind: "messagesChanged", ids: ["x"], account: schoolB.id } as never);
    expect(api.calls.filter((c) => c.op === "notifyNewMail").map((c) => c.args)).toEqual([[["m-conseil"], schoolB.id]]);
    await Promise.resolve();
    expect(api.count("list")).toBe(lists);
    focus.mockRestore();
    store.stop();
  });

  test("a click on another account's notification shows that account", async () => {
    const api = new FixtureApi();
    const onOpenInAccount = vi.fn();
    const store = new MailboxStore(api, initialState, { accountId: FixtureApi.OWN_ID, onOpenInAccount });
    store.start();
    api.emit({ kind: "openMessage", id: "m-b", account: schoolB.id } as never);
    expect(onOpenInAccount).toHaveBeenCalledWith(schoolB.id, "m-b");
    store.stop();
  });
});

test("« Ajouter un compte » is the sign-in screen with a way back to the open accounts", () => {
  const onBack = vi.fn();
  render(<SignIn api={new FixtureApi()} onSignedIn={vi.fn()} onBack={onBack} />);
  expect(screen.getByRole("heading", { name: "Ajouter un compte" })).toBeTruthy();
  fireEvent.click(screen.getByRole("button", { name: "Revenir à la messagerie" }));
  expect(onBack).toHaveBeenCalled();
  expect(screen.getByRole("button", { name: "Essayer la démo" })).toBeTruthy();
});
