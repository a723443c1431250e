// An in-memory `ComposeApi` over the demo school « Collège Jean Moulin », for the tests and for
// running the UI without Tauri. Answers come asynchronously, after `delayMs` of timers (so fake
// timers drive them), and any operation can be held until the test releases it.
import { FixtureApi, people } from "../mailbox/fixtures";
import type { ComposeApi, ComposeEvent } from "./api";
import type { Attachment } from "../bindings/Attachment";
import type { DraftContent } from "../bindings/DraftContent";
import type { DraftView } from "../bindings/DraftView";
import type { Message } from "../bindings/Message";
import type { InlineImage } from "../bindings/InlineImage";
import type { Picked } from "../bindings/Picked";
import type { Quota } from "../bindings/Quota";
import type { Recipient } from "../bindings/Recipient";
import type { RefusedRecipient } from "../bindings/RefusedRecipient";
import type { Visible } from "../bindings/Visible";

const SCHOOL = "Collège Jean Moulin";
const MB = 1024 * 1024;

const person = (id: string, displayName: string, profile: string): Visible => ({
  id,
  displayName,
  kind: "User",
  profile,
  nbUsers: null,
  groupType: null,
  structureName: SCHOOL,
  usedIn: ["TO", "CC", "CCI"],
});
const groupOf = (id: string, displayName: string, nbUsers: number, kind = "Group"): Visible => ({
  id,
  displayName,
  kind,
  profile: null,
  nbUsers,
  groupType: "ProfileGroup",
  structureName: SCHOOL,
  usedIn: kind === "BroadcastGroup" ? ["CCI"] : ["TO", "CC", "CCI"],
});

/** Everyone in the demo school's address book, ids shared with the mailbox fixture. */
export const visibles = {
  durand: person(people.durand.id, "DURAND Marie", "Teacher"),
  martinPaul: person("u-martin-paul", "MARTIN Paul", "Teacher"),
  bernard: person(people.bernard.id, "BERNARD Lucas", "Teacher"),
  martinSophie: person(people.martin.id, "MARTIN Sophie", "Personnel"),
  leroy: person(people.leroy.id, "LEROY Hugo", "Student"),
  petit: person(people.petit.id, "PETIT Emma", "Student"),
  leroyParent: person(people.leroyParent.id, "LEROY Nathalie", "Relative"),
  eleves6A: groupOf(people.eleves6A.id, "Élèves du groupe 6A.", 27),
  parents6A: groupOf(people.parents6A.id, "Parents du groupe 6A.", 52),
  profs6A: groupOf("g-profs-6a", "Enseignants du groupe 6A.", 9),
  tousParents: groupOf("g-tous-parents", "Tous les parents du collège", 412, "BroadcastGroup"),
};

/** Why a pupil of 6A may not write to MARTIN Paul (he teaches 5B only). */

/** The accounts of « Parents du groupe 6A. » nobody activated yet (the ENT's send report). */
export const INACTIVE_PARENTS = ["GARCIA Karim", "NGUYEN Linh"];

export interface ComposeFixtureOptions {
  /** Who is writing: DURAND Marie (a teacher of 6A, default) or LEROY Hugo (a pupil of 6A). */
  as?: "teacher" | "pupil";
  /** Each answer comes after this many milliseconds of timers; 0 = on the next microtask. */
  delayMs?: number;
  quota?: Quota;
  /** Where replies, forwards and existing drafts come from. */
  mailbox?: FixtureApi;
}

interface Draft {
  content: DraftContent;
  attachments: Attachment[];
}

const fold = (s: string) =>
  s
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase();

export class ComposeFixture implements ComposeApi {
  readonly calls: { op: string; args: unknown[] }[] = [];
  readonly drafts = new Map<string, Draft>();
  /** Messages that left, in order. */
  readonly sent: { id: string; content: DraftContent; attachments: Attachment[] }[] = [];
  /** What the next `pickFiles` answers (the native dialog's choice). */
  filesToPick: string[] = [];
  /** Paths that are no regular file (`/dev/zero`, a directory): refused as the backend does. */
  notRegular = new Set<string>(["/dev/zero"]);
  private picked = new Map<string, string>();
  /** File sizes by path; 200 KiB when absent. */
  fileSizes: Record<string, number> = {};
  /** The next send is refused by the ENT with this message (then cleared). */
  refuseNextSend: string | null = null;
  delayMs: number;
  private readonly as: "teacher" | "pupil";
  private readonly mailbox: FixtureApi;
  private quotaNow: Quota;
  private listeners = new Set<(e: ComposeEvent) => void>();
  private beforeQuit = new Set<() => Promise<void>>();
  private outgoing = new Map<string, ReturnType<typeof setTimeout>>();
  private held = new Map<string, { promise: Promise<void>; release: () => void }>();
  private nextId = 1;

  constructor(options: ComposeFixtureOptions = {}) {
    this.as = options.as ?? "teacher";
    this.delayMs = options.delayMs ?? 0;
    this.quotaNow = options.quota ?? { quota: 50 * MB, storage: 50 * MB - Math.round(12.3 * MB) };
    this.mailbox = options.mailbox ?? new FixtureApi();
  }

  count(op: string): number {
    return this.calls.filter((c) => c.op === op).length;
  }

  /** Makes `op` wait until the returned function is called. */
  hold(op: string): () => void {
    let release: () => void = () => undefined;
    const promise = new Promise<void>((resolve) => {
      release = () => {
        this.held.delete(op);
        resolve();
      };
    });
    this.held.set(op, { promise, release });
    return release;
  }

  /** The app is about to quit (the tray's « Quitter »): resolves once everything registered saved. */
  async requestQuit(): Promise<void> {
    await Promise.allSettled([...this.beforeQuit].map((save) => save()));
  }

  emit(e: ComposeEvent): void {
    for (const l of this.listeners) l(e);
  }

  private async answer<T>(op: string, args: unknown[], value: () => T): Promise<T> {
    this.calls.push({ op, args });
    const gate = this.held.get(op);
    if (gate) await gate.promise;
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    else await Promise.resolve();
    return value();
  }

  private me(): Visible {
    return this.as === "teacher" ? visibles.durand : visibles.leroy;
  }

  private book(): Visible[] {
    const all = Object.values(visibles).filter((v) => v.id !== this.me().id);
    // A pupil's cached list still holds MARTIN Paul (from a message of last year): the rules,
    // checked at choice time, refuse him.
    return this.as === "teacher" ? all : all.filter((v) => v.kind !== "BroadcastGroup");
  }

  private recipient(id: string): Recipient {
    const v = Object.values(visibles).find((x) => x.id === id);
    return v
      ? { id, displayName: v.displayName, isGroup: v.kind !== "User", profile: v.profile, size: v.nbUsers }
      : { id, displayName: id, isGroup: false, profile: null, size: null };
  }

  // ---- ComposeApi ------------------------------------------------------------------------

  suggestRecipients(query: string): Promise<Visible[]> {
    return this.answer("suggestRecipients", [query], () => {
      const q = fold(query.trim());
      if (q === "") return [];
      return this.book().filter((v) => {
        const name = fold(v.displayName);
        return name.startsWith(q) || name.split(/[\s.]+/).some((w) => w.startsWith(q));
      });
    });
  }

  checkRecipients(ids: string[]): Promise<RefusedRecipient[]> {
    return this.answer("checkRecipients", [ids], () =>
      this.as === "pupil" ? ids.filter((id) => id === visibles.martinPaul.id).map((id) => ({ id, reason: "notVisible" as const })) : [],
    );
  }

  quota(): Promise<Quota> {
    return this.answer("quota", [], () => ({ ...this.quotaNow }));
  }

  newDraft(): DraftView {
    return { id: null, subject: "", body: "", to: [], cc: [], cci: [], inReplyTo: null, attachments: [] };
  }

  private view(id: string, d: Draft): DraftView {
    return {
      id,
      subject: d.content.subject,
      body: d.content.body,
      to: d.content.to.map((x) => this.recipient(x)),
      cc: d.content.cc.map((x) => this.recipient(x)),
      cci: d.content.cci.map((x) => this.recipient(x)),
      inReplyTo: d.content.inReplyTo,
      attachments: d.attachments.map((a) => ({ ...a })),
    };
  }

  private async original(id: string): Promise<Message> {
    const { message, body } = await this.mailbox.read(id);
    return { ...message, body: body?.html ?? null };
  }

  async openDraft(id: string): Promise<DraftView> {
    const own = this.drafts.get(id);
    if (own) return this.answer("openDraft", [id], () => this.view(id, own));
    await this.answer("openDraft", [id], () => undefined);
    const msg = await this.original(id);
    return {
      id,
      subject: msg.subject,
      body: msg.body ?? "",
      to: msg.to,
      cc: msg.cc,
      cci: msg.cci,
      inReplyTo: null,
      attachments: msg.attachments,
    };
  }

  /** As the core quotes (mailbox/compose.rs `quoted`): the ENT's history block for a reply. */
  private quoted(m: Message, kind: "reply" | "forward"): string {
    const from = m.from?.displayName ?? "";
    const date = new Date(m.date).toLocaleString("fr-FR", { timeZone: "UTC" });
    return kind === "reply"
      ? `<p><br></p><div class="conversation-history"><p><em>De ${from}, le ${date}</em></p><div class="conversation-history-body">${m.body ?? ""}</div></div>`
      : `<p><br></p><div><p>--------- Message transféré ---------</p><p>De : ${from}</p><p>Date : ${date}</p><p>Objet : ${m.subject}</p>${m.body ?? ""}</div>`;
  }

  async replyDraft(id: string, all: boolean): Promise<DraftView> {
    await this.answer("replyDraft", [id, all], () => undefined);
    const m = await this.original(id);
    const me = this.me().id;
    const to = m.from ? [m.from] : [];
    if (all) for (const r of m.to) if (r.id !== me && !to.some((x) => x.id === r.id)) to.push(r);
    return {
      id: null,
      subject: m.subject.startsWith("Re : ") ? m.subject : `Re : ${m.subject}`,
      body: this.quoted(m, "reply"),
      to,
      cc: all ? m.cc.filter((r) => r.id !== me) : [],
      cci: [],
      inReplyTo: id,
      attachments: [],
    };
  }

  async forwardDraft(id: string): Promise<DraftView> {
    await this.answer("forwardDraft", [id], () => undefined);
    const m = await this.original(id);
    return {
      id: null,
      subject: m.subject.startsWith("Tr : ") ? m.subject : `Tr : ${m.subject}`,
      body: this.quoted(m, "forward"),
      to: [],
      cc: [],
      cci: [],
      inReplyTo: null,
      attachments: m.attachments.map((a) => ({ ...a })),
    };
  }

  saveDraft(id: string | null, content: DraftContent): Promise<string> {
    return this.answer("saveDraft", [id, content], () => {
      const key = id ?? `d-${this.nextId++}`;
      const old = this.drafts.get(key);
      this.drafts.set(key, { content: structuredClone(content), attachments: old?.attachments ?? [] });
      return key;
    });
  }

  deleteDraft(id: string): Promise<void> {
    return this.answer("deleteDraft", [id], () => {
      this.drafts.delete(id);
    });
  }

  send(id: string | null, content: DraftContent, undoSeconds: number): Promise<string> {
    return this.answer("send", [id, content, undoSeconds], () => {
      const key = id ?? `d-${this.nextId++}`;
      const attachments = this.drafts.get(key)?.attachments ?? [];
      this.drafts.delete(key);
      const timer = setTimeout(() => this.leave(key, content, attachments), undoSeconds * 1000);
      this.outgoing.set(key, timer);
      // Kept aside so a cancel can put it back as a draft.
      this.pendingContent.set(key, { content: structuredClone(content), attachments });
      return key;
    });
  }

  private pendingContent = new Map<string, Draft>();

  private leave(id: string, content: DraftContent, attachments: Attachment[]): void {
    this.outgoing.delete(id);
    this.pendingContent.delete(id);
    if (this.refuseNextSend !== null) {
      const message = this.refuseNextSend;
      this.refuseNextSend = null;
      this.drafts.set(id, { content, attachments });
      this.emit({ kind: "actionRefused", action: "send", reason: message });
      return;
    }
    this.sent.push({ id, content, attachments });
    const all = [...content.to, ...content.cc, ...content.cci];
    const inactive = all.includes(visibles.parents6A.id) ? [...INACTIVE_PARENTS] : [];
    this.emit({ kind: "sent", id, inactive, undelivered: [] });
  }

  cancelSend(id: string): Promise<boolean> {
    return this.answer("cancelSend", [id], () => {
      const timer = this.outgoing.get(id);
      const draft = this.pendingContent.get(id);
      if (timer === undefined || !draft) return false;
      clearTimeout(timer);
      this.outgoing.delete(id);
      this.pendingContent.delete(id);
      this.drafts.set(id, draft);
      return true;
    });
  }

  /** The token the dialog gives for a path (as the backend does: opaque, one use). */
  tokenOf(path: string): string {
    return `token:${path}`;
  }

  pickFiles(): Promise<Picked[]> {
    return this.answer("pickFiles", [], () =>
      this.filesToPick.map((path) => {
        const token = this.tokenOf(path);
        this.picked.set(token, path);
        return { token, name: path.split(/[\\/]/).pop() ?? path };
      }),
    );
  }

  addAttachment(draftId: string, token: string): Promise<Attachment> {
    return this.answer("addAttachment", [draftId, token], () => {
      const path = this.picked.get(token);
      if (path === undefined) {
        throw {
          kind: "invalidInput",
          message: "ce fichier n'a pas été choisi avec « Ajouter une pièce jointe » ; choisissez-le à nouveau",
        };
      }
      this.picked.delete(token);
      if (this.notRegular.has(path)) {
        throw {
          kind: "invalidInput",
          message: `${path} n'est pas un fichier ordinaire (dossier, périphérique ou tube) ; il ne peut pas être joint`,
        };
      }
      const draft = this.drafts.get(draftId);
      const filename = path.split(/[\\/]/).pop() ?? path;
      if (!draft) throw { kind: "invalidInput", message: `brouillon ${draftId} introuvable` };
      const size = this.fileSizes[path] ?? 200 * 1024;
      const left = this.quotaNow.quota - this.quotaNow.storage;
      if (size > left) {
        const mo = (n: number) => `${(n / MB).toFixed(1).replace(".", ",")} Mo`;
        throw {
          kind: "refused",
          message: `« ${filename} » (${mo(size)}) dépasse l'espace disponible sur l'ENT (${mo(left)}).`,
        };
      }
      this.quotaNow = { ...this.quotaNow, storage: this.quotaNow.storage + size };
      const attachment: Attachment = {
        id: `att-${this.nextId++}`,
        filename,
        contentType: "application/octet-stream",
        size,
        cachedPath: path,
      };
      draft.attachments.push(attachment);
      // The queued upload runs behind, as the core's replay does: half, then all of it.
      const progress = (sent: number) =>
        this.emit({ kind: "uploadProgress", messageId: draftId, attachmentId: attachment.id, sent, total: size });
      setTimeout(() => progress(Math.floor(size / 2)), this.delayMs);
      setTimeout(() => progress(size), 2 * this.delayMs);
      return attachment;
    });
  }

  removeAttachment(draftId: string, attachmentId: string): Promise<void> {
    return this.answer("removeAttachment", [draftId, attachmentId], () => {
      const draft = this.drafts.get(draftId);
      const a = draft?.attachments.find((x) => x.id === attachmentId);
      if (!draft || !a) return;
      draft.attachments = draft.attachments.filter((x) => x !== a);
      this.quotaNow = { ...this.quotaNow, storage: this.quotaNow.storage - a.size };
    });
  }

  /** The data: URL each uploaded image's `src` shows (the backend's workspace, in memory). */
  readonly images = new Map<string, string>();

  insertImage(token: string): Promise<InlineImage> {
    return this.answer("insertImage", [token], () => {
      const path = this.picked.get(token);
      this.picked.delete(token);
      if (path === undefined || !/\.(png|jpe?g|gif|webp)$/i.test(path)) {
        throw { kind: "invalidInput", message: `${path ?? token} is not an image the ent shows; pick another file` };
      }
      const src = `/workspace/document/img-${this.nextId++}?timestamp=1796000000000`;
      const dataUrl = "data:image/gif;base64,R0lGODlhAQABAAAAACw=";
      this.images.set(src, dataUrl);
      return { src, dataUrl };
    });
  }

  entImage(src: string): Promise<string | null> {
    return this.answer("entImage", [src], () => this.images.get(src) ?? null);
  }

  onQuitRequested(save: () => Promise<void>): () => void {
    this.beforeQuit.add(save);
    return () => {
      this.beforeQuit.delete(save);
    };
  }

  subscribeCompose(listener: (e: ComposeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }
}
