// The state of one message being written: plain data replaced as a whole on each change and read
// by React through `useSyncExternalStore`. It owns the autosave timer and the order of the
// backend calls (never two saves at once, attachments only on a saved draft).
import { useSyncExternalStore } from "react";
import { asCommandError } from "../i18n/errors";
import type { ComposeApi } from "./api";
import { htmlText } from "./html";
import type { Attachment } from "../bindings/Attachment";
import type { CommandError } from "../bindings/CommandError";
import type { DraftContent } from "../bindings/DraftContent";
import type { DraftView } from "../bindings/DraftView";
import type { Picked } from "../bindings/Picked";
import type { Quota } from "../bindings/Quota";
import type { Recipient } from "../bindings/Recipient";
import type { RefusalReason } from "../bindings/RefusalReason";
import type { Visible } from "../bindings/Visible";
import type { InlineImage } from "../bindings/InlineImage";
import { rememberShown } from "./extensions";

export type Field = "to" | "cc" | "cci";
export const FIELDS: readonly Field[] = ["to", "cc", "cci"];

export interface Chip {
  recipient: Recipient;
  status: "checking" | "ok" | "refused";
  /** Why the ENT's rules refuse it; the field words it. */
  reason: RefusalReason | null;
}

export interface AttachmentItem {
  key: string;
  name: string;
  /** `uploading`: being added to the draft (copied into the account, queued for the ENT). */
  status: "uploading" | "done" | "failed";
  /** Share of the file the ENT has received, 0..1, while the queued upload runs; null otherwise. */
  upload: number | null;
  attachment: Attachment | null;
  error: CommandError | null;
}

export interface ComposerState {
  id: string | null;
  subject: string;
  body: string;
  to: Chip[];
  cc: Chip[];
  cci: Chip[];
  inReplyTo: string | null;
  attachments: AttachmentItem[];
  quota: Quota | null;
  /** Bumped on each change the user makes; saved when it differs from `savedVersion`. */
  version: number;
  savedVersion: number;
  saving: boolean;
  savedAt: number | null;
  sending: boolean;
  error: CommandError | null;
}

export const AUTOSAVE_MS = 2000;

export function toRecipient(v: Visible): Recipient {
  return { id: v.id, displayName: v.displayName, isGroup: v.kind !== "User", profile: v.profile, size: v.nbUsers };
}

const chip = (recipient: Recipient): Chip => ({ recipient, status: "checking", reason: null });


export class ComposerStore {
  private state: ComposerState;
  private listeners = new Set<() => void>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private inFlight: Promise<string | null> | null = null;
  private nextKey = 1;
  private closed = false;

  constructor(
    private readonly api: ComposeApi,
    draft: DraftView,
  ) {
    const ok = (r: Recipient): Chip => chip(r);
    this.state = {
      id: draft.id,
      subject: draft.subject,
      body: draft.body,
      to: draft.to.map(ok),
      cc: draft.cc.map(ok),
      cci: draft.cci.map(ok),
      inReplyTo: draft.inReplyTo,
      attachments: draft.attachments.map((a) => ({
        key: `a${this.nextKey++}`,
        name: a.filename,
        status: "done",
        upload: null,
        attachment: a,
        error: null,
      })),
      quota: null,
      version: 0,
      savedVersion: 0,
      saving: false,
      savedAt: null,
      sending: false,
      error: null,
    };
  }

  getState = (): ComposerState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  private update(change: (s: ComposerState) => Partial<ComposerState>): void {
    this.state = { ...this.state, ...change(this.state) };
    for (const l of this.listeners) l();
  }

  /** Checks the recipients the draft came with and reads the space left. */
  start(): () => void {
    this.closed = false;
    const ids = FIELDS.flatMap((f) => this.state[f].map((c) => c.recipient.id));
    if (ids.length > 0) this.check(ids);
    this.refreshQuota();
    const off = this.api.subscribeCompose((e) => {
      if (e.kind === "filesDropped") void this.addFiles(e.files);
      if (e.kind === "uploadProgress") this.uploaded(e.attachmentId, e.sent, e.total);
    });
    const offQuit = this.api.onQuitRequested(() => this.saveBeforeQuit());
    return () => {
      off();
      offQuit();
      this.stop();
    };
  }

  /** The app is quitting: a change still waiting for its autosave is saved, and the app waits. */
  async saveBeforeQuit(): Promise<void> {
    if (this.timer !== null && !this.closed) await this.save();
    await this.settle();
  }

  /** Unmounted: a change still waiting for its autosave is saved now rather than lost. */
  stop(): void {
    const waiting = this.timer !== null;
    this.clearTimer();
    if (waiting && !this.closed) void this.save();
  }

  /** The ENT received `sent` bytes of `total` of an attachment of this draft. */
  private uploaded(attachmentId: string, sent: number, total: number): void {
    const share = total > 0 && sent < total ? sent / total : null;
    if (!this.state.attachments.some((a) => a.attachment?.id === attachmentId)) return;
    this.update((s) => ({
      attachments: s.attachments.map((a) => (a.attachment?.id === attachmentId ? { ...a, upload: share } : a)),
    }));
  }

  private refreshQuota(): void {
    this.api.quota().then(
      (quota) => this.update(() => ({ quota })),
      () => undefined,
    );
  }

  // ---- what the user types ---------------------------------------------------------------

  private touch(change: (s: ComposerState) => Partial<ComposerState>): void {
    this.update((s) => ({ ...change(s), version: s.version + 1 }));
    this.clearTimer();
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.save();
    }, AUTOSAVE_MS);
  }

  setSubject(subject: string): void {
    this.touch(() => ({ subject }));
  }

  setBody(body: string): void {
    if (body === this.state.body) return;
    this.touch(() => ({ body }));
  }

  addRecipient(field: Field, visible: Visible): void {
    if (this.state[field].some((c) => c.recipient.id === visible.id)) return;
    this.touch((s) => ({ [field]: [...s[field], chip(toRecipient(visible))] }));
    this.check([visible.id]);
  }

  removeRecipient(field: Field, id: string): void {
    this.touch((s) => ({ [field]: s[field].filter((c) => c.recipient.id !== id) }));
  }

  private check(ids: string[]): void {
    const mark = (status: (id: string) => Pick<Chip, "status" | "reason"> | null) =>
      this.update((s) => {
        const out: Partial<ComposerState> = {};
        for (const f of FIELDS) {
          out[f] = s[f].map((c) => {
            const next = ids.includes(c.recipient.id) ? status(c.recipient.id) : null;
            return next ? { ...c, ...next } : c;
          });
        }
        return out;
      });
    this.api.checkRecipients(ids).then(
      (refused) =>
        mark((id) => {
          const r = refused.find((x) => x.id === id);
          return r ? { status: "refused", reason: r.reason } : { status: "ok", reason: null };
        }),
      // Unchecked (the backend failed): the ENT still refuses at sending time.
      () => mark(() => ({ status: "ok", reason: null })),
    );
  }

  // ---- derived -------------------------------------------------------------------------

  static recipientCount(s: ComposerState): number {
    return s.to.length + s.cc.length + s.cci.length;
  }

  static isEmpty(s: ComposerState): boolean {
    return (
      ComposerStore.recipientCount(s) === 0 &&
      s.subject.trim() === "" &&
      htmlText(s.body) === "" &&
      s.attachments.length === 0
    );
  }

  static refused(s: ComposerState): Chip[] {
    return FIELDS.flatMap((f) => s[f].filter((c) => c.status === "refused"));
  }

  static canSend(s: ComposerState): boolean {
    const chips = FIELDS.flatMap((f) => s[f]);
    return (
      chips.length > 0 &&
      chips.every((c) => c.status === "ok") &&
      (s.subject.trim() !== "" || htmlText(s.body) !== "") &&
      !s.attachments.some((a) => a.status === "uploading") &&
      !s.sending
    );
  }

  content(): DraftContent {
    const s = this.state;
    const ids = (f: Field) => s[f].map((c) => c.recipient.id);
    return { subject: s.subject, body: s.body, to: ids("to"), cc: ids("cc"), cci: ids("cci"), inReplyTo: s.inReplyTo };
  }

  // ---- saving ----------------------------------------------------------------------------

  private clearTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Saves now if anything changed (or nothing was ever saved); resolves to the draft id. */
  save(): Promise<string | null> {
    this.clearTimer();
    // One save at a time: a change made meanwhile is saved right after.
    if (this.inFlight) return this.inFlight.then(() => this.save());
    const s = this.state;
    if (s.id !== null && s.version === s.savedVersion) return Promise.resolve(s.id);
    const version = s.version;
    this.update(() => ({ saving: true }));
    const run = this.api.saveDraft(s.id, this.content()).then(
      (id) => {
        this.inFlight = null;
        this.update(() => ({ id, savedVersion: version, saving: false, savedAt: Date.now(), error: null }));
        return id;
      },
      (e: unknown) => {
        this.inFlight = null;
        this.update(() => ({ saving: false, error: asCommandError(e) }));
        return null;
      },
    );
    this.inFlight = run;
    return run;
  }

  /** Resolves when no save is running. */
  private async settle(): Promise<void> {
    while (this.inFlight) await this.inFlight;
  }

  // ---- attachments -------------------------------------------------------------------------

  /** Attaches files the user picked or dropped, by their tokens (the window never holds a path). */
  async addFiles(files: Picked[]): Promise<void> {
    if (files.length === 0) return;
    const items: AttachmentItem[] = files.map((f) => ({
      key: `a${this.nextKey++}`,
      name: f.name,
      status: "uploading",
      upload: null,
      attachment: null,
      error: null,
    }));
    this.update((s) => ({ attachments: [...s.attachments, ...items] }));
    const patch = (key: string, change: Partial<AttachmentItem>) =>
      this.update((s) => ({ attachments: s.attachments.map((a) => (a.key === key ? { ...a, ...change } : a)) }));
    const id = this.state.id ?? (await this.save());
    for (const [i, item] of items.entries()) {
      if (id === null) {
        patch(item.key, { status: "failed", error: this.state.error });
        continue;
      }
      try {
        const attachment = await this.api.addAttachment(id, files[i]?.token ?? "");
        patch(item.key, { status: "done", attachment, name: attachment.filename });
      } catch (e) {
        patch(item.key, { status: "failed", error: asCommandError(e) });
      }
    }
    this.refreshQuota();
  }

  async pickFiles(): Promise<void> {
    try {
      await this.addFiles(await this.api.pickFiles());
    } catch (e) {
      this.update(() => ({ error: asCommandError(e) }));
    }
  }

  /**
   * « Image »: the files the user picks, each uploaded to the workspace as the ENT's editor
   * does; what to insert, in order (a file refused shows its error, the others go in).
   */
  async pickImages(): Promise<InlineImage[]> {
    const out: InlineImage[] = [];
    try {
      for (const picked of await this.api.pickFiles()) {
        try {
          const image = await this.api.insertImage(picked.token);
          rememberShown(image.src, image.dataUrl);
          out.push(image);
        } catch (e) {
          this.update(() => ({ error: asCommandError(e) }));
        }
      }
    } catch (e) {
      this.update(() => ({ error: asCommandError(e) }));
    }
    if (out.length > 0) this.refreshQuota();
    return out;
  }

  async removeAttachment(key: string): Promise<void> {
    const item = this.state.attachments.find((a) => a.key === key);
    if (!item) return;
    const drop = () => this.update((s) => ({ attachments: s.attachments.filter((a) => a.key !== key) }));
    if (item.status !== "done" || !item.attachment || this.state.id === null) {
      drop();
      return;
    }
    try {
      await this.api.removeAttachment(this.state.id, item.attachment.id);
      drop();
      this.refreshQuota();
    } catch (e) {
      this.update(() => ({ error: asCommandError(e) }));
    }
  }

  // ---- leaving -------------------------------------------------------------------------------

  /** Sends; resolves to the message id, or null when the backend refused (the error shows). */
  async send(undoSeconds: number): Promise<string | null> {
    if (!ComposerStore.canSend(this.state)) return null;
    this.clearTimer();
    this.update(() => ({ sending: true }));
    await this.settle();
    try {
      const id = await this.api.send(this.state.id, this.content(), undoSeconds);
      this.closed = true;
      return id;
    } catch (e) {
      this.update(() => ({ sending: false, error: asCommandError(e) }));
      return null;
    }
  }

  /**
   * « Envoyer plus tard »: hands the message to `schedule` (the backend queues it with its due
   * time); resolves to its id, or null when refused (the error shows).
   */
  async schedule(schedule: (id: string | null, content: DraftContent) => Promise<string>): Promise<string | null> {
    if (!ComposerStore.canSend(this.state)) return null;
    this.clearTimer();
    this.update(() => ({ sending: true }));
    await this.settle();
    try {
      const id = await schedule(this.state.id, this.content());
      this.closed = true;
      return id;
    } catch (e) {
      this.update(() => ({ sending: false, error: asCommandError(e) }));
      return null;
    }
  }

  /** « Annuler »: forgets the message, deleting its saved draft. */
  async discard(): Promise<void> {
    this.clearTimer();
    this.closed = true;
    await this.settle();
    if (this.state.id === null) return;
    try {
      await this.api.deleteDraft(this.state.id);
    } catch (e) {
      // The composer closes all the same; the draft stays in Brouillons, nothing is lost.
      this.update(() => ({ error: asCommandError(e) }));
    }
  }

  /** Closing without discarding: saves what changed first. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const s = this.state;
    if (s.version !== s.savedVersion) await this.save();
    else await this.settle();
  }

  dismissError(): void {
    this.update(() => ({ error: null }));
  }

  dismissAttachment(key: string): void {
    this.update((s) => ({ attachments: s.attachments.filter((a) => a.key !== key) }));
  }
}

export function useComposerState(store: ComposerStore): ComposerState {
  return useSyncExternalStore(store.subscribe, store.getState);
}
