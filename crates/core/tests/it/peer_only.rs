//! What ent-server cannot produce, against the hand-written peer.

use messagerie_core::sync::SyncMode;
use messagerie_core::Mailbox;

use crate::peer::Peer;

#[tokio::test]
async fn share_bookmarks_the_ent_lists_among_visibles_are_not_offered_as_recipients() {
    // Arrange: the peer lists a share bookmark ("Mes favoris") as a real ENT does (§5.1);
    // ent-server has no bookmarks.
    let peer = Peer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let mb = Mailbox::open(messagerie_core::Account::in_dir(
        dir.path(),
        &peer.url(),
        "marie.durand",
    ))
    .await
    .unwrap();
    mb.sign_in(
        messagerie_core::session::Credentials {
            login: "marie.durand".into(),
            password: "demo".into(),
        },
        None,
    )
    .await
    .unwrap();

    // Act
    mb.sync(SyncMode::Quick).await.unwrap();

    // Assert
    assert!(mb.recipients("favoris", None).await.unwrap().is_empty());
    assert!(!mb.recipients("mar", None).await.unwrap().is_empty());
}
