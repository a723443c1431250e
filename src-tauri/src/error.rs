//! Errors as the UI receives them: `{kind, message}`, `kind` a stable camelCase tag.
use serde::Serialize;

#[derive(Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum ErrorKind {
    /// The desktop could not show a notification (no notification service running).
    Notification,
    /// Anything unexpected; the message stays generic.
    Internal,
}

/// `Display` is the message; `#[tracing::instrument(err)]` logs it when a command fails.
#[derive(Debug, Serialize, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct CommandError {
    pub kind: ErrorKind,
    pub message: String,
}

impl CommandError {
    pub fn internal() -> Self {
        Self {
            kind: ErrorKind::Internal,
            message: "une erreur inattendue est survenue ; réessayez".into(),
        }
    }

    pub fn notification(error: notify_rust::error::Error) -> Self {
        tracing::warn!(%error, "cannot show a notification");
        Self {
            kind: ErrorKind::Notification,
            message: "le bureau n'a pas pu afficher la notification ; vérifiez que les \
                      notifications sont activées"
                .into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_internal_error_reaches_the_ui_as_kind_and_generic_message() {
        let json = serde_json::to_value(CommandError::internal()).unwrap();
        assert_eq!(json["kind"], "internal");
        assert!(json["message"].as_str().unwrap().contains("inattendue"));
    }

    #[test]
    fn a_notification_error_has_its_own_kind() {
        let json = serde_json::to_value(ErrorKind::Notification).unwrap();
        assert_eq!(json, "notification");
    }
}
