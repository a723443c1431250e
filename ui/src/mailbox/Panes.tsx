// The mailbox's resizable panes: a splitter after the folder pane and one after the message
// list, moved with the mouse (drag) or the keyboard (arrows on the focused splitter, Shift for
// larger steps, Home/End for the limits). The widths are remembered (`paneWidths`): the next
// start opens with them. The reading pane takes the rest.
import { useCallback, useEffect, useRef, useState, type KeyboardEvent, type PointerEvent, type RefObject } from "react";
import type { MailboxApi } from "./api";
import type { PaneWidths } from "../bindings/PaneWidths";

export type Pane = keyof PaneWidths;

/** Each pane's smallest and largest width, in CSS pixels. */
export const LIMITS: Record<Pane, [number, number]> = { folders: [160, 480], list: [260, 1400] };
/** What the reading pane keeps at least. */
const READING_MIN = 360;
/** The splitters' own width (mailbox.css `.mbx-splitter`). */
const SPLITTERS = 2 * 6;
const STEP = 16;
const BIG_STEP = 64;
/** The widths before the user moved anything, when the window cannot measure (tests). */
const FALLBACK: PaneWidths = { folders: 256, list: 480 };

/** `width` of `pane` within its limits, leaving the reading pane its share of `total`. */
export function clampWidth(pane: Pane, width: number, other: number, total: number): number {
  const [min, ownMax] = LIMITS[pane];
  const room = total > 0 ? total - other - READING_MIN - SPLITTERS : ownMax;
  return Math.round(Math.max(min, Math.min(width, ownMax, room)));
}

/** The grid's columns: the remembered widths, or the window's proportions until then. */
export function gridColumns(widths: PaneWidths | null): string {
  if (!widths) return "minmax(200px, 16rem) auto minmax(320px, 1fr) auto minmax(360px, 1.3fr)";
  return `${widths.folders}px auto ${widths.list}px auto minmax(${READING_MIN}px, 1fr)`;
}

/** The panes' widths: loaded once, changed by the splitters, saved when a move ends. */
export function usePaneWidths(api: Pick<MailboxApi, "paneWidths" | "setPaneWidths">, panes: RefObject<HTMLElement | null>) {
  const [widths, setWidths] = useState<PaneWidths | null>(null);
  useEffect(() => {
    let live = true;
    api.paneWidths().then(
      (w) => {
        if (live && w) setWidths((mine) => mine ?? w);
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [api]);

  /** The widths the window shows now (measured before the first move). */
  const current = useCallback((): PaneWidths => {
    if (widths) return widths;
    const [left, , middle] = Array.from(panes.current?.children ?? []);
    const measured = {
      folders: left?.getBoundingClientRect().width ?? 0,
      list: middle?.getBoundingClientRect().width ?? 0,
    };
    return measured.folders > 0 && measured.list > 0 ? measured : FALLBACK;
  }, [widths, panes]);

  const resize = useCallback(
    (pane: Pane, width: number, save: boolean) => {
      const now = current();
      const other = pane === "folders" ? now.list : now.folders;
      const total = panes.current?.getBoundingClientRect().width ?? 0;
      const next = { ...now, [pane]: clampWidth(pane, width, other, total) };
      setWidths(next);
      if (save) void api.setPaneWidths(next).catch(() => undefined);
      return next;
    },
    [api, current, panes],
  );

  return { widths, current, resize };
}

interface SplitterProps {
  pane: Pane;
  label: string;
  width: number;
  /** A new width for `pane`; `save` once the move ends. */
  onResize: (pane: Pane, width: number, save: boolean) => void;
  /** The pane's width as the window shows it now. */
  widthNow: () => number;
}

/** A vertical splitter after `pane` (an ARIA window splitter, focusable). */
export function Splitter({ pane, label, width, onResize, widthNow }: SplitterProps) {
  const drag = useRef<{ x: number; width: number } | null>(null);
  const [min, max] = LIMITS[pane];

  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    if (e.button !== 0) return;
    e.preventDefault();
    drag.current = { x: e.clientX, width: widthNow() };
    e.currentTarget.setPointerCapture?.(e.pointerId);
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    if (!drag.current) return;
    onResize(pane, drag.current.width + e.clientX - drag.current.x, false);
  };
  const onPointerUp = (e: PointerEvent<HTMLDivElement>) => {
    if (!drag.current) return;
    onResize(pane, drag.current.width + e.clientX - drag.current.x, true);
    drag.current = null;
    e.currentTarget.releasePointerCapture?.(e.pointerId);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const step = e.shiftKey ? BIG_STEP : STEP;
    const now = widthNow();
    const to: Record<string, number> = { ArrowLeft: now - step, ArrowRight: now + step, Home: min, End: max };
    const next = to[e.key];
    if (next === undefined) return;
    e.preventDefault();
    e.stopPropagation();
    onResize(pane, next, true);
  };

  return (
    <div
      className="mbx-splitter"
      role="separator"
      aria-orientation="vertical"
      aria-label={label}
      aria-valuenow={Math.round(width)}
      aria-valuemin={min}
      aria-valuemax={max}
      tabIndex={0}
      data-testid={`splitter-${pane}`}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={() => {
        drag.current = null;
      }}
      onKeyDown={onKeyDown}
    />
  );
}
