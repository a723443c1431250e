import { createContext, useContext, useMemo, type ReactNode } from "react";
import { en } from "./en";
import { fr, type MessageKey } from "./fr";

export type { MessageKey } from "./fr";

export type Locale = "fr" | "en";
export const LOCALES: readonly Locale[] = ["fr", "en"];
export const LOCALE_NAMES: Record<Locale, string> = { fr: "Français", en: "English" };

export const dictionaries: Record<Locale, Record<MessageKey, string>> = { fr, en };

export type Params = Record<string, string | number>;

/** Replaces each `{name}` by its parameter; an unknown placeholder stays as written. */
export function translate(locale: Locale, key: MessageKey, params?: Params): string {
  const text = dictionaries[locale][key];
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : String(value);
  });
}

const intlLocale: Record<Locale, string> = { fr: "fr-FR", en: "en-GB" };

// Building an Intl formatter costs far more than using one: the list formats a date per row.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(locale: Locale, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale} ${JSON.stringify(options)}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(intlLocale[locale], options);
    formatters.set(key, f);
  }
  return f;
}

/** A date the backend got wrong (NaN, out of range) shows as nothing rather than throwing. */
function format(locale: Locale, options: Intl.DateTimeFormatOptions, epochMs: number): string {
  if (!Number.isFinite(epochMs) || Math.abs(epochMs) > 8.64e15) return "";
  return formatter(locale, options).format(epochMs);
}

/** Date and time, short: the list and status line. */
export function formatDateTime(locale: Locale, epochMs: number): string {
  return format(locale, { dateStyle: "short", timeStyle: "short" }, epochMs);
}

/** Date and time, spelled out: the reading pane. */
export function formatLongDateTime(locale: Locale, epochMs: number): string {
  return format(locale, { dateStyle: "full", timeStyle: "short" }, epochMs);
}

export function formatTime(locale: Locale, epochMs: number): string {
  return format(locale, { timeStyle: "short" }, epochMs);
}

export interface I18n {
  locale: Locale;
  t: (key: MessageKey, params?: Params) => string;
  dateTime: (epochMs: number) => string;
  longDateTime: (epochMs: number) => string;
  time: (epochMs: number) => string;
}

export function makeI18n(locale: Locale): I18n {
  return {
    locale,
    t: (key, params) => translate(locale, key, params),
    dateTime: (ms) => formatDateTime(locale, ms),
    longDateTime: (ms) => formatLongDateTime(locale, ms),
    time: (ms) => formatTime(locale, ms),
  };
}

const I18nContext = createContext<I18n>(makeI18n("fr"));

export function I18nProvider({ locale, children }: { locale: Locale; children: ReactNode }) {
  const value = useMemo(() => makeI18n(locale), [locale]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

/** French unless an `I18nProvider` above says otherwise. */
export function useI18n(): I18n {
  return useContext(I18nContext);
}

export function LocalePicker({
  locale,
  onChange,
  className = "locale-picker",
  testId,
}: {
  locale: Locale;
  onChange: (locale: Locale) => void;
  className?: string;
  testId?: string;
}) {
  const { t } = useI18n();
  return (
    <label className={className}>
      <span>{t("language.label")}</span>
      <select
        data-testid={testId}
        value={locale}
        onChange={(e) => {
          const next = LOCALES.find((l) => l === e.target.value);
          if (next) onChange(next);
        }}
      >
        {LOCALES.map((l) => (
          <option key={l} value={l}>
            {LOCALE_NAMES[l]}
          </option>
        ))}
      </select>
    </label>
  );
}
