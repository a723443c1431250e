// Errors as the window words them: by the kind the backend gives (one taxonomy, generated from
// Rust into ../bindings), in the window's language. The backend writes its sentence in French,
// often more precise than its kind (« le téléchargement s'est interrompu », the folder it could
// not erase): the French window shows it; the English one words the kind, with the backend's
// sentence only where the kind says too little (a refusal's reason, what input was wrong).
import type { CommandError } from "../bindings/CommandError";
import type { CommandErrorKind } from "../bindings/CommandErrorKind";
import type { RefusalReason } from "../bindings/RefusalReason";
import type { MessageKey } from "./fr";
import type { I18n } from "./i18n";

/** The words of each kind. A kind added on the Rust side fails to compile here until worded. */
export const ERROR_KEYS: Record<CommandErrorKind, MessageKey> = {
  offline: "error.offline",
  certificate: "error.certificate",
  sessionExpired: "error.sessionExpired",
  badCredentials: "error.badCredentials",
  notAllowed: "error.notAllowed",
  refused: "error.refused",
  server: "error.server",
  badAnswer: "error.badAnswer",
  storage: "error.storage",
  inUse: "error.inUse",
  invalidInput: "error.invalidInput",
  actionNeeded: "error.actionNeeded",
  signedOut: "error.signedOut",
  notification: "error.notification",
  cancelled: "error.cancelled",
  internal: "error.internal",
};

/** Why the composer refuses a recipient, worded. */
export const REFUSAL_KEYS: Record<RefusalReason, MessageKey> = {
  notVisible: "recipient.refused.notVisible",
};

function isKind(kind: unknown): kind is CommandErrorKind {
  return typeof kind === "string" && Object.hasOwn(ERROR_KEYS, kind);
}

/** A rejection as a `CommandError`: what commands reject with, else an unexpected failure. */
export function asCommandError(e: unknown): CommandError {
  if (typeof e === "object" && e !== null && "kind" in e && isKind(e.kind)) {
    const message = "message" in e ? String(e.message) : "";
    const url = "url" in e && typeof e.url === "string" ? e.url : undefined;
    return url === undefined ? { kind: e.kind, message } : { kind: e.kind, message, url };
  }
  return { kind: "internal", message: e instanceof Error ? e.message : String(e) };
}

/** The sentence the window shows for an error, in its language. */
export function describeError(i18n: Pick<I18n, "locale" | "t">, e: unknown): string {
  const error = asCommandError(e);
  if (i18n.locale === "fr" && error.message.trim() !== "") return error.message;
  return i18n.t(ERROR_KEYS[error.kind], { message: error.message });
}
