import { describeError } from "../i18n/errors";
import type { WritingApi } from "../writing/api";
import { SendLater } from "../writing/SendLater";
import { clockTime } from "../writing/when";
import { useEffect, useId, useState, type DragEvent } from "react";
import { ariaKeys, shortcutFor } from "../shortcuts";
import { ConfirmDialog } from "../mailbox/Dialog";
import { useI18n, type I18n, type MessageKey } from "../i18n/i18n";
import { formatSize } from "../i18n/size";
import type { ComposeApi } from "./api";
import { MessageEditor } from "./Editor";
import { Icon } from "./icons";
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
  const [quietEnd, setQuietEnd] = useState<number | null>(null);
  useEffect(() => {
    let live = true;
    writing?.quietHoursEnd().then(
      (end) => live && setQuietEnd(end),
      () => undefined, // no offer: « Envoyer plus tard » stays
    );
    return () => {
      live = false;
    };
  }, [writing]);
  const scheduleAt = (due: number) => {
    if (!writing) return;
    void store.schedule((id, content) => writing.scheduleMessage(id, content, due)).then((id) => {
      if (id !== null) {
        onScheduled?.(id, due);
        onClose();
      }
    });
  };
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
        if (shortcutFor(e, "composer", true)?.id === "send" && canSend) {
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

      <MessageEditor
        i18n={i18n}
        initialHtml={initialBody}
        onChange={(html) => store.setBody(html)}
        images={{ pick: () => store.pickImages(), load: (src) => api.entImage(src) }}
      />

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
        <button type="button" className="mbx-primary" data-testid="send" aria-keyshortcuts={ariaKeys("send")} disabled={!canSend} onClick={() => void send()}>
          {state.sending ? t("composer.sending") : t("composer.send")}
        </button>
        {writing && quietEnd !== null && (
          // Written during the user's quiet hours (« droit à la déconnexion »): offered to leave
          // when they end, so that the colleague is not written to in the evening.
          <button type="button" data-testid="send-at-quiet-end" disabled={!canSend} onClick={() => scheduleAt(quietEnd)}>
            {t("writing.sendAtQuietEnd", { time: clockTime(i18n.locale, quietEnd) })}
          </button>
        )}
        {writing && <SendLater disabled={!canSend} onPick={scheduleAt} />}
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
          <Icon name="paperclip" /> {t("composer.attach")}
        </button>
        {spaceLeft !== null && (
          <span className="cmp-space" data-testid="space-left">
            {t("composer.space", { size: formatSize(i18n.locale, spaceLeft) })}
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
                <span className="cmp-attachment-size">{formatSize(i18n.locale, a.attachment.size)}</span>
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
