import { useEffect, useState } from "react";
import { useI18n } from "../i18n/i18n";
import { ConfirmDialog } from "../mailbox/Dialog";
import type { RecallStatus } from "../bindings/RecallStatus";
import type { WritingApi } from "./api";

/**
 * « Rappeler » on a message of « Messages envoyés »: shown while the ENT allows it (its sender,
 * within the recall delay, with the right); disabled offline, its hint saying why (a recall
 * must be immediate, it is never queued). Asks first, in the ENT's words, what recipients see.
 */
export function RecallButton({
  api,
  id,
  online,
  onDone,
  onError,
}: {
  api: WritingApi;
  id: string;
  online: boolean;
  onDone: () => void;
  onError: (e: unknown) => void;
}) {
  const { t, longDateTime } = useI18n();
  const [status, setStatus] = useState<RecallStatus | null>(null);
  const [asking, setAsking] = useState(false);
  const [refused, setRefused] = useState(false);
  useEffect(() => {
    let live = true;
    api.recallStatus(id).then(
      (s) => live && setStatus(s),
      () => live && setStatus(null),
    );
    return () => {
      live = false;
    };
  }, [api, id]);
  if (refused && status) {
    return (
      <p role="alert" className="mbx-error" data-testid="recall-refused">
        {t("writing.recallRefused", { minutes: status.delayMinutes })}
      </p>
    );
  }
  if (!status || status.blocked !== null) return null;
  const hint = online
    ? status.until !== null
      ? t("writing.recallUntil", { time: longDateTime(status.until) })
      : undefined
    : t("writing.recallOffline");
  return (
    <>
      <button type="button" data-testid="recall" disabled={!online} title={hint} aria-description={hint} onClick={() => setAsking(true)}>
        {t("writing.recall")}
      </button>
      {asking && (
        <ConfirmDialog
          title={t("writing.recallTitle")}
          confirmLabel={t("writing.recallTitle")}
          danger
          onCancel={() => setAsking(false)}
          onConfirm={() => {
            setAsking(false);
            api.recall(id).then(onDone, (e: unknown) => {
              if (typeof e === "object" && e !== null && (e as { kind?: string }).kind === "refused") setRefused(true);
              else onError(e);
            });
          }}
        >
          <p>{t("writing.recallConfirm")}</p>
        </ConfirmDialog>
      )}
    </>
  );
}
