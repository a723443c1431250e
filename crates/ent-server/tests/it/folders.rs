use ent_protocol::FolderTreeItem;
use reqwest::StatusCode;

use crate::helpers::{json, TestApp};

#[tokio::test]
async fn folders_nest_up_to_the_max_depth_and_the_tree_counts_their_messages() {
    let app = TestApp::spawn().await;
    let (paul, marie) = (
        app.login("paul.martin").await,
        app.login("marie.durand").await,
    );
    let root = marie.new_folder("Projets", None).await;
    let child = marie.new_folder("Sortie", Some(&root)).await;
    let grandchild = marie.new_folder("Bus", Some(&child)).await;
    let resp = marie.create_folder("Trop profond", Some(&grandchild)).await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        resp.text().await.unwrap(),
        r#"{"error":"error.max.folder.depth"}"#
    );
    let sent = paul.send_to(&[&app.id("marie.durand")], "Car").await;
    assert_eq!(
        marie.move_to_folder(&child, &[&sent.id]).await.status(),
        StatusCode::OK
    );
    assert!(marie.list("inbox").await.is_empty());
    assert_eq!(marie.list_ids(&child).await, vec![sent.id.clone()]);
    assert_eq!(marie.count(&child, true).await, 1);
    let tree: Vec<FolderTreeItem> = json(marie.folders(3).await).await;
    let sub = &tree[0].sub_folders.as_ref().unwrap()[0];
    assert_eq!(
        (sub.name.as_str(), sub.nb_messages, sub.nb_unread),
        ("Sortie", 1, 1)
    );
    assert_eq!(marie.folders(4).await.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        marie.move_to_root(&[&sent.id]).await.status(),
        StatusCode::OK
    );
    assert_eq!(marie.list_ids("inbox").await, vec![sent.id]);
}

#[tokio::test]
async fn a_duplicate_folder_name_under_the_same_parent_is_refused() {
    let app = TestApp::spawn().await;
    let marie = app.login("marie.durand").await;
    let a = marie.new_folder("Projets", None).await;
    let resp = marie.create_folder("Projets", None).await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        resp.text().await.unwrap(),
        r#"{"error":"conversation.error.duplicate.folder"}"#
    );
    marie.new_folder("Projets", Some(&a)).await;
    let b = marie.new_folder("Archives", None).await;
    assert_eq!(
        marie.rename_folder(&b, "Projets").await.status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        marie.rename_folder(&b, "Anciens").await.status(),
        StatusCode::OK
    );
    let tree: Vec<FolderTreeItem> = json(marie.folders(1).await).await;
    assert!(tree.iter().any(|f| f.name == "Anciens"));
}

#[tokio::test]
async fn deleting_a_folder_moves_its_messages_and_its_subfolders_messages_to_the_trash() {
    let app = TestApp::spawn().await;
    let (paul, marie) = (
        app.login("paul.martin").await,
        app.login("marie.durand").await,
    );
    let root = marie.new_folder("Projets", None).await;
    let child = marie.new_folder("Sortie", Some(&root)).await;
    let a = paul.send_to(&[&app.id("marie.durand")], "A").await.id;
    let b = paul.send_to(&[&app.id("marie.durand")], "B").await.id;
    marie.move_to_folder(&root, &[&a]).await;
    marie.move_to_folder(&child, &[&b]).await;
    assert_eq!(marie.delete_folder(&root).await.status(), StatusCode::OK);
    let mut trash = marie.list_ids("trash").await;
    trash.sort();
    let mut expected = vec![a, b];
    expected.sort();
    assert_eq!(trash, expected);
    let tree: Vec<FolderTreeItem> = json(marie.folders(3).await).await;
    assert!(tree.is_empty());
}

#[tokio::test]
async fn another_users_folder_is_out_of_reach() {
    let app = TestApp::spawn().await;
    let (paul, marie) = (
        app.login("paul.martin").await,
        app.login("marie.durand").await,
    );
    let folder = marie.new_folder("Privé", None).await;
    assert_eq!(
        paul.list_raw(&folder, &Default::default()).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        paul.rename_folder(&folder, "x").await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        paul.delete_folder(&folder).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        paul.create_folder("Sous", Some(&folder)).await.status(),
        StatusCode::UNAUTHORIZED
    );
}
