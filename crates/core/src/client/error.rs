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
    /// The TLS handshake failed on the ENT's certificate (see [`ApiError::unreachable`]).
    #[error("the ENT's security certificate is not valid ({what}); check the address")]
    Certificate {
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
    /// The ENT sent the call to a page where the user must act first (spec §13 item 29).
    #[error("the ENT asks you to {} before {what}: open {page}", action.describe())]
    ActionNeeded {
        what: String,
        action: EntAction,
        /// The page's absolute address.
        page: String,
    },
    /// The ENT refused the XSRF token of a write even after a fresh one was fetched.
    #[error(
        "the ENT refused the security token of {what}; the action stays queued, sync again later"
    )]
    XsrfRefused { what: String },
    /// The sync waited this long without any progress and was stopped.
    #[error(
        "the sync made no progress for {seconds} s and was stopped; the next sync starts again"
    )]
    Stalled { seconds: u64 },
}

/// What the ENT asks the user to do in a browser before it answers any call (entcore's
/// `MandatoryUserValidationFilter`, auth `AuthController.java` `revalidateTerms`, `validateMail`,
/// `validateMfa`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntAction {
    /// `/auth/revalidate-terms`: accept new terms of use.
    AcceptTerms,
    /// `/auth/validate-mail`: confirm the e-mail address.
    ValidateMail,
    /// `/auth/validate-mfa`: confirm the identity with a second factor.
    ValidateMfa,
}

impl EntAction {
    /// The action a redirect to `path` asks for, if it is one of the validation pages.
    pub fn from_path(path: &str) -> Option<EntAction> {
        let path = path.split(['?', '#']).next().unwrap_or_default();
        match path.trim_end_matches('/') {
            "/auth/revalidate-terms" => Some(EntAction::AcceptTerms),
            "/auth/validate-mail" => Some(EntAction::ValidateMail),
            "/auth/validate-mfa" => Some(EntAction::ValidateMfa),
            _ => None,
        }
    }

    fn describe(self) -> &'static str {
        match self {
            EntAction::AcceptTerms => "accept its new terms of use",
            EntAction::ValidateMail => "confirm your e-mail address",
            EntAction::ValidateMfa => "confirm your identity",
        }
    }
}

impl ApiError {
    /// A request that got no answer: [`ApiError::Certificate`] when the TLS handshake refused
    /// the ENT's certificate, [`ApiError::Offline`] otherwise. Classified once, here, from the
    /// error's source chain (its types, not its text).
    pub fn unreachable(what: impl Into<String>, source: reqwest::Error) -> Self {
        let what = what.into();
        if is_certificate_failure(&source) {
            ApiError::Certificate { what, source }
        } else {
            ApiError::Offline { what, source }
        }
    }

    pub fn kind(&self) -> ErrorKind {
        match self {
            ApiError::Offline { .. } => ErrorKind::Offline,
            ApiError::Certificate { .. } => ErrorKind::Certificate,
            ApiError::SessionExpired { .. } | ApiError::NotSignedIn => ErrorKind::SessionExpired,
            ApiError::BadCredentials { .. } => ErrorKind::BadCredentials,
            ApiError::NotAllowed { .. } => ErrorKind::NotAllowed,
            ApiError::Refused { .. } => ErrorKind::Refused,
            ApiError::Server { .. } => ErrorKind::Server,
            ApiError::BadAnswer { .. } | ApiError::Decode { .. } | ApiError::XsrfRefused { .. } => {
                ErrorKind::BadAnswer
            }
            ApiError::ActionNeeded { .. } => ErrorKind::ActionNeeded,
            ApiError::Stalled { .. } => ErrorKind::Offline,
        }
    }

    /// The same request may succeed later.
    pub fn is_retryable(&self) -> bool {
        matches!(self, ApiError::Offline { .. } | ApiError::Server { .. })
    }

    /// Every further call of a sync would fail the same way: stop the pass and say so.
    pub fn ends_sync(&self) -> bool {
        self.is_auth_expired()
            || matches!(
                self,
                ApiError::ActionNeeded { .. } | ApiError::Stalled { .. }
            )
    }

    /// The page where the user must act on the ENT, when the ENT asks for it.
    pub fn action_page(&self) -> Option<&str> {
        match self {
            ApiError::ActionNeeded { page, .. } => Some(page),
            _ => None,
        }
    }

    pub fn is_auth_expired(&self) -> bool {
        matches!(
            self,
            ApiError::SessionExpired { .. } | ApiError::NotSignedIn
        )
    }

    /// The ENT answered and said no: a local change must be undone. A redirect to a page
    /// where the user must act ([`ApiError::ActionNeeded`]) is not a refusal: the action waits.
    pub fn is_refusal(&self) -> bool {
        matches!(self, ApiError::Refused { .. } | ApiError::NotAllowed { .. })
    }
}

/// True when `error` or one of its sources is rustls refusing a certificate. hyper-rustls hands
/// rustls' error over inside an `io::Error`, whose `source()` skips it: `get_ref` reaches it.
fn is_certificate_failure(error: &(dyn std::error::Error + 'static)) -> bool {
    let refuses = |e: &(dyn std::error::Error + 'static)| {
        matches!(
            e.downcast_ref::<rustls::Error>(),
            Some(
                rustls::Error::InvalidCertificate(_)
                    | rustls::Error::NoCertificatesPresented
                    | rustls::Error::InvalidCertRevocationList(_)
            )
        )
    };
    let mut next = Some(error);
    while let Some(e) = next {
        if refuses(e) {
            return true;
        }
        if let Some(inner) = e
            .downcast_ref::<std::io::Error>()
            .and_then(std::io::Error::get_ref)
        {
            if is_certificate_failure(inner) {
                return true;
            }
        }
        next = e.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_certificate_is_found_inside_the_io_error_that_carries_it() {
        let tls = rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer);
        let io = std::io::Error::new(std::io::ErrorKind::InvalidData, tls);

        assert!(is_certificate_failure(&io));
    }

    #[test]
    fn other_connection_failures_are_not_certificate_failures() {
        let refused = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        let garbled = std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            rustls::Error::InvalidMessage(rustls::InvalidMessage::InvalidContentType),
        );
        // A text that says "certificate" is not enough.
        let worded = std::io::Error::other("certificate of attendance");

        for e in [refused, garbled, worded] {
            assert!(!is_certificate_failure(&e), "{e}");
        }
    }
}
