// The print view: messages laid out for paper, as one HTML fragment (a style sheet, then one
// article per message). Its headers are a table (De, À, Copie, Copie cachée when the reading
// pane shows one, Date, Objet, Pièces jointes with their sizes), then the body as the Rust side
// sanitized it. No toolbar, no list, no button, no script: the backend prints it in a view with
// JavaScript off, behind a policy that loads nothing (src-tauri/src/print.rs). A conversation
// is the same call with several messages, oldest first.
import type { I18n } from "../i18n/i18n";
import { formatSize } from "../i18n/size";
import { mediaStyle } from "../mailbox/body";
import { visibleName } from "../mailbox/filename";
import type { Message } from "../bindings/Message";
import type { Recipient } from "../bindings/Recipient";
import type { SafeBody } from "../bindings/SafeBody";

/** One message to print, with its body as the reading pane shows it (null: not downloaded). */
export interface PrintItem {
  message: Message;
  body: SafeBody | null;
}

/** Text as HTML text or attribute value. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

/**
 * Paper: black on white, the headers as a table, a rule between messages. The body's box
 * contains its own painting (`contain: paint`) and clips what overflows: a body whose styles
 * place text over the headers (`position: absolute` or `fixed`) cannot forge a « De » on the
 * printed page.
 */
export const PRINT_STYLE = `@page{margin:18mm 16mm}
:root{color-scheme:light}
body{margin:0;font:11pt/1.45 system-ui,"Segoe UI",Roboto,sans-serif;color:#000;background:#fff}
.print-message+.print-message{margin-top:10mm;padding-top:6mm;border-top:1px solid #777}
.print-message h1{font-size:15pt;margin:0 0 4mm}
.print-headers{border-collapse:collapse;margin-bottom:5mm;width:100%}
.print-headers th{text-align:left;vertical-align:top;padding:1mm 4mm 1mm 0;white-space:nowrap;font-weight:600;width:1%}
.print-headers td{padding:1mm 0;overflow-wrap:anywhere}
.print-headers ul{margin:0;padding:0;list-style:none}
.print-body{position:relative;contain:paint;overflow:hidden;border-top:1px solid #bbb;padding-top:4mm;overflow-wrap:anywhere}
.print-body img{max-width:100%;height:auto}
.print-body table{border-collapse:collapse}
.print-body blockquote{margin:0 0 0 3mm;padding-left:3mm;border-left:2px solid #999;color:#333}
.print-note{font-style:italic}`;

function names(list: Recipient[], i18n: I18n): string {
  return list
    .map((r) =>
      r.isGroup
        ? `${escapeHtml(i18n.t("message.group"))} ${escapeHtml(r.displayName)}`
        : escapeHtml(r.displayName),
    )
    .join(", ");
}

function row(label: string, valueHtml: string, key: string): string {
  return `<tr data-header="${key}"><th scope="row">${escapeHtml(label)}</th><td>${valueHtml}</td></tr>`;
}

/** The subject as the reading pane shows it (a recalled message, no subject). */
function shownSubject(message: Message, i18n: I18n): string {
  if (message.state === "RECALL" && message.subject === "") return i18n.t("writing.recalledSubject");
  return message.subject || i18n.t("list.noSubject");
}

function article({ message, body }: PrintItem, i18n: I18n): string {
  const { t } = i18n;
  const subject = shownSubject(message, i18n);
  const recalledForMe = message.state === "RECALL" && message.subject === "";
  const rows = [
    row(t("message.from"), message.from ? names([message.from], i18n) : escapeHtml(t("message.noSender")), "from"),
  ];
  if (message.to.length > 0) rows.push(row(t("message.to"), names(message.to, i18n), "to"));
  if (message.cc.length > 0) rows.push(row(t("message.cc"), names(message.cc, i18n), "cc"));
  // As the reading pane: the ENT sends the hidden copies to their sender only (each hidden
  // recipient sees himself alone), so the row shows where the ENT gave one.
  if (message.cci.length > 0) rows.push(row(t("message.cci"), names(message.cci, i18n), "cci"));
  rows.push(row(t("message.date"), escapeHtml(i18n.longDateTime(message.date)), "date"));
  rows.push(row(t("message.subject"), escapeHtml(subject), "subject"));
  if (message.attachments.length > 0) {
    const files = message.attachments
      .map((a) => `<li>${escapeHtml(visibleName(a.filename))} (${escapeHtml(formatSize(i18n.locale, a.size))})</li>`)
      .join("");
    rows.push(row(t("message.attachments"), `<ul>${files}</ul>`, "attachments"));
  }
  const content = recalledForMe
    ? `<p class="print-note">${escapeHtml(t("writing.recalledBody"))}</p>`
    : body === null
      ? `<p class="print-note">${escapeHtml(t("message.bodyMissing"))}</p>`
      : body.html;
  return (
    `<article class="print-message"><h1>${escapeHtml(subject)}</h1>` +
    `<table class="print-headers"><tbody>${rows.join("")}</tbody></table>` +
    `<div class="print-body">${content}</div></article>`
  );
}

/** The print view of `items`, in order: the style sheet, then one article each. */
export function printMarkup(items: PrintItem[], i18n: I18n): string {
  return `<style>${PRINT_STYLE}${mediaStyle(i18n.t)}</style>${items.map((item) => article(item, i18n)).join("")}`;
}

/** The print job's name: the (first) message's subject. */
export function printTitle(items: PrintItem[], i18n: I18n): string {
  const first = items[0];
  return first ? shownSubject(first.message, i18n) : i18n.t("app.name");
}
