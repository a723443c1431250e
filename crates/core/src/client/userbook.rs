//! `/userbook`: the conversation preference, where the ENT keeps the signature (spec §10.1).

use ent_protocol::{paths, ConversationPreference, PreferenceAnswer};
use reqwest::Method;

use super::{ApiError, ApiResult, Body, Call, Client};

/// `GET /userbook/preference/conversation` (§10.1): the preference the web page wrote, empty
/// when the user never saved one.
pub async fn conversation_preference(client: &Client) -> ApiResult<ConversationPreference> {
    let answer: Option<PreferenceAnswer> = client
        .send(Call::get(paths::preference(paths::CONVERSATION_PREFERENCE)))
        .await?;
    match answer.and_then(|a| a.preference) {
        None => Ok(ConversationPreference::default()),
        Some(text) if text.trim().is_empty() => Ok(ConversationPreference::default()),
        Some(text) => serde_json::from_str(&text).map_err(|e| ApiError::BadAnswer {
            what: "GET /userbook/preference/conversation".into(),
            detail: e.to_string(),
        }),
    }
}

/// `PUT /userbook/preference/conversation` (§10.1): the whole preference, as JSON text.
/// Writing the same value twice changes nothing, so it is safe to repeat.
pub async fn set_conversation_preference(
    client: &Client,
    preference: &ConversationPreference,
) -> ApiResult<()> {
    let body = serde_json::to_value(preference).map_err(|e| ApiError::BadAnswer {
        what: "the conversation preference".into(),
        detail: e.to_string(),
    })?;
    let _: serde_json::Value = client
        .send(
            Call::write(
                Method::PUT,
                paths::preference(paths::CONVERSATION_PREFERENCE),
                Body::Json(body),
            )
            .idempotent(),
        )
        .await?;
    Ok(())
}
