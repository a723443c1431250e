//! The crate's error: what failed, on what, and a [`ErrorKind`] the app and the CLI act on.

use serde::Serialize;

use crate::client::ApiError;
use crate::store::StoreError;

/// Result alias of the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What the caller can do about an error; a stable tag the UI and scripts match on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum ErrorKind {
    /// The ENT cannot be reached: work on offline, actions stay queued.
    Offline,
    /// The ENT's security certificate is not valid (expired, another name, an unknown
    /// authority): the address is wrong or something sits between the app and the ENT.
    Certificate,
    /// The session is gone and signing in again did not help: ask the user to sign in.
    SessionExpired,
    /// The login or the password is wrong.
    BadCredentials,
    /// The ENT says the user may not do this (401 with a session, 403).
    NotAllowed,
    /// The ENT refused the request with a reason (a recipient not visible, quota exceeded...).
    Refused,
    /// The ENT failed (5xx).
    Server,
    /// The ENT answered something we cannot read.
    BadAnswer,
    /// The local store failed (disk full, database locked, corrupt file).
    Storage,
    /// Another window of the app or a command has this mailbox open.
    InUse,
    /// The caller asked for something that does not exist or makes no sense.
    InvalidInput,
    /// The ENT asks the user to act on one of its pages first (accept new terms of use,
    /// confirm an e-mail address or a second factor): queued actions wait until then.
    ActionNeeded,
}

/// Every error `messagerie-core` returns.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("no message {0} in the local store")]
    MessageNotFound(String),
    #[error("no folder {0} in the local store")]
    FolderNotFound(String),
    #[error("invalid input: {0}")]
    InvalidInput(String),
    #[error("cannot read attachment file {path}")]
    File {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("no data directory for this platform")]
    NoDataDir,
    /// An attachment larger than the app downloads (`attachment::MAX_DOWNLOAD_BYTES`).
    #[error("the file is {size} bytes, more than the {limit} bytes the app downloads; open it from the ent's web page")]
    TooLarge { size: u64, limit: u64 },
    /// A file to attach is larger than the space left on the ENT (see [`crate::mailbox::compose::Quota`]).
    #[error("the file is {size} bytes, more than the {left} bytes left on the ent; pick a smaller file or free space by deleting messages with attachments")]
    OverQuota { size: u64, left: u64 },
    /// Signing in again gave another user than the account's (see
    /// [`crate::Mailbox::sign_in_again_as`]).
    #[error("{login} is not the open account; sign out first to change accounts")]
    NotTheOpenAccount { login: String },
    /// The ENT ended a download early (or sent more than it declared).
    #[error("the ent sent {got} bytes of a file of {expected}; try again")]
    Incomplete { got: u64, expected: u64 },
    #[error(transparent)]
    Pick(#[from] crate::attachment::PickError),
    /// An image to insert in a body is not one, or is too large.
    #[error(transparent)]
    Image(#[from] crate::ent_images::ImageError),
    #[error(transparent)]
    Lock(#[from] crate::lock::LockError),
}

impl Error {
    /// The kind the caller acts on.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Api(e) => e.kind(),
            Error::Lock(crate::lock::LockError::InUse { .. }) => ErrorKind::InUse,
            Error::Store(_) | Error::NoDataDir | Error::Lock(_) => ErrorKind::Storage,
            Error::MessageNotFound(_)
            | Error::FolderNotFound(_)
            | Error::InvalidInput(_)
            | Error::File { .. }
            | Error::TooLarge { .. }
            | Error::Pick(_)
            | Error::Image(_)
            | Error::NotTheOpenAccount { .. } => ErrorKind::InvalidInput,
            Error::OverQuota { .. } => ErrorKind::Refused,
            Error::Incomplete { .. } => ErrorKind::Offline,
        }
    }

    /// True when the same request may succeed later without any change (offline, 5xx, locked).
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(e) => e.is_retryable(),
            Error::Store(e) => e.is_retryable(),
            Error::Incomplete { .. } => true,
            _ => false,
        }
    }

    /// True when another window or command has the mailbox open.
    pub fn is_mailbox_in_use(&self) -> bool {
        matches!(self, Error::Lock(crate::lock::LockError::InUse { .. }))
    }

    /// True when the user must sign in again.
    pub fn is_auth_expired(&self) -> bool {
        matches!(self, Error::Api(e) if e.is_auth_expired())
    }

    /// The ENT page where the user must act ([`ErrorKind::ActionNeeded`]).
    pub fn action_page(&self) -> Option<&str> {
        match self {
            Error::Api(e) => e.action_page(),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every kind with the tag the UI and scripts match on. The `match` makes a new kind fail
    /// to compile here until its tag is written down.
    #[test]
    fn every_kind_has_a_stable_camel_case_tag() {
        let tag = |kind: ErrorKind| match kind {
            ErrorKind::Offline => "offline",
            ErrorKind::Certificate => "certificate",
            ErrorKind::SessionExpired => "sessionExpired",
            ErrorKind::BadCredentials => "badCredentials",
            ErrorKind::NotAllowed => "notAllowed",
            ErrorKind::Refused => "refused",
            ErrorKind::Server => "server",
            ErrorKind::BadAnswer => "badAnswer",
            ErrorKind::Storage => "storage",
            ErrorKind::InUse => "inUse",
            ErrorKind::InvalidInput => "invalidInput",
            ErrorKind::ActionNeeded => "actionNeeded",
        };
        for kind in ALL_KINDS {
            let json = serde_json::to_value(kind).unwrap();
            assert_eq!(json, tag(kind));
            assert_eq!(serde_json::from_value::<ErrorKind>(json).unwrap(), kind);
        }
    }

    const ALL_KINDS: [ErrorKind; 12] = [
        ErrorKind::Offline,
        ErrorKind::Certificate,
        ErrorKind::SessionExpired,
        ErrorKind::BadCredentials,
        ErrorKind::NotAllowed,
        ErrorKind::Refused,
        ErrorKind::Server,
        ErrorKind::BadAnswer,
        ErrorKind::Storage,
        ErrorKind::InUse,
        ErrorKind::InvalidInput,
        ErrorKind::ActionNeeded,
    ];

    #[test]
    fn a_mailbox_open_elsewhere_is_in_use_not_a_broken_disk() {
        let error = Error::Lock(crate::lock::LockError::InUse {
            dir: "/tmp/account".into(),
        });
        assert_eq!(error.kind(), ErrorKind::InUse);
        assert!(error.is_mailbox_in_use());
    }
}
