import { useState, type DragEvent, type FormEvent } from "react";
import { useI18n, type I18n } from "../i18n/i18n";
import { DRAG_TYPE } from "./MessageList";
import { DRAFT, INBOX, TRASH, isSystemFolder } from "./types";
import type { Folder } from "../bindings/Folder";

export interface FolderPaneProps {
  folders: Folder[];
  selectedId: string;
  maxDepth: number;
  onSelect: (id: string) => void;
  onDropMessages: (ids: string[], folderId: string) => void;
  onCreate: (name: string, parentId: string | null) => void;
  onRename: (id: string, name: string) => void;
  onDelete: (folder: Folder) => void;
}

/** The name shown for a folder: system folders in the user's language. */
export function folderName(f: Folder, t: I18n["t"]): string {
  switch (f.id) {
    case "inbox":
      return t("folder.inbox");
    case "outbox":
      return t("folder.outbox");
    case "draft":
      return t("folder.draft");
    case "trash":
      return t("folder.trash");
    default:
      return f.name;
  }
}

/** Unread in parentheses, except Drafts which counts all its messages, as on the ENT. */
export function folderLabel(f: Folder, t: I18n["t"]): string {
  const name = folderName(f, t);
  const count = f.id === DRAFT ? f.total : f.id === TRASH ? 0 : f.unread;
  return count > 0 ? t("folder.withCount", { name, count }) : name;
}

function droppedIds(e: DragEvent): string[] {
  try {
    const parsed: unknown = JSON.parse(e.dataTransfer.getData(DRAG_TYPE) || "[]");
    return Array.isArray(parsed) ? parsed.filter((x): x is string => typeof x === "string") : [];
  } catch {
    return [];
  }
}

export function FolderPane({
  folders,
  selectedId,
  maxDepth,
  onSelect,
  onDropMessages,
  onCreate,
  onRename,
  onDelete,
}: FolderPaneProps) {
  const i18n = useI18n();
  const { t } = i18n;
  const [creating, setCreating] = useState(false);
  const [renaming, setRenaming] = useState<Folder | null>(null);
  const [dropTarget, setDropTarget] = useState<string | null>(null);
  const system = folders.filter((f) => f.system);
  const mine = folders.filter((f) => !f.system);
  const selected = folders.find((f) => f.id === selectedId);

  // Messages can be dropped on the inbox (back from a folder) and on user folders.
  const acceptsDrop = (f: Folder) => f.id === INBOX || !isSystemFolder(f.id);

  const item = (f: Folder, level: number) => (
    <li
      key={f.id}
      role="treeitem"
      aria-level={level}
      aria-selected={f.id === selectedId}
      tabIndex={f.id === selectedId ? 0 : -1}
      data-folder={f.id}
      className={[
        "mbx-folder",
        f.unread > 0 && f.id !== TRASH ? "mbx-folder-unread" : "",
        dropTarget === f.id ? "mbx-drop" : "",
      ].join(" ")}
      style={{ paddingLeft: `${0.75 + (level - 1) * 1}rem` }}
      onClick={() => onSelect(f.id)}
      onKeyDown={(e) => {
        if (e.key === "Enter" || e.key === " ") {
          e.preventDefault();
          onSelect(f.id);
        } else if (e.key === "ArrowDown" || e.key === "ArrowUp") {
          // Arrows walk the folders (both trees) while the focus is on one.
          e.preventDefault();
          e.stopPropagation();
          const nav = e.currentTarget.closest("nav");
          const items = nav ? Array.from(nav.querySelectorAll<HTMLElement>('[role="treeitem"]')) : [];
          const at = items.indexOf(e.currentTarget);
          const next = items[at + (e.key === "ArrowDown" ? 1 : -1)];
          if (next) {
            next.focus();
            const id = next.dataset.folder;
            if (id) onSelect(id);
          }
        }
      }}
      onDragOver={(e) => {
        if (!acceptsDrop(f) || f.id === selectedId) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = "move";
        setDropTarget(f.id);
      }}
      onDragLeave={() => setDropTarget(null)}
      onDrop={(e) => {
        e.preventDefault();
        setDropTarget(null);
        const ids = droppedIds(e);
        if (ids.length > 0 && acceptsDrop(f)) onDropMessages(ids, f.id);
      }}
    >
      {folderLabel(f, t)}
    </li>
  );

  return (
    <nav className="mbx-folders" aria-label={t("folders.label")}>
      <ul role="tree" aria-label={t("folders.label")}>
        {system.map((f) => item(f, 1))}
      </ul>
      <h2 className="mbx-folders-title">{t("folders.mine")}</h2>
      <ul role="tree" aria-label={t("folders.mine")}>
        {mine.map((f) => item(f, f.depth))}
      </ul>

      <div className="mbx-folder-tools">
        {!creating && (
          <button type="button" onClick={() => setCreating(true)}>
            {t("folders.new")}
          </button>
        )}
        {selected && !selected.system && !renaming && (
          <>
            <button type="button" onClick={() => setRenaming(selected)}>
              {t("folders.rename")}
            </button>
            <button type="button" onClick={() => onDelete(selected)}>
              {t("folders.delete")}
            </button>
          </>
        )}
      </div>

      {creating && (
        <NewFolderForm
          parents={mine.filter((f) => f.depth < maxDepth)}
          defaultParent={selected && !selected.system && selected.depth < maxDepth ? selected.id : ""}
          i18n={i18n}
          onCancel={() => setCreating(false)}
          onCreate={(name, parentId) => {
            setCreating(false);
            onCreate(name, parentId);
          }}
        />
      )}
      {renaming && (
        <RenameForm
          folder={renaming}
          i18n={i18n}
          onCancel={() => setRenaming(null)}
          onRename={(name) => {
            setRenaming(null);
            onRename(renaming.id, name);
          }}
        />
      )}
    </nav>
  );
}

function NewFolderForm({
  parents,
  defaultParent,
  i18n,
  onCreate,
  onCancel,
}: {
  parents: Folder[];
  defaultParent: string;
  i18n: I18n;
  onCreate: (name: string, parentId: string | null) => void;
  onCancel: () => void;
}) {
  const { t } = i18n;
  const [name, setName] = useState("");
  const [parent, setParent] = useState(defaultParent);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const clean = name.trim();
    if (clean) onCreate(clean, parent || null);
  };
  return (
    <form className="mbx-folder-form" aria-label={t("folders.new")} onSubmit={submit}>
      <label>
        {t("folders.name")}
        <input autoFocus value={name} onChange={(e) => setName(e.target.value)} required />
      </label>
      <label>
        {t("folders.parent")}
        <select value={parent} onChange={(e) => setParent(e.target.value)}>
          <option value="">{t("folders.parentRoot")}</option>
          {parents.map((f) => (
            <option key={f.id} value={f.id}>
              {"\u00a0\u00a0".repeat(f.depth - 1) + f.name}
            </option>
          ))}
        </select>
      </label>
      <div className="mbx-form-buttons">
        <button type="button" onClick={onCancel}>
          {t("actions.cancel")}
        </button>
        <button type="submit" className="mbx-primary">
          {t("folders.create")}
        </button>
      </div>
    </form>
  );
}

function RenameForm({
  folder,
  i18n,
  onRename,
  onCancel,
}: {
  folder: Folder;
  i18n: I18n;
  onRename: (name: string) => void;
  onCancel: () => void;
}) {
  const { t } = i18n;
  const [name, setName] = useState(folder.name);
  return (
    <form
      className="mbx-folder-form"
      aria-label={t("folders.rename")}
      onSubmit={(e) => {
        e.preventDefault();
        const clean = name.trim();
        if (clean && clean !== folder.name) onRename(clean);
        else onCancel();
      }}
    >
      <label>
        {t("folders.renameTo", { name: folder.name })}
        <input autoFocus value={name} onChange={(e) => setName(e.target.value)} required />
      </label>
      <div className="mbx-form-buttons">
        <button type="button" onClick={onCancel}>
          {t("actions.cancel")}
        </button>
        <button type="submit" className="mbx-primary">
          {t("folders.rename")}
        </button>
      </div>
    </form>
  );
}
