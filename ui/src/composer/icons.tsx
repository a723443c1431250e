// The composer's icons, drawn as SVG: a glyph such as 🔗 or 📎 needs a font the system may lack
// (a fresh Debian under Xvfb shows an empty box). Each is a 20×20 stroke drawing in the
// button's text colour, so it follows the theme; the button carries the words (aria-label).
import type { ReactNode } from "react";

export type IconName =
  | "undo"
  | "redo"
  | "bold"
  | "italic"
  | "underline"
  | "strike"
  | "color"
  | "highlight"
  | "alignLeft"
  | "alignCenter"
  | "alignRight"
  | "alignJustify"
  | "bulletList"
  | "numberList"
  | "link"
  | "quote"
  | "table"
  | "image"
  | "paperclip";

const LINES = (ys: number[], from: (y: number) => number, to: (y: number) => number) =>
  ys.map((y) => `M${from(y)} ${y}H${to(y)}`).join("");

const PATHS: Record<IconName, ReactNode> = {
  undo: <path d="M7 5 3 9l4 4M3 9h9a5 5 0 0 1 0 10h-3" />,
  redo: <path d="m13 5 4 4-4 4m4-4H8a5 5 0 0 0 0 10h3" />,
  bold: <path d="M6 3h5.5a3.5 3.5 0 0 1 0 7H6zm0 7h6.5a3.5 3.5 0 0 1 0 7H6z" strokeWidth="2.2" />,
  italic: <path d="M9 3h7M4 17h7M12.5 3l-5 14" />,
  underline: <path d="M5 3v6a5 5 0 0 0 10 0V3M4 18h12" />,
  strike: <path d="M3 10h14M14 5.5C13 4 11.6 3.5 10 3.5 7.8 3.5 6 4.6 6 6.5c0 1.4 1 2.3 2.6 2.9M6 14.5c1 1.5 2.4 2 4 2 2.3 0 4-1.1 4-3 0-.9-.4-1.6-1-2.1" />,
  color: <path d="m5 15 5-12 5 12M7 10.5h6" />,
  highlight: <path d="m12 3 5 5-7 7H5v-5zM3 18h14" />,
  alignLeft: <path d={LINES([4, 8, 12, 16], () => 3, (y) => (y % 8 === 0 ? 12 : 17))} />,
  alignCenter: <path d={LINES([4, 8, 12, 16], (y) => (y % 8 === 0 ? 6 : 3), (y) => (y % 8 === 0 ? 14 : 17))} />,
  alignRight: <path d={LINES([4, 8, 12, 16], (y) => (y % 8 === 0 ? 8 : 3), () => 17)} />,
  alignJustify: <path d={LINES([4, 8, 12, 16], () => 3, () => 17)} />,
  bulletList: (
    <>
      <path d={LINES([5, 10, 15], () => 8, () => 17)} />
      <circle cx="4" cy="5" r="1" fill="currentColor" />
      <circle cx="4" cy="10" r="1" fill="currentColor" />
      <circle cx="4" cy="15" r="1" fill="currentColor" />
    </>
  ),
  numberList: <path d={`${LINES([5, 10, 15], () => 8, () => 17)}M3 3.5 4.5 3v4M3 9h2.5L3 12.5h2.5M3 14h2.5l-1 1.5a1 1 0 1 1-1.5 1.5`} />,
  link: <path d="M8.5 11.5a3.5 3.5 0 0 0 5 0l3-3a3.5 3.5 0 0 0-5-5l-1 1M11.5 8.5a3.5 3.5 0 0 0-5 0l-3 3a3.5 3.5 0 0 0 5 5l1-1" />,
  quote: <path d="M4 5v10M8 7h9M8 11h9M8 15h6" />,
  table: <path d="M3 4h14v12H3zM3 8h14M3 12h14M8 4v12M13 4v12" />,
  image: <path d="M3 4h14v12H3zM3 13l4-4 3 3 2-2 5 5M13.5 7.5h.01" />,
  paperclip: <path d="m16 9-6.5 6.5a3.5 3.5 0 0 1-5-5L11 4a2.3 2.3 0 0 1 3.3 3.3L8 13.6a1.2 1.2 0 0 1-1.7-1.7L12 6.3" />,
};

/** An icon beside or instead of words; hidden from assistive technology (the button speaks). */
export function Icon({ name }: { name: IconName }) {
  return (
    <svg
      className="cmp-icon"
      data-icon={name}
      viewBox="0 0 20 20"
      width="20"
      height="20"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.6"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      {PATHS[name]}
    </svg>
  );
}
