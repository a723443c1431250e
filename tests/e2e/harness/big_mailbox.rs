//! A large mailbox already on disk, for what depends on size only (the list's DOM, scrolling):
//! the last account of a data directory, filled through messagerie-core's own store, that
//! opens offline.
use std::collections::BTreeSet;
use std::path::Path;

use messagerie_core::mailbox::listing;
use messagerie_core::message::{self, Recipient, SummaryRow};
use messagerie_core::store::{self, Store};

/// Writes a demo account of Marie Durand with `n` messages in her inbox under `data_dir`,
/// remembered as the last account. The account's ENT is a closed loopback port and a file
/// stands where the embedded demo ENT keeps its data, so the app opens this store offline and
/// no sync changes it while it is measured.
pub fn write(data_dir: &Path, n: usize) {
    let ent_url = "http://127.0.0.1:9";
    let login = "marie.durand";
    let dir = data_dir.join("accounts").join(format!("demo_{login}"));
    std::fs::create_dir_all(&dir).expect("create the account directory");
    let store = Store::open(&dir.join("mailbox.sqlite")).expect("open the account's store");
    let base = 1_700_000_000_000i64;
    store
        .write_blocking(|tx| {
            store::set_meta(tx, "user_id", "u-marie")?;
            store::set_meta(tx, "user_name", "DURAND Marie")?;
            for i in 0..n {
                let id = format!("m{i:06}");
                let row = SummaryRow {
                    id: id.clone(),
                    subject: format!("Message numéro {i}"),
                    from: Some(Recipient {
                        id: format!("u-{}", i % 37),
                        display_name: format!("COLLÈGUE N°{}", i % 37),
                        is_group: false,
                        profile: Some("Teacher".into()),
                        size: None,
                    }),
                    to: Vec::new(),
                    cc: Vec::new(),
                    cci: Vec::new(),
                    state: "SENT".into(),
                    date: base + (i as i64) * 60_000,
                    unread: i % 3 == 0,
                    response: false,
                    has_attachment: i % 7 == 0,
                    no_reply: false,
                };
                message::upsert_summary(tx, &row)?;
                listing::place(tx, &id, &BTreeSet::from(["inbox".to_string()]))?;
            }
            Ok(())
        })
        .expect("fill the store");
    let last = serde_json::json!({
        "entUrl": ent_url, "login": login, "demo": true, "remembered": false
    });
    std::fs::write(data_dir.join("last-account.json"), last.to_string())
        .expect("write the last account");
    std::fs::write(data_dir.join("demo-ent"), b"not a directory").expect("block the demo ENT");
}
