//! The wire format of an ENT (Open Digital Education / Edifice entcore) as serde types.
//!
//! Defined once and used by both sides: the client in `messagerie-core` and the compatible
//! server in `ent-server`. The reference is `shared/spec/ent-api.md`; each type's doc names the
//! section it comes from. This crate depends on nothing of ours and holds no logic beyond
//! (de)serialisation.
