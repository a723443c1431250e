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
