// How a message body is shown: never in the main document, only as the `srcdoc` of an iframe
// sandboxed without scripts and without same origin, under a Content-Security-Policy that
// blocks every load except inline styles and data: images. A srcdoc frame also inherits the
// window's CSP, which loads no remote image either: « Afficher les images » asks the backend
// for the body with its remote images inlined as data: URLs (`showRemoteImages`). What the body
// holds (its links, whether it shows remote images) comes with it from the Rust side
// (`SafeBody`, computed once in the core); nothing here parses it again.

import type { MessageKey } from "../i18n/i18n";

export const BODY_SANDBOX = "allow-popups allow-popups-to-escape-sandbox";

export function bodyCsp(): string {
  return "default-src 'none'; style-src 'unsafe-inline'; img-src data:";
}

/**
 * The light sheet. A body is shown on white with dark default text in both themes, never with
 * its colours adapted: an ENT message keeps the colours its author chose (a teacher's red
 * « À rendre lundi » stays red), and black text written for a white page never ends up on a
 * dark background. The dark window frames the sheet. These colours are also the `--mbx-sheet*`
 * tokens of src/styles.css (the composer's page), which src/theme/contrast.test.ts checks.
 */
export const SHEET = { background: "#ffffff", ink: "#1f2933", muted: "#52606d", link: "#1a6a8d", quote: "#c9dde6" };

// `color-scheme: light` and the white canvas: the frame stays a light page even when the
// window around it is dark (a frame whose scheme differs from its parent's is painted opaque).
const frameStyle = `:root{color-scheme:light;background:${SHEET.background}}body{margin:0;padding:12px 16px;font:15px/1.55 system-ui,"Segoe UI",Roboto,sans-serif;color:${SHEET.ink};overflow-wrap:anywhere}
img{max-width:100%;height:auto}a{color:${SHEET.link}}a:not([href]){color:inherit}.attachments>a,.attachments>span{display:block}blockquote,.conversation-history{margin:0 0 0 8px;padding-left:8px;border-left:3px solid ${SHEET.quote};color:${SHEET.muted}}
table{border-collapse:collapse}td,th{border:1px solid ${SHEET.muted};padding:2px 6px;vertical-align:top}`;

/**
 * The notes the Rust side puts where a video, a sound or an embedded page was
 * (`media_placeholders` in crates/core/src/body.rs: a `span.mbx-media` holding a link to it
 * when it is on the web, empty otherwise; a video or sound of the ENT's workspace is also
 * `mbx-media-document`, offered with the message's files), labelled in the user's language.
 * The labels are CSS generated text, so the body's HTML stays as the core made it.
 */
export function mediaStyle(t: (key: MessageKey) => string): string {
  const text = (s: string) => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/</g, "\\3c ")}"`;
  return (
    `.mbx-media{display:block;margin:8px 0;padding:8px 12px;border:1px solid ${SHEET.quote};border-radius:6px}` +
    `.mbx-media-video::before{content:${text(t("message.mediaVideo"))}}` +
    `.mbx-media-audio::before{content:${text(t("message.mediaAudio"))}}` +
    `.mbx-media-frame::before{content:${text(t("message.mediaFrame"))}}` +
    `.mbx-media:empty::after{content:${text(t("message.mediaOnEnt"))}}` +
    `.mbx-media.mbx-media-document:empty::after{content:${text(t("message.mediaDocument"))}}`
  );
}

const attr = (s: string) => s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");

/**
 * The iframe's document. The CSP meta comes first in <head>, before any byte of the body, so
 * nothing in the body loads before it applies; a second CSP in the body could only narrow it.
 */
export function buildSrcdoc(body: string, t: (key: MessageKey) => string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${attr(
    bodyCsp(),
  )}"><meta name="referrer" content="no-referrer"><base target="_blank"><style>${frameStyle}${mediaStyle(
    t,
  )}</style></head><body>${body}</body></html>`;
}
