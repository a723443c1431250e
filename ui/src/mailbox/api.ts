import type { DownloadProgress } from "../bindings/DownloadProgress";
import type { AccountInfo } from "../bindings/AccountInfo";
import type { Connector } from "../bindings/Connector";
import type { Credentials } from "../bindings/Credentials";
import type { DemoRole } from "../bindings/DemoRole";
import type { Folder } from "../bindings/Folder";
import type { MailboxEvent } from "../bindings/MailboxEvent";
import type { MessageSummary } from "../bindings/MessageSummary";
import type { ConversationSummary } from "../bindings/ConversationSummary";
import type { Message } from "../bindings/Message";
import type { OpenOutcome } from "../bindings/OpenOutcome";
import type { SearchHit } from "../bindings/SearchHit";
import type { SignInResult } from "../bindings/SignInResult";
import type { Unsent } from "../bindings/Unsent";
import type { OpenedMessage } from "../bindings/OpenedMessage";
import type { PaneWidths } from "../bindings/PaneWidths";
import type { OpenAccount } from "../bindings/OpenAccount";
import type { UnifiedLine } from "../bindings/UnifiedLine";

/**
 * Everything the mailbox window asks of the backend. Each operation maps to one Tauri command;
 * every one is async and rejects with a `CommandError` (`{kind, message}`). Actions apply to the
 * local copy at once and are queued for the ENT when offline: their promise resolves as soon as
 * the local copy changed, and the backend reports unconfirmed ones with `pendingChanged`.
 */
export interface MailboxApi {
  /** The shown account: every other call acts on it. */
  account(): Promise<AccountInfo>;
  /** Every open account, with its inbox's unread count (the switcher). */
  accounts(): Promise<OpenAccount[]>;
  /** Shows the open account `id`: the calls that follow act on it. */
  showAccount(id: string): Promise<AccountInfo>;
  /** « Retirer ce compte »: signs it out and erases its local copy; the others stay. */
  removeAccount(id: string): Promise<void>;
  /** « Toutes les boîtes de réception »: every open account's inbox merged, newest first. */
  unifiedInbox(offset: number, limit: number): Promise<UnifiedLine[]>;
  /** System folders first, then the user folder tree flattened (parents before children). */
  folders(): Promise<Folder[]>;
  /** The server's folder depth limit (`/conversation/max-depth`, 3 by default). */
  maxFolderDepth(): Promise<number>;
  /** A page of a folder, newest first. */
  list(folderId: string, offset: number, limit: number): Promise<MessageSummary[]>;
  /** « Afficher par conversation »: a page of a folder, one line per conversation. */
  listConversations(folderId: string, offset: number, limit: number): Promise<ConversationSummary[]>;
  /** The conversation of a message, oldest first, across folders, without bodies. */
  conversation(id: string): Promise<Message[]>;
  /** Opens a message and marks it read. */
  read(id: string): Promise<OpenedMessage>;
  setUnread(ids: string[], unread: boolean): Promise<void>;
  trash(ids: string[]): Promise<void>;
  restore(ids: string[]): Promise<void>;
  deleteForever(ids: string[]): Promise<void>;
  emptyTrash(): Promise<void>;
  moveToFolder(ids: string[], folderId: string): Promise<void>;
  /** Takes messages out of user folders, back to the inbox (core `move_to_root`). */
  moveToInbox(ids: string[]): Promise<void>;
  createFolder(name: string, parentId: string | null): Promise<string>;
  renameFolder(id: string, name: string): Promise<void>;
  deleteFolder(id: string): Promise<void>;
  /** Local full-text search over all folders. */
  search(text: string): Promise<SearchHit[]>;
  /** Asks for a sync now; progress arrives as events. */
  sync(): Promise<void>;
  /** Ids of messages with actions the ENT has not confirmed yet. */
  pendingMessageIds(): Promise<string[]>;
  /**
   * « Ouvrir »: downloads the file if needed (progress to `onProgress`), then opens it only if
   * its type allows; otherwise resolves to `ask` with what the window must show. `insist`: the
   * user chose « Ouvrir quand même » (honoured only for the `ask` verdict, never `saveOnly`).
   */
  openAttachment(
    messageId: string,
    attachmentId: string,
    options?: { insist?: boolean; onProgress?: (p: DownloadProgress) => void },
  ): Promise<OpenOutcome>;
  /** « Enregistrer sous… »: downloads if needed, then the native save dialog. */
  saveAttachmentAs(
    messageId: string,
    attachmentId: string,
    onProgress?: (p: DownloadProgress) => void,
  ): Promise<void>;
  /** Opens an http(s) or mailto address in the system browser (after the user confirmed). */
  openLink(url: string): Promise<void>;
  /** Opens a page of the ENT (where it asks the user to act) in the ENT window of the app. */
  openEntPage(url: string): Promise<void>;
  /**
   * « Se reconnecter » after the ENT ended the session: its sign-in window again (often one
   * click, its cookies are kept while signed in); then a sync replays the queued actions.
   */
  reconnect(): Promise<SignInResult>;
  /**
   * « Afficher les images »: the message's sanitized body with its remote images fetched by
   * the backend and inlined as data: URLs (the window loads nothing from the web itself).
   */
  showRemoteImages(id: string): Promise<string>;
  /** The safe body with the ENT's own workspace images inlined by the backend (`entImages`). */
  showEntImages(id: string): Promise<string>;
  /**
   * Raises the desktop notification for messages that just arrived (one per message, or one
   * summary for several) of the open account `account` (the shown one when absent); a click on
   * it comes back as an `openMessage` event of that account.
   */
  notifyNewMail(messageIds: string[], account?: string): Promise<void>;
  /** The window drew the inbox (the startup measure is logged on the Rust side). */
  inboxDrawn(messageCount: number): Promise<void>;
  /** The native window's title, and the tray's (the inbox's unread count shows there, in `lang`). */
  setWindowTitle(title: string, unread?: number, lang?: string): Promise<void>;
  /** What « effacer la copie locale » would lose: unsent messages and drafts only on this computer. */
  unsentWork(): Promise<Unsent>;
  /** The panes' widths the user left (null: the window's defaults). */
  paneWidths(): Promise<PaneWidths | null>;
  /** Remembers the panes' widths (in the settings store, for the next start). */
  setPaneWidths(widths: PaneWidths): Promise<void>;
  signOut(options: { eraseLocalCopy: boolean }): Promise<void>;
  /** Backend events; returns the function that stops listening. */
  subscribe(listener: (event: MailboxEvent) => void): () => void;
}

/** What the sign-in screen asks of the backend. Failures resolve, with a kind per cause. */
export interface SignInApi {
  signIn(credentials: Credentials): Promise<SignInResult>;
  /** Opens the ENT's own login page (SSO) in an app window and takes the session from it. */
  /** `connector`: the ENT's registered OAuth2 client (« Options avancées »), kept in the keyring. */
  signInWithEntPage(entUrl: string, connector?: Connector): Promise<SignInResult>;
  /** Starts the embedded ent-server with the demo school and signs in as the chosen user. */
  startDemo(role: DemoRole): Promise<SignInResult>;
}
