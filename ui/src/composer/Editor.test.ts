// The composer's editor writes what the ENT's editor writes. The reference HTML is produced by
// the ENT's extensions themselves, configured as Edifice's `useTipTapEditor` configures them
// (edifice-frontend-framework, packages/react/src/modules/editor/hooks/useTipTapEditor.ts):
// this list is written here on its own, not taken from extensions.ts, so that a change of the
// composer's configuration that changes its HTML fails here.
import { FontSize } from "@edifice.io/tiptap-extensions/font-size";
import { CustomHeading } from "@edifice.io/tiptap-extensions/heading";
import { CustomHighlight } from "@edifice.io/tiptap-extensions/highlight";
import { Hyperlink } from "@edifice.io/tiptap-extensions/hyperlink";
import { Audio } from "@edifice.io/tiptap-extensions/audio";
import { Iframe } from "@edifice.io/tiptap-extensions/iframe";
import { Image } from "@edifice.io/tiptap-extensions/image";
import { TableCell } from "@edifice.io/tiptap-extensions/table-cell";
import { Video } from "@edifice.io/tiptap-extensions/video";
import { ConversationHistory } from "@edifice.io/tiptap-extensions/conversation-history";
import { ConversationHistoryBody } from "@edifice.io/tiptap-extensions/conversation-history-body";
import { Editor, getHTMLFromFragment, getSchema, type Extensions, type JSONContent } from "@tiptap/core";
import { Node } from "@tiptap/pm/model";
import { holdsImagesNotKept } from "./html";
import Color from "@tiptap/extension-color";
import Table from "@tiptap/extension-table";
import TableHeader from "@tiptap/extension-table-header";
import TableRow from "@tiptap/extension-table-row";
import TextAlign from "@tiptap/extension-text-align";
import TextStyle from "@tiptap/extension-text-style";
import Underline from "@tiptap/extension-underline";
import StarterKit from "@tiptap/starter-kit";
import { afterEach, describe, expect, test, vi } from "vitest";
import { messageExtensions } from "./extensions";
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
  // The conversation app adds its quoted-history blocks (entcore conversation/frontend).
  ConversationHistory,
  ConversationHistoryBody,
  // Edifice's image (`ImageNodeView` extends it with a React view that renders the same HTML);
  // its plugin, which only uploads pasted or dropped files, needs a clipboard jsdom lacks.
  Image.extend({ addProseMirrorPlugins: () => [] }),
  Video,
  Audio,
  Iframe,
];

/** The HTML the ENT's editor writes for `doc` (serialized by the same DOM as the composer's). */
function entHtml(doc: JSONContent): string {
  const schema = getSchema(ENT_EDITOR);
  return getHTMLFromFragment(Node.fromJSON(schema, doc).content, schema);
}

// jsdom has no ClipboardEvent; ProseMirror's pasteHTML only needs one to exist.
if (typeof globalThis.ClipboardEvent === "undefined") {
  globalThis.ClipboardEvent = class extends Event {
    readonly clipboardData = null;
  } as unknown as typeof ClipboardEvent;
}

const text = (t: string, marks?: JSONContent["marks"]): JSONContent => ({ type: "text", text: t, ...(marks ? { marks } : {}) });
const para = (content: JSONContent[], textAlign: string | null = null): JSONContent => ({ type: "paragraph", attrs: { textAlign }, content });
const cell = (t: string): JSONContent => ({ type: "tableCell", attrs: { colspan: 1, rowspan: 1, colwidth: null, backgroundColor: null }, content: [para([text(t)])] });

/** Bodies as the ENT's editor writes them. */
const FIXTURES: Record<string, JSONContent> = {
  "colours, size, highlight and alignment": {
    type: "doc",
    content: [
      para([text("Sortie", [{ type: "bold" }, { type: "textStyle", attrs: { color: "#c0392b", fontSize: "18px" } }]), text(" au musée", [{ type: "customHighlight", attrs: { color: "#fff176" } }])], "center"),
      para([text("barré", [{ type: "strike" }]), text(" souligné", [{ type: "underline" }]), text(" penché", [{ type: "italic" }])], "justify"),
    ],
  },
  "a table": {
    type: "doc",
    content: [{ type: "table", content: [{ type: "tableRow", content: [cell("Lundi"), cell("Mardi")] }, { type: "tableRow", content: [cell("Piscine"), cell("Musée")] }] }],
  },
  "lists, a quote, a heading and a link": {
    type: "doc",
    content: [
      { type: "customHeading", attrs: { level: 2, textAlign: null }, content: [text("Sortie")] },
      { type: "bulletList", content: [{ type: "listItem", content: [para([text("un")])] }] },
      { type: "orderedList", attrs: { start: 1 }, content: [{ type: "listItem", content: [para([text("deux")])] }] },
      { type: "blockquote", content: [para([text("cité")])] },
      para([text("le site", [{ type: "hyperlink", attrs: { href: "https://college.example/sortie", target: null, rel: "noopener noreferrer nofollow", class: null, title: null } }])]),
    ],
  },
  "an inline image from the workspace": {
    type: "doc",
    content: [para([text("La photo : "), { type: "custom-image", attrs: { src: "/workspace/document/0f8e2b1c-2d3e-4f50-8a9b-0c1d2e3f4a5b?timestamp=1796000000000", alt: null, title: null, width: "350", height: null, style: null, size: "medium" } }])],
  },
  "a reply's quoted history": {
    type: "doc",
    content: [
      para([text("Merci !")]),
      { type: "converstationHistory", content: [para([text("De Paul Martin", [{ type: "italic" }])]), { type: "converstationHistoryBody", content: [para([text("Bonjour")])] }] },
    ],
  },
};

let editor: Editor | null = null;
afterEach(() => {
  editor?.destroy();
  editor = null;
});

let reference: Editor | null = null;
afterEach(() => {
  reference?.destroy();
  reference = null;
});

function ours(content = ""): Editor {
  editor = new Editor({ extensions: messageExtensions(), content });
  return editor;
}

/** The ENT's own editor, for what it makes of a body it opens or of a paste. */
function ents(content = ""): Editor {
  reference = new Editor({ extensions: ENT_EDITOR, content });
  return reference;
}

/** What each editor makes of the same paste: the composer's HTML, and the ENT's. */
function pasteInBoth(html: string): [string, string] {
  const e = ours();
  e.view.pasteHTML(html);
  const r = ents();
  r.view.pasteHTML(html);
  return [e.getHTML(), r.getHTML()];
}

describe("the composer writes the ENT's HTML", () => {
  for (const [name, doc] of Object.entries(FIXTURES)) {
    test(`a body the ENT's editor wrote (${name}) opens in the composer as in the ENT's editor`, () => {
      const ent = entHtml(doc);
      // The composer opens it as the ENT's editor opens it (both read colours back as rgb()).
      expect(ours(ent).getHTML()).toBe(ents(ent).getHTML());
      expect(ours(ent).getText()).toBe(ents(ent).getText());
    });
  }

  test("bold, a colour, a size, a highlight, centring and a table made with the toolbar's commands are the ENT's markup", () => {
    const e = ours("<p>Sortie au musée</p>");
    e.chain().setTextSelection({ from: 1, to: 7 }).toggleBold().setColor("#c0392b").setFontSize("18px").run();
    e.chain().setTextSelection({ from: 7, to: 16 }).setHighlight({ color: "#fff176" }).setTextAlign("center").run();
    e.chain().setTextSelection(e.state.doc.content.size).insertTable({ rows: 2, cols: 2, withHeaderRow: false }).insertContent("Lundi").run();
    const html = e.getHTML();
    expect(html).toBe(entHtml(e.getJSON()));
    // (jsdom writes colours as rgb(), as WebKit does.)
    expect(html).toContain('<p style="text-align: center;"><span style="color: rgb(192, 57, 43); font-size: 18px;"><strong>Sortie</strong></span>');
    expect(html).toContain('<mark data-color="#fff176" style="background-color: rgb(255, 241, 118); color: inherit;"> au musée</mark>');
    expect(html).toMatch(/<table[^>]*><colgroup>.*<td colspan="1" rowspan="1"><p>Lundi<\/p><\/td>/);
  });
});

describe("an image is written as the ENT's editor writes it", () => {
  const src = "/workspace/document/0f8e2b1c-2d3e-4f50-8a9b-0c1d2e3f4a5b?timestamp=1796000000000";

  test("a colour, a table and an image inserted with the editor's commands are the ENT's markup", () => {
    const e = ours("<p>Sortie au musée</p>");
    e.chain().setTextSelection({ from: 1, to: 7 }).setColor("#c0392b").run();
    e.chain().setTextSelection(16).setNewImage({ src }).run();
    e.chain().setTextSelection(e.state.doc.content.size).insertTable({ rows: 2, cols: 2, withHeaderRow: false }).insertContent("Lundi").run();
    const html = e.getHTML();
    expect(html).toBe(entHtml(e.getJSON()));
    expect(html).toContain(`<img class="custom-image" src="${src}" width="350">`);
    expect(html).toContain('<span style="color: rgb(192, 57, 43);">Sortie</span>');
    expect(html).toMatch(/<table[^>]*><colgroup>.*<td colspan="1" rowspan="1"><p>Lundi<\/p><\/td>/);
  });

  test("the editor shows an image through the backend's data: URL, never its address", async () => {
    const data = "data:image/gif;base64,R0lGODlhAQABAAAAACw=";
    const asked: string[] = [];
    editor = new Editor({
      extensions: messageExtensions(async (s) => {
        asked.push(s);
        return data;
      }),
      content: `<p><img class="custom-image" src="${src}" width="350"></p>`,
    });
    const img = editor.view.dom.querySelector("img.custom-image");
    await vi.waitFor(() => expect(img?.getAttribute("src")).toBe(data));
    expect(asked).toEqual([src]);
    expect(img?.getAttribute("width")).toBe("350");
    // What is saved is still the ENT's address.
    expect(editor.getHTML()).toContain(`src="${src}"`);
  });

  test("a paste is known to lose images when it holds any but the ENT's own", () => {
    expect(holdsImagesNotKept('<p>a<img src="https://example.org/p.png"></p>')).toBe(true);
    expect(holdsImagesNotKept('<img src="data:image/png;base64,iVBORw0KGgo=">')).toBe(true);
    expect(holdsImagesNotKept("<img>")).toBe(true);
    expect(holdsImagesNotKept('<img src="/workspace/document/abc"><p>texte</p>')).toBe(false);
    expect(holdsImagesNotKept("<p>&lt;img src=x&gt; en texte</p>")).toBe(false);
  });

  test("an image of a pasted web page is dropped (the ENT's editor keeps its address; the app would have to fetch it to send it)", () => {
    const [html, ent] = pasteInBoth('<p>texte<img src="https://tracker.example/p.png"> <img src="/workspace/document/abc"></p>');
    expect(ent).toContain("tracker.example");
    expect(html).not.toContain("tracker.example");
    expect(html).toContain('<img class="custom-image" src="/workspace/document/abc" width="350">');
  });
});

describe("a workspace video or sound a reply quotes is sent on", () => {
  const id = "7c3f1a2b-0000-4000-8000-000000000001";
  // What the core's `body::editable` leaves of tests/e2e/fixtures/reading/media.html's video
  // and of a sound (crates/core/src/body.rs tests).
  const quoted =
    `<p>La vidéo :</p><div class="video-wrapper"><video src="/workspace/document/${id}" controls="true" data-document-id="${id}" width="640" height="360"></video></div>` +
    `<div class="audio-wrapper"><audio src="/workspace/document/${id}" controls="" preload="none" data-document-id="${id}"></audio></div>`;

  test("they open in the composer as in the ENT's editor, and are written back as it writes them", () => {
    const html = ours(quoted).getHTML();
    expect(html).toBe(ents(quoted).getHTML());
    expect(html).toContain(`<div class="video-wrapper"><video src="/workspace/document/${id}" controls="true" data-document-id="${id}"`);
    expect(html).toContain('width="640" height="360"></video></div>');
    expect(html).toContain(`<div class="audio-wrapper"><audio src="/workspace/document/${id}" data-document-id="${id}"></audio></div>`);
  });

  test("the editor shows each as a labelled note and loads neither", () => {
    editor = new Editor({ extensions: messageExtensions(null, (kind) => `note ${kind}`), content: quoted });
    const dom = editor.view.dom;
    expect(dom.querySelector("video, audio, [src]")).toBeNull();
    expect([...dom.querySelectorAll(".cmp-media")].map((n) => n.textContent)).toEqual(["note video", "note audio"]);
  });

  test("a web page's video pasted is dropped (the ENT's editor keeps it; the app sends on only the ENT's own)", () => {
    const [html, ent] = pasteInBoth('<p>Regardez :</p><video src="https://videos.example/v.mp4"></video><p>fin</p>');
    expect(ent).toContain("videos.example");
    expect(html).not.toContain("videos.example");
    expect(html).not.toContain("<video");
  });
});

describe("an embed a reply quotes is sent on", () => {
  // What the core's `body::editable` leaves of tests/e2e/fixtures/reading/media.html's embed
  // (crates/core/src/body.rs tests).
  const quoted =
    '<p>La vidéo :</p><div class="iframe-wrapper"><iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ" frameborder="0" allowfullscreen="true" width="560" height="315"></iframe></div>';

  test("it opens in the composer as in the ENT's editor, and is written back as it writes it", () => {
    const html = ours(quoted).getHTML();
    expect(html).toBe(ents(quoted).getHTML());
    expect(html).toContain(
      '<div class="iframe-wrapper"><iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ" frameborder="0" allowfullscreen="true" width="560" height="315"></iframe></div>',
    );
  });

  test("one as wide as the page stays so (the core keeps that width too)", () => {
    const wide = '<div class="iframe-wrapper"><iframe src="https://pad.example/p/1" frameborder="0" allowfullscreen="true" width="100%" height="400"></iframe></div>';
    const html = ours(wide).getHTML();
    expect(html).toBe(ents(wide).getHTML());
    expect(html).toContain('width="100%" height="400"');
  });

  test("the editor shows it as a note naming its host and loads nothing", () => {
    editor = new Editor({ extensions: messageExtensions(null, (kind, host) => `note ${kind} ${host}`), content: quoted });
    const dom = editor.view.dom;
    expect(dom.querySelector("iframe, [src]")).toBeNull();
    expect([...dom.querySelectorAll(".cmp-media")].map((n) => n.textContent)).toEqual(["note frame www.youtube.com"]);
  });

  test("an embed pasted is kept as the ENT's editor keeps it, unless its address is not on the web", () => {
    const [html, ent] = pasteInBoth('<p>Regardez :</p><iframe src="https://player.example/v/1"></iframe><iframe src="javascript:alert(1)"></iframe><p>fin</p>');
    expect(html).toContain('<iframe src="https://player.example/v/1" frameborder="0" allowfullscreen="true"></iframe>');
    expect(ent).toContain("player.example");
    expect(html).not.toContain("javascript:");
  });
});

describe("the round trip's reference (tests/e2e/fixtures/roundtrip.html)", () => {
  // The steps tests/e2e/writing_roundtrip.rs takes in the app's composer (typing, then the
  // toolbar's commands), taken here in the ENT's own editor: what it writes is the reference
  // the message read back through ent-server must equal. MESSAGERIE_UPDATE_FIXTURES=1 writes it.
  const ROUNDTRIP_SRC = "/workspace/document/0f8e2b1c-2d3e-4f50-8a9b-0c1d2e3f4a5b?timestamp=1796000000000";
  const steps = (e: Editor) => {
    e.commands.insertContent("Sortie au musée");
    e.chain().setTextSelection({ from: 1, to: 7 }).setColor("#c0392b").run();
    e.chain().focus("end").setNewImage({ src: ROUNDTRIP_SRC }).run();
    e.chain().focus("end").insertTable({ rows: 3, cols: 3, withHeaderRow: false }).insertContent("Lundi").run();
    return e.getHTML();
  };

  test("the composer and the ENT's editor write the same HTML for a table, a colour and an inline image", () => {
    const html = steps(ours());
    expect(html).toBe(steps(ents()));
    expect(fixtureFile("roundtrip.html", html + "\n")).toBe(html + "\n");
  });
});

describe("a paste keeps what the ENT keeps", () => {
  test("from LibreOffice Writer: bold, lists and tables stay; fonts, margins and classes go", () => {
    const writer = `<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.0 Transitional//EN"><html><head>
<meta http-equiv="content-type" content="text/html; charset=utf-8"/><title></title>
<meta name="generator" content="LibreOffice 7.4.7.2 (Linux)"/>
<style type="text/css">@page { size: 21cm 29.7cm; margin: 2cm } p { line-height: 115%; margin-bottom: 0.25cm; background: transparent }</style>
</head><body lang="fr-FR" link="#000080" vlink="#800000" dir="ltr">
<p style="line-height: 100%; margin-bottom: 0cm"><font face="Liberation Serif, serif"><b>Sortie au musée</b> jeudi</font></p>
<ul><li><p style="margin-bottom: 0cm">prévoir un <i>pique-nique</i></p></li><li><p style="margin-bottom: 0cm">autorisation signée</p></li></ul>
<table width="100%" cellpadding="4" cellspacing="0"><col width="128*"/><col width="128*"/>
<tr valign="top"><td width="50%" style="border: 1px solid #000000; padding: 0.1cm"><p>Départ</p></td><td width="50%" style="border: 1px solid #000000; padding: 0.1cm"><p>8 h 30</p></td></tr></table>
<p class="western" style="margin-bottom: 0cm"><script>alert(1)</script><img src="file:///tmp/x.png" onerror="alert(2)"/>fin</p>
</body></html>`;
    const [html, ent] = pasteInBoth(writer);
    // The ENT's editor keeps the image's file: address (it shows nothing); the app keeps only
    // the ENT's own images (see the image tests above).
    expect(html).toBe(ent.replace(/<img[^>]*>/g, ""));
    expect(html).toContain("<strong>Sortie au musée</strong> jeudi");
    expect(html).toContain("<ul><li><p>prévoir un <em>pique-nique</em></p></li><li><p>autorisation signée</p></li></ul>");
    expect(html).toMatch(/<table[^>]*>.*<td[^>]*><p>Départ<\/p><\/td><td[^>]*><p>8 h 30<\/p><\/td>/);
    for (const gone of ["Liberation", "margin", "western", "line-height", "<img", "script", "alert", "<font"]) {
      expect(html).not.toContain(gone);
    }
  });

  test("from Word: bold and italic stay, Office's classes, fonts and empty tags go; a colour stays as the ENT keeps it", () => {
    const word =
      '<!--StartFragment--><p class="MsoNormal" style="margin:0cm"><b><span style="font-family:Calibri;mso-bidi-font-family:Arial">Réunion</span></b> ' +
      '<span style="color:#C00000">des <i>parents</i></span><o:p></o:p></p><!--EndFragment-->';
    const [html, ent] = pasteInBoth(word);
    expect(html).toBe(ent);
    expect(html).toContain("<strong>Réunion</strong>");
    expect(html).toContain('<span style="color: rgb(192, 0, 0);">des <em>parents</em></span>');
    for (const gone of ["Mso", "Calibri", "mso-", "o:p", "margin"]) expect(html).not.toContain(gone);
  });

  test("from a web page: a javascript: link loses its link, an https one keeps it", () => {
    const [html, ent] = pasteInBoth('<p><a href="javascript:alert(1)">piège</a> et <a href="https://college.example/k" onclick="x()">site</a></p>');
    expect(html).toBe(ent);
    expect(html).not.toContain("javascript");
    expect(html).not.toContain("onclick");
    expect(html).toContain('<p>piège et <a rel="noopener noreferrer nofollow" href="https://college.example/k">site</a></p>');
  });
});
