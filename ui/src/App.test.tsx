import { render, screen } from "@testing-library/react";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, expect, test } from "vitest";
import { App } from "./App";

afterEach(() => clearMocks());

test("shows the app's name and the version the backend reports", async () => {
  mockIPC((cmd) => (cmd === "app_info" ? { name: "Messagerie", version: "9.9.9" } : undefined));
  render(<App />);
  expect(screen.getByRole("heading", { name: "Messagerie" })).toBeTruthy();
  expect((await screen.findByTestId("version")).textContent).toBe("Messagerie 9.9.9");
});
