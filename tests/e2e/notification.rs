//! The native new-mail notification, observed on D-Bus.
use serde_json::json;

use crate::harness::{self, wait_until, EFFECT};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notify_new_mail_sends_exactly_one_notify_call_with_the_sender_subject_and_first_line() {
    harness::run(
        "notify_new_mail_sends_exactly_one_notify_call",
        |app| async move {
            // Arrange: signed in to the demo school; nothing has been notified yet.
            let signed_in = app.invoke("start_demo", json!({ "role": "teacher" })).await;
            assert_eq!(
                signed_in.as_ref().map(|r| r["kind"].clone()),
                Ok(json!("signedIn"))
            );
            let inbox = app
                .invoke(
                    "list",
                    json!({ "folderId": "inbox", "offset": 0, "limit": 50 }),
                )
                .await
                .expect("the inbox lists");
            let message = inbox
                .as_array()
                .and_then(|rows| {
                    rows.iter()
                        .find(|m| m["subject"] == "Sortie au musée : autorisation")
                })
                .cloned()
                .expect("the demo inbox has the museum trip message");
            assert!(app.notifications().is_empty());

            // Act
            let reply = app
                .invoke(
                    "notify_new_mail",
                    json!({ "messageIds": [message["id"]], "lang": "fr" }),
                )
                .await;

            // Assert: the sender as the title, the subject and the first line as the text.
            assert_eq!(reply, Ok(serde_json::Value::Null));
            let seen = wait_until("the Notify call in dbus-monitor's log", EFFECT, || async {
                let seen = app.notifications();
                (!seen.is_empty()).then_some(seen)
            })
            .await;
            assert_eq!(seen.len(), 1, "{seen:?}");
            assert_eq!(seen[0].app_name, "Messagerie");
            assert_eq!(
                seen[0].summary,
                message["from"]["displayName"].as_str().unwrap_or_default()
            );
            assert!(
                seen[0]
                    .body
                    .starts_with("Sortie au musée : autorisation\nBonjour,"),
                "{}",
                seen[0].body
            );
            assert_eq!(app.bus.notify_calls_answered(), 1);
        },
    )
    .await;
}
