import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, test, vi } from "vitest";
import { SignatureEditor } from "../composer/SignatureEditor";
import { ReadingPane } from "../mailbox/ReadingPane";
import type { Message } from "../bindings/Message";
import { WritingFixture } from "./fixture";
import { RecallButton } from "./RecallButton";
import { ScheduledView } from "./ScheduledView";
import { SendLater } from "./SendLater";

afterEach(() => cleanup());

describe("« Rappeler »", () => {
  test("asks first, in the ENT's words of what recipients will see, then recalls", async () => {
    const api = new WritingFixture();
    const onDone = vi.fn();
    render(<RecallButton api={api} id="m1" online onDone={onDone} onError={vi.fn()} />);
    fireEvent.click(await screen.findByRole("button", { name: "Rappeler" }));
    const dialog = screen.getByRole("dialog");
    expect(dialog.textContent).toContain("ils verront que vous l'avez rappelé");
    fireEvent.click(within(dialog).getByRole("button", { name: "Rappeler le message" }));
    await waitFor(() => expect(onDone).toHaveBeenCalled());
    expect(api.recalled).toEqual(["m1"]);
  });

  test("offline the button is disabled and its hint says why", async () => {
    render(<RecallButton api={new WritingFixture()} id="m1" online={false} onDone={vi.fn()} onError={vi.fn()} />);
    const button = await screen.findByRole("button", { name: "Rappeler" });
    expect(button).toHaveProperty("disabled", true);
    expect(button.getAttribute("title")).toContain("hors connexion");
  });

  test("is not offered once the delay has passed, and a refusal of the ENT is told", async () => {
    const late = new WritingFixture();
    late.status = { ...late.status, blocked: "tooLate" };
    const { unmount } = render(<RecallButton api={late} id="m1" online onDone={vi.fn()} onError={vi.fn()} />);
    await waitFor(() => expect(screen.queryByRole("button", { name: "Rappeler" })).toBeNull());
    unmount();

    const refused = new WritingFixture();
    refused.recallRefused = true;
    render(<RecallButton api={refused} id="m1" online onDone={vi.fn()} onError={vi.fn()} />);
    fireEvent.click(await screen.findByRole("button", { name: "Rappeler" }));
    fireEvent.click(within(screen.getByRole("dialog")).getByRole("button", { name: "Rappeler le message" }));
    expect((await screen.findByTestId("recall-refused")).textContent).toContain("délai de rappel (60 min)");
  });

  test("a recalled message received shows as the ENT shows it", () => {
    const message: Message = {
      id: "r1",
      subject: "",
      from: { id: "p", displayName: "Paul Martin", isGroup: false, profile: null, size: null },
      to: [],
      cc: [],
      cci: [],
      state: "RECALL",
      date: Date.UTC(2026, 10, 30),
      unread: false,
      response: false,
      hasAttachment: false,
      bodyAvailable: true,
      body: "",
      attachments: [],
      userFolderId: null,
      trashed: false,
      threadId: null,
      parentId: null,
      noReply: false,
    };
    render(
      <ReadingPane
        open={{ id: "r1", message, body: { html: "", remoteImages: false, links: [], entImages: false, documents: [] } }}
        remoteImagesAllowed={false}
        onAllowRemoteImages={vi.fn()}
        onOpenLink={vi.fn()}
        onOpenAttachment={() => Promise.resolve(null)}
        onSaveAttachment={() => Promise.resolve()}
        onSetUnread={vi.fn()}
      />,
    );
    expect(screen.getByRole("heading", { level: 2 }).textContent).toBe("Message rappelé");
    expect(screen.getByTestId("recalled").textContent).toContain("son contenu n’est donc plus visible");
  });
});

describe("« Envoyer plus tard » and « Programmés »", () => {
  test("offers Demain 7 h 30, Lundi 7 h 30 and a date and time", () => {
    const onPick = vi.fn();
    const now = () => new Date(2026, 10, 30, 22, 0); // a Monday evening
    render(<SendLater disabled={false} now={now} onPick={onPick} />);
    fireEvent.click(screen.getByRole("button", { name: "Envoyer plus tard" }));
    fireEvent.click(screen.getByRole("button", { name: "Demain 7 h 30" }));
    expect(onPick).toHaveBeenLastCalledWith(new Date(2026, 11, 1, 7, 30).getTime());

    fireEvent.click(screen.getByRole("button", { name: "Envoyer plus tard" }));
    fireEvent.click(screen.getByRole("button", { name: "Lundi 7 h 30" }));
    expect(onPick).toHaveBeenLastCalledWith(new Date(2026, 11, 7, 7, 30).getTime());

    fireEvent.click(screen.getByRole("button", { name: "Envoyer plus tard" }));
    fireEvent.change(screen.getByTestId("send-later-at"), { target: { value: "2026-12-24T18:05" } });
    fireEvent.click(screen.getByRole("button", { name: "Programmer" }));
    expect(onPick).toHaveBeenLastCalledWith(new Date(2026, 11, 24, 18, 5).getTime());
  });

  test("a time already passed is not taken", () => {
    const onPick = vi.fn();
    render(<SendLater disabled={false} now={() => new Date(2026, 10, 30, 22, 0)} onPick={onPick} />);
    fireEvent.click(screen.getByRole("button", { name: "Envoyer plus tard" }));
    fireEvent.change(screen.getByTestId("send-later-at"), { target: { value: "2026-11-29T08:00" } });
    fireEvent.click(screen.getByRole("button", { name: "Programmer" }));
    expect(onPick).not.toHaveBeenCalled();
  });

  test("lists scheduled messages soonest first, sends one now and cancels another", async () => {
    const api = new WritingFixture();
    const content = { subject: "", body: "", to: [], cc: [], cci: [], inReplyTo: null };
    await api.scheduleMessage("b", { ...content, subject: "Lundi" }, Date.UTC(2026, 11, 7, 6, 30));
    await api.scheduleMessage("a", { ...content, subject: "Demain" }, Date.UTC(2026, 11, 1, 6, 30));
    const onOpen = vi.fn();
    render(<ScheduledView api={api} onOpen={onOpen} />);
    await waitFor(() => expect(screen.getAllByTestId("scheduled-item")).toHaveLength(2));
    const [first, second] = screen.getAllByTestId("scheduled-item") as [HTMLElement, HTMLElement];
    expect(first.textContent).toContain("Demain");
    fireEvent.click(within(first).getByRole("button", { name: "Ouvrir" }));
    expect(onOpen).toHaveBeenCalledWith("a");
    fireEvent.click(within(first).getByRole("button", { name: "Envoyer maintenant" }));
    fireEvent.click(within(second).getByRole("button", { name: "Annuler l'envoi" }));
    await waitFor(() => expect(screen.queryAllByTestId("scheduled-item")).toHaveLength(0));
    expect(api.sentNow).toEqual(["a"]);
    expect(screen.getByText("Aucun message programmé.")).toBeTruthy();
  });
});

describe("the signature", () => {
  test("shows the ENT's and saves what the user changed", async () => {
    const api = new WritingFixture();
    api.sig = { useSignature: false, signature: "<p>Marie Durand</p>" };
    render(<SignatureEditor api={api} />);
    await waitFor(() => expect(screen.getByTestId("signature-text").innerHTML).toBe("<p>Marie Durand</p>"));
    fireEvent.click(screen.getByRole("checkbox", { name: "Utiliser la signature" }));
    fireEvent.click(screen.getByRole("button", { name: "Enregistrer" }));
    await waitFor(() => expect(api.sig).toEqual({ useSignature: true, signature: "<p>Marie Durand</p>" }));
    expect(screen.getByRole("status").textContent).toContain("Signature enregistrée");
  });
});
