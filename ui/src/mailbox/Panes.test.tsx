import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, test } from "vitest";
import { FixtureApi } from "./fixtures";
import { Mailbox } from "./Mailbox";
import { clampWidth, LIMITS } from "./Panes";

afterEach(() => {
  cleanup();
});

async function renderMailbox(api = new FixtureApi()) {
  render(<Mailbox api={api} />);
  await screen.findByRole("row", { name: /Conseil de classe de 6A/ });
  return api;
}

const panes = () => document.querySelector(".mbx-panes") as HTMLElement;

describe("resizable panes", () => {
  test("the folder pane's splitter moves with the keyboard and the width is remembered", async () => {
    const api = await renderMailbox();
    const splitter = screen.getByRole("separator", { name: "Largeur du volet des dossiers" });
    const before = Number(splitter.getAttribute("aria-valuenow"));

    splitter.focus();
    fireEvent.keyDown(splitter, { key: "ArrowRight" });
    fireEvent.keyDown(splitter, { key: "ArrowRight", shiftKey: true });

    await waitFor(() => expect(api.panes?.folders).toBe(before + 16 + 64));
    expect(Number(splitter.getAttribute("aria-valuenow"))).toBe(before + 80);
    expect(panes().style.gridTemplateColumns.startsWith(`${before + 80}px`)).toBe(true);
  });

  test("the list's splitter moves with the mouse and stops at its limit", async () => {
    const api = await renderMailbox();
    const splitter = screen.getByRole("separator", { name: "Largeur de la liste des messages" });
    const before = Number(splitter.getAttribute("aria-valuenow"));

    fireEvent.pointerDown(splitter, { button: 0, clientX: 500, pointerId: 1 });
    fireEvent.pointerMove(splitter, { clientX: 560, pointerId: 1 });
    fireEvent.pointerUp(splitter, { clientX: 540, pointerId: 1 });
    await waitFor(() => expect(api.panes?.list).toBe(before + 40));

    fireEvent.keyDown(splitter, { key: "End" });
    await waitFor(() => expect(api.panes?.list).toBe(LIMITS.list[1]));
  });

  test("the next start opens with the remembered widths", async () => {
    const api = new FixtureApi();
    api.panes = { folders: 300, list: 520 };
    await renderMailbox(api);
    await waitFor(() => expect(panes().style.gridTemplateColumns).toBe("300px auto 520px auto minmax(360px, 1fr)"));
  });

  test("a pane never takes the reading pane's share", () => {
    expect(clampWidth("list", 5000, 250, 1200)).toBe(1200 - 250 - 360 - 12);
    expect(clampWidth("folders", 10, 400, 1200)).toBe(LIMITS.folders[0]);
  });
});
