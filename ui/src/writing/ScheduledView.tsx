import { useCallback, useEffect, useState } from "react";
import { describeError } from "../i18n/errors";
import { useI18n } from "../i18n/i18n";
import type { ScheduledSend } from "../bindings/ScheduledSend";
import type { WritingApi } from "./api";

/**
 * « Programmés »: the messages waiting in the queue for their time, soonest first; each can be
 * opened (and changed) in the composer, sent now or cancelled (a draft again).
 */
export function ScheduledView({ api, onOpen }: { api: WritingApi; onOpen: (id: string) => void }) {
  const i18n = useI18n();
  const { t, longDateTime } = i18n;
  const [items, setItems] = useState<ScheduledSend[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reload = useCallback(() => {
    api.scheduledMessages().then(setItems, (e: unknown) => setError(describeError(i18n, e)));
  }, [api, i18n]);
  useEffect(() => {
    reload();
    return api.subscribeWriting((e) => {
      if (e.kind === "messagesChanged" || e.kind === "sent" || e.kind === "sentLate") reload();
    });
  }, [api, reload]);
  const act = (run: Promise<unknown>) => void run.then(reload, (e: unknown) => setError(describeError(i18n, e)));
  return (
    <section className="mbx-reading wrt-scheduled" aria-label={t("writing.scheduled")} data-testid="scheduled-view">
      <h2>{t("writing.scheduled")}</h2>
      {error && (
        <p role="alert" className="mbx-error">
          {error}
        </p>
      )}
      {items !== null && items.length === 0 && <p>{t("writing.scheduledEmpty")}</p>}
      <ul className="wrt-scheduled-list">
        {(items ?? []).map((s) => (
          <li key={s.id} data-testid="scheduled-item">
            <strong>{s.subject || t("list.noSubject")}</strong>{" "}
            <span>{t("list.to", { names: s.to.map((r) => r.displayName).join(", ") })}</span>{" "}
            <time dateTime={new Date(s.due).toISOString()}>{t("writing.scheduledFor", { date: longDateTime(s.due) })}</time>{" "}
            <button type="button" onClick={() => onOpen(s.id)}>
              {t("writing.openScheduled")}
            </button>
            <button type="button" data-testid="scheduled-send-now" onClick={() => act(api.sendScheduledNow(s.id))}>
              {t("writing.sendNow")}
            </button>
            <button type="button" data-testid="scheduled-cancel" onClick={() => act(api.cancelScheduled(s.id))}>
              {t("writing.cancelScheduled")}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
