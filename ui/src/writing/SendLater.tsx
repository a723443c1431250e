import { useId, useState } from "react";
import { useI18n } from "../i18n/i18n";
import { ConfirmDialog } from "../mailbox/Dialog";
import { fromLocalInput, mondayAt730, toLocalInput, tomorrowAt730 } from "./when";

/**
 * « Envoyer plus tard »: « Demain 7 h 30 », « Lundi 7 h 30 », or a date and time. `onPick` gets
 * the chosen moment in epoch milliseconds.
 */
export function SendLater({
  disabled,
  now = () => new Date(),
  onPick,
}: {
  disabled: boolean;
  now?: () => Date;
  onPick: (due: number) => void;
}) {
  const { t, longDateTime } = useI18n();
  const [open, setOpen] = useState(false);
  const [value, setValue] = useState("");
  const inputId = useId();
  const chosen = fromLocalInput(value);
  const valid = chosen !== null && chosen.getTime() > now().getTime();
  const pick = (d: Date) => {
    setOpen(false);
    onPick(d.getTime());
  };
  return (
    <>
      <button
        type="button"
        data-testid="send-later"
        disabled={disabled}
        onClick={() => {
          setValue(toLocalInput(new Date(now().getTime() + 3600_000)));
          setOpen(true);
        }}
      >
        {t("writing.sendLater")}
      </button>
      {open && (
        <ConfirmDialog
          title={t("writing.sendLater")}
          confirmLabel={t("writing.schedule")}
          onCancel={() => setOpen(false)}
          onConfirm={() => {
            if (valid && chosen) pick(chosen);
          }}
          extra={
            <>
              <button type="button" data-testid="send-later-tomorrow" onClick={() => pick(tomorrowAt730(now()))}>
                {t("writing.tomorrow")}
              </button>
              <button type="button" data-testid="send-later-monday" onClick={() => pick(mondayAt730(now()))}>
                {t("writing.monday")}
              </button>
            </>
          }
        >
          <label htmlFor={inputId}>{t("writing.pickTime")}</label>{" "}
          <input
            id={inputId}
            type="datetime-local"
            data-testid="send-later-at"
            value={value}
            onChange={(e) => setValue(e.target.value)}
          />
          <p role="status">
            {valid && chosen ? t("writing.scheduledFor", { date: longDateTime(chosen.getTime()) }) : t("writing.pickFuture")}
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}
