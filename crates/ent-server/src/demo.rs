//! Seeds the demo mailboxes of « Collège Jean Moulin » when the database is empty: read and
//! unread messages, one with a PDF attachment, a reply thread, something in a user folder.
//! Every message goes through the real send path, so the seed obeys the communication rules.

use anyhow::Context;
use ent_protocol::DraftBody;
use rusqlite::params;

use crate::conversation::{now_ms, save_message, send_message, MsgRow};
use crate::State as AppState;

fn id_of(state: &AppState, login: &str) -> anyhow::Result<String> {
    state
        .cfg
        .directory
        .user_by_login(login)
        .map(|u| u.id.clone())
        .with_context(|| format!("demo user {login} missing from the directory"))
}

fn body(subject: &str, html: &str, to: &[&str]) -> DraftBody {
    DraftBody {
        subject: Some(subject.into()),
        body: Some(html.into()),
        to: Some(to.iter().map(|s| (*s).to_owned()).collect()),
        cc: Some(Vec::new()),
        cci: Some(Vec::new()),
        ..DraftBody::default()
    }
}

/// A small valid one-page PDF saying `text` (ASCII), with a correct xref table.
pub(crate) fn make_pdf(text: &str) -> Vec<u8> {
    let stream = format!("BT /F1 18 Tf 72 720 Td ({text}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_owned(),
        format!("<< /Length {} >>\nstream\n{stream}\nendstream", stream.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, obj) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{obj}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for off in offsets {
        out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

pub(crate) async fn seed_if_empty(state: &AppState) -> anyhow::Result<()> {
    let empty = state
        .db
        .read(|c| -> anyhow::Result<_> {
            Ok(c.query_row("SELECT count(*) FROM messages", [], |r| r.get::<_, i64>(0))? == 0)
        })
        .await?;
    if !empty {
        return Ok(());
    }
    let marie = id_of(state, "marie.durand")?;
    let paul = id_of(state, "paul.martin")?;
    let sophie = id_of(state, "sophie.bernard")?;
    let hugo = id_of(state, "hugo.leroy")?;
    let julien = id_of(state, "julien.leroy")?;
    let send = |from: &str, b: DraftBody, draft: Option<String>, parent: Option<String>| {
        send_message(state.clone(), from.to_owned(), draft, parent, b)
    };
    let err = |e: crate::ApiError| anyhow::anyhow!("demo send refused: {e}");

    // A reply thread between two teachers; Marie has read the first message.
    let first = send(&paul, body("Conseil de classe de 3A", "<p>Bonjour Marie,</p><p>Le conseil de classe de 3A aura lieu jeudi à 17 h en salle 12. Peux-tu préparer les appréciations ?</p><p>Paul</p>", &[&marie]), None, None)
        .await
        .map_err(err)?;
    let reply = send(&marie, body("Re : Conseil de classe de 3A", "<p>C'est noté, je m'en occupe.</p><div class=\"conversation-history\"><p>Le conseil de classe de 3A aura lieu jeudi à 17 h.</p></div>", &[&paul]), None, Some(first.id.clone()))
        .await
        .map_err(err)?;
    let _ = reply;

    // A message with a PDF attachment, from the school office, unread.
    let pdf = make_pdf("Sortie au musee - autorisation parentale");
    let draft_id = uuid::Uuid::new_v4().to_string();
    let att_id = uuid::Uuid::new_v4().to_string();
    tokio::fs::write(state.files_dir.join(&att_id), &pdf).await?;
    let (st, d, a, s) = (
        state.clone(),
        draft_id.clone(),
        att_id.clone(),
        sophie.clone(),
    );
    let size = pdf.len() as u64;
    state
        .db
        .write(move |tx| -> anyhow::Result<()> {
            let now = now_ms();
            let m = MsgRow {
                id: d.clone(),
                parent_id: None,
                thread_id: Some(d.clone()),
                subject: String::new(),
                body: String::new(),
                from_id: s.clone(),
                to: Vec::new(),
                cc: Vec::new(),
                cci: Vec::new(),
                names: crate::render::snapshot(&st.cfg.directory, [&s]),
                state: "DRAFT".into(),
                date: now,
                no_reply: false,
            };
            save_message(tx, &m)?;
            tx.execute("INSERT INTO usermessages (user_id, message_id, unread, total_quota, is_author, is_recipient, state, date) VALUES (?1, ?2, 0, ?3, 1, 0, 'DRAFT', ?4)", params![s, d, size, now])?;
            tx.execute("INSERT INTO attachments (id, name, charset, filename, content_type, transfer_encoding, size) VALUES (?1, 'file', 'UTF-8', 'autorisation-sortie-musee.pdf', 'application/pdf', '7bit', ?2)", params![a, size])?;
            tx.execute("INSERT INTO usermessagesattachments (user_id, message_id, attachment_id) VALUES (?1, ?2, ?3)", params![s, d, a])?;
            tx.execute("INSERT INTO quotas (user_id, storage) VALUES (?1, ?2)", params![s, size])?;
            Ok(())
        })
        .await?;
    send(&sophie, body("Sortie au musée : autorisation", "<p>Bonjour,</p><p>Vous trouverez ci-joint l'autorisation de sortie au musée des Beaux-Arts à faire signer par les familles.</p><p>Sophie Bernard, secrétariat</p>", &[&marie, &paul]), Some(draft_id), None)
        .await
        .map_err(err)?;

    // A parent writes to a teacher; a pupil too (unread).
    send(&julien, body("Absence de Hugo", "<p>Madame,</p><p>Hugo sera absent lundi matin pour un rendez-vous médical.</p><p>Cordialement,<br>Julien Leroy</p>", &[&marie]), None, None)
        .await
        .map_err(err)?;
    send(
        &hugo,
        body(
            "Exposé sur la Révolution",
            "<p>Bonjour Madame, est-ce qu'on peut rendre l'exposé en groupe de trois ?</p>",
            &[&marie],
        ),
        None,
        None,
    )
    .await
    .map_err(err)?;

    // Marie files the parent's message in a user folder and keeps a draft.
    let (m, st) = (marie.clone(), state.clone());
    state
        .db
        .write(move |tx| -> anyhow::Result<()> {
            let folder = uuid::Uuid::new_v4().to_string();
            tx.execute("INSERT INTO folders (id, parent_id, user_id, name, depth) VALUES (?1, NULL, ?2, 'Parents', 1)", params![folder, m])?;
            tx.execute(
                "UPDATE usermessages SET folder_id = ?2, unread = 0 WHERE user_id = ?1 AND message_id IN (SELECT id FROM messages WHERE subject = 'Absence de Hugo')",
                params![m, folder],
            )?;
            tx.execute("UPDATE usermessages SET unread = 0 WHERE user_id = ?1 AND message_id = ?2", params![m, first.id])?;
            let id = uuid::Uuid::new_v4().to_string();
            let now = now_ms();
            let draft = MsgRow {
                id: id.clone(),
                parent_id: None,
                thread_id: Some(id.clone()),
                subject: "Devoirs pour les vacances".into(),
                body: "<p>Chers élèves, pendant les vacances…</p>".into(),
                from_id: m.clone(),
                to: Vec::new(),
                cc: Vec::new(),
                cci: Vec::new(),
                names: crate::render::snapshot(&st.cfg.directory, [&m]),
                state: "DRAFT".into(),
                date: now,
                no_reply: false,
            };
            save_message(tx, &draft)?;
            tx.execute("INSERT INTO usermessages (user_id, message_id, unread, is_author, is_recipient, state, date) VALUES (?1, ?2, 1, 1, 0, 'DRAFT', ?3)", params![m, id, now])?;
            Ok(())
        })
        .await?;
    tracing::debug!("demo mailboxes seeded");
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_generated_pdf_has_a_header_an_xref_and_an_end_marker() {
        let pdf = super::make_pdf("hello");
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.starts_with("%PDF-1.4"));
        let xref_at: usize = text
            .split("startxref\n")
            .nth(1)
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(&text[xref_at..xref_at + 4], "xref");
        assert!(text.trim_end().ends_with("%%EOF"));
    }
}
