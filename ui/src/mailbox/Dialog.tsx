import { useEffect, useId, useRef, type ReactNode } from "react";
import { useI18n } from "../i18n/i18n";

/** A modal confirmation: focus goes to the confirm button, Escape cancels. */
export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  danger = false,
  extra,
  onConfirm,
  onCancel,
}: {
  title: string;
  children?: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  /** More buttons, between « Annuler » and the confirm button. */
  extra?: ReactNode;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  const titleId = useId();
  const confirmRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    confirmRef.current?.focus();
  }, []);
  return (
    <div className="mbx-backdrop">
      <div
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        className="mbx-dialog"
        onKeyDown={(e) => {
          if (e.key === "Escape") {
            e.stopPropagation();
            onCancel();
          }
        }}
      >
        <h2 id={titleId}>{title}</h2>
        <div className="mbx-dialog-body">{children}</div>
        <div className="mbx-dialog-buttons">
          <button type="button" onClick={onCancel}>
            {t("actions.cancel")}
          </button>
          {extra}
          <button
            type="button"
            ref={confirmRef}
            className={danger ? "mbx-danger" : "mbx-primary"}
            onClick={onConfirm}
          >
            {confirmLabel}
          </button>
        </div>
      </div>
    </div>
  );
}
