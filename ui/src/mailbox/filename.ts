// File names as the reading pane shows them. The backend already strips the characters that make
// a name lie; this is the window's own guard, so that a name can never hide its extension.

/**
 * Control characters, Unicode format characters (bidi embeddings, overrides and isolates,
 * zero-width spaces and joiners, marks, the BOM, tags), line and paragraph separators, and
 * fillers and variation selectors that draw nothing: the same set as core `attachment::is_hidden`.
 */
const HIDDEN: readonly (readonly [number, number])[] = [
  [0x0000, 0x001f], [0x007f, 0x009f], [0x00ad, 0x00ad], [0x034f, 0x034f], [0x0600, 0x0605],
  [0x061c, 0x061c], [0x06dd, 0x06dd], [0x070f, 0x070f], [0x0890, 0x0891], [0x08e2, 0x08e2],
  [0x115f, 0x1160], [0x17b4, 0x17b5], [0x180b, 0x180f], [0x200b, 0x200f], [0x2028, 0x202e],
  [0x2060, 0x206f], [0x3164, 0x3164], [0xfe00, 0xfe0f], [0xfeff, 0xfeff], [0xffa0, 0xffa0],
  [0xfff9, 0xfffb], [0x110bd, 0x110bd], [0x110cd, 0x110cd], [0x13430, 0x1343f],
  [0x1bca0, 0x1bca3], [0x1d173, 0x1d17a], [0xe0000, 0xe0fff],
];

function isHidden(char: string): boolean {
  const code = char.codePointAt(0) ?? 0;
  return HIDDEN.some(([from, to]) => code >= from && code <= to);
}

/** The name without hidden characters, trimmed. */
export function visibleName(name: string): string {
  return Array.from(name)
    .filter((c) => !isHidden(c))
    .join("")
    .trim();
}

/** The name split for display: what comes before the extension, and the extension (lowercase). */
export function splitName(name: string): { stem: string; extension: string | null } {
  const shown = visibleName(name);
  const dot = shown.lastIndexOf(".");
  const extension = dot > 0 ? shown.slice(dot + 1) : "";
  if (extension === "" || extension.length > 16 || !/^[\p{L}\p{N}_-]+$/u.test(extension)) {
    return { stem: shown, extension: null };
  }
  return { stem: shown.slice(0, dot), extension: extension.toLowerCase() };
}
