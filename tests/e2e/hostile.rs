//! A hostile message body runs nothing, loads nothing and cannot reach the app's commands.
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use serde_json::json;
use thirtyfour::By;

use crate::harness::{self, wait_until, Ent, EFFECT};
use crate::ui;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hostile_body_runs_nothing_loads_nothing_and_calls_no_command() {
    // Arrange: a loopback listener counts every request the body's remote CSS would make.
    let requests = Arc::new(AtomicUsize::new(0));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let css = format!("http://{}", listener.local_addr().expect("address"));
    let counter = Arc::clone(&requests);
    tokio::spawn(async move {
        while listener.accept().await.is_ok() {
            counter.fetch_add(1, Ordering::SeqCst);
        }
    });
    // Every trick tries the same sentinels: a folder « PWNED » made through the app's
    // commands, and the window's title.
    let payload = "try{window.top.__TAURI_INTERNALS__.invoke('create_folder',{name:'PWNED',parentId:null})}catch(e){};try{window.top.document.title='PWNED'}catch(e){}";
    let body = format!(
        r#"<p>Bonjour, voici le programme.</p>
        <script>{payload}</script>
        <img src="x" onerror="{payload}">
        <a href="javascript:{payload}">le programme</a>
        <iframe srcdoc="<script>{payload}</script>"></iframe>
        <form action="{css}/form"><input name="password"><button>Envoyer</button></form>
        <link rel="stylesheet" href="{css}/a.css">
        <style>@import url({css}/b.css);</style>
        <div style="background-image: url({css}/c.png)">fond</div>"#
    );
    let ent = Ent::start().await;
    ent.send("paul.martin", &["marie.durand"], "Programme piégé", &body)
        .await;

    harness::run("hostile_body", |app| async move {
        ui::sign_in(&app, &ent.url(), "marie.durand", "demo").await;

        // Act: open it.
        ui::open_row(&app, "Programme piégé").await;
        let frame = app.find("the body's frame", By::Css("iframe")).await;
        frame
            .clone()
            .enter_frame()
            .await
            .expect("enter the body's frame");
        let text = app
            .find("the body's text", By::Tag("p"))
            .await
            .text()
            .await
            .expect("text");
        let dangerous = app
            .driver
            .find_all(By::Css(
                "body script, body iframe, body form, body input, body link, body style, [onerror]",
            ))
            .await
            .expect("query the frame");
        app.driver
            .enter_default_frame()
            .await
            .expect("leave the frame");

        // Assert: the text is there, nothing else ran or loaded.
        assert!(text.contains("voici le programme"), "{text}");
        assert!(
            dangerous.is_empty(),
            "{} dangerous elements left",
            dangerous.len()
        );
        let title = app.driver.title().await.expect("title");
        assert!(
            title.ends_with("Messagerie") && !title.contains("PWNED"),
            "{title}"
        );
        let folders = app.invoke("folders", json!({})).await.expect("folders");
        assert!(!folders.to_string().contains("PWNED"), "{folders}");
        assert_eq!(
            requests.load(Ordering::SeqCst),
            0,
            "the body reached the network"
        );
        let frame_sandbox = frame
            .attr("sandbox")
            .await
            .expect("sandbox")
            .unwrap_or_default();
        assert!(!frame_sandbox.contains("allow-scripts"), "{frame_sandbox}");
        assert!(
            !frame_sandbox.contains("allow-same-origin"),
            "{frame_sandbox}"
        );
        assert!(
            !ent_folders(&ent).await.iter().any(|name| name == "PWNED"),
            "the ENT got a folder from the body"
        );

        // Control: the same payload, run by the window itself, trips both sentinels, so
        // their silence above means the body's scripts never ran.
        app.driver
            .execute(payload, Vec::new())
            .await
            .expect("run the payload in the window");
        wait_until(
            "the sentinels to see a script that runs",
            EFFECT,
            || async {
                let title = app.driver.title().await.ok()?;
                let on_ent = ent_folders(&ent).await.iter().any(|name| name == "PWNED");
                (title == "PWNED" && on_ent).then_some(())
            },
        )
        .await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_the_ent_cannot_serve_says_why_and_the_rest_of_the_mailbox_works() {
    // Arrange: the ENT's answer for one message never ends (a broken proxy, an ENT stuck in a
    // loop).
    let ent = Ent::start().await;
    let endless = ent
        .send("paul.martin", &["marie.durand"], "Sans fin", "<p>x</p>")
        .await;
    ent.faults().inject(
        &format!("/conversation/api/messages/{endless}"),
        ent_server::FaultKind::Endless,
    );

    harness::run("endless_answer", |app| async move {
        ui::sign_in(&app, &ent.url(), "marie.durand", "demo").await;

        // Act: open it.
        ui::open_row(&app, "Sans fin").await;

        // Assert: the reading pane says the ENT would not give it, not "not downloaded yet";
        // another message opens as usual.
        let said = app
            .find("the note about the body", By::Css(".mbx-body-missing"))
            .await
            .text()
            .await
            .expect("text");
        assert!(
            said.starts_with("Le contenu de ce message n'a pas pu être téléchargé : "),
            "{said}"
        );
        ui::open_row(&app, "Sortie au musée").await;
        app.find("the other message's body", By::Css("iframe"))
            .await;
    })
    .await;
}

/// The names of Marie Durand's own folders on the ENT.
async fn ent_folders(ent: &Ent) -> Vec<String> {
    use messagerie_core::client::conversation;
    let client = ent.client("marie.durand").await;
    let depth = conversation::max_depth(&client)
        .await
        .expect("the demo ENT says its folder depth");
    conversation::folders(&client, depth)
        .await
        .expect("the demo ENT lists folders")
        .into_iter()
        .map(|folder| folder.name)
        .collect()
}
