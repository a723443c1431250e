//! Authentication (spec §2): cookie login form, OAuth2 token endpoint, current user.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::nullable::null_as_default;

/// Name of the session cookie set by `POST /auth/login` (spec §2.1).
pub const SESSION_COOKIE: &str = "oneSessionId";
/// Cookie holding the CSRF token (spec §2.1).
pub const XSRF_COOKIE: &str = "XSRF-TOKEN";
/// Header that must echo the CSRF token on cookie-session writes (spec §2.2).
pub const XSRF_HEADER: &str = "X-XSRF-TOKEN";
/// Workflow rights relevant to messaging (spec §2.4), matched by exact name.
pub mod rights {
    pub const VIEW: &str = "org.entcore.conversation.controllers.ConversationController|view";
    pub const CREATE_DRAFT: &str =
        "org.entcore.conversation.controllers.ConversationController|createDraft";
    pub const RECALL: &str = "org.entcore.conversation.controllers.ApiController|recallMessage";
    pub const NO_REPLY: &str =
        "org.entcore.conversation.controllers.ConversationController|noReply";
}
/// The scope a desktop client asks for (spec §11 item 1).
pub const CLIENT_SCOPE: &str =
    "conversation timeline communication directory userbook workspace userinfo";

/// Form body of `POST /auth/login` (spec §2.1), `application/x-www-form-urlencoded`.
#[derive(Clone, Serialize, Deserialize)]
pub struct LoginForm {
    /// The login (named `email` for historical reasons).
    pub email: String,
    pub password: String,
    #[serde(rename = "callBack", default, skip_serializing_if = "Option::is_none")]
    pub callback: Option<String>,
    #[serde(
        rename = "rememberMe",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub remember_me: Option<String>,
}

impl fmt::Debug for LoginForm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginForm")
            .field("email", &self.email)
            .field("password", &"<hidden>")
            .field("callback", &self.callback)
            .finish()
    }
}

/// Form body of `POST /auth/oauth2/token` (spec §2.3). `client_secret` may instead travel in
/// HTTP Basic auth.
#[derive(Clone, Default, Serialize, Deserialize)]
pub struct TokenRequest {
    pub grant_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// Password grant: the login.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    /// Refresh grant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// Authorization-code grant: the code `/auth/oauth2/auth` sent to `redirect_uri`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Authorization-code grant: the same `redirect_uri` as in the authorization request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect_uri: Option<String>,
}

impl fmt::Debug for TokenRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenRequest")
            .field("grant_type", &self.grant_type)
            .field("client_id", &self.client_id)
            .field("scope", &self.scope)
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

/// Success body of `POST /auth/oauth2/token` (spec §2.3).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenResponse {
    pub token_type: String,
    pub access_token: String,
    /// Lifetime in seconds (3600 by default on a real ENT).
    #[serde(default)]
    pub expires_in: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
}

impl fmt::Debug for TokenResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenResponse")
            .field("token_type", &self.token_type)
            .field("access_token", &"<hidden>")
            .field("expires_in", &self.expires_in)
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "<hidden>"),
            )
            .field("scope", &self.scope)
            .finish()
    }
}

/// Error body of `POST /auth/oauth2/token` (OAuth2, spec §2.3), e.g. `invalid_grant` with
/// `auth.error.authenticationFailed`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OAuth2Error {
    pub error: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_description: Option<String>,
}

/// One workflow right of the current user (spec §2.4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorizedAction {
    pub name: String,
    #[serde(rename = "displayName", default, deserialize_with = "null_as_default")]
    pub display_name: String,
    #[serde(rename = "type", default, deserialize_with = "null_as_default")]
    pub kind: String,
}

/// An application of the user's portal (spec §2.4 `apps`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct App {
    #[serde(deserialize_with = "null_as_default")]
    pub name: String,
    #[serde(deserialize_with = "null_as_default")]
    pub address: String,
    #[serde(deserialize_with = "null_as_default")]
    pub icon: String,
    #[serde(deserialize_with = "null_as_default")]
    pub target: String,
    #[serde(rename = "displayName", deserialize_with = "null_as_default")]
    pub display_name: String,
    pub display: bool,
    #[serde(deserialize_with = "null_as_default")]
    pub prefix: String,
}

/// `GET /auth/oauth2/userinfo?version=v2.0` (spec §2.4). Every field but `userId` may be
/// missing or null on a real ENT.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct UserInfo {
    pub user_id: String,
    #[serde(deserialize_with = "null_as_default")]
    pub external_id: String,
    #[serde(deserialize_with = "null_as_default")]
    pub login: String,
    /// The display name ("DURAND Marie").
    #[serde(deserialize_with = "null_as_default")]
    pub username: String,
    #[serde(deserialize_with = "null_as_default")]
    pub first_name: String,
    #[serde(deserialize_with = "null_as_default")]
    pub last_name: String,
    /// The profile: `Teacher`, `Student`, `Relative`, `Personnel`, `Guest` (v2.0 keeps it raw).
    #[serde(rename = "type", deserialize_with = "null_as_default")]
    pub profile: String,
    #[serde(deserialize_with = "null_as_default")]
    pub level: String,
    #[serde(deserialize_with = "null_as_default")]
    pub class_names: Vec<String>,
    #[serde(deserialize_with = "null_as_default")]
    pub classes: Vec<String>,
    #[serde(deserialize_with = "null_as_default")]
    pub structures: Vec<String>,
    #[serde(deserialize_with = "null_as_default")]
    pub structure_names: Vec<String>,
    #[serde(deserialize_with = "null_as_default")]
    pub uai: Vec<String>,
    #[serde(deserialize_with = "null_as_default")]
    pub children_ids: Vec<String>,
    #[serde(deserialize_with = "null_as_default")]
    pub groups_ids: Vec<String>,
    pub federated: Option<bool>,
    #[serde(deserialize_with = "null_as_default")]
    pub apps: Vec<App>,
    #[serde(deserialize_with = "null_as_default")]
    pub authorized_actions: Vec<AuthorizedAction>,
}

impl UserInfo {
    /// Whether the user holds the workflow right named `right` (exact match, spec §2.4).
    pub fn has_right(&self, right: &str) -> bool {
        self.authorized_actions.iter().any(|a| a.name == right)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_spec_userinfo_example_parses() {
        let json = r#"{"userId":"5b0c1e3a-7d2f-4c55-9a10-3f1d2e4b6a70","login":"marie.durand","username":"DURAND Marie",
 "firstName":"Marie","lastName":"DURAND","type":"Teacher","groupsIds":["g-4411","g-9020"],
 "structures":["s-01"],"structureNames":["Collège Jean Moulin"],
 "authorizedActions":[{"name":"org.entcore.conversation.controllers.ConversationController|createDraft",
   "displayName":"conversation.create.draft","type":"SECURED_ACTION_WORKFLOW"}]}"#;
        let info: UserInfo = serde_json::from_str(json).unwrap();
        assert_eq!(info.username, "DURAND Marie");
        assert_eq!(info.profile, "Teacher");
        assert!(info.has_right(rights::CREATE_DRAFT));
        assert!(!info.has_right(rights::RECALL));
    }

    #[test]
    fn userinfo_tolerates_nulls_and_missing_fields() {
        let info: UserInfo =
            serde_json::from_str(r#"{"userId":"u1","classNames":null,"apps":[{"name":null}]}"#)
                .unwrap();
        assert_eq!(info.user_id, "u1");
        assert!(info.class_names.is_empty());
        assert_eq!(info.apps.len(), 1);
    }

    #[test]
    fn the_token_response_parses_and_its_debug_hides_tokens() {
        let json = r#"{"token_type":"Bearer","access_token":"secret-a","expires_in":3600,"refresh_token":"secret-r","scope":"conversation"}"#;
        let token: TokenResponse = serde_json::from_str(json).unwrap();
        assert_eq!(token.expires_in, 3600);
        let debug = format!("{token:?}");
        assert!(!debug.contains("secret-a") && !debug.contains("secret-r"));
    }

    #[test]
    fn an_oauth2_error_parses() {
        let err: OAuth2Error = serde_json::from_str(
            r#"{"error":"invalid_grant","error_description":"auth.error.authenticationFailed"}"#,
        )
        .unwrap();
        assert_eq!(err.error, "invalid_grant");
    }

    #[test]
    fn login_form_debug_hides_the_password() {
        let form = LoginForm {
            email: "marie".into(),
            password: "hunter2".into(),
            callback: None,
            remember_me: None,
        };
        assert!(!format!("{form:?}").contains("hunter2"));
    }
}
