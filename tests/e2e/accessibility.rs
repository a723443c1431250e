//! A window everyone can use: axe-core finds no serious or critical violation on any screen,
//! the keyboard alone reads, answers with a file and deletes a message, and the window stays
//! usable at 200 % zoom and with the system's large text (checked on the DOM, screenshots kept in
//! `target/e2e-artifacts/<test>/`).
use serde_json::json;
use thirtyfour::{By, Key, TypingData};

use crate::harness::{self, axe, wait_until, App, Ent, Launch, EFFECT};
use crate::ui;

/// Long enough for a reply with a file to reach the ENT on a loaded machine.
const DELIVERY: std::time::Duration = std::time::Duration::from_secs(30);

/// Keys typed into whatever has the focus, as a person types them.
async fn press(app: &App, keys: impl Into<TypingData>) {
    app.driver
        .action_chain()
        .send_keys(keys)
        .perform()
        .await
        .expect("press keys");
}

/// `key` with Ctrl held.
async fn press_ctrl(app: &App, key: impl Into<TypingData>) {
    app.driver
        .action_chain()
        .key_down(Key::Control)
        .send_keys(key)
        .key_up(Key::Control)
        .perform()
        .await
        .expect("press a key with Ctrl");
}

/// Presses Ctrl+`key` until `by` shows, four times at most: a key pressed while the window
/// still moves its focus after a dialog closed can be lost (Ctrl+N was, once, in a CI run).
async fn press_ctrl_until(app: &App, key: &str, what: &str, by: By) {
    for _ in 0..4 {
        press_ctrl(app, key).await;
        let pressed = std::time::Instant::now();
        while pressed.elapsed() < std::time::Duration::from_secs(4) {
            if app
                .driver
                .find_all(by.clone())
                .await
                .is_ok_and(|found| !found.is_empty())
            {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }
    panic!("{what} did not open after Ctrl+{key} four times");
}

/// The `data-testid` of the focused element ("" when it has none).
async fn focused_testid(app: &App) -> String {
    let focused = app
        .driver
        .active_element()
        .await
        .expect("the focused element");
    focused
        .attr("data-testid")
        .await
        .ok()
        .flatten()
        .unwrap_or_default()
}

/// Signs in by typing only: the fields are filled, Enter submits the form.
async fn sign_in_by_keyboard(app: &App, ent_url: &str, login: &str) {
    let field = |label: &str| By::XPath(format!("//form//label[contains(., \"{label}\")]//input"));
    for (label, value) in [
        ("Adresse de l'ENT", ent_url),
        ("Identifiant", login),
        ("Mot de passe", "demo"),
    ] {
        let input = app
            .find(&format!("the « {label} » field"), field(label))
            .await;
        input.clear().await.expect("clear a field");
        input.send_keys(value).await.expect("type in a field");
    }
    press(app, Key::Enter).await;
    ui::folder(app, "inbox").await;
}

fn dialog_named(name: &str) -> By {
    By::XPath(format!(
        "//div[@role='dialog'][.//h2[normalize-space(.)=\"{name}\"]]"
    ))
}

async fn wait_gone(app: &App, what: &str, by: By) {
    wait_until(&format!("{what} to close"), EFFECT, || async {
        app.driver
            .find_all(by.clone())
            .await
            .ok()
            .filter(|found| found.is_empty())
            .map(|_| ())
    })
    .await;
}

/// Escape on the open dialog, and waits until it is gone.
async fn escape_dialog(app: &App, name: &str) {
    press(app, Key::Escape).await;
    wait_gone(app, &format!("the dialog « {name} »"), dialog_named(name)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_screen_and_dialog_passes_axe_core_without_a_serious_or_critical_violation() {
    let ent = Ent::start().await;
    harness::run("a11y_axe", |app| async move {
        // Sign-in.
        app.find("the sign-in screen", ui::ent_address_field())
            .await;
        axe::assert_clean(&app, "connexion").await;

        // The mailbox, then the reading pane with a message open.
        ui::sign_in(&app, &ent.url(), "marie.durand", "demo").await;
        let first = By::XPath("(//div[@role='row'])[1]");
        app.find("a message row", first.clone()).await;
        axe::assert_clean(&app, "boîte de réception").await;
        ui::click(&app, "the first message", first).await;
        app.find("the open message", By::Css("article.mbx-reading h2"))
            .await;
        axe::assert_clean(&app, "message ouvert").await;

        // « ? »: the shortcut list.
        ui::click(
            &app,
            "« Raccourcis clavier »",
            ui::testid("shortcuts-button"),
        )
        .await;
        app.find("the shortcut list", dialog_named("Raccourcis clavier"))
            .await;
        axe::assert_clean(&app, "raccourcis clavier").await;
        escape_dialog(&app, "Raccourcis clavier").await;

        // « Nouveau dossier » (a form in the folder pane), a folder's deletion to confirm.
        ui::click(&app, "« Nouveau dossier »", ui::button("Nouveau dossier")).await;
        app.find(
            "the new folder form",
            By::Css("form[aria-label='Nouveau dossier']"),
        )
        .await;
        axe::assert_clean(&app, "nouveau dossier").await;
        ui::click(
            &app,
            "« Annuler »",
            By::XPath(
                "//form[@aria-label='Nouveau dossier']//button[normalize-space(.)='Annuler']",
            ),
        )
        .await;
        ui::click(&app, "the folder « Parents »", ui::folder_named("Parents")).await;
        ui::click(
            &app,
            "« Supprimer le dossier »",
            ui::button("Supprimer le dossier"),
        )
        .await;
        app.find("the confirmation", dialog_named("Supprimer le dossier"))
            .await;
        axe::assert_clean(&app, "confirmer la suppression d'un dossier").await;
        escape_dialog(&app, "Supprimer le dossier").await;

        // An empty folder.
        ui::open_folder(&app, "trash").await;
        axe::assert_clean(&app, "corbeille").await;

        // The composer, « Envoyer plus tard », « Abandonner le message ».
        ui::compose_new(&app).await;
        axe::assert_clean(&app, "nouveau message").await;
        ui::add_recipient(&app, "to", "Parents", "Parents du groupe 6A.").await;
        ui::write(&app, "Sortie au musée", "Départ à 9 h.").await;
        wait_until("« Envoyer plus tard » to be enabled", EFFECT, || async {
            let button = app.driver.find(ui::testid("send-later")).await.ok()?;
            button.is_enabled().await.ok()?.then_some(())
        })
        .await;
        ui::click(&app, "« Envoyer plus tard »", ui::testid("send-later")).await;
        app.find("« Envoyer plus tard »", dialog_named("Envoyer plus tard"))
            .await;
        axe::assert_clean(&app, "envoyer plus tard").await;
        escape_dialog(&app, "Envoyer plus tard").await;
        ui::click(&app, "« Annuler »", ui::testid("cancel")).await;
        app.find("the confirmation", By::Css("[role='dialog']"))
            .await;
        axe::assert_clean(&app, "abandonner le message").await;
        press(&app, Key::Escape).await;
        wait_gone(&app, "the confirmation", By::Css("[role='dialog']")).await;

        // « Programmés », « Paramètres », « Se déconnecter ».
        ui::click(&app, "« Programmés »", ui::testid("scheduled-folder")).await;
        app.find("« Programmés »", ui::testid("scheduled-view"))
            .await;
        axe::assert_clean(&app, "programmés").await;
        ui::click(&app, "« Paramètres »", ui::testid("open-settings")).await;
        app.find("« Paramètres »", ui::testid("settings")).await;
        axe::assert_clean(&app, "paramètres").await;
        ui::click(&app, "« Fermer »", ui::testid("settings-close")).await;
        ui::click(&app, "« Se déconnecter »", ui::button("Se déconnecter")).await;
        app.find("the sign-out dialog", By::Css("[role='dialog']"))
            .await;
        axe::assert_clean(&app, "se déconnecter").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_keyboard_alone_reads_a_message_answers_it_with_a_file_and_deletes_it() {
    // Arrange: a message from a colleague, the file « Ajouter une pièce jointe » is handed.
    let files = tempfile::tempdir().expect("temp dir");
    let file = files.path().join("liste-eleves.txt");
    std::fs::write(&file, b"6A: 24\n").expect("write the file");
    let ent = Ent::start().await;
    let subject = "Effectifs de 6A";
    ent.send(
        "paul.martin",
        &["marie.durand"],
        subject,
        "<p>Peux-tu m'envoyer la liste ?</p>",
    )
    .await;
    let launch = Launch {
        env: vec![(
            "MESSAGERIE_TEST_PICK_FILES".into(),
            file.display().to_string(),
        )],
        ..Launch::default()
    };
    harness::run_with("a11y_keyboard", launch, |app| async move {
        sign_in_by_keyboard(&app, &ent.url(), "marie.durand").await;
        ui::wait_for_row(&app, subject).await;

        // Read: the newest message is first; ↓ puts the cursor on it, Entrée opens it.
        press(&app, Key::Down).await;
        press(&app, Key::Enter).await;
        let heading = app
            .find("the open message", By::Css("article.mbx-reading h2"))
            .await;
        assert_eq!(heading.text().await.expect("subject"), subject);

        // Answer: R opens the reply with the focus in its body; typed text goes there.
        press(&app, "r").await;
        app.find("the composer", ui::testid("composer")).await;
        wait_until("the reply's body to have the focus", EFFECT, || async {
            (focused_testid(&app).await == "body").then_some(())
        })
        .await;
        press(&app, "La voici.").await;
        // Tab to « Ajouter une pièce jointe » (the paperclip), Entrée picks the file.
        let mut tabs = 0;
        while focused_testid(&app).await != "attach" {
            tabs += 1;
            assert!(tabs <= 60, "Tab never reached « Ajouter une pièce jointe »");
            press(&app, Key::Tab).await;
        }
        press(&app, Key::Enter).await;
        let attached = By::XPath(
            "//*[@data-testid='attachment'][@data-status='done'][contains(., 'liste-eleves.txt')]",
        );
        app.find("the attached file, uploaded", attached).await;
        wait_until("the upload to finish", EFFECT, || async {
            let progress = app
                .driver
                .find_all(ui::testid("upload-progress"))
                .await
                .ok()?;
            progress.is_empty().then_some(())
        })
        .await;
        app.screenshot("reply-with-file.png");
        // Ctrl+Entrée sends (after the undo delay).
        press_ctrl(&app, Key::Enter).await;
        let reply = format!("Re : {subject}");
        let (_, files) = wait_until("Paul Martin to receive the reply", DELIVERY, || async {
            ent.received("paul.martin", &reply).await
        })
        .await;
        assert_eq!(files.len(), 1, "the reply carries the file");

        // Delete: the focus left the closed composer; Suppr puts the message in the trash.
        let focused = app.driver.active_element().await.expect("focus");
        let in_composer = focused
            .attr("data-testid")
            .await
            .ok()
            .flatten()
            .is_some_and(|id| id == "body");
        assert!(!in_composer, "the composer is closed");
        press(&app, Key::Delete).await;
        ui::wait_row_gone(&app, subject).await;
        wait_until(
            "the message to be in the trash on the ENT",
            DELIVERY,
            || async {
                let trash = ent.subjects("marie.durand", "trash").await;
                trash.iter().any(|s| s == subject).then_some(())
            },
        )
        .await;

        // « ? » lists the keys used here; Échap closes the list.
        press(&app, "?").await;
        let list = app
            .find("the shortcut list", dialog_named("Raccourcis clavier"))
            .await;
        let text = list.text().await.expect("the list's text");
        for entry in [
            "Ctrl+N",
            "R",
            "Maj+R",
            "F",
            "Suppr",
            "Ctrl+Entrée",
            "Répondre à tous",
        ] {
            assert!(text.contains(entry), "« {entry} » missing from:\n{text}");
        }
        escape_dialog(&app, "Raccourcis clavier").await;
    })
    .await;
}

/// What is wrong with the layout the window shows: a text element wider than its box (a
/// label, a button, a heading: `scrollWidth > clientWidth`), a page wider than the window,
/// main regions overlapping. List rows are left out: their cells cut a long subject with an
/// ellipsis by design, and the row's name (`aria-label`) carries it whole.
async fn layout_problems(app: &App) -> Vec<String> {
    let script = r#"
        const problems = [];
        const shown = (el) => {
            const r = el.getBoundingClientRect();
            return r.width > 0 && r.height > 0 && !el.closest(".mbx-sr");
        };
        const name = (el) => {
            const id = el.getAttribute("data-testid");
            return `${el.tagName.toLowerCase()}${id ? `[${id}]` : ""} « ${el.textContent.trim().slice(0, 40)} »`;
        };
        const texts = "button, label, h1, h2, h3, legend, dt, dd, kbd, [role=treeitem], [data-testid=sync-status]";
        for (const el of document.querySelectorAll(texts)) {
            if (!shown(el) || el.closest(".mbx-row")) continue;
            if (getComputedStyle(el).display === "inline") continue; // no box of its own
            if (el.scrollWidth > el.clientWidth + 1) {
                problems.push(`${name(el)} overflows its box (${el.scrollWidth} > ${el.clientWidth} px)`);
            }
            const r = el.getBoundingClientRect();
            if (r.right > window.innerWidth + 1 || r.left < -1) {
                problems.push(`${name(el)} is outside the window (${Math.round(r.left)}..${Math.round(r.right)} of ${window.innerWidth} px)`);
            }
        }
        const page = document.scrollingElement;
        if (page.scrollWidth > window.innerWidth + 1) {
            problems.push(`the page is wider than the window (${page.scrollWidth} > ${window.innerWidth} px)`);
        }
        const regions = [...document.querySelectorAll(
            ".mbx-top, .mbx-left, .mbx-middle, .mbx-reading, .cmp, .mbx-status, .mbx-signin-card"
        )].filter(shown);
        for (let i = 0; i < regions.length; i++) {
            for (let j = i + 1; j < regions.length; j++) {
                const a = regions[i].getBoundingClientRect();
                const b = regions[j].getBoundingClientRect();
                const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
                const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
                if (w > 1 && h > 1) {
                    problems.push(`${regions[i].className} and ${regions[j].className} overlap (${Math.round(w)}×${Math.round(h)} px)`);
                }
            }
        }
        return problems;
    "#;
    let found = app
        .driver
        .execute(script, vec![])
        .await
        .expect("measure the layout");
    serde_json::from_value(found.json().clone()).expect("a list of problems")
}

/// Saves `name` as a screenshot and fails on any layout problem, naming each.
async fn assert_usable(app: &App, name: &str) {
    // The X server shows what WebKit painted: let it paint what the DOM holds first.
    app.driver
        .execute_async(
            "const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(() => done()));",
            vec![],
        )
        .await
        .expect("wait for the page to be painted");
    app.screenshot(&format!("{name}.png"));
    let problems = layout_problems(app).await;
    assert!(
        problems.is_empty(),
        "« {name} » is not usable ({} problem(s)):\n- {}",
        problems.len(),
        problems.join("\n- ")
    );
}

/// The width the page is laid out in, in CSS pixels.
async fn css_width(app: &App) -> u64 {
    let width = app
        .driver
        .execute("return window.innerWidth;", vec![])
        .await
        .expect("the page's width");
    width.json().as_u64().unwrap_or(0)
}

/// Opens the first message by the keyboard (no mouse: its coordinates are the page's at
/// any zoom), then checks the mailbox, the reading pane, « ? », the composer and « Paramètres ».
async fn check_every_screen(app: &App, prefix: &str) {
    let first = By::XPath("(//div[@role='row'])[1]");
    app.find("a message row", first).await;
    assert_usable(app, &format!("{prefix}-mailbox")).await;
    press(app, Key::Down).await;
    press(app, Key::Enter).await;
    app.find("the open message", By::Css("article.mbx-reading h2"))
        .await;
    assert_usable(app, &format!("{prefix}-message")).await;
    press(app, "?").await;
    app.find("the shortcut list", dialog_named("Raccourcis clavier"))
        .await;
    assert_usable(app, &format!("{prefix}-shortcuts")).await;
    escape_dialog(app, "Raccourcis clavier").await;
    press_ctrl_until(app, "n", "the composer", ui::testid("composer")).await;
    assert_usable(app, &format!("{prefix}-composer")).await;
    press_ctrl_until(app, ",", "« Paramètres »", ui::testid("settings")).await;
    assert_usable(app, &format!("{prefix}-settings")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_200_percent_zoom_no_text_is_clipped_and_no_region_overlaps_another() {
    let ent = Ent::start().await;
    harness::run("a11y_zoom", |app| async move {
        app.find("the sign-in screen", ui::ent_address_field())
            .await;
        let normal = css_width(&app).await;
        app.invoke("debug_set_zoom", json!({ "factor": 2.0 }))
            .await
            .expect("zoom to 200 %");
        wait_until("the page to be laid out at 200 %", EFFECT, || async {
            (css_width(&app).await * 2 <= normal + 2).then_some(())
        })
        .await;
        assert_usable(&app, "zoom-200-sign-in").await;
        sign_in_by_keyboard(&app, &ent.url(), "marie.durand").await;
        check_every_screen(&app, "zoom-200").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_systems_large_text_no_text_is_clipped_and_no_region_overlaps_another() {
    // GTK's text scale as the desktop sets it for « Grands caractères » (GDK_DPI_SCALE, the
    // environment's form of `text-scaling-factor`); WebKitGTK scales the page with it.
    let ent = Ent::start().await;
    let launch = Launch {
        env: vec![("GDK_DPI_SCALE".into(), "1.5".into())],
        ..Launch::default()
    };
    harness::run_with("a11y_large_text", launch, |app| async move {
        app.find("the sign-in screen", ui::ent_address_field())
            .await;
        // The window is 1200 px wide (tauri.conf.json): the page is laid out in fewer CSS
        // pixels, each drawn larger.
        let width = css_width(&app).await;
        assert!(
            width * 3 <= 1200 * 2 + 3,
            "the text is not larger: the page is {width} CSS px wide in a 1200 px window"
        );
        assert_usable(&app, "large-text-sign-in").await;
        sign_in_by_keyboard(&app, &ent.url(), "marie.durand").await;
        check_every_screen(&app, "large-text").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dark_theme_passes_axe_core_too() {
    let ent = Ent::start().await;
    let launch = Launch {
        desktop_dark: Some(true),
        ..Launch::default()
    };
    harness::run_with("a11y_axe_dark", launch, |app| async move {
        app.find("the sign-in screen", ui::ent_address_field())
            .await;
        axe::assert_clean(&app, "connexion, sombre").await;
        ui::sign_in(&app, &ent.url(), "marie.durand", "demo").await;
        let first = By::XPath("(//div[@role='row'])[1]");
        ui::click(&app, "the first message", first).await;
        app.find("the open message", By::Css("article.mbx-reading h2"))
            .await;
        axe::assert_clean(&app, "message ouvert, sombre").await;
        ui::compose_new(&app).await;
        axe::assert_clean(&app, "nouveau message, sombre").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn new_mail_is_announced_once_in_the_live_region_and_the_refreshes_are_not() {
    let ent = Ent::start().await;
    harness::run("a11y_live_region", |app| async move {
        ui::sign_in(&app, &ent.url(), "marie.durand", "demo").await;
        let announcer = app.find("the live region", ui::testid("announcer")).await;
        assert_eq!(
            announcer
                .attr("aria-live")
                .await
                .expect("aria-live")
                .as_deref(),
            Some("polite")
        );
        wait_until("« Boîte à jour » to be said", EFFECT, || async {
            let said = announcer.prop("textContent").await.ok()??;
            (said == "Boîte à jour").then_some(())
        })
        .await;

        // Act: a colleague writes.
        ent.send(
            "paul.martin",
            &["marie.durand"],
            "Salle B12 demain",
            "<p>Changement de salle.</p>",
        )
        .await;

        // Assert: said once, in words; then the passes asked with F5 (each one's events reach
        // the window) never make it speak again.
        wait_until("the new message to be said", EFFECT, || async {
            let said = announcer.prop("textContent").await.ok()??;
            (said == "Nouveau message de MARTIN Paul : Salle B12 demain").then_some(())
        })
        .await;
        app.driver
            .execute_async(
                r#"
                const done = arguments[0];
                window.__said = 0;
                window.__events = 0;
                new MutationObserver(() => window.__said++).observe(
                    document.querySelector("[data-testid='announcer']"),
                    { childList: true, subtree: true, characterData: true });
                const t = window.__TAURI_INTERNALS__;
                const handler = t.transformCallback(() => window.__events++);
                t.invoke("plugin:event|listen", { event: "mailbox", target: { kind: "Any" }, handler })
                    .then(() => done(null), (e) => done(String(e)));
                "#,
                vec![],
            )
            .await
            .expect("watch the live region and the window's events");
        for pass in 1..=3u64 {
            press(&app, Key::F5).await;
            wait_until(
                &format!("sync pass {pass} to reach the window"),
                DELIVERY,
                || async {
                    let events = app
                        .driver
                        .execute("return window.__events;", vec![])
                        .await
                        .ok()?;
                    (events.json().as_u64()? >= pass).then_some(())
                },
            )
            .await;
        }
        let said = app
            .driver
            .execute("return window.__said;", vec![])
            .await
            .expect("count the announcements");
        assert_eq!(said.json(), &json!(0), "the live region spoke again");
    })
    .await;
}
