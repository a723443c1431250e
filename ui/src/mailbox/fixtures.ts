// An in-memory backend for tests and for running the UI without Tauri: the demo school
// « Collège Jean Moulin ». Every operation answers asynchronously, like IPC would.
import type { MailboxApi, SignInApi } from "./api";
import { DRAFT, INBOX, OUTBOX, TRASH } from "./types";
import type { AccountInfo } from "../bindings/AccountInfo";
import type { CommandErrorKind } from "../bindings/CommandErrorKind";
import type { DownloadProgress } from "../bindings/DownloadProgress";
import type { Attachment } from "../bindings/Attachment";
import type { Connector } from "../bindings/Connector";
import type { Credentials } from "../bindings/Credentials";
import type { Decision } from "../bindings/Decision";
import type { DemoRole } from "../bindings/DemoRole";
import type { Folder } from "../bindings/Folder";
import type { MailboxEvent } from "../bindings/MailboxEvent";
import type { Message } from "../bindings/Message";
import type { MessageSummary } from "../bindings/MessageSummary";
import type { ConversationSummary } from "../bindings/ConversationSummary";
import type { OpenOutcome } from "../bindings/OpenOutcome";
import type { PaneWidths } from "../bindings/PaneWidths";
import type { Recipient } from "../bindings/Recipient";
import type { SearchHit } from "../bindings/SearchHit";
import type { SignInResult } from "../bindings/SignInResult";
import type { Unsent } from "../bindings/Unsent";
import type { OpenedMessage } from "../bindings/OpenedMessage";
import type { OpenAccount } from "../bindings/OpenAccount";
import type { UnifiedLine } from "../bindings/UnifiedLine";
import type { SafeBody } from "../bindings/SafeBody";

const user = (id: string, displayName: string, profile: string): Recipient => ({
  id,
  displayName,
  isGroup: false,
  profile,
  size: null,
});
const group = (id: string, displayName: string, size: number): Recipient => ({
  id,
  displayName,
  isGroup: true,
  profile: null,
  size,
});

export const people = {
  durand: user("u-durand", "DURAND Marie", "Teacher"),
  leroy: user("u-leroy", "LEROY Hugo", "Student"),
  leroyParent: user("u-leroy-p", "LEROY Nathalie", "Relative"),
  martin: user("u-martin", "MARTIN Sophie", "Personnel"),
  bernard: user("u-bernard", "BERNARD Lucas", "Teacher"),
  petit: user("u-petit", "PETIT Emma", "Student"),
  parents6A: group("g-parents-6a", "Parents du groupe 6A.", 52),
  eleves6A: group("g-eleves-6a", "Élèves du groupe 6A.", 27),
  profs: group("g-profs", "Enseignants du Collège Jean Moulin.", 38),
};

export const HOSTILE_MARKER = "__messageriePwned";

/** A body as an attacker would write it; the UI must hold even if sanitising missed it. */
export const HOSTILE_BODY = `<p>Bonjour,</p>
<p>La kermesse du collège aura lieu le samedi 13 juin. Inscriptions sur
<a href="https://www.college-jean-moulin.fr/kermesse">le site du collège</a>.</p>
<script>window.${HOSTILE_MARKER} = "script";</script>
<img src="x" onerror="window.${HOSTILE_MARKER} = 'onerror'">
<img src="https://tracker.example.net/pixel.png?u=durand" alt="">
<a href="javascript:window.${HOSTILE_MARKER}='link'">Cliquez ici</a>
<iframe src="https://evil.example.net/"></iframe>
<p>Cordialement,<br>L'association des parents d'élèves</p>`;

interface Stored {
  message: Message;
  /** The system folder the message belongs to when in no user folder. */
  home: typeof INBOX | typeof OUTBOX | typeof DRAFT;
  /** A user folder id, or null. */
  folderId: string | null;
}

interface FixtureFolder {
  id: string;
  parentId: string | null;
  name: string;
  depth: number;
}

const HOUR = 3_600_000;
/** A fixed "now" so lists and tests are stable: Friday 27 November 2026, 17:00 UTC. */
export const FIXTURE_NOW = Date.UTC(2026, 10, 27, 17, 0);

const attachment = (id: string, filename: string, contentType: string, size: number): Attachment => ({
  id,
  filename,
  contentType,
  size,
  cachedPath: null,
});

interface Seed {
  id: string;
  subject: string;
  from: Recipient;
  to: Recipient[];
  cc?: Recipient[];
  cci?: Recipient[];
  hoursAgo: number;
  unread?: boolean;
  body: string;
  attachments?: Attachment[];
  home?: Stored["home"];
  folderId?: string;
  trashed?: boolean;
  state?: string;
  /** The thread, as the ENT's `thread_id` (the id of its first message). */
  thread?: string;
}

const me = people.durand;

const seeds: Seed[] = [
  {
    id: "m-conseil",
    subject: "Conseil de classe de 6A",
    from: people.martin,
    to: [people.profs],
    cc: [people.durand],
    hoursAgo: 2,
    unread: true,
    body: "<p>Bonjour à tous,</p><p>Le conseil de classe de 6A aura lieu le mardi 8 décembre à 17 h 30 en salle B12.</p><p>Merci de saisir vos appréciations avant vendredi.</p><p>Sophie MARTIN, principale adjointe</p>",
  },
  {
    id: "m-devoir",
    subject: "Devoir de mathématiques",
    from: people.leroy,
    to: [people.durand],
    hoursAgo: 5,
    unread: true,
    body: "<p>Bonjour Madame,</p><p>Je n'ai pas compris l'exercice 4 page 52. Pouvez-vous nous réexpliquer la méthode ?</p><p>Hugo</p>",
    attachments: [attachment("a-photo", "exercice4.jpg", "image/jpeg", 412_330)],
  },
  {
    id: "m-kermesse",
    subject: "Invitation à la kermesse",
    from: people.leroyParent,
    to: [people.parents6A],
    cc: [people.durand],
    hoursAgo: 9,
    unread: true,
    body: HOSTILE_BODY,
  },
  {
    id: "m-absence",
    subject: "Absence de Hugo lundi",
    from: people.leroyParent,
    to: [people.durand],
    hoursAgo: 30,
    body: "<p>Madame DURAND,</p><p>Hugo sera absent lundi matin pour un rendez-vous médical.</p><p>Bien cordialement,<br>Nathalie LEROY</p>",
  },
  {
    id: "m-sortie",
    subject: "Sortie au musée des Beaux-Arts",
    from: people.bernard,
    to: [people.durand],
    cci: [people.martin],
    hoursAgo: 50,
    body: "<p>Marie,</p><p>Je te propose la sortie du 15 janvier. Il nous faut deux accompagnateurs de plus.</p><p>Lucas</p>",
    attachments: [attachment("a-autorisation", "autorisation-sortie.pdf", "application/pdf", 88_102)],
    folderId: "f-sorties",
  },
  {
    id: "m-brevet",
    subject: "Brevet blanc : surveillances",
    from: people.martin,
    to: [people.profs],
    hoursAgo: 120,
    body: "<p>Le planning des surveillances du brevet blanc est en pièce jointe.</p>",
    attachments: [attachment("a-planning", "planning-brevet-blanc.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", 23_410)],
  },
  {
    id: "m-reunion",
    subject: "Réunion parents-professeurs",
    from: me,
    to: [people.parents6A],
    cc: [people.martin],
    hoursAgo: 26,
    body: "<p>Madame, Monsieur,</p><p>La réunion parents-professeurs de la 6A aura lieu le jeudi 3 décembre à partir de 17 h.</p><p>Marie DURAND, professeure principale</p>",
    home: OUTBOX,
  },
  {
    id: "m-rappel",
    subject: "Rappel : contrôle de géométrie",
    from: me,
    to: [people.eleves6A],
    hoursAgo: 70,
    body: "<p>N'oubliez pas votre compas et votre rapporteur pour le contrôle de vendredi.</p>",
    home: OUTBOX,
  },
  {
    id: "m-brouillon",
    subject: "Projet de voyage en Espagne",
    from: me,
    to: [people.bernard],
    hoursAgo: 4,
    body: "<p>Lucas, voici une première idée de programme…</p>",
    home: DRAFT,
    state: "DRAFT",
  },
  {
    id: "m-pub",
    subject: "Photos de classe",
    from: people.petit,
    to: [people.durand],
    hoursAgo: 200,
    body: "<p>Bonjour, les photos de classe sont arrivées.</p>",
    trashed: true,
  },
];

const initialFolders: FixtureFolder[] = [
  { id: "f-sorties", parentId: null, name: "Sorties scolaires", depth: 1 },
  { id: "f-musee", parentId: "f-sorties", name: "Musée 2026", depth: 2 },
  { id: "f-conseils", parentId: null, name: "Conseils de classe", depth: 1 },
];

function fromSeed(s: Seed): Stored {
  return {
    home: s.home ?? INBOX,
    folderId: s.folderId ?? null,
    message: {
      id: s.id,
      subject: s.subject,
      from: s.from,
      to: s.to,
      cc: s.cc ?? [],
      cci: s.cci ?? [],
      state: s.state ?? "SENT",
      date: FIXTURE_NOW - s.hoursAgo * HOUR,
      unread: s.unread ?? false,
      response: false,
      hasAttachment: (s.attachments ?? []).length > 0,
      bodyAvailable: true,
      body: s.body,
      attachments: s.attachments ?? [],
      userFolderId: s.folderId ?? null,
      trashed: s.trashed ?? false,
      threadId: s.thread ?? null,
      parentId: null,
      noReply: false,
    },
  };
}

const copy = <T>(value: T): T => (value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T));
/** Answers on a later microtask, as a copy, like an IPC round trip. */
const answer = <T>(value: T): Promise<T> => Promise.resolve().then(() => copy(value));
const fail = (kind: string, message: string): Promise<never> =>
  Promise.resolve().then(() => Promise.reject({ kind, message }));

const fold = (s: string) =>
  s
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase();
const text = (html: string) => html.replace(/<[^>]*>/g, " ");

export interface FixtureOptions {
  /** Adds a user folder « Archives 2025 » holding this many messages. */
  bigFolder?: number;
  maxDepth?: number;
}

export class FixtureApi implements MailboxApi, SignInApi {
  readonly calls: { op: string; args: unknown[] }[] = [];
  private messages = new Map<string, Stored>();
  private userFolders: FixtureFolder[] = copy(initialFolders);
  private listeners = new Set<(event: MailboxEvent) => void>();
  private online = true;
  private pending = new Set<string>();
  private nextId = 1;
  private readonly maxDepth: number;
  /** What the next `signIn` answers; `null` signs in. */
  signInFailure: CommandErrorKind | null = null;
  /** What `unsentWork` answers (messages and drafts only in the local copy). */
  unsent: Unsent = { messages: 0, drafts: 0 };
  /** The panes' widths remembered (`paneWidths` / `setPaneWidths`). */
  panes: PaneWidths | null = null;
  /** Extra fields of the account (a damaged copy replaced, a password or session not kept). */
  accountNotes: Pick<AccountInfo, "storeRecovery" | "remembered" | "signedInWith"> = {};
  /** The fixture's own account's id (its mail is the fixture's). */
  static readonly OWN_ID = "demo_marie.durand";
  /** Other open accounts (the switcher), and their inbox lines (the unified view). */
  others: OpenAccount[] = [];
  otherInbox: UnifiedLine[] = [];
  /** The account shown (`showAccount`). */
  shownId: string = FixtureApi.OWN_ID;
  /** The other accounts' messages, by id (read when that account is shown). */
  private foreign = new Map<string, Stored>();

  /** Opens another account (the switcher) with one unread message in its inbox, `minutes`
   * newer than the fixture's newest; returns that message's id. */
  addAccount(account: AccountInfo, subject: string, minutes = 5): string {
    const id = `m-${account.id}-${this.nextId++}`;
    const stored = fromSeed({ id, subject, from: people.martin, to: [me], hoursAgo: -minutes / 60, unread: true, body: `<p>${subject}</p>` });
    this.foreign.set(id, stored);
    this.others.push({ account, inboxUnread: 1, shown: false });
    this.otherInbox.push({ account: account.id, message: this.summary(stored.message) });
    return id;
  }

  constructor(options: FixtureOptions = {}) {
    this.maxDepth = options.maxDepth ?? 3;
    for (const s of seeds) this.messages.set(s.id, fromSeed(s));
    if (options.bigFolder) {
      this.userFolders.push({ id: "f-archives", parentId: null, name: "Archives 2025", depth: 1 });
      for (let i = 0; i < options.bigFolder; i++) {
        const n = String(i + 1).padStart(5, "0");
        const stored = fromSeed({
          id: `m-archive-${n}`,
          subject: `Archive n° ${n}`,
          from: i % 2 ? people.leroyParent : people.martin,
          to: [me],
          hoursAgo: 24 * 30 + i,
          body: `<p>Message archivé n° ${n}.</p>`,
          folderId: "f-archives",
        });
        this.messages.set(stored.message.id, stored);
      }
    }
  }

  // ---- test controls -------------------------------------------------------------------

  /** Goes offline (actions queue up) or back online (the queue is confirmed). */
  setOnline(online: boolean): void {
    this.online = online;
    this.emit({ kind: "connectivity", online });
    if (online && this.pending.size > 0) {
      this.pending.clear();
      this.emit({ kind: "pendingChanged", messageIds: [] });
    }
  }

  emit(event: MailboxEvent): void {
    for (const l of this.listeners) l(event);
  }

  /** Adds a message to the inbox as a sync would (in `thread`, an answer in that thread). */
  deliver(subject: string, from: Recipient = people.leroy, body = `<p>${subject}</p>`, thread?: string): string {
    const id = `m-new-${this.nextId++}`;
    this.messages.set(id, fromSeed({ id, subject, from, to: [me], hoursAgo: 0, unread: true, body, thread }));
    this.emit({ kind: "messagesChanged", ids: [id] });
    return id;
  }

  count(op: string): number {
    return this.calls.filter((c) => c.op === op).length;
  }

  private log(op: string, ...args: unknown[]) {
    this.calls.push({ op, args });
  }

  private changed(ids: string[]) {
    if (!this.online) {
      for (const id of ids) this.pending.add(id);
      this.emit({ kind: "pendingChanged", messageIds: [...this.pending] });
    }
    this.emit({ kind: "messagesChanged", ids });
  }

  private where(s: Stored): string {
    if (s.message.trashed) return TRASH;
    return s.folderId ?? s.home;
  }

  private existing(ids: string[]): Stored[] {
    return ids.flatMap((id) => {
      const s = this.messages.get(id);
      return s ? [s] : [];
    });
  }

  private summary(m: Message): MessageSummary {
    return {
      id: m.id,
      subject: m.subject,
      from: m.from,
      to: m.to,
      state: m.state,
      date: m.date,
      unread: m.unread,
      response: m.response,
      hasAttachment: m.hasAttachment,
      bodyAvailable: m.bodyAvailable,
    };
  }

  // ---- MailboxApi ----------------------------------------------------------------------

  private ownAccount(): AccountInfo {
    return {
      id: FixtureApi.OWN_ID,
      entUrl: "https://demo.college-jean-moulin.fr",
      login: "marie.durand",
      displayName: me.displayName,
      profile: "Teacher",
      demo: true,
      ...this.accountNotes,
    };
  }

  account(): Promise<AccountInfo> {
    return answer(this.ownAccount());
  }

  accounts(): Promise<OpenAccount[]> {
    this.log("accounts");
    const unread = [...this.messages.values()].filter((s) => this.where(s) === INBOX && s.message.unread).length;
    const all = [{ account: this.ownAccount(), inboxUnread: unread, shown: false }, ...this.others];
    return answer(all.map((a) => ({ ...a, shown: a.account.id === this.shownId })));
  }

  showAccount(id: string): Promise<AccountInfo> {
    this.log("showAccount", id);
    const account = id === FixtureApi.OWN_ID ? this.ownAccount() : this.others.find((a) => a.account.id === id)?.account;
    if (!account) return fail("signedOut", "no such account");
    this.shownId = id;
    return answer(account);
  }

  removeAccount(id: string): Promise<void> {
    this.log("removeAccount", id);
    this.others = this.others.filter((a) => a.account.id !== id);
    this.otherInbox = this.otherInbox.filter((l) => l.account !== id);
    if (this.shownId === id) this.shownId = FixtureApi.OWN_ID;
    return answer(undefined);
  }

  unifiedInbox(offset: number, limit: number): Promise<UnifiedLine[]> {
    this.log("unifiedInbox", offset, limit);
    const own = [...this.messages.values()]
      .filter((s) => this.where(s) === INBOX)
      .map((s) => ({ account: FixtureApi.OWN_ID, message: this.summary(s.message) }));
    const all = [...own, ...this.otherInbox].sort((a, b) => b.message.date - a.message.date);
    return answer(all.slice(offset, offset + limit));
  }

  folders(): Promise<Folder[]> {
    const all = [...this.messages.values()];
    const counts = (id: string) => {
      const inside = all.filter((s) => this.where(s) === id);
      return { total: inside.length, unread: inside.filter((s) => s.message.unread).length };
    };
    const system: Folder[] = [
      { id: INBOX, name: "Boîte de réception" },
      { id: OUTBOX, name: "Messages envoyés" },
      { id: DRAFT, name: "Brouillons" },
      { id: TRASH, name: "Corbeille" },
    ].map((f) => ({ ...f, parentId: null, depth: 0, system: true, ...counts(f.id) }));
    // Parents before children, siblings by name, like the core lists them.
    const ordered: FixtureFolder[] = [];
    const visit = (parentId: string | null) => {
      const children = this.userFolders
        .filter((f) => f.parentId === parentId)
        .sort((a, b) => a.name.localeCompare(b.name, "fr"));
      for (const c of children) {
        ordered.push(c);
        visit(c.id);
      }
    };
    visit(null);
    const user = ordered.map((f) => ({ ...f, system: false, ...counts(f.id) }));
    return answer([...system, ...user]);
  }

  maxFolderDepth(): Promise<number> {
    return answer(this.maxDepth);
  }

  list(folderId: string, offset: number, limit: number): Promise<MessageSummary[]> {
    this.log("list", folderId, offset, limit);
    const rows = [...this.messages.values()]
      .filter((s) => this.where(s) === folderId)
      .sort((a, b) => b.message.date - a.message.date || a.message.id.localeCompare(b.message.id))
      .slice(offset, offset + limit)
      .map((s) => this.summary(s.message));
    return answer(rows);
  }

  listConversations(folderId: string, offset: number, limit: number): Promise<ConversationSummary[]> {
    this.log("listConversations", folderId, offset, limit);
    const key = (m: Message) => m.threadId ?? m.id;
    const inScope = (s: Stored) => {
      if (folderId === TRASH) return s.message.trashed;
      if (folderId === DRAFT) return s.message.state === "DRAFT";
      return !s.message.trashed && s.message.state !== "DRAFT";
    };
    const all = [...this.messages.values()].sort((a, b) => b.message.date - a.message.date);
    const lines: ConversationSummary[] = [];
    const seen = new Set<string>();
    for (const s of all) {
      if (this.where(s) !== folderId || seen.has(key(s.message))) continue;
      const threadId = key(s.message);
      seen.add(threadId);
      const members = all.filter((o) => key(o.message) === threadId && inScope(o));
      const participants: string[] = [];
      for (const o of members) {
        const name = o.message.from?.displayName;
        if (name && !participants.includes(name)) participants.push(name);
      }
      lines.push({
        threadId,
        here: members.filter((o) => this.where(o) === folderId).map((o) => o.message.id),
        latest: this.summary(s.message),
        count: Math.max(1, members.length),
        unread: s.message.unread || members.some((o) => o.message.unread),
        participants,
      });
    }
    return answer(lines.slice(offset, offset + limit));
  }

  conversation(id: string): Promise<Message[]> {
    this.log("conversation", id);
    const s = this.messages.get(id);
    if (!s) return fail("invalidInput", `no message ${id}`);
    const threadId = s.message.threadId ?? s.message.id;
    const members = [...this.messages.values()]
      .map((o) => o.message)
      .filter((m) => (m.threadId ?? m.id) === threadId && m.trashed === s.message.trashed)
      .sort((a, b) => a.date - b.date)
      .map((m) => ({ ...m, body: null }));
    return answer(members);
  }

  read(id: string): Promise<OpenedMessage> {
    this.log("read", id);
    const s = this.shownId === FixtureApi.OWN_ID ? this.messages.get(id) : this.foreign.get(id);
    if (!s) return fail("invalidInput", `no message ${id}`);
    if (s.message.unread) {
      s.message.unread = false;
      this.changed([id]);
    }
    const html = s.message.body;
    return answer({ message: { ...s.message, body: null }, body: html === null ? null : safeBody(html), bodyError: null });
  }

  setUnread(ids: string[], unread: boolean): Promise<void> {
    this.log("setUnread", ids, unread);
    for (const s of this.existing(ids)) s.message.unread = unread;
    this.changed(ids);
    return answer(undefined);
  }

  trash(ids: string[]): Promise<void> {
    this.log("trash", ids);
    for (const s of this.existing(ids)) s.message.trashed = true;
    this.changed(ids);
    return answer(undefined);
  }

  restore(ids: string[]): Promise<void> {
    this.log("restore", ids);
    for (const s of this.existing(ids)) s.message.trashed = false;
    this.changed(ids);
    return answer(undefined);
  }

  deleteForever(ids: string[]): Promise<void> {
    this.log("deleteForever", ids);
    for (const id of ids) this.messages.delete(id);
    this.changed(ids);
    return answer(undefined);
  }

  emptyTrash(): Promise<void> {
    this.log("emptyTrash");
    const ids = [...this.messages.values()].filter((s) => s.message.trashed).map((s) => s.message.id);
    for (const id of ids) this.messages.delete(id);
    this.changed(ids);
    return answer(undefined);
  }

  moveToFolder(ids: string[], folderId: string): Promise<void> {
    this.log("moveToFolder", ids, folderId);
    if (!this.userFolders.some((f) => f.id === folderId)) {
      return fail("invalidInput", `no folder ${folderId}`);
    }
    for (const s of this.existing(ids)) {
      s.folderId = folderId;
      s.message.userFolderId = folderId;
      s.message.trashed = false;
    }
    this.changed(ids);
    return answer(undefined);
  }

  moveToInbox(ids: string[]): Promise<void> {
    this.log("moveToInbox", ids);
    for (const s of this.existing(ids)) {
      s.folderId = null;
      s.message.userFolderId = null;
      s.message.trashed = false;
    }
    this.changed(ids);
    return answer(undefined);
  }

  createFolder(name: string, parentId: string | null): Promise<string> {
    this.log("createFolder", name, parentId);
    const parent = parentId ? this.userFolders.find((f) => f.id === parentId) : undefined;
    if (parentId && !parent) return fail("invalidInput", `no folder ${parentId}`);
    const depth = parent ? parent.depth + 1 : 1;
    if (depth > this.maxDepth) return fail("refused", "error.max.folder.depth");
    const id = `f-new-${this.nextId++}`;
    this.userFolders.push({ id, parentId, name, depth });
    this.emit({ kind: "foldersChanged" });
    return answer(id);
  }

  /** A folder made here reaches the ENT, which gives it its own id (the replay's rename). */
  confirmFolder(localId: string): string {
    const id = `f-ent-${this.nextId++}`;
    for (const f of this.userFolders) {
      if (f.id === localId) f.id = id;
      if (f.parentId === localId) f.parentId = id;
    }
    this.emit({ kind: "folderRenamed", from: localId, to: id });
    return id;
  }

  renameFolder(id: string, name: string): Promise<void> {
    this.log("renameFolder", id, name);
    const f = this.userFolders.find((x) => x.id === id);
    if (!f) return fail("invalidInput", `no folder ${id}`);
    f.name = name;
    this.emit({ kind: "foldersChanged" });
    return answer(undefined);
  }

  deleteFolder(id: string): Promise<void> {
    this.log("deleteFolder", id);
    const gone = new Set([id]);
    let grew = true;
    while (grew) {
      grew = false;
      for (const f of this.userFolders) {
        if (f.parentId && gone.has(f.parentId) && !gone.has(f.id)) {
          gone.add(f.id);
          grew = true;
        }
      }
    }
    this.userFolders = this.userFolders.filter((f) => !gone.has(f.id));
    // As on the ENT: the folders' messages go to the trash.
    for (const s of this.messages.values()) {
      if (s.folderId && gone.has(s.folderId)) {
        s.folderId = null;
        s.message.userFolderId = null;
        s.message.trashed = true;
      }
    }
    this.emit({ kind: "foldersChanged" });
    return answer(undefined);
  }

  search(query: string): Promise<SearchHit[]> {
    this.log("search", query);
    const words = fold(query).split(/\s+/).filter(Boolean);
    if (words.length === 0) return answer([]);
    const hits: SearchHit[] = [];
    for (const s of this.messages.values()) {
      const m = s.message;
      const hay = fold(
        [m.subject, m.from?.displayName ?? "", ...m.to.map((r) => r.displayName), text(m.body ?? "")].join(" "),
      );
      if (words.every((w) => hay.includes(w))) {
        hits.push({ message: this.summary(m), folderId: this.where(s), snippet: m.subject });
      }
    }
    hits.sort((a, b) => b.message.date - a.message.date);
    return answer(hits.slice(0, 200));
  }

  async sync(): Promise<void> {
    this.log("sync");
    if (!this.online) return fail("offline", "the ENT does not answer");
    await Promise.resolve();
    this.emit({ kind: "progress", folder: INBOX, done: 1, total: 2 });
    await Promise.resolve();
    this.emit({ kind: "progress", folder: INBOX, done: 2, total: 2 });
    this.emit({ kind: "syncDone", at: FIXTURE_NOW });
  }

  pendingMessageIds(): Promise<string[]> {
    return answer([...this.pending]);
  }

  /** What « Ouvrir » answers per attachment id when it is not opened (default: opened). */
  openDecisions: Record<string, Decision> = {};

  openAttachment(
    messageId: string,
    attachmentId: string,
    options?: { insist?: boolean; onProgress?: (p: DownloadProgress) => void },
  ): Promise<OpenOutcome> {
    this.log("openAttachment", messageId, attachmentId);
    const decision = this.openDecisions[attachmentId];
    options?.onProgress?.({ done: 1, total: 1 });
    if (decision === undefined || (decision.verdict === "ask" && options?.insist === true)) {
      this.log("opened", attachmentId);
      return answer<OpenOutcome>({ kind: "opened" });
    }
    return answer<OpenOutcome>({ kind: "ask", decision });
  }

  saveAttachmentAs(
    messageId: string,
    attachmentId: string,
    onProgress?: (p: DownloadProgress) => void,
  ): Promise<void> {
    this.log("saveAttachmentAs", messageId, attachmentId);
    onProgress?.({ done: 1, total: 1 });
    return answer(undefined);
  }

  openLink(url: string): Promise<void> {
    this.log("openLink", url);
    return answer(undefined);
  }
  openEntPage(url: string): Promise<void> {
    this.log("openEntPage", url);
    return answer(undefined);
  }
  reconnect(): Promise<SignInResult> {
    this.log("reconnect");
    return this.signInAnswer({ id: "ent.example.org_marie.durand", entUrl: "https://ent.example.org", login: "marie.durand", displayName: me.displayName, profile: "Teacher", demo: false });
  }

  /** The body with each remote image source replaced by a 1-pixel GIF, as the backend inlines. */
  showRemoteImages(id: string): Promise<string> {
    this.log("showRemoteImages", id);
    const s = this.messages.get(id);
    if (!s) return fail("invalidInput", `no message ${id}`);
    const pixel = "data:image/gif;base64,R0lGODlhAQABAAAAACw=";
    return answer((s.message.body ?? "").replace(/src="https?:[^"]*"/g, `src="${pixel}"`));
  }

  /** The body with each ENT image source replaced by a 1-pixel GIF, as the backend inlines. */
  showEntImages(id: string): Promise<string> {
    this.log("showEntImages", id);
    const s = this.messages.get(id);
    if (!s) return fail("invalidInput", `no message ${id}`);
    const pixel = "data:image/gif;base64,R0lGODlhAQABAAAAACw=";
    return answer((s.message.body ?? "").replace(/src="\/workspace\/[^"]*"/g, `src="${pixel}"`));
  }

  notifyNewMail(messageIds: string[], account?: string): Promise<void> {
    if (account === undefined) this.log("notifyNewMail", messageIds);
    else this.log("notifyNewMail", messageIds, account);
    return answer(undefined);
  }

  inboxDrawn(messageCount: number): Promise<void> {
    this.log("inboxDrawn", messageCount);
    return answer(undefined);
  }

  setWindowTitle(title: string): Promise<void> {
    this.log("setWindowTitle", title);
    return answer(undefined);
  }

  paneWidths(): Promise<PaneWidths | null> {
    this.log("paneWidths");
    return answer(this.panes && { ...this.panes });
  }

  setPaneWidths(widths: PaneWidths): Promise<void> {
    this.log("setPaneWidths", widths);
    this.panes = { ...widths };
    return answer(undefined);
  }

  unsentWork(): Promise<Unsent> {
    this.log("unsentWork");
    return answer({ ...this.unsent });
  }

  signOut(options: { eraseLocalCopy: boolean }): Promise<void> {
    this.log("signOut", options);
    return answer(undefined);
  }

  subscribe(listener: (event: MailboxEvent) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  // ---- SignInApi -----------------------------------------------------------------------

  private signInAnswer(account: AccountInfo): Promise<SignInResult> {
    if (this.signInFailure) {
      return answer({
        kind: "failed",
        error: { kind: this.signInFailure, message: `fixture failure ${this.signInFailure}` },
      });
    }
    return answer({ kind: "signedIn", account });
  }

  signIn(credentials: Credentials): Promise<SignInResult> {
    // The password is never recorded, even by the fixture.
    this.log("signIn", { entUrl: credentials.entUrl, login: credentials.login, remember: credentials.remember });
    return this.signInAnswer({
      id: `${credentials.entUrl.replace(/^https?:\/\//, "")}_${credentials.login}`,
      entUrl: credentials.entUrl,
      login: credentials.login,
      displayName: me.displayName,
      profile: "Teacher",
      demo: false,
    });
  }

  signInWithEntPage(entUrl: string, connector?: Connector): Promise<SignInResult> {
    // The secret is never recorded, even by the fixture.
    if (connector) this.log("signInWithEntPage", entUrl, connector.clientId);
    else this.log("signInWithEntPage", entUrl);
    return this.signInAnswer({ id: `${entUrl.replace(/^https?:\/\//, "")}_marie.durand`, entUrl, login: "marie.durand", displayName: me.displayName, profile: "Teacher", demo: false });
  }

  startDemo(role: DemoRole): Promise<SignInResult> {
    this.log("startDemo", role);
    const who = { teacher: people.durand, pupil: people.leroy, parent: people.leroyParent }[role];
    return this.signInAnswer({
      id: `demo_${who.id}`,
      entUrl: "http://127.0.0.1",
      login: who.id,
      displayName: who.displayName,
      profile: who.profile,
      demo: true,
    });
  }
}

/** What the Rust side answers for a fixture body (the fixtures' bodies are already safe): its
 * http(s) and mailto links once each, and whether it shows remote images. */
function safeBody(html: string): SafeBody {
  const links = [...html.matchAll(/href="((?:https?:|mailto:)[^"]*)"/g)].map((m) => m[1] ?? "");
  return { html, remoteImages: /<img[^>]*src="https?:/.test(html), links: [...new Set(links)], entImages: /<img[^>]*src="\/workspace\//.test(html), documents: [] };
}
