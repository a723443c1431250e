import { useEffect, useRef, useState } from "react";
import { I18nProvider, type Locale } from "./i18n/i18n";
import { onLaunchedAgain, startup, TauriApi } from "./ipc";
import type { AccountInfo } from "./bindings/AccountInfo";
import type { Settings } from "./bindings/Settings";
import { Mailbox, SignIn } from "./mailbox";
import { applyTheme, DEFAULT_SETTINGS, SettingsScreen } from "./settings";

/** Where the language was kept before « Paramètres » (moved into the settings once, then removed). */
const OLD_LOCALE_KEY = "messagerie.locale";

/** The mailbox on screen: one account's, or « Toutes les boîtes de réception » (`unified`);
 * `openId`: a message to open once drawn (a notification of that account was clicked). */
type Shown = { kind: "mailbox"; account: AccountInfo; unified: boolean; openId?: string };

type Screen =
  | { kind: "starting" }
  /** `back`: « Ajouter un compte », the open accounts stay and « Revenir » goes back to them. */
  | { kind: "signIn"; entUrl: string; back?: Shown }
  | Shown;

const showing = (account: AccountInfo, openId?: string): Shown => ({ kind: "mailbox", account, unified: false, openId });

/** The window: the first screen the backend decides, then sign-in ⇄ mailbox; « Paramètres » above. */
export function App() {
  const [api] = useState(() => new TauriApi());
  const [settings, setSettings] = useState<Settings>(DEFAULT_SETTINGS);
  const [screen, setScreen] = useState<Screen>({ kind: "starting" });
  const [settingsOpen, setSettingsOpen] = useState(false);
  const openedFrom = useRef<Element | null>(null);
  const locale: Locale = settings.language;

  // The settings first: the language and theme of every screen.
  useEffect(() => {
    api.settings().then(
      (s: Settings | undefined) => {
        if (!s) return;
        const old = localStorage.getItem(OLD_LOCALE_KEY);
        localStorage.removeItem(OLD_LOCALE_KEY);
        if (old === "en" && s.language !== "en") {
          const moved = { ...s, language: "en" as const };
          setSettings(moved);
          api.saveSettings(moved).catch(() => undefined);
        } else {
          setSettings(s);
        }
      },
      () => undefined,
    );
  }, [api]);

  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);

  useEffect(() => {
    applyTheme(settings.theme);
  }, [settings.theme]);

  useEffect(() => {
    startup().then(
      (s) => setScreen(s.kind === "signedIn" ? showing(s.account) : { kind: "signIn", entUrl: s.entUrl ?? "" }),
      () => setScreen({ kind: "signIn", entUrl: "" }),
    );
  }, []);

  // A second launch with `--demo` while the sign-in screen shows: into the demo, as the first
  // launch would have done (the window came forward already).
  useEffect(() => {
    if (screen.kind !== "signIn") return;
    return onLaunchedAgain(({ demo }) => {
      if (!demo) return;
      void api.startDemo("teacher").then((r) => {
        if (r.kind === "signedIn") setScreen(showing(r.account));
      });
    });
  }, [api, screen.kind]);

  const setLocale = (language: Locale) => {
    const next = { ...settings, language };
    setSettings(next);
    api.saveSettings(next).then(setSettings, () => undefined);
  };
  const openSettings = () => {
    openedFrom.current = document.activeElement;
    setSettingsOpen(true);
  };
  const closeSettings = () => {
    setSettingsOpen(false);
    if (openedFrom.current instanceof HTMLElement) openedFrom.current.focus();
  };

  // The composer's and writing events follow the account on screen.
  const shownId = screen.kind === "mailbox" && !screen.unified ? screen.account.id : null;
  useEffect(() => {
    if (shownId) api.shown(shownId);
  }, [api, shownId]);

  /** An account was signed out or removed: another open one shows, else the sign-in screen. */
  const accountGone = (entUrl: string) => {
    setSettingsOpen(false);
    api.accounts().then(
      (open) => {
        const next = open.find((a) => a.shown) ?? open[0];
        setScreen(next ? showing(next.account) : { kind: "signIn", entUrl });
      },
      () => setScreen({ kind: "signIn", entUrl }),
    );
  };
  const showAccount = (id: string, openId?: string) => {
    api.showAccount(id).then(
      (account) => setScreen(showing(account, openId)),
      () => undefined,
    );
  };

  switch (screen.kind) {
    case "starting":
      return <main className="welcome" aria-busy="true" />;
    case "signIn":
      return (
        <SignIn
          api={api}
          locale={locale}
          onLocaleChange={setLocale}
          initialEntUrl={screen.entUrl}
          onSignedIn={(account) => setScreen(showing(account))}
          onBack={screen.back ? () => screen.back && setScreen(screen.back) : undefined}
        />
      );
    case "mailbox": {
      const signedOut = () => accountGone(screen.account.demo ? "" : screen.account.entUrl);
      return (
        <>
          <Mailbox
            key={screen.unified ? "unified" : screen.account.id}
            api={api}
            compose={api}
            writing={api}
            print={api}
            byConversation={settings.conversationView}
            locale={locale}
            onLocaleChange={setLocale}
            onSignedOut={signedOut}
            onOpenSettings={openSettings}
            announcePreview={settings.notificationPreview}
            accounts={{
              shownId: screen.unified ? null : screen.account.id,
              unified: screen.unified,
              onShow: (id) => showAccount(id),
              onUnified: () => setScreen({ ...screen, unified: true, openId: undefined }),
              onAdd: () => setScreen({ kind: "signIn", entUrl: "", back: { ...screen, openId: undefined } }),
              onRemoved: () => accountGone(""),
              onOpenInAccount: (id, messageId) => showAccount(id, messageId),
              openOnStart: screen.openId,
            }}
          />
          {settingsOpen && (
            <I18nProvider locale={locale}>
              <SettingsScreen
                api={api}
                settings={settings}
                onChange={setSettings}
                onClose={closeSettings}
                onSignedOut={signedOut}
                writing={api}
              />
            </I18nProvider>
          )}
        </>
      );
    }
  }
}
