//! Writing, as the user guide's « Envoyer un message »: to a group with a file, the
//! communication rules, drafts, undo send, offline sending, reply all — against a real
//! ent-server.
use thirtyfour::By;

use crate::harness::{self, wait_until, Ent, Launch, EFFECT};
use crate::ui;

/// Long enough for any of these exchanges on a loaded machine.
const DELIVERY: std::time::Duration = std::time::Duration::from_secs(30);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_teacher_writes_to_the_parents_of_6a_with_a_file_and_they_keep_it_after_she_deletes_it() {
    // Arrange: the file the test seam hands to « Ajouter une pièce jointe ».
    let files = tempfile::tempdir().expect("temp dir");
    let file = files.path().join("sortie-musee.pdf");
    std::fs::write(&file, b"%PDF-1.4 autorisation de sortie").expect("write the file");
    let ent = Ent::start().await;
    let launch = Launch {
        env: vec![(
            "MESSAGERIE_TEST_PICK_FILES".into(),
            file.display().to_string(),
        )],
        ..Launch::default()
    };
    harness::run_with("group_with_file", launch, |app| async move {
        ui::sign_in(&app, &ent.url(), "marie.durand", "demo").await;

        // Act: « Créer », the group, a subject and a body, the file, « Envoyer ».
        ui::compose_new(&app).await;
        ui::add_recipient(&app, "to", "Parents", "Parents du groupe 6A.").await;
        ui::write(
            &app,
            "Sortie au musée jeudi",
            "Merci de signer l'autorisation jointe.",
        )
        .await;
        ui::click(&app, "« Ajouter une pièce jointe »", ui::testid("attach")).await;
        app.find(
            "the attached file",
            By::XPath("//*[@data-testid='attachment'][contains(., 'sortie-musee.pdf')]"),
        )
        .await;
        app.screenshot("composer.png");
        ui::send(&app).await;

        // Assert: each parent of 6A has it, with the file.
        let mut received = Vec::new();
        for parent in ["julien.leroy", "claire.moreau"] {
            let got = wait_until(&format!("{parent} to receive it"), DELIVERY, || async {
                ent.received(parent, "Sortie au musée jeudi").await
            })
            .await;
            assert_eq!(got.1.len(), 1, "{parent} got {got:?}");
            received.push((parent, got));
        }
        assert!(ent
            .received("anne.girard", "Sortie au musée jeudi")
            .await
            .is_none());

        // Act 2: the teacher deletes it for good (Messages envoyés → Corbeille → définitivement).
        ui::open_folder(&app, "outbox").await;
        ui::tick(&app, "Sortie au musée jeudi").await;
        ui::click(&app, "« Supprimer »", ui::button("Supprimer")).await;
        ui::open_folder(&app, "trash").await;
        ui::tick(&app, "Sortie au musée jeudi").await;
        ui::delete_for_good(&app).await;
        wait_until(
            "the message to be gone from her trash on the ENT",
            DELIVERY,
            || async {
                let trash = ent.subjects("marie.durand", "trash").await;
                let outbox = ent.subjects("marie.durand", "outbox").await;
                let gone = |l: &[String]| !l.iter().any(|s| s == "Sortie au musée jeudi");
                (gone(&trash) && gone(&outbox)).then_some(())
            },
        )
        .await;

        // Assert 2: the parents still open the file.
        for (parent, (message, files)) in received {
            let bytes = ent.download(parent, &message, &files[0]).await;
            assert_eq!(bytes, b"%PDF-1.4 autorisation de sortie", "{parent}");
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pupil_cannot_address_a_teacher_of_another_class_and_nothing_is_sent() {
    let ent = Ent::start().await;
    harness::run("pupil_rules", |app| async move {
        // Arrange: Hugo is in 6A; Marie teaches 6A, Paul does not.
        ui::sign_in(&app, &ent.url(), "hugo.leroy", "demo").await;
        ui::compose_new(&app).await;
        ui::write(&app, "Devoir", "Bonjour, j'ai une question.").await;

        // Act: Marie Durand is offered; then look for Paul Martin.
        ui::add_recipient(&app, "to", "DURAND", "DURAND Marie").await;
        let to = app.find("the À field", ui::testid("field-to")).await;
        to.send_keys("MARTIN").await.expect("type");
        // Settled once the list answers: names, or « Aucun destinataire trouvé ».
        let offered_paul = wait_until("the answer for MARTIN", EFFECT, || async {
            app.driver
                .find(By::Css(".cmp-suggestion-none, [data-testid='suggestion']"))
                .await
                .ok()?;
            let items = app.driver.find_all(ui::testid("suggestion")).await.ok()?;
            let mut texts = Vec::new();
            for item in items {
                texts.push(item.text().await.ok()?);
            }
            Some(texts)
        })
        .await;
        // Assert: Paul is never offered; nothing reaches him.
        assert!(
            offered_paul.iter().all(|t| !t.contains("MARTIN Paul")),
            "{offered_paul:?}"
        );
        assert_eq!(ent.count_received("paul.martin", "Devoir").await, 0);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_draft_typed_and_left_survives_a_restart() {
    let data = tempfile::tempdir().expect("temp dir");
    let launch = Launch {
        data_dir: Some(data.path().to_path_buf()),
        ..Launch::demo()
    };
    harness::run_with("draft_before_restart", launch.clone(), |app| async move {
        ui::wait_for_row(&app, "Conseil de classe de 3A").await;
        ui::compose_new(&app).await;
        ui::add_recipient(&app, "to", "MARTIN", "MARTIN Paul").await;
        ui::write(
            &app,
            "Brouillon du conseil",
            "Points à voir : les appréciations.",
        )
        .await;

        // The autosave puts it in Brouillons: (3) from the demo's year, (4) with this one.
        wait_until("the draft to be saved", EFFECT, || async {
            let label = ui::folder_label(&app, "draft").await;
            (ui::count_in(&label) == 4).then_some(())
        })
        .await;
    })
    .await;

    harness::run_with("draft_after_restart", launch, |app| async move {
        ui::open_folder(&app, "draft").await;
        ui::open_row(&app, "Brouillon du conseil").await;
        let subject = app.find("the subject", ui::testid("subject")).await;
        let value = subject
            .prop("value")
            .await
            .expect("value")
            .unwrap_or_default();
        assert_eq!(value, "Brouillon du conseil");
        let body = app
            .find("the body", ui::testid("body"))
            .await
            .text()
            .await
            .expect("body");
        assert!(body.contains("les appréciations"), "{body}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn undo_send_takes_the_message_back_and_nobody_receives_it() {
    let ent = Ent::start().await;
    harness::run("undo_send", |app| async move {
        ui::sign_in(&app, &ent.url(), "marie.durand", "demo").await;
        ui::compose_new(&app).await;
        ui::add_recipient(&app, "to", "MARTIN", "MARTIN Paul").await;
        ui::write(&app, "Message regretté", "Finalement non.").await;

        // Act
        ui::send(&app).await;
        ui::click(&app, "« Annuler l'envoi »", ui::testid("undo-send")).await;

        // Assert: back in the composer; a later message proves the queue ran past the delay.
        let subject = app.find("the reopened draft", ui::testid("subject")).await;
        assert_eq!(subject.prop("value").await.expect("value").as_deref(), Some("Message regretté"));
        ui::click(&app, "« Annuler »", ui::testid("cancel")).await;
        if let Ok(confirm) = app
            .driver
            .find(By::XPath("//div[@role='dialog']//button[contains(@class,'mbx-danger') or contains(@class,'mbx-primary')]"))
            .await
        {
            confirm.click().await.expect("confirm");
        }
        ui::compose_new(&app).await;
        ui::add_recipient(&app, "to", "MARTIN", "MARTIN Paul").await;
        ui::write(&app, "Message voulu", "Celui-ci part.").await;
        ui::send(&app).await;
        wait_until("Paul to receive the later message", DELIVERY, || async {
            (ent.count_received("paul.martin", "Message voulu").await == 1).then_some(())
        })
        .await;
        assert_eq!(ent.count_received("paul.martin", "Message regretté").await, 0);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_sent_while_the_ent_is_stopped_is_delivered_once_when_it_returns() {
    let mut ent = Ent::start().await;
    harness::run("offline_send", |app| async move {
        ui::sign_in(&app, &ent.url(), "marie.durand", "demo").await;
        ui::wait_for_row(&app, "Conseil de classe de 3A").await;
        ent.stop().await;

        // Act: written and sent offline, then the ENT comes back.
        ui::compose_new(&app).await;
        ui::add_recipient(&app, "to", "MARTIN", "MARTIN Paul").await;
        ui::write(&app, "Écrit hors ligne", "Parti plus tard.").await;
        ui::send(&app).await;
        ui::open_folder(&app, "outbox").await;
        ui::wait_for_row(&app, "Écrit hors ligne").await;
        ent.restart().await;

        // Assert: once, even after several syncs.
        wait_until("Paul to receive it", DELIVERY, || async {
            (ent.count_received("paul.martin", "Écrit hors ligne").await >= 1).then_some(())
        })
        .await;
        ent.send(
            "sophie.bernard",
            &["marie.durand"],
            "Après le retour",
            "<p>x</p>",
        )
        .await;
        ui::open_folder(&app, "inbox").await;
        ui::wait_for_row(&app, "Après le retour").await;
        assert_eq!(
            ent.count_received("paul.martin", "Écrit hors ligne").await,
            1
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reply_all_reaches_the_sender_and_the_other_recipients_not_the_replier() {
    let ent = Ent::start().await;
    ent.send(
        "paul.martin",
        &["marie.durand", "sophie.bernard"],
        "Planning des oraux",
        "<p>Voici le planning.</p>",
    )
    .await;
    harness::run("reply_all", |app| async move {
        ui::sign_in(&app, &ent.url(), "marie.durand", "demo").await;
        ui::open_row(&app, "Planning des oraux").await;

        // Act
        ui::click(&app, "« Répondre à tous »", ui::testid("reply-all")).await;
        let subject = app.find("the subject", ui::testid("subject")).await;
        assert_eq!(
            subject.prop("value").await.expect("value").as_deref(),
            Some("Re : Planning des oraux")
        );
        let body = app.find("the body", ui::testid("body")).await;
        body.click().await.expect("focus");
        body.send_keys("D'accord pour moi.").await.expect("type");
        ui::send(&app).await;

        // Assert
        for login in ["paul.martin", "sophie.bernard"] {
            wait_until(
                &format!("{login} to receive the reply"),
                DELIVERY,
                || async {
                    (ent.count_received(login, "Re : Planning des oraux").await == 1).then_some(())
                },
            )
            .await;
        }
        assert_eq!(
            ent.count_received("marie.durand", "Re : Planning des oraux")
                .await,
            0
        );
    })
    .await;
}
