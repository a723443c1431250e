// What the composer needs to know of a body's HTML (the editor itself writes it: Editor.tsx).

/** The text of an HTML body, to tell whether the user wrote anything. */
export function htmlText(html: string): string {
  return html
    .replace(/<[^>]*>/g, " ")
    .replace(/&nbsp;|&#160;/g, " ")
    .trim();
}

/**
 * Whether pasted HTML holds an image the body drops: any but the ENT's own (`/workspace/…`), such
 * as a web page's or one a word processor put inline. DOMParser's document is inert: nothing in
 * it loads or runs.
 */
export function holdsImagesNotKept(html: string): boolean {
  if (!/<img/i.test(html)) return false;
  const doc = new DOMParser().parseFromString(html, "text/html");
  return Array.from(doc.querySelectorAll("img")).some((img) => !(img.getAttribute("src") ?? "").startsWith("/workspace/"));
}
