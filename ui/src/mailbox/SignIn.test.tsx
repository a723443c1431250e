import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, test, vi } from "vitest";
import { FixtureApi } from "./fixtures";
import { SignIn } from "./SignIn";
import type { CommandErrorKind } from "../bindings/CommandErrorKind";
import type { AccountInfo } from "../bindings/AccountInfo";

afterEach(() => cleanup());

function renderSignIn(api = new FixtureApi()) {
  const signedIn: AccountInfo[] = [];
  render(<SignIn api={api} onSignedIn={(a) => signedIn.push(a)} />);
  return { api, signedIn };
}

function fill(address: string, login: string, password: string) {
  fireEvent.change(screen.getByLabelText("Adresse de l'ENT"), { target: { value: address } });
  fireEvent.change(screen.getByLabelText("Identifiant"), { target: { value: login } });
  fireEvent.change(screen.getByLabelText("Mot de passe"), { target: { value: password } });
}

describe("SignIn", () => {
  test("signs in with address, login and password, and says whether to remember", async () => {
    const { api, signedIn } = renderSignIn();
    fill("https://demo.college-jean-moulin.fr", "marie.durand", "secret-123");
    fireEvent.click(screen.getByRole("checkbox", { name: "Se souvenir de moi" }));
    fireEvent.click(screen.getByRole("button", { name: "Se connecter" }));
    await vi.waitFor(() => expect(signedIn).toHaveLength(1));
    expect(api.calls.find((c) => c.op === "signIn")?.args).toEqual([
      { entUrl: "https://demo.college-jean-moulin.fr", login: "marie.durand", remember: true },
    ]);
    expect(JSON.stringify(api.calls)).not.toContain("secret-123");
  });

  const expected: [CommandErrorKind, string][] = [
    ["badCredentials", "Identifiant ou mot de passe incorrect."],
    ["offline", "Le serveur de l'ENT ne répond pas. Vérifiez l'adresse et votre connexion à Internet."],
    ["badAnswer", "Cette adresse ne correspond pas à un ENT connu."],
    ["certificate", "Le certificat de sécurité du serveur n'est pas valide : la connexion a été refusée."],
  ];

  test.each(expected)("a %s failure has its own message", async (kind, message) => {
    const api = new FixtureApi();
    api.signInFailure = kind;
    const { signedIn } = renderSignIn(api);
    fill("https://ent.example.fr", "hugo.leroy", "mauvais");
    fireEvent.click(screen.getByRole("button", { name: "Se connecter" }));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toBe(message);
    expect(alert.getAttribute("data-kind")).toBe(kind);
    expect(signedIn).toHaveLength(0);
  });

  test("the four failure messages are all different", () => {
    expect(new Set(expected.map(([, m]) => m)).size).toBe(4);
  });

  test("the ENT's own page needs the address first", async () => {
    const { api, signedIn } = renderSignIn();
    fireEvent.click(screen.getByRole("button", { name: "Se connecter avec la page de l'ENT" }));
    expect(screen.getByRole("alert").textContent).toBe("Indiquez l'adresse de l'ENT.");
    expect(api.count("signInWithEntPage")).toBe(0);
    fireEvent.change(screen.getByLabelText("Adresse de l'ENT"), { target: { value: "https://ent.example.fr" } });
    fireEvent.click(screen.getByRole("button", { name: "Se connecter avec la page de l'ENT" }));
    await vi.waitFor(() => expect(signedIn).toHaveLength(1));
    expect(api.calls.find((c) => c.op === "signInWithEntPage")?.args).toEqual(["https://ent.example.fr"]);
  });

  test("« Options avancées » passes the ENT's connector to the sign-in through the ENT's page", async () => {
    const { api, signedIn } = renderSignIn();
    fireEvent.change(screen.getByLabelText("Adresse de l'ENT"), { target: { value: "https://ent.example.fr" } });
    fireEvent.click(screen.getByText("Options avancées"));
    fireEvent.change(screen.getByLabelText("Identifiant du connecteur"), { target: { value: " messagerie-desktop " } });
    fireEvent.change(screen.getByLabelText("Secret du connecteur"), { target: { value: "s3cret" } });
    fireEvent.click(screen.getByRole("button", { name: "Se connecter avec la page de l'ENT" }));
    await vi.waitFor(() => expect(signedIn).toHaveLength(1));
    expect(api.calls.find((c) => c.op === "signInWithEntPage")?.args).toEqual([
      "https://ent.example.fr",
      "messagerie-desktop",
    ]);
    expect(JSON.stringify(api.calls)).not.toContain("s3cret");
  });

  test("the demo lets the person pick a teacher, a pupil or a parent", async () => {
    const { api, signedIn } = renderSignIn();
    fireEvent.click(screen.getByRole("button", { name: "Essayer la démo" }));
    const choice = screen.getByRole("group", { name: /Collège Jean Moulin/ });
    expect(within(choice).getAllByRole("button").map((b) => b.textContent)).toEqual([
      "Enseignant",
      "Élève",
      "Parent",
    ]);
    fireEvent.click(within(choice).getByRole("button", { name: "Élève" }));
    await vi.waitFor(() => expect(signedIn).toHaveLength(1));
    expect(signedIn[0]?.displayName).toBe("LEROY Hugo");
    expect(api.calls.find((c) => c.op === "startDemo")?.args).toEqual(["pupil"]);
  });

  test("a backend that throws still ends in a message, not a stuck form", async () => {
    const api = new FixtureApi();
    api.signIn = () => Promise.reject({ kind: "internal", message: "le trousseau est verrouillé" });
    renderSignIn(api);
    fill("https://ent.example.fr", "x", "y");
    fireEvent.click(screen.getByRole("button", { name: "Se connecter" }));
    expect((await screen.findByRole("alert")).textContent).toBe(
      "La connexion a échoué : le trousseau est verrouillé",
    );
    expect(screen.getByRole("button", { name: "Se connecter" })).toHaveProperty("disabled", false);
  });

  test("English can be chosen", () => {
    renderSignIn();
    fireEvent.change(screen.getByRole("combobox", { name: "Langue" }), { target: { value: "en" } });
    expect(screen.getByRole("button", { name: "Sign in" })).toBeTruthy();
    expect(screen.getByLabelText("ENT address")).toBeTruthy();
  });
});
