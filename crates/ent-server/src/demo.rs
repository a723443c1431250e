//! Seeds the demo mailboxes of « Collège Jean Moulin » when the database is empty: read and
//! unread messages, one with a PDF attachment, a reply thread, something in a user folder, and
//! for the app's demo a year of mail before them ([`year`]). Every message goes through the
//! real send path, so the seed obeys the communication rules.

mod year;

use anyhow::Context;
use ent_protocol::DraftBody;
use rusqlite::params;

use crate::conversation::{now_ms, save_message, send_message, MsgRow};

use crate::State as AppState;
pub use year::DemoYear;

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

/// The first start of the demo school: the messages every test of the demo knows, then, when
/// `Config::demo_year` is set, a year of mail dated before them, so that they still head the
/// inbox (their « Parents » folder is the year's too).
///
/// Only an empty database is seeded: a data folder written by a previous version (the three
/// messages alone) is kept as it is. The app has synced it already, so a year added now would
/// reach its store as a few hundred new messages (each one notified), and what the user did in
/// the demo (folders named like the year's, sent mail) stays theirs.
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
    match state.cfg.demo_year {
        Some(year) => {
            let classic = classic(state).await?;
            year::generate(state, year, &classic).await?;
        }
        None => {
            classic(state).await?;
        }
    }
    tracing::debug!("demo mailboxes seeded");
    Ok(())
}

/// What a colleague writes a minute after the demo starts ([`ServerHandle::demo_colleague_writes`]),
/// one after the other across starts: (subject, body).
const COLLEAGUE_NOTES: &[(&str, &str)] = &[
    (
        "Café en salle des professeurs ?",
        "<p>Bonjour,</p><p>Je descends en salle des professeurs à la récréation de 10 h, il reste des croissants de la réunion d'hier. Tu me rejoins ?</p>",
    ),
    (
        "Photocopies pour demain",
        "<p>Bonjour,</p><p>J'ai lancé les photocopies du contrôle de demain, je les dépose dans ton casier avant midi.</p>",
    ),
    (
        "Sortie de vendredi",
        "<p>Bonjour,</p><p>Le car de la sortie de vendredi est confirmé pour 8 h 15 devant le collège. Pense à prendre la liste des élèves.</p>",
    ),
];

impl crate::ServerHandle {
    /// « A colleague writes »: a message to the demo user `login` through the send path, from a
    /// colleague for a teacher (Paul Martin), from their teacher (Marie Durand) otherwise. Each
    /// call writes the next of a few notes, so that every start of the demo brings something
    /// new. Returns the message's id.
    pub async fn demo_colleague_writes(&self, login: &str) -> anyhow::Result<String> {
        let state = &self.state;
        let to = id_of(state, login)?;
        let teacher = state
            .cfg
            .directory
            .user(&to)
            .is_some_and(|u| u.profile == ent_directory::Profile::Teacher);
        let from = id_of(
            state,
            if teacher {
                "paul.martin"
            } else {
                "marie.durand"
            },
        )?;
        anyhow::ensure!(from != to, "{login} has no colleague in the demo school");
        let (f, t) = (from.clone(), to.clone());
        let before: i64 = state
            .db
            .read(move |c| -> anyhow::Result<i64> {
                let mut n = 0;
                for (subject, _) in COLLEAGUE_NOTES {
                    n += c.query_row(
                        "SELECT count(*) FROM messages m JOIN usermessages u ON u.message_id = m.id AND u.user_id = ?2
                         WHERE m.from_id = ?1 AND m.subject = ?3 AND m.state = 'SENT'",
                        params![f, t, subject],
                        |r| r.get::<_, i64>(0),
                    )?;
                }
                Ok(n)
            })
            .await?;
        let (subject, html) = COLLEAGUE_NOTES[before as usize % COLLEAGUE_NOTES.len()];
        let sent = send_message(state.clone(), from, None, None, body(subject, html, &[&to]))
            .await
            .map_err(refused)?;
        Ok(sent.id)
    }
}

/// The messages of a send, as the send path refuses them (a seed that breaks the rules is a bug).
fn refused(e: crate::ApiError) -> anyhow::Error {
    anyhow::anyhow!("demo send refused: {e}")
}

/// A draft of `from` holding `filename`, a one-page PDF saying `text`, ready to be sent with
/// [`send_message`] (`?id=`): the attachment is written and linked as an upload does.
pub(crate) async fn draft_with_pdf(
    state: &AppState,
    from: &str,
    filename: &str,
    text: &str,
) -> anyhow::Result<String> {
    let pdf = make_pdf(text);
    let draft_id = uuid::Uuid::new_v4().to_string();
    let att_id = uuid::Uuid::new_v4().to_string();
    tokio::fs::write(state.files_dir.join(&att_id), &pdf).await?;
    let (st, d, a, s, name) = (
        state.clone(),
        draft_id.clone(),
        att_id,
        from.to_owned(),
        filename.to_owned(),
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
            tx.execute("INSERT INTO attachments (id, name, charset, filename, content_type, transfer_encoding, size) VALUES (?1, 'file', 'UTF-8', ?2, 'application/pdf', '7bit', ?3)", params![a, name, size])?;
            tx.execute("INSERT INTO usermessagesattachments (user_id, message_id, attachment_id) VALUES (?1, ?2, ?3)", params![s, d, a])?;
            tx.execute("INSERT INTO quotas (user_id, storage) VALUES (?1, ?2) ON CONFLICT(user_id) DO UPDATE SET storage = storage + excluded.storage", params![s, size])?;
            Ok(())
        })
        .await?;
    Ok(draft_id)
}

/// A draft left in `from`'s « Brouillons », addressed to `to` (ids of users or groups).
pub(crate) fn save_draft(
    tx: &rusqlite::Transaction<'_>,
    state: &AppState,
    from: &str,
    subject: &str,
    html: &str,
    to: Vec<String>,
    date: i64,
) -> anyhow::Result<String> {
    let id = uuid::Uuid::new_v4().to_string();
    let mut named = vec![from.to_owned()];
    named.extend(to.iter().cloned());
    let draft = MsgRow {
        id: id.clone(),
        parent_id: None,
        thread_id: Some(id.clone()),
        subject: subject.into(),
        body: html.into(),
        from_id: from.to_owned(),
        to,
        cc: Vec::new(),
        cci: Vec::new(),
        names: crate::render::snapshot(&state.cfg.directory, &named),
        state: "DRAFT".into(),
        date,
        no_reply: false,
    };
    save_message(tx, &draft)?;
    tx.execute("INSERT INTO usermessages (user_id, message_id, unread, is_author, is_recipient, state, date) VALUES (?1, ?2, 1, 1, 0, 'DRAFT', ?3)", params![from, id, date])?;
    Ok(id)
}

/// The demo school's first mail, in every version: read and unread messages, one with a PDF
/// attachment, a reply thread, something in a user folder, a draft. Returns the ids it
/// wrote, oldest first.
async fn classic(state: &AppState) -> anyhow::Result<Vec<String>> {
    let marie = id_of(state, "marie.durand")?;
    let paul = id_of(state, "paul.martin")?;
    let sophie = id_of(state, "sophie.bernard")?;
    let hugo = id_of(state, "hugo.leroy")?;
    let julien = id_of(state, "julien.leroy")?;
    let send = |from: &str, b: DraftBody, draft: Option<String>, parent: Option<String>| {
        send_message(state.clone(), from.to_owned(), draft, parent, b)
    };
    let mut ids = Vec::new();

    // A reply thread between two teachers; Marie has read the first message.
    let first = send(&paul, body("Conseil de classe de 3A", "<p>Bonjour Marie,</p><p>Le conseil de classe de 3A aura lieu jeudi à 17 h en salle 12. Peux-tu préparer les appréciations ?</p><p>Paul</p>", &[&marie]), None, None)
        .await
        .map_err(refused)?;
    ids.push(first.id.clone());
    let reply = send(&marie, body("Re : Conseil de classe de 3A", "<p>C'est noté, je m'en occupe.</p><div class=\"conversation-history\"><p>Le conseil de classe de 3A aura lieu jeudi à 17 h.</p></div>", &[&paul]), None, Some(first.id.clone()))
        .await
        .map_err(refused)?;
    ids.push(reply.id);

    // A message with a PDF attachment, from the school office, unread.
    let draft_id = draft_with_pdf(
        state,
        &sophie,
        "autorisation-sortie-musee.pdf",
        "Sortie au musee - autorisation parentale",
    )
    .await?;
    let sortie = send(&sophie, body("Sortie au musée : autorisation", "<p>Bonjour,</p><p>Vous trouverez ci-joint l'autorisation de sortie au musée des Beaux-Arts à faire signer par les familles.</p><p>Sophie Bernard, secrétariat</p>", &[&marie, &paul]), Some(draft_id), None)
        .await
        .map_err(refused)?;
    ids.push(sortie.id);

    // A parent writes to a teacher; a pupil too (unread).
    let absence = send(&julien, body("Absence de Hugo", "<p>Madame,</p><p>Hugo sera absent lundi matin pour un rendez-vous médical.</p><p>Cordialement,<br>Julien Leroy</p>", &[&marie]), None, None)
        .await
        .map_err(refused)?;
    ids.push(absence.id.clone());
    let expose = send(
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
    .map_err(refused)?;
    ids.push(expose.id);

    // Marie files the parent's message in a user folder and keeps a draft.
    let (m, st, first_id) = (marie.clone(), state.clone(), first.id);
    let draft = state
        .db
        .write(move |tx| -> anyhow::Result<String> {
            let folder = uuid::Uuid::new_v4().to_string();
            tx.execute("INSERT INTO folders (id, parent_id, user_id, name, depth) VALUES (?1, NULL, ?2, 'Parents', 1)", params![folder, m])?;
            tx.execute(
                "UPDATE usermessages SET folder_id = ?2, unread = 0 WHERE user_id = ?1 AND message_id = ?3",
                params![m, folder, absence.id],
            )?;
            tx.execute("UPDATE usermessages SET unread = 0 WHERE user_id = ?1 AND message_id = ?2", params![m, first_id])?;
            save_draft(
                tx,
                &st,
                &m,
                "Devoirs pour les vacances",
                "<p>Chers élèves, pendant les vacances…</p>",
                Vec::new(),
                now_ms(),
            )
        })
        .await?;
    ids.push(draft);
    Ok(ids)
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
