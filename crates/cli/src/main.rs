//! `messagerie-cli`: the mailbox from a terminal, for scripts and power users.
fn main() {}
