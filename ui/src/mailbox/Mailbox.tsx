import { describeError } from "../i18n/errors";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { I18nProvider, LocalePicker, useI18n, type Locale } from "../i18n/i18n";
import type { ComposeApi } from "../composer/api";
import { Composer } from "../composer/Composer";
import { SendStatus } from "../composer/SendStatus";
import type { MailboxApi } from "./api";
import { ConfirmDialog } from "./Dialog";
import { FolderPane, folderName } from "./FolderPane";
import { AccountNotices, SignOutDialog } from "./LocalData";
import { MessageList } from "./MessageList";
import { Splitter, gridColumns, usePaneWidths } from "./Panes";
import { ReadingPane } from "./ReadingPane";
import { ConversationThread } from "./ConversationThread";
import { initialState, MailboxStore, useMailboxState, type MailboxState } from "./store";
import { DRAFT, INBOX, OUTBOX, TRASH, entRequest } from "./types";
import "./mailbox.css";
import type { DraftView } from "../bindings/DraftView";
import type { Folder } from "../bindings/Folder";
import type { WritingApi } from "../writing/api";
import { RecallButton } from "../writing/RecallButton";
import { ScheduledView } from "../writing/ScheduledView";
import type { PrintApi } from "../print/api";
import { printMessages } from "../print/print";
import type { PrintItem } from "../print/printView";
import { ariaKeys, isTyping, keysLabel, ShortcutsDialog, shortcutFor, type ShortcutId } from "../shortcuts";
import { announcementText } from "./announce";
import { AccountSwitcher, accountLabel, entHost } from "./AccountSwitcher";
import type { AccountInfo } from "../bindings/AccountInfo";
import type { OpenAccount } from "../bindings/OpenAccount";
import type { MailboxEvent } from "../bindings/MailboxEvent";

/** Several ENT accounts side by side: what the switcher does (App.tsx holds which is shown). */
export interface AccountsProps {
  /** The account on screen (events of the others only notify); ignored in the unified view. */
  shownId: string | null;
  /** « Toutes les boîtes de réception » is on screen. */
  unified: boolean;
  onShow: (id: string) => void;
  onUnified: () => void;
  onAdd: () => void;
  /** An account was removed: the window shows another one, or the sign-in screen. */
  onRemoved: () => void;
  /** A notification of another account was clicked: show it and open the message. */
  onOpenInAccount: (account: string, messageId: string) => void;
  /** A message to open once the mailbox is drawn (a notification clicked). */
  openOnStart?: string;
}

/** The events after which an account's inbox count may have changed. */
const COUNTS_MAY_CHANGE = new Set<MailboxEvent["kind"]>([
  "newMail",
  "unreadCounts",
  "messagesChanged",
  "foldersChanged",
  "syncDone",
]);

/** The open accounts with their unread counts, read again after any event that may change one
 * (of any account). Calls made while one runs are folded into one follow-up. */
function useOpenAccounts(api: MailboxApi, on: boolean): OpenAccount[] {
  const [accounts, setAccounts] = useState<OpenAccount[]>([]);
  useEffect(() => {
    if (!on) return;
    let alive = true;
    let running = false;
    let again = false;
    const load = () => {
      if (running) {
        again = true;
        return;
      }
      running = true;
      api
        .accounts()
        .then(
          (list) => alive && setAccounts(list),
          () => undefined,
        )
        .finally(() => {
          running = false;
          if (again && alive) {
            again = false;
            load();
          }
        });
    };
    load();
    const stop = api.subscribe((e) => {
      if (COUNTS_MAY_CHANGE.has(e.kind)) load();
    });
    return () => {
      alive = false;
      stop();
    };
  }, [api, on]);
  return accounts;
}

export interface MailboxProps {
  api: MailboxApi;
  /** Controlled language; French when absent. */
  locale?: Locale;
  onLocaleChange?: (locale: Locale) => void;
  /** Called once the backend signed out. */
  onSignedOut?: (options: { eraseLocalCopy: boolean }) => void;
  /** The writing side; without it the window only reads (no « Créer », no « Répondre »). */
  compose?: ComposeApi;
  /** How long « Annuler l'envoi » is offered; 5 seconds by default. */
  undoSeconds?: number;
  /** « Paramètres » (the button and Ctrl+,); without it, neither shows. */
  onOpenSettings?: () => void;
  /** The signature, « Rappeler », « Envoyer plus tard » and « Programmés » (issue 16). */
  writing?: WritingApi;
  /** « Imprimer » and Ctrl+P; without it, neither shows. */
  print?: PrintApi;
  /** « Afficher par conversation » (the setting). */
  byConversation?: boolean;
  /** New mail is announced with its sender and subject (the notifications' preview setting). */
  announcePreview?: boolean;
  /** The account switcher and the unified view; without it, one account and no switcher. */
  accounts?: AccountsProps;
}

/** The three-pane mailbox window. */
export function Mailbox({
  api,
  locale,
  onLocaleChange,
  onSignedOut,
  compose,
  undoSeconds = 5,
  onOpenSettings,
  writing,
  print,
  byConversation = false,
  announcePreview = true,
  accounts,
}: MailboxProps) {
  const [ownLocale, setOwnLocale] = useState<Locale>("fr");
  const current = locale ?? ownLocale;
  return (
    <I18nProvider locale={current}>
      <MailboxWindow
        api={api}
        onLocaleChange={(l) => {
          setOwnLocale(l);
          onLocaleChange?.(l);
        }}
        onSignedOut={onSignedOut}
        compose={compose}
        undoSeconds={undoSeconds}
        onOpenSettings={onOpenSettings}
        writing={writing}
        print={print}
        byConversation={byConversation}
        announcePreview={announcePreview}
        accounts={accounts}
      />
    </I18nProvider>
  );
}

/** The count of the open message's conversation line: the reading pane reads the conversation
 * again when it changes. */
function threadRevision(state: MailboxState): number | undefined {
  const open = state.open?.message;
  if (!open) return undefined;
  const thread = open.threadId ?? open.id;
  return Object.values(state.conversations).find((c) => c.threadId === thread)?.count;
}

type Confirm = { title: string; body?: string; label: string; run: () => void };

/** Where the panes stack (200 % zoom, large text, a half screen): mailbox.css's breakpoint. */
const NARROW = "(max-width: 900px)";

/** Scrolls `pane` to the top of the window when the panes are stacked (side by side it shows). */
function showInNarrowWindow(pane: HTMLElement): void {
  if (typeof window.matchMedia === "function" && window.matchMedia(NARROW).matches) {
    pane.scrollIntoView({ block: "start" });
  }
}

/** Places with keys of their own, where single-key shortcuts stay off. */
const OWN_KEYS = '[role="dialog"], form, [role="tree"], [data-testid="composer"]';

/** A control that Enter or Space already activates (so the list's Enter and Space stay off). */
function activatesItself(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLButtonElement ||
    target instanceof HTMLInputElement ||
    target instanceof HTMLAnchorElement ||
    (target instanceof HTMLElement && target.tagName === "SUMMARY")
  );
}

function MailboxWindow({
  api,
  onLocaleChange,
  onSignedOut,
  compose,
  undoSeconds,
  onOpenSettings,
  writing,
  print,
  byConversation,
  announcePreview,
  accounts: switcher,
}: {
  accounts?: AccountsProps;
  api: MailboxApi;
  onLocaleChange: (l: Locale) => void;
  onSignedOut?: (options: { eraseLocalCopy: boolean }) => void;
  compose?: ComposeApi;
  undoSeconds: number;
  onOpenSettings?: () => void;
  writing?: WritingApi;
  print?: PrintApi;
  byConversation: boolean;
  announcePreview: boolean;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const unified = switcher?.unified ?? false;
  const [store] = useState(
    () =>
      new MailboxStore(
        api,
        { ...initialState, byConversation, unified },
        { accountId: switcher?.shownId ?? null, onOpenInAccount: switcher?.onOpenInAccount },
      ),
  );
  const openAccounts = useOpenAccounts(api, switcher !== undefined);
  const [removing, setRemoving] = useState<AccountInfo | null>(null);
  const state = useMailboxState(store);
  const [confirm, setConfirm] = useState<Confirm | null>(null);
  const [signingOut, setSigningOut] = useState(false);
  const searchRef = useRef<HTMLInputElement>(null);
  const panesRef = useRef<HTMLDivElement>(null);
  const panes = usePaneWidths(api, panesRef);
  // The composer takes the reading pane's place (as in Geary); a new key per opened draft.
  const [composing, setComposing] = useState<{ key: number; draft: DraftView } | null>(null);
  const [sent, setSent] = useState<{ id: string; seq: number } | null>(null);
  const composeSeq = useRef(0);
  // « Programmés » shows in the reading pane's place; the signature editor in a dialog (until
  // « Paramètres » mounts it); a scheduled message that left late is told once.
  const [showScheduled, setShowScheduled] = useState(false);
  const [showShortcuts, setShowShortcuts] = useState(false);
  const [lateDue, setLateDue] = useState<number | null>(null);
  useEffect(
    () =>
      writing?.subscribeWriting((e) => {
        if (e.kind === "sentLate") setLateDue(e.due);
      }),
    [writing],
  );
  // The composer takes the focus when it opens: a reply's body, a new message's « À ».
  useEffect(() => {
    if (!composing) return;
    const toBody = composing.draft.to.length > 0;
    // The editor's page appears a frame or so after the composer: wait a little for it.
    let frames = 0;
    let frame = 0;
    const focus = () => {
      const pane = document.querySelector<HTMLElement>('[data-testid="composer"]');
      const body = pane?.querySelector<HTMLElement>('[data-testid="body"]');
      if (toBody && !body && frames++ < 30) {
        frame = requestAnimationFrame(focus);
        return;
      }
      ((toBody ? body : null) ?? pane?.querySelector<HTMLElement>("input"))?.focus();
      if (pane) showInNarrowWindow(pane);
    };
    focus();
    return () => cancelAnimationFrame(frame);
  }, [composing]);
  const startCompose = useCallback(
    (draft: DraftView | Promise<DraftView>) => {
      Promise.resolve(draft).then(
        (d) => setComposing({ key: ++composeSeq.current, draft: d }),
        (e: unknown) => store.report(e),
      );
    },
    [store],
  );
  // Stable row handlers, so the list's memoised rows are not re-rendered by every update.
  // A draft opens in the composer, anything else in the reading pane.
  const openMessage = useCallback(
    (id: string) => {
      const s = store.getState();
      if (compose && (s.summaries[id]?.state === "DRAFT" || (s.selectedFolderId === DRAFT && !s.search.hits))) {
        startCompose(compose.openDraft(id));
      } else {
        // Reading another message puts the composer away; its unsaved changes are saved.
        setComposing(null);
        void store.open(id);
      }
    },
    [store, compose, startCompose],
  );
  // In a narrow window the panes stack: bring the message just opened into view, once it is
  // drawn (not at every refresh, which patches the open message).
  const openId = state.open?.id;
  const openDrawn = Boolean(state.open?.message);
  useEffect(() => {
    const pane = openId && openDrawn ? document.querySelector<HTMLElement>("article.mbx-reading") : null;
    if (pane) showInNarrowWindow(pane);
  }, [openId, openDrawn]);
  const toggleTick = useCallback((id: string) => store.toggleTick(id), [store]);
  const composeNew = () => {
    if (!compose) return;
    const blank = compose.newDraft();
    // As on the ENT, a new message starts with the signature when it is used.
    startCompose(
      writing
        ? writing.signatureBlock().then(
            (body) => ({ ...blank, body }),
            () => blank,
          )
        : blank,
    );
  };
  const report = (e: unknown) => store.report(e);
  // « Imprimer »: the message open in the reading pane (a list, so that a conversation is one call).
  // By conversation, the whole conversation, oldest first (each message read for its body).
  // The ENT's own images are printed as the reading pane shows them: inlined by the backend
  // (the print view loads nothing). Offline, the body prints without them.
  const withEntImages = (id: string, item: PrintItem): Promise<PrintItem> => {
    const body = item.body;
    if (!body?.entImages || store.getState().remoteImages[id]) return Promise.resolve(item);
    return api.showEntImages(id).then(
      (html) => ({ ...item, body: { ...body, html } }),
      () => item,
    );
  };
  const printOpen = (id: string) => {
    const { open, byConversation: whole } = store.getState();
    if (!print || open?.id !== id || !open.message) return;
    const shown = { message: open.message, body: open.body };
    const items = whole
      ? api
          .conversation(id)
          .then((thread) =>
            Promise.all(
              thread.map((m) =>
                m.id === id ? shown : api.read(m.id).then((o) => ({ message: o.message, body: o.body })),
              ),
            ),
          )
      : Promise.resolve([shown]);
    items
      .then((list) => Promise.all(list.map((item) => withEntImages(item.message.id, item))))
      .then((list) => printMessages(print, list, i18n))
      .catch(report);
  };

  useEffect(() => {
    const stop = store.start();
    void store.sync();
    return stop;
  }, [store]);

  // A notification of this account was clicked while another one showed: open its message.
  const openOnStart = switcher?.openOnStart;
  useEffect(() => {
    if (openOnStart) void store.selectFolder(INBOX).then(() => store.open(openOnStart));
  }, [store, openOnStart]);

  // « Afficher par conversation » changed in « Paramètres »: the list is drawn again at once.
  useEffect(() => {
    void store.setByConversation(byConversation);
  }, [store, byConversation]);

  // Ask for a pass when the window comes back to the front. The periodic passes are the
  // core's (one timer per account, whether or not a window is open): the window only asks.
  useEffect(() => {
    const sync = () => void store.sync();
    window.addEventListener("focus", sync);
    return () => window.removeEventListener("focus", sync);
  }, [store]);

  // The title counts the inbox on screen (every inbox in the unified view); the tray counts
  // every account's.
  const total = openAccounts.reduce((sum, a) => sum + a.inboxUnread, 0);
  const unread = unified ? total : MailboxStore.inboxUnread(state);
  const trayUnread = openAccounts.length > 1 ? total : unread;
  useEffect(() => {
    const title = unread > 0 ? t("title.unread", { count: unread }) : t("app.name");
    document.title = title;
    api.setWindowTitle(title, trayUnread, i18n.locale).catch(() => undefined);
  }, [api, unread, trayUnread, t, i18n.locale]);

  const askDeleteForever = (ids: string[]) => {
    if (ids.length === 0) return;
    setConfirm({
      title: t("actions.deleteForever"),
      body: t("actions.confirmDeleteForever", { count: ids.length }),
      label: t("actions.deleteForever"),
      run: () => void store.deleteForever(ids),
    });
  };

  // Window-wide shortcuts, found in the one table (../shortcuts) the « ? » list shows. They read
  // the store directly, so the listener never goes stale.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const typing =
        isTyping(e.target) || (e.target instanceof Element && e.target.closest(OWN_KEYS) !== null);
      const shortcut = shortcutFor(e, "mailbox", typing);
      if (!shortcut) return;
      const s = store.getState();
      // The message the reading keys act on: the open one, else the one under the cursor.
      const current = s.open?.id ?? s.cursorId;
      const actions: Record<Exclude<ShortcutId, "send">, () => boolean> = {
        help: () => (setShowShortcuts(true), true),
        compose: () => (compose && !unified ? (composeNew(), true) : false),
        reply: () => (compose && current && s.open?.message?.noReply !== true ? (startCompose(compose.replyDraft(current, false)), true) : false),
        replyAll: () => (compose && current && s.open?.message?.noReply !== true ? (startCompose(compose.replyDraft(current, true)), true) : false),
        forward: () => (compose && current ? (startCompose(compose.forwardDraft(current)), true) : false),
        delete: () => {
          const ids = store.targets();
          if (s.selectedFolderId === TRASH && !s.search.hits) askDeleteForever(ids);
          else void store.trash(ids);
          return true;
        },
        toggleUnread: () => (void store.toggleUnread(), true),
        next: () => (store.moveCursor(1), true),
        previous: () => (store.moveCursor(-1), true),
        first: () => (store.moveCursor(-Infinity), true),
        last: () => (store.moveCursor(Infinity), true),
        open: () => (s.cursorId && !activatesItself(e.target) ? (openMessage(s.cursorId), true) : false),
        tick: () => (s.cursorId && !activatesItself(e.target) ? (store.toggleTick(s.cursorId), true) : false),
        search: () => (searchRef.current?.focus(), true),
        refresh: () => (void store.sync(), true),
        settings: () => (onOpenSettings ? (onOpenSettings(), true) : false),
        print: () => (s.open && !composing && !showScheduled ? (printOpen(s.open.id), true) : false),
      };
      if (shortcut.id !== "send" && actions[shortcut.id]()) e.preventDefault();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  });

  const folders = useMemo(
    () => state.folders.order.flatMap((id) => state.folders.byId[id] ?? []),
    [state.folders],
  );
  const selectedFolder = state.folders.byId[state.selectedFolderId];
  const selectedName = unified ? t("accounts.unified") : selectedFolder ? folderName(selectedFolder, t) : "";
  const accountOf = useMemo(() => {
    if (!unified) return undefined;
    const names: Record<string, { label: string; host: string }> = {};
    for (const a of openAccounts) names[a.account.id] = { label: accountLabel(a.account), host: entHost(a.account) };
    const out: Record<string, { label: string; host: string }> = {};
    for (const [id, account] of Object.entries(state.accountOf)) out[id] = names[account] ?? { label: account, host: account };
    return out;
  }, [unified, openAccounts, state.accountOf]);
  const searching = state.search.hits !== null;
  const ids = store.visibleIds(state);
  const folderOf = useMemo(() => {
    if (!state.search.hits) return undefined;
    const out: Record<string, string> = {};
    for (const h of state.search.hits) {
      const f = state.folders.byId[h.folderId];
      out[h.message.id] = f ? folderName(f, t) : h.folderId;
    }
    return out;
  }, [state.search.hits, state.folders, t]);
  const tickedCount = Object.keys(state.ticked).length;
  const inTrash = state.selectedFolderId === TRASH && !searching;

  return (
    <div className="mbx-app">
      <header className="mbx-top">
        <h1 className="mbx-brand">{t("app.name")}</h1>
        {/* The search reads one account's copy: not offered over every inbox together. */}
        {!unified && (
          <input
            ref={searchRef}
            type="search"
            className="mbx-search"
            aria-label={t("search.label")}
            placeholder={t("search.placeholder")}
            value={state.search.query}
            onChange={(e) => void store.search(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Escape") {
                void store.search("");
                e.currentTarget.blur();
              }
            }}
          />
        )}
        <span className="mbx-account">{unified ? null : state.account?.displayName}</span>
        <LocalePicker locale={i18n.locale} onChange={onLocaleChange} />
        {onOpenSettings && (
          <button
            type="button"
            data-testid="open-settings"
            aria-keyshortcuts="Control+,"
            title={`${t("settings.button")} (Ctrl+,)`}
            onClick={onOpenSettings}
          >
            {t("settings.button")}
          </button>
        )}
        {!unified && (
          <button type="button" onClick={() => setSigningOut(true)}>
            {t("signOut.button")}
          </button>
        )}
      </header>

      {lateDue !== null && (
        <div className="mbx-action-needed" role="status" data-testid="sent-late">
          <span>{t("writing.sentLate", { date: i18n.longDateTime(lateDue) })}</span>
          <button type="button" onClick={() => setLateDue(null)}>
            {t("actions.dismiss")}
          </button>
        </div>
      )}

      {state.actionNeeded && (
        <div className="mbx-action-needed" role="alert" data-testid="action-needed">
          <span>
            {t(`actionNeeded.${entRequest(state.actionNeeded.url)}`)} {t("actionNeeded.waiting")}
          </span>
          <button type="button" className="mbx-primary" onClick={() => void store.openEntPage()}>
            {t("actionNeeded.open")}
          </button>
        </div>
      )}

      {state.sessionExpired && (
        <div className="mbx-action-needed" role="alert" data-testid="session-expired">
          <span>
            {t("sessionExpired.banner")} {t("actionNeeded.waiting")}
          </span>
          <button type="button" className="mbx-primary" onClick={() => void store.reconnect()}>
            {t("sessionExpired.reconnect")}
          </button>
        </div>
      )}

      {state.error && (
        <div className="mbx-error" role="alert">
          <span>{t("actions.failed", { message: describeError(i18n, state.error) })}</span>
          <button type="button" onClick={() => store.dismissError()}>
            {t("actions.dismiss")}
          </button>
        </div>
      )}

      <AccountNotices account={state.account} />

      <main className="mbx-panes" ref={panesRef} style={{ gridTemplateColumns: gridColumns(panes.widths) }}>
        <div className="mbx-left">
          {/* Over every inbox together, no account to write from: choose one first. */}
          {compose && !unified && (
            <button
              type="button"
              className="mbx-primary mbx-compose-new"
              data-testid="compose-new"
              aria-keyshortcuts={ariaKeys("compose")}
              title={`${t("composer.create")} (${keysLabel("compose", i18n.locale)})`}
              onClick={composeNew}
            >
              {t("composer.create")}
            </button>
          )}
          {switcher && (
            <AccountSwitcher
              accounts={openAccounts}
              shownId={switcher.shownId}
              unified={unified}
              onShow={switcher.onShow}
              onUnified={switcher.onUnified}
              onAdd={switcher.onAdd}
              onRemove={setRemoving}
            />
          )}
          {!unified && (
            <FolderPane
              folders={folders}
              selectedId={searching ? "" : state.selectedFolderId}
              maxDepth={state.maxFolderDepth}
              onSelect={(id) => {
                setShowScheduled(false);
                void store.selectFolder(id);
              }}
              onDropMessages={(dropped, folderId) => void store.moveTo(dropped, folderId)}
              onCreate={(name, parentId) => void store.createFolder(name, parentId)}
              onRename={(id, name) => void store.renameFolder(id, name)}
              onDelete={(f) =>
                setConfirm({
                  title: t("folders.delete"),
                  body: t("folders.confirmDelete", { name: f.name }),
                  label: t("folders.delete"),
                  run: () => void store.deleteFolder(f.id),
                })
              }
            />
          )}
          {writing && !unified && (
            <button
              type="button"
              className={showScheduled ? "mbx-folder mbx-selected" : "mbx-folder"}
              data-testid="scheduled-folder"
              aria-pressed={showScheduled}
              onClick={() => {
                setComposing(null);
                setShowScheduled(true);
              }}
            >
              {t("writing.scheduled")}
            </button>
          )}
        </div>
        <Splitter
          pane="folders"
          label={t("panes.folders")}
          width={panes.current().folders}
          widthNow={() => panes.current().folders}
          onResize={panes.resize}
        />

        <section className="mbx-middle" aria-label={searching ? t("search.results", { query: state.search.query }) : selectedName}>
          <div className="mbx-list-head">
            <input
              type="checkbox"
              aria-label={t("list.tickAll")}
              checked={ids.length > 0 && tickedCount === ids.length}
              onChange={(e) => store.tickAll(e.target.checked)}
            />
            <h2>{searching ? t("search.results", { query: state.search.query }) : selectedName}</h2>
            {inTrash && (selectedFolder?.total ?? 0) > 0 && (
              <button
                type="button"
                onClick={() =>
                  setConfirm({
                    title: t("actions.emptyTrash"),
                    body: t("actions.confirmEmptyTrash"),
                    label: t("actions.emptyTrash"),
                    run: () => void store.emptyTrash(),
                  })
                }
              >
                {t("actions.emptyTrash")}
              </button>
            )}
          </div>
          <MessageList
            // A new folder or a search starts at the top, with its own scroll position.
            key={searching ? "search" : state.selectedFolderId}
            label={searching ? t("search.results", { query: state.search.query }) : t("list.label", { folder: selectedName })}
            ids={ids}
            summaries={state.summaries}
            showRecipients={!searching && (state.selectedFolderId === OUTBOX || state.selectedFolderId === DRAFT)}
            cursorId={state.cursorId}
            openId={state.open?.id ?? null}
            ticked={state.ticked}
            pending={state.pending}
            folderOf={folderOf}
            accountOf={accountOf}
            conversations={searching ? undefined : state.conversations}
            onOpen={openMessage}
            onToggleTick={toggleTick}
            emptyText={searching ? t("search.none", { query: state.search.query }) : t("list.empty")}
          />
          {tickedCount > 0 && (
            <ActionBar
              count={tickedCount}
              inTrash={inTrash}
              folders={folders}
              currentFolder={state.selectedFolderId}
              onDelete={() => void store.trash(store.targets())}
              onRestore={() => void store.restore(store.targets())}
              onDeleteForever={() => askDeleteForever(store.targets())}
              onMarkRead={() => void store.setUnread(store.targets(), false)}
              onMarkUnread={() => void store.setUnread(store.targets(), true)}
              onMove={(folderId) => void store.moveTo(store.targets(), folderId)}
              onClear={() => store.tickAll(false)}
            />
          )}
        </section>
        <Splitter
          pane="list"
          label={t("panes.list")}
          width={panes.current().list}
          widthNow={() => panes.current().list}
          onResize={panes.resize}
        />

        {compose && composing ? (
          <Composer
            key={composing.key}
            api={compose}
            draft={composing.draft}
            undoSeconds={undoSeconds}
            writing={writing}
            onClose={() => setComposing(null)}
            onSent={(id) => setSent({ id, seq: ++composeSeq.current })}
          />
        ) : writing && showScheduled ? (
          <ScheduledView api={writing} onOpen={(id) => compose && startCompose(compose.openDraft(id))} />
        ) : (
          <ReadingPane
            open={state.open}
            remoteImagesAllowed={Boolean(state.open && state.remoteImages[state.open.id])}
            onAllowRemoteImages={(id) => void store.allowRemoteImages(id)}
            onOpenLink={(url) => void api.openLink(url).catch(report)}
            onOpenAttachment={(m, a, o) =>
              api.openAttachment(m, a, o).catch((e: unknown) => {
                report(e);
                return null;
              })
            }
            onSaveAttachment={(m, a, p) => api.saveAttachmentAs(m, a, p).catch(report)}
            onSetUnread={(id, unread) => void store.setUnread([id], unread)}
            onReply={compose ? (id, all) => startCompose(compose.replyDraft(id, all)) : undefined}
            onForward={compose ? (id) => startCompose(compose.forwardDraft(id)) : undefined}
            onPrint={print ? printOpen : undefined}
            thread={
              state.byConversation && state.open ? (
                <ConversationThread
                  api={api}
                  openId={state.open.id}
                  onOpen={openMessage}
                  revision={threadRevision(state)}
                />
              ) : undefined
            }
            actions={
              writing && state.open && state.selectedFolderId === OUTBOX && !searching ? (
                <RecallButton
                  key={state.open.id}
                  api={writing}
                  id={state.open.id}
                  online={state.sync.kind !== "offline"}
                  onDone={() => state.open && void store.open(state.open.id)}
                  onError={report}
                />
              ) : undefined
            }
          />
        )}
      </main>

      {compose && (
        <SendStatus
          api={compose}
          sent={sent}
          undoSeconds={undoSeconds}
          onReopen={(draft) => startCompose(draft)}
        />
      )}

      <SyncLine state={state} onRefresh={() => void store.sync()} onShortcuts={() => setShowShortcuts(true)} />
      <LiveRegion state={state} preview={announcePreview} />
      {showShortcuts && <ShortcutsDialog onClose={() => setShowShortcuts(false)} />}

      {confirm && (
        <ConfirmDialog
          title={confirm.title}
          confirmLabel={confirm.label}
          danger
          onCancel={() => setConfirm(null)}
          onConfirm={() => {
            setConfirm(null);
            confirm.run();
          }}
        >
          {confirm.body && <p>{confirm.body}</p>}
        </ConfirmDialog>
      )}
      {state.clickedLink && (
        // A link clicked inside a message body: the frame opened nothing; ask first.
        <ConfirmDialog
          title={t("message.openLink")}
          confirmLabel={t("message.openInBrowser")}
          onCancel={() => store.dismissLink()}
          onConfirm={() => {
            const url = state.clickedLink;
            store.dismissLink();
            if (url) void api.openLink(url).catch(report);
          }}
        >
          <p>{t("message.openLinkExplain")}</p>
          <p className="mbx-address">
            <code>{state.clickedLink}</code>
          </p>
        </ConfirmDialog>
      )}
      {removing && switcher && (
        <ConfirmDialog
          title={t("accounts.removeTitle", { name: accountLabel(removing) })}
          confirmLabel={t("accounts.remove")}
          danger
          onCancel={() => setRemoving(null)}
          onConfirm={() => {
            const id = removing.id;
            setRemoving(null);
            api.removeAccount(id).then(() => switcher.onRemoved(), report);
          }}
        >
          <p>{t("accounts.removeConfirm")}</p>
        </ConfirmDialog>
      )}
      {signingOut && (
        <SignOutDialog
          api={api}
          onCancel={() => setSigningOut(false)}
          onConfirm={(eraseLocalCopy) => {
            setSigningOut(false);
            api.signOut({ eraseLocalCopy }).then(
              () => onSignedOut?.({ eraseLocalCopy }),
              report,
            );
          }}
        />
      )}
    </div>
  );
}

function ActionBar({
  count,
  inTrash,
  folders,
  currentFolder,
  onDelete,
  onRestore,
  onDeleteForever,
  onMarkRead,
  onMarkUnread,
  onMove,
  onClear,
}: {
  count: number;
  inTrash: boolean;
  folders: Folder[];
  currentFolder: string;
  onDelete: () => void;
  onRestore: () => void;
  onDeleteForever: () => void;
  onMarkRead: () => void;
  onMarkUnread: () => void;
  onMove: (folderId: string) => void;
  onClear: () => void;
}) {
  const { t } = useI18n();
  const targets = folders.filter((f) => (f.id === INBOX || !f.system) && f.id !== currentFolder);
  return (
    <div className="mbx-actionbar" role="toolbar" aria-label={t("actions.label")}>
      <span className="mbx-actionbar-count">{t("actions.selected", { count })}</span>
      {inTrash ? (
        <>
          <button type="button" onClick={onRestore}>
            {t("actions.restore")}
          </button>
          <button type="button" className="mbx-danger" onClick={onDeleteForever}>
            {t("actions.deleteForever")}
          </button>
        </>
      ) : (
        <>
          <button type="button" onClick={onMarkRead}>
            {t("actions.markRead")}
          </button>
          <button type="button" onClick={onMarkUnread}>
            {t("actions.markUnread")}
          </button>
          <select
            aria-label={t("actions.moveTo")}
            value=""
            onChange={(e) => {
              if (e.target.value) onMove(e.target.value);
            }}
          >
            <option value="">{t("actions.moveTo")}</option>
            {targets.map((f) => (
              <option key={f.id} value={f.id}>
                {f.system ? t("folder.inbox") : "\u00a0\u00a0".repeat(Math.max(0, f.depth - 1)) + f.name}
              </option>
            ))}
          </select>
          <button type="button" className="mbx-danger" onClick={onDelete}>
            {t("actions.delete")}
          </button>
        </>
      )}
      <button type="button" className="mbx-link-button" onClick={onClear}>
        {t("actions.clear")}
      </button>
    </div>
  );
}

/** The window's polite live region: new mail and the sync's changes of meaning (announce.ts). */
function LiveRegion({ state, preview }: { state: MailboxState; preview: boolean }) {
  const i18n = useI18n();
  const said = state.announced;
  return (
    <div className="mbx-sr" role="status" aria-live="polite" aria-atomic="true" data-testid="announcer">
      {/* A new node per announcement: the same words said twice are announced twice. */}
      {said && <span key={said.seq}>{announcementText(said.message, i18n, preview)}</span>}
    </div>
  );
}

function SyncLine({
  state,
  onRefresh,
  onShortcuts,
}: {
  state: MailboxState;
  onRefresh: () => void;
  onShortcuts: () => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const s = state.sync;
  let text: string;
  switch (s.kind) {
    case "idle":
      text = t("sync.idle");
      break;
    case "syncing":
      text = t("sync.progress", { done: s.done, total: s.total });
      break;
    case "upToDate":
      text = t("sync.upToDate");
      break;
    case "offline":
      text = t("sync.offlineSince", { time: i18n.time(s.since) });
      break;
  }
  const pending = Object.keys(state.pending).length;
  return (
    <footer className={`mbx-status mbx-status-${s.kind}`}>
      {/* Not a live region: it changes at every pass; LiveRegion says what matters. */}
      <span className="mbx-status-text" data-testid="sync-status">
        {text}
      </span>
      {pending > 0 && <span className="mbx-status-pending">{t("sync.pending", { count: pending })}</span>}
      <button
        type="button"
        className="mbx-status-keys"
        data-testid="shortcuts-button"
        aria-keyshortcuts={ariaKeys("help")}
        onClick={onShortcuts}
      >
        {t("shortcuts.button")} (?)
      </button>
      <button type="button" onClick={onRefresh} aria-label={t("sync.refresh")} title={t("sync.refresh")}>
        ⟳
      </button>
    </footer>
  );
}

