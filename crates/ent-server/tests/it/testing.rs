use std::time::{Duration, Instant};

use ent_server::testing::{ClosedPort, TestServer};

/// The number of messages in marie's inbox, as a browser signed in at `base` sees it.
async fn marie_inbox(base: &str) -> u64 {
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let signed_in = http
        .post(format!("{base}/auth/login"))
        .form(&[("email", "marie.durand"), ("password", "demo")])
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), reqwest::StatusCode::FOUND);
    let count: serde_json::Value = http
        .get(format!("{base}/conversation/api/count/inbox"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    count["count"].as_u64().unwrap()
}

#[tokio::test]
async fn a_restarted_test_server_serves_the_same_data_at_the_same_address_and_never_frees_it() {
    // Arrange: marie has the demo mailbox.
    let mut ent = TestServer::demo().await;
    let addr = ent.addr();
    let before = marie_inbox(&ent.url()).await;
    assert!(before > 0);

    // Act: stop.
    ent.stop().await;

    // Assert: a request fails at once, and nobody else can take the port.
    let t = Instant::now();
    let down = reqwest::get(format!("{}/auth/login", ent.url())).await;
    assert!(down.is_err(), "{down:?}");
    assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
    assert_eq!(
        std::net::TcpListener::bind(addr).unwrap_err().kind(),
        std::io::ErrorKind::AddrInUse
    );

    // Act: restart.
    ent.restart().await;

    // Assert: same address, same data.
    assert_eq!(ent.addr(), addr);
    let after = marie_inbox(&ent.url()).await;
    assert_eq!(after, before);
}

#[tokio::test]
async fn a_closed_port_refuses_connections_and_keeps_its_address() {
    let closed = ClosedPort::new();

    let refused = tokio::net::TcpStream::connect(closed.addr()).await;

    assert_eq!(
        refused.unwrap_err().kind(),
        std::io::ErrorKind::ConnectionRefused
    );
    assert!(std::net::TcpListener::bind(closed.addr()).is_err());
}
