//! Small schools written for one rule each: overrides, blocked accounts, broadcast lists.

use ent_directory::{AuthError, Directory, Lang};

const BASE: &str = r#"
[[structures]]
name = "École"
classes = ["CP", "CE1"]

[[users]]
login = "prof"
password = "pw"
last_name = "PROF"
first_name = "Anne"
profile = "Teacher"
classes = ["CP"]

[[users]]
login = "eva"
password = "pw"
last_name = "ROY"
first_name = "Éva"
profile = "Student"
classes = ["CP"]

[[users]]
login = "max"
password = "pw"
last_name = "DUPONT"
first_name = "Max"
profile = "Student"
classes = ["CE1"]

[[users]]
login = "invite"
password = "pw"
last_name = "INVITÉ"
first_name = "Iris"
profile = "Guest"
"#;

fn load(extra: &str) -> Directory {
    Directory::from_toml(&format!("{BASE}{extra}")).expect("valid school")
}

fn id(dir: &Directory, login: &str) -> String {
    dir.user_by_login(login).expect("user").id.clone()
}

fn sees(dir: &Directory, viewer: &str, login: &str) -> bool {
    dir.is_visible(&id(dir, viewer), &id(dir, login))
}

#[test]
fn a_guest_sees_nobody_under_the_stock_rules() {
    let dir = load("");
    let v = dir.visible(&id(&dir, "invite"));
    assert!(v.users.is_empty() && v.groups.is_empty());
}

#[test]
fn pupils_of_two_classes_do_not_see_each_other_until_a_link_is_added() {
    let plain = load("");
    assert!(!sees(&plain, "eva", "max"));
    let linked = load(
        r#"
[rules]
[[rules.links]]
from = "CP-Student"
to = "CE1-Student"
"#,
    );
    assert!(linked.is_visible(
        &id(&linked, "eva"),
        &linked.group_by_name("CE1-Student").expect("g").id
    ));
    assert!(
        sees(&linked, "eva", "max"),
        "CE1-Student is BOTH, so its members are reachable"
    );
    assert!(!sees(&linked, "max", "eva"), "links are one-way");
}

#[test]
fn a_target_group_set_to_incoming_is_visible_without_its_members() {
    let dir = load(
        r#"
[rules]
[[rules.links]]
from = "CP-Student"
to = "CE1-Student"
[[rules.groups]]
group = "CE1-Student"
users = "INCOMING"
"#,
    );
    let v = dir.visible(&id(&dir, "eva"));
    assert!(v
        .groups
        .iter()
        .any(|g| g.name.as_deref() == Some("CE1-Student")));
    assert!(!sees(&dir, "eva", "max"));
}

#[test]
fn a_class_student_group_set_to_none_silences_its_pupils() {
    let dir = load(
        r#"
[rules]
[[rules.groups]]
group = "CP-Student"
users = "NONE"
"#,
    );
    assert!(dir.visible(&id(&dir, "eva")).users.is_empty());
    assert!(
        sees(&dir, "prof", "eva"),
        "the teacher still reaches her through the structure"
    );
}

#[test]
fn removing_a_default_link_takes_effect() {
    let dir = load(
        r#"
[rules]
[[rules.links]]
from = "CP-Student"
to = "CP-Teacher"
remove = true
"#,
    );
    assert!(!sees(&dir, "eva", "prof"));
}

#[test]
fn without_defaults_nobody_sees_anybody() {
    let dir = load("[rules]\ndefaults = false\n");
    for u in ["prof", "eva", "max", "invite"] {
        assert!(dir.visible(&id(&dir, u)).users.is_empty(), "{u}");
    }
}

#[test]
fn a_direct_link_counts_for_sending_but_not_in_a_guests_search() {
    let dir = load(
        r#"
[rules]
[[rules.direct]]
from = "invite"
to = "prof"
"#,
    );
    let guest = id(&dir, "invite");
    assert!(sees(&dir, "invite", "prof"));
    assert!(
        !sees(&dir, "prof", "invite"),
        "direct links are one-way unless both_ways"
    );
    assert!(
        dir.search_visible(&guest, "prof", Lang::Fr).is_empty(),
        "§2.4 include_direct"
    );
    assert!(dir.can_send(&guest, &[id(&dir, "prof")], &[]).is_ok());
}

#[test]
fn a_blocked_user_is_never_visible_cannot_sign_in_but_is_still_delivered_to() {
    let dir = Directory::from_toml(&BASE.replace(
        "first_name = \"Éva\"",
        "first_name = \"Éva\"\nblocked = true",
    ))
    .expect("school");
    let eva = id(&dir, "eva");
    assert!(!sees(&dir, "prof", "eva"));
    assert_eq!(
        dir.verify_password("eva", "pw").err(),
        Some(AuthError::Blocked)
    );
    assert_eq!(
        dir.verify_password("eva", "bad").err(),
        Some(AuthError::WrongPassword)
    );
    let cp = dir.group_by_name("CP-Student").expect("CP").id.clone();
    assert_eq!(dir.expand(&id(&dir, "prof"), &[cp]).user_ids, [eva]);
}

#[test]
fn a_broadcast_list_is_cci_only_and_hides_its_members() {
    let dir = load(
        r#"
[[groups]]
name = "Tous les élèves"
members = ["eva", "max"]
broadcast = true
writers = ["CP-Student"]
"#,
    );
    let v = dir.visible(&id(&dir, "eva"));
    let list = v
        .groups
        .iter()
        .find(|g| g.display_name == "Tous les élèves")
        .expect("list visible");
    assert_eq!(list.wire_type(), "BroadcastGroup");
    assert_eq!(list.used_in, ["CCI"]);
    assert_eq!(list.member_count, Some(2));
    assert!(
        !sees(&dir, "eva", "max"),
        "members of a broadcast list are not reachable one by one"
    );
    assert_eq!(
        dir.expand(&id(&dir, "eva"), std::slice::from_ref(&list.id))
            .user_ids,
        [id(&dir, "max")]
    );
}

#[test]
fn a_manual_group_whose_members_see_each_other_is_visible_to_them() {
    let dir = load(
        r#"
[[groups]]
name = "Chorale"
members = ["eva", "max"]
members_see_each_other = true
"#,
    );
    assert!(sees(&dir, "eva", "max") && sees(&dir, "max", "eva"));
    assert!(!sees(&dir, "prof", "invite"));
}

#[test]
fn relative_student_both_lets_the_parent_write_to_the_child_directly() {
    let school = format!(
        "{BASE}{}",
        r#"
[[users]]
login = "papa"
password = "pw"
last_name = "ROY"
first_name = "Paul"
profile = "Relative"
children = ["eva"]

[rules]
defaults = false
[[rules.groups]]
group = "CP-Relative"
relative_student = "BOTH"
"#
    );
    let dir = Directory::from_toml(&school).expect("school");
    assert!(sees(&dir, "papa", "eva") && sees(&dir, "eva", "papa"));
}
