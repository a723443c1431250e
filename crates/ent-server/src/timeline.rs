//! Timeline (§8): one MESSAGERIE / SEND-MESSAGE notification per delivered recipient, written
//! in the send transaction; `GET /timeline/lastNotifications`.

use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use ent_directory::Directory;
use ent_protocol::{LastNotifications, Notification, NotificationParams, TimelineDate};
use rusqlite::params;
use serde::Deserialize;

use crate::auth::Caller;
use crate::error::ApiResult;
use crate::State as AppState;

/// `PAGELIMIT` of the timeline (§1.6).
const PAGE: i64 = 25;

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/timeline/lastNotifications", get(last_notifications))
}

/// `params` of the notification (§8.1).
pub(crate) fn params_for(
    dir: &Directory,
    sender: &str,
    message_id: &str,
    subject: &str,
) -> serde_json::Value {
    let user = dir.user(sender);
    let name = user.map(|u| u.display_name.clone()).unwrap_or_default();
    let profile = user.map(|u| u.profile.as_str()).unwrap_or("");
    let uri = format!("/conversation/conversation#/read-mail/{message_id}");
    let subject = if subject.trim().is_empty() {
        "(Aucun objet)"
    } else {
        subject
    };
    serde_json::json!({
        "uri": format!("/userbook/annuaire#{sender}#{profile}"),
        "username": name,
        "subject": subject,
        "messageUri": uri,
        "resourceUri": uri,
    })
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[derive(Deserialize)]
struct TimelineQuery {
    page: Option<String>,
}

async fn last_notifications(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<TimelineQuery>,
) -> ApiResult<Json<LastNotifications>> {
    // Only MESSAGERIE exists here, so the `type` filter always matches or selects nothing
    // else; it is accepted and ignored.
    let page: i64 = q
        .page
        .as_deref()
        .and_then(|p| p.parse().ok())
        .filter(|p| *p >= 0)
        .unwrap_or(0);
    let user = caller.user_id;
    let rows = state
        .db
        .read(move |c| -> ApiResult<_> {
            let mut stmt = c.prepare_cached(
                "SELECT id, sender_id, resource, params, date FROM notifications WHERE recipient_id = ?1
                 ORDER BY date DESC, rowid DESC LIMIT ?2 OFFSET ?3",
            )?;
            let rows = stmt
                .query_map(params![user, PAGE, page * PAGE], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?, r.get::<_, i64>(4)?))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
        .await?;
    let results: Vec<Notification> = rows
        .into_iter()
        .map(|(id, sender, resource, params, date)| {
            let params: NotificationParams = serde_json::from_str(&params).unwrap_or_default();
            let message = format!(
                "<a href=\"{}\">{}</a><br /><span>vous a envoyé un message </span>: <a href=\"{}\">{}</a>.",
                escape(&params.uri),
                escape(&params.username),
                escape(&params.message_uri),
                escape(&params.subject)
            );
            Notification {
                id,
                kind: ent_protocol::MESSAGERIE.into(),
                event_type: ent_protocol::SEND_MESSAGE.into(),
                resource: Some(resource),
                sender: Some(sender),
                params,
                date: TimelineDate { epoch_millis: date },
                message: Some(message),
            }
        })
        .collect();
    Ok(Json(LastNotifications {
        status: "ok".into(),
        number: results.len() as u64,
        results,
    }))
}
