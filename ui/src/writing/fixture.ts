// An in-memory `WritingApi` for tests and the browser preview.
import type { DraftContent } from "../bindings/DraftContent";
import type { RecallStatus } from "../bindings/RecallStatus";
import type { ScheduledSend } from "../bindings/ScheduledSend";
import type { Signature } from "../bindings/Signature";
import type { WritingApi, WritingEvent } from "./api";

export class WritingFixture implements WritingApi {
  sig: Signature = { useSignature: false, signature: "" };
  status: RecallStatus = { blocked: null, until: Date.UTC(2026, 10, 30, 9, 0), delayMinutes: 60 };
  recallRefused = false;
  recalled: string[] = [];
  scheduled: (ScheduledSend & { content: DraftContent })[] = [];
  sentNow: string[] = [];
  /** When the quiet hours in force end; null: not in quiet hours. */
  quietEnd: number | null = null;
  private listeners: ((e: WritingEvent) => void)[] = [];

  quietHoursEnd(): Promise<number | null> {
    return Promise.resolve(this.quietEnd);
  }
  signature(): Promise<Signature> {
    return Promise.resolve({ ...this.sig });
  }
  setSignature(signature: Signature): Promise<void> {
    this.sig = { ...signature };
    return Promise.resolve();
  }
  signatureBlock(): Promise<string> {
    return Promise.resolve(this.sig.useSignature && this.sig.signature ? `<p></p><p></p>${this.sig.signature}` : "");
  }
  recallStatus(): Promise<RecallStatus> {
    return Promise.resolve({ ...this.status });
  }
  recall(id: string): Promise<void> {
    if (this.recallRefused) return Promise.reject({ kind: "refused", message: "conversation.error.recall.mail" });
    this.recalled.push(id);
    return Promise.resolve();
  }
  scheduleMessage(id: string | null, content: DraftContent, due: number): Promise<string> {
    const mid = id ?? `local-${this.scheduled.length + 1}`;
    this.scheduled = this.scheduled.filter((s) => s.id !== mid);
    this.scheduled.push({ id: mid, subject: content.subject, to: [], due, content });
    return Promise.resolve(mid);
  }
  scheduledMessages(): Promise<ScheduledSend[]> {
    return Promise.resolve(
      [...this.scheduled].sort((a, b) => a.due - b.due).map(({ id, subject, to, due }) => ({ id, subject, to, due })),
    );
  }
  sendScheduledNow(id: string): Promise<boolean> {
    const had = this.scheduled.some((s) => s.id === id);
    this.scheduled = this.scheduled.filter((s) => s.id !== id);
    if (had) this.sentNow.push(id);
    return Promise.resolve(had);
  }
  cancelScheduled(id: string): Promise<boolean> {
    const had = this.scheduled.some((s) => s.id === id);
    this.scheduled = this.scheduled.filter((s) => s.id !== id);
    return Promise.resolve(had);
  }
  subscribeWriting(listener: (e: WritingEvent) => void): () => void {
    this.listeners.push(listener);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }
  emit(e: WritingEvent): void {
    for (const l of this.listeners) l(e);
  }
}
