import { useEffect, useState } from "react";
import type { Locale } from "./i18n/i18n";
import { onLaunchedAgain, startup, TauriApi } from "./ipc";
import type { AccountInfo } from "./bindings/AccountInfo";
import { Mailbox, SignIn } from "./mailbox";

const LOCALE_KEY = "messagerie.locale";

function savedLocale(): Locale {
  return localStorage.getItem(LOCALE_KEY) === "en" ? "en" : "fr";
}

type Screen =
  | { kind: "starting" }
  | { kind: "signIn"; entUrl: string }
  | { kind: "mailbox"; account: AccountInfo };

/** The window: the first screen the backend decides, then sign-in ⇄ mailbox. */
export function App() {
  const [locale, setLocale] = useState<Locale>(savedLocale);
  const [api] = useState(() => new TauriApi());
  const [screen, setScreen] = useState<Screen>({ kind: "starting" });

  useEffect(() => {
    localStorage.setItem(LOCALE_KEY, locale);
    document.documentElement.lang = locale;
  }, [locale]);

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
    case "mailbox":
      return (
        <Mailbox
          key={`${screen.account.entUrl} ${screen.account.login}`}
          api={api}
          compose={api}
          writing={api}
          locale={locale}
          onLocaleChange={setLocale}
          onSignedOut={() => setScreen({ kind: "signIn", entUrl: screen.account.demo ? "" : screen.account.entUrl })}
        />
      );
  }
}
