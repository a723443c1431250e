//! The native new-mail notification (D-Bus on Linux, through notify-rust). The window decides
//! when one is due (not while it shows the inbox with the focus); this says what it says: the
//! sender, the subject and the first line for one message, one summary for several. A click
//! brings the window forward and opens the message.
//!
//! The settings decide here, in the shell, whatever the window does (it may be hidden in the
//! tray): no notification at all when they are off; during quiet hours none and no sound, the
//! messages counted instead, and one summary when the hours end ([`watch_quiet_hours`]); with
//! « Afficher l'aperçu » off, only « Nouveau message » or a count, never the sender, the subject
//! nor a line of the body: on a screen a class can see, even who wrote to the teacher can be a
//! pupil's private matter.
//!
//! Every field is escaped ([`escape_markup`]) before it reaches the notification server: many
//! servers render a subset of HTML in the body (`body-markup`), and a subject or a sender name
//! is written by whoever sent the mail: a `<a href>` in it must show as text, never as a link
//! that bypasses the window's confirmation of links.
use std::time::Duration;

use messagerie_core::message::Message;
use messagerie_core::quiet_hours::Verdict;
use tauri::{AppHandle, State};

use crate::error::CommandError;
use crate::settings::{self, Language};
use crate::state::{AccountInfo, AppState};

/// How many senders a summary notification lists.
const LISTED: usize = 3;

/// What a notification says.
#[derive(Debug, PartialEq, Eq)]
pub struct Text {
    pub summary: String,
    pub body: String,
}

impl Text {
    /// The text with its markup characters escaped, as the notification server must get it.
    pub fn escaped(self) -> Self {
        Self {
            summary: escape_markup(&self.summary),
            body: escape_markup(&self.body),
        }
    }
}

/// Escapes the characters that notification markup (a subset of HTML) interprets, `&` first
/// included, so that `&lt;` written in a subject still shows as `&lt;`.
pub fn escape_markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Raises one notification for the messages that just arrived in the open account `account`
/// (the shown one when absent), as the settings say (in their language; see the module's
/// comment). With two accounts or more open, it names the account (see [`naming_account`]);
/// a click shows that account and opens the message.
#[tauri::command]
#[tracing::instrument(skip_all, fields(count = message_ids.len()), err)]
pub async fn notify_new_mail(
    app: AppHandle,
    state: State<'_, AppState>,
    message_ids: Vec<String>,
    account: Option<String>,
) -> Result<(), CommandError> {
    let settings = settings::state(&app).get();
    if message_ids.is_empty() {
        return Ok(());
    }
    if !settings.notifications {
        tracing::info!("notifications are off: none shown");
        return Ok(());
    }
    {
        let kept = settings::state(&app);
        let mut watch = kept.quiet.lock().map_err(|_| CommandError::internal())?;
        let verdict = watch.arrived(
            &settings.quiet_hours,
            &messagerie_core::clock::now_local(),
            message_ids.len(),
        );
        if verdict == Verdict::HeldBack {
            tracing::info!(
                held = watch.held(),
                "quiet hours: the notification waits for their end"
            );
            return Ok(());
        }
    }
    let english = settings.language == Language::En;
    let (id, mailbox, named) = {
        let accounts = state.accounts.read().await;
        let current = match &account {
            Some(id) => accounts.get(id),
            None => accounts.shown(),
        }
        .ok_or_else(CommandError::signed_out)?;
        let named = (accounts.open.len() > 1).then(|| current.account.clone());
        (current.id.clone(), current.mailbox.clone(), named)
    };
    let mut messages = Vec::with_capacity(message_ids.len().min(LISTED));
    for id in message_ids.iter().take(LISTED) {
        messages.push(mailbox.message(id).await?);
    }
    let Some(first) = messages.first() else {
        return Ok(());
    };
    let open = first.summary.id.clone();
    let text = if settings.notification_preview {
        compose(&messages, message_ids.len(), english)
    } else {
        without_preview(message_ids.len(), english)
    };
    let text = match &named {
        Some(account) => naming_account(text, account, settings.notification_preview),
        None => text,
    };
    show(
        app,
        text.escaped(),
        Some((id, open)),
        settings.notification_sound,
    )
    .await
}

/// How an account is named to the user: « Marie Durand (ent.ecole-a.fr) », the ENT's host
/// telling apart two accounts of one person (as the window's switcher names it).
pub fn account_label(account: &AccountInfo) -> String {
    // With its port when not the scheme's own, as the switcher shows it.
    let host = tauri::Url::parse(&account.ent_url)
        .ok()
        .and_then(|u| {
            let host = u.host_str()?.to_string();
            Some(match u.port() {
                Some(port) => format!("{host}:{port}"),
                None => host,
            })
        })
        .unwrap_or_else(|| account.ent_url.clone());
    format!("{} ({host})", account.display_name)
}

/// With two accounts or more open, the notification says which one the mail came to: the
/// account's first line of the body with the preview (« Marie Durand (ent.ecole-a.fr) »), else
/// after the count in the title (« Nouveau message — Marie Durand (ent.ecole-a.fr) »): the
/// account's own name is the user's, never a sender's, so it shows even without the preview.
pub fn naming_account(text: Text, account: &AccountInfo, preview: bool) -> Text {
    let label = account_label(account);
    if preview {
        Text {
            summary: text.summary,
            body: if text.body.is_empty() {
                label
            } else {
                format!("{label}\n{}", text.body)
            },
        }
    } else {
        Text {
            summary: format!("{} — {label}", text.summary),
            body: text.body,
        }
    }
}

/// Every second, gives the one summary of the mail held back once quiet hours are over (they
/// ended, the clock was moved past them, or the user turned them off). A short tick rather than
/// a timer to their end: the end moves when the user changes them or the clock is moved.
pub fn watch_quiet_hours(app: AppHandle) {
    tauri::async_runtime::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        loop {
            tick.tick().await;
            let settings = settings::state(&app).get();
            let held = match settings::state(&app).quiet.lock() {
                Ok(mut watch) => {
                    watch.tick(&settings.quiet_hours, &messagerie_core::clock::now_local())
                }
                Err(_) => None,
            };
            let Some(count) = held else { continue };
            if !settings.notifications {
                continue;
            }
            let text = after_quiet_hours(count, settings.language == Language::En);
            tracing::info!(count, "quiet hours over: one summary");
            if let Err(error) = show(app.clone(), text, None, settings.notification_sound).await {
                tracing::warn!(?error, "cannot show the summary of the quiet hours");
            }
        }
    });
}

/// « Afficher l'aperçu » off: a count only.
pub fn without_preview(count: usize, english: bool) -> Text {
    let summary = match (count, english) {
        (1, false) => "Nouveau message".to_string(),
        (1, true) => "New message".to_string(),
        (n, false) => format!("{n} nouveaux messages"),
        (n, true) => format!("{n} new messages"),
    };
    Text {
        summary,
        body: String::new(),
    }
}

/// The summary when quiet hours end: a count only (the mail is in the inbox).
pub fn after_quiet_hours(count: usize, english: bool) -> Text {
    let summary = match (count, english) {
        (1, false) => "1 nouveau message pendant la plage de déconnexion".to_string(),
        (1, true) => "1 new message during your quiet hours".to_string(),
        (n, false) => format!("{n} nouveaux messages pendant la plage de déconnexion"),
        (n, true) => format!("{n} new messages during your quiet hours"),
    };
    Text {
        summary,
        body: String::new(),
    }
}

/// The notification's words: one message → sender / subject + first line; several → a count.
pub fn compose(messages: &[Message], count: usize, english: bool) -> Text {
    let sender = |m: &Message| {
        m.summary
            .from
            .as_ref()
            .map_or_else(String::new, |f| f.display_name.clone())
    };
    let subject = |m: &Message| {
        if m.summary.subject.trim().is_empty() {
            if english {
                "(no subject)"
            } else {
                "(sans objet)"
            }
            .to_string()
        } else {
            m.summary.subject.clone()
        }
    };
    if let [one] = messages {
        if count == 1 {
            let line = one.body.as_deref().map(first_line).unwrap_or_default();
            let body = if line.is_empty() {
                subject(one)
            } else {
                format!("{}\n{line}", subject(one))
            };
            return Text {
                summary: sender(one),
                body,
            };
        }
    }
    let summary = if english {
        format!("{count} new messages")
    } else {
        format!("{count} nouveaux messages")
    };
    let body = messages
        .iter()
        .map(|m| format!("{} — {}", sender(m), subject(m)))
        .collect::<Vec<_>>()
        .join("\n");
    Text { summary, body }
}

/// The first line of text of an HTML body, at most 120 characters.
pub fn first_line(html: &str) -> String {
    let text = ent_protocol::html_to_text(html);
    let line = text.lines().next().unwrap_or("");
    let mut out: String = line.chars().take(120).collect();
    if line.chars().count() > 120 {
        out.push('…');
    }
    out
}

async fn show(
    app: AppHandle,
    text: Text,
    open: Option<(String, String)>,
    sound: bool,
) -> Result<(), CommandError> {
    let (shown_tx, shown_rx) = tokio::sync::oneshot::channel();
    // notify-rust blocks on D-Bus, and waiting for the click blocks until the notification
    // closes: both off the async runtime.
    tokio::task::spawn_blocking(move || {
        let mut notification = notify_rust::Notification::new();
        notification
            .appname("Messagerie")
            .summary(&text.summary)
            .body(&text.body)
            .icon("mail-unread")
            .action("default", "Ouvrir");
        if sound {
            // The freedesktop sound theme's name for it.
            notification.sound_name("message-new-email");
        } else {
            #[cfg(all(unix, not(target_os = "macos")))]
            notification.hint(notify_rust::Hint::SuppressSound(true));
        }
        match notification.show() {
            Ok(handle) => {
                let _ = shown_tx.send(Ok(()));
                handle.wait_for_action(|action| {
                    if action == "default" {
                        bring_forward_and_open(&app, open.as_ref());
                    }
                });
            }
            Err(error) => {
                let _ = shown_tx.send(Err(error));
            }
        }
    });
    shown_rx
        .await
        .map_err(|_| CommandError::internal())?
        .map_err(CommandError::notification)
}

/// A click: the window comes forward, on the message (and its account) when it was about one.
fn bring_forward_and_open(app: &AppHandle, open: Option<&(String, String)>) {
    crate::background::show_window(app);
    if let Some((account, id)) = open {
        crate::events::emit_for(
            app,
            account,
            crate::events::AppEvent::OpenMessage { id: id.clone() },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(from: &str, subject: &str, body: &str) -> Message {
        serde_json::from_value(serde_json::json!({
            "id": "m1", "subject": subject, "to": [], "state": "SENT", "date": 0,
            "unread": true, "response": false, "hasAttachment": false, "bodyAvailable": true,
            "from": { "id": "u1", "displayName": from, "isGroup": false, "profile": null, "size": null },
            "cc": [], "cci": [], "body": body, "attachments": [], "userFolderId": null,
            "trashed": false, "threadId": null, "parentId": null, "noReply": false
        }))
        .unwrap()
    }

    #[test]
    fn one_message_shows_its_sender_subject_and_first_line() {
        let m = message(
            "DURAND Marie",
            "Sortie au musée",
            "<p>Bonjour,</p><p>La sortie…</p>",
        );
        let text = compose(&[m], 1, false);
        assert_eq!(text.summary, "DURAND Marie");
        assert_eq!(text.body, "Sortie au musée\nBonjour,");
    }

    #[test]
    fn several_messages_make_one_summary_in_the_windows_language() {
        let ms = [message("A", "Un", ""), message("B", "Deux", "")];
        assert_eq!(compose(&ms, 3, false).summary, "3 nouveaux messages");
        assert_eq!(compose(&ms, 3, true).summary, "3 new messages");
        assert_eq!(compose(&ms, 3, false).body, "A — Un\nB — Deux");
    }

    #[test]
    fn with_several_accounts_the_notification_names_the_account_preview_or_not() {
        let account = AccountInfo::marie("https://ent.ecole-a.fr");
        let m = message("DURAND Paul", "Conseil de classe", "<p>Bonjour</p>");
        let text = naming_account(compose(&[m], 1, false), &account, true);
        assert_eq!(text.summary, "DURAND Paul");
        assert_eq!(
            text.body,
            "Marie Durand (ent.ecole-a.fr)\nConseil de classe\nBonjour"
        );
        let text = naming_account(without_preview(1, false), &account, false);
        assert_eq!(
            text.summary,
            "Nouveau message — Marie Durand (ent.ecole-a.fr)"
        );
        assert_eq!(text.body, "");
        assert_eq!(
            account_label(&AccountInfo::marie("http://127.0.0.1:4242")),
            "Marie Durand (127.0.0.1:4242)"
        );
    }

    #[test]
    fn without_preview_only_a_count_is_shown() {
        let one = without_preview(1, false);
        assert_eq!(one.summary, "Nouveau message");
        assert_eq!(one.body, "");
        assert_eq!(without_preview(3, true).summary, "3 new messages");
    }

    #[test]
    fn the_end_of_quiet_hours_says_how_many_came() {
        assert_eq!(
            after_quiet_hours(3, false).summary,
            "3 nouveaux messages pendant la plage de déconnexion"
        );
        assert_eq!(
            after_quiet_hours(1, true).summary,
            "1 new message during your quiet hours"
        );
        assert_eq!(after_quiet_hours(2, false).body, "");
    }

    #[test]
    fn markup_in_any_field_reaches_the_server_as_text() {
        assert_eq!(
            escape_markup(r#"<a href="https://evil.example">Tom & 'Jerry'</a> &lt;"#),
            "&lt;a href=&quot;https://evil.example&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt; &amp;lt;"
        );
        let m = message(
            "<b>Dupont</b>",
            "<a href=\"https://evil.example\">Cliquez</a>",
            "<p>&lt;script&gt;</p>",
        );
        let text = compose(&[m], 1, false).escaped();
        assert_eq!(text.summary, "&lt;b&gt;Dupont&lt;/b&gt;");
        assert_eq!(
            text.body,
            "&lt;a href=&quot;https://evil.example&quot;&gt;Cliquez&lt;/a&gt;\n&lt;script&gt;"
        );
    }

    #[test]
    fn the_first_line_skips_tags_entities_and_blank_lines() {
        assert_eq!(
            first_line("<div><br></div><p>Caf&eacute; &amp; th&#39;&nbsp;é</p>x"),
            "Café & th' é"
        );
        assert_eq!(first_line(""), "");
        assert_eq!(first_line(&"a".repeat(300)).chars().count(), 121);
    }
}
