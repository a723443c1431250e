//! Issue 16's round trip: a message with a colour, an inline image and a table, written in the
//! app's composer with its toolbar, is read back through ent-server by its recipient, and its
//! HTML is what the ENT's own editor writes for the same steps (`fixtures/roundtrip.html`,
//! produced by Edifice's extensions in `ui/src/composer/Editor.test.ts`). The recipient also
//! reads the image itself with her own session. A video of the ENT's workspace quoted in a reply
//! is sent on as the ENT's editor writes it, and the window never loads it.
use std::path::Path;

use messagerie_core::client::conversation;
use thirtyfour::By;

use crate::harness::{self, wait_until, App, Ent, Launch, EFFECT};
use crate::ui;

const SUBJECT: &str = "Aller-retour de l'éditeur";
/// The image address the reference was written with.
const FIXTURE_SRC: &str =
    "/workspace/document/0f8e2b1c-2d3e-4f50-8a9b-0c1d2e3f4a5b?timestamp=1796000000000";

fn fixtures() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/e2e/fixtures")
}

/// Runs `command` on the body's TipTap editor (`editor.commands.…`), as the cursor keys would.
async fn editor(app: &App, command: &str) {
    app.driver
        .execute(
            &format!("document.querySelector('[data-testid=body]').editor.{command};"),
            vec![],
        )
        .await
        .unwrap_or_else(|e| panic!("editor.{command}: {e}"));
}

fn labelled(label: &str) -> By {
    By::Css(format!("button[aria-label=\"{label}\"]"))
}

/// Colours as `rgb(r, g, b)`, whichever way the engine wrote them.
fn rgb(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find('#') {
        let (before, after) = rest.split_at(at);
        out.push_str(before);
        let hex = &after[1..];
        if hex.len() >= 6
            && hex[..6].bytes().all(|b| b.is_ascii_hexdigit())
            && !hex[6..].starts_with(|c: char| c.is_ascii_hexdigit())
        {
            let v = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).unwrap_or(0);
            out.push_str(&format!("rgb({}, {}, {})", v(0), v(2), v(4)));
            rest = &hex[6..];
        } else {
            out.push('#');
            rest = hex;
        }
    }
    out.push_str(rest);
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_table_a_colour_and_an_image_written_in_the_app_reach_the_recipient_as_the_ents_editor_writes_them(
) {
    let ent = Ent::start().await;
    let photo = fixtures().join("reading/sortie.png");
    let launch = Launch {
        env: vec![(
            "MESSAGERIE_TEST_PICK_FILES".to_owned(),
            photo.display().to_string(),
        )],
        ..Launch::default()
    };
    harness::run_with("writing_roundtrip", launch, |app| async move {
        ui::sign_in(&app, &ent.url(), "marie.durand", "demo").await;
        ui::compose_new(&app).await;
        ui::add_recipient(&app, "to", "MARTIN", "MARTIN Paul").await;
        ui::write(&app, SUBJECT, "Sortie au musée").await;

        // « Sortie » in red, with the toolbar.
        editor(&app, "commands.setTextSelection({ from: 1, to: 7 })").await;
        ui::click(&app, "« Couleur du texte »", labelled("Couleur du texte")).await;
        ui::click(&app, "« Rouge »", labelled("Rouge")).await;
        // The image at the end of the line, from the user's files.
        editor(&app, "commands.focus('end')").await;
        ui::click(&app, "« Image »", labelled("Image")).await;
        wait_until("the image shown in the editor", EFFECT, || async {
            let img = app
                .driver
                .find(By::Css("[data-testid=body] img.custom-image"))
                .await
                .ok()?;
            let src = img.attr("src").await.ok()??;
            src.starts_with("data:image/png;base64,").then_some(())
        })
        .await;
        // A table, « Lundi » in its first cell.
        editor(&app, "commands.focus('end')").await;
        ui::click(&app, "« Tableau »", labelled("Tableau")).await;
        app.driver
            .active_element()
            .await
            .expect("the body has the focus")
            .send_keys("Lundi")
            .await
            .expect("type in the cell");
        ui::send(&app).await;

        let (id, _) = wait_until("paul.martin to receive it", EFFECT, || {
            ent.received("paul.martin", SUBJECT)
        })
        .await;
        let paul = ent.client("paul.martin").await;
        let (_, body) = conversation::message(&paul, &id)
            .await
            .expect("paul reads it");
        let html = body.body;

        // The image is in paul's reach, with his own session.
        let start = html.find("/workspace/document/").expect("an image address");
        let end = start + html[start..].find('"').expect("its end");
        let src = &html[start..end];
        let path = src.split('?').next().unwrap_or(src);
        let bytes = paul
            .send_raw(messagerie_core::client::Call::get(path))
            .await
            .expect("paul reads the image")
            .bytes;
        assert_eq!(bytes, std::fs::read(&photo).expect("the photo"));

        let reference = std::fs::read_to_string(fixtures().join("roundtrip.html"))
            .expect("the reference")
            .trim_end()
            .replace(FIXTURE_SRC, src);
        assert_eq!(rgb(&html), rgb(&reference));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_workspace_video_and_an_embed_quoted_in_a_reply_reach_its_sender_and_the_window_loads_neither(
) {
    const ID: &str = "7c3f1a2b-0000-4000-8000-000000000001";
    const EMBED: &str = r#"<div class="iframe-wrapper"><iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ" frameborder="0" allowfullscreen="true" width="560" height="315"></iframe></div>"#;
    let ent = Ent::start().await;
    // As the ENT's editor inserts a video and a YouTube video (fixtures/reading/media.html).
    ent.send(
        "paul.martin",
        &["marie.durand"],
        "Chorale de Noël",
        &format!(
            "<p>La répétition :</p>{}{EMBED}",
            harness::workspace_video(ID)
        ),
    )
    .await;
    harness::run("quoted_video", |app| async move {
        ui::sign_in(&app, &ent.url(), "marie.durand", "demo").await;
        ui::open_row(&app, "Chorale de Noël").await;

        // Act: Marie replies.
        ui::click(&app, "« Répondre »", ui::testid("reply")).await;

        // Assert: the quote shows each as a note, and nothing in the window plays or loads it
        // (the reading pane's frame is written, not loaded: it has no `src`).
        let notes = wait_until("the videos' notes in the reply", EFFECT, || async {
            let notes = app
                .driver
                .find_all(By::Css("[data-testid=body] .cmp-media"))
                .await
                .ok()?;
            let mut texts = Vec::new();
            for note in notes {
                texts.push(note.text().await.ok()?);
            }
            (texts.len() == 2).then_some(texts)
        })
        .await;
        assert_eq!(
            notes,
            [
                "Vidéo de l'espace documentaire, envoyée avec le message",
                "Contenu intégré de www.youtube.com, envoyé avec le message"
            ]
        );
        let loaded = app
            .driver
            .find_all(By::Css("video, audio, iframe[src]"))
            .await
            .expect("find");
        assert!(loaded.is_empty(), "the window holds a media element");

        // Act: she writes above the quote, which the editor then writes back, and sends it.
        ui::write_above_quote(&app, "Bravo à tous !").await;
        ui::send(&app).await;

        // Assert: Paul's copy holds both as the ENT's editor writes them.
        let (id, _) = wait_until("paul.martin to receive the reply", EFFECT, || {
            ent.received("paul.martin", "Re : Chorale de Noël")
        })
        .await;
        let paul = ent.client("paul.martin").await;
        let (_, body) = conversation::message(&paul, &id)
            .await
            .expect("paul reads it");
        let video = format!(
            r#"<div class="video-wrapper"><video src="/workspace/document/{ID}" controls="true" data-document-id="{ID}""#
        );
        assert!(body.body.contains("Bravo à tous !"), "{}", body.body);
        assert!(body.body.contains(&video), "{}", body.body);
        assert!(
            body.body.contains(r#"width="350" height="197"></video></div>"#),
            "{}",
            body.body
        );
        assert!(body.body.contains(EMBED), "{}", body.body);
    })
    .await;
}
