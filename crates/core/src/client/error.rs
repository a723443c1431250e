use crate::error::ErrorKind;

/// What went wrong talking to the ENT. `what` names the request ("GET /conversation/...").
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("cannot reach the ENT for {what}")]
    Offline {
        what: String,
        #[source]
        source: reqwest::Error,
    },
    #[error("the ENT session expired during {what}, sign in again")]
    SessionExpired { what: String },
    #[error("wrong login or password")]
    BadCredentials { reason: Option<String> },
    #[error("the ENT does not allow {what} (status {status})")]
    NotAllowed {
        what: String,
        status: u16,
        /// A 401 with an empty body: some ENT handlers answer so when the session is gone.
        empty: bool,
    },
    #[error("the ENT refused {what} (status {status}): {}", reason.as_deref().unwrap_or("no reason given"))]
    Refused {
        what: String,
        status: u16,
        /// The ENT's `error` key (`file.too.large`, `conversation.invalid.user`...).
        reason: Option<String>,
    },
    #[error("the ENT failed on {what} (status {status})")]
    Server { what: String, status: u16 },
    #[error("unexpected answer from the ENT to {what}: {detail}")]
    BadAnswer { what: String, detail: String },
    #[error("cannot decode the ENT's answer to {what}")]
    Decode {
        what: String,
        #[source]
        source: serde_json::Error,
    },
    #[error("not signed in to the ENT")]
    NotSignedIn,
}

impl ApiError {
    pub fn kind(&self) -> ErrorKind {
        match self {
            ApiError::Offline { .. } => ErrorKind::Offline,
            ApiError::SessionExpired { .. } | ApiError::NotSignedIn => ErrorKind::SessionExpired,
            ApiError::BadCredentials { .. } => ErrorKind::BadCredentials,
            ApiError::NotAllowed { .. } => ErrorKind::NotAllowed,
            ApiError::Refused { .. } => ErrorKind::Refused,
            ApiError::Server { .. } => ErrorKind::Server,
            ApiError::BadAnswer { .. } | ApiError::Decode { .. } => ErrorKind::BadAnswer,
        }
    }

    /// The same request may succeed later.
    pub fn is_retryable(&self) -> bool {
        matches!(self, ApiError::Offline { .. } | ApiError::Server { .. })
    }

    pub fn is_auth_expired(&self) -> bool {
        matches!(
            self,
            ApiError::SessionExpired { .. } | ApiError::NotSignedIn
        )
    }

    /// The ENT answered and said no: a local change must be undone.
    pub fn is_refusal(&self) -> bool {
        matches!(self, ApiError::Refused { .. } | ApiError::NotAllowed { .. })
    }
}
