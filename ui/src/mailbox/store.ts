// The mailbox window's state: plain data keyed by entity and id, replaced as a whole in one
// batch per backend event or user intent, and read by React through `useSyncExternalStore`.
import { useSyncExternalStore } from "react";
import { asCommandError } from "../i18n/errors";
import type { MailboxApi } from "./api";
import { newMailAnnouncement, syncAnnouncement, type Announced, type Announcement } from "./announce";
import { INBOX, TRASH, type SyncStatus } from "./types";
import type { AccountInfo } from "../bindings/AccountInfo";
import type { CommandError } from "../bindings/CommandError";
import type { Folder } from "../bindings/Folder";
import type { MailboxEvent } from "../bindings/MailboxEvent";
import type { Message } from "../bindings/Message";
import type { MessageSummary } from "../bindings/MessageSummary";
import type { ConversationSummary } from "../bindings/ConversationSummary";
import type { SearchHit } from "../bindings/SearchHit";
import type { SafeBody } from "../bindings/SafeBody";
import type { ErrorKind } from "../bindings/ErrorKind";

/** What a line of a folder shown by conversation adds to its latest message (`here`: its
 * messages in the folder shown, what an action on the line acts on). */
export type ConversationLine = Omit<ConversationSummary, "latest" | "unread">;

/** The message in the reading pane and its body as the Rust side made it safe, or why the ENT
 * would not give the body (`message` is null while it loads). */
export interface OpenMessage {
  id: string;
  message: Message | null;
  body: SafeBody | null;
  bodyError?: ErrorKind | null;
}

export interface MailboxState {
  account: AccountInfo | null;
  folders: { byId: Record<string, Folder>; order: string[] };
  maxFolderDepth: number;
  summaries: Record<string, MessageSummary>;
  /** Folder id → message ids, newest first, as last read from the backend. */
  listings: Record<string, string[]>;
  /** « Afficher par conversation »: each line is a conversation, named by its latest message. */
  byConversation: boolean;
  /** By conversation: the line of each listed latest message. */
  conversations: Record<string, ConversationLine>;
  selectedFolderId: string;
  /** The row the keyboard is on. */
  cursorId: string | null;
  /** Ticked rows, for the action bar. */
  ticked: Record<string, true>;
  open: OpenMessage | null;
  /** Messages with actions the ENT has not confirmed yet. */
  pending: Record<string, true>;
  search: { query: string; hits: SearchHit[] | null };
  sync: SyncStatus;
  /** Messages whose remote images the user allowed (for this session only). */
  remoteImages: Record<string, true>;
  /** A link clicked inside a message body, waiting for the user to confirm it. */
  clickedLink: string | null;
  /** The ENT sends every call to this page of its own until the user acts there. */
  actionNeeded: { url: string } | null;
  /** The ENT ended the session and the app cannot sign in by itself: « Se reconnecter ». */
  sessionExpired: boolean;
  /** The last failure, worded by the window (`describeError`) in its language. */
  error: CommandError | null;
  /** What the live region last said (new mail, the sync going offline or back). */
  announced: Announced | null;
  /** « Toutes les boîtes de réception »: the list is every open account's inbox merged. */
  unified: boolean;
  /** In the unified view: the account of each listed message (its actions go through it). */
  accountOf: Record<string, string>;
}

export const initialState: MailboxState = {
  account: null,
  folders: { byId: {}, order: [] },
  maxFolderDepth: 3,
  summaries: {},
  listings: {},
  byConversation: false,
  conversations: {},
  selectedFolderId: INBOX,
  cursorId: null,
  ticked: {},
  open: null,
  pending: {},
  search: { query: "", hits: null },
  sync: { kind: "idle" },
  remoteImages: {},
  clickedLink: null,
  actionNeeded: null,
  sessionExpired: false,
  error: null,
  announced: null,
  unified: false,
  accountOf: {},
};

/** What a store is for: the open account it shows (events of the others only notify), or the
 * unified view of all; and what to do when a notification of another account is clicked. */
export interface StoreOptions {
  accountId?: string | null;
  onOpenInAccount?: (account: string, messageId: string) => void;
}

const PAGE = 1000;
/** How many lines of the unified view are read: the newest of every inbox. */
export const UNIFIED_LINES = 500;
/** « As many as there are » for a page's limit (the backend's u32). */
const ALL_LINES = 2 ** 32 - 1;
/** What a folder shown for the first time is drawn from: a few screens' worth. */
const FIRST_PAGE = 200;

const asSet = (ids: Iterable<string>): Record<string, true> => {
  const out: Record<string, true> = {};
  for (const id of ids) out[id] = true;
  return out;
};

export class MailboxStore {
  private state: MailboxState;
  private listeners = new Set<() => void>();
  private unsubscribe: (() => void) | null = null;
  private searchSeq = 0;
  private refreshing: Promise<void> | null = null;
  private refreshAgain = false;
  private openSeq = 0;
  private inboxDrawnReported = false;
  /** « Boîte à jour » is said once per window, not after every pass. */
  private upToDateAnnounced = false;

  constructor(
    private readonly api: MailboxApi,
    state: MailboxState = initialState,
    private readonly options: StoreOptions = {},
  ) {
    this.state = state;
  }

  // ---- external store protocol ---------------------------------------------------------

  getState = (): MailboxState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  /** One state replacement, one notification. */
  private update(change: (s: MailboxState) => Partial<MailboxState>): void {
    const before = this.state;
    this.state = { ...before, ...change(before) };
    const said = syncAnnouncement(before.sync, this.state.sync, this.upToDateAnnounced);
    if (said) this.announceNow(said);
    for (const l of this.listeners) l();
  }

  /** Puts `message` in the live region (within the current update). */
  private announceNow(message: Announcement): void {
    if (message.kind === "upToDate") this.upToDateAnnounced = true;
    this.state = { ...this.state, announced: { seq: (this.state.announced?.seq ?? 0) + 1, message } };
  }

  // ---- lifecycle -----------------------------------------------------------------------

  /** Listens to backend events and loads the first screen. Returns `stop`. */
  start(): () => void {
    if (!this.unsubscribe) this.unsubscribe = this.api.subscribe((e) => this.apply(e));
    void this.load();
    return () => this.stop();
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  private async load(): Promise<void> {
    // The folder depth limit is asked of the ENT: never let a slow network hold the first draw.
    this.api.maxFolderDepth().then(
      (depth) => this.update(() => ({ maxFolderDepth: depth })),
      () => undefined,
    );
    try {
      const account = await this.api.account();
      this.update(() => ({ account }));
    } catch (e) {
      this.fail(e);
    }
    await this.refresh();
  }

  // ---- backend events ------------------------------------------------------------------

  apply(event: MailboxEvent): void {
    const mine = this.options.accountId ?? null;
    if (event.account !== undefined && mine !== null && event.account !== mine && !this.state.unified) {
      this.applyOther(event.account, event);
      return;
    }
    switch (event.kind) {
      case "progress": {
        const { done, total } = event;
        const bodies = event.folder === "bodies";
        // A first sync downloads bodies while it still lists: once the bodies are counted, the
        // listing's pages are not, so that the count does not jump back and forth.
        if (!bodies && this.state.sync.kind === "syncing" && this.state.sync.bodies) return;
        const sync: SyncStatus = bodies ? { kind: "syncing", done, total, bodies } : { kind: "syncing", done, total };
        this.update(() => ({ sync }));
        return;
      }
      case "syncDone":
        this.update(() => ({ sync: { kind: "upToDate", at: event.at }, actionNeeded: null, sessionExpired: false }));
        return;
      case "connectivity": {
        const at = Date.now();
        this.update((s) => ({
          sync: event.online
            ? s.sync.kind === "offline"
              ? { kind: "idle" }
              : s.sync
            : s.sync.kind === "offline"
              ? s.sync
              : { kind: "offline", since: at },
        }));
        return;
      }
      case "pendingChanged":
        this.update(() => ({ pending: asSet(event.messageIds) }));
        return;
      case "actionRefused":
        this.update(() => ({ error: { kind: "refused", message: `${event.action}: ${event.reason}` } }));
        void this.refresh();
        return;
      case "actionNeeded": {
        // Its own banner, with the button that opens the page (also after a replay).
        const url = event.url;
        this.update(() => ({ actionNeeded: { url } }));
        return;
      }
      case "syncFailed": {
        const error = event.error;
        if (error.kind === "actionNeeded" && error.url) {
          const url = error.url;
          this.update(() => ({ actionNeeded: { url } }));
          return;
        }
        if (error.kind === "sessionExpired") {
          // Its own banner too: queued actions wait for « Se reconnecter ».
          this.update(() => ({ sessionExpired: true }));
          return;
        }
        // Offline already shows in the status line.
        if (error.kind !== "offline") this.update(() => ({ error }));
        return;
      }
      case "newMail": {
        const said = newMailAnnouncement(event.messages);
        if (said) this.update(() => ({ announced: { seq: (this.state.announced?.seq ?? 0) + 1, message: said } }));
        // No notification for what the user is looking at.
        if (!(windowHasFocus() && this.state.selectedFolderId === INBOX)) {
          this.api.notifyNewMail(event.messages.map((m) => m.id), event.account).catch((e: unknown) => this.fail(e));
        }
        void this.refresh();
        return;
      }
      case "openMessage":
        void this.selectFolder(INBOX).then(() => this.open(event.id, event.account));
        return;
      case "linkClicked":
        this.update(() => ({ clickedLink: event.url }));
        return;
      case "messagesChanged":
      case "foldersChanged":
      case "unreadCounts":
        void this.refresh();
        return;
      case "folderRenamed": {
        // The folder on screen reached the ENT under another id: the window stays on it.
        const { from, to } = event;
        if (this.state.selectedFolderId === from) {
          this.update((s) => ({ selectedFolderId: to, listings: { ...s.listings, [to]: s.listings[from] ?? [] } }));
        }
        void this.refresh();
        return;
      }
      // The composer's (sent, files dropped), and a part of a sync that failed (logged by the
      // backend; the pass's own result says the rest).
      case "sent":
      case "filesDropped":
      case "uploadProgress":
      case "syncError":
        return;
    }
  }

  /** An event of another open account than the one shown: new mail is notified (the user is
   * not looking at it); a click on such a notification shows that account. */
  private applyOther(account: string, event: MailboxEvent): void {
    if (event.kind === "newMail") {
      const ids = event.messages.map((m) => m.id);
      this.api.notifyNewMail(ids, account).catch(() => undefined);
    } else if (event.kind === "openMessage") {
      this.options.onOpenInAccount?.(account, event.id);
    }
  }

  /**
   * Reads folders, the shown folder's listing and the pending set again, then commits them in
   * one update. Calls made while one runs are folded into a single follow-up.
   */
  refresh(): Promise<void> {
    if (this.refreshing) {
      this.refreshAgain = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      try {
        do {
          this.refreshAgain = false;
          await this.refreshOnce();
        } while (this.refreshAgain);
      } finally {
        this.refreshing = null;
      }
    })();
    return this.refreshing;
  }

  private async refreshOnce(): Promise<void> {
    try {
      if (this.state.unified) {
        await this.refreshUnified();
        return;
      }
      const folders = await this.api.folders();
      // The shown folder may be gone (deleted here or on the ENT): fall back to the inbox
      // before listing it, within this same refresh (awaiting selectFolder here would wait
      // on this very refresh).
      if (!folders.some((f) => f.id === this.state.selectedFolderId)) {
        this.update(() => ({
          selectedFolderId: INBOX,
          ticked: {},
          cursorId: null,
          search: { query: "", hits: null },
        }));
      }
      const folderId = this.state.selectedFolderId;
      const query = this.state.search.query;
      if (this.state.byConversation) {
        const [lines, pending, hits] = await Promise.all([
          this.listConversations(folderId),
          this.api.pendingMessageIds(),
          query.trim() ? this.api.search(query) : Promise.resolve(null),
        ]);
        // A line is its latest message, bold when any message of it is unread.
        const rows = lines.map((l) => ({ ...l.latest, unread: l.unread }));
        const conversations: Record<string, ConversationLine> = {};
        for (const { latest, threadId, count, participants, here } of lines) {
          conversations[latest.id] = { threadId, count, participants, here };
        }
        this.commit(folders, folderId, query, rows, pending, hits, conversations);
        return;
      }
      // A folder shown for the first time is drawn from its first page, then completed: a
      // 10,000-message inbox is on screen before the rest is read.
      const firstLoad = !(folderId in this.state.listings);
      const [rows, pending, hits] = await Promise.all([
        firstLoad ? this.api.list(folderId, 0, FIRST_PAGE) : this.listAll(folderId),
        this.api.pendingMessageIds(),
        query.trim() ? this.api.search(query) : Promise.resolve(null),
      ]);
      this.commit(folders, folderId, query, rows, pending, hits);
      if (folderId === INBOX && !this.inboxDrawnReported) {
        this.inboxDrawnReported = true;
        this.api.inboxDrawn(rows.length).catch(() => undefined);
      }
      if (firstLoad && rows.length === FIRST_PAGE) {
        const all = rows.concat(await this.listAll(folderId, rows.length));
        this.commit(folders, folderId, query, all, pending, hits);
      }
    } catch (e) {
      this.fail(e);
    }
  }

  /** « Toutes les boîtes de réception »: every inbox merged, each line with its account. */
  private async refreshUnified(): Promise<void> {
    const query = this.state.search.query;
    const [lines, pending] = await Promise.all([this.api.unifiedInbox(0, UNIFIED_LINES), this.api.pendingMessageIds()]);
    const rows = lines.map((l) => l.message);
    this.commit([], INBOX, query, rows, pending, null);
    const accountOf: Record<string, string> = {};
    for (const l of lines) accountOf[l.message.id] = l.account;
    this.update(() => ({ accountOf }));
  }

  /** One state update with what a refresh read. */
  private commit(
    folders: Folder[],
    folderId: string,
    query: string,
    rows: MessageSummary[],
    pending: string[],
    hits: SearchHit[] | null,
    conversations: Record<string, ConversationLine> = {},
  ): void {
    this.update((s) => {
      const byId: Record<string, Folder> = {};
      for (const f of folders) byId[f.id] = f;
      const summaries = { ...s.summaries };
      for (const r of rows) summaries[r.id] = r;
      const ids = rows.map((r) => r.id);
      const present = new Set(ids);
      const same = s.selectedFolderId === folderId;
      return {
        folders: { byId, order: folders.map((f) => f.id) },
        summaries,
        listings: { ...s.listings, [folderId]: ids },
        conversations,
        pending: asSet(pending),
        ticked: same && !s.search.hits ? keep(s.ticked, present) : s.ticked,
        cursorId: same && !s.search.hits && s.cursorId && !present.has(s.cursorId) ? null : s.cursorId,
        search: s.search.query === query && hits ? { query, hits } : s.search,
        open: s.open?.message ? { ...s.open, message: patchOpen(s.open.message, rows) } : s.open,
      };
    });
  }

  /** The folder by conversation, in one call: grouping reads the whole folder each time, so
   * pages would read it once each (crates/core/src/mailbox/thread.rs). */
  private listConversations(folderId: string): Promise<ConversationSummary[]> {
    return this.api.listConversations(folderId, 0, ALL_LINES);
  }

  /** « Afficher par conversation » on or off: the folder is listed again the new way. */
  setByConversation(on: boolean): Promise<void> {
    if (this.state.byConversation === on) return Promise.resolve();
    this.update(() => ({ byConversation: on, listings: {}, conversations: {}, ticked: {} }));
    return this.refresh();
  }

  /** The folder's listing from `from` to its end, page by page. */
  private async listAll(folderId: string, from = 0): Promise<MessageSummary[]> {
    const out: MessageSummary[] = [];
    for (;;) {
      const page = await this.api.list(folderId, from + out.length, PAGE);
      out.push(...page);
      if (page.length < PAGE) return out;
    }
  }

  private fail(e: unknown): void {
    const url = actionPage(e);
    if (url) {
      this.update(() => ({ actionNeeded: { url } }));
      return;
    }
    this.update(() => ({ error: asCommandError(e) }));
  }

  /** Opens the ENT's page where it asks the user to act; the next sync replays the queue. */
  async openEntPage(): Promise<void> {
    const needed = this.state.actionNeeded;
    if (!needed) return;
    try {
      await this.api.openEntPage(needed.url);
    } catch (e) {
      this.update(() => ({ error: asCommandError(e) }));
    }
  }

  /** « Se reconnecter »: the ENT's sign-in window; the banner goes once the sync succeeds. */
  async reconnect(): Promise<void> {
    try {
      const result = await this.api.reconnect();
      if (result.kind === "failed") this.update(() => ({ error: result.error }));
    } catch (e) {
      this.update(() => ({ error: asCommandError(e) }));
    }
  }

  /** Shows a failure of a call made outside the store (attachments, links, sign-out). */
  report(e: unknown): void {
    this.fail(e);
  }

  dismissLink(): void {
    this.update(() => ({ clickedLink: null }));
  }

  dismissError(): void {
    this.update(() => ({ error: null }));
  }

  // ---- navigation ----------------------------------------------------------------------

  async selectFolder(folderId: string): Promise<void> {
    this.update(() => ({
      selectedFolderId: folderId,
      ticked: {},
      cursorId: null,
      search: { query: "", hits: null },
    }));
    await this.refresh();
  }

  /** The ids the list shows now: search hits while searching, else the folder's listing. */
  visibleIds(s: MailboxState = this.state): string[] {
    if (s.search.hits) return s.search.hits.map((h) => h.message.id);
    return s.listings[s.selectedFolderId] ?? [];
  }

  moveCursor(delta: number): void {
    const ids = this.visibleIds();
    if (ids.length === 0) return;
    const at = this.state.cursorId ? ids.indexOf(this.state.cursorId) : -1;
    const start = at < 0 ? (delta > 0 ? -1 : ids.length) : at;
    const next = Math.min(ids.length - 1, Math.max(0, start + delta));
    this.update(() => ({ cursorId: ids[next] ?? null }));
  }

  setCursor(id: string | null): void {
    this.update(() => ({ cursorId: id }));
  }

  toggleTick(id: string): void {
    this.update((s) => ({
      ticked: s.ticked[id]
        ? asSet(Object.keys(s.ticked).filter((x) => x !== id))
        : { ...s.ticked, [id]: true },
    }));
  }

  tickAll(on: boolean): void {
    this.update(() => ({ ticked: on ? asSet(this.visibleIds()) : {} }));
  }

  /** Opens a message in the reading pane; the backend marks it read. In the unified view, its
   * account is shown first: reading it, answering it or deleting it goes through its account. */
  async open(id: string, account?: string): Promise<void> {
    const seq = ++this.openSeq;
    this.update(() => ({ open: { id, message: null, body: null }, cursorId: id }));
    try {
      const owner = this.state.unified ? (account ?? this.state.accountOf[id]) : undefined;
      if (owner) await this.api.showAccount(owner);
      const { message, body, bodyError } = await this.api.read(id);
      if (seq !== this.openSeq) return;
      this.update((s) => ({
        open: { id, message, body, bodyError },
        summaries: patchUnread(s.summaries, id, false),
      }));
      if (this.state.remoteImages[id]) void this.allowRemoteImages(id);
      else if (body?.entImages) void this.showEntImages(id, seq);
      await this.refresh();
    } catch (e) {
      if (seq === this.openSeq) this.update(() => ({ open: null }));
      this.fail(e);
    }
  }

  /** « Afficher les images »: the open body is replaced by the backend's, images inlined. */
  async allowRemoteImages(id: string): Promise<void> {
    this.update((s) => ({ remoteImages: { ...s.remoteImages, [id]: true } }));
    try {
      const html = await this.api.showRemoteImages(id);
      this.update((s) =>
        s.open?.id === id && s.open.body ? { open: { ...s.open, body: { ...s.open.body, html } } } : {},
      );
    } catch (e) {
      this.fail(e);
    }
  }

  /**
   * The ENT's own images (inserted by its editor) come in after the body is shown: the
   * backend fetches them with the session (a slow or huge one never holds the pane).
   */
  private async showEntImages(id: string, seq: number): Promise<void> {
    try {
      const html = await this.api.showEntImages(id);
      if (seq !== this.openSeq || this.state.remoteImages[id]) return;
      this.update((s) =>
        s.open?.id === id && s.open.body ? { open: { ...s.open, body: { ...s.open.body, html } } } : {},
      );
    } catch {
      // The body stays as shown, without its images (offline).
    }
  }

  // ---- actions -------------------------------------------------------------------------

  /** Ticked messages, else the one under the cursor. */
  targets(): string[] {
    const ticked = Object.keys(this.state.ticked);
    const lines =
      ticked.length > 0
        ? this.visibleIds().filter((id) => this.state.ticked[id])
        : this.state.cursorId
          ? [this.state.cursorId]
          : [];
    // By conversation, a line stands for its messages in this folder.
    const conversations = this.state.search.hits ? {} : this.state.conversations;
    return lines.flatMap((id) => conversations[id]?.here ?? [id]);
  }

  private async act(ids: string[], run: (ids: string[]) => Promise<unknown>, clearOpen: boolean): Promise<void> {
    if (ids.length === 0) return;
    this.update((s) => ({
      ticked: {},
      open: clearOpen && s.open && ids.includes(s.open.id) ? null : s.open,
      cursorId: clearOpen && s.cursorId && ids.includes(s.cursorId) ? null : s.cursorId,
    }));
    try {
      if (!this.state.unified) {
        await run(ids);
      } else {
        // Each account acts on its own messages.
        const byAccount = new Map<string, string[]>();
        for (const id of ids) {
          const account = this.state.accountOf[id];
          if (account) byAccount.set(account, [...(byAccount.get(account) ?? []), id]);
        }
        for (const [account, mine] of byAccount) {
          await this.api.showAccount(account);
          await run(mine);
        }
      }
    } catch (e) {
      this.fail(e);
    }
    await this.refresh();
  }

  setUnread(ids: string[], unread: boolean): Promise<void> {
    return this.act(ids, (some) => this.api.setUnread(some, unread), false);
  }

  /** U: unread becomes read and read becomes unread, judged on the first target. */
  toggleUnread(): Promise<void> {
    const ids = this.targets();
    const first = ids[0] ? this.state.summaries[ids[0]] : undefined;
    if (!first) return Promise.resolve();
    return this.setUnread(ids, !first.unread);
  }

  /** Suppr: to the trash, or out of the trash for good (the caller confirms that). */
  trash(ids: string[]): Promise<void> {
    return this.act(ids, (some) => this.api.trash(some), true);
  }

  restore(ids: string[]): Promise<void> {
    return this.act(ids, (some) => this.api.restore(some), true);
  }

  deleteForever(ids: string[]): Promise<void> {
    return this.act(ids, (some) => this.api.deleteForever(some), true);
  }

  async emptyTrash(): Promise<void> {
    this.update((s) => ({ ticked: {}, open: s.selectedFolderId === TRASH ? null : s.open }));
    try {
      await this.api.emptyTrash();
    } catch (e) {
      this.fail(e);
    }
    await this.refresh();
  }

  moveTo(ids: string[], folderId: string): Promise<void> {
    return this.act(
      ids,
      (some) => (folderId === INBOX ? this.api.moveToInbox(some) : this.api.moveToFolder(some, folderId)),
      true,
    );
  }

  async createFolder(name: string, parentId: string | null): Promise<string | null> {
    try {
      const id = await this.api.createFolder(name, parentId);
      await this.refresh();
      return id;
    } catch (e) {
      this.fail(e);
      return null;
    }
  }

  async renameFolder(id: string, name: string): Promise<void> {
    try {
      await this.api.renameFolder(id, name);
    } catch (e) {
      this.fail(e);
    }
    await this.refresh();
  }

  async deleteFolder(id: string): Promise<void> {
    try {
      await this.api.deleteFolder(id);
    } catch (e) {
      this.fail(e);
    }
    await this.refresh();
  }

  /** Instant search: each keystroke asks; answers to older queries are dropped. */
  async search(query: string): Promise<void> {
    const seq = ++this.searchSeq;
    if (!query.trim()) {
      this.update(() => ({ search: { query, hits: null }, ticked: {}, cursorId: null }));
      return;
    }
    this.update((s) => ({ search: { query, hits: s.search.hits } }));
    try {
      const hits = await this.api.search(query);
      if (seq !== this.searchSeq) return;
      this.update((s) => {
        const summaries = { ...s.summaries };
        for (const h of hits) summaries[h.message.id] = h.message;
        return { search: { query, hits }, summaries, ticked: {}, cursorId: null };
      });
    } catch (e) {
      this.fail(e);
    }
  }

  async sync(): Promise<void> {
    try {
      await this.api.sync();
    } catch (e) {
      // Offline is shown by the status line, not as an error.
      if (asCommandError(e).kind !== "offline") this.fail(e);
    }
  }

  // ---- derived -------------------------------------------------------------------------

  /** The unread count of the inbox: the window title shows it. */
  static inboxUnread(s: MailboxState): number {
    return s.folders.byId[INBOX]?.unread ?? 0;
  }
}

/** The user sees the window: a window hidden into the tray may keep its focus flag, not its visibility. */
function windowHasFocus(): boolean {
  return typeof document !== "undefined" && document.visibilityState !== "hidden" && document.hasFocus();
}

function patchUnread(
  summaries: Record<string, MessageSummary>,
  id: string,
  unread: boolean,
): Record<string, MessageSummary> {
  const row = summaries[id];
  return row ? { ...summaries, [id]: { ...row, unread } } : summaries;
}

function keep(ticked: Record<string, true>, present: Set<string>): Record<string, true> {
  return asSet(Object.keys(ticked).filter((id) => present.has(id)));
}

function patchOpen(message: Message, rows: MessageSummary[]): Message {
  const row = rows.find((r) => r.id === message.id);
  return row ? { ...message, unread: row.unread } : message;
}

export function useMailboxState(store: MailboxStore): MailboxState {
  return useSyncExternalStore(store.subscribe, store.getState);
}

/** The ENT page of an `actionNeeded` command error, if `e` is one. */
function actionPage(e: unknown): string | null {
  const error = asCommandError(e);
  return error.kind === "actionNeeded" && error.url ? error.url : null;
}
