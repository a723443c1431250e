import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, test } from "vitest";
import { FixtureApi } from "./fixtures";
import { Mailbox } from "./Mailbox";

afterEach(cleanup);

async function renderMailbox(api: FixtureApi) {
  render(<Mailbox api={api} />);
  await screen.findByRole("row", { name: /Conseil de classe de 6A/ });
  return api;
}

describe("sign-out", () => {
  test("erasing the local copy names the unsent messages it would lose", async () => {
    const api = new FixtureApi();
    api.unsent = { messages: 2, drafts: 1 };
    await renderMailbox(api);
    fireEvent.click(screen.getByRole("button", { name: "Se déconnecter" }));
    const dialog = screen.getByRole("dialog", { name: "Se déconnecter" });
    expect(within(dialog).queryByRole("alert")).toBeNull();

    fireEvent.click(within(dialog).getByRole("checkbox", { name: /Effacer la copie locale/ }));

    const warning = await within(dialog).findByRole("alert");
    expect(warning.textContent).toContain("2 messages non envoyés");
    expect(warning.textContent).toContain("1 brouillon pas encore enregistré sur l'ENT");
    fireEvent.click(within(dialog).getByRole("button", { name: "Se déconnecter et tout effacer" }));
    await waitFor(() =>
      expect(api.calls.find((c) => c.op === "signOut")?.args).toEqual([{ eraseLocalCopy: true }]),
    );
  });

  test("nothing to lose, no warning", async () => {
    const api = await renderMailbox(new FixtureApi());
    fireEvent.click(screen.getByRole("button", { name: "Se déconnecter" }));
    const dialog = screen.getByRole("dialog", { name: "Se déconnecter" });
    fireEvent.click(within(dialog).getByRole("checkbox", { name: /Effacer la copie locale/ }));
    await waitFor(() => expect(api.calls.map((c) => c.op)).toContain("unsentWork"));
    expect(within(dialog).queryByRole("alert")).toBeNull();
  });
});

describe("account notices", () => {
  test("a password no keyring could keep is said", async () => {
    const api = new FixtureApi();
    api.accountNotes = { remembered: "no", signedInWith: "password" };
    await renderMailbox(api);
    const notice = await screen.findByTestId("notice-password");
    expect(notice.textContent).toContain("Impossible d'enregistrer le mot de passe : aucun trousseau disponible");
    fireEvent.click(within(notice).getByRole("button"));
    expect(screen.queryByTestId("notice-password")).toBeNull();
  });

  test("after a sign-in on the ENT's page, the session no keyring could keep is said, not a password", async () => {
    const api = new FixtureApi();
    api.accountNotes = { remembered: "no", signedInWith: "entPage" };
    await renderMailbox(api);
    const notice = await screen.findByTestId("notice-password");
    expect(notice.textContent).toContain(
      "Impossible de garder la session : aucun trousseau disponible ; il faudra se reconnecter au prochain démarrage",
    );
    expect(notice.textContent).not.toContain("mot de passe");
  });

  test("after a sign-in on the ENT's page, a session kept only until the computer restarts is said", async () => {
    const api = new FixtureApi();
    api.accountNotes = { remembered: "untilRestart", signedInWith: "entPage" };
    await renderMailbox(api);
    const notice = await screen.findByTestId("notice-password");
    expect(notice.textContent).toContain("La session n'est gardée que jusqu'au redémarrage");
  });

  test("a damaged local copy replaced is said, with the damaged file and the kept actions", async () => {
    const api = new FixtureApi();
    api.accountNotes = { storeRecovery: { damagedFile: "/home/u/mailbox.sqlite.damaged-1", recoveredActions: 3 } };
    await renderMailbox(api);
    const notice = await screen.findByTestId("notice-store");
    expect(notice.textContent).toContain("/home/u/mailbox.sqlite.damaged-1");
    expect(notice.textContent).toContain("(3) ont été conservées");
  });
});
