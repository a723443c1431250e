import { render, screen, waitFor } from "@testing-library/react";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, expect, test } from "vitest";
import { App } from "./App";

afterEach(() => clearMocks());

test("without a remembered account the window opens on the sign-in screen with the last address", async () => {
  mockIPC((cmd) =>
    cmd === "startup" ? { kind: "signIn", entUrl: "https://ent.exemple.fr", failure: null } : undefined,
  );
  render(<App />);
  const address = await screen.findByLabelText("Adresse de l'ENT");
  expect((address as HTMLInputElement).value).toBe("https://ent.exemple.fr");
});

test("launched again with --demo while the sign-in screen shows: into the demo", async () => {
  const { emit } = await import("@tauri-apps/api/event");
  const calls: { cmd: string; args: unknown }[] = [];
  mockIPC(
    (cmd, args) => {
      calls.push({ cmd, args });
      if (cmd === "startup") return { kind: "signIn", entUrl: null, failure: null };
      if (cmd === "start_demo") return { kind: "failed", error: { kind: "other", message: "test" } };
      return undefined;
    },
    { shouldMockEvents: true },
  );
  render(<App />);
  await screen.findByLabelText("Adresse de l'ENT");

  // `listen` registers asynchronously after the form is drawn: an event emitted before that is
  // lost (a busy machine showed it), so the second launch is sent again until the window takes it.
  await waitFor(
    async () => {
      await emit("launched-again", { demo: true });
      expect(calls.find((c) => c.cmd === "start_demo")?.args).toEqual({ role: "teacher" });
    },
    { timeout: 5000 },
  );
});

test("with two accounts: « Ajouter un compte » keeps them (« Revenir »), a line of the switcher shows its account", async () => {
  const { cleanup, fireEvent } = await import("@testing-library/react");
  const account = (id: string, host: string) => ({
    id,
    entUrl: `https://${host}`,
    login: "marie.durand",
    displayName: "DURAND Marie",
    profile: "Teacher",
    demo: false,
  });
  const a = account("ent.ecole-a.fr_marie.durand", "ent.ecole-a.fr");
  const b = account("ent.ecole-b.fr_marie.durand", "ent.ecole-b.fr");
  let shown = a;
  const calls: { cmd: string; args: unknown }[] = [];
  mockIPC((cmd, args) => {
    calls.push({ cmd, args });
    switch (cmd) {
      case "startup":
        return { kind: "signedIn", account: a };
      case "account":
        return shown;
      case "accounts":
        return [
          { account: a, inboxUnread: 2, shown: shown.id === a.id },
          { account: b, inboxUnread: 1, shown: shown.id === b.id },
        ];
      case "show_account":
        shown = (args as { id: string }).id === b.id ? b : a;
        return shown;
      case "folders":
      case "list":
      case "pending_message_ids":
      case "scheduled_messages":
        return [];
      case "max_folder_depth":
        return 3;
      default:
        return null;
    }
  }, { shouldMockEvents: true });
  render(<App />);
  const lineB = await screen.findByRole("button", { name: /ent\.ecole-b\.fr, 1 message non lu/ });

  fireEvent.click(screen.getByRole("button", { name: "Ajouter un compte" }));
  await screen.findByRole("heading", { name: "Ajouter un compte" });
  expect(calls.some((c) => c.cmd === "sign_out")).toBe(false);
  fireEvent.click(screen.getByRole("button", { name: "Revenir à la messagerie" }));

  fireEvent.click(await screen.findByRole("button", { name: /ent\.ecole-b\.fr, 1 message non lu/ }));
  await waitFor(() =>
    expect(screen.getByRole("button", { name: /ent\.ecole-b\.fr/ }).getAttribute("aria-current")).toBe("true"),
  );
  expect(calls.filter((c) => c.cmd === "show_account").map((c) => c.args)).toEqual([{ id: b.id }]);
  expect(lineB).toBeTruthy();
  // Unmounted while the IPC mocks (and their event listeners) are still there.
  cleanup();
});
