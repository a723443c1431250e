import { describeError } from "../i18n/errors";
import type { WritingApi } from "../writing/api";
import { SendLater } from "../writing/SendLater";
import { useEffect, useId, useRef, useState, type DragEvent } from "react";
import { ConfirmDialog } from "../mailbox/Dialog";
import { useI18n, type I18n, type MessageKey } from "../i18n/i18n";
import type { ComposeApi } from "./api";
import { cleanPastedHtml, textToHtml } from "./html";
import { RecipientField } from "./RecipientField";
import { ComposerStore, useComposerState, type AttachmentItem, type Field } from "./store";
import "./composer.css";
import type { DraftView } from "../bindings/DraftView";

export interface ComposerProps {
  api: ComposeApi;
  draft: DraftView;
  /** The composer is done (sent, discarded or closed); the host unmounts it. */
  onClose: () => void;
  /** The message was handed to the backend; it leaves after `undoSeconds`. */
  onSent?: (id: string) => void;
  undoSeconds?: number;
  /** « Envoyer plus tard »; without it the composer sends now only. */
  writing?: WritingApi;
  /** The message was scheduled (it waits in « Programmés »). */
  onScheduled?: (id: string, due: number) => void;
}

/** Sizes as the ENT shows them: « 12,3 Mo ». */
export function formatBytes(locale: string, bytes: number): string {
  const tag = locale === "fr" ? "fr-FR" : "en-GB";
  const mb = Math.max(0, bytes) / (1024 * 1024);
  if (mb < 1) {
    return new Intl.NumberFormat(tag, { style: "unit", unit: "kilobyte", maximumFractionDigits: 0 }).format(
      Math.max(0, bytes) / 1024,
    );
  }
  return new Intl.NumberFormat(tag, { style: "unit", unit: "megabyte", maximumFractionDigits: 1 }).format(mb);
}

const FIELD_LABEL: Record<Field, MessageKey> = { to: "composer.to", cc: "composer.cc", cci: "composer.cci" };

/** A message being written: recipients, subject, rich body, attachments; saved as it goes. */
export function Composer({ api, draft, onClose, onSent, undoSeconds = 5, writing, onScheduled }: ComposerProps) {
  const i18n = useI18n();
  const { t } = i18n;
  const [store] = useState(() => new ComposerStore(api, draft));
  const state = useComposerState(store);
  const [confirming, setConfirming] = useState(false);
  const [dropNotice, setDropNotice] = useState(false);
  const [dragging, setDragging] = useState(false);
  const [initialBody] = useState(draft.body);
  const subjectId = useId();

  useEffect(() => store.start(), [store]);

  const canSend = ComposerStore.canSend(state);
  const title = draft.id === null && draft.inReplyTo === null && draft.subject === "" ? t("composer.new") : state.subject || t("composer.new");

  const send = async () => {
    const id = await store.send(undoSeconds);
    if (id !== null) {
      onSent?.(id);
      onClose();
    }
  };

  const cancel = () => {
    if (ComposerStore.isEmpty(store.getState())) void discard();
    else setConfirming(true);
  };

  const discard = async () => {
    setConfirming(false);
    await store.discard();
    onClose();
  };

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    // The page never takes a path: files dropped on the app's window arrive as tokens from
    // the native side (`filesDropped`); a drop the page sees has none, so it says to use the
    // button.
    setDropNotice(e.dataTransfer.files.length > 0);
  };

  return (
    <section
      className={dragging ? "cmp cmp-dragging" : "cmp"}
      data-testid="composer"
      aria-label={t("composer.label")}
      onDragOver={(e) => {
        if (Array.from(e.dataTransfer.types).includes("Files")) {
          e.preventDefault();
          setDragging(true);
        }
      }}
      onDragLeave={(e) => {
        if (e.currentTarget === e.target) setDragging(false);
      }}
      onDrop={onDrop}
      onKeyDown={(e) => {
        if ((e.ctrlKey || e.metaKey) && e.key === "Enter" && canSend) {
          e.preventDefault();
          void send();
        }
      }}
    >
      <header className="cmp-head">
        <h2>{title}</h2>
        <span className="cmp-save-state" role="status">
          {state.saving
            ? t("composer.saving")
            : state.savedAt !== null
              ? t("composer.savedAt", { time: i18n.time(state.savedAt) })
              : ""}
        </span>
        <button
          type="button"
          className="cmp-close"
          aria-label={t("composer.close")}
          title={t("composer.close")}
          onClick={() => void store.close().finally(onClose)}
        >
          ×
        </button>
      </header>

      {state.error && (
        <div className="cmp-error" role="alert">
          <span>{t("composer.error", { message: describeError(i18n, state.error) })}</span>
          <button type="button" onClick={() => store.dismissError()}>
            {t("composer.dismiss")}
          </button>
        </div>
      )}

      {(["to", "cc", "cci"] as const).map((f) => (
        <RecipientField
          key={f}
          api={api}
          field={f}
          label={t(FIELD_LABEL[f])}
          chips={state[f]}
          onAdd={(v) => store.addRecipient(f, v)}
          onRemove={(id) => store.removeRecipient(f, id)}
        />
      ))}

      <div className="cmp-field cmp-subject">
        <label className="cmp-field-label" htmlFor={subjectId}>
          {t("composer.subject")}
        </label>
        <input
          id={subjectId}
          data-testid="subject"
          value={state.subject}
          onChange={(e) => store.setSubject(e.target.value)}
        />
      </div>

      <RichBody i18n={i18n} initialHtml={initialBody} onChange={(html) => store.setBody(html)} />

      <Attachments
        i18n={i18n}
        items={state.attachments}
        spaceLeft={state.quota ? state.quota.quota - state.quota.storage : null}
        dropNotice={dropNotice}
        onAttach={() => void store.pickFiles()}
        onRemove={(key) => void store.removeAttachment(key)}
        onDismiss={(key) => store.dismissAttachment(key)}
      />
      {dragging && <div className="cmp-drop-hint">{t("composer.dropHere")}</div>}

      <footer className="cmp-actions">
        <button type="button" className="mbx-primary" data-testid="send" disabled={!canSend} onClick={() => void send()}>
          {state.sending ? t("composer.sending") : t("composer.send")}
        </button>
        {writing && (
          <SendLater
            disabled={!canSend}
            onPick={(due) =>
              void store.schedule((id, content) => writing.scheduleMessage(id, content, due)).then((id) => {
                if (id !== null) {
                  onScheduled?.(id, due);
                  onClose();
                }
              })
            }
          />
        )}
        <button type="button" data-testid="save-draft" disabled={state.sending} onClick={() => void store.save()}>
          {t("composer.saveDraft")}
        </button>
        <button type="button" data-testid="cancel" disabled={state.sending} onClick={cancel}>
          {t("composer.cancel")}
        </button>
      </footer>

      {confirming && (
        <ConfirmDialog
          title={t("composer.confirmCancelTitle")}
          confirmLabel={t("composer.confirmCancelButton")}
          danger
          onCancel={() => setConfirming(false)}
          onConfirm={() => void discard()}
        >
          <p>{t("composer.confirmCancel")}</p>
        </ConfirmDialog>
      )}
    </section>
  );
}

type Command = { key: MessageKey; label: string; command: string; value?: string };

/** The toolbar; "link" asks for the address first. */
const COMMANDS: readonly Command[] = [
  { key: "composer.bold", label: "G", command: "bold" },
  { key: "composer.italic", label: "I", command: "italic" },
  { key: "composer.underline", label: "S", command: "underline" },
  { key: "composer.bulletList", label: "•", command: "insertUnorderedList" },
  { key: "composer.numberList", label: "1.", command: "insertOrderedList" },
  { key: "composer.link", label: "🔗", command: "link" },
  { key: "composer.quote", label: "❝", command: "formatBlock", value: "blockquote" },
];

function exec(command: string, value?: string): void {
  // execCommand is deprecated but is still the only editing API WebKitGTK offers.
  if (typeof document.execCommand === "function") document.execCommand(command, false, value);
}

const LINK = /^(https?:\/\/|mailto:)\S+$/i;

/** The body: a contenteditable the app fills once, then only reads. */
function RichBody({
  i18n,
  initialHtml,
  onChange,
}: {
  i18n: I18n;
  initialHtml: string;
  onChange: (html: string) => void;
}) {
  const { t } = i18n;
  const ref = useRef<HTMLDivElement>(null);
  const savedRange = useRef<Range | null>(null);
  const [linking, setLinking] = useState(false);
  const [address, setAddress] = useState("https://");
  const [cleanInitial] = useState(() => cleanPastedHtml(initialHtml));

  const changed = () => {
    if (ref.current) onChange(ref.current.innerHTML);
  };
  const run = (command: string, value?: string) => {
    ref.current?.focus();
    exec(command, value);
    changed();
  };
  const startLink = () => {
    const sel = window.getSelection();
    savedRange.current = sel && sel.rangeCount > 0 ? sel.getRangeAt(0).cloneRange() : null;
    setLinking(true);
  };

  const applyLink = () => {
    const url = address.trim();
    if (!LINK.test(url)) return;
    setLinking(false);
    ref.current?.focus();
    const sel = window.getSelection();
    if (sel && savedRange.current) {
      sel.removeAllRanges();
      sel.addRange(savedRange.current);
    }
    if (sel && sel.isCollapsed) exec("insertHTML", `<a href="${url.replace(/"/g, "&quot;")}">${url.replace(/</g, "&lt;")}</a>`);
    else exec("createLink", url);
    changed();
  };

  return (
    <div className="cmp-body-wrap">
      <div className="cmp-toolbar" role="toolbar" aria-label={t("composer.toolbar")}>
        {COMMANDS.map((c) => (
          <button
            key={c.key}
            type="button"
            aria-label={t(c.key)}
            title={t(c.key)}
            // mousedown keeps the selection in the body.
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => (c.command === "link" ? startLink() : run(c.command, c.value))}
          >
            {c.label}
          </button>
        ))}
        {linking && (
          <span className="cmp-link-form">
            <input
              aria-label={t("composer.linkAddress")}
              value={address}
              autoFocus
              onChange={(e) => setAddress(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === "Enter") {
                  e.preventDefault();
                  applyLink();
                } else if (e.key === "Escape") {
                  e.preventDefault();
                  e.stopPropagation();
                  setLinking(false);
                }
              }}
            />
            <button type="button" disabled={!LINK.test(address.trim())} onClick={applyLink}>
              {t("composer.linkApply")}
            </button>
          </span>
        )}
      </div>
      <div
        ref={ref}
        className="cmp-body"
        data-testid="body"
        role="textbox"
        aria-multiline="true"
        aria-label={t("composer.body")}
        contentEditable
        suppressContentEditableWarning
        dangerouslySetInnerHTML={{ __html: cleanInitial }}
        onInput={changed}
        onPaste={(e) => {
          const html = e.clipboardData.getData("text/html");
          const text = e.clipboardData.getData("text/plain");
          if (!html && !text) return;
          e.preventDefault();
          exec("insertHTML", html ? cleanPastedHtml(html) : textToHtml(text));
          changed();
        }}
      />
    </div>
  );
}

function Attachments({
  i18n,
  items,
  spaceLeft,
  dropNotice,
  onAttach,
  onRemove,
  onDismiss,
}: {
  i18n: I18n;
  items: AttachmentItem[];
  spaceLeft: number | null;
  dropNotice: boolean;
  onAttach: () => void;
  onRemove: (key: string) => void;
  onDismiss: (key: string) => void;
}) {
  const { t } = i18n;
  return (
    <section className="cmp-attachments" aria-label={t("composer.attachments")}>
      <div className="cmp-attach-row">
        <button type="button" data-testid="attach" onClick={onAttach}>
          📎 {t("composer.attach")}
        </button>
        {spaceLeft !== null && (
          <span className="cmp-space" data-testid="space-left">
            {t("composer.space", { size: formatBytes(i18n.locale, spaceLeft) })}
          </span>
        )}
      </div>
      {dropNotice && (
        <p className="cmp-notice" role="alert">
          {t("composer.dropNoPath")}
        </p>
      )}
      {items.length > 0 && (
        <ul>
          {items.map((a) => (
            <li key={a.key} data-testid="attachment" data-status={a.status} className={`cmp-attachment cmp-attachment-${a.status}`}>
              <span className="cmp-attachment-name">{a.name}</span>
              {a.status === "uploading" && (
                <span className="cmp-attachment-size" aria-busy="true" data-testid="upload-progress">
                  {t("composer.uploading")}
                </span>
              )}
              {a.status === "done" && a.attachment && a.upload !== null && (
                <UploadProgress share={a.upload} label={t("composer.uploading")} />
              )}
              {a.status === "done" && a.attachment && a.upload === null && (
                <span className="cmp-attachment-size">{formatBytes(i18n.locale, a.attachment.size)}</span>
              )}
              {a.status === "failed" && (
                <span className="cmp-attachment-error" role="alert">
                  {a.error && describeError(i18n, a.error)}
                </span>
              )}
              {a.status !== "uploading" && (
                <button
                  type="button"
                  aria-label={t("composer.removeAttachment", { name: a.name })}
                  onClick={() => (a.status === "failed" ? onDismiss(a.key) : onRemove(a.key))}
                >
                  ×
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** « envoi… » with a bar and the percentage the ENT has received (the core's `uploadProgress`). */
function UploadProgress({ share, label }: { share: number; label: string }) {
  const percent = Math.round(share * 100);
  return (
    <span className="cmp-attachment-size" aria-busy="true" data-testid="upload-progress">
      {label} <progress max={100} value={percent} /> {percent} %
    </span>
  );
}
