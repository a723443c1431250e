// The editor's schema: the ENT's own editor extensions, so that the HTML the app writes is the
// HTML the ENT web page and the mobile app write and read back.
//
// The list follows Edifice's `useTipTapEditor` (edifice-frontend-framework,
// packages/react/src/modules/editor/hooks/useTipTapEditor.ts) for everything a message body
// holds: StarterKit, underline, text style, colour, Edifice's highlight (multicolour), tables
// with Edifice's table cell, alignment, Edifice's heading (levels 1 and 2), Edifice's font size
// and Edifice's hyperlink; plus the conversation app's own quoted-history blocks
// (`div.conversation-history`, entcore conversation/frontend/src/hooks/useInitMessage.tsx).
// Left out, because a message body written here never needs them and each weighs on the
// bundle: speech, maths, font family, sub/superscript, typography, media embeds (a body from
// the ENT that has them keeps their HTML on the reading side; see the composer's README).
import { ConversationHistory } from "@edifice.io/tiptap-extensions/conversation-history";
import { ConversationHistoryBody } from "@edifice.io/tiptap-extensions/conversation-history-body";
import { FontSize } from "@edifice.io/tiptap-extensions/font-size";
import { CustomHeading } from "@edifice.io/tiptap-extensions/heading";
import { CustomHighlight } from "@edifice.io/tiptap-extensions/highlight";
import { Hyperlink } from "@edifice.io/tiptap-extensions/hyperlink";
import { TableCell } from "@edifice.io/tiptap-extensions/table-cell";
import type { Extensions } from "@tiptap/core";
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

/** The extensions of the composer's editor, configured as the ENT configures them. */
export function messageExtensions(): Extensions {
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
  ];
}
