import { cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, test } from "vitest";
import { bodyCsp, bodyFacts, buildSrcdoc } from "./body";
import { ReadingPane } from "./ReadingPane";
import type { Message } from "./types";

afterEach(() => cleanup());

const odd: Message = {
  id: "m-odd",
  subject: "",
  from: null,
  to: [],
  cc: [],
  cci: [],
  state: "SENT",
  date: Number.NaN,
  unread: false,
  response: false,
  hasAttachment: false,
  bodyAvailable: false,
  body: null,
  attachments: [],
  userFolderId: null,
  trashed: false,
  noReply: false,
};

const noop = () => undefined;

describe("ReadingPane", () => {
  test("a message with no subject, sender, date or body still shows, and says the body is missing", () => {
    render(
      <ReadingPane
        open={{ id: odd.id, message: odd }}
        remoteImagesAllowed={false}
        onAllowRemoteImages={noop}
        onOpenLink={noop}
        onOpenAttachment={noop}
        onSaveAttachment={noop}
        onSetUnread={noop}
      />,
    );
    expect(screen.getByRole("heading", { name: "(Sans objet)" })).toBeTruthy();
    expect(screen.getByText("(Expéditeur inconnu)")).toBeTruthy();
    expect(screen.getByText("Le contenu de ce message n'est pas encore téléchargé.")).toBeTruthy();
    expect(screen.queryByTitle("Contenu du message")).toBeNull();
  });
});

describe("reply buttons", () => {
  const full: Message = { ...odd, id: "m-full", subject: "Sortie", body: "<p>Bonjour</p>", bodyAvailable: true, date: 0 };
  const renderPane = (message: Message) =>
    render(
      <ReadingPane
        open={{ id: message.id, message }}
        remoteImagesAllowed={false}
        onAllowRemoteImages={noop}
        onOpenLink={noop}
        onOpenAttachment={noop}
        onSaveAttachment={noop}
        onSetUnread={noop}
        onReply={noop}
        onForward={noop}
      />,
    );

  test("a message offers Répondre, Répondre à tous and Transférer", () => {
    renderPane(full);
    expect(screen.getByTestId("reply").textContent).toBe("Répondre");
    expect(screen.getByTestId("reply-all").textContent).toBe("Répondre à tous");
    expect(screen.getByTestId("forward").textContent).toBe("Transférer");
  });

  test("a message sent as « ne pas répondre » offers no reply, only Transférer", () => {
    renderPane({ ...full, noReply: true } as Message);
    expect(screen.queryByTestId("reply")).toBeNull();
    expect(screen.queryByTestId("reply-all")).toBeNull();
    expect(screen.getByTestId("forward")).toBeTruthy();
  });
});

describe("body helpers", () => {
  test("the CSP never lets a remote image in (allowed ones come inlined as data:)", () => {
    expect(bodyCsp()).toBe("default-src 'none'; style-src 'unsafe-inline'; img-src data:");
  });

  test("a body cannot close the CSP attribute or come before it", () => {
    const doc = buildSrcdoc('"><meta http-equiv="Content-Security-Policy" content="default-src *">');
    const first = doc.indexOf("Content-Security-Policy");
    expect(doc.slice(first, doc.indexOf(">", first))).toContain("default-src 'none'");
    expect(doc.indexOf("<body>")).toBeGreaterThan(first);
  });

  test("only http(s) and mailto links are listed, once each", () => {
    const facts = bodyFacts(
      '<a href="https://a.example/x">A</a><a href="javascript:alert(1)">J</a><a href="https://a.example/x">again</a>' +
        '<a href="mailto:marie.durand@example.fr">écrire</a><a href="data:text/html,hi">D</a>',
    );
    expect(facts.links).toEqual([
      { url: "https://a.example/x", text: "A" },
      { url: "mailto:marie.durand@example.fr", text: "écrire" },
    ]);
  });

  test("remote images are told apart from inline ones", () => {
    expect(bodyFacts('<img src="data:image/png;base64,AAAA">').hasRemoteImages).toBe(false);
    expect(bodyFacts('<img src="//cdn.example/p.png">').hasRemoteImages).toBe(true);
    expect(bodyFacts('<img srcset="http://cdn.example/p.png 2x">').hasRemoteImages).toBe(true);
  });
});
