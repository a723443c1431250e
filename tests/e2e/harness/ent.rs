//! The demo ENT the app will sign in to: a real `ent-server` on a free loopback port.
use std::path::Path;

/// Starts the demo school (seeded mailboxes) on `127.0.0.1:0` with its files under `dir`;
/// dropping the handle stops it. The app is pointed at `handle.base_url()` once it has a
/// sign-in screen wired to the core (a later issue).
pub async fn start_ent_server(dir: &Path) -> ent_server::ServerHandle {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind a loopback port");
    ent_server::start(listener, ent_server::Config::demo(dir))
        .await
        .unwrap_or_else(|error| {
            panic!(
                "cannot start the demo ent-server in {}: {error:#}",
                dir.display()
            )
        })
}

#[tokio::test]
async fn the_demo_ent_server_serves_its_login_page_on_loopback() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let dir = tempfile::tempdir().expect("temp dir");
    let server = start_ent_server(dir.path()).await;

    let mut stream = tokio::net::TcpStream::connect(server.addr())
        .await
        .expect("connect");
    stream
        .write_all(b"GET /auth/login HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .await
        .expect("send");
    let mut response = String::new();
    stream.read_to_string(&mut response).await.expect("read");

    assert!(server.addr().ip().is_loopback());
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
}
