//! `ent-directory`: the directory of an ENT (structures, classes, users, groups) and the
//! communication rules that decide who may write to whom
//! (`docs/communication-rules.md`, cited below as §n; « ent-api §n » is `docs/protocol.md`).
//!
//! Layering: pure logic, no I/O beyond parsing a school description; used by `ent-server`.
//! It must never depend on `tauri`, on `messagerie-core` or on `ent-server`.
//!
//! # What it models
//! * Structures and classes; the five profiles; one ProfileGroup per profile per structure
//!   and per class, the class group depending on the structure group (§1.2); memberships as
//!   entcore makes them (§1.3: relatives join the Relative groups of their children's classes).
//! * Manual groups and broadcast lists (§1.2, §2.2), parent–child links (§1.4), blocked and
//!   not-yet-activated accounts (§5.3, §4 step 5).
//! * Group→group links (`communiqueWith`), each group's internal setting
//!   (INCOMING/OUTGOING/BOTH/NONE, §2.2), direct user links (§2.3), with the stock default
//!   rules of §3.1 applied to every structure and class at load, then the file's overrides.
//! * [`Directory::visible`] is §2.4 exactly; [`Directory::search_visible`] is §2.5;
//!   [`Directory::can_send`] is §5.1; [`Directory::expand`] is §4; group names are §2.6.
//! * Share bookmarks ([`Directory::share_bookmarks`]): a user's named lists of users and groups,
//!   which entcore lists among the visibles (ent-api §5.1).
//!
//! Ids are UUID-shaped hashes (SHA-256, version-8 layout) of the login for users, of the
//! structure, class and profile names for profile groups, of the structure and group name for
//! manual groups. The same file gives the same ids on every load (the server stores rows that
//! reference them); renaming a login, structure or class gives new ids.
//!
//! Rules are built once, at load: every group is "new" in the sense of §3.3, so the stock
//! rules apply to all of them, then the file's `[rules]` overrides. There is no admin API
//! to edit them at run time; the directory is immutable, `Send + Sync`, and cheap to share.
//!
//! # Deviations from entcore
//! * Search: besides entcore's "cleaned query is a substring of the field", a query also
//!   matches when each of its words is a substring, so « élèves 6a » finds « Élèves du
//!   groupe 6A. » (entcore's cleaned test would need « élèves du groupe 6a »). It only
//!   widens results.
//! * No HeadTeacher, Direction, Func/Discipline, Functional or community groups: the default
//!   rules' links to them are dropped; nothing else changes.
//! * The demo school's examples (hugo.leroy writes to lea.moreau, marie.durand,
//!   sophie.bernard, julien.leroy, not to paul.martin, tom.girard, claire.moreau;
//!   julien.leroy writes to 6A's pupils, parents and teachers, not to paul.martin) hold
//!   with the stock rules unchanged.
//!
//! # School description (TOML)
//! ```toml
//! [[structures]]
//! name = "École Jules Ferry"
//! uai = "0750002B"                # optional
//! classes = ["CP", "CE1"]
//!
//! [[users]]
//! login = "anne.roy"
//! password = "secret"             # or password_hash = "$argon2id$v=19$..."
//! last_name = "ROY"
//! first_name = "Anne"
//! profile = "Teacher"             # Teacher, Student, Relative, Personnel or Guest
//! classes = ["CP"]                # structures = [...] is needed only with several schools
//!
//! [[users]]
//! login = "eva.roy"
//! password = "secret"
//! last_name = "ROY"
//! first_name = "Eva"
//! profile = "Student"
//! classes = ["CP"]
//! activated = false               # not yet activated: cannot sign in (default true)
//!
//! [[users]]
//! login = "marc.roy"
//! password = "secret"
//! last_name = "ROY"
//! first_name = "Marc"
//! profile = "Relative"
//! children = ["eva.roy"]          # relatives follow their children's classes
//! blocked = false                 # blocked: cannot sign in, never visible (default false)
//!
//! [[groups]]                      # a manual group
//! name = "Chorale"
//! members = ["anne.roy", "eva.roy"]
//! members_see_each_other = true   # internal setting BOTH (default NONE)
//! broadcast = false               # a broadcast list: CCI only, members never visible
//! writers = ["École Jules Ferry-Teacher"]  # groups whose members may write to it
//!
//! [[share_bookmarks]]             # listed among the owner's visibles; not a recipient
//! owner = "anne.roy"
//! name = "Mes favoris"
//! members = ["eva.roy", "Chorale"]  # logins or group names
//!
//! [[oauth_clients]]
//! id = "messagerie-desktop"
//! secret = "demo-secret"
//! # scopes and grant_types default to every messaging module and ["password", "refresh_token"]
//! grant_types = ["password", "refresh_token", "authorization_code"]
//! redirect_uris = ["http://127.0.0.1/messagerie/oauth2/callback"]  # loopback: any port
//!
//! [rules]
//! defaults = true                 # apply the §3.1 stock rules (default true)
//! [[rules.links]]                 # group references are raw names ("CP-Student") or ids
//! from = "CP-Student"
//! to = "CE1-Student"              # remove = true deletes a link instead
//! [[rules.groups]]
//! group = "CE1-Student"
//! users = "OUTGOING"              # INCOMING, OUTGOING, BOTH or NONE
//! [[rules.groups]]
//! group = "CP-Relative"
//! relative_student = "BOTH"       # parent↔child direct links (class Relative groups)
//! [[rules.direct]]
//! from = "anne.roy"
//! to = "marc.roy"                 # both_ways = true adds the reverse link
//! ```

mod auth;
mod build;
mod directory;
mod error;
mod ids;
mod model;
mod names;
mod school;
mod search;
mod synthetic;

pub use directory::Directory;
pub use error::{AuthError, Error, NotVisible};
pub use model::{
    Class, Expansion, Group, GroupKind, Internal, Lang, OAuthClient, Profile, ShareBookmark,
    Structure, User, Visible, VisibleKind, Visibles,
};
pub use search::clean as clean_search_text;

/// The demo school's description, embedded at build time.
pub const DEMO_TOML: &str = include_str!("demo.toml");
