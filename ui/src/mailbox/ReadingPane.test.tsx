import { act, cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, test, vi } from "vitest";
import { bodyCsp, buildSrcdoc, mediaStyle } from "./body";
import { ReadingPane, type ReadingPaneProps } from "./ReadingPane";
import { makeI18n } from "../i18n/i18n";
import type { DownloadProgress } from "../bindings/DownloadProgress";
import type { Attachment } from "../bindings/Attachment";
import type { Decision } from "../bindings/Decision";
import type { Message } from "../bindings/Message";
import type { OpenOutcome } from "../bindings/OpenOutcome";
import type { SafeBody } from "../bindings/SafeBody";
import type { ErrorKind } from "../bindings/ErrorKind";

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
  threadId: null,
  parentId: null,
  noReply: false,
};

const noop = () => undefined;
/**
 * The Rust side's answer for a body, in these tests: the HTML as given, no link, no image, and
 * the workspace documents given.
 */
const safe = (html: string | null, documents: Attachment[] = []): SafeBody | null =>
  html === null ? null : { html, remoteImages: false, links: [], entImages: false, documents };
const opened = () => Promise.resolve<OpenOutcome | null>({ kind: "opened" });
const saved = () => Promise.resolve();
/** The pane showing `open`, every handler doing nothing unless `props` gives it. */
const pane = (open: ReadingPaneProps["open"], props: Partial<ReadingPaneProps> = {}) => (
  <ReadingPane
    open={open}
    remoteImagesAllowed={false}
    onAllowRemoteImages={noop}
    onOpenLink={noop}
    onOpenAttachment={opened}
    onSaveAttachment={saved}
    onSetUnread={noop}
    {...props}
  />
);

describe("ReadingPane", () => {
  /** The odd message open with no body, and why the ENT did not give it, if it said. */
  const bodyless = (bodyError: ErrorKind | null = null) => pane({ id: odd.id, message: odd, body: null, bodyError });

  test("a message with no subject, sender, date or body still shows, and says the body is missing", () => {
    render(bodyless());
    expect(screen.getByRole("heading", { name: "(Sans objet)" })).toBeTruthy();
    expect(screen.getByText("(Expéditeur inconnu)")).toBeTruthy();
    expect(screen.getByText("Le contenu de ce message n'est pas encore téléchargé.")).toBeTruthy();
    expect(screen.queryByTitle("Contenu du message")).toBeNull();
  });

  test("a body the ENT would not give says why and where to read it; offline, that it comes later", () => {
    const { rerender } = render(bodyless("badAnswer"));
    expect(
      screen.getByText(
        "Le contenu de ce message n'a pas pu être téléchargé : l'ENT a répondu quelque chose d'illisible ; réessayez plus tard. Essayez de l'ouvrir sur l'ENT.",
      ),
    ).toBeTruthy();

    rerender(bodyless("offline"));
    expect(screen.getByText("Le contenu de ce message n'est pas encore téléchargé.")).toBeTruthy();
  });
});

describe("reply buttons", () => {
  const full: Message = { ...odd, id: "m-full", subject: "Sortie", body: "<p>Bonjour</p>", bodyAvailable: true, date: 0 };
  const renderPane = (message: Message) =>
    render(pane({ id: message.id, message, body: safe(message.body) }, { onReply: noop, onForward: noop }));

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
    const doc = buildSrcdoc('"><meta http-equiv="Content-Security-Policy" content="default-src *">', makeI18n("fr").t);
    const first = doc.indexOf("Content-Security-Policy");
    expect(doc.slice(first, doc.indexOf(">", first))).toContain("default-src 'none'");
    expect(doc.indexOf("<body>")).toBeGreaterThan(first);
  });
});

describe("a video, a sound or an embed the body cannot play", () => {
  // What crates/core/src/body.rs `media_placeholders` puts in their place.
  const body =
    '<span class="mbx-media mbx-media-video"></span>' +
    '<span class="mbx-media mbx-media-frame"><a href="https://www.youtube.com/embed/x">https://www.youtube.com/embed/x</a></span>';

  test.each([
    ["fr", "Vidéo : ", "Contenu intégré : ", "à voir dans ce message sur l'ENT"],
    ["en", "Video: ", "Embedded content: ", "to be seen in this message on the ENT"],
  ] as const)("is a labelled note in the frame, in %s", (locale, video, frame, onEnt) => {
    const doc = buildSrcdoc(body, makeI18n(locale).t);
    expect(doc).toContain(`.mbx-media-video::before{content:"${video}"}`);
    expect(doc).toContain(`.mbx-media-frame::before{content:"${frame}"}`);
    expect(doc).toContain(`.mbx-media:empty::after{content:"${onEnt}"}`);
    expect(doc).toContain(body);
  });

  test("a label cannot end its CSS string or the style sheet", () => {
    const style = mediaStyle(() => 'x"}</style><script>alert(1)</script>\\');
    expect(style).not.toContain("</style>");
    expect(style).toContain('content:"x\\"}\\3c /style>\\3c script>alert(1)\\3c /script>\\\\"');
  });
});

describe("attachments", () => {
  const withFile = (filename: string): Message => ({
    ...odd,
    id: "m-pj",
    subject: "Devoir",
    date: 0,
    attachments: [{ id: "a-1", filename, contentType: "application/octet-stream", size: 2048, cachedPath: null }],
  });
  const launcher: Decision = {
    verdict: "saveOnly",
    name: "devoir_fdp.desktop",
    extension: "desktop",
    detected: "application/x-desktop",
    mismatch: false,
    dangerous: true,
  };
  const renderPane = (
    message: Message,
    onOpenAttachment: (m: string, a: string, o: { insist?: boolean; onProgress?: (p: DownloadProgress) => void }) => Promise<OpenOutcome | null>,
    onSaveAttachment: (m: string, a: string, p?: (p: DownloadProgress) => void) => Promise<void> = saved,
    body: SafeBody | null = safe(message.body),
  ) => render(pane({ id: message.id, message, body }, { onOpenAttachment, onSaveAttachment }));

  test("a workspace document the body links is listed with the attachments and opened by its address", async () => {
    const path = "/workspace/document/7c3f1a2b-0000-4000-8000-000000000002";
    const open = vi.fn(() => Promise.resolve<OpenOutcome | null>({ kind: "opened" }));
    // As the core lists it (`SafeBody.documents`): its address for id, its size not known.
    const document = { id: path, filename: "programme.pdf", contentType: "application/octet-stream", size: 0, cachedPath: null };
    renderPane(withFile("autorisation.pdf"), open, saved, safe("<p>x</p>", [document]));
    const items = screen.getAllByTestId("received-attachment");
    expect(items.map((i) => i.querySelector(".mbx-attachment-name")?.textContent)).toEqual(["autorisation", "programme"]);
    // Its size is not known before it is fetched: none is shown rather than « 0 o ».
    expect(items[1]?.querySelector(".mbx-attachment-size")).toBeNull();
    fireEvent.click(within(items[1] as HTMLElement).getByRole("button", { name: /Ouvrir/ }));
    await waitFor(() => expect(open).toHaveBeenCalledWith("m-pj", path, expect.anything()));
  });

  test("a workspace video the body shows is listed by what it is until the ENT names it, and opened by its address", async () => {
    const path = "/workspace/document/7c3f1a2b-0000-4000-8000-000000000001";
    const open = vi.fn(() => Promise.resolve<OpenOutcome | null>({ kind: "opened" }));
    // As the core lists it (`media_placeholders`): no name before it is downloaded, its kind.
    const video = { id: path, filename: "", contentType: "video/*", size: 0, cachedPath: null };
    renderPane(
      withFile("autorisation.pdf"),
      open,
      saved,
      safe('<div class="video-wrapper"><span class="mbx-media mbx-media-video mbx-media-document"></span></div>', [video]),
    );
    const item = screen.getAllByTestId("received-attachment")[1] as HTMLElement;
    expect(item.querySelector(".mbx-attachment-name")?.textContent).toBe("Vidéo de l'espace documentaire");
    // No « sans extension » badge: it has no name yet, not a name without an extension.
    expect(within(item).queryByTestId("attachment-extension")).toBeNull();
    fireEvent.click(within(item).getByRole("button", { name: "Ouvrir Vidéo de l'espace documentaire" }));
    await waitFor(() => expect(open).toHaveBeenCalledWith("m-pj", path, expect.anything()));
  });

  test("a name with a right-to-left override shows its real extension apart", () => {
    renderPane(withFile("devoir_\u202Efdp.exe"), opened);

    const item = screen.getByTestId("received-attachment");
    expect(within(item).getByTestId("attachment-extension").textContent).toBe("EXE");
    expect(item.textContent).not.toContain("\u202E");
    expect(item.textContent).toContain("devoir_fdp");
  });

  test("a launcher is not opened: the window shows its real name and type and offers only to save it", async () => {
    const open = vi.fn(() => Promise.resolve<OpenOutcome | null>({ kind: "ask", decision: launcher }));
    const save = vi.fn(saved);
    renderPane(withFile("devoir_fdp.desktop"), open, save);

    fireEvent.click(screen.getByRole("button", { name: "Ouvrir devoir_fdp.desktop" }));

    const warning = await screen.findByTestId("attachment-warning");
    expect(warning.textContent).toContain("devoir_fdp.desktop");
    expect(within(warning).getByTestId("warning-extension").textContent).toBe("DESKTOP");
    expect(within(warning).getByTestId("warning-detected").textContent).toBe("application/x-desktop");
    expect(warning.textContent).toContain("ne l'ouvre jamais");
    expect(screen.queryByRole("button", { name: "Ouvrir quand même" })).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "Enregistrer sous…" }));
    await waitFor(() => expect(save).toHaveBeenCalledTimes(1));
    expect(open).toHaveBeenCalledTimes(1);
  });

  test("a document whose content does not match may be opened anyway, on the user's word", async () => {
    const decision: Decision = { ...launcher, verdict: "ask", name: "devoir.pdf", extension: "pdf", detected: "image/png", mismatch: true, dangerous: false };
    const open = vi.fn((_m: string, _a: string, o: { insist?: boolean }) =>
      Promise.resolve<OpenOutcome | null>(o.insist ? { kind: "opened" } : { kind: "ask", decision }),
    );
    renderPane(withFile("devoir.pdf"), open);

    fireEvent.click(screen.getByRole("button", { name: "Ouvrir devoir.pdf" }));
    expect((await screen.findByTestId("attachment-warning")).textContent).toContain("ne correspond pas");
    fireEvent.click(screen.getByRole("button", { name: "Ouvrir quand même" }));

    await waitFor(() => expect(open).toHaveBeenCalledTimes(2));
    expect(open.mock.calls[1]?.[2]).toMatchObject({ insist: true });
    expect(screen.queryByTestId("attachment-warning")).toBeNull();
  });

  test("a download shows its progress until it ends", async () => {
    let report: ((p: DownloadProgress) => void) | undefined;
    let finish: (o: OpenOutcome) => void = noop;
    renderPane(withFile("film.mp4"), (_m, _a, o) => {
      report = o.onProgress;
      return new Promise((resolve) => (finish = resolve));
    });

    fireEvent.click(screen.getByRole("button", { name: "Ouvrir film.mp4" }));
    act(() => report?.({ done: 512, total: 2048 }));

    const bar = screen.getByTestId("download-progress") as HTMLProgressElement;
    expect(bar.value).toBe(512);
    expect(bar.max).toBe(2048);
    await act(async () => finish({ kind: "opened" }));
    expect(screen.queryByTestId("download-progress")).toBeNull();
  });
});

describe("body facts come from the Rust side", () => {
  const message: Message = { ...odd, id: "m-links", subject: "Sortie", body: null, date: 0 };
  const renderWith = (body: SafeBody) => render(pane({ id: message.id, message, body }));

  test("the links listed are the core's, each shown by its real address", () => {
    // The HTML names a link the core did not list: only the core's list is shown.
    renderWith({
      html: '<a href="https://trompe.example">https://college.example</a>',
      remoteImages: false,
      entImages: false,
      links: ["https://college.example/sortie", "mailto:marie.durand@example.fr"],
      documents: [],
    });
    const list = within(screen.getByRole("navigation", { name: "Liens du message" }));
    expect(list.getAllByRole("button").map((b) => b.textContent)).toEqual([
      "https://college.example/sortie",
      "mailto:marie.durand@example.fr",
    ]);
  });

  test("the remote images notice follows the core's flag, not the HTML", () => {
    renderWith({ html: '<img src="https://tracker.example/p.png">', remoteImages: false, links: [], entImages: false, documents: [] });
    expect(screen.queryByText("Les images distantes de ce message sont bloquées.")).toBeNull();
    cleanup();
    renderWith({ html: "<p>rien</p>", remoteImages: true, links: [], entImages: false, documents: [] });
    expect(screen.getByText("Les images distantes de ce message sont bloquées.")).toBeTruthy();
  });
});
