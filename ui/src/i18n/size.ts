import type { Locale } from "./i18n";

const intlLocale: Record<Locale, string> = { fr: "fr-FR", en: "en-GB" };
const KIB = 1024;
const MIB = 1024 * 1024;

/**
 * A file's size as people read it, wherever a size is shown (the composer, the reading pane,
 * the space left): « 8 octets » / « 8 bytes » under 1 ko (a tiny file is never « 0 ko »),
 * then « 200 ko », « 12,3 Mo » (powers of 1024, as the ENT counts). The core's
 * `attachment::human_size` writes the same in the backend's messages.
 */
export function formatSize(locale: Locale, bytes: number): string {
  const tag = intlLocale[locale];
  const n = Number.isFinite(bytes) ? Math.max(0, Math.round(bytes)) : 0;
  if (n < KIB) {
    return new Intl.NumberFormat(tag, { style: "unit", unit: "byte", unitDisplay: "long" }).format(n);
  }
  if (n < MIB) {
    return new Intl.NumberFormat(tag, { style: "unit", unit: "kilobyte", maximumFractionDigits: 0 }).format(n / KIB);
  }
  return new Intl.NumberFormat(tag, { style: "unit", unit: "megabyte", maximumFractionDigits: 1 }).format(n / MIB);
}
