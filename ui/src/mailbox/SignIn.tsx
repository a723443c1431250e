import { useState, type FormEvent } from "react";
import { I18nProvider, LocalePicker, useI18n, type I18n, type Locale, type MessageKey } from "../i18n/i18n";
import type { SignInApi } from "./api";
import { asCommandError, describeError } from "../i18n/errors";
import "./mailbox.css";
import type { AccountInfo } from "../bindings/AccountInfo";
import type { CommandError } from "../bindings/CommandError";
import type { CommandErrorKind } from "../bindings/CommandErrorKind";
import type { DemoRole } from "../bindings/DemoRole";
import type { SignInResult } from "../bindings/SignInResult";

export interface SignInProps {
  api: SignInApi;
  onSignedIn: (account: AccountInfo) => void;
  locale?: Locale;
  onLocaleChange?: (locale: Locale) => void;
  /** Pre-filled ENT address (the last one used). */
  initialEntUrl?: string;
  /** « Ajouter un compte »: the open accounts stay; this goes back to them. */
  onBack?: () => void;
}

/** The kinds the sign-in screen words in its own way; the others are « La connexion a échoué : … ». */
const signInKeys: Partial<Record<CommandErrorKind, MessageKey>> = {
  badCredentials: "signIn.error.wrongPassword",
  offline: "signIn.error.unreachable",
  // What answers at that address is no ENT.
  badAnswer: "signIn.error.notAnEnt",
  notAllowed: "signIn.error.notAnEnt",
  certificate: "signIn.error.certificate",
  cancelled: "signIn.error.cancelled",
};

/** The sign-in screen: password, the ENT's own page (SSO), or the demo school. */
export function SignIn({ locale, onLocaleChange, ...rest }: SignInProps) {
  const [ownLocale, setOwnLocale] = useState<Locale>("fr");
  return (
    <I18nProvider locale={locale ?? ownLocale}>
      <SignInForm
        {...rest}
        onLocaleChange={(l) => {
          setOwnLocale(l);
          onLocaleChange?.(l);
        }}
      />
    </I18nProvider>
  );
}

function signInText(i18n: I18n, error: CommandError): string {
  const key = signInKeys[error.kind];
  return key ? i18n.t(key) : i18n.t("signIn.error.other", { message: describeError(i18n, error) });
}

type Problem = { kind: "error"; error: CommandError } | { kind: "missingAddress" };

function SignInForm({
  api,
  onSignedIn,
  onLocaleChange,
  initialEntUrl = "",
  onBack,
}: Omit<SignInProps, "locale" | "onLocaleChange"> & { onLocaleChange: (l: Locale) => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [entUrl, setEntUrl] = useState(initialEntUrl);
  const [login, setLogin] = useState("");
  const [password, setPassword] = useState("");
  const [remember, setRemember] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [choosingDemo, setChoosingDemo] = useState(false);
  const [clientId, setClientId] = useState("");
  const [clientSecret, setClientSecret] = useState("");

  const run = async (attempt: () => Promise<SignInResult>) => {
    setBusy(true);
    setProblem(null);
    let result: SignInResult;
    try {
      result = await attempt();
    } catch (e) {
      result = { kind: "failed", error: asCommandError(e) };
    }
    setBusy(false);
    if (result.kind === "signedIn") {
      setPassword("");
      onSignedIn(result.account);
    } else {
      setProblem({ kind: "error", error: result.error });
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!entUrl.trim()) {
      setProblem({ kind: "missingAddress" });
      return;
    }
    void run(() => api.signIn({ entUrl: entUrl.trim(), login: login.trim(), password, remember }));
  };

  const withEntPage = () => {
    if (!entUrl.trim()) {
      setProblem({ kind: "missingAddress" });
      return;
    }
    const connector = clientId.trim() ? { clientId: clientId.trim(), clientSecret } : undefined;
    void run(() => api.signInWithEntPage(entUrl.trim(), connector));
  };

  const demo = (role: DemoRole) => void run(() => api.startDemo(role));

  const problemText =
    problem === null
      ? null
      : problem.kind === "missingAddress"
        ? t("signIn.missingAddress")
        : signInText(i18n, problem.error);

  return (
    <main className="mbx-signin">
      <div className="mbx-signin-card">
        <div className="mbx-signin-top">
          <h1>{t("app.name")}</h1>
          <LocalePicker locale={i18n.locale} onChange={onLocaleChange} />
        </div>
        <h2>{onBack ? t("accounts.addTitle") : t("signIn.title")}</h2>
        {onBack && (
          <button type="button" className="mbx-link-button" data-testid="add-account-back" onClick={onBack}>
            {t("accounts.back")}
          </button>
        )}
        {problemText && (
          <p
            className="mbx-signin-error"
            role="alert"
            data-kind={problem?.kind === "error" ? problem.error.kind : problem?.kind}
          >
            {problemText}
          </p>
        )}
        <form onSubmit={submit} aria-label={t("signIn.title")} aria-busy={busy}>
          <label>
            {t("signIn.address")}
            <input
              type="text"
              inputMode="url"
              autoComplete="url"
              placeholder={t("signIn.addressHint")}
              value={entUrl}
              onChange={(e) => setEntUrl(e.target.value)}
            />
          </label>
          <label>
            {t("signIn.login")}
            <input autoComplete="username" value={login} onChange={(e) => setLogin(e.target.value)} />
          </label>
          <label>
            {t("signIn.password")}
            <input
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </label>
          <label className="mbx-check" title={t("signIn.rememberHint")}>
            <input type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} />
            {t("signIn.remember")}
          </label>
          <button type="submit" className="mbx-primary" disabled={busy}>
            {busy ? t("signIn.pending") : t("signIn.submit")}
          </button>
        </form>
        <div className="mbx-signin-alt">
          <button type="button" onClick={withEntPage} disabled={busy}>
            {t("signIn.withEntPage")}
          </button>
          <p className="mbx-hint">{t("signIn.withEntPageHint")}</p>
          <details className="mbx-advanced">
            <summary>{t("signIn.advanced")}</summary>
            <p className="mbx-hint">{t("signIn.connectorHint")}</p>
            <label>
              {t("signIn.clientId")}
              <input autoComplete="off" value={clientId} onChange={(e) => setClientId(e.target.value)} />
            </label>
            <label>
              {t("signIn.clientSecret")}
              <input
                type="password"
                autoComplete="off"
                value={clientSecret}
                onChange={(e) => setClientSecret(e.target.value)}
              />
            </label>
          </details>
          {!choosingDemo ? (
            <button type="button" onClick={() => setChoosingDemo(true)} disabled={busy}>
              {t("signIn.demo")}
            </button>
          ) : (
            <fieldset className="mbx-demo">
              <legend>{t("signIn.demoChoose")}</legend>
              <button type="button" onClick={() => demo("teacher")} disabled={busy}>
                {t("signIn.demoTeacher")}
              </button>
              <button type="button" onClick={() => demo("pupil")} disabled={busy}>
                {t("signIn.demoPupil")}
              </button>
              <button type="button" onClick={() => demo("parent")} disabled={busy}>
                {t("signIn.demoParent")}
              </button>
            </fieldset>
          )}
        </div>
      </div>
    </main>
  );
}
