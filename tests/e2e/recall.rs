//! « Rappeler » (issue 16): within the ENT's recall delay the message leaves the recipient's
//! inbox as the ENT shows it (blanked), and after the delay the ENT refuses, said plainly.
use serde_json::json;
use thirtyfour::By;

use crate::harness::{self, wait_until, Ent};
use crate::ui;

const DELIVERY: std::time::Duration = std::time::Duration::from_secs(30);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_teacher_recalls_a_message_within_the_delay_and_is_refused_after_it() {
    // Arrange: two messages Marie sent Paul; the second one, an hour and more ago on the ENT.
    let ent = Ent::start().await;
    let first = ent
        .send(
            "marie.durand",
            &["paul.martin"],
            "Mauvais destinataire",
            "<p>Oups</p>",
        )
        .await;
    let second = ent
        .send(
            "marie.durand",
            &["paul.martin"],
            "Ancien message",
            "<p>Hier</p>",
        )
        .await;
    harness::run("recall", |app| async move {
        ui::sign_in(&app, &ent.url(), "marie.durand", "demo").await;
        ui::open_folder(&app, "outbox").await;
        ui::click(&app, "the sent message", ui::row("Mauvais destinataire")).await;

        // Act: « Rappeler », then the confirmation, which says what recipients will see.
        ui::click(&app, "« Rappeler »", ui::testid("recall")).await;
        let dialog = app
            .find("the confirmation", By::Css("[role='dialog']"))
            .await;
        let said = dialog.text().await.expect("the confirmation's text");
        app.screenshot("recall-confirm.png");
        ui::click(
            &app,
            "« Rappeler le message »",
            By::XPath("//div[@role='dialog']//button[normalize-space(.)='Rappeler le message']"),
        )
        .await;

        // Assert: Paul's inbox on the ENT keeps only a blank « recalled » entry.
        assert!(
            said.contains("ils verront que vous l'avez rappelé"),
            "{said}"
        );
        wait_until("the recall to reach the ENT", DELIVERY, || async {
            ent.inbox("paul.martin")
                .await
                .iter()
                .any(|(id, subject, state)| *id == first && subject.is_empty() && state == "RECALL")
                .then_some(())
        })
        .await;
        assert!(ent
            .received("paul.martin", "Mauvais destinataire")
            .await
            .is_none());

        // Act 2: the ENT's clock is past the delay for the second one.
        ent.backdate(&second, std::time::Duration::from_secs(61 * 60))
            .await;
        let answer = app.invoke("recall_message", json!({ "id": second })).await;

        // Assert 2: refused, with the ENT's reason; Paul keeps it.
        let error = answer.expect_err("refused after the delay");
        assert_eq!(error["kind"], "refused", "{error}");
        assert!(ent
            .received("paul.martin", "Ancien message")
            .await
            .is_some());
    })
    .await;
}
