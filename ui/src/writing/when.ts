// The times « Envoyer plus tard » offers, computed from `now` (the app's clock, passed in).

/** Tomorrow at 7:30, local time. */
export function tomorrowAt730(now: Date): Date {
  const d = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1, 7, 30, 0, 0);
  return d;
}

/** The next Monday at 7:30, local time (a week ahead on a Monday after 7:30; today before). */
export function mondayAt730(now: Date): Date {
  const today = new Date(now.getFullYear(), now.getMonth(), now.getDate(), 7, 30, 0, 0);
  const days = (8 - now.getDay()) % 7; // getDay: 0 Sunday, 1 Monday
  if (days === 0 && now < today) return today;
  return new Date(now.getFullYear(), now.getMonth(), now.getDate() + (days === 0 ? 7 : days), 7, 30, 0, 0);
}

/** A time of day as the ENT writes it: « 7 h 30 » in French, « 7:30 » in English. */
export function clockTime(locale: string, ms: number): string {
  const d = new Date(ms);
  const mm = String(d.getMinutes()).padStart(2, "0");
  return locale === "fr" ? `${d.getHours()} h ${mm}` : `${d.getHours()}:${mm}`;
}

/** `YYYY-MM-DDTHH:MM` of a local date, for an `<input type="datetime-local">`. */
export function toLocalInput(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** The local date of an `<input type="datetime-local">` value; null when it is not one. */
export function fromLocalInput(value: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value);
  if (!m) return null;
  const [y, mo, d, h, mi] = m.slice(1).map(Number) as [number, number, number, number, number];
  const date = new Date(y, mo - 1, d, h, mi, 0, 0);
  // 31 February and the like roll over: not a date the user typed.
  return date.getMonth() === mo - 1 && date.getDate() === d ? date : null;
}
