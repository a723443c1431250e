//! The ENT signature (issue 16): set through the ENT's preference API, it starts a new message
//! in the app as it does on the ENT's web page.
use crate::harness::{self, wait_until, Ent, EFFECT};
use crate::ui;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signature_set_through_the_ent_preference_appears_in_a_new_message() {
    // Arrange
    let ent = Ent::start().await;
    ent.set_conversation_preference(
        "marie.durand",
        serde_json::json!({"useSignature": true, "signature": "<p>Marie Durand, CPE du collège</p>"}),
    )
    .await;
    harness::run("signature", |app| async move {
        ui::sign_in(&app, &ent.url(), "marie.durand", "demo").await;

        // Act
        ui::compose_new(&app).await;

        // Assert
        let body = app.find("the body", ui::testid("body")).await;
        wait_until("the signature in the body", EFFECT, || async {
            let text = body.text().await.ok()?;
            text.contains("Marie Durand, CPE du collège").then_some(())
        })
        .await;
        app.screenshot("signature.png");
    })
    .await;
}
