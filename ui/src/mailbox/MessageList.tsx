import { memo, useCallback, useEffect, useRef, useState, type DragEvent } from "react";
import { useI18n } from "../i18n/i18n";
import type { MessageSummary } from "../bindings/MessageSummary";
import type { ConversationLine } from "./store";

/** Fixed row height: the window of rendered rows is plain arithmetic on scrollTop. */
export const ROW_HEIGHT = 52;
/** Rows rendered above and below the visible ones, so fast scrolls show no blank. */
const OVERSCAN = 4;
/** Used until the list is measured (and in jsdom, which has no layout). */
const FALLBACK_HEIGHT = 640;

export const DRAG_TYPE = "application/x-messagerie-ids";

export interface MessageListProps {
  label: string;
  ids: string[];
  summaries: Record<string, MessageSummary>;
  /** Sent and Drafts show recipients instead of the sender. */
  showRecipients: boolean;
  cursorId: string | null;
  openId: string | null;
  ticked: Record<string, true>;
  pending: Record<string, true>;
  /** While searching: the folder name of each hit. */
  folderOf?: Record<string, string>;
  /** « Toutes les boîtes de réception »: the account of each line, as the user names it, and
   * its ENT's host (what the line shows: one person's accounts differ by it). */
  accountOf?: Record<string, { label: string; host: string }>;
  /** « Afficher par conversation »: each row's conversation, by its latest message's id. */
  conversations?: Record<string, ConversationLine>;
  onOpen: (id: string) => void;
  onToggleTick: (id: string) => void;
  emptyText: string;
}

/** Which rows to render for a scroll position: the visible ones plus the overscan. */
export function rowWindow(
  scrollTop: number,
  height: number,
  count: number,
): { first: number; last: number } {
  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(count, Math.ceil((scrollTop + height) / ROW_HEIGHT) + OVERSCAN);
  return { first, last };
}

/** The scrollTop that brings row `index` into view, or `scrollTop` if it already is. */
export function scrollToShow(index: number, scrollTop: number, height: number): number {
  const top = index * ROW_HEIGHT;
  if (top < scrollTop) return top;
  if (top + ROW_HEIGHT > scrollTop + height) return Math.max(0, top + ROW_HEIGHT - height);
  return scrollTop;
}

export function MessageList({
  label,
  ids,
  summaries,
  showRecipients,
  cursorId,
  openId,
  ticked,
  pending,
  folderOf,
  accountOf,
  conversations,
  onOpen,
  onToggleTick,
  emptyText,
}: MessageListProps) {
  const viewport = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(FALLBACK_HEIGHT);
  const [shownCursor, setShownCursor] = useState<string | null>(null);

  // Keep the keyboard's row in view: adjusted while rendering (no extra paint), then the
  // effect below moves the real scrollbar to match.
  if (cursorId !== shownCursor) {
    setShownCursor(cursorId);
    const index = cursorId ? ids.indexOf(cursorId) : -1;
    if (index >= 0) setScrollTop(scrollToShow(index, scrollTop, height));
  }

  useEffect(() => {
    const el = viewport.current;
    if (el && Math.abs(el.scrollTop - scrollTop) >= 1) el.scrollTop = scrollTop;
  }, [scrollTop]);

  useEffect(() => {
    const el = viewport.current;
    if (!el || typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(() => {
      if (el.clientHeight > 0) setHeight(el.clientHeight);
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const maxScroll = Math.max(0, ids.length * ROW_HEIGHT - height);
  const top = Math.min(scrollTop, maxScroll);
  const { first, last } = rowWindow(top, height, ids.length);

  // Ticked ids read through a ref so the drag handler stays the same function and the
  // memoised rows do not re-render when another row is ticked.
  const dragContext = useRef({ ids, ticked });
  useEffect(() => {
    dragContext.current = { ids, ticked };
  }, [ids, ticked]);
  const onDragStart = useCallback((e: DragEvent, id: string) => {
    const { ids: all, ticked: marks } = dragContext.current;
    const dragged = marks[id] ? all.filter((x) => marks[x]) : [id];
    e.dataTransfer.setData(DRAG_TYPE, JSON.stringify(dragged));
    e.dataTransfer.effectAllowed = "move";
  }, []);

  // The selection a screen reader announces is what the actions apply to (`targets()`): the
  // ticked rows, else the row under the cursor.
  const selectionFollowsCursor = Object.keys(ticked).length === 0;
  const cursorIndex = cursorId ? ids.indexOf(cursorId) : -1;
  const cursorRendered = cursorIndex >= first && cursorIndex < last ? cursorId : null;
  const rows = [];
  for (let i = first; i < last; i++) {
    const id = ids[i];
    const m = id ? summaries[id] : undefined;
    if (!id || !m) continue;
    rows.push(
      <Row
        key={id}
        index={i}
        summary={m}
        showRecipients={showRecipients}
        cursor={id === cursorId}
        selected={ticked[id] ? true : selectionFollowsCursor && id === cursorId}
        open={id === openId}
        ticked={Boolean(ticked[id])}
        pending={Boolean(pending[id])}
        folderName={folderOf?.[id]}
        accountName={accountOf?.[id]}
        thread={conversations?.[id]}
        onOpen={onOpen}
        onToggleTick={onToggleTick}
        onDragStart={onDragStart}
      />,
    );
  }

  // An empty list is no grid (a grid needs rows): a labelled group saying « Aucun message ».
  return (
    <div
      ref={viewport}
      className="mbx-list"
      role={ids.length === 0 ? "group" : "grid"}
      aria-label={label}
      aria-rowcount={ids.length === 0 ? undefined : ids.length}
      aria-multiselectable={ids.length === 0 ? undefined : "true"}
      aria-activedescendant={cursorRendered ? rowDomId(cursorRendered) : undefined}
      tabIndex={0}
      data-testid="message-list"
      onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
    >
      {ids.length === 0 ? (
        <p className="mbx-list-empty">{emptyText}</p>
      ) : (
        <div role="rowgroup" className="mbx-list-canvas" style={{ height: ids.length * ROW_HEIGHT }}>
          {rows}
        </div>
      )}
    </div>
  );
}

const rowDomId = (id: string) => `mbx-row-${id}`;

interface RowProps {
  index: number;
  summary: MessageSummary;
  showRecipients: boolean;
  cursor: boolean;
  /** Announced as selected (`aria-selected`). */
  selected: boolean;
  open: boolean;
  ticked: boolean;
  pending: boolean;
  folderName: string | undefined;
  accountName: { label: string; host: string } | undefined;
  thread: ConversationLine | undefined;
  onOpen: (id: string) => void;
  onToggleTick: (id: string) => void;
  onDragStart: (e: DragEvent, id: string) => void;
}

/** One message line; memoised so a scroll only renders the rows that came into view. */
const Row = memo(function Row({
  index,
  summary: m,
  showRecipients,
  cursor,
  selected,
  open,
  ticked,
  pending,
  folderName,
  accountName,
  thread,
  onOpen,
  onToggleTick,
  onDragStart,
}: RowProps) {
  const i18n = useI18n();
  const { t } = i18n;
  const who =
    thread && thread.participants.length > 0
      ? thread.participants.join(", ")
      : showRecipients
        ? t("list.to", { names: m.to.map((r) => r.displayName).join(", ") })
        : (m.from?.displayName ?? t("message.noSender"));
  const subject = m.subject || (m.state === "RECALL" ? t("writing.recalledSubject") : t("list.noSubject"));
  const classes = ["mbx-row"];
  if (m.unread) classes.push("mbx-unread");
  if (cursor) classes.push("mbx-cursor");
  if (open) classes.push("mbx-open");
  if (ticked) classes.push("mbx-ticked");
  if (pending) classes.push("mbx-pending");
  return (
    <div
      id={rowDomId(m.id)}
      role="row"
      aria-rowindex={index + 1}
      aria-selected={selected}
      // One sentence for a screen reader on the row, « non lu » first, as the eye sees the bold.
      aria-label={t("list.rowName", {
        unread: m.unread ? t("list.unreadPrefix") : "",
        who,
        subject,
        date: i18n.dateTime(m.date),
        attachment: m.hasAttachment ? t("list.withAttachment") : "",
      })}
      data-id={m.id}
      className={classes.join(" ")}
      style={{ top: index * ROW_HEIGHT, height: ROW_HEIGHT }}
      draggable
      onDragStart={(e) => onDragStart(e, m.id)}
      onClick={() => onOpen(m.id)}
    >
      <div role="gridcell" className="mbx-cell-tick">
        <input
          type="checkbox"
          checked={ticked}
          aria-label={t("list.tick", { subject })}
          onClick={(e) => e.stopPropagation()}
          onChange={() => onToggleTick(m.id)}
        />
      </div>
      <div role="gridcell" className="mbx-cell-who">
        {who}
      </div>
      <div role="gridcell" className="mbx-cell-subject">
        {m.unread && <span className="mbx-sr">{t("list.unread")} </span>}
        {subject}
      </div>
      <div role="gridcell" className="mbx-cell-flags">
        {thread && thread.count > 1 && (
          <span className="mbx-thread-count" aria-label={t("list.conversationCount", { count: thread.count })}>
            {thread.count}
          </span>
        )}
        {folderName && <span className="mbx-folder-tag">{t("search.in", { folder: folderName })}</span>}
        {accountName && (
          <span
            className="mbx-folder-tag"
            data-testid="line-account"
            title={t("accounts.ofAccount", { name: accountName.label })}
          >
            <span className="mbx-sr">{t("accounts.ofAccount", { name: accountName.label })}</span>
            <span aria-hidden="true">{accountName.host}</span>
          </span>
        )}
        {m.hasAttachment && (
          <svg role="img" aria-label={t("list.attachment")} className="mbx-clip" viewBox="0 0 16 16" width="14" height="14">
            {/* A paperclip drawn here: an emoji needs a font many desktops lack. */}
            <path
              d="M10.5 4.5v6a2.5 2.5 0 0 1-5 0v-7a1.5 1.5 0 0 1 3 0v6.5a.5.5 0 0 1-1 0V4.5"
              fill="none"
              stroke="currentColor"
              strokeWidth="1.3"
              strokeLinecap="round"
            />
          </svg>
        )}
        {pending && <span className="mbx-pending-tag">{t("list.pending")}</span>}
      </div>
      <div role="gridcell" className="mbx-cell-date">
        {i18n.dateTime(m.date)}
      </div>
    </div>
  );
});
