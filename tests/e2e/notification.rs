//! The native new-mail notification, observed on D-Bus.
use serde_json::json;
use thirtyfour::By;

use crate::harness::{self, wait_until, Notification, EFFECT};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notify_new_mail_sends_exactly_one_notify_call_with_its_summary_and_body() {
    harness::run(
        "notify_new_mail_sends_exactly_one_notify_call",
        |app| async move {
            // Arrange: the page is loaded, nothing has been notified yet.
            app.find("the UI's heading", By::Tag("h1")).await;
            assert!(app.notifications().is_empty());
            let summary = "Nouveau message de Mme Dupont";
            let body = "Sortie au musée jeudi : pensez à l'autorisation";

            // Act
            let reply = app
                .invoke(
                    "notify_new_mail",
                    json!({ "summary": summary, "body": body }),
                )
                .await;

            // Assert
            assert_eq!(reply, Ok(serde_json::Value::Null));
            let seen = wait_until("the Notify call in dbus-monitor's log", EFFECT, || async {
                let seen = app.notifications();
                (!seen.is_empty()).then_some(seen)
            })
            .await;
            let expected = Notification {
                app_name: "Messagerie".into(),
                summary: summary.into(),
                body: body.into(),
            };
            assert_eq!(seen, vec![expected]);
            assert_eq!(app.bus.notify_calls_answered(), 1);
        },
    )
    .await;
}
