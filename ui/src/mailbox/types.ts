// The data the mailbox UI works with. Shaped like the Rust domain types of messagerie-core
// (camelCase, ids as strings, dates as epoch milliseconds, `kind` tags for unions) so they can
// later be swapped for the TypeScript generated from Rust without touching the components.

/** The system folders' ids, as the core's store names them. */
export const INBOX = "inbox";
export const OUTBOX = "outbox";
export const DRAFT = "draft";
export const TRASH = "trash";
export type SystemFolderId = typeof INBOX | typeof OUTBOX | typeof DRAFT | typeof TRASH;
export const SYSTEM_FOLDERS: readonly SystemFolderId[] = [INBOX, OUTBOX, DRAFT, TRASH];

export function isSystemFolder(id: string): id is SystemFolderId {
  return (SYSTEM_FOLDERS as readonly string[]).includes(id);
}

/** A person or a group named on a message (core `Recipient`). */
export interface Recipient {
  id: string;
  displayName: string;
  isGroup: boolean;
  /** `Teacher`, `Student`, `Relative`, `Personnel`… */
  profile: string | null;
  /** Member count of a group. */
  size: number | null;
}

/** A folder and its counts (core `Folder`). System folders have depth 0. */
export interface Folder {
  id: string;
  parentId: string | null;
  name: string;
  depth: number;
  system: boolean;
  total: number;
  unread: number;
}

/** One line of a folder listing (core `MessageSummary`). */
export interface MessageSummary {
  id: string;
  subject: string;
  from: Recipient | null;
  to: Recipient[];
  /** `SENT`, `DRAFT`, `RECALL`. */
  state: string;
  date: number;
  unread: boolean;
  response: boolean;
  hasAttachment: boolean;
  bodyAvailable: boolean;
}

export interface Attachment {
  id: string;
  filename: string;
  contentType: string;
  size: number;
  cachedPath: string | null;
}

/** How far a download is (core `attachment::Progress`): bytes so far, and the file's size. */
export interface DownloadProgress {
  done: number;
  total: number;
}

/**
 * What « Ouvrir » may do with a file (core `attachment::Decision`): `open` at once, `ask` (a
 * document whose content does not match its name: opens only if the user insists), `saveOnly`
 * (programs, launchers, scripts, web pages, unknown types: never opened by the app).
 */
export interface AttachmentDecision {
  verdict: "open" | "ask" | "saveOnly";
  /** The name without hidden characters. */
  name: string;
  /** The extension the name claims, lowercase, without the dot. */
  extension: string | null;
  /** The type the content shows (MIME), when recognised. */
  detected: string | null;
  mismatch: boolean;
  dangerous: boolean;
}

/** What « Ouvrir » did: handed to the system's viewer, or not (the window asks the user). */
export type OpenOutcome = { kind: "opened" } | { kind: "ask"; decision: AttachmentDecision };

/** A whole message (core `Message`, whose summary is flattened). */
export interface Message extends MessageSummary {
  cc: Recipient[];
  cci: Recipient[];
  /** HTML already sanitised by the Rust side; still shown only in a sandboxed iframe. */
  body: string | null;
  attachments: Attachment[];
  userFolderId: string | null;
  trashed: boolean;
  /** Sent as « ne pas répondre »: no reply is offered. */
  noReply: boolean;
}

/** core `SafeBody`: a body made safe by the Rust side (the HTML, its http(s) and mailto links in
 * order without duplicates, whether it shows remote images). */
export interface SafeBody {
  html: string;
  remoteImages: boolean;
  links: string[];
}

/** core `OpenedMessage`: what `read` answers; `message.body` is always null (the raw body stays
 * in Rust), `body` is the safe one, null until downloaded. */
export interface OpenedMessage {
  message: Message;
  body: SafeBody | null;
}

/** One search result (core `SearchHit` plus the folder it is in). */
export interface SearchHit {
  message: MessageSummary;
  /** The folder the message is listed in: a system folder id or a user folder id. */
  folderId: string;
  snippet: string;
}

export interface Account {
  entUrl: string;
  login: string;
  displayName: string;
  /** `Teacher`, `Student`, `Relative`… */
  profile: string | null;
  demo: boolean;
  /** The local copy was damaged and replaced when the account opened (core `Recovery`). */
  storeRecovery?: StoreRecovery | null;
  /** Where « Se souvenir de moi » kept the password, when it was asked for (core `Remembered`). */
  remembered?: Remembered | null;
  /** How the user signed in, when they did in this run: `remembered` is then about a password or
   * the ENT session of a sign-in on the ENT's page (SSO). */
  signedInWith?: SignInMethod | null;
}

/** `password`: the sign-in screen's password; `entPage`: « Se connecter avec la page de l'ENT ». */
export type SignInMethod = "password" | "entPage";

/** `kept`: in a keyring that survives a restart; `untilRestart`: only the kernel's keyring; `no`: none. */
export type Remembered = "kept" | "untilRestart" | "no";

export interface StoreRecovery {
  /** Where the damaged file was moved (kept). */
  damagedFile: string;
  /** Unsent actions carried over into the new copy; `null` when they could not be read. */
  recoveredActions: number | null;
}

/** What erasing the local copy would lose (core `Unsent`). */
export interface Unsent {
  /** Messages sent that have not left yet. */
  messages: number;
  /** Drafts the ENT does not have yet. */
  drafts: number;
}

export type SyncStatus =
  | { kind: "idle" }
  | { kind: "syncing"; done: number; total: number }
  | { kind: "upToDate"; at: number }
  | { kind: "offline"; since: number };

/** What the backend pushes to the window (mapped from core `Event`). */
export type MailboxEvent =
  | { kind: "progress"; done: number; total: number }
  | { kind: "syncDone"; at: number }
  | { kind: "connectivity"; online: boolean; at: number }
  /** Messages changed in the local store (sync or action): lists and counts must be read again. */
  | { kind: "messagesChanged"; ids: string[] }
  | { kind: "foldersChanged" }
  /** The set of messages with actions not yet confirmed by the ENT changed. */
  | { kind: "pendingChanged"; messageIds: string[] }
  | { kind: "actionRefused"; action: string; reason: string }
  /** A sync pass failed as a whole (the ENT refused the session, the disk is full…). */
  | {
      kind: "syncFailed";
      errorKind: string;
      message: string;
      /** The ENT page to open when `errorKind` is `actionNeeded`. */
      url?: string;
    }
  /** Unread messages that really arrived since the last sync (never on a first sync). */
  | { kind: "newMail"; messages: MessageSummary[] }
  /** The user clicked a new-mail notification: show that message. */
  | { kind: "openMessage"; id: string }
  /** A link inside a message body was clicked: ask before opening it. */
  | { kind: "linkClicked"; url: string };

/** An error a command returns (the app's `CommandError`). */
export interface CommandError {
  kind: string;
  message: string;
  /** The ENT page where the user must act (`actionNeeded` only). */
  url?: string;
}

/** What the ENT asks the user to do on its page before it takes any action. */
export type EntRequest = "terms" | "mail" | "mfa" | "other";

/** Reads what the ENT asks from its page's address (entcore's validation pages). */
export function entRequest(url: string): EntRequest {
  let path = "";
  try {
    path = new URL(url).pathname;
  } catch {
    return "other";
  }
  if (path.startsWith("/auth/revalidate-terms")) return "terms";
  if (path.startsWith("/auth/validate-mail")) return "mail";
  if (path.startsWith("/auth/validate-mfa")) return "mfa";
  return "other";
}

export type SignInErrorKind =
  | "wrongPassword"
  | "unreachable"
  | "notAnEnt"
  | "certificate"
  | "cancelled"
  | "other";

export interface SignInError {
  kind: SignInErrorKind;
  message: string;
}

export type SignInResult = { kind: "signedIn"; account: Account } | { kind: "failed"; error: SignInError };

export interface Credentials {
  entUrl: string;
  login: string;
  password: string;
  /** Keep the password in the OS keyring. */
  remember: boolean;
}

export type DemoRole = "teacher" | "pupil" | "parent";
