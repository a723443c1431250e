import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, test } from "vitest";
import { FixtureApi, people } from "./fixtures";
import { Mailbox } from "./Mailbox";

afterEach(cleanup);

describe("« Afficher par conversation »", () => {
  test("an answer joins its conversation's line, which opens on the latest with the older one folded", async () => {
    // Arrange: the principal answers her own « Conseil de classe de 6A » in its thread.
    const api = new FixtureApi();
    render(<Mailbox api={api} byConversation />);
    await screen.findByRole("row", { name: /Conseil de classe de 6A/ });
    const before = screen.getAllByRole("row").length;
    api.deliver("Re : Conseil de classe de 6A", people.martin, undefined, "m-conseil");

    // Act
    const line = await screen.findByRole("row", { name: /Re : Conseil de classe de 6A/ });

    // Assert: one line for both, with their count; the original has no line of its own.
    expect(screen.getAllByRole("row")).toHaveLength(before);
    expect(screen.queryByRole("row", { name: /^(?!.*Re :).*Conseil de classe de 6A/ })).toBeNull();
    expect(within(line).getByLabelText("2 messages dans la conversation").textContent).toBe("2");
    fireEvent.click(line);
    const thread = await screen.findByRole("region", { name: "Conversation de 2 messages" });
    const older = within(thread).getByTestId("thread-message");
    expect(older.textContent).toContain("MARTIN Sophie");
    expect(older.querySelector("iframe")).toBeNull();
    expect(api.count("read")).toBe(1);

    // Act: unfolding the older one reads it and shows its body.
    const details = older.querySelector("details") as HTMLDetailsElement;
    details.open = true;
    fireEvent(details, new Event("toggle"));

    // Assert
    await waitFor(() => expect(older.querySelector("iframe")?.getAttribute("srcdoc")).toContain("17 h 30"));
    expect(api.count("read")).toBe(2);
  });

  test("a conversation ticked and deleted goes to the trash whole", async () => {
    const api = new FixtureApi();
    render(<Mailbox api={api} byConversation />);
    await screen.findByRole("row", { name: /Conseil de classe de 6A/ });
    const answer = api.deliver("Re : Conseil de classe de 6A", people.martin, undefined, "m-conseil");
    const line = await screen.findByRole("row", { name: /Re : Conseil de classe de 6A/ });

    fireEvent.click(within(line).getByRole("checkbox"));
    fireEvent.click(await screen.findByRole("button", { name: "Supprimer" }));

    await waitFor(async () => {
      const trash = (await api.list("trash", 0, 50)).map((m) => m.id);
      expect(trash).toEqual(expect.arrayContaining([answer, "m-conseil"]));
    });
    expect(screen.queryByRole("row", { name: /Conseil de classe de 6A/ })).toBeNull();
  });

  test("off, the answer and the original are two lines", async () => {
    const api = new FixtureApi();
    render(<Mailbox api={api} />);
    await screen.findByRole("row", { name: /Conseil de classe de 6A/ });
    api.deliver("Re : Conseil de classe de 6A", people.martin, undefined, "m-conseil");
    await screen.findByRole("row", { name: /Re : Conseil de classe de 6A/ });
    expect(screen.getAllByRole("row", { name: /Conseil de classe de 6A/ })).toHaveLength(2);
    expect(screen.queryByRole("region", { name: /Conversation/ })).toBeNull();
  });
});
