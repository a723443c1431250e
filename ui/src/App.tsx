import { useEffect, useRef, useState } from "react";
import { I18nProvider, type Locale } from "./i18n/i18n";
import { onLaunchedAgain, startup, TauriApi } from "./ipc";
import type { AccountInfo } from "./bindings/AccountInfo";
import type { Settings } from "./bindings/Settings";
import { Mailbox, SignIn } from "./mailbox";
import { applyTheme, DEFAULT_SETTINGS, SettingsScreen } from "./settings";

/** Where the language was kept before « Paramètres » (moved into the settings once, then removed). */
const OLD_LOCALE_KEY = "messagerie.locale";

type Screen =
  | { kind: "starting" }
  | { kind: "signIn"; entUrl: string }
  | { kind: "mailbox"; account: AccountInfo };

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
      (s) => setScreen(s.kind === "signedIn" ? { kind: "mailbox", account: s.account } : { kind: "signIn", entUrl: s.entUrl ?? "" }),
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
        if (r.kind === "signedIn") setScreen({ kind: "mailbox", account: r.account });
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
          onSignedIn={(account) => setScreen({ kind: "mailbox", account })}
        />
      );
    case "mailbox": {
      const signedOut = () => {
        setSettingsOpen(false);
        setScreen({ kind: "signIn", entUrl: screen.account.demo ? "" : screen.account.entUrl });
      };
      return (
        <>
          <Mailbox
            key={`${screen.account.entUrl} ${screen.account.login}`}
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
