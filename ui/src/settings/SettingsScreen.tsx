// « Paramètres »: every setting takes effect as soon as it changes (no « Enregistrer »), and is
// kept by the backend in settings.json. A modal screen over the mailbox: Escape or « Fermer »
// closes it, Tab goes through every control (all native inputs, each with its label).
import { useEffect, useId, useRef, useState } from "react";
import { describeError } from "../i18n/errors";
import { LocalePicker, useI18n, type MessageKey } from "../i18n/i18n";
import { SignOutDialog } from "../mailbox/LocalData";
import type { MailboxApi } from "../mailbox/api";
import { SignatureEditor } from "../composer/SignatureEditor";
import type { WritingApi } from "../writing/api";
import type { Day } from "../bindings/Day";
import type { Settings } from "../bindings/Settings";
import { SYNC_INTERVALS, type SettingsApi } from "./api";
import "./settings.css";

const DAYS: readonly Day[] = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
const THEMES: readonly Settings["theme"][] = ["system", "light", "dark"];

export function SettingsScreen({
  api,
  settings,
  onChange,
  onClose,
  onSignedOut,
  writing,
}: {
  api: SettingsApi & Pick<MailboxApi, "unsentWork" | "signOut">;
  /** The ENT signature's section (issue 16); absent, none shows. */
  writing?: WritingApi;
  settings: Settings;
  /** The settings changed (before and after the backend saved them). */
  onChange: (settings: Settings) => void;
  onClose: () => void;
  /** The user signed out from here. */
  onSignedOut: (options: { eraseLocalCopy: boolean }) => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const titleId = useId();
  const closeRef = useRef<HTMLButtonElement>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [signingOut, setSigningOut] = useState<null | { erase: boolean }>(null);

  useEffect(() => {
    closeRef.current?.focus();
  }, []);

  const save = (next: Settings) => {
    const before = settings;
    setError(null);
    onChange(next);
    api.saveSettings(next).then(onChange, (e: unknown) => {
      onChange(before);
      setError(t("actions.failed", { message: describeError(i18n, e) }));
    });
  };
  const set = <K extends keyof Settings>(key: K, value: Settings[K]) => save({ ...settings, [key]: value });
  const quiet = settings.quietHours;
  const setQuiet = (change: Partial<Settings["quietHours"]>) => set("quietHours", { ...quiet, ...change });

  return (
    <div className="mbx-backdrop">
      <div
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        className="mbx-dialog set-screen"
        data-testid="settings"
        onKeyDown={(e) => {
          if (e.key === "Escape" && !signingOut) {
            e.stopPropagation();
            onClose();
          }
        }}
      >
        <div className="set-head">
          <h2 id={titleId}>{t("settings.title")}</h2>
          <button type="button" ref={closeRef} onClick={onClose} data-testid="settings-close">
            {t("settings.close")}
          </button>
        </div>
        {error && (
          <p className="mbx-error" role="alert">
            {error}
          </p>
        )}

        <fieldset>
          <legend>{t("settings.display")}</legend>
          <LocalePicker
            locale={settings.language}
            onChange={(l) => set("language", l)}
            className="set-row"
            testId="settings-language"
          />
          <div role="radiogroup" aria-label={t("settings.theme")} className="set-row">
            <span>{t("settings.theme")}</span>
            {THEMES.map((theme) => (
              <label key={theme} className="mbx-check">
                <input
                  type="radio"
                  name="theme"
                  data-testid={`settings-theme-${theme}`}
                  checked={settings.theme === theme}
                  onChange={() => set("theme", theme)}
                />
                {t(`settings.theme.${theme}` as MessageKey)}
              </label>
            ))}
          </div>
          <Check
            id="conversationView"
            checked={settings.conversationView}
            onChange={(v) => set("conversationView", v)}
            label={t("settings.conversationView")}
            help={t("settings.conversationViewHelp")}
          />
        </fieldset>

        <fieldset>
          <legend>{t("settings.notifications")}</legend>
          <Check
            id="notifications"
            checked={settings.notifications}
            onChange={(v) => set("notifications", v)}
            label={t("settings.notifications.on")}
          />
          <Check
            id="sound"
            checked={settings.notificationSound}
            disabled={!settings.notifications}
            onChange={(v) => set("notificationSound", v)}
            label={t("settings.notifications.sound")}
          />
          <Check
            id="preview"
            checked={settings.notificationPreview}
            disabled={!settings.notifications}
            onChange={(v) => set("notificationPreview", v)}
            label={t("settings.notifications.preview")}
            help={t("settings.notifications.previewHelp")}
          />
        </fieldset>

        <fieldset>
          <legend>{t("settings.quiet")}</legend>
          <Check
            id="quiet"
            checked={quiet.enabled}
            onChange={(v) => setQuiet({ enabled: v })}
            label={t("settings.quiet.on")}
            help={t("settings.quiet.help")}
          />
          <div className="set-row">
            <label>
              {t("settings.quiet.from")}{" "}
              <input
                type="time"
                data-testid="settings-quiet-start"
                value={quiet.start}
                disabled={!quiet.enabled}
                onChange={(e) => e.target.value && setQuiet({ start: e.target.value })}
              />
            </label>
            <label>
              {t("settings.quiet.to")}{" "}
              <input
                type="time"
                data-testid="settings-quiet-end"
                value={quiet.end}
                disabled={!quiet.enabled}
                onChange={(e) => e.target.value && setQuiet({ end: e.target.value })}
              />
            </label>
          </div>
          <div role="group" aria-label={t("settings.quiet.wholeDays")} className="set-row set-days">
            <span>{t("settings.quiet.wholeDays")}</span>
            {DAYS.map((day) => (
              <label key={day} className="mbx-check">
                <input
                  type="checkbox"
                  data-testid={`settings-quiet-${day}`}
                  disabled={!quiet.enabled}
                  checked={quiet.wholeDays.includes(day)}
                  onChange={(e) =>
                    setQuiet({
                      wholeDays: e.target.checked
                        ? DAYS.filter((d) => d === day || quiet.wholeDays.includes(d))
                        : quiet.wholeDays.filter((d) => d !== day),
                    })
                  }
                />
                {t(`settings.day.${day}` as MessageKey)}
              </label>
            ))}
          </div>
        </fieldset>

        <fieldset>
          <legend>{t("settings.background")}</legend>
          <Check
            id="closeToTray"
            checked={settings.closeToTray}
            onChange={(v) => set("closeToTray", v)}
            label={t("settings.closeToTray")}
          />
          <Check
            id="startAtLogin"
            checked={settings.startAtLogin}
            onChange={(v) => set("startAtLogin", v)}
            label={t("settings.startAtLogin")}
          />
          <label className="set-row">
            <span>{t("settings.syncInterval")}</span>
            <select
              data-testid="settings-sync-interval"
              value={settings.syncIntervalMinutes}
              onChange={(e) => set("syncIntervalMinutes", Number(e.target.value))}
            >
              {SYNC_INTERVALS.map((m) => (
                <option key={m} value={m}>
                  {m === 1 ? t("settings.minuteOne") : t("settings.minutesMany", { count: m })}
                </option>
              ))}
            </select>
          </label>
        </fieldset>

        {writing && (
          <fieldset>
            <legend>{t("writing.signature")}</legend>
            <SignatureEditor api={writing} />
          </fieldset>
        )}

        <fieldset>
          <legend>{t("settings.account")}</legend>
          <div className="set-row">
            <button
              type="button"
              data-testid="settings-forget-password"
              onClick={() =>
                api.forgetPassword().then(
                  () => setNotice(t("settings.passwordForgotten")),
                  (e: unknown) => setError(t("actions.failed", { message: describeError(i18n, e) })),
                )
              }
            >
              {t("settings.forgetPassword")}
            </button>
            <button type="button" data-testid="settings-sign-out" onClick={() => setSigningOut({ erase: false })}>
              {t("signOut.button")}
            </button>
            <button type="button" data-testid="settings-erase" onClick={() => setSigningOut({ erase: true })}>
              {t("settings.eraseLocalCopy")}
            </button>
          </div>
          {notice && (
            <p className="mbx-notice" aria-live="polite">
              {notice}
            </p>
          )}
        </fieldset>
      </div>
      {signingOut && (
        <SignOutDialog
          api={api}
          initialErase={signingOut.erase}
          onCancel={() => setSigningOut(null)}
          onConfirm={(eraseLocalCopy) => {
            setSigningOut(null);
            api.signOut({ eraseLocalCopy }).then(
              () => onSignedOut({ eraseLocalCopy }),
              (e: unknown) => setError(t("actions.failed", { message: describeError(i18n, e) })),
            );
          }}
        />
      )}
    </div>
  );
}

function Check({
  id,
  checked,
  disabled,
  onChange,
  label,
  help,
}: {
  id: string;
  checked: boolean;
  disabled?: boolean;
  onChange: (checked: boolean) => void;
  label: string;
  help?: string;
}) {
  const helpId = useId();
  return (
    <div className="set-check">
      <label className="mbx-check">
        <input
          type="checkbox"
          data-testid={`settings-${id}`}
          checked={checked}
          disabled={disabled}
          aria-describedby={help ? helpId : undefined}
          onChange={(e) => onChange(e.target.checked)}
        />
        {label}
      </label>
      {help && (
        <p id={helpId} className="set-help">
          {help}
        </p>
      )}
    </div>
  );
}
