// The mailbox window's own view types and constants. Every type that crosses IPC is generated
// from Rust into ../bindings (ts-rs) and imported from there: none is written twice here.

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

export type SyncStatus =
  | { kind: "idle" }
  /** `bodies`: the count is of bodies downloaded (a listing may still be going on). */
  | { kind: "syncing"; done: number; total: number; bodies?: boolean }
  | { kind: "upToDate"; at: number }
  | { kind: "offline"; since: number };

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
