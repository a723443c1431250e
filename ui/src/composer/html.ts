// Turning HTML from elsewhere (a word processor, a web page, the ENT's quoted history) into the
// few tags the composer writes: text and structure stay, looks and active content go.

/** Tags kept as they are (without any attribute, except `href` on links). */
const KEPT = new Set(["P", "BR", "B", "STRONG", "I", "EM", "U", "UL", "OL", "LI", "A", "BLOCKQUOTE"]);
/** Dropped with everything inside: nothing of them is text the user meant to paste. */
const DROPPED = new Set([
  "SCRIPT", "STYLE", "HEAD", "TITLE", "META", "LINK", "IMG", "PICTURE", "SVG", "MATH", "OBJECT",
  "EMBED", "IFRAME", "FRAME", "VIDEO", "AUDIO", "CANVAS", "TEMPLATE", "NOSCRIPT", "INPUT",
  "BUTTON", "SELECT", "TEXTAREA", "FORM", "BASE", "AREA", "MAP",
]);
/** Blocks the composer does not write: they become paragraphs so line breaks survive. */
const BLOCKS = new Set([
  "DIV", "H1", "H2", "H3", "H4", "H5", "H6", "SECTION", "ARTICLE", "HEADER", "FOOTER", "MAIN",
  "ASIDE", "NAV", "PRE", "ADDRESS", "TR", "DT", "DD", "FIGURE", "FIGCAPTION", "CENTER",
]);
const HREF = /^(https?:|mailto:)/i;

function hasBlockChild(el: Element): boolean {
  for (const c of Array.from(el.children)) {
    if (BLOCKS.has(c.tagName) || ["P", "UL", "OL", "BLOCKQUOTE", "TABLE", "TBODY", "LI"].includes(c.tagName)) return true;
  }
  return false;
}

function copyChildren(from: Node, to: Node, doc: Document): void {
  for (const child of Array.from(from.childNodes)) copyNode(child, to, doc);
}

function copyNode(node: Node, to: Node, doc: Document): void {
  if (node.nodeType === Node.TEXT_NODE) {
    to.appendChild(doc.createTextNode(node.textContent ?? ""));
    return;
  }
  if (node.nodeType !== Node.ELEMENT_NODE) return;
  const el = node as Element;
  const tag = el.tagName.toUpperCase();
  if (DROPPED.has(tag)) return;
  if (tag === "A") {
    const href = (el.getAttribute("href") ?? "").trim();
    if (!HREF.test(href)) {
      copyChildren(el, to, doc);
      return;
    }
    const a = doc.createElement("a");
    a.setAttribute("href", href);
    copyChildren(el, a, doc);
    to.appendChild(a);
    return;
  }
  if (KEPT.has(tag)) {
    const out = doc.createElement(tag.toLowerCase());
    copyChildren(el, out, doc);
    to.appendChild(out);
    return;
  }
  if (BLOCKS.has(tag) && !hasBlockChild(el)) {
    const p = doc.createElement("p");
    copyChildren(el, p, doc);
    if (p.childNodes.length > 0) to.appendChild(p);
    return;
  }
  // span, font, o:p, table cells…: their text stays, their wrapper goes.
  copyChildren(el, to, doc);
}

/**
 * Keeps text and structure (p, br, b/strong, i/em, u, ul/ol/li, a href http(s)/mailto,
 * blockquote) and drops styles, classes, scripts, images, fonts and comments.
 */
export function cleanPastedHtml(html: string): string {
  const source = new DOMParser().parseFromString(html, "text/html");
  const out = document.implementation.createHTMLDocument("");
  const root = out.createElement("div");
  copyChildren(source.body, root, out);
  return root.innerHTML;
}

/** The text of an HTML body, to tell whether the user wrote anything. */
export function htmlText(html: string): string {
  return html
    .replace(/<[^>]*>/g, " ")
    .replace(/&nbsp;|&#160;/g, " ")
    .trim();
}

/** Plain text as HTML paragraphs (for pasting text without markup). */
export function textToHtml(text: string): string {
  const escape = (s: string) =>
    s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  return text
    .split(/\r?\n\r?\n/)
    .map((para) => `<p>${escape(para).replace(/\r?\n/g, "<br>")}</p>`)
    .join("");
}
