import { useEffect, useState } from "react";
import { describeError } from "../i18n/errors";
import { useI18n } from "../i18n/i18n";
import type { Signature } from "../bindings/Signature";
import type { WritingApi } from "../writing/api";
import { MessageEditor } from "./Editor";

/**
 * The ENT signature (its `conversation` preference): « Utiliser la signature » and its text.
 * Self-contained (its own IPC calls through `api`); « Paramètres » mounts it. Saved with its
 * button; offline it reaches the ENT when the ENT answers. The text is written with the
 * composer's editor (the ENT's), as the ENT's own signature editor does.
 */
export function SignatureEditor({ api, onSaved }: { api: WritingApi; onSaved?: () => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [loaded, setLoaded] = useState<Signature | null>(null);
  const [use, setUse] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [html, setHtml] = useState("");
  useEffect(() => {
    api.signature().then(
      (s) => {
        setLoaded(s);
        setHtml(s.signature);
        setUse(s.useSignature);
      },
      (e: unknown) => setError(describeError(i18n, e)),
    );
  }, [api, i18n]);
  const save = () => {
    api.setSignature({ useSignature: use, signature: html }).then(
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
      {/* The stored HTML is the user's own, sanitized by the core when it came from the ENT. */}
      {loaded && (
        <MessageEditor
          i18n={i18n}
          initialHtml={loaded.signature}
          label={t("writing.signature")}
          testId="signature-text"
          onChange={(h) => {
            setHtml(h);
            setSaved(false);
          }}
        />
      )}
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
