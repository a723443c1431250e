import { useState, type ReactNode } from "react";
import { ariaKeys } from "../shortcuts";
import { useI18n, type I18n } from "../i18n/i18n";
import { formatSize } from "../i18n/size";
import { BODY_SANDBOX, buildSrcdoc } from "./body";
import { ConfirmDialog } from "./Dialog";
import { splitName, visibleName } from "./filename";
import type { DownloadProgress } from "../bindings/DownloadProgress";
import type { Attachment } from "../bindings/Attachment";
import type { Decision } from "../bindings/Decision";
import type { Message } from "../bindings/Message";
import type { OpenOutcome } from "../bindings/OpenOutcome";
import type { Recipient } from "../bindings/Recipient";
import type { SafeBody } from "../bindings/SafeBody";
import type { ErrorKind } from "../bindings/ErrorKind";
import { ERROR_KEYS } from "../i18n/errors";
import type { OpenMessage } from "./store";

export interface ReadingPaneProps {
  /** The open message (its links and whether it shows remote images come from the Rust side
   * too; nothing is recomputed here). */
  open: OpenMessage | null;
  remoteImagesAllowed: boolean;
  onAllowRemoteImages: (id: string) => void;
  onOpenLink: (url: string) => void;
  /** « Ouvrir »; resolves to null when it failed (the window reports the error). */
  onOpenAttachment: (
    messageId: string,
    attachmentId: string,
    options: { insist?: boolean; onProgress?: (p: DownloadProgress) => void },
  ) => Promise<OpenOutcome | null>;
  onSaveAttachment: (
    messageId: string,
    attachmentId: string,
    onProgress?: (p: DownloadProgress) => void,
  ) => Promise<void>;
  onSetUnread: (id: string, unread: boolean) => void;
  /** « Répondre » / « Répondre à tous »; absent when the window cannot write. */
  onReply?: (id: string, all: boolean) => void;
  /** « Transférer »; absent when the window cannot write. */
  onForward?: (id: string) => void;
  /** More actions for this message (« Rappeler » in « Messages envoyés »). */
  actions?: ReactNode;
  /** « Imprimer » (also Ctrl+P); absent when the window cannot print. */
  onPrint?: (id: string) => void;
  /** « Afficher par conversation »: the conversation's other messages, shown above this one. */
  thread?: ReactNode;
}

export function ReadingPane(props: ReadingPaneProps) {
  const { t } = useI18n();
  const { open } = props;
  if (!open) {
    return (
      <section className="mbx-reading mbx-reading-empty" aria-label={t("message.body")}>
        <p>{t("message.none")}</p>
      </section>
    );
  }
  if (!open.message) {
    return (
      <section className="mbx-reading mbx-reading-empty" aria-busy="true" aria-label={t("message.body")}>
        <p>{t("message.loading")}</p>
      </section>
    );
  }
  return (
    <MessageView
      key={open.message.id}
      message={open.message}
      body={open.body}
      bodyError={open.bodyError ?? null}
      {...props}
    />
  );
}

function MessageView({
  message,
  body,
  bodyError,
  remoteImagesAllowed,
  onAllowRemoteImages,
  onOpenLink,
  onOpenAttachment,
  onSaveAttachment,
  onSetUnread,
  onReply,
  onForward,
  actions,
  onPrint,
  thread,
}: ReadingPaneProps & { message: Message; body: SafeBody | null; bodyError: ErrorKind | null }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [linkToOpen, setLinkToOpen] = useState<string | null>(null);
  // Downloads under way, by attachment id, and the file « Ouvrir » would not open.
  const [downloads, setDownloads] = useState<Record<string, DownloadProgress>>({});
  const [notOpened, setNotOpened] = useState<{ attachment: Attachment; decision: Decision } | null>(
    null,
  );
  // The message's files: its attachments, then the ENT workspace documents its body links.
  const files = [...message.attachments, ...(body?.documents ?? [])];
  const track = (id: string) => (p: DownloadProgress) => setDownloads((d) => ({ ...d, [id]: p }));
  const untrack = (id: string) =>
    setDownloads((d) => Object.fromEntries(Object.entries(d).filter(([k]) => k !== id)));
  const open = async (a: Attachment, insist = false) => {
    try {
      const outcome = await onOpenAttachment(message.id, a.id, { insist, onProgress: track(a.id) });
      if (outcome?.kind === "ask") setNotOpened({ attachment: a, decision: outcome.decision });
    } finally {
      untrack(a.id);
    }
  };
  const save = async (a: Attachment) => {
    try {
      await onSaveAttachment(message.id, a.id, track(a.id));
    } finally {
      untrack(a.id);
    }
  };
  // Recalled by its sender (docs/protocol.md §4.10): the ENT blanks it for its recipients and
  // its web page shows « Message rappelé »; the sender keeps hers, marked recalled.
  const recalled = message.state === "RECALL";
  const recalledForMe = recalled && message.subject === "";
  const subject = recalledForMe ? t("writing.recalledSubject") : message.subject || t("list.noSubject");
  // Sent as « ne pas répondre »: the ENT offers no reply.
  const noReply = message.noReply === true;

  return (
    <article className="mbx-reading" aria-label={subject}>
      <header className="mbx-reading-head">
        <h2>{subject}</h2>
        {onReply && !noReply && (
          <>
            <button type="button" data-testid="reply" aria-keyshortcuts={ariaKeys("reply")} onClick={() => onReply(message.id, false)}>
              {t("composer.reply")}
            </button>
            <button type="button" data-testid="reply-all" aria-keyshortcuts={ariaKeys("replyAll")} onClick={() => onReply(message.id, true)}>
              {t("composer.replyAll")}
            </button>
          </>
        )}
        {onForward && (
          <button type="button" data-testid="forward" aria-keyshortcuts={ariaKeys("forward")} onClick={() => onForward(message.id)}>
            {t("composer.forward")}
          </button>
        )}
        <button type="button" onClick={() => onSetUnread(message.id, !message.unread)}>
          {message.unread ? t("message.markRead") : t("message.markUnread")}
        </button>
        {onPrint && (
          <button
            type="button"
            data-testid="print"
            title={t("message.printTitle")}
            aria-keyshortcuts="Control+P"
            onClick={() => onPrint(message.id)}
          >
            {t("message.print")}
          </button>
        )}
        {actions}
      </header>
      {thread}
      {recalled && (
        <p className="mbx-recalled" role="note" data-testid="recalled">
          {recalledForMe ? t("writing.recalledBody") : t("writing.recalledMine")}
        </p>
      )}
      <dl className="mbx-headers">
        <dt>{t("message.from")}</dt>
        <dd>
          {message.from ? <Recipients list={[message.from]} i18n={i18n} /> : t("message.noSender")}
        </dd>
        <RecipientLine label={t("message.to")} list={message.to} i18n={i18n} />
        <RecipientLine label={t("message.cc")} list={message.cc} i18n={i18n} />
        <RecipientLine label={t("message.cci")} list={message.cci} i18n={i18n} />
        <dt>{t("message.date")}</dt>
        <dd>
          <time dateTime={isoDate(message.date)}>
            {i18n.longDateTime(message.date)}
          </time>
        </dd>
      </dl>

      {recalledForMe ? null : body === null ? (
        <p className="mbx-body-missing">
          {bodyError === null || bodyError === "offline"
            ? t("message.bodyMissing")
            : t("message.bodyUnavailable", { reason: t(ERROR_KEYS[bodyError]) })}
        </p>
      ) : (
        <>
          {body.remoteImages && !remoteImagesAllowed && (
            <div className="mbx-remote-images" role="note">
              <span>{t("message.remoteImagesBlocked")}</span>
              <button type="button" onClick={() => onAllowRemoteImages(message.id)}>
                {t("message.showRemoteImages")}
              </button>
            </div>
          )}
          <iframe
            className="mbx-body"
            title={t("message.body")}
            sandbox={BODY_SANDBOX}
            referrerPolicy="no-referrer"
            srcDoc={buildSrcdoc(body.html, t)}
          />
          {body.links.length > 0 && (
            <nav className="mbx-links" aria-label={t("message.links")}>
              <h3>{t("message.links")}</h3>
              <ul>
                {body.links.map((url) => (
                  <li key={url}>
                    <button type="button" className="mbx-link" onClick={() => setLinkToOpen(url)}>
                      {url}
                    </button>
                  </li>
                ))}
              </ul>
            </nav>
          )}
        </>
      )}

      {files.length > 0 && (
        <section className="mbx-attachments" aria-label={t("message.attachments")}>
          <h3>{t("message.attachments")}</h3>
          <ul>
            {files.map((a) => (
              <AttachmentItem
                key={a.id}
                attachment={a}
                i18n={i18n}
                progress={downloads[a.id] ?? null}
                onOpen={() => void open(a)}
                onSave={() => void save(a)}
              />
            ))}
          </ul>
        </section>
      )}

      {notOpened && (
        <NotOpenedDialog
          decision={notOpened.decision}
          i18n={i18n}
          onCancel={() => setNotOpened(null)}
          onSave={() => {
            setNotOpened(null);
            void save(notOpened.attachment);
          }}
          onOpenAnyway={
            notOpened.decision.verdict === "ask"
              ? () => {
                  setNotOpened(null);
                  void open(notOpened.attachment, true);
                }
              : undefined
          }
        />
      )}

      {linkToOpen && (
        <ConfirmDialog
          title={t("message.openLink")}
          confirmLabel={t("message.openInBrowser")}
          onCancel={() => setLinkToOpen(null)}
          onConfirm={() => {
            onOpenLink(linkToOpen);
            setLinkToOpen(null);
          }}
        >
          <p>{t("message.openLinkExplain")}</p>
          <p className="mbx-address">
            <code>{linkToOpen}</code>
          </p>
        </ConfirmDialog>
      )}
    </article>
  );
}

/** The machine-readable date, or nothing for a date `Date` cannot hold. */
function isoDate(epochMs: number): string | undefined {
  return Number.isFinite(epochMs) && Math.abs(epochMs) <= 8.64e15
    ? new Date(epochMs).toISOString()
    : undefined;
}

function RecipientLine({ label, list, i18n }: { label: string; list: Recipient[]; i18n: I18n }) {
  if (list.length === 0) return null;
  return (
    <>
      <dt>{label}</dt>
      <dd>
        <Recipients list={list} i18n={i18n} />
      </dd>
    </>
  );
}

function Recipients({ list, i18n }: { list: Recipient[]; i18n: I18n }) {
  return (
    <ul className="mbx-recipients">
      {list.map((r) =>
        r.isGroup ? (
          <li
            key={r.id}
            className="mbx-recipient mbx-group"
            title={r.size === null ? i18n.t("message.group") : i18n.t("message.groupSize", { count: r.size })}
          >
            <span className="mbx-group-tag">{i18n.t("message.group")}</span> {r.displayName}
          </li>
        ) : (
          <li key={r.id} className="mbx-recipient">
            {r.displayName}
          </li>
        ),
      )}
    </ul>
  );
}

function AttachmentItem({
  attachment,
  i18n,
  progress,
  onOpen,
  onSave,
}: {
  attachment: Attachment;
  i18n: I18n;
  progress: DownloadProgress | null;
  onOpen: () => void;
  onSave: () => void;
}) {
  const { t } = i18n;
  // A video or sound of the ENT's workspace the body shows has no name until it is downloaded
  // (the core names its file as the ENT names it): it is labelled by what it is.
  const media =
    attachment.filename === "" && /^(video|audio)\//.test(attachment.contentType)
      ? t(attachment.contentType.startsWith("video/") ? "message.mediaVideoDocument" : "message.mediaAudioDocument")
      : null;
  const name = media ?? visibleName(attachment.filename);
  // The extension apart from the name: a name cannot pass an .exe off as a .pdf.
  const { stem, extension } = media === null ? splitName(attachment.filename) : { stem: media, extension: null };
  return (
    <li className="mbx-attachment" data-testid="received-attachment">
      <bdi className="mbx-attachment-name" title={name}>
        {stem}
      </bdi>
      {media === null && (
        <span
          className={extension ? "mbx-attachment-ext" : "mbx-attachment-ext mbx-attachment-ext-none"}
          data-testid="attachment-extension"
          title={t("message.fileType", { extension: extension ?? t("message.noExtension") })}
        >
          {extension ? extension.toUpperCase() : t("message.noExtension")}
        </span>
      )}
      {attachment.size > 0 && <span className="mbx-attachment-size">{formatSize(i18n.locale, attachment.size)}</span>}
      {progress && (
        <progress
          className="mbx-attachment-progress"
          data-testid="download-progress"
          aria-label={t("message.downloading", { name })}
          value={progress.done}
          max={Math.max(progress.total, progress.done, 1)}
        />
      )}
      <button type="button" onClick={onOpen} aria-label={`${t("message.open")} ${name}`}>
        {t("message.open")}
      </button>
      <button
        type="button"
        onClick={onSave}
       
        aria-label={`${t("message.saveAs")} ${name}`}
      >
        {t("message.saveAs")}
      </button>
    </li>
  );
}

/**
 * « Ouvrir » did not open the file: its real name, its extension and what its content is, and
 * « Enregistrer sous… »; « Ouvrir quand même » only for a document whose content does not match
 * its name, never for a program, a launcher, a script or a web page.
 */
function NotOpenedDialog({
  decision,
  i18n,
  onCancel,
  onSave,
  onOpenAnyway,
}: {
  decision: Decision;
  i18n: I18n;
  onCancel: () => void;
  onSave: () => void;
  onOpenAnyway?: () => void;
}) {
  const { t } = i18n;
  const why = decision.dangerous
    ? t("message.neverOpened")
    : decision.mismatch
      ? t("message.contentMismatch")
      : t("message.onlyDocuments");
  return (
    <ConfirmDialog
      title={t("message.notOpened")}
      confirmLabel={t("message.saveAs")}
      onConfirm={onSave}
      onCancel={onCancel}
      extra={
        onOpenAnyway && (
          <button type="button" onClick={onOpenAnyway}>
            {t("message.openAnyway")}
          </button>
        )
      }
    >
      <div data-testid="attachment-warning">
        <p>{why}</p>
        <dl className="mbx-file-facts">
          <dt>{t("message.fileName")}</dt>
          <dd>
            <bdi className="mbx-address">{decision.name}</bdi>
          </dd>
          <dt>{t("message.fileExtension")}</dt>
          <dd data-testid="warning-extension">
            {decision.extension ? decision.extension.toUpperCase() : t("message.noExtension")}
          </dd>
          <dt>{t("message.fileContent")}</dt>
          <dd data-testid="warning-detected">{decision.detected ?? t("message.contentUnknown")}</dd>
        </dl>
      </div>
    </ConfirmDialog>
  );
}
