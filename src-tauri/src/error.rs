//! Errors as the UI receives them: `{kind, message}`, `kind` a stable camelCase tag the window
//! acts on, `message` a French sentence the user can act on.
use messagerie_core::ErrorKind as CoreKind;
use serde::Serialize;

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum ErrorKind {
    /// The ENT does not answer: the action waits in the queue, reading goes on offline.
    Offline,
    /// The session is gone: sign in again.
    SessionExpired,
    BadCredentials,
    NotAllowed,
    /// The ENT said no, with a reason.
    Refused,
    Server,
    BadAnswer,
    /// The local copy failed (disk full, damaged file).
    Storage,
    InvalidInput,
    /// No account is open (the window shows the sign-in screen).
    SignedOut,
    /// The desktop could not show a notification (no notification service running).
    Notification,
    /// The ENT asks the user to act on one of its pages first (new terms of use, an e-mail
    /// address or a second factor to confirm); `url` is the page. Queued actions wait.
    ActionNeeded,
    /// Anything unexpected; the message stays generic.
    Internal,
}

/// `Display` is the message; `#[tracing::instrument(err)]` logs it when a command fails.
#[derive(Debug, Serialize, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct CommandError {
    pub kind: ErrorKind,
    pub message: String,
    /// The ENT page to open (`actionNeeded` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

impl CommandError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            url: None,
        }
    }

    pub fn internal() -> Self {
        Self::new(
            ErrorKind::Internal,
            "une erreur inattendue est survenue ; réessayez",
        )
    }

    pub fn signed_out() -> Self {
        Self::new(
            ErrorKind::SignedOut,
            "aucun compte n'est ouvert ; connectez-vous",
        )
    }

    pub fn notification(error: notify_rust::error::Error) -> Self {
        tracing::warn!(%error, "cannot show a notification");
        Self::new(
            ErrorKind::Notification,
            "le bureau n'a pas pu afficher la notification ; vérifiez que les notifications sont \
             activées",
        )
    }
}

const ACTION_NEEDED: &str = "l'ENT vous demande une action sur sa page (par exemple accepter \
     ses nouvelles conditions d'utilisation) ; vos actions attendent jusque-là";

impl CommandError {
    /// The ENT asks the user to act on its page `url`.
    pub fn action_needed(url: String) -> Self {
        Self {
            kind: ErrorKind::ActionNeeded,
            message: ACTION_NEEDED.to_string(),
            url: Some(url),
        }
    }
}

impl From<messagerie_core::Error> for CommandError {
    fn from(error: messagerie_core::Error) -> Self {
        Self::from_ref(&error)
    }
}

impl CommandError {
    pub fn from_ref(error: &messagerie_core::Error) -> Self {
        // The core's text is English and technical: logged, and shown only where it carries
        // the ENT's reason.
        tracing::warn!(%error, "a mailbox operation failed");
        let (kind, message) = match error.kind() {
            CoreKind::Offline => (
                ErrorKind::Offline,
                "l'ENT ne répond pas ; vérifiez la connexion à Internet. Les modifications \
                 seront envoyées à son retour"
                    .to_string(),
            ),
            CoreKind::SessionExpired => (
                ErrorKind::SessionExpired,
                "votre session sur l'ENT a expiré ; reconnectez-vous".to_string(),
            ),
            CoreKind::BadCredentials => (
                ErrorKind::BadCredentials,
                "identifiant ou mot de passe incorrect".to_string(),
            ),
            CoreKind::NotAllowed => (
                ErrorKind::NotAllowed,
                "l'ENT ne vous permet pas de faire cela".to_string(),
            ),
            CoreKind::Refused => (ErrorKind::Refused, format!("l'ENT a refusé : {error}")),
            CoreKind::Server => (
                ErrorKind::Server,
                "l'ENT a rencontré une erreur ; réessayez dans un moment".to_string(),
            ),
            CoreKind::BadAnswer => (
                ErrorKind::BadAnswer,
                "l'ENT a répondu quelque chose d'illisible ; réessayez plus tard".to_string(),
            ),
            CoreKind::Storage => (
                ErrorKind::Storage,
                "la copie locale ne peut pas être écrite ; vérifiez l'espace libre sur le disque"
                    .to_string(),
            ),
            CoreKind::InvalidInput => (
                ErrorKind::InvalidInput,
                format!("demande invalide : {error}"),
            ),
            CoreKind::ActionNeeded => (ErrorKind::ActionNeeded, ACTION_NEEDED.to_string()),
        };
        Self {
            kind,
            message,
            url: error.action_page().map(str::to_string),
        }
    }
}

impl From<tauri::Error> for CommandError {
    fn from(error: tauri::Error) -> Self {
        tracing::warn!(%error, "a window operation failed");
        Self::internal()
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

    #[test]
    fn an_action_needed_on_the_ent_carries_the_page_to_open() {
        let core = messagerie_core::Error::Api(messagerie_core::client::ApiError::ActionNeeded {
            what: "PUT /conversation/trash".into(),
            action: messagerie_core::client::EntAction::AcceptTerms,
            page: "https://ent.example.org/auth/revalidate-terms".into(),
        });

        let json = serde_json::to_value(CommandError::from(core)).unwrap();

        assert_eq!(json["kind"], "actionNeeded");
        assert_eq!(json["url"], "https://ent.example.org/auth/revalidate-terms");
        assert!(json["message"].as_str().unwrap().contains("conditions"));
    }

    #[test]
    fn other_errors_have_no_url() {
        let json = serde_json::to_value(CommandError::internal()).unwrap();
        assert!(json.get("url").is_none());
    }

    #[test]
    fn a_refusal_keeps_the_reason_the_ent_gave() {
        let core = messagerie_core::Error::InvalidInput("a message needs a recipient".into());
        let error = CommandError::from(core);
        assert_eq!(error.kind, ErrorKind::InvalidInput);
        assert!(error.message.contains("a message needs a recipient"));
    }
}
