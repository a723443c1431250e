//! `/userbook` preferences (spec §10.1): a user's preference for one application is a string
//! the application writes and reads back; the conversation module keeps its signature there.

use serde::{Deserialize, Serialize};

/// `GET /userbook/preference/{application}`: `{"preference": "<the stored text>"}`, `null`
/// when the user never saved one (`UserBookController.getPreference` reads
/// `uac.<application>`, a string).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreferenceAnswer {
    #[serde(default)]
    pub preference: Option<String>,
}

/// The conversation preference (spec §10.1), as the ENT's web page writes it
/// (`conversation/frontend/src/models/signature.ts`): whether to add the signature to new
/// messages, and the signature's HTML. Other keys another client wrote are kept as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConversationPreference {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub use_signature: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
    #[serde(flatten)]
    pub other: serde_json::Map<String, serde_json::Value>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_preference_written_by_the_web_page_reads_back_with_its_other_keys_kept() {
        let answer: PreferenceAnswer = serde_json::from_str(
            r#"{"preference":"{\"useSignature\":true,\"signature\":\"<p>M. Martin</p>\",\"x\":1}"}"#,
        )
        .unwrap();
        let pref: ConversationPreference =
            serde_json::from_str(answer.preference.as_deref().unwrap()).unwrap();
        assert_eq!(pref.use_signature, Some(true));
        assert_eq!(pref.signature.as_deref(), Some("<p>M. Martin</p>"));
        let back = serde_json::to_value(&pref).unwrap();
        assert_eq!(back["x"], 1);
    }

    #[test]
    fn no_preference_saved_is_null() {
        let answer: PreferenceAnswer = serde_json::from_str(r#"{"preference":null}"#).unwrap();
        assert_eq!(answer.preference, None);
    }
}
