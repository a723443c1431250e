import { useRef } from "react";
import { useI18n, type MessageKey } from "../i18n/i18n";
import { Modal } from "../mailbox/Dialog";
import { comboLabel, SHORTCUTS, type Scope } from "./shortcuts";
import "./shortcuts.css";

const SCOPES: readonly { scope: Scope; title: MessageKey }[] = [
  { scope: "mailbox", title: "shortcuts.inMailbox" },
  { scope: "composer", title: "shortcuts.inComposer" },
];

/** « ? »: every shortcut of the table, by where it acts; Échap or « Fermer » closes it. */
export function ShortcutsDialog({ onClose }: { onClose: () => void }) {
  const { t, locale } = useI18n();
  const closeRef = useRef<HTMLButtonElement>(null);
  return (
    <Modal
      title={t("shortcuts.title")}
      className="kbd-dialog"
      testId="shortcuts"
      focus={closeRef}
      onEscape={onClose}
    >
      {SCOPES.map(({ scope, title }) => (
        <section key={scope} aria-label={t(title)}>
          <h3>{t(title)}</h3>
          <dl className="kbd-list">
            {SHORTCUTS.filter((s) => s.scope === scope).map((s) => (
              <div key={s.id} className="kbd-entry" data-shortcut={s.id}>
                <dt>
                  {s.keys.map((k, i) => (
                    <span key={i}>
                      {i > 0 && ` ${t("shortcuts.or")} `}
                      <kbd>{comboLabel(k, locale)}</kbd>
                    </span>
                  ))}
                </dt>
                <dd>{t(s.label)}</dd>
              </div>
            ))}
          </dl>
        </section>
      ))}
      <div className="mbx-dialog-buttons">
        <button type="button" ref={closeRef} onClick={onClose}>
          {t("shortcuts.close")}
        </button>
      </div>
    </Modal>
  );
}
