// The editor's schema: the ENT's own editor extensions, so that the HTML the app writes is the
// HTML the ENT web page and the mobile app write and read back.
//
// The list follows Edifice's `useTipTapEditor` (edifice-frontend-framework,
// packages/react/src/modules/editor/hooks/useTipTapEditor.ts) for everything a message body
// holds: StarterKit, underline, text style, colour, Edifice's highlight (multicolour), tables
// with Edifice's table cell, alignment, Edifice's heading (levels 1 and 2), Edifice's font size
// and Edifice's hyperlink; plus the conversation app's own quoted-history blocks
// (`div.conversation-history`, entcore conversation/frontend/src/hooks/useInitMessage.tsx).
// Images are Edifice's `custom-image` (inserted from the user's files, uploaded to the
// workspace as the ENT's editor does: `<img class="custom-image" src="/workspace/document/{id}?timestamp=…"
// width="350">`), shown here through a node view fed by the backend (see `imageView`), as the
// ENT's own `ImageNodeView` shows it through a React one.
// A video or a sound of the ENT's workspace is Edifice's `video` or `audio`, and an embed of a
// web page (a YouTube video, a pad) Edifice's `iframe`, kept from the body the composer opens
// (a draft, or the history a reply or a forward quotes: the core's `body::editable` leaves
// only those) and sent on; the composer shows each as a note and loads nothing (see
// `workspaceMedia`, `webEmbed`).
// Left out, because a message body written here never needs them and each weighs on the
// bundle: speech, maths, font family, sub/superscript, typography.
import { ConversationHistory } from "@edifice.io/tiptap-extensions/conversation-history";
import { ConversationHistoryBody } from "@edifice.io/tiptap-extensions/conversation-history-body";
import { FontSize } from "@edifice.io/tiptap-extensions/font-size";
import { CustomHeading } from "@edifice.io/tiptap-extensions/heading";
import { CustomHighlight } from "@edifice.io/tiptap-extensions/highlight";
import { Hyperlink } from "@edifice.io/tiptap-extensions/hyperlink";
import { Audio } from "@edifice.io/tiptap-extensions/audio";
import { Iframe } from "@edifice.io/tiptap-extensions/iframe";
import { Image } from "@edifice.io/tiptap-extensions/image";
import { TableCell } from "@edifice.io/tiptap-extensions/table-cell";
import { Video } from "@edifice.io/tiptap-extensions/video";
import type { Extensions, Node } from "@tiptap/core";
import Color from "@tiptap/extension-color";
import Table from "@tiptap/extension-table";
import TableHeader from "@tiptap/extension-table-header";
import TableRow from "@tiptap/extension-table-row";
import TextAlign from "@tiptap/extension-text-align";
import TextStyle from "@tiptap/extension-text-style";
import Underline from "@tiptap/extension-underline";
import StarterKit from "@tiptap/starter-kit";

/** Addresses a link may have: the web and e-mail, never `javascript:` or `file:`. */
export const LINK = /^(https?:\/\/|mailto:)\S+$/i;

/** An ENT image's `src` as the window may show it (a data: URL), or null. */
export type ImageLoader = (src: string) => Promise<string | null>;

/** What the window shows for each ENT image address: filled at insertion and by the loader. */
export const shownImages = new Map<string, string>();

/** Most images kept shown (each is a data: URL of up to a few megabytes); the oldest go first. */
const SHOWN_MAX = 48;

/** Remembers what `src` shows, forgetting the oldest beyond `SHOWN_MAX`. */
export function rememberShown(src: string, dataUrl: string): void {
  shownImages.delete(src);
  shownImages.set(src, dataUrl);
  while (shownImages.size > SHOWN_MAX) {
    const oldest = shownImages.keys().next().value;
    if (oldest === undefined) break;
    shownImages.delete(oldest);
  }
}

/**
 * Edifice's image, as the composer holds it:
 * - only the ENT's own images (`/workspace/…`) are kept when a body is opened or pasted; an
 *   image of a web page would have to be fetched to be sent, so a paste drops it;
 * - no upload on paste or drop of a file (Edifice's plugin uploads through the web page's own
 *   services; here files dropped on the window are attachments, and « Image » uploads);
 * - drawn by a node view whose `<img>` shows the data: URL the backend fetched, never the
 *   address itself (the window loads nothing from the ENT).
 */
export function messageImage(load: ImageLoader | null) {
  return Image.extend({
    parseHTML() {
      return (this.parent?.() ?? []).map((rule) => ({ ...rule, tag: 'img[src^="/workspace/"]' }));
    },
    addProseMirrorPlugins() {
      return [];
    },
    addNodeView() {
      return ({ node }) => {
        const dom = document.createElement("img");
        dom.className = "custom-image";
        const show = (attrs: Record<string, unknown>) => {
          const src = String(attrs.src ?? "");
          const width = attrs.width == null ? null : parseInt(String(attrs.width), 10);
          if (width && !Number.isNaN(width)) dom.setAttribute("width", String(width));
          else dom.removeAttribute("width");
          dom.alt = String(attrs.alt ?? "");
          dom.dataset.src = src;
          const known = shownImages.get(src);
          if (known) dom.src = known;
          else if (load)
            void load(src).then((data) => {
              if (!data || dom.dataset.src !== src) return;
              rememberShown(src, data);
              dom.src = data;
            });
        };
        show(node.attrs);
        return {
          dom,
          update: (next) => {
            if (next.type !== node.type) return false;
            show(next.attrs);
            return true;
          },
        };
      };
    },
  });
}

/**
 * The note the composer shows in place of a workspace video or sound, or of an embed (then
 * `host` is the address's host), that it keeps.
 */
export type MediaLabel = (kind: "video" | "audio" | "frame", host?: string) => string;

/** A note in the editor, in place of something it keeps and never loads. */
function note(kind: string, text: string): { dom: HTMLElement } {
  const dom = document.createElement("div");
  dom.className = `cmp-media cmp-media-${kind}`;
  dom.contentEditable = "false";
  dom.textContent = text;
  return { dom };
}

/**
 * Edifice's video or sound, as the composer holds it:
 * - only the ENT's own documents (`/workspace/…`) are kept when a body is opened or pasted, as
 *   for images; a web page's video pasted here is dropped;
 * - no input rule (Edifice's video turns a typed `![…](address)` into a video of any address);
 * - drawn by a node view that is a labelled note, never a `<video>` or `<audio>`: the window
 *   loads nothing from the ENT. What is saved and sent is still the ENT's markup.
 */
function workspaceMedia<T extends Node>(node: T, kind: "video" | "audio", label: MediaLabel): T {
  return node.extend({
    parseHTML() {
      return [{ tag: `${kind}[src^="/workspace/"]` }];
    },
    addInputRules() {
      return [];
    },
    addNodeView() {
      return () => note(kind, label(kind));
    },
  }) as T;
}

/**
 * Edifice's embed of a web page (`<div class="iframe-wrapper"><iframe src="https://…">`), as
 * the composer holds it: kept from a body opened or pasted when its address is on the web, as
 * the ENT's editor keeps it, and drawn by a node view that is a labelled note naming the host,
 * never an `<iframe>`. What is saved and sent is still the ENT's markup.
 */
function webEmbed(label: MediaLabel) {
  return Iframe.extend({
    parseHTML() {
      return [{ tag: 'iframe[src^="https://"]' }, { tag: 'iframe[src^="http://"]' }];
    },
    addNodeView() {
      return ({ node }) => {
        let host = "";
        try {
          host = new URL(String(node.attrs.src)).host;
        } catch {
          // Kept as written: the note then names no host.
        }
        return note("frame", label("frame", host));
      };
    },
  });
}

/** The extensions of the composer's editor, configured as the ENT configures them. */
export function messageExtensions(load: ImageLoader | null = null, mediaLabel: MediaLabel = (kind) => kind): Extensions {
  return [
    StarterKit,
    Underline,
    TextStyle,
    Color,
    CustomHighlight.configure({ multicolor: true }),
    Table.configure({ resizable: true }),
    TableRow,
    TableHeader,
    TableCell,
    TextAlign.configure({ types: ["heading", "paragraph"] }),
    CustomHeading.configure({ levels: [1, 2] }),
    FontSize,
    Hyperlink.configure({
      openOnClick: false,
      autolink: true,
      protocols: ["mailto"],
      validate: (href: string) => LINK.test(href),
    }),
    ConversationHistory,
    ConversationHistoryBody,
    messageImage(load),
    workspaceMedia(Video, "video", mediaLabel),
    workspaceMedia(Audio, "audio", mediaLabel),
    webEmbed(mediaLabel),
  ];
}
