import { useEffect, useId, useRef, type ReactNode, type RefObject } from "react";
import { useI18n } from "../i18n/i18n";

/**
 * A modal dialog over a backdrop, named by its title: `focus` takes the focus when it opens,
 * Escape calls `onEscape` (and goes no further).
 */
export function Modal({
  title,
  className,
  testId,
  focus,
  onEscape,
  children,
}: {
  title: string;
  className?: string;
  testId?: string;
  focus: RefObject<HTMLElement | null>;
  onEscape: () => void;
  children: ReactNode;
}) {
  const titleId = useId();
  useEffect(() => {
    focus.current?.focus();
  }, [focus]);
  return (
    <div className="mbx-backdrop">
      <div
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        className={className ? `mbx-dialog ${className}` : "mbx-dialog"}
        data-testid={testId}
        onKeyDown={(e) => {
          if (e.key === "Escape") {
            e.stopPropagation();
            onEscape();
          }
        }}
      >
        <h2 id={titleId}>{title}</h2>
        {children}
      </div>
    </div>
  );
}

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
  const confirmRef = useRef<HTMLButtonElement>(null);
  return (
    <Modal title={title} focus={confirmRef} onEscape={onCancel}>
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
    </Modal>
  );
}
