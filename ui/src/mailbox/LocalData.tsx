// What the window says about the data kept on this computer: the sign-out dialog (which names
// the unsent messages erasing the local copy would lose) and the notices about the account
// (a password no keyring could keep, a damaged local copy replaced).
import { useEffect, useState } from "react";
import { useI18n } from "../i18n/i18n";
import type { MailboxApi } from "./api";
import { ConfirmDialog } from "./Dialog";
import type { AccountInfo } from "../bindings/AccountInfo";
import type { Unsent } from "../bindings/Unsent";

export function SignOutDialog({
  api,
  initialErase = false,
  onConfirm,
  onCancel,
}: {
  api: Pick<MailboxApi, "unsentWork">;
  /** « Effacer la copie locale » in « Paramètres » opens it ticked. */
  initialErase?: boolean;
  onConfirm: (eraseLocalCopy: boolean) => void;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  const [erase, setErase] = useState(initialErase);
  const [unsent, setUnsent] = useState<Unsent | null>(null);
  useEffect(() => {
    let live = true;
    api.unsentWork().then(
      (u) => live && setUnsent(u),
      () => live && setUnsent(null),
    );
    return () => {
      live = false;
    };
  }, [api]);
  const losing = erase && unsent !== null && unsent.messages + unsent.drafts > 0;
  return (
    <ConfirmDialog
      title={t("signOut.title")}
      confirmLabel={losing ? t("signOut.eraseAnyway") : t("signOut.confirm")}
      danger={losing}
      onCancel={onCancel}
      onConfirm={() => onConfirm(erase)}
    >
      <label className="mbx-check">
        <input type="checkbox" checked={erase} onChange={(e) => setErase(e.target.checked)} />
        {t("signOut.erase")}
      </label>
      {losing && unsent && (
        <div className="mbx-warning" role="alert" data-testid="sign-out-unsent">
          <p>{t("signOut.willBeLost")}</p>
          <ul>
            {unsent.messages > 0 && (
              <li>
                {unsent.messages === 1
                  ? t("signOut.unsentMessagesOne")
                  : t("signOut.unsentMessagesMany", { count: unsent.messages })}
              </li>
            )}
            {unsent.drafts > 0 && (
              <li>
                {unsent.drafts === 1
                  ? t("signOut.unsentDraftsOne")
                  : t("signOut.unsentDraftsMany", { count: unsent.drafts })}
              </li>
            )}
          </ul>
        </div>
      )}
    </ConfirmDialog>
  );
}

/** Notices about the open account, each dismissible. */
export function AccountNotices({ account }: { account: AccountInfo | null }) {
  const { t } = useI18n();
  const [dismissed, setDismissed] = useState<string[]>([]);
  if (!account) return null;
  const notices: { key: string; text: string }[] = [];
  // After a sign-in on the ENT's page the keyring holds the ENT session, not a password.
  const session = account.signedInWith === "entPage";
  if (account.remembered === "no") {
    notices.push({ key: "password", text: t(session ? "notice.sessionNotKept" : "notice.passwordNotKept") });
  }
  if (account.remembered === "untilRestart") {
    notices.push({
      key: "password",
      text: t(session ? "notice.sessionUntilRestart" : "notice.passwordUntilRestart"),
    });
  }
  const recovery = account.storeRecovery;
  if (recovery) {
    const queue =
      recovery.recoveredActions === null
        ? t("notice.queueNotRead")
        : recovery.recoveredActions > 0
          ? t("notice.queueKept", { count: recovery.recoveredActions })
          : "";
    notices.push({
      key: "store",
      text: `${t("notice.storeRecovered", { file: recovery.damagedFile })} ${queue}`.trim(),
    });
  }
  return (
    <>
      {notices
        .filter((n) => !dismissed.includes(n.key))
        .map((n) => (
          <div key={n.key} className="mbx-notice" aria-live="polite" data-testid={`notice-${n.key}`}>
            <span>{n.text}</span>
            <button type="button" onClick={() => setDismissed((d) => [...d, n.key])}>
              {t("actions.dismiss")}
            </button>
          </div>
        ))}
    </>
  );
}
