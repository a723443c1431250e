// What the window's live region says (polite): new mail, and the sync status when it changes
// meaning (offline, back online, the first pass done), never the pass-by-pass progress that
// the status line shows, so a screen reader is not told « À jour » at every refresh.
import type { I18n } from "../i18n/i18n";
import type { MessageSummary } from "../bindings/MessageSummary";
import type { SyncStatus } from "./types";

export type Announcement =
  | { kind: "newMail"; count: number; from: string | null; subject: string }
  | { kind: "offline" }
  | { kind: "online" }
  | { kind: "upToDate" };

/** The live region's content: the text and a number that changes with each announcement, so
 * that the same words said twice (two single new messages) are announced twice. */
export interface Announced {
  seq: number;
  message: Announcement;
}

/** The announcement the sync's move from `before` to `after` deserves, if any. `announcedOnce`:
 * the mailbox was already said to be up to date (it is said once per window). */
export function syncAnnouncement(before: SyncStatus, after: SyncStatus, announcedOnce: boolean): Announcement | null {
  if (after.kind === "offline") return before.kind === "offline" ? null : { kind: "offline" };
  if (before.kind === "offline") return { kind: "online" };
  if (after.kind === "upToDate" && before.kind !== "upToDate" && !announcedOnce) return { kind: "upToDate" };
  return null;
}

export function newMailAnnouncement(messages: MessageSummary[]): Announcement | null {
  const [first] = messages;
  if (!first) return null;
  return { kind: "newMail", count: messages.length, from: first.from?.displayName ?? null, subject: first.subject };
}

/** `preview`: the user lets notifications show the sender and the subject (« Paramètres »);
 * off, a screen reader heard by a class says only « Nouveau message », as the notification. */
export function announcementText(a: Announcement, { t }: I18n, preview = true): string {
  switch (a.kind) {
    case "newMail":
      if (a.count > 1) return t("announce.newMails", { count: a.count });
      return preview
        ? t("announce.newMail", { from: a.from ?? t("message.noSender"), subject: a.subject || t("list.noSubject") })
        : t("announce.newMailNoPreview");
    case "offline":
      return t("announce.offline");
    case "online":
      return t("announce.online");
    case "upToDate":
      return t("announce.upToDate");
  }
}
