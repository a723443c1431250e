//! Errors as the UI receives them: `{kind, message}`, `kind` a stable camelCase tag the window
//! acts on, `message` a French sentence the user can act on.
use messagerie_core::ErrorKind as CoreKind;
use serde::Serialize;

/// Every kind of failure the window gets: the core's kinds as they are, and around them the
/// few only the app has. One taxonomy, generated into `ui/src/bindings/CommandErrorKind.ts`
/// (`ErrorKind | AppErrorKind`), which the UI words in French and English.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, ts_rs::TS)]
#[serde(untagged)]
#[ts(export, rename = "CommandErrorKind")]
pub enum ErrorKind {
    Core(CoreKind),
    App(AppErrorKind),
}

/// The kinds only the app has (no mailbox behind them).
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum AppErrorKind {
    /// No account is open (the window shows the sign-in screen).
    SignedOut,
    /// The desktop could not show a notification (no notification service running).
    Notification,
    /// The user closed the ENT's sign-in page before signing in.
    Cancelled,
    /// Anything unexpected; the message stays generic.
    Internal,
}

/// Shorthands for the kinds the commands name, so that `ErrorKind::InvalidInput` reads as one
/// list of kinds.
#[allow(non_upper_case_globals)]
impl ErrorKind {
    pub const Offline: Self = Self::Core(CoreKind::Offline);
    pub const NotAllowed: Self = Self::Core(CoreKind::NotAllowed);
    pub const Refused: Self = Self::Core(CoreKind::Refused);
    pub const Storage: Self = Self::Core(CoreKind::Storage);
    pub const InvalidInput: Self = Self::Core(CoreKind::InvalidInput);
    pub const SignedOut: Self = Self::App(AppErrorKind::SignedOut);
    pub const Notification: Self = Self::App(AppErrorKind::Notification);
    pub const Cancelled: Self = Self::App(AppErrorKind::Cancelled);
    pub const Internal: Self = Self::App(AppErrorKind::Internal);
}

impl From<CoreKind> for ErrorKind {
    fn from(kind: CoreKind) -> Self {
        Self::Core(kind)
    }
}

/// `Display` is the message; `#[tracing::instrument(err)]` logs it when a command fails.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, thiserror::Error, ts_rs::TS)]
#[error("{message}")]
#[ts(export)]
pub struct CommandError {
    pub kind: ErrorKind,
    /// A French sentence; the window words the kind itself and shows this one where it says
    /// more than the kind (`refused`: the ENT's reason; `invalidInput`: what was wrong).
    pub message: String,
    /// The ENT page to open (`actionNeeded` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
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

impl From<messagerie_core::Error> for CommandError {
    fn from(error: messagerie_core::Error) -> Self {
        Self::from_ref(&error)
    }
}

const CERTIFICATE: &str = "le certificat de sécurité de ce serveur n'est pas valide ; vérifiez \
     l'adresse ou prévenez l'administrateur de l'ENT";

const IN_USE: &str = "cette boîte est ouverte dans une autre fenêtre de Messagerie ou dans une \
     commande ; fermez-la d'abord";

impl CommandError {
    pub fn from_ref(error: &messagerie_core::Error) -> Self {
        // The core's text is English and technical: logged, and shown only where it carries
        // the ENT's reason.
        tracing::warn!(%error, "a mailbox operation failed");
        let kind = error.kind();
        let message = match kind {
            CoreKind::Offline => "l'ENT ne répond pas ; vérifiez la connexion à Internet. Les \
                 modifications seront envoyées à son retour"
                .to_string(),
            CoreKind::Certificate => CERTIFICATE.to_string(),
            CoreKind::SessionExpired => {
                "votre session sur l'ENT a expiré ; reconnectez-vous".to_string()
            }
            CoreKind::BadCredentials => "identifiant ou mot de passe incorrect".to_string(),
            CoreKind::NotAllowed => "l'ENT ne vous permet pas de faire cela".to_string(),
            CoreKind::Refused => format!("l'ENT a refusé : {error}"),
            CoreKind::Server => {
                "l'ENT a rencontré une erreur ; réessayez dans un moment".to_string()
            }
            CoreKind::BadAnswer => {
                "l'ENT a répondu quelque chose d'illisible ; réessayez plus tard".to_string()
            }
            CoreKind::Storage => {
                "la copie locale ne peut pas être écrite ; vérifiez l'espace libre sur le disque"
                    .to_string()
            }
            CoreKind::InUse => IN_USE.to_string(),
            CoreKind::InvalidInput => format!("demande invalide : {error}"),
            CoreKind::ActionNeeded => ACTION_NEEDED.to_string(),
        };
        Self {
            kind: kind.into(),
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

    /// Every kind the window can get, with its tag: the core's as the core writes them, the
    /// app's beside them. The `match`es make a new kind fail to compile here until its tag is
    /// written down (the UI's test checks it has words for every tag of the bindings).
    #[test]
    fn every_kind_reaches_the_window_as_one_camel_case_tag() {
        let core = |kind: CoreKind| match kind {
            CoreKind::Offline => "offline",
            CoreKind::Certificate => "certificate",
            CoreKind::SessionExpired => "sessionExpired",
            CoreKind::BadCredentials => "badCredentials",
            CoreKind::NotAllowed => "notAllowed",
            CoreKind::Refused => "refused",
            CoreKind::Server => "server",
            CoreKind::BadAnswer => "badAnswer",
            CoreKind::Storage => "storage",
            CoreKind::InUse => "inUse",
            CoreKind::InvalidInput => "invalidInput",
            CoreKind::ActionNeeded => "actionNeeded",
        };
        let app = |kind: AppErrorKind| match kind {
            AppErrorKind::SignedOut => "signedOut",
            AppErrorKind::Notification => "notification",
            AppErrorKind::Cancelled => "cancelled",
            AppErrorKind::Internal => "internal",
        };
        let kinds = [
            CoreKind::Offline,
            CoreKind::Certificate,
            CoreKind::SessionExpired,
            CoreKind::BadCredentials,
            CoreKind::NotAllowed,
            CoreKind::Refused,
            CoreKind::Server,
            CoreKind::BadAnswer,
            CoreKind::Storage,
            CoreKind::InUse,
            CoreKind::InvalidInput,
            CoreKind::ActionNeeded,
        ]
        .map(ErrorKind::Core)
        .into_iter()
        .chain(
            [
                AppErrorKind::SignedOut,
                AppErrorKind::Notification,
                AppErrorKind::Cancelled,
                AppErrorKind::Internal,
            ]
            .map(ErrorKind::App),
        );
        for kind in kinds {
            let tag = match kind {
                ErrorKind::Core(k) => core(k),
                ErrorKind::App(k) => app(k),
            };
            let json = serde_json::to_value(CommandError::new(kind, "…")).unwrap();
            assert_eq!(json["kind"], tag);
        }
    }

    #[test]
    fn a_core_error_keeps_its_kind_and_a_storage_failure_speaks_of_the_disk() {
        let store = messagerie_core::store::StoreError::Io {
            path: "/home/marie/.local/share/messagerie".into(),
            source: std::io::Error::from(std::io::ErrorKind::StorageFull),
        };

        let error = CommandError::from(messagerie_core::Error::Store(store));

        assert_eq!(error.kind, ErrorKind::Storage);
        assert!(error.message.contains("disque"), "{}", error.message);
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
