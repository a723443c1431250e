import { useEffect, useState } from "react";
import { useI18n } from "../i18n/i18n";
import { BODY_SANDBOX, buildSrcdoc } from "./body";
import type { MailboxApi } from "./api";
import type { Message } from "../bindings/Message";
import type { SafeBody } from "../bindings/SafeBody";

export interface ConversationThreadProps {
  api: Pick<MailboxApi, "conversation" | "read">;
  /** The message open in the reading pane: the conversation's others are shown around it. */
  openId: string;
  /** « Ouvrir ce message »: makes one of them the open message, with all its actions. */
  onOpen: (id: string) => void;
  /** Changes when the conversation's line does (a new answer): the thread is read again. */
  revision?: number;
}

/**
 * « Afficher par conversation »: the other messages of the open message's conversation, in
 * order, folded (who and when); unfolding one reads it (it is marked read, as opening it is)
 * and shows its body as the reading pane does.
 */
export function ConversationThread({ api, openId, onOpen, revision }: ConversationThreadProps) {
  const i18n = useI18n();
  const { t } = i18n;
  const [thread, setThread] = useState<{ of: string; messages: Message[] } | null>(null);
  const [bodies, setBodies] = useState<Record<string, SafeBody | null>>({});

  useEffect(() => {
    let live = true;
    api.conversation(openId).then(
      (messages) => live && setThread({ of: openId, messages }),
      () => live && setThread({ of: openId, messages: [] }),
    );
    return () => {
      live = false;
    };
  }, [api, openId, revision]);

  if (!thread || thread.of !== openId) return null;
  const others = thread.messages.filter((m) => m.id !== openId);
  if (others.length === 0) return null;

  const unfold = (id: string) => {
    if (id in bodies) return;
    setBodies((b) => ({ ...b, [id]: null }));
    api.read(id).then(
      (opened) => setBodies((b) => ({ ...b, [id]: opened.body })),
      () => undefined,
    );
  };

  return (
    <section className="mbx-thread" aria-label={t("conversation.label", { count: thread.messages.length })}>
      <h2 className="mbx-thread-title">{t("conversation.label", { count: thread.messages.length })}</h2>
      <ol>
        {others.map((m) => {
          const body = bodies[m.id];
          return (
            <li key={m.id} data-testid="thread-message">
              <details onToggle={(e) => e.currentTarget.open && unfold(m.id)}>
                <summary className={m.unread ? "mbx-unread" : undefined}>
                  <span className="mbx-thread-from">{m.from?.displayName ?? t("message.noSender")}</span>
                  <span className="mbx-thread-date">{i18n.dateTime(m.date)}</span>
                  <span className="mbx-thread-subject">{m.subject}</span>
                </summary>
                {body ? (
                  <iframe
                    className="mbx-body mbx-thread-body"
                    title={t("conversation.body", { name: m.from?.displayName ?? "" })}
                    sandbox={BODY_SANDBOX}
                    referrerPolicy="no-referrer"
                    srcDoc={buildSrcdoc(body.html, t)}
                  />
                ) : (
                  <p className="mbx-thread-loading">{t("message.loading")}</p>
                )}
                <button type="button" className="mbx-link-button" onClick={() => onOpen(m.id)}>
                  {t("conversation.open")}
                </button>
              </details>
            </li>
          );
        })}
      </ol>
    </section>
  );
}
