//! « Afficher les images »: the window never loads a remote image itself (its CSP forbids it);
//! once the user allows them, the app fetches them and the body shows them inlined.
use std::sync::{Arc, Mutex};

use thirtyfour::By;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::harness::{self, wait_until, Ent, EFFECT};
use crate::ui;

/// The start of a PNG: what the app checks before inlining an image.
const PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn remote_images_load_only_when_allowed_and_only_through_the_app() {
    // Arrange: a loopback image server that records the User-Agent of every request.
    let agents: Arc<Mutex<Vec<String>>> = Arc::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let images = format!("http://{}", listener.local_addr().expect("address"));
    let seen = Arc::clone(&agents);
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let seen = Arc::clone(&seen);
            tokio::spawn(async move {
                let mut buf = vec![0u8; 8192];
                let n = stream.read(&mut buf).await.unwrap_or(0);
                let request = String::from_utf8_lossy(&buf[..n]).to_lowercase();
                let agent = request
                    .lines()
                    .find_map(|l| l.strip_prefix("user-agent:"))
                    .unwrap_or("")
                    .trim()
                    .to_owned();
                if let Ok(mut all) = seen.lock() {
                    all.push(agent);
                }
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: image/png\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    PNG.len()
                );
                let _ = stream.write_all(head.as_bytes()).await;
                let _ = stream.write_all(PNG).await;
            });
        }
    });
    let body =
        format!(r#"<p>Photo de la sortie :</p><img src="{images}/sortie.png" alt="sortie">"#);
    let ent = Ent::start().await;
    ent.send(
        "paul.martin",
        &["marie.durand"],
        "Photos de la sortie",
        &body,
    )
    .await;

    harness::run("remote_images", |app| async move {
        ui::sign_in(&app, &ent.url(), "marie.durand", "demo").await;
        ui::open_row(&app, "Photos de la sortie").await;
        let frame = app.find("the body's frame", By::Css("iframe")).await;
        let srcdoc = || async {
            frame
                .attr("srcdoc")
                .await
                .ok()
                .flatten()
                .unwrap_or_default()
        };
        assert!(
            srcdoc().await.contains("sortie.png"),
            "the image is in the body"
        );
        assert!(
            agents.lock().expect("agents").is_empty(),
            "nothing loaded before the user allowed it"
        );

        // Act
        ui::click(
            &app,
            "« Afficher les images »",
            ui::button("Afficher les images"),
        )
        .await;

        // Assert: the image comes inlined, fetched once, by the app rather than the webview.
        let shown = wait_until("the image inlined in the body", EFFECT, || async {
            let doc = srcdoc().await;
            doc.contains("data:image/png;base64,").then_some(doc)
        })
        .await;
        assert!(!shown.contains(&images), "no remote address left: {shown}");
        assert!(shown.contains("img-src data:\""), "{shown}");
        let agents = agents.lock().expect("agents").clone();
        assert_eq!(agents.len(), 1, "{agents:?}");
        assert!(
            !agents[0].contains("mozilla"),
            "the webview fetched the image: {agents:?}"
        );
    })
    .await;
}
