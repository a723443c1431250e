//! The error body of a real ENT (spec §1.5): `{"error": "<i18n key or message>"}`.

use serde::{Deserialize, Serialize};

/// Body of a 400/403/404 answer. Some 400s carry no body at all (spec §1.5): a client parses
/// this only when the body is not empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// An i18n key such as `conversation.invalid.parameter`, or a raw message.
    pub error: String,
}

impl ErrorBody {
    pub fn new(error: impl Into<String>) -> Self {
        Self {
            error: error.into(),
        }
    }
}

/// Error keys a real ENT answers with (spec §12 item 28).
pub mod keys {
    pub const INVALID_PARAMETER: &str = "conversation.invalid.parameter";
    pub const INVALID_USER: &str = "conversation.invalid.user";
    pub const INVALID_FIELDS: &str = "conversation.invalid.fields";
    pub const DUPLICATE_FOLDER: &str = "conversation.error.duplicate.folder";
    pub const MAX_FOLDER_DEPTH: &str = "error.max.folder.depth";
    pub const RECALL: &str = "conversation.error.recall.mail";
    pub const REPLY_NOT_ALLOWED: &str = "conversation.error.reply.not.allowed";
    pub const FILE_TOO_LARGE: &str = "file.too.large";
    pub const INVALID_FILE_ID: &str = "invalid.file.id";
    pub const INVALID_XSRF: &str = "invalid.xsrf.token";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_body_parses_and_keeps_its_key() {
        let body: ErrorBody =
            serde_json::from_str(r#"{"error":"conversation.error.duplicate.folder"}"#).unwrap();
        assert_eq!(body.error, keys::DUPLICATE_FOLDER);
    }
}
