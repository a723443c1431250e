use ent_protocol::FolderTreeItem;
use reqwest::StatusCode;

use crate::helpers::{json, TestApp};

#[tokio::test]
async fn the_demo_school_starts_with_read_and_unread_mail_a_pdf_a_thread_a_folder_and_a_draft() {
    let app = TestApp::spawn_with(|c| c.seed_demo_mailboxes = true).await;
    let marie = app.login("marie.durand").await;
    let inbox = marie.list("inbox").await;
    assert!(inbox.iter().any(|m| m.unread) && inbox.iter().any(|m| !m.unread));
    let with_pdf = inbox
        .iter()
        .find(|m| m.has_attachment)
        .expect("a message with an attachment");
    let msg = marie.message(&with_pdf.id).await;
    let att = &msg.attachments[0];
    assert_eq!(att.content_type, "application/pdf");
    let pdf = marie.download(&msg.id, &att.id, None).await;
    assert_eq!(pdf.status(), StatusCode::OK);
    assert!(pdf.bytes().await.unwrap().starts_with(b"%PDF-"));
    let outbox = marie.list("outbox").await;
    let reply = marie.message(&outbox[0].id).await;
    assert!(reply.parent_id.is_some());
    let folders: Vec<FolderTreeItem> = json(marie.folders(1).await).await;
    assert_eq!(folders[0].nb_messages, 1);
    assert_eq!(marie.list("draft").await.len(), 1);
}

#[tokio::test]
async fn the_demo_seed_runs_once() {
    let app = TestApp::spawn_with(|c| c.seed_demo_mailboxes = true).await;
    let data = app.data.path().to_owned();
    let before = app.login("marie.durand").await.list("inbox").await.len();
    app.server.stop().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let server = ent_server::start(listener, ent_server::Config::demo(&data))
        .await
        .unwrap();
    let again = TestApp {
        base: server.base_url(),
        server,
        data: app.data,
    };
    assert_eq!(
        again.login("marie.durand").await.list("inbox").await.len(),
        before
    );
}

/// The app's first start of the demo: a fixed start time, so the dates below are known.
const START: i64 = 1_796_000_000_000; // 2026-11-30, a Monday

async fn year_app() -> TestApp {
    TestApp::spawn_with(|c| {
        c.seed_demo_mailboxes = true;
        c.demo_year = Some(ent_server::DemoYear::starting(START));
    })
    .await
}

/// Every message of Marie's folder, page after page (25 a page).
async fn all_of(
    client: &crate::helpers::Client,
    folder: &str,
) -> Vec<ent_protocol::MessageListItem> {
    let mut out = Vec::new();
    for page in 0.. {
        let q = ent_protocol::paths::ListQuery {
            page,
            ..Default::default()
        };
        let rows: Vec<ent_protocol::MessageListItem> =
            json(client.list_raw(folder, &q).await).await;
        if rows.is_empty() {
            break;
        }
        out.extend(rows);
    }
    out
}

#[tokio::test]
async fn the_demo_year_fills_marie_s_folders_with_threads_groups_files_unread_mail_and_a_recall() {
    let app = year_app().await;
    let marie = app.login("marie.durand").await;

    let inbox = all_of(&marie, "inbox").await;
    let outbox = all_of(&marie, "outbox").await;
    let drafts = all_of(&marie, "draft").await;
    let trash = all_of(&marie, "trash").await;
    let folders: Vec<FolderTreeItem> = json(marie.folders(1).await).await;
    let filed: u64 = folders.iter().map(|f| f.nb_messages).sum();
    let total = inbox.len() + outbox.len() + drafts.len() + trash.len() + filed as usize;

    // A few hundred messages, in every system folder and in her own folders.
    eprintln!(
        "marie: inbox {} outbox {} drafts {} trash {} in her folders {filed}",
        inbox.len(),
        outbox.len(),
        drafts.len(),
        trash.len()
    );
    assert!((200..=700).contains(&total), "{total} messages");
    assert!(
        inbox.len() >= 80 && outbox.len() >= 40,
        "{} {}",
        inbox.len(),
        outbox.len()
    );
    assert!(
        drafts.len() >= 3 && !trash.is_empty(),
        "{} {}",
        drafts.len(),
        trash.len()
    );
    let names: Vec<&str> = folders.iter().map(|f| f.name.as_str()).collect();
    for name in ["Parents", "Conseils de classe", "Administration"] {
        assert!(names.contains(&name), "{names:?}");
    }
    assert!(folders.iter().all(|f| f.nb_messages > 0), "{folders:?}");
    // The three messages every demo test knows head the inbox, newest first.
    let top: Vec<&str> = inbox[..3]
        .iter()
        .map(|m| m.subject.as_deref().unwrap_or(""))
        .collect();
    assert_eq!(
        top,
        [
            "Exposé sur la Révolution",
            "Sortie au musée : autorisation",
            "Conseil de classe de 3A"
        ]
    );
    assert!(
        inbox.iter().all(|m| m.date < START),
        "dated before the start"
    );
    let oldest = inbox.iter().map(|m| m.date).min().unwrap();
    assert!(START - oldest > 300 * 86_400_000, "a year back: {oldest}");
    // Unread, but not everything; files; group messages (a class's parents, the staff).
    let unread = marie.count("inbox", true).await;
    assert!((3..=40).contains(&unread), "{unread} unread");
    assert!(inbox.iter().filter(|m| m.has_attachment).count() >= 3);
    let staff = app.group_id("Collège Jean Moulin-Teacher");
    assert!(inbox
        .iter()
        .any(|m| m.to.groups.iter().any(|g| g.id == staff)));
    let parents_6a = app.group_id("6A-Relative");
    assert!(outbox
        .iter()
        .any(|m| m.to.groups.iter().any(|g| g.id == parents_6a)));
    // A thread: a reply of Marie's carries its parent and the parent's thread.
    let reply = outbox
        .iter()
        .find(|m| {
            m.subject
                .as_deref()
                .is_some_and(|s| s.starts_with("Re : Question"))
        })
        .expect("Marie answered a pupil");
    let reply = marie.message(&reply.id).await;
    let parent = marie.message(reply.parent_id.as_deref().unwrap()).await;
    assert_eq!(reply.thread_id, parent.thread_id);
    assert_eq!(parent.thread_id.as_deref(), Some(parent.id.as_str()));
    // A thread of three with a parent, the last answer in the inbox.
    let last = inbox
        .iter()
        .find(|m| m.subject.as_deref() == Some("Re : Rendez-vous pour Léa"))
        .expect("Claire Moreau's answer");
    let last = marie.message(&last.id).await;
    let middle = marie.message(last.parent_id.as_deref().unwrap()).await;
    let first = marie.message(middle.parent_id.as_deref().unwrap()).await;
    assert_eq!(first.subject.as_deref(), Some("Rendez-vous pour Léa"));
    assert_eq!(middle.from.as_ref().unwrap().display_name, "DURAND Marie");
    assert!(first.parent_id.is_none());
    for m in [&middle, &last] {
        assert_eq!(m.thread_id.as_deref(), Some(first.id.as_str()));
    }
    // The recalled message, as the ENT shows it to a recipient: no subject, no body.
    let recalled: Vec<_> = inbox
        .iter()
        .filter(|m| m.state == ent_protocol::MessageState::Recall)
        .collect();
    assert_eq!(recalled.len(), 1);
    assert_eq!(recalled[0].subject.as_deref(), Some(""));
    assert!(recalled[0].unread);
    assert!(marie.message(&recalled[0].id).await.body.is_empty());
    // A draft to 6B, where Jules Blanc has not activated his account: the send report says so.
    let to_6b = drafts
        .iter()
        .find(|m| m.subject.as_deref() == Some("Rappel : livres du CDI à rendre"))
        .expect("the draft to 6B");
    let draft = marie.message(&to_6b.id).await;
    let sent = marie
        .send_raw(
            Some(&to_6b.id),
            None,
            &ent_protocol::DraftBody {
                subject: Some(draft.subject.clone().unwrap_or_default()),
                body: Some(draft.body.clone()),
                to: Some(vec![app.group_id("6B-Student")]),
                ..Default::default()
            },
        )
        .await;
    let sent: ent_protocol::SendResponse = json(sent).await;
    assert_eq!(sent.inactive, vec!["BLANC Jules".to_string()]);
}

/// What a mailbox holds, ids aside (the send path draws them): per user copy, the message's
/// subject, sender, recipients, date and state, the copy's folder, unread and trashed flags,
/// the subjects of its parent and thread, and its files.
fn snapshot(data: &std::path::Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(data.join("ent.sqlite3")).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT u.user_id, m.subject, m.from_id, m.to_ids, m.date, m.state, coalesce(f.name, ''),
                    u.unread, u.trashed, coalesce(p.subject, ''), coalesce(t.subject, ''),
                    (SELECT group_concat(a.filename) FROM usermessagesattachments l
                       JOIN attachments a ON a.id = l.attachment_id
                      WHERE l.user_id = u.user_id AND l.message_id = m.id)
               FROM usermessages u JOIN messages m ON m.id = u.message_id
               LEFT JOIN folders f ON f.id = u.folder_id
               LEFT JOIN messages p ON p.id = m.parent_id
               LEFT JOIN messages t ON t.id = m.thread_id
              ORDER BY u.user_id, m.date, m.subject, m.to_ids",
        )
        .unwrap();
    stmt.query_map([], |r| {
        Ok((0..12)
            .map(|i| match r.get_ref(i).unwrap() {
                rusqlite::types::ValueRef::Integer(n) => n.to_string(),
                rusqlite::types::ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
                _ => String::new(),
            })
            .collect::<Vec<_>>()
            .join("|"))
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

#[tokio::test]
async fn the_same_seed_and_start_write_the_same_mailbox_and_another_seed_another_one() {
    let (a, b) = (year_app().await, year_app().await);
    let other = TestApp::spawn_with(|c| {
        c.seed_demo_mailboxes = true;
        c.demo_year = Some(ent_server::DemoYear {
            seed: 7,
            start_ms: START,
        });
    })
    .await;

    let (a, b, other) = (
        snapshot(a.data.path()),
        snapshot(b.data.path()),
        snapshot(other.data.path()),
    );

    assert!(a.len() > 300, "{} copies", a.len());
    assert_eq!(a, b);
    assert_ne!(a, other);
}

#[tokio::test]
async fn writing_the_year_takes_a_few_seconds_at_most() {
    let started = std::time::Instant::now();
    let app = year_app().await;
    let elapsed = started.elapsed();
    eprintln!("the demo school with its year started in {elapsed:?}");

    let marie = app.login("marie.durand").await;
    assert!(marie.count("inbox", false).await > 80);
    // Measured at about 0.7 s in a debug build on two shared cores; the bound leaves room
    // for a loaded machine.
    assert!(elapsed < std::time::Duration::from_secs(10), "{elapsed:?}");
}

#[tokio::test]
async fn a_demo_folder_of_the_previous_version_keeps_its_three_messages_and_gets_no_year() {
    // Arrange: what the previous version wrote (the three messages alone), then a change.
    let app = TestApp::spawn_with(|c| c.seed_demo_mailboxes = true).await;
    let marie = app.login("marie.durand").await;
    let before = marie.list_ids("inbox").await;
    let folder = marie.new_folder("Voyage à Londres", None).await;
    let data = app.data;
    app.server.stop().await;

    // Act: this version starts on it.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let server = ent_server::start(listener, ent_server::Config::demo_year(data.path(), START))
        .await
        .unwrap();
    let again = TestApp {
        base: server.base_url(),
        server,
        data,
    };

    // Assert: the same mail and the user's folder, nothing added.
    let marie = again.login("marie.durand").await;
    assert_eq!(marie.list_ids("inbox").await, before);
    let folders: Vec<FolderTreeItem> = json(marie.folders(1).await).await;
    assert_eq!(folders.len(), 2, "{folders:?}");
    assert!(folders.iter().any(|f| f.id == folder));
}

#[tokio::test]
async fn a_colleague_writes_to_the_teacher_and_the_teacher_to_a_pupil_a_new_note_each_time() {
    let app = year_app().await;
    let marie = app.login("marie.durand").await;
    let unread = marie.count("inbox", true).await;

    let first = app
        .server
        .demo_colleague_writes("marie.durand")
        .await
        .unwrap();
    let second = app
        .server
        .demo_colleague_writes("marie.durand")
        .await
        .unwrap();
    app.server
        .demo_colleague_writes("hugo.leroy")
        .await
        .unwrap();

    let inbox = marie.list("inbox").await;
    assert_eq!(inbox[0].id, second);
    assert_eq!(inbox[1].id, first);
    assert_eq!(
        inbox[1].subject.as_deref(),
        Some("Café en salle des professeurs ?")
    );
    assert_eq!(inbox[0].subject.as_deref(), Some("Photocopies pour demain"));
    assert_eq!(inbox[1].from.as_ref().unwrap().display_name, "MARTIN Paul");
    assert_eq!(marie.count("inbox", true).await, unread + 2);
    let hugo = app.login("hugo.leroy").await.list("inbox").await;
    assert_eq!(hugo[0].from.as_ref().unwrap().display_name, "DURAND Marie");
}

#[tokio::test]
async fn starting_the_demo_year_can_run_on_any_thread() {
    // The app starts its demo ENT from tasks the runtime moves between threads.
    fn send<T: Send>(_: &T) {}
    let data = tempfile::tempdir().unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let start = ent_server::start(listener, ent_server::Config::demo_year(data.path(), START));
    send(&start);
}
