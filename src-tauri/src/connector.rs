//! The ENT's registered client (a « connecteur », see the README's section for ENT
//! administrators): with it, an SSO sign-in in the ENT's window gives a refresh token, and the
//! app stays signed in, refreshing silently, until sign-out.
//!
//! Where the app finds it, first first: the keyring (given under « Options avancées » of the
//! sign-in screen, one per ENT), then `connector.json` in the data directory, which an ENT
//! administrator can deploy on school computers:
//! `{"entUrl": "https://ent.example.fr", "clientId": "…", "clientSecret": "…"}` (`entUrl`
//! optional: without it, the connector applies to any ENT).

use std::path::Path;

use messagerie_core::client::oauth2::{self, Authorization};
use messagerie_core::client::Client;
use messagerie_core::secrets;
use messagerie_core::session::{OAuthClient, Session};
use serde::Deserialize;

use crate::account::SignInResult;
use crate::error::ErrorKind;

/// The redirect address registered with the connector. The code is taken from the ENT's
/// redirect before anything is sent there (nothing listens on it).
pub const REDIRECT_URI: &str = "http://127.0.0.1/messagerie/oauth2/callback";

/// The file an administrator deploys in the data directory.
const FILE: &str = "connector.json";

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ConnectorFile {
    ent_url: Option<String>,
    #[serde(flatten)]
    client: OAuthClient,
}

/// The connector to use on `ent_url`, if one is configured.
pub fn configured(data_root: &Path, ent_url: &str) -> Option<OAuthClient> {
    secrets::saved_connector(ent_url).or_else(|| from_file(data_root, ent_url))
}

fn from_file(data_root: &Path, ent_url: &str) -> Option<OAuthClient> {
    let text = std::fs::read_to_string(data_root.join(FILE)).ok()?;
    let file: ConnectorFile = serde_json::from_str(&text)
        .inspect_err(|error| tracing::warn!(%error, "ignoring a damaged connector.json"))
        .ok()?;
    let applies = file
        .ent_url
        .as_deref()
        .is_none_or(|url| url.trim_end_matches('/') == ent_url);
    (applies && !file.client.client_id.is_empty()).then_some(file.client)
}

/// The authorization-code flow on the web session the ENT's window just gave: a code from
/// `/auth/oauth2/auth` for that session, exchanged for an access token and a refresh token.
pub async fn bearer_for(
    ent_url: &str,
    oauth: &OAuthClient,
    web: &Session,
) -> Result<Session, SignInResult> {
    let failed = |error: oauth2::SignInError| {
        tracing::warn!(%error, "the connector's sign-in failed");
        match error {
            oauth2::SignInError::Api(e) => SignInResult::from_error(&e.into()),
            oauth2::SignInError::ClientRefused { .. } | oauth2::SignInError::Denied { .. } => {
                SignInResult::failed(
                    ErrorKind::Refused,
                    "l'ENT refuse l'identifiant ou le secret du connecteur ; vérifiez-les avec \
                     l'administrateur de l'ENT",
                )
            }
            _ => SignInResult::failed(
                ErrorKind::NotAllowed,
                "l'ENT n'a pas donné d'autorisation à l'application ; reconnectez-vous",
            ),
        }
    };
    let client = Client::new(ent_url).map_err(|e| SignInResult::from_error(&e.into()))?;
    client.set_session(Some(web.clone())).await;
    let auth = Authorization::new(ent_url, oauth, REDIRECT_URI);
    let code = oauth2::request_code(&client, &auth).await.map_err(failed)?;
    oauth2::exchange_code(&client, oauth, &code, REDIRECT_URI)
        .await
        .map_err(failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deployed_connector_applies_to_its_ent_only() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(FILE),
            r#"{"entUrl": "https://ent.example.fr/", "clientId": "messagerie-desktop", "clientSecret": "s"}"#,
        )
        .unwrap();
        let found = from_file(dir.path(), "https://ent.example.fr").unwrap();
        assert_eq!(found.client_id, "messagerie-desktop");
        assert!(from_file(dir.path(), "https://other.example.fr").is_none());
        std::fs::write(dir.path().join(FILE), "{not json").unwrap();
        assert!(from_file(dir.path(), "https://ent.example.fr").is_none());
    }
}
