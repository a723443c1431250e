// The composer's backend, fixed by the lead; ipc.ts implements it over Tauri commands
// (named in brackets), `ComposeFixture` in memory. The types come from Rust (../bindings).
import type { Attachment } from "../bindings/Attachment";
import type { DraftContent } from "../bindings/DraftContent";
import type { DraftView } from "../bindings/DraftView";
import type { MailboxEvent } from "../bindings/MailboxEvent";
import type { InlineImage } from "../bindings/InlineImage";
import type { Picked } from "../bindings/Picked";
import type { Quota } from "../bindings/Quota";
import type { RefusedRecipient } from "../bindings/RefusedRecipient";
import type { Visible } from "../bindings/Visible";
/**
 * The events of the `mailbox` stream the composer acts on: the ENT's send report, a queued send
 * the ENT refused (`actionRefused` of `send`: the message is a draft again), the bytes of an
 * attachment the ENT has received, and files dropped on the window (as tokens).
 */
export type ComposeEvent = Extract<MailboxEvent, { kind: "sent" | "actionRefused" | "uploadProgress" | "filesDropped" }>;
export interface ComposeApi {
  suggestRecipients(query: string): Promise<Visible[]>;            // [suggest_recipients] offline, from the cached list
  checkRecipients(ids: string[]): Promise<RefusedRecipient[]>;     // [check_recipients] before sending; the UI words the reason
  quota(): Promise<Quota>;                                         // [quota]
  newDraft(): DraftView;                                           // pure, no backend call
  openDraft(id: string): Promise<DraftView>;                       // [open_draft]
  replyDraft(id: string, all: boolean): Promise<DraftView>;        // [reply_draft] « Re : », quoted history, recipients
  forwardDraft(id: string): Promise<DraftView>;                    // [forward_draft] « Tr : », the original's attachments
  saveDraft(id: string | null, content: DraftContent): Promise<string>;  // [save_draft] → id (offline too)
  deleteDraft(id: string): Promise<void>;                          // [delete_draft] « Annuler » of a saved draft
  send(id: string | null, content: DraftContent, undoSeconds: number): Promise<string>; // [send_message] leaves after undoSeconds
  cancelSend(id: string): Promise<boolean>;                        // [cancel_send] true = taken back, it is a draft again
  pickFiles(): Promise<Picked[]>;                                  // [pick_files] native dialog; tokens, never paths
  addAttachment(draftId: string, token: string): Promise<Attachment>;    // [add_attachment] a picked token; rejects {kind:"refused", message} when it does not fit, {kind:"invalidInput"} for a path or a device
  removeAttachment(draftId: string, attachmentId: string): Promise<void>;
  insertImage(token: string): Promise<InlineImage>;                // [insert_image] « Image »: a picked token uploaded to the workspace as the ENT's editor does; rejects {kind:"invalidInput"} for what is not an image
  entImage(src: string): Promise<string | null>;                   // [ent_image] an ENT image of a body as a data: URL, for the editor
  subscribeCompose(listener: (e: ComposeEvent) => void): () => void;
  /** [quit-requested] The app is about to quit: `save` runs first and the app waits for it. */
  onQuitRequested(save: () => Promise<void>): () => void;
}
