//! The demo school « Collège Jean Moulin » under the stock rules (§3.1, §3.2).

use std::collections::BTreeSet;

use ent_directory::{AuthError, Directory, Lang, Profile, VisibleKind};

const ALL: &str = "marie.durand paul.martin sophie.bernard hugo.leroy lea.moreau tom.girard \
                   emma.fournier noah.lambert chloe.roussel jules.blanc julien.leroy \
                   claire.moreau anne.girard";
const STAFF_GROUPS: &str = "Collège Jean Moulin-Teacher Collège Jean Moulin-Student \
    Collège Jean Moulin-Relative Collège Jean Moulin-Personnel \
    6A-Teacher 6A-Student 6A-Relative 6A-Personnel 6B-Teacher 6B-Student 6B-Relative \
    6B-Personnel 3A-Teacher 3A-Student 3A-Personnel Conseil pédagogique";

fn id(dir: &Directory, login: &str) -> String {
    dir.user_by_login(login)
        .unwrap_or_else(|| panic!("no {login}"))
        .id
        .clone()
}

/// Splits a list of group names; structure group names contain spaces, so they are rebuilt.
fn group_names(list: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut pending = String::new();
    for word in list.split_whitespace() {
        if !pending.is_empty() {
            pending.push(' ');
        }
        pending.push_str(word);
        let complete = pending.contains('-') || pending == "Conseil pédagogique";
        if complete {
            out.insert(std::mem::take(&mut pending));
        }
    }
    assert!(
        pending.is_empty() || pending == "Conseil",
        "bad group list near {pending:?}"
    );
    out
}

#[test]
fn the_visibility_matrix_of_the_demo_school_follows_the_stock_rules() {
    // Arrange: who sees whom (self included when a group path reaches them, §2.4 include_self)
    // and which groups (raw names; empty groups such as 3A-Relative and Guest never show).
    let s6a = "6A-Student 6A-Personnel 6A-Teacher";
    let s6b = "6B-Student 6B-Personnel 6B-Teacher";
    let s3a = "3A-Student 3A-Personnel 3A-Teacher";
    let r6a = "6A-Relative 6A-Personnel 6A-Student 6A-Teacher";
    let r6b = "6B-Relative 6B-Personnel 6B-Student 6B-Teacher";
    let table: [(&str, &str, &str); 13] = [
        ("marie.durand", ALL, STAFF_GROUPS),
        ("paul.martin", ALL, STAFF_GROUPS),
        ("sophie.bernard", ALL, STAFF_GROUPS),
        (
            "hugo.leroy",
            "hugo.leroy lea.moreau marie.durand sophie.bernard julien.leroy",
            s6a,
        ),
        (
            "lea.moreau",
            "lea.moreau hugo.leroy marie.durand sophie.bernard claire.moreau",
            s6a,
        ),
        (
            "tom.girard",
            "tom.girard emma.fournier jules.blanc paul.martin sophie.bernard anne.girard",
            s6b,
        ),
        (
            "emma.fournier",
            "tom.girard emma.fournier jules.blanc paul.martin sophie.bernard",
            s6b,
        ),
        (
            "jules.blanc",
            "tom.girard emma.fournier jules.blanc paul.martin sophie.bernard",
            s6b,
        ),
        (
            "noah.lambert",
            "noah.lambert chloe.roussel marie.durand paul.martin sophie.bernard",
            s3a,
        ),
        (
            "chloe.roussel",
            "noah.lambert chloe.roussel marie.durand paul.martin sophie.bernard",
            s3a,
        ),
        (
            "julien.leroy",
            "julien.leroy claire.moreau hugo.leroy lea.moreau marie.durand sophie.bernard",
            r6a,
        ),
        (
            "claire.moreau",
            "julien.leroy claire.moreau hugo.leroy lea.moreau marie.durand sophie.bernard",
            r6a,
        ),
        (
            "anne.girard",
            "anne.girard tom.girard emma.fournier jules.blanc paul.martin sophie.bernard",
            r6b,
        ),
    ];
    let dir = Directory::demo();
    assert_eq!(dir.users().count(), 13);

    for (viewer, users, groups) in table {
        // Act
        let visible = dir.visible(&id(&dir, viewer));

        // Assert
        let seen_users: BTreeSet<String> = visible
            .users
            .iter()
            .map(|v| dir.user(&v.id).map(|u| u.login.clone()).unwrap_or_default())
            .collect();
        let expected_users: BTreeSet<String> = users.split_whitespace().map(String::from).collect();
        assert_eq!(seen_users, expected_users, "users visible to {viewer}");
        let seen_groups: BTreeSet<String> = visible
            .groups
            .iter()
            .filter_map(|v| v.name.clone())
            .collect();
        assert_eq!(
            seen_groups,
            group_names(groups),
            "groups visible to {viewer}"
        );
        assert!(visible.users.iter().all(|v| v.kind == VisibleKind::User));
        assert!(visible.groups.iter().all(|v| v.kind == VisibleKind::Group));
    }
}

#[test]
fn the_issue_examples_hold() {
    let dir = Directory::demo();
    let can = |from: &str, to: &str| dir.is_visible(&id(&dir, from), &id(&dir, to));
    for to in [
        "lea.moreau",
        "marie.durand",
        "sophie.bernard",
        "julien.leroy",
    ] {
        assert!(can("hugo.leroy", to), "hugo -> {to}");
    }
    for to in ["paul.martin", "tom.girard", "claire.moreau"] {
        assert!(!can("hugo.leroy", to), "hugo -/-> {to}");
    }
    for to in ["hugo.leroy", "lea.moreau", "claire.moreau", "marie.durand"] {
        assert!(can("julien.leroy", to), "julien -> {to}");
    }
    assert!(!can("julien.leroy", "paul.martin"));
}

#[test]
fn group_names_read_in_french_and_english() {
    let dir = Directory::demo();
    let g = dir.group_by_name("6A-Student").expect("6A-Student");
    assert_eq!(dir.group_display_name(g, Lang::Fr), "Élèves du groupe 6A.");
    assert_eq!(
        dir.group_display_name(g, Lang::En),
        "Students from group 6A."
    );
    let s = dir
        .group_by_name("Collège Jean Moulin-Teacher")
        .expect("structure teachers");
    assert_eq!(
        dir.group_display_name(s, Lang::Fr),
        "Enseignants du groupe Collège Jean Moulin."
    );
    let r = dir.group_by_name("6B-Relative").expect("6B-Relative");
    assert_eq!(dir.group_display_name(r, Lang::Fr), "Parents du groupe 6B.");
    assert_eq!(
        dir.group_display_name(r, Lang::En),
        "Relatives from group 6B."
    );
    let c = dir
        .group_by_name("Conseil pédagogique")
        .expect("manual group");
    assert_eq!(dir.group_display_name(c, Lang::Fr), "Conseil pédagogique");
    assert_eq!(dir.group_display_name(c, Lang::En), "Conseil pédagogique");
}

fn search_names(dir: &Directory, viewer: &str, q: &str, lang: Lang) -> Vec<String> {
    dir.search_visible(&id(dir, viewer), q, lang)
        .into_iter()
        .map(|v| v.display_name)
        .collect()
}

#[test]
fn search_matches_substrings_in_any_word_order_without_accents() {
    let dir = Directory::demo();
    for q in ["lea", "Léa", "moreau l", "léa mor", "orea"] {
        let found = search_names(&dir, "hugo.leroy", q, Lang::Fr);
        assert_eq!(found, ["MOREAU Léa"], "query {q:?}");
    }
    assert_eq!(
        search_names(&dir, "marie.durand", "élèves 6a", Lang::Fr),
        ["Élèves du groupe 6A."]
    );
    assert_eq!(
        search_names(&dir, "marie.durand", "eleves du groupe 6", Lang::Fr).len(),
        2
    );
    assert_eq!(
        search_names(&dir, "marie.durand", "students 3a", Lang::En),
        ["Students from group 3A."]
    );
    assert!(search_names(&dir, "hugo.leroy", "martin", Lang::Fr).is_empty());
}

#[test]
fn a_search_adds_the_visible_family_of_matching_users() {
    // Arrange: a teacher sees Léa and her mother; the pupil Hugo sees Léa but not her mother.
    let dir = Directory::demo();

    // Act
    let for_teacher = search_names(&dir, "marie.durand", "lea", Lang::Fr);
    let for_pupil = search_names(&dir, "hugo.leroy", "lea", Lang::Fr);

    // Assert
    assert_eq!(for_teacher, ["MOREAU Claire", "MOREAU Léa"]);
    assert_eq!(for_pupil, ["MOREAU Léa"]);
}

#[test]
fn search_counts_direct_links_for_pupils() {
    // Hugo reaches his father only through the child→parent direct link; the family rule
    // then brings Hugo himself back as Julien's visible child.
    let dir = Directory::demo();
    assert_eq!(
        search_names(&dir, "hugo.leroy", "julien", Lang::Fr),
        ["LEROY Hugo", "LEROY Julien"]
    );
}

#[test]
fn an_empty_search_returns_everything_visible_users_first() {
    let dir = Directory::demo();
    let all = dir.search_visible(&id(&dir, "hugo.leroy"), "", Lang::Fr);
    assert_eq!(all.len(), 5 + 3);
    assert!(all[..5].iter().all(|v| v.kind == VisibleKind::User));
    let group_names: Vec<&str> = all[5..].iter().map(|v| v.display_name.as_str()).collect();
    assert_eq!(
        group_names,
        [
            "Élèves du groupe 6A.",
            "Enseignants du groupe 6A.",
            "Personnels du groupe 6A."
        ],
        "sorted on cleaned names, so the accented É is not last"
    );
    let group = &all[5];
    assert_eq!(group.wire_type(), "Group");
    assert_eq!(group.group_type, Some("ProfileGroup"));
    assert_eq!(group.sub_type, Some("ClassGroup"));
    assert_eq!(group.structure_name.as_deref(), Some("Collège Jean Moulin"));
}

#[test]
fn legacy_search_filters_users_but_returns_every_group() {
    let dir = Directory::demo();
    let found = dir.visible_legacy_search(&id(&dir, "hugo.leroy"), "lea", Lang::Fr);
    assert_eq!(found.users.len(), 1);
    assert_eq!(found.groups.len(), 3);
}

#[test]
fn expanding_a_group_gives_its_members_once_without_the_sender() {
    // Arrange: 6B-Student (tom, emma, jules) plus tom again, addressed by paul.
    let dir = Directory::demo();
    let g6b = dir
        .group_by_name("6B-Student")
        .expect("6B-Student")
        .id
        .clone();
    let tom = id(&dir, "tom.girard");

    // Act
    let exp = dir.expand(&id(&dir, "paul.martin"), &[g6b, tom.clone(), "nope".into()]);

    // Assert
    let logins: Vec<&str> = exp
        .user_ids
        .iter()
        .filter_map(|u| dir.user(u))
        .map(|u| u.login.as_str())
        .collect();
    assert_eq!(logins, ["tom.girard", "emma.fournier", "jules.blanc"]);
    assert_eq!(exp.inactive_user_ids, [id(&dir, "jules.blanc")]);
    assert_eq!(exp.unknown_ids, ["nope"]);
    assert!(!exp.sender_included);
}

#[test]
fn expanding_a_group_the_sender_belongs_to_leaves_the_sender_out_and_says_so() {
    let dir = Directory::demo();
    let conseil = dir
        .group_by_name("Conseil pédagogique")
        .expect("conseil")
        .id
        .clone();
    let exp = dir.expand(&id(&dir, "marie.durand"), &[conseil]);
    assert_eq!(
        exp.user_ids,
        [id(&dir, "paul.martin"), id(&dir, "sophie.bernard")]
    );
    assert!(exp.sender_included);
}

#[test]
fn expansion_is_one_level_only() {
    // The structure Student group's members are the pupils themselves, not its class groups.
    let dir = Directory::demo();
    let g = dir
        .group_by_name("Collège Jean Moulin-Student")
        .expect("students")
        .id
        .clone();
    let exp = dir.expand(&id(&dir, "marie.durand"), &[g]);
    assert_eq!(exp.user_ids.len(), 7);
    assert!(exp
        .user_ids
        .iter()
        .all(|u| dir.user(u).is_some_and(|u| u.profile == Profile::Student)));
}

#[test]
fn sending_to_someone_not_visible_is_refused_as_a_whole() {
    let dir = Directory::demo();
    let (hugo, lea, paul, tom) = (
        id(&dir, "hugo.leroy"),
        id(&dir, "lea.moreau"),
        id(&dir, "paul.martin"),
        id(&dir, "tom.girard"),
    );
    let err = dir.can_send(
        &hugo,
        &[lea.clone(), paul.clone(), tom.clone(), paul.clone()],
        &[],
    );
    assert_eq!(err.map_err(|e| e.ids), Err(vec![paul.clone(), tom]));
    assert_eq!(dir.can_send(&hugo, &[lea], &[]), Ok(()));
    assert_eq!(dir.can_send(&hugo, &[], &[]), Ok(()));
}

#[test]
fn a_reply_may_address_the_parent_participants_even_when_not_visible() {
    let dir = Directory::demo();
    let (hugo, paul) = (id(&dir, "hugo.leroy"), id(&dir, "paul.martin"));
    assert!(dir
        .can_send(
            &hugo,
            std::slice::from_ref(&paul),
            std::slice::from_ref(&paul)
        )
        .is_ok());
}

#[test]
fn forged_ids_and_groups_outside_the_visible_set_are_refused() {
    let dir = Directory::demo();
    let hugo = id(&dir, "hugo.leroy");
    let g6b = dir.group_by_name("6B-Student").expect("6B").id.clone();
    let empty = dir
        .group_by_name("3A-Relative")
        .expect("3A-Relative")
        .id
        .clone();
    let marie = id(&dir, "marie.durand");
    assert!(dir.can_send(&hugo, &[g6b], &[]).is_err());
    assert!(
        dir.can_send(&marie, &[empty], &[]).is_err(),
        "empty groups are not addressable"
    );
    assert!(dir.can_send(&hugo, &["forged".to_string()], &[]).is_err());
    assert!(dir.can_send("unknown-sender", &[marie], &[]).is_err());
}

#[test]
fn demo_accounts_sign_in_with_demo_and_jules_is_not_activated() {
    let dir = Directory::demo();
    assert_eq!(
        dir.verify_password("marie.durand", "demo")
            .map(|u| u.login.as_str()),
        Ok("marie.durand")
    );
    assert_eq!(
        dir.verify_password("marie.durand", "wrong").err(),
        Some(AuthError::WrongPassword)
    );
    assert_eq!(
        dir.verify_password("nobody", "demo").err(),
        Some(AuthError::UnknownLogin)
    );
    assert_eq!(
        dir.verify_password("jules.blanc", "demo").err(),
        Some(AuthError::NotActivated)
    );
}

#[test]
fn the_demo_oauth_client_checks_its_secret() {
    let dir = Directory::demo();
    let c = dir.oauth_client("messagerie-desktop").expect("client");
    assert!(c.check_secret("demo-secret"));
    assert!(!c.check_secret("demo-secreT"));
    assert!(c.allows_grant("password") && c.allows_grant("refresh_token"));
    assert!(c.allows_scopes(["conversation", "userinfo", "communication"]));
    assert!(!format!("{c:?}").contains("demo-secret"));
    assert!(dir.oauth_client("other").is_none());
}

#[test]
fn user_fields_follow_entcore() {
    let dir = Directory::demo();
    let julien = dir.user_by_login("julien.leroy").expect("julien");
    let hugo = dir.user_by_login("hugo.leroy").expect("hugo");
    assert_eq!(julien.display_name, "LEROY Julien");
    assert_eq!(julien.profile.as_str(), "Relative");
    assert_eq!(julien.children_ids, std::slice::from_ref(&hugo.id));
    assert_eq!(hugo.relative_ids, std::slice::from_ref(&julien.id));
    assert_eq!(
        julien.class_names,
        ["6A"],
        "a relative follows the child's class"
    );
    assert_eq!(
        dir.structure_name(&hugo.structure_ids[0]),
        Some("Collège Jean Moulin")
    );
    let groups: BTreeSet<String> = dir
        .user_groups(&hugo.id)
        .into_iter()
        .map(|g| g.name.clone())
        .collect();
    assert_eq!(
        groups,
        group_names("Collège Jean Moulin-Student 6A-Student")
    );
    assert!(!format!("{hugo:?}").contains("argon2"));
}

#[test]
fn ids_are_stable_across_two_loads() {
    let (a, b) = (
        Directory::demo(),
        Directory::from_toml(ent_directory::DEMO_TOML).expect("demo"),
    );
    let ids = |d: &Directory| {
        let mut v: Vec<String> = d.users().map(|u| format!("{}={}", u.login, u.id)).collect();
        v.extend(d.groups().map(|g| format!("{}={}", g.name, g.id)));
        v.extend(d.structures().map(|s| format!("{}={}", s.name, s.id)));
        v
    };
    assert_eq!(ids(&a), ids(&b));
}

#[test]
fn group_members_are_listed_only_when_individually_visible() {
    // Arrange: a pupil sees his class group and its members; a teacher group is OUTGOING.
    let dir = Directory::demo();
    let hugo = id(&dir, "hugo.leroy");
    let g6a = dir.group_by_name("6A-Student").expect("6A").id.clone();
    let conseil = dir
        .group_by_name("Conseil pédagogique")
        .expect("conseil")
        .id
        .clone();

    // Act
    let classmates: Vec<String> = dir
        .visible_members(&hugo, &g6a)
        .into_iter()
        .map(|v| v.display_name)
        .collect();
    let council = dir.visible_members(&hugo, &conseil);

    // Assert
    assert_eq!(classmates, ["LEROY Hugo", "MOREAU Léa"]);
    assert!(council.iter().all(|v| v.display_name != "MARTIN Paul"));
}

#[test]
fn a_directory_can_be_shared_between_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Directory>();
}
