import { useEffect, useRef, useState } from "react";
import { describeError } from "../i18n/errors";
import { useI18n } from "../i18n/i18n";
import type { Signature } from "../bindings/Signature";
import type { WritingApi } from "../writing/api";

/**
 * The ENT signature (its `conversation` preference): « Utiliser la signature » and its text.
 * Self-contained (its own IPC calls through `api`), so that « Paramètres » can mount it; until
 * then the mailbox opens it in a dialog. Saved here at once; offline it reaches the ENT when
 * the ENT answers. The text is edited as HTML like a message (bold, italic, lists, links).
 */
export function SignatureEditor({ api, onSaved }: { api: WritingApi; onSaved?: () => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [loaded, setLoaded] = useState<Signature | null>(null);
  const [use, setUse] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const editor = useRef<HTMLDivElement>(null);
  useEffect(() => {
    api.signature().then(
      (s) => {
        setLoaded(s);
        setUse(s.useSignature);
      },
      (e: unknown) => setError(describeError(i18n, e)),
    );
  }, [api, i18n]);
  useEffect(() => {
    // The stored HTML is the user's own, sanitized by the core when it came from the ENT.
    if (loaded && editor.current) editor.current.innerHTML = loaded.signature;
  }, [loaded]);
  const save = () => {
    const signature = editor.current?.innerHTML ?? "";
    api.setSignature({ useSignature: use, signature }).then(
      () => {
        setSaved(true);
        onSaved?.();
      },
      (e: unknown) => setError(describeError(i18n, e)),
    );
  };
  return (
    <div className="wrt-signature" data-testid="signature-editor">
      <label>
        <input
          type="checkbox"
          data-testid="use-signature"
          checked={use}
          onChange={(e) => {
            setUse(e.target.checked);
            setSaved(false);
          }}
        />{" "}
        {t("writing.useSignature")}
      </label>
      <div
        ref={editor}
        className="cmp-editor wrt-signature-text"
        contentEditable
        role="textbox"
        aria-multiline="true"
        aria-label={t("writing.signature")}
        data-testid="signature-text"
        onInput={() => setSaved(false)}
      />
      <button type="button" className="mbx-primary" data-testid="save-signature" disabled={loaded === null} onClick={save}>
        {t("writing.signatureSave")}
      </button>
      {saved && <p role="status">{t("writing.signatureSaved")}</p>}
      {error && (
        <p role="alert" className="mbx-error">
          {error}
        </p>
      )}
    </div>
  );
}
