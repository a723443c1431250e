//! « Afficher par conversation »: a reply made in the app and one made by another user on the
//! ENT form one line in the inbox, which opens on the latest with the others folded above it.
use thirtyfour::By;

use crate::harness::{self, wait_until, Ent, EFFECT};
use crate::ui;

const SUBJECT: &str = "Sortie au planétarium";
const REPLY: &str = "Re : Sortie au planétarium";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_made_in_the_app_and_one_made_by_another_user_form_one_conversation_in_the_list() {
    let ent = Ent::start().await;
    ent.send(
        "paul.martin",
        &["marie.durand"],
        SUBJECT,
        "<p>Qui vient jeudi ?</p>",
    )
    .await;
    harness::run("conversation_view", |app| async move {
        // Arrange: « Afficher par conversation » turned on in « Paramètres ».
        ui::sign_in(&app, &ent.url(), "marie.durand", "demo").await;
        ui::wait_for_row(&app, SUBJECT).await;
        ui::click(&app, "« Paramètres »", ui::testid("open-settings")).await;
        ui::click(
            &app,
            "« Afficher par conversation »",
            ui::testid("settings-conversationView"),
        )
        .await;
        ui::click(&app, "« Fermer »", ui::testid("settings-close")).await;

        // Act: Marie replies from the app, then Paul answers her reply on the ENT.
        ui::open_row(&app, SUBJECT).await;
        ui::click(&app, "« Répondre »", ui::testid("reply")).await;
        ui::write_above_quote(&app, "Je viens avec la 4B.").await;
        ui::send(&app).await;
        let (her_reply, _) = wait_until("Paul to receive the reply", EFFECT, || async {
            ent.received("paul.martin", REPLY).await
        })
        .await;
        ent.send_in_reply(
            "paul.martin",
            &["marie.durand"],
            REPLY,
            "<p>Parfait, je réserve le car.</p>",
            Some(&her_reply),
        )
        .await;

        // Assert: one line for the three messages, with their count.
        // Read in one go from the line as found, found again when a refresh redrew it.
        let who = wait_until("one line of three messages", EFFECT, || async {
            let rows = app.driver.find_all(ui::row(SUBJECT)).await.ok()?;
            let [row] = rows.as_slice() else { return None };
            let count = row.find(By::Css(".mbx-thread-count")).await.ok()?;
            if count.text().await.ok()? != "3" {
                return None;
            }
            let who = row.find(By::Css(".mbx-cell-who")).await.ok()?;
            who.prop("textContent").await.ok()?
        })
        .await;
        assert!(ui::is_bold(&app, SUBJECT).await, "Paul's answer is unread");
        assert!(
            who.contains("MARTIN Paul") && who.contains("DURAND Marie"),
            "{who}"
        );

        // Assert: the original, still open, now shows the two others above it.
        app.find(
            "the open message's conversation, read again",
            By::Css("section[aria-label='Conversation de 3 messages']"),
        )
        .await;

        // Assert: it opens on Paul's answer, the two others folded above, Marie's sent reply
        // among them.
        ui::open_row(&app, SUBJECT).await;
        let thread = app
            .find(
                "the conversation",
                By::Css("section[aria-label='Conversation de 3 messages']"),
            )
            .await;
        let reading = app
            .find("the open message", By::Css("article.mbx-reading h2"))
            .await;
        assert_eq!(reading.text().await.expect("subject"), REPLY);
        let folded = thread
            .find_all(By::Css("[data-testid='thread-message'] summary"))
            .await
            .expect("folded messages");
        let mut names = Vec::new();
        for f in &folded {
            names.push(f.text().await.expect("text"));
        }
        assert_eq!(names.len(), 2, "{names:?}");
        assert!(
            names[0].contains("MARTIN Paul") && names[0].contains(SUBJECT),
            "{names:?}"
        );
        assert!(names[1].contains("DURAND Marie"), "{names:?}");

        // Marie's own reply, unfolded, shows what she wrote (the README's picture is this one).
        folded[1].click().await.expect("unfold Marie's reply");
        wait_until("Marie's reply to unfold", EFFECT, || async {
            let frame = thread.find(By::Css("iframe.mbx-thread-body")).await.ok()?;
            let doc = frame.attr("srcdoc").await.ok()??;
            doc.contains("Je viens avec la 4B.").then_some(())
        })
        .await;
        app.screenshot("conversation.png");
    })
    .await;
}
