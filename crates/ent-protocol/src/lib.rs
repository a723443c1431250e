//! The wire format of an ENT (Open Digital Education / Edifice entcore) as serde types.
//!
//! Defined once and used by both sides: the client in `messagerie-core` and the compatible
//! server in `ent-server`. The reference is `docs/protocol.md`; each type's doc names the
//! section it comes from. This crate depends on nothing of ours and holds no logic beyond
//! (de)serialisation, building paths and reading the text of a body ([`text`], §1.4).
//!
//! Layers: [`auth`] (login, OAuth2, userinfo), [`conversation`] (folders, lists, messages,
//! drafts, send, state changes, attachments), [`directory`] (recipient search and lookups),
//! [`timeline`] (notifications), [`userbook`] (preferences:
//! the conversation signature), [`paths`] (one function per route), [`error`] (the error body).
//!
//! Tolerance (spec §12): response types accept missing optional fields and `null` where a real
//! ENT may send them, and ignore unknown keys. Request bodies the server must refuse when they
//! carry unknown fields (draft, send) use `deny_unknown_fields`, as a real ENT answers 400 then.

pub mod auth;
pub mod conversation;
pub mod directory;
pub mod error;
pub mod paths;
pub mod text;
pub mod timeline;
pub mod userbook;

mod nullable;

pub use auth::*;
pub use conversation::*;
pub use directory::*;
pub use error::ErrorBody;
pub use text::{html_to_text, MONTHS_FR};
pub use timeline::*;
pub use userbook::*;
