// What the composer needs to know of a body's HTML (the editor itself writes it: Editor.tsx).

/** The text of an HTML body, to tell whether the user wrote anything. */
export function htmlText(html: string): string {
  return html
    .replace(/<[^>]*>/g, " ")
    .replace(/&nbsp;|&#160;/g, " ")
    .trim();
}
