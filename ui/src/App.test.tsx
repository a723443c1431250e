import { render, screen } from "@testing-library/react";
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
