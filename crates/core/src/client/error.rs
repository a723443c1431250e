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
    /// The ENT sent the call to a page where the user must act first (spec §12 item 29).
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

    /// A self-signed certificate for 127.0.0.1, made for this test only (its key protects
    /// nothing): no authority the app trusts signed it.
    const SELF_SIGNED_CERT: &str = "-----BEGIN CERTIFICATE-----
MIIDOTCCAiGgAwIBAgIUIp1PEXngkBoGiX6U8Xp8Xj2dVKQwDQYJKoZIhvcNAQEL
BQAwGjEYMBYGA1UEAwwPZW50LmV4YW1wbGUub3JnMCAXDTI2MTEzMDAxMDM1N1oY
DzIxMjYxMTA2MDEwMzU3WjAaMRgwFgYDVQQDDA9lbnQuZXhhbXBsZS5vcmcwggEi
MA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIBAQCmmU9ZHBOqKGYyAz1TjxTppdms
dqTe6MTCvJ7YR/vlvWTBD5+CfG3mmADwPf7DS4dsHtaOF9IRzv4Jx7aKe9/tyJJe
+zjwbQIXC+Ort9WbHJSvlUgVqzGxqvKSle4LUL47PeL/fOJpuYW19zQjV3pqkZJ1
s3c7SO5PPScrXulNxCaDk/OZhiuqgmjzx0GhIWxhfMp8o9XQlsTwIKtCI5VqtnFI
Fpkh6SIcUtGDJi+fu+744bkpYNQpx4N0YPskNu1AH1CFMRlFdaP6RDYadvdCnHWf
IuqURrJ66zOtl+9gfyq95nImDmTBrOAfXbQi/XOQqRdx3vOAH/Vhlx+uSdx1AgMB
AAGjdTBzMB0GA1UdDgQWBBQxWotRaTIAOnL44UX5IXaIsYWIhjAfBgNVHSMEGDAW
gBQxWotRaTIAOnL44UX5IXaIsYWIhjAPBgNVHRMBAf8EBTADAQH/MCAGA1UdEQQZ
MBeCD2VudC5leGFtcGxlLm9yZ4cEfwAAATANBgkqhkiG9w0BAQsFAAOCAQEAeLUv
QiG8QVV6Dw5ec7nK3oE4nk6WfwpHV0iylK7em2s6BX/E8nwSAujtoKdDCkPUlnxA
pebZiuwx3co9MWU5suUK4VKnOeTvCNu2q00LRwgZZho0TQ7fUk+iXjATJ8YZNyRP
QWXjVethfp3jqEtNdyGvLL6/N9P58yqZ6GH+8UWUPI3a9isDaG+Ey1I72yOoTEQd
Y754N0YWGrJpkGKvgN1AMJKZBpewUa6wiseiK1o+sJyHYvrR/CWajprbXgJ4+toL
K6Rfz058V41ZvWyxZiBjR9GQvE1s9/vSwoZhhXYsqFk6YCWKKOm/cxrogNL+eTSl
1X2jEnvQkGCC1Xbm+g==
-----END CERTIFICATE-----
";
    const SELF_SIGNED_KEY: &str = "-----BEGIN PRIVATE KEY-----
MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQCmmU9ZHBOqKGYy
Az1TjxTppdmsdqTe6MTCvJ7YR/vlvWTBD5+CfG3mmADwPf7DS4dsHtaOF9IRzv4J
x7aKe9/tyJJe+zjwbQIXC+Ort9WbHJSvlUgVqzGxqvKSle4LUL47PeL/fOJpuYW1
9zQjV3pqkZJ1s3c7SO5PPScrXulNxCaDk/OZhiuqgmjzx0GhIWxhfMp8o9XQlsTw
IKtCI5VqtnFIFpkh6SIcUtGDJi+fu+744bkpYNQpx4N0YPskNu1AH1CFMRlFdaP6
RDYadvdCnHWfIuqURrJ66zOtl+9gfyq95nImDmTBrOAfXbQi/XOQqRdx3vOAH/Vh
lx+uSdx1AgMBAAECggEACA0kNc8Cz0glCjk4W0Ows8sBXlGcja5LpgqmFZdC//sb
da4a3BxF1m1VrEaeu5L4oDvMTDEwBI7PnarickZiz9PP6Rm0ioAGKBV5wwh/IQAs
WmD5SxzLKcY0c2ueBbt4+hV3VTgUnB3sbZsdELEvWBuha6FI+5s+cyNmM3UiitDC
OqvK0Pw+R8Tc+7nWqMNCvENuw9JXwn6rIt7O1jVPpRjkTmEOiWAcM/QARmjfYOjU
xwbsadXqgUNV27EnDN2sf+gOT0RL5dXF5hS3PUAgrXU1SiCs9z34Kvolz9pZ3KMH
uhtnpe/iOdpIB2fOQ3nT6/k0J0QFfkhcg/j0YfQ5IQKBgQDaYqfxuAffXTDNckRj
z6jVx7iPRvlb4mAKlyq0BMwekpYkF3B0UPFAen74rxJ803rgyXUOmxTtIz1ollil
lbQidVfqbV9JvA7D9/FQm28F4g9MyHYKW1kQB4x9L3hQbo6ezmFxdwFXbc9O6FFb
18iIAyAzedqGIWhCgVwMi6RA1QKBgQDDSzaH82RKZs7jspZ0xmylbjUQVJgFWbMX
F/XEZeJ/uPGxNkcOsf/lqxstw8xtCphqHhIf1dzRfaa6awO6ST5725tPb3Kp69Xp
qNa9fU3S5fx1dLIAN2XU+NSi+QxtYPbsOuuxdzeN0uKHCTEwPcgyEgpyP1VLTASP
v+won1/9IQKBgFrv3fM/qLeQPLQwMt5FKI7svaOb8FYcq9V9ISEZJk5MyAx7Xi5x
TiSFXb38WPx1q6NTAFV2qn4cwIN+p6c78Wiv6E4MATPZBWUBKBFiyBZxDeHxT4X8
h9eu7Qdr7vO/NdBXLChtX7eiWEMJZmeSMUTB2HTW9vIHkzyuVUA8HceJAoGBAJzJ
mosFDaRp63mEnCQ+VWVvGCz3LWFGRXCp7MbzYSdXTLsQL3YN07sIZvaT9mAonHq9
j6F9ah3J+fw6BDEfsolvor3gZLckvoUr5tMUcVF7EPcfa/SehSO5bcU1mxOJQFQh
ba35X2F+SB1PdO0c/MeuEjLsw8aCzjq2Q5vNcBvhAoGBAL5vmIe76ookzOUbX2Xq
i/gikpZAj2IJU3p75DnBQzoAApt8uQThdSb5YKrcQRoEhQKvz+fnt/2svh0E+xjk
E91pzFuce2pKTvrrdCtr9Q5juV9mIkmxMZRUXf5esnpsFJYw2tEMLisCmXgHA0o0
3RIvII0EdtojA7VC9PJ2pYNW
-----END PRIVATE KEY-----
";

    /// A TLS server on 127.0.0.1 that presents the self-signed certificate; its port.
    fn self_signed_server() -> u16 {
        use rustls::pki_types::pem::PemObject;
        use rustls::pki_types::{CertificateDer, PrivateKeyDer};
        let cert = CertificateDer::from_pem_slice(SELF_SIGNED_CERT.as_bytes()).unwrap();
        let key = PrivateKeyDer::from_pem_slice(SELF_SIGNED_KEY.as_bytes()).unwrap();
        let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
        let config = std::sync::Arc::new(
            rustls::ServerConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .unwrap()
                .with_no_client_auth()
                .with_single_cert(vec![cert], key)
                .unwrap(),
        );
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            for mut tcp in listener.incoming().flatten() {
                let mut tls = rustls::ServerConnection::new(config.clone()).unwrap();
                // Until the client gives up on the certificate.
                while tls.is_handshaking() && tls.complete_io(&mut tcp).is_ok() {}
            }
        });
        port
    }

    #[tokio::test]
    async fn a_server_whose_certificate_is_not_trusted_is_a_certificate_failure_not_offline() {
        let port = self_signed_server();
        let client = crate::client::Client::new(&format!("https://127.0.0.1:{port}")).unwrap();

        let error = client
            .send::<serde_json::Value>(crate::client::Call::get("/auth/oauth2/userinfo"))
            .await
            .unwrap_err();

        assert!(matches!(error, ApiError::Certificate { .. }), "{error:?}");
        assert_eq!(error.kind(), ErrorKind::Certificate);
        assert!(!error.is_retryable());
    }

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
