// Issue 16's backend (signature, « Rappeler », « Envoyer plus tard »): ipc.ts implements it over
// Tauri commands (named in brackets), `WritingFixture` in memory. Types come from Rust.
import type { DraftContent } from "../bindings/DraftContent";
import type { MailboxEvent } from "../bindings/MailboxEvent";
import type { RecallStatus } from "../bindings/RecallStatus";
import type { ScheduledSend } from "../bindings/ScheduledSend";
import type { Signature } from "../bindings/Signature";

/** The events of the `mailbox` stream these views act on. */
export type WritingEvent = Extract<MailboxEvent, { kind: "sentLate" | "signatureChanged" | "messagesChanged" | "sent" }>;

export interface WritingApi {
  signature(): Promise<Signature>;                                 // [signature] the ENT's, the cached one offline
  setSignature(signature: Signature): Promise<void>;               // [set_signature] here at once, on the ENT through the queue
  signatureBlock(): Promise<string>;                               // [signature_block] what a new message starts with
  recallStatus(id: string): Promise<RecallStatus>;                 // [recall_status]
  recall(id: string): Promise<void>;                               // [recall_message] rejects {kind:"refused"} after the delay
  scheduleMessage(id: string | null, content: DraftContent, due: number): Promise<string>; // [schedule_message]
  scheduledMessages(): Promise<ScheduledSend[]>;                   // [scheduled_messages] soonest first
  sendScheduledNow(id: string): Promise<boolean>;                  // [send_scheduled_now]
  cancelScheduled(id: string): Promise<boolean>;                   // [cancel_scheduled] a draft again
  quietHoursEnd(): Promise<number | null>;                         // [quiet_hours_end] when the quiet hours in force end; null outside them
  subscribeWriting(listener: (e: WritingEvent) => void): () => void;
}

export function isWritingEvent(e: MailboxEvent): e is WritingEvent {
  return e.kind === "sentLate" || e.kind === "signatureChanged" || e.kind === "messagesChanged" || e.kind === "sent";
}
