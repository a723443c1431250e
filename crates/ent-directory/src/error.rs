//! Errors of this crate: loading a school description, signing in, and the send check.

/// Why a school description (TOML) was refused. Each variant names the entry at fault.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The text is not valid TOML, or an entry has a missing or mistyped field.
    #[error("cannot parse the school description: {0}")]
    Syntax(#[source] toml::de::Error),
    /// Two entries of the same kind share a name (login, structure, class, group, client).
    #[error("duplicate {what} {name:?}")]
    Duplicate { what: &'static str, name: String },
    /// An entry refers to something that is not declared.
    #[error("{entry} refers to unknown {what} {name:?}")]
    Unknown {
        entry: String,
        what: &'static str,
        name: String,
    },
    /// A group reference matches several groups; the error lists how to disambiguate.
    #[error("{entry} refers to group {name:?}, which is ambiguous")]
    Ambiguous { entry: String, name: String },
    /// An entry is well-formed but breaks a rule of the directory (e.g. a child who is not a
    /// student, a password missing).
    #[error("{entry}: {reason}")]
    Invalid { entry: String, reason: String },
}

impl Error {
    /// Stable tag of the variant, for callers that map errors without reading text.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Syntax(_) => "syntax",
            Error::Duplicate { .. } => "duplicate",
            Error::Unknown { .. } => "unknown",
            Error::Ambiguous { .. } => "ambiguous",
            Error::Invalid { .. } => "invalid",
        }
    }
}

/// Why a sign-in was refused (entcore `auth.error.*`, spec ent-api §2.3,
/// communication-rules §5.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    /// No account has this login.
    #[error("unknown login")]
    UnknownLogin,
    /// The password does not match.
    #[error("wrong password")]
    WrongPassword,
    /// The account is blocked (`auth.error.blockedUser`).
    #[error("account is blocked")]
    Blocked,
    /// The account was never activated (an `activationCode` is still pending).
    #[error("account is not activated yet")]
    NotActivated,
}

impl AuthError {
    /// The entcore error code a real ENT answers with, for OAuth2 `error_description`.
    /// A not-activated account has no password in entcore yet (only an activation code), so a
    /// real ENT answers `authenticationFailed` for it too (ent-api §2.1).
    pub fn entcore_code(self) -> &'static str {
        match self {
            AuthError::UnknownLogin | AuthError::WrongPassword | AuthError::NotActivated => {
                "auth.error.authenticationFailed"
            }
            AuthError::Blocked => "auth.error.blockedUser",
        }
    }
}

/// The send check failed (communication-rules §5.1): these recipient ids are not visible to
/// the sender. The whole send is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{} recipient(s) not visible to the sender: {}", ids.len(), ids.join(", "))]
pub struct NotVisible {
    /// The offending ids, in request order, without duplicates.
    pub ids: Vec<String>,
}
