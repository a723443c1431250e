use ent_protocol::paths::ListQuery;
use ent_protocol::{DraftBody, MessageState, SendResponse};
use reqwest::StatusCode;

use crate::helpers::{draft, json, TestApp};

#[tokio::test]
async fn a_sent_message_is_unread_in_the_inbox_of_the_recipient_and_read_in_the_senders_outbox() {
    let app = TestApp::spawn().await;
    let (paul, marie) = (
        app.login("paul.martin").await,
        app.login("marie.durand").await,
    );
    let sent = paul
        .send_to(&[&app.id("marie.durand")], "Conseil de classe")
        .await;
    assert_eq!(sent.sent, 1);
    let inbox = marie.list("inbox").await;
    assert_eq!(inbox.len(), 1);
    assert!(inbox[0].unread);
    assert_eq!(inbox[0].count, 1);
    assert_eq!(inbox[0].from.as_ref().unwrap().display_name, "MARTIN Paul");
    let outbox = paul.list("outbox").await;
    assert_eq!(outbox[0].id, sent.id);
    assert!(!outbox[0].unread);
    assert!(paul.list("inbox").await.is_empty());
    assert_eq!(marie.count("inbox", true).await, 1);
}

#[tokio::test]
async fn reading_a_message_marks_it_read_and_toggle_unread_brings_it_back() {
    let app = TestApp::spawn().await;
    let (paul, marie) = (
        app.login("paul.martin").await,
        app.login("marie.durand").await,
    );
    let sent = paul.send_to(&[&app.id("marie.durand")], "Lecture").await;
    let msg = marie.message(&sent.id).await;
    assert_eq!(msg.body, "<p>Lecture</p>");
    assert!(!msg.unread);
    assert_eq!(marie.count("inbox", true).await, 0);
    assert_eq!(
        marie.toggle_unread(&[&sent.id], true).await.status(),
        StatusCode::OK
    );
    assert_eq!(marie.count("inbox", true).await, 1);
}

#[tokio::test]
async fn a_send_to_a_group_reaches_each_member_once_and_the_sender_keeps_his_copy() {
    let app = TestApp::spawn().await;
    let marie = app.login("marie.durand").await;
    let group = app.group_id("6A-Student");
    let members = app
        .server
        .directory()
        .group(&group)
        .unwrap()
        .member_ids
        .clone();
    let hugo = app.id("hugo.leroy");
    let sent = marie.send_to(&[&group, &hugo], "Sortie").await;
    assert_eq!(sent.sent as usize, members.len());
    let hugo_client = app.login("hugo.leroy").await;
    let inbox = hugo_client.list("inbox").await;
    assert_eq!(inbox.len(), 1);
    assert_eq!(inbox[0].to.groups[0].id, group);
    assert_eq!(marie.list_ids("outbox").await, vec![sent.id]);
}

#[tokio::test]
async fn a_send_with_one_invisible_recipient_is_refused_and_nobody_receives_anything() {
    let app = TestApp::spawn().await;
    let hugo = app.login("hugo.leroy").await;
    let body = draft(&[&app.id("lea.moreau"), &app.id("paul.martin")], "Coucou");
    let resp = hugo.send_raw(None, None, &body).await;
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    assert!(app.login("lea.moreau").await.list("inbox").await.is_empty());
    assert!(app
        .login("paul.martin")
        .await
        .list("inbox")
        .await
        .is_empty());
    assert!(hugo.list("outbox").await.is_empty());
}

#[tokio::test]
async fn a_reply_may_go_to_the_parents_participants_even_when_not_visible() {
    let app = TestApp::spawn().await;
    let paul = app.login("paul.martin").await;
    let hugo_id = app.id("hugo.leroy");
    // Paul writes to Hugo's class; Hugo cannot write to Paul directly, but may answer him.
    let sent = paul.send_to(&[&app.group_id("6A-Student")], "Devoir").await;
    let hugo = app.login("hugo.leroy").await;
    let reply = draft(&[&app.id("paul.martin")], "Re : Devoir");
    let resp = hugo.send_raw(None, Some(&sent.id), &reply).await;
    assert_eq!(
        resp.status(),
        StatusCode::OK,
        "{}",
        resp.text().await.unwrap()
    );
    assert_eq!(paul.list("inbox").await.len(), 1);
    let hugo_inbox = hugo.list("inbox").await;
    assert!(
        hugo_inbox[0].response,
        "the original shows that Hugo answered it"
    );
    let _ = hugo_id;
}

#[tokio::test]
async fn a_draft_is_created_updated_listed_then_sent_once() {
    let app = TestApp::spawn().await;
    let marie = app.login("marie.durand").await;
    let id = marie
        .create_draft(&DraftBody {
            subject: Some("Brouillon".into()),
            ..DraftBody::default()
        })
        .await;
    assert_eq!(marie.list_ids("draft").await, vec![id.clone()]);
    let resp = marie
        .update_draft(
            &id,
            &DraftBody {
                body: Some("<p>Texte</p>".into()),
                ..DraftBody::default()
            },
        )
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let msg = marie.message(&id).await;
    assert_eq!(
        (msg.subject.as_deref(), msg.body.as_str(), msg.state),
        (Some("Brouillon"), "<p>Texte</p>", MessageState::Draft)
    );
    let to = app.id("paul.martin");
    let sent: SendResponse = json(
        marie
            .send_raw(Some(&id), None, &draft(&[&to], "Brouillon"))
            .await,
    )
    .await;
    assert_eq!(sent.id, id);
    assert!(marie.list("draft").await.is_empty());
    assert_eq!(marie.list_ids("outbox").await, vec![id.clone()]);
    let again = marie
        .send_raw(Some(&id), None, &draft(&[&to], "Brouillon"))
        .await;
    assert_eq!(again.status(), StatusCode::BAD_REQUEST);
    assert_eq!(app.login("paul.martin").await.list("inbox").await.len(), 1);
}

#[tokio::test]
async fn another_users_draft_cannot_be_updated_or_sent() {
    let app = TestApp::spawn().await;
    let marie = app.login("marie.durand").await;
    let paul = app.login("paul.martin").await;
    let id = marie.create_draft(&DraftBody::default()).await;
    assert_eq!(
        paul.update_draft(
            &id,
            &DraftBody {
                subject: Some("x".into()),
                ..DraftBody::default()
            }
        )
        .await
        .status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        paul.send_raw(Some(&id), None, &draft(&[], "x"))
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        paul.message_raw(&id).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn trash_restore_and_delete_act_on_the_callers_copy_only() {
    let app = TestApp::spawn().await;
    let (paul, marie) = (
        app.login("paul.martin").await,
        app.login("marie.durand").await,
    );
    let sent = paul.send_to(&[&app.id("marie.durand")], "Copie").await;
    let id = sent.id.as_str();
    assert_eq!(marie.trash(&[id]).await.status(), StatusCode::OK);
    assert!(marie.list("inbox").await.is_empty());
    assert_eq!(marie.list_ids("trash").await, vec![id.to_owned()]);
    assert_eq!(marie.restore(&[id]).await.status(), StatusCode::OK);
    assert_eq!(marie.list_ids("inbox").await, vec![id.to_owned()]);
    // delete ignores messages that are not in the trash.
    assert_eq!(marie.delete(&[id]).await.status(), StatusCode::OK);
    assert_eq!(marie.list_ids("inbox").await, vec![id.to_owned()]);
    marie.trash(&[id]).await;
    let resp = marie.delete(&[id]).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(resp.text().await.unwrap().is_empty());
    assert!(marie.list("trash").await.is_empty());
    assert_eq!(
        marie.message_raw(id).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(paul.list_ids("outbox").await, vec![id.to_owned()]);
}

#[tokio::test]
async fn empty_trash_deletes_every_trashed_message_of_the_caller() {
    let app = TestApp::spawn().await;
    let (paul, marie) = (
        app.login("paul.martin").await,
        app.login("marie.durand").await,
    );
    let a = paul.send_to(&[&app.id("marie.durand")], "Un").await.id;
    let b = paul.send_to(&[&app.id("marie.durand")], "Deux").await.id;
    marie.trash(&[&a, &b]).await;
    assert_eq!(marie.empty_trash().await.status(), StatusCode::OK);
    assert!(marie.list("trash").await.is_empty());
    assert_eq!(paul.list("outbox").await.len(), 2);
}

#[tokio::test]
async fn pages_hold_at_most_25_messages_and_each_row_carries_the_total_count() {
    let app = TestApp::spawn().await;
    let (paul, marie) = (
        app.login("paul.martin").await,
        app.login("marie.durand").await,
    );
    for i in 0..27 {
        paul.send_to(&[&app.id("marie.durand")], &format!("Message {i}"))
            .await;
    }
    let page0: Vec<ent_protocol::MessageListItem> = json(
        marie
            .list_raw(
                "inbox",
                &ListQuery {
                    page: 0,
                    page_size: Some(100),
                    ..ListQuery::default()
                },
            )
            .await,
    )
    .await;
    assert_eq!(page0.len(), 25);
    assert_eq!(page0[0].count, 27);
    assert_eq!(page0[0].subject.as_deref(), Some("Message 26"));
    let page1: Vec<ent_protocol::MessageListItem> = json(
        marie
            .list_raw(
                "inbox",
                &ListQuery {
                    page: 1,
                    ..ListQuery::default()
                },
            )
            .await,
    )
    .await;
    assert_eq!(page1.len(), 2);
    let small: Vec<ent_protocol::MessageListItem> = json(
        marie
            .list_raw(
                "inbox",
                &ListQuery {
                    page: 0,
                    page_size: Some(5),
                    unread: true,
                    search: None,
                },
            )
            .await,
    )
    .await;
    assert_eq!(small.len(), 5);
}

#[tokio::test]
async fn a_folders_total_follows_reads_new_mail_and_the_trash() {
    let app = TestApp::spawn().await;
    let (paul, marie) = (
        app.login("paul.martin").await,
        app.login("marie.durand").await,
    );
    for i in 0..3 {
        paul.send_to(&[&app.id("marie.durand")], &format!("Message {i}"))
            .await;
    }
    let total = |unread: bool| {
        let marie = &marie;
        async move {
            let page: Vec<ent_protocol::MessageListItem> = json(
                marie
                    .list_raw(
                        "inbox",
                        &ListQuery {
                            page: 0,
                            unread,
                            ..ListQuery::default()
                        },
                    )
                    .await,
            )
            .await;
            page.first().map_or(0, |m| m.count)
        }
    };
    assert_eq!((total(false).await, total(true).await), (3, 3));
    let ids = marie.list_ids("inbox").await;

    // Reading one leaves the folder's total and lowers the unread list's.
    marie.message(&ids[0]).await;
    assert_eq!((total(false).await, total(true).await), (3, 2));
    marie.toggle_unread(&[&ids[0]], true).await;
    assert_eq!(total(true).await, 3);

    // New mail and the trash change the total.
    paul.send_to(&[&app.id("marie.durand")], "Message 3").await;
    assert_eq!(total(false).await, 4);
    marie.trash(&[&ids[1]]).await;
    assert_eq!((total(false).await, total(true).await), (3, 3));
}

#[tokio::test]
async fn search_is_accent_insensitive_on_subject_body_and_names() {
    let app = TestApp::spawn().await;
    let (paul, marie) = (
        app.login("paul.martin").await,
        app.login("marie.durand").await,
    );
    let a = paul
        .send_to(&[&app.id("marie.durand")], "Sortie au musée")
        .await
        .id;
    paul.send_to(&[&app.id("marie.durand")], "Réunion parents")
        .await;
    let q = |s: &'static str| ListQuery {
        search: Some(s),
        ..ListQuery::default()
    };
    let found: Vec<ent_protocol::MessageListItem> =
        json(marie.list_raw("inbox", &q("MUSEE")).await).await;
    assert_eq!(
        found.iter().map(|m| m.id.clone()).collect::<Vec<_>>(),
        vec![a]
    );
    let by_name: Vec<ent_protocol::MessageListItem> =
        json(marie.list_raw("inbox", &q("martin")).await).await;
    assert_eq!(by_name.len(), 2);
    let by_body: Vec<ent_protocol::MessageListItem> =
        json(marie.list_raw("inbox", &q("reunion")).await).await;
    assert_eq!(by_body.len(), 1);
    assert_eq!(
        marie.list_raw("inbox", &q("ab")).await.status(),
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn cci_is_shown_to_the_sender_and_to_each_cci_recipient_only_as_himself() {
    let app = TestApp::spawn().await;
    let marie = app.login("marie.durand").await;
    let (paul_id, sophie_id) = (app.id("paul.martin"), app.id("sophie.bernard"));
    let body = DraftBody {
        cci: Some(vec![sophie_id.clone()]),
        ..draft(&[&paul_id], "Discret")
    };
    let sent: SendResponse = json(marie.send_raw(None, None, &body).await).await;
    assert_eq!(sent.sent, 2);
    assert_eq!(marie.message(&sent.id).await.cci.users.len(), 1);
    let paul_view = app.login("paul.martin").await.message(&sent.id).await;
    assert!(paul_view.cci.is_empty());
    let sophie_view = app.login("sophie.bernard").await.message(&sent.id).await;
    assert_eq!(sophie_view.cci.users[0].id, sophie_id);
}

#[tokio::test]
async fn a_recalled_message_is_blank_for_its_recipients() {
    let app = TestApp::spawn().await;
    let (paul, marie) = (
        app.login("paul.martin").await,
        app.login("marie.durand").await,
    );
    let sent = paul.send_to(&[&app.id("marie.durand")], "Oups").await;
    assert_eq!(paul.recall(&sent.id).await.status(), StatusCode::NO_CONTENT);
    let seen = marie.message(&sent.id).await;
    assert_eq!(
        (seen.state, seen.subject.as_deref(), seen.body.as_str()),
        (MessageState::Recall, Some(""), "")
    );
    assert_eq!(
        marie.recall(&sent.id).await.status(),
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn a_recall_after_the_delay_is_refused_and_the_recipient_keeps_the_message() {
    let app = TestApp::spawn().await;
    let (paul, marie) = (
        app.login("paul.martin").await,
        app.login("marie.durand").await,
    );
    let sent = paul.send_to(&[&app.id("marie.durand")], "Trop tard").await;
    app.server
        .backdate_message(&sent.id, std::time::Duration::from_secs(61 * 60))
        .await
        .unwrap();

    let answer = paul.recall(&sent.id).await;

    assert_eq!(answer.status(), StatusCode::BAD_REQUEST);
    let body: serde_json::Value = answer.json().await.unwrap();
    assert_eq!(body["error"], "conversation.error.recall.mail");
    let seen = marie.message(&sent.id).await;
    assert_eq!(
        (seen.state, seen.subject.as_deref()),
        (MessageState::Sent, Some("Trop tard"))
    );
}

#[tokio::test]
async fn max_depth_gives_the_folder_depth_and_recall_delay() {
    let app = TestApp::spawn().await;
    let depth = app.login("marie.durand").await.max_depth().await;
    assert_eq!((depth.max_depth, depth.recall_delay_minutes), (3, Some(60)));
}
