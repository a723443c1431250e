//! Several ENT accounts side by side (issue 17, point 2): a teacher in two schools on two ENTs
//! adds the second account from the switcher without signing out of the first; a message to
//! each raises a notification naming its account; the switcher counts each inbox; « Toutes les
//! boîtes de réception » lists both; removing one account leaves the other's mail (on screen,
//! on disk, in the keyring) and the next start opens only the one left.
use std::path::Path;
use std::sync::Arc;

use thirtyfour::By;

use crate::harness::{self, axe, wait_until, App, Ent, Launch, EFFECT};
use crate::ui;

const TO_A: &str = "Conseil pédagogique (collège A)";
const TO_B: &str = "Sortie au théâtre (lycée B)";

/// The ENT's `host:port`, as the switcher and the notifications name an account's ENT.
fn host(ent: &Ent) -> String {
    ent.url()
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string()
}

/// The account's store folder under the data directory (`Account::in_dir`).
fn store_dir(data: &Path, ent: &Ent, login: &str) -> std::path::PathBuf {
    data.join("accounts")
        .join(format!("{}_{login}", host(ent).replace(':', "_")))
}

/// Signs in through the sign-in screen's form with « Se souvenir de moi » ticked.
async fn sign_in_remembered(app: &App, ent: &Ent, login: &str) {
    for (label, value) in [
        ("Adresse de l'ENT", ent.url()),
        ("Identifiant", login.to_string()),
        ("Mot de passe", "demo".to_string()),
    ] {
        let input = app
            .find(
                &format!("the « {label} » field"),
                By::XPath(format!("//form//label[contains(., \"{label}\")]//input")),
            )
            .await;
        input.clear().await.expect("clear a field");
        input.send_keys(value).await.expect("type in a field");
    }
    ui::click(
        app,
        "« Se souvenir de moi »",
        By::XPath("//label[contains(., 'Se souvenir de moi')]//input"),
    )
    .await;
    ui::click(app, "Se connecter", By::XPath("//button[@type='submit']")).await;
    ui::folder(app, "inbox").await;
}

/// The switcher's line of the account on `ent`.
fn line_of(ent: &Ent) -> By {
    By::XPath(format!(
        "//nav[@aria-label='Comptes']//button[.//span[@class='mbx-account-host'][normalize-space(.)='{}']]",
        host(ent)
    ))
}

/// The unread count the switcher shows on the line of the account on `ent` (0 when none).
async fn switcher_count(app: &App, ent: &Ent) -> Option<u32> {
    let line = app.driver.find(line_of(ent)).await.ok()?;
    match line.find(By::Css(".mbx-account-count")).await {
        Ok(count) => count.prop("textContent").await.ok()??.trim().parse().ok(),
        Err(_) => Some(0),
    }
}

async fn wait_switcher_count(app: &App, ent: &Ent, count: u32) {
    wait_until(
        &format!("the switcher to count {count} unread on {}", host(ent)),
        EFFECT,
        || async { (switcher_count(app, ent).await? == count).then_some(()) },
    )
    .await;
}

/// The number of account lines in the switcher.
async fn account_lines(app: &App) -> usize {
    app.driver
        .find_all(By::Css("nav[aria-label='Comptes'] button[data-account]"))
        .await
        .map_or(0, |lines| lines.len())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_accounts_on_two_ents_notify_count_merge_and_one_is_removed_leaving_the_other() {
    let (a, b) = (Arc::new(Ent::start().await), Arc::new(Ent::start().await));
    let keep = tempfile::tempdir().expect("temp dir");
    let data = keep.path().join("data");
    let keyring = keep.path().join("keyring.json");
    let launch = Launch {
        data_dir: Some(data.clone()),
        env: vec![(
            "MESSAGERIE_TEST_KEYRING_FILE".into(),
            keyring.display().to_string(),
        )],
        ..Launch::default()
    };
    let (a2, b2, data2) = (a.clone(), b.clone(), data.clone());
    harness::run_across_restart(
        "accounts",
        launch,
        |app| async move {
            // Arrange: Marie signs in to collège A, then adds her account of lycée B from the
            // switcher, without signing out of A; B shows, on its trash (new mail not in sight).
            sign_in_remembered(&app, &a, "marie.durand").await;
            ui::click(&app, "« Ajouter un compte »", ui::testid("add-account")).await;
            app.find(
                "the sign-in screen titled « Ajouter un compte »",
                By::XPath("//h2[normalize-space(.)='Ajouter un compte']"),
            )
            .await;
            sign_in_remembered(&app, &b, "marie.durand").await;
            wait_until("both accounts in the switcher", EFFECT, || async {
                (account_lines(&app).await == 2).then_some(())
            })
            .await;
            // Signing in to an account already open just shows it: no second line.
            ui::click(&app, "« Ajouter un compte »", ui::testid("add-account")).await;
            sign_in_remembered(&app, &a, "marie.durand").await;
            wait_until("A to be the account shown", EFFECT, || async {
                let line = app.driver.find(line_of(&a)).await.ok()?;
                let current = line.attr("aria-current").await.ok()?;
                (current.as_deref() == Some("true")).then_some(())
            })
            .await;
            assert_eq!(account_lines(&app).await, 2);
            ui::click(&app, "B's line in the switcher", line_of(&b)).await;
            wait_until("B to be the account shown", EFFECT, || async {
                let line = app.driver.find(line_of(&b)).await.ok()?;
                let current = line.attr("aria-current").await.ok()?;
                (current.as_deref() == Some("true")).then_some(())
            })
            .await;
            ui::open_folder(&app, "trash").await;
            let (unread_a, unread_b) = (
                a.unread_in_inbox("marie.durand").await,
                b.unread_in_inbox("marie.durand").await,
            );
            wait_switcher_count(&app, &a, unread_a).await;
            wait_switcher_count(&app, &b, unread_b).await;
            axe::assert_clean(&app, "sélecteur de comptes").await;

            // Act: a colleague writes to Marie on each ENT.
            a.send("paul.martin", &["marie.durand"], TO_A, "<p>Jeudi 17 h.</p>")
                .await;
            b.send(
                "sophie.bernard",
                &["marie.durand"],
                TO_B,
                "<p>Le 12 mai.</p>",
            )
            .await;

            // Assert: one notification for each, naming the account it came to.
            let seen = wait_until("a notification for each account", EFFECT, || async {
                let seen = app.notifications();
                let about = |s: &str| seen.iter().any(|n| n.body.contains(s));
                (about(TO_A) && about(TO_B)).then_some(seen)
            })
            .await;
            for (subject, ent) in [(TO_A, &a), (TO_B, &b)] {
                let n = seen
                    .iter()
                    .find(|n| n.body.contains(subject))
                    .expect("notified");
                assert!(
                    n.body.contains(&format!("DURAND Marie ({})", host(ent))),
                    "the notification of « {subject} » names its account: {n:?}"
                );
            }
            // Assert: the switcher counts each inbox, kept live by each account's events.
            wait_switcher_count(&app, &a, unread_a + 1).await;
            wait_switcher_count(&app, &b, unread_b + 1).await;

            // Act: click A's notification while B shows (its trash).
            let nth = seen
                .iter()
                .position(|n| n.body.contains(TO_A))
                .expect("A's notification");
            let id = u32::try_from(nth + 1).expect("a notification id");
            // Clicked again until taken (see notification.rs: a click sent at once can come
            // before the app listens); the app takes one click per notification.
            wait_until("A's message to open", EFFECT, || async {
                app.bus.click_notification(id).await;
                let h = app.driver.find(By::Css(".mbx-reading h2")).await.ok()?;
                (h.text().await.ok()? == TO_A).then_some(())
            })
            .await;
            // Assert: the window shows A, its inbox, that message open.
            let current = app
                .find("A's line", line_of(&a))
                .await
                .attr("aria-current")
                .await
                .expect("attr");
            assert_eq!(current.as_deref(), Some("true"), "A is the account shown");
            let inbox = ui::folder(&app, "inbox").await;
            assert_eq!(
                inbox.attr("aria-selected").await.expect("attr").as_deref(),
                Some("true")
            );

            // Act: « Toutes les boîtes de réception ».
            ui::click(
                &app,
                "« Toutes les boîtes de réception »",
                ui::testid("unified-inbox"),
            )
            .await;
            // Assert: both new messages, newest first, each line with its account.
            for (subject, ent) in [(TO_A, &a), (TO_B, &b)] {
                let row = ui::wait_for_row(&app, subject).await;
                let account = row
                    .find(ui::testid("line-account"))
                    .await
                    .expect("the line's account")
                    .prop("textContent")
                    .await
                    .expect("text")
                    .unwrap_or_default();
                assert!(account.contains(&host(ent)), "{subject}: {account}");
            }
            let rows = app
                .driver
                .find_all(By::Css("div[role='row'] .mbx-cell-subject"))
                .await
                .expect("rows");
            let first = rows[0].prop("textContent").await.expect("text");
            assert!(
                first.as_deref().is_some_and(|s| s.contains(TO_B)),
                "newest first: {first:?}"
            );
            axe::assert_clean(&app, "toutes les boîtes de réception").await;

            // Act: B's message opens from the unified view through B.
            ui::open_row(&app, TO_B).await;
            wait_until("B's message to open", EFFECT, || async {
                let h = app.driver.find(By::Css(".mbx-reading h2")).await.ok()?;
                (h.text().await.ok()? == TO_B).then_some(())
            })
            .await;
            wait_until("B's message's body", EFFECT, || async {
                let frame = app
                    .driver
                    .find(By::Css("article.mbx-reading iframe"))
                    .await
                    .ok()?;
                let doc = frame.attr("srcdoc").await.ok()??;
                doc.contains("Le 12 mai.").then_some(())
            })
            .await;
            // The README's picture: the two accounts, every inbox together, B's message open.
            app.screenshot("accounts.png");

            // Act: show A and remove it (« Retirer ce compte », confirmed).
            ui::click(&app, "A's line in the switcher", line_of(&a)).await;
            ui::wait_for_row(&app, TO_A).await;
            ui::click(&app, "« Retirer ce compte »", ui::testid("remove-account")).await;
            ui::click(
                &app,
                "the confirmation",
                By::XPath("//div[@role='dialog']//button[normalize-space(.)='Retirer ce compte']"),
            )
            .await;

            // Assert: the window shows B's mail; A's local copy is erased, B's is still there;
            // A's keyring entry is forgotten, B's kept.
            ui::wait_for_row(&app, TO_B).await;
            wait_until("one account left in the switcher", EFFECT, || async {
                (account_lines(&app).await == 1).then_some(())
            })
            .await;
            wait_until("A's local copy to be erased", EFFECT, || async {
                (!store_dir(&data, &a, "marie.durand").exists()).then_some(())
            })
            .await;
            assert!(store_dir(&data, &b, "marie.durand")
                .join("mailbox.sqlite")
                .exists());
            let kept = std::fs::read_to_string(&keyring).unwrap_or_default();
            assert!(kept.contains(&host(&b)), "B's password stays kept");
            assert!(
                !kept.contains(&host(&a)),
                "A's password is forgotten: {kept}"
            );
            assert!(
                app.driver.find(ui::testid("unified-inbox")).await.is_err(),
                "no unified view with one account"
            );
        },
        |app| async move {
            // Assert: after a restart only B opens, with its mail.
            ui::wait_for_row(&app, TO_B).await;
            wait_until("the switcher to list B alone", EFFECT, || async {
                (account_lines(&app).await == 1).then_some(())
            })
            .await;
            app.find("B's line", line_of(&b2)).await;
            assert!(app.driver.find(line_of(&a2)).await.is_err());
            let open = app
                .invoke("accounts", serde_json::json!({}))
                .await
                .expect("accounts");
            assert_eq!(open.as_array().map(Vec::len), Some(1), "{open}");
            let saved =
                std::fs::read_to_string(data2.join("accounts.json")).expect("accounts.json");
            assert!(!saved.contains(&host(&a2)), "{saved}");
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_data_folder_of_the_one_account_version_opens_with_its_mail_and_its_queued_trash() {
    let ent = Arc::new(tokio::sync::Mutex::new(Ent::start().await));
    let keep = tempfile::tempdir().expect("temp dir");
    let data = keep.path().join("data");
    let launch = Launch {
        data_dir: Some(data.clone()),
        env: vec![(
            "MESSAGERIE_TEST_KEYRING_FILE".into(),
            keep.path().join("keyring.json").display().to_string(),
        )],
        ..Launch::default()
    };
    let url = ent.lock().await.url();
    let (ent2, url2) = (ent.clone(), url.clone());
    harness::run_across_restart(
        "accounts_upgrade",
        launch,
        |app| async move {
            // Arrange: signed in, synced; then the ENT stops and a trash waits in the queue.
            sign_in_remembered(&app, &*ent.lock().await, "marie.durand").await;
            ui::wait_for_row(&app, "Sortie au musée").await;
            ent.lock().await.stop().await;
            ui::tick(&app, "Sortie au musée").await;
            ui::click(&app, "« Supprimer »", ui::button("Supprimer")).await;
            ui::wait_row_gone(&app, "Sortie au musée").await;
            // The data folder as the version with one account left it: last-account.json
            // alone, the store untouched.
            std::fs::remove_file(data.join("accounts.json")).expect("accounts.json was written");
            std::fs::write(
                data.join("last-account.json"),
                format!(
                    r#"{{"entUrl":"{url}","login":"marie.durand","demo":false,"remembered":true}}"#
                ),
            )
            .expect("write last-account.json");
        },
        |app| async move {
            // Assert: that account opens, with its mail and the trash still queued.
            ui::wait_for_row(&app, "Conseil de classe de 3A").await;
            assert!(app.driver.find(ui::row("Sortie au musée")).await.is_err());
            ui::open_folder(&app, "trash").await;
            let queued = ui::wait_for_row(&app, "Sortie au musée").await;
            let classes = queued
                .attr("class")
                .await
                .expect("class")
                .unwrap_or_default();
            assert!(classes.contains("mbx-pending"), "still queued: {classes}");
            let open = app
                .invoke("accounts", serde_json::json!({}))
                .await
                .expect("accounts");
            assert_eq!(open[0]["account"]["entUrl"], url2.as_str(), "{open}");

            // Assert: the queue reaches the ENT once it is back.
            ent2.lock().await.restart().await;
            wait_until("the ENT to have the message trashed", EFFECT, || async {
                let ent = ent2.lock().await;
                ent.received("marie.durand", "Sortie au musée")
                    .await
                    .is_none()
                    .then_some(())
            })
            .await;
        },
    )
    .await;
}
