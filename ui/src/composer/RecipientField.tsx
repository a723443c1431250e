import { REFUSAL_KEYS } from "../i18n/errors";
import { useId, useRef, useState } from "react";
import { useI18n, type I18n, type MessageKey } from "../i18n/i18n";
import type { ComposeApi } from "./api";
import type { Chip, Field } from "./store";
import type { Visible } from "../bindings/Visible";

const MAX_SUGGESTIONS = 50;
const USED_IN: Record<Field, string> = { to: "TO", cc: "CC", cci: "CCI" };

/** Whether a suggestion may go in this field: broadcast lists only in Copie cachée. */
export function allowedIn(v: Visible, field: Field): boolean {
  if (v.kind === "BroadcastGroup" && field !== "cci") return false;
  return v.usedIn.length === 0 || v.usedIn.includes(USED_IN[field]);
}

export function profileName(t: I18n["t"], profile: string | null): string | null {
  if (!profile) return null;
  const key = `composer.profile.${profile}`;
  return ["Teacher", "Student", "Relative", "Personnel", "Guest"].includes(profile) ? t(key as MessageKey) : profile;
}

/** What tells one suggestion from another: a person's profile, a group's size and school. */
export function describeVisible(t: I18n["t"], v: Visible): string {
  if (v.kind === "User") return profileName(t, v.profile) ?? "";
  const parts: string[] = [];
  if (v.nbUsers !== null) parts.push(t("composer.members", { count: v.nbUsers }));
  if (v.structureName) parts.push(v.structureName);
  return parts.join(" · ");
}

export interface RecipientFieldProps {
  api: ComposeApi;
  field: Field;
  label: string;
  chips: Chip[];
  onAdd: (v: Visible) => void;
  onRemove: (id: string) => void;
}

/** À / Copie / Copie cachée: chips, then an input that suggests as the first letters are typed. */
export function RecipientField({ api, field, label, chips, onAdd, onRemove }: RecipientFieldProps) {
  const { t } = useI18n();
  const inputId = useId();
  const listId = useId();
  const [query, setQuery] = useState("");
  const [suggestions, setSuggestions] = useState<Visible[] | null>(null);
  const [active, setActive] = useState(0);
  const seq = useRef(0);
  const inputRef = useRef<HTMLInputElement>(null);

  const ask = (text: string) => {
    const mine = ++seq.current;
    if (text.trim() === "") {
      setSuggestions(null);
      return;
    }
    api.suggestRecipients(text.trim()).then(
      (found) => {
        if (mine !== seq.current) return;
        const chosen = new Set(chips.map((c) => c.recipient.id));
        // A school has thousands of names: a short list stays quick to draw and to read.
        setSuggestions(found.filter((v) => allowedIn(v, field) && !chosen.has(v.id)).slice(0, MAX_SUGGESTIONS));
        setActive(0);
      },
      () => {
        if (mine === seq.current) setSuggestions([]);
      },
    );
  };

  const choose = (v: Visible) => {
    seq.current++;
    onAdd(v);
    setQuery("");
    setSuggestions(null);
    inputRef.current?.focus();
  };

  const open = suggestions !== null;
  const activeId = open && suggestions[active] ? `${listId}-${active}` : undefined;

  return (
    <div className="cmp-field" onClick={() => inputRef.current?.focus()}>
      <label htmlFor={inputId} className="cmp-field-label">
        {label}
      </label>
      <ul className="cmp-chips">
        {chips.map((c) => (
          <li
            key={c.recipient.id}
            data-testid="chip"
            data-id={c.recipient.id}
            data-status={c.status}
            className={`cmp-chip cmp-chip-${c.status}${c.recipient.isGroup ? " cmp-chip-group" : ""}`}
            title={c.reason ? t(REFUSAL_KEYS[c.reason]) : c.status === "checking" ? t("composer.checking") : undefined}
          >
            <span>{c.recipient.displayName}</span>
            <button
              type="button"
              className="cmp-chip-remove"
              aria-label={t("composer.remove", { name: c.recipient.displayName })}
              onClick={(e) => {
                e.stopPropagation();
                onRemove(c.recipient.id);
              }}
            >
              ×
            </button>
          </li>
        ))}
        <li className="cmp-field-input">
          <input
            id={inputId}
            ref={inputRef}
            data-testid={`field-${field}`}
            role="combobox"
            aria-expanded={open}
            aria-controls={listId}
            aria-autocomplete="list"
            aria-activedescendant={activeId}
            autoComplete="off"
            value={query}
            onChange={(e) => {
              setQuery(e.target.value);
              ask(e.target.value);
            }}
            onBlur={() => {
              seq.current++;
              setSuggestions(null);
            }}
            onKeyDown={(e) => {
              const list = suggestions ?? [];
              switch (e.key) {
                case "ArrowDown":
                  if (!open) return;
                  e.preventDefault();
                  setActive((i) => Math.min(i + 1, list.length - 1));
                  return;
                case "ArrowUp":
                  if (!open) return;
                  e.preventDefault();
                  setActive((i) => Math.max(i - 1, 0));
                  return;
                case "Enter": {
                  const v = list[active];
                  if (!open) return;
                  e.preventDefault();
                  if (v) choose(v);
                  return;
                }
                case "Escape":
                  if (!open) return;
                  e.preventDefault();
                  e.stopPropagation();
                  seq.current++;
                  setSuggestions(null);
                  return;
                case "Backspace": {
                  const last = chips[chips.length - 1];
                  if (query === "" && last) {
                    e.preventDefault();
                    onRemove(last.recipient.id);
                  }
                  return;
                }
              }
            }}
          />
        </li>
      </ul>
      {open && (
        <ul id={listId} role="listbox" className="cmp-suggestions" aria-label={t("composer.suggestions")}>
          {suggestions.length === 0 && <li className="cmp-suggestion-none">{t("composer.noSuggestion")}</li>}
          {suggestions.map((v, i) => (
            <li
              key={v.id}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === active}
              data-testid="suggestion"
              data-id={v.id}
              className={i === active ? "cmp-suggestion cmp-suggestion-active" : "cmp-suggestion"}
              // mousedown, not click: the input must not lose its focus (which closes the list).
              onMouseDown={(e) => {
                e.preventDefault();
                choose(v);
              }}
              onMouseEnter={() => setActive(i)}
            >
              <span className="cmp-suggestion-name">{v.displayName}</span>
              <span className="cmp-suggestion-detail">{describeVisible(t, v)}</span>
            </li>
          ))}
        </ul>
      )}
      {chips
        .filter((c) => c.status === "refused")
        .map((c) => (
          <p key={c.recipient.id} className="cmp-refused" role="alert">
            {t("composer.refused", { name: c.recipient.displayName, reason: c.reason ? t(REFUSAL_KEYS[c.reason]) : "" })}
          </p>
        ))}
    </div>
  );
}
