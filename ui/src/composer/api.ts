// The composer's backend, fixed by the lead; ipc.ts implements it over Tauri commands
// (named in brackets), `ComposeFixture` in memory.
import type { Attachment, Recipient } from "../mailbox/types";
/** Someone or some group the user may write to (core `Visible`). */
export interface Visible { id: string; displayName: string; kind: "User" | "Group" | "BroadcastGroup" | string; profile: string | null; nbUsers: number | null; groupType: string | null; structureName: string | null; usedIn: string[]; }
/** What is sent and saved (core `DraftContent`): ids only. */
export interface DraftContent { subject: string; body: string; to: string[]; cc: string[]; cci: string[]; inReplyTo: string | null; }
/** A message being written, with names for the chips. `id` null until first saved. */
export interface DraftView { id: string | null; subject: string; body: string; to: Recipient[]; cc: Recipient[]; cci: Recipient[]; inReplyTo: string | null; attachments: Attachment[]; }
export interface RefusedRecipient { id: string; reason: string; }
export interface Quota { quota: number; storage: number; }
/** A file the user chose (native dialog or drop): an opaque token, never a path, and its name. */
export interface PickedFile { token: string; name: string; }
export type ComposeEvent =
  | { kind: "sent"; id: string; inactive: string[]; undelivered: string[] }   // the ENT's send report
  | { kind: "sendFailed"; id: string; message: string }                        // refused: back in Brouillons
  | { kind: "uploadProgress"; draftId: string; path: string; sent: number; total: number } // bytes of one file going up (`path`: its token)
  | { kind: "filesDropped"; files: PickedFile[] };                              // files dropped on the window, as tokens
export interface ComposeApi {
  suggestRecipients(query: string): Promise<Visible[]>;            // [suggest_recipients] offline, from the cached list
  checkRecipients(ids: string[]): Promise<RefusedRecipient[]>;     // [check_recipients] before sending
  quota(): Promise<Quota>;                                         // [quota]
  newDraft(): DraftView;                                           // pure, no backend call
  openDraft(id: string): Promise<DraftView>;                       // [open_draft]
  replyDraft(id: string, all: boolean): Promise<DraftView>;        // [reply_draft] « Re : », quoted history, recipients
  forwardDraft(id: string): Promise<DraftView>;                    // [forward_draft] « Tr : », the original's attachments
  saveDraft(id: string | null, content: DraftContent): Promise<string>;  // [save_draft] → id (offline too)
  deleteDraft(id: string): Promise<void>;                          // [delete_forever] « Annuler » of a saved draft
  send(id: string | null, content: DraftContent, undoSeconds: number): Promise<string>; // [send_message] leaves after undoSeconds
  cancelSend(id: string): Promise<boolean>;                        // [cancel_send] true = taken back, it is a draft again
  pickFiles(): Promise<PickedFile[]>;                              // [pick_files] native dialog; tokens, never paths
  addAttachment(draftId: string, token: string): Promise<Attachment>;    // [add_attachment] a picked token; rejects {kind:"refused", message} when it does not fit, {kind:"invalidInput"} for a path or a device
  removeAttachment(draftId: string, attachmentId: string): Promise<void>;
  subscribeCompose(listener: (e: ComposeEvent) => void): () => void;
}
