import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, test, vi } from "vitest";
import { FixtureApi, people } from "../mailbox/fixtures";
import { Mailbox } from "../mailbox/Mailbox";
import type { PrintApi } from "./api";

afterEach(() => cleanup());

function printSpy(handled = true) {
  const printDocument = vi.fn<PrintApi["printDocument"]>(() => Promise.resolve(handled));
  return { printDocument };
}

async function openMessage(print?: PrintApi) {
  render(<Mailbox api={new FixtureApi()} print={print} />);
  fireEvent.click(await screen.findByRole("row", { name: /Conseil de classe de 6A/ }));
  return screen.findByRole("article", { name: /Conseil de classe de 6A/ });
}

describe("« Imprimer »", () => {
  test("the button prints the open message's print view in the window's language", async () => {
    const print = printSpy();
    const pane = await openMessage(print);
    fireEvent.click(within(pane).getByRole("button", { name: "Imprimer" }));
    await waitFor(() => expect(print.printDocument).toHaveBeenCalledTimes(1));
    const [title, lang, html] = print.printDocument.mock.calls[0] ?? [];
    expect(title).toMatch(/Conseil de classe de 6A/);
    expect(lang).toBe("fr");
    expect(html).toContain("<table class=\"print-headers\">");
    expect(html).toMatch(/<th scope="row">Objet<\/th><td>[^<]*Conseil de classe de 6A/);
  });

  test("Ctrl+P prints the open message too", async () => {
    const print = printSpy();
    await openMessage(print);
    fireEvent.keyDown(document.body, { key: "p", ctrlKey: true });
    await waitFor(() => expect(print.printDocument).toHaveBeenCalledTimes(1));
  });

  test("without a message open, Ctrl+P prints nothing; without a printer API, no button", async () => {
    const print = printSpy();
    render(<Mailbox api={new FixtureApi()} print={print} />);
    await screen.findByRole("row", { name: /Conseil de classe de 6A/ });
    fireEvent.keyDown(document.body, { key: "p", ctrlKey: true });
    cleanup();
    const pane = await openMessage();
    expect(within(pane).queryByRole("button", { name: "Imprimer" })).toBeNull();
    expect(print.printDocument).not.toHaveBeenCalled();
  });

  test("by conversation, the whole conversation is printed, oldest first", async () => {
    const print = printSpy();
    const api = new FixtureApi();
    render(<Mailbox api={api} print={print} byConversation />);
    await screen.findByRole("row", { name: /Conseil de classe de 6A/ });
    api.deliver("Re : Conseil de classe de 6A", people.martin, undefined, "m-conseil");
    fireEvent.click(await screen.findByRole("row", { name: /Re : Conseil de classe de 6A/ }));
    const pane = await screen.findByRole("article", { name: /Re : Conseil de classe de 6A/ });
    fireEvent.click(within(pane).getByRole("button", { name: "Imprimer" }));
    await waitFor(() => expect(print.printDocument).toHaveBeenCalledTimes(1));
    const html = print.printDocument.mock.calls[0]?.[2] ?? "";
    const first = html.indexOf("17 h 30");
    const answer = html.indexOf("<p>Re : Conseil de classe de 6A</p>");
    expect(first).toBeGreaterThan(0);
    expect(answer).toBeGreaterThan(first);
  });

  test("the ENT's own images of every message of a conversation are printed inlined, never by address", async () => {
    const print = printSpy();
    const api = new FixtureApi();
    render(<Mailbox api={api} print={print} byConversation />);
    await screen.findByRole("row", { name: /Conseil de classe de 6A/ });
    const image = (n: number) => `<p>Plan ${n}</p><img class="custom-image" src="/workspace/document/doc-${n}?timestamp=1">`;
    const first = api.deliver("Sortie au musée", people.martin, image(1));
    api.deliver("Re : Sortie au musée", people.martin, image(2), first);
    fireEvent.click(await screen.findByRole("row", { name: /Sortie au musée/ }));
    const pane = await screen.findByRole("article", { name: /Sortie au musée/ });
    fireEvent.click(within(pane).getByRole("button", { name: "Imprimer" }));
    await waitFor(() => expect(print.printDocument).toHaveBeenCalledTimes(1));
    const html = print.printDocument.mock.calls[0]?.[2] ?? "";
    expect(html).toContain("Plan 1");
    expect(html).toContain("Plan 2");
    expect(html.match(/<img[^>]*src="data:image\/gif/g)).toHaveLength(2);
    expect(html).not.toContain("/workspace/");
  });
});
