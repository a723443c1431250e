// The message body: TipTap with the ENT's own extensions (see extensions.ts), and a toolbar in
// the ENT's words. What is pasted (LibreOffice, Word, a web page) goes through the same schema,
// so it keeps what the ENT's editor keeps (bold, lists, tables, colours, sizes, links) and loses
// what it drops (classes, fonts, margins, scripts, images, forms); a paste that loses images
// says so under the toolbar.
import { EditorContent, useEditor, useEditorState, type Editor } from "@tiptap/react";
import { useState } from "react";
import type { I18n, MessageKey } from "../i18n/i18n";
import type { InlineImage } from "../bindings/InlineImage";
import { messageExtensions, LINK, type ImageLoader, type MediaLabel } from "./extensions";
import { holdsImagesNotKept } from "./html";
import { Icon, type IconName } from "./icons";

/** Text colours and highlights offered, readable on the white sheet a message is read on. */
const COLORS: readonly [string, MessageKey][] = [
  ["#000000", "composer.colour.black"],
  ["#5e5e5e", "composer.colour.grey"],
  ["#c0392b", "composer.colour.red"],
  ["#b34700", "composer.colour.orange"],
  ["#1e7b34", "composer.colour.green"],
  ["#1a5fb4", "composer.colour.blue"],
  ["#6a1b9a", "composer.colour.purple"],
];
const HIGHLIGHTS: readonly [string, MessageKey][] = [
  ["#fff176", "composer.colour.yellow"],
  ["#a5d6a7", "composer.colour.green"],
  ["#90caf9", "composer.colour.blue"],
  ["#f8bbd0", "composer.colour.pink"],
  ["#ffcc80", "composer.colour.orange"],
];

/** The sizes of the ENT's « Taille » menu (edifice-frontend-framework EditorToolbar.TextSize). */
const SIZES = [
  { key: "composer.sizeTitle1", heading: 1 },
  { key: "composer.sizeTitle2", heading: 2 },
  { key: "composer.sizeBig", px: "18px" },
  { key: "composer.sizeNormal", px: "16px" },
  { key: "composer.sizeSmall", px: "14px" },
] as const satisfies readonly { key: MessageKey; heading?: 1 | 2; px?: string }[];

type Palette = "color" | "highlight" | null;

type Toggle = { key: MessageKey; icon: IconName; active: (e: Editor) => boolean; run: (e: Editor) => void; shortcut?: string };

const chain = (e: Editor) => e.chain().focus();

const TOGGLES: readonly Toggle[] = [
  { key: "composer.bold", icon: "bold", active: (e) => e.isActive("bold"), run: (e) => chain(e).toggleBold().run(), shortcut: "Ctrl+B" },
  { key: "composer.italic", icon: "italic", active: (e) => e.isActive("italic"), run: (e) => chain(e).toggleItalic().run(), shortcut: "Ctrl+I" },
  { key: "composer.underline", icon: "underline", active: (e) => e.isActive("underline"), run: (e) => chain(e).toggleUnderline().run(), shortcut: "Ctrl+U" },
  { key: "composer.strike", icon: "strike", active: (e) => e.isActive("strike"), run: (e) => chain(e).toggleStrike().run(), shortcut: "Ctrl+Maj+S" },
];

/** The note the composer shows in place of each kind of media it keeps (extensions.ts `MediaLabel`). */
const MEDIA_NOTES = {
  video: "composer.mediaVideo",
  audio: "composer.mediaAudio",
  frame: "composer.mediaFrame",
} as const satisfies Record<Parameters<MediaLabel>[0], MessageKey>;

const ALIGNS: readonly { key: MessageKey; icon: IconName; value: string }[] = [
  { key: "composer.alignLeft", icon: "alignLeft", value: "left" },
  { key: "composer.alignCenter", icon: "alignCenter", value: "center" },
  { key: "composer.alignRight", icon: "alignRight", value: "right" },
  { key: "composer.alignJustify", icon: "alignJustify", value: "justify" },
];

const BLOCKS: readonly Toggle[] = [
  { key: "composer.bulletList", icon: "bulletList", active: (e) => e.isActive("bulletList"), run: (e) => chain(e).toggleBulletList().run() },
  { key: "composer.numberList", icon: "numberList", active: (e) => e.isActive("orderedList"), run: (e) => chain(e).toggleOrderedList().run() },
  { key: "composer.quote", icon: "quote", active: (e) => e.isActive("blockquote"), run: (e) => chain(e).toggleBlockquote().run() },
];

/**
 * The body's editor and its toolbar; `onChange` gets the HTML after every change. The
 * signature (« Paramètres ») is written with it too, under its own `label` and `testId`.
 */
export function MessageEditor({
  i18n,
  initialHtml,
  onChange,
  label,
  testId = "body",
  images,
}: {
  i18n: I18n;
  initialHtml: string;
  onChange: (html: string) => void;
  label?: string;
  testId?: string;
  /** « Image »: picks and uploads images, and shows those of the body; no button without it. */
  images?: { pick: () => Promise<InlineImage[]>; load: ImageLoader };
}) {
  const { t } = i18n;
  // A paste that held images the body cannot keep (see `messageImage`) says so, instead of
  // losing them without a word.
  const [imagesNotKept, setImagesNotKept] = useState(false);
  const editor = useEditor({
    extensions: messageExtensions(images?.load ?? null, (kind, host) => t(MEDIA_NOTES[kind], { host: host ?? "" })),
    content: initialHtml,
    editorProps: {
      transformPastedHTML: (html) => {
        if (holdsImagesNotKept(html)) setImagesNotKept(true);
        return html;
      },
      attributes: {
        class: "cmp-body",
        "data-testid": testId,
        role: "textbox",
        "aria-multiline": "true",
        "aria-label": label ?? t("composer.body"),
      },
    },
    onUpdate: ({ editor }) => onChange(editor.getHTML()),
  });
  return (
    <div className="cmp-body-wrap">
      {editor && <Toolbar editor={editor} i18n={i18n} pickImages={images?.pick} />}
      {imagesNotKept && (
        <p className="cmp-paste-note" role="status">
          {t(images ? "composer.pastedImagesNotKept" : "composer.pastedImagesNotKeptNoPicker")}{" "}
          <button type="button" onClick={() => setImagesNotKept(false)}>
            {t("composer.pastedImagesNoted")}
          </button>
        </p>
      )}
      <EditorContent editor={editor} className="cmp-body-host" />
    </div>
  );
}

/** Inserts each image at the cursor as the ENT's editor does (`setNewImage`), one after the other. */
function insertImages(editor: Editor, images: InlineImage[]) {
  for (const image of images) {
    chain(editor).setNewImage({ src: image.src }).run();
  }
}

function Toolbar({ editor, i18n, pickImages }: { editor: Editor; i18n: I18n; pickImages?: () => Promise<InlineImage[]> }) {
  const { t } = i18n;
  const [palette, setPalette] = useState<Palette>(null);
  const [linking, setLinking] = useState(false);
  const [address, setAddress] = useState("https://");
  // Re-render on selection changes so that the pressed states follow the cursor.
  const pressed = useEditorState({
    editor,
    selector: ({ editor: e }) => ({
      marks: [...TOGGLES, ...BLOCKS].map((b) => b.active(e)),
      align: ALIGNS.map((a) => e.isActive({ textAlign: a.value })),
      link: e.isActive("hyperlink"),
      canUndo: e.can().undo(),
      canRedo: e.can().redo(),
    }),
  });

  const button = (key: MessageKey, icon: IconName, onClick: () => void, options: { active?: boolean; disabled?: boolean; shortcut?: string } = {}) => (
    <button
      key={key}
      type="button"
      aria-label={t(key)}
      title={options.shortcut ? `${t(key)} (${options.shortcut})` : t(key)}
      aria-pressed={options.active === undefined ? undefined : options.active}
      disabled={options.disabled}
      // mousedown keeps the selection in the body.
      onMouseDown={(e) => e.preventDefault()}
      onClick={onClick}
    >
      <Icon name={icon} />
    </button>
  );

  const applyLink = () => {
    const url = address.trim();
    if (!LINK.test(url)) return;
    setLinking(false);
    if (editor.state.selection.empty && !editor.isActive("hyperlink")) {
      chain(editor)
        .insertContent({ type: "text", text: url, marks: [{ type: "hyperlink", attrs: { href: url } }] })
        .run();
    } else {
      chain(editor).extendMarkRange("hyperlink").setLink({ href: url }).run();
    }
  };

  const size = SIZES.findIndex((s) =>
    "heading" in s ? editor.isActive("customHeading", { level: s.heading }) || editor.isActive("heading", { level: s.heading }) : editor.isActive("textStyle", { fontSize: s.px }),
  );

  return (
    <div className="cmp-toolbar" role="toolbar" aria-label={t("composer.toolbar")}>
      {button("composer.editUndo", "undo", () => chain(editor).undo().run(), { disabled: !pressed.canUndo, shortcut: "Ctrl+Z" })}
      {button("composer.editRedo", "redo", () => chain(editor).redo().run(), { disabled: !pressed.canRedo, shortcut: "Ctrl+Y" })}
      <span className="cmp-toolbar-gap" />
      {TOGGLES.map((b, i) => button(b.key, b.icon, () => b.run(editor), { active: pressed.marks[i], shortcut: b.shortcut }))}
      {button("composer.color", "color", () => setPalette(palette === "color" ? null : "color"), { active: palette === "color" })}
      {button("composer.highlight", "highlight", () => setPalette(palette === "highlight" ? null : "highlight"), { active: palette === "highlight" })}
      <select
        aria-label={t("composer.size")}
        title={t("composer.size")}
        value={size < 0 ? "" : String(size)}
        onChange={(e) => {
          const s = SIZES[Number(e.target.value)];
          if (!s) return;
          if ("heading" in s) chain(editor).setCustomHeading({ level: s.heading }).run();
          else chain(editor).setParagraph().setFontSize(s.px).run();
        }}
      >
        <option value="" disabled>
          {t("composer.size")}
        </option>
        {SIZES.map((s, i) => (
          <option key={s.key} value={String(i)}>
            {t(s.key)}
          </option>
        ))}
      </select>
      <span className="cmp-toolbar-gap" />
      {ALIGNS.map((a, i) => button(a.key, a.icon, () => chain(editor).setTextAlign(a.value).run(), { active: pressed.align[i] }))}
      <span className="cmp-toolbar-gap" />
      {BLOCKS.map((b, i) => button(b.key, b.icon, () => b.run(editor), { active: pressed.marks[TOGGLES.length + i] }))}
      {button("composer.link", "link", () => setLinking(!linking), { active: pressed.link })}
      {button("composer.table", "table", () => chain(editor).insertTable({ rows: 3, cols: 3, withHeaderRow: false }).run())}
      {pickImages && button("composer.image", "image", () => void pickImages().then((images) => insertImages(editor, images)))}
      {palette && (
        <span className="cmp-palette" role="group" aria-label={t(palette === "color" ? "composer.color" : "composer.highlight")}>
          {(palette === "color" ? COLORS : HIGHLIGHTS).map(([c, name]) => (
            <button
              key={c}
              type="button"
              className="cmp-swatch"
              style={{ background: c }}
              aria-label={t(name)}
              title={t(name)}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => {
                if (palette === "color") chain(editor).setColor(c).run();
                else chain(editor).setHighlight({ color: c }).run();
                setPalette(null);
              }}
            />
          ))}
          <button
            type="button"
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => {
              if (palette === "color") chain(editor).unsetColor().run();
              else chain(editor).unsetHighlight().run();
              setPalette(null);
            }}
          >
            {t("composer.noColor")}
          </button>
        </span>
      )}
      {linking && (
        <span className="cmp-link-form">
          <input
            aria-label={t("composer.linkAddress")}
            value={address}
            autoFocus
            onChange={(e) => setAddress(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter") {
                e.preventDefault();
                applyLink();
              } else if (e.key === "Escape") {
                e.preventDefault();
                e.stopPropagation();
                setLinking(false);
                editor.commands.focus();
              }
            }}
          />
          <button type="button" disabled={!LINK.test(address.trim())} onClick={applyLink}>
            {t("composer.linkApply")}
          </button>
          {pressed.link && (
            <button type="button" onClick={() => { setLinking(false); chain(editor).extendMarkRange("hyperlink").unsetLink().run(); }}>
              {t("composer.unlink")}
            </button>
          )}
        </span>
      )}
    </div>
  );
}
