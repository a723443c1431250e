use crate::helpers::TestApp;

#[tokio::test]
async fn each_delivered_message_notifies_every_recipient_but_the_sender() {
    let app = TestApp::spawn().await;
    let paul = app.login("paul.martin").await;
    let (marie_id, paul_id) = (app.id("marie.durand"), app.id("paul.martin"));
    let sent = paul.send_to(&[&marie_id, &paul_id], "Conseil").await;
    let marie = app.login("marie.durand").await;
    let page = marie.notifications(0).await;
    assert_eq!((page.status.as_str(), page.number), ("ok", 1));
    let n = &page.results[0];
    assert_eq!(
        (n.kind.as_str(), n.event_type.as_str()),
        ("MESSAGERIE", "SEND-MESSAGE")
    );
    assert_eq!(n.resource.as_deref(), Some(sent.id.as_str()));
    assert_eq!(n.sender.as_deref(), Some(paul_id.as_str()));
    assert_eq!(n.params.username, "MARTIN Paul");
    assert_eq!(
        n.params.message_uri,
        format!("/conversation/conversation#/read-mail/{}", sent.id)
    );
    assert!(paul.notifications(0).await.results.is_empty());
    assert!(marie.notifications(1).await.results.is_empty());
}
