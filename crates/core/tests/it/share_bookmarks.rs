//! Share bookmarks: a real ENT lists them among the visible recipients (§5.1), but a
//! bookmark id is not a recipient, so the client never offers one.

use ent_protocol::{Visible, VisibleKind};
use messagerie_core::client::Call;
use messagerie_core::sync::SyncMode;

use crate::harness::TestApp;

#[tokio::test]
async fn share_bookmarks_the_ent_lists_among_visibles_are_not_offered_as_recipients() {
    // Arrange: the demo ENT gives Marie the share bookmark « Mes favoris », and lists it among
    // her visibles as entcore does.
    let app = TestApp::start().await;
    let listed: Vec<Visible> = app
        .with_web("marie.durand", async |c| {
            c.send(Call::get("/communication/visible/search"))
                .await
                .unwrap()
        })
        .await;
    assert!(listed
        .iter()
        .any(|v| v.kind == VisibleKind::ShareBookmark && v.display_name == "Mes favoris"));
    let marie = app.mailbox("marie.durand").await;

    // Act
    marie.sync(SyncMode::Quick).await.unwrap();
    let favoris = marie.recipients("favoris", None).await.unwrap();
    let everyone = marie.recipients("", Some(500)).await.unwrap();

    // Assert: people and groups are offered, the bookmark never.
    assert!(favoris.is_empty(), "{favoris:?}");
    assert!(everyone.iter().any(|v| v.id == app.id("paul.martin")));
    assert!(everyone.iter().all(|v| v.kind != "ShareBookmark"));
    assert!(!marie.recipients("mar", None).await.unwrap().is_empty());
}
