// « Imprimer »: builds the print view and hands it to the backend; where the backend has no
// dialog of its own (Windows, macOS), the same document is printed from a frame with the
// webview's own print.
import type { I18n } from "../i18n/i18n";
import type { PrintApi } from "./api";
import { escapeHtml, printMarkup, printTitle, type PrintItem } from "./printView";

const FRAME_ID = "print-frame";

/** What the frame may load: the same policy as the backend's (src-tauri/src/print.rs). */
const PRINT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

/** Prints `items` (one message, or a conversation oldest first) through the system's dialog. */
export async function printMessages(api: PrintApi, items: PrintItem[], i18n: I18n): Promise<void> {
  if (items.length === 0) return;
  const title = printTitle(items, i18n);
  const markup = printMarkup(items, i18n);
  if (await api.printDocument(title, i18n.locale, markup)) return;
  printInFrame(title, i18n.locale, markup);
}

/**
 * The webview's own print, from a frame of its own: same origin (so that the window may call
 * its `print()`) but no scripts, and the policy first in its head.
 */
function printInFrame(title: string, lang: string, markup: string): void {
  // The previous print's frame, if any, goes now: print() may return before its job is done.
  document.getElementById(FRAME_ID)?.remove();
  const frame = document.createElement("iframe");
  frame.id = FRAME_ID;
  frame.setAttribute("sandbox", "allow-same-origin allow-modals");
  frame.setAttribute("aria-hidden", "true");
  frame.tabIndex = -1;
  frame.style.cssText = "position:fixed;width:0;height:0;border:0;visibility:hidden";
  frame.srcdoc =
    `<!doctype html><html lang="${lang === "en" ? "en" : "fr"}"><head><meta http-equiv="Content-Security-Policy" content="${PRINT_CSP}">` +
    `<meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body>${markup}</body></html>`;
  frame.addEventListener("load", () => frame.contentWindow?.print());
  document.body.appendChild(frame);
}
