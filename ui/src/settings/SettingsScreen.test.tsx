import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { useState } from "react";
import { afterEach, expect, test, vi } from "vitest";
import { I18nProvider } from "../i18n/i18n";
import { FixtureApi } from "../mailbox/fixtures";
import { Mailbox } from "../mailbox/Mailbox";
import type { Settings } from "../bindings/Settings";
import { applyTheme, DEFAULT_SETTINGS, type SettingsApi } from "./api";
import { SettingsScreen } from "./SettingsScreen";

afterEach(() => cleanup());

class FakeSettings implements SettingsApi {
  saved: Settings[] = [];
  forgotten = 0;
  fail = false;
  settings(): Promise<Settings> {
    return Promise.resolve(DEFAULT_SETTINGS);
  }
  saveSettings(settings: Settings): Promise<Settings> {
    if (this.fail) return Promise.reject({ kind: "storage", message: "disk full" });
    this.saved.push(settings);
    return Promise.resolve(settings);
  }
  forgetPassword(): Promise<void> {
    this.forgotten += 1;
    return Promise.resolve();
  }
}

function Screen({ api, onClose = () => undefined }: { api: FakeSettings; onClose?: () => void }) {
  const [settings, setSettings] = useState(DEFAULT_SETTINGS);
  const backend = Object.assign(new FixtureApi(), {
    settings: () => api.settings(),
    saveSettings: (s: Settings) => api.saveSettings(s),
    forgetPassword: () => api.forgetPassword(),
  });
  return (
    <I18nProvider locale={settings.language}>
      <SettingsScreen
        api={backend}
        settings={settings}
        onChange={setSettings}
        onClose={onClose}
        onSignedOut={() => undefined}
      />
    </I18nProvider>
  );
}

test("a ticked box is saved at once, the other settings unchanged", async () => {
  const api = new FakeSettings();
  render(<Screen api={api} />);
  fireEvent.click(screen.getByLabelText("Afficher l'expéditeur, l'objet et la première ligne"));
  await waitFor(() => expect(api.saved).toHaveLength(1));
  expect(api.saved[0]).toEqual({ ...DEFAULT_SETTINGS, notificationPreview: false });
});

test("quiet hours: turned on with the suggestion, then a day of the week", async () => {
  const api = new FakeSettings();
  render(<Screen api={api} />);
  const start = screen.getByTestId("settings-quiet-start") as HTMLInputElement;
  expect(start.disabled).toBe(true);
  fireEvent.click(screen.getByLabelText("Ne pas m'avertir pendant la plage de déconnexion"));
  await waitFor(() => expect(start.disabled).toBe(false));
  expect(start.value).toBe("19:00");
  fireEvent.click(screen.getByLabelText("mercredi"));
  await waitFor(() => expect(api.saved).toHaveLength(2));
  expect(api.saved[1]?.quietHours).toEqual({
    enabled: true,
    start: "19:00",
    end: "07:30",
    wholeDays: ["wednesday", "saturday", "sunday"],
  });
});

test("the language changes the screen at once", async () => {
  const api = new FakeSettings();
  render(<Screen api={api} />);
  fireEvent.change(screen.getByLabelText("Langue"), { target: { value: "en" } });
  await screen.findByRole("heading", { name: "Settings" });
  expect(api.saved[0]?.language).toBe("en");
});

test("a setting the backend could not save goes back and says why", async () => {
  const api = new FakeSettings();
  api.fail = true;
  render(<Screen api={api} />);
  const box = screen.getByLabelText("Jouer un son") as HTMLInputElement;
  fireEvent.click(box);
  await screen.findByRole("alert");
  expect(box.checked).toBe(true);
});

test("Escape closes the screen; « Oublier le mot de passe » asks the backend", async () => {
  const api = new FakeSettings();
  const onClose = vi.fn();
  render(<Screen api={api} onClose={onClose} />);
  fireEvent.click(screen.getByRole("button", { name: "Oublier le mot de passe" }));
  await waitFor(() => expect(api.forgotten).toBe(1));
  fireEvent.keyDown(screen.getByRole("dialog"), { key: "Escape" });
  expect(onClose).toHaveBeenCalledOnce();
});

test("the theme sets data-theme on <html>, and none for the system's", () => {
  const root = document.createElement("html");
  applyTheme("dark", root);
  expect(root.getAttribute("data-theme")).toBe("dark");
  applyTheme("light", root);
  expect(root.getAttribute("data-theme")).toBe("light");
  applyTheme("system", root);
  expect(root.hasAttribute("data-theme")).toBe(false);
});

test("Ctrl+, and the « Paramètres » button open the settings from the mailbox", async () => {
  const onOpenSettings = vi.fn();
  render(<Mailbox api={new FixtureApi()} onOpenSettings={onOpenSettings} />);
  await screen.findByRole("row", { name: /Conseil de classe de 6A/ });
  fireEvent.keyDown(document.body, { key: ",", ctrlKey: true });
  expect(onOpenSettings).toHaveBeenCalledTimes(1);
  fireEvent.click(screen.getByRole("button", { name: "Paramètres" }));
  expect(onOpenSettings).toHaveBeenCalledTimes(2);
});
