import { useEffect, useState } from "react";
import { describeError } from "../i18n/errors";
import { useI18n } from "../i18n/i18n";
import type { ComposeApi } from "./api";
import type { DraftView } from "../bindings/DraftView";

export interface SendStatusProps {
  api: ComposeApi;
  /** The message just sent (a new `seq` for each send), or null. */
  sent: { id: string; seq: number } | null;
  undoSeconds?: number;
  /** The send was taken back: the draft goes back to the composer. */
  onReopen: (draft: DraftView) => void;
}

type Notice = { key: number; text: string };

/** The « Message envoyé. » bar with its undo countdown, and the ENT's send reports. */
export function SendStatus({ api, sent, undoSeconds = 5, onReopen }: SendStatusProps) {
  const { t } = useI18n();
  const [notices, setNotices] = useState<Notice[]>([]);

  useEffect(() => {
    let next = 0;
    const add = (text: string) => setNotices((n) => [...n, { key: ++next, text }]);
    return api.subscribeCompose((e) => {
      if (e.kind === "sent") {
        if (e.inactive.length > 0) add(t("composer.inactive", { names: e.inactive.join(", ") }));
        if (e.undelivered.length > 0) add(t("composer.undelivered", { names: e.undelivered.join(", ") }));
      } else if (e.kind === "actionRefused" && e.action === "send") {
        // The ENT refused a queued send: the core put the message back among the drafts.
        add(t("composer.sendFailed", { message: e.reason }));
      }
    });
  }, [api, t]);

  return (
    <div className="cmp-status">
      {sent && (
        <UndoBar key={sent.seq} api={api} id={sent.id} seconds={undoSeconds} onReopen={onReopen} />
      )}
      {notices.map((n) => (
        <div key={n.key} className="cmp-report" role="alert" data-testid="send-report">
          <span>{n.text}</span>
          <button type="button" onClick={() => setNotices((all) => all.filter((x) => x.key !== n.key))}>
            {t("composer.dismiss")}
          </button>
        </div>
      ))}
    </div>
  );
}

function UndoBar({
  api,
  id,
  seconds,
  onReopen,
}: {
  api: ComposeApi;
  id: string;
  seconds: number;
  onReopen: (draft: DraftView) => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  // Counted from a deadline, not by ticks, so a late timer never stretches the delay.
  const [deadline] = useState(() => Date.now() + seconds * 1000);
  const [now, setNow] = useState(() => Date.now());
  const [state, setState] = useState<"waiting" | "undoing" | "tooLate" | "gone">("waiting");
  const [error, setError] = useState<string | null>(null);
  const left = Math.max(0, Math.ceil((deadline - now) / 1000));

  useEffect(() => {
    if (state !== "waiting") return;
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, [state]);

  useEffect(() => {
    if (state !== "tooLate") return;
    const timer = setTimeout(() => setState("gone"), 4000);
    return () => clearTimeout(timer);
  }, [state]);

  // The delay is over: the message left (or is leaving), nothing more to offer.
  if (state === "gone" || (state === "waiting" && left <= 0)) return null;

  const undo = async () => {
    setState("undoing");
    try {
      if (await api.cancelSend(id)) {
        const draft = await api.openDraft(id);
        setState("gone");
        onReopen(draft);
      } else {
        setState("tooLate");
      }
    } catch (e) {
      setError(describeError(i18n, e));
      setState("tooLate");
    }
  };

  return (
    <div className="cmp-undo" role="status">
      {state === "tooLate" ? (
        <span>{error ? t("composer.error", { message: error }) : t("composer.undoTooLate")}</span>
      ) : (
        <>
          <span>{t("composer.sent")}</span>
          <button type="button" data-testid="undo-send" disabled={state === "undoing"} onClick={() => void undo()}>
            {t("composer.undo")}
          </button>
          <span className="cmp-undo-countdown">{t("composer.undoCountdown", { seconds: left })}</span>
        </>
      )}
    </div>
  );
}
