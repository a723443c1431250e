import { useI18n, type I18n } from "../i18n/i18n";
import type { AccountInfo } from "../bindings/AccountInfo";
import type { OpenAccount } from "../bindings/OpenAccount";

export interface AccountSwitcherProps {
  accounts: OpenAccount[];
  /** The account on screen; `null` while « Toutes les boîtes de réception » shows. */
  shownId: string | null;
  unified: boolean;
  onShow: (id: string) => void;
  onUnified: () => void;
  onAdd: () => void;
  onRemove: (account: AccountInfo) => void;
}

/** The ENT's host, which tells apart one person's accounts on two ENTs. */
export function entHost(account: AccountInfo): string {
  try {
    return new URL(account.entUrl).host;
  } catch {
    return account.entUrl;
  }
}

/** « Marie Durand (ent.ecole-a.fr) ». */
export function accountLabel(account: AccountInfo): string {
  return `${account.displayName} (${entHost(account)})`;
}

function unreadText(t: I18n["t"], count: number): string {
  return count === 1 ? t("accounts.unreadOne") : t("accounts.unreadMany", { count });
}

/** A line's unread count: the number shows, its words are read. */
function Count({ count }: { count: number }) {
  const { t } = useI18n();
  if (count === 0) return null;
  return (
    <>
      <span className="mbx-account-count" aria-hidden="true">
        {count}
      </span>
      <span className="mbx-sr">, {unreadText(t, count)}</span>
    </>
  );
}

/**
 * The top of the folder pane: every open account with its inbox's unread count, « Toutes les
 * boîtes de réception » when there are two or more, « Ajouter un compte » and « Retirer ce
 * compte ». Plain buttons (Tab and Enter), the one on screen marked `aria-current`.
 */
export function AccountSwitcher({ accounts, shownId, unified, onShow, onUnified, onAdd, onRemove }: AccountSwitcherProps) {
  const { t } = useI18n();
  const shown = unified ? undefined : accounts.find((a) => a.account.id === shownId);
  const total = accounts.reduce((sum, a) => sum + a.inboxUnread, 0);
  return (
    <nav className="mbx-accounts" aria-label={t("accounts.label")} data-testid="account-switcher">
      <ul>
        {accounts.length > 1 && (
          <li>
            <button
              type="button"
              className="mbx-account-line mbx-account-all"
              aria-current={unified ? "true" : undefined}
              data-testid="unified-inbox"
              onClick={onUnified}
            >
              <span className="mbx-account-name">{t("accounts.unified")}</span>
              <Count count={total} />
            </button>
          </li>
        )}
        {accounts.map(({ account, inboxUnread }) => (
          <li key={account.id}>
            <button
              type="button"
              className="mbx-account-line"
              aria-current={!unified && account.id === shownId ? "true" : undefined}
              data-account={account.id}
              onClick={() => onShow(account.id)}
            >
              <span className="mbx-account-name">{account.displayName}</span>
              <span className="mbx-account-host">{entHost(account)}</span>
              <Count count={inboxUnread} />
            </button>
          </li>
        ))}
      </ul>
      <div className="mbx-account-tools">
        <button type="button" data-testid="add-account" onClick={onAdd}>
          {t("accounts.add")}
        </button>
        {shown && (
          <button type="button" data-testid="remove-account" onClick={() => onRemove(shown.account)}>
            {t("accounts.remove")}
          </button>
        )}
      </div>
    </nav>
  );
}
