//! The synthetic school used by benchmarks has the promised shape and the stock rules.

use ent_directory::{Directory, Lang, Profile};

#[test]
fn a_synthetic_school_has_the_requested_size_and_a_group_of_at_least_500() {
    // Act
    let dir = Directory::synthetic(2000, 300);

    // Assert
    assert_eq!(dir.users().count(), 2000);
    assert_eq!(dir.groups().count(), 300);
    assert!(dir.groups().any(|g| g.member_ids.len() >= 500));
    let teacher = dir.user_by_login("teacher0").expect("teacher0");
    // §3.2: a teacher sees every account of the structure (the school has no blocked one).
    assert_eq!(dir.visible(&teacher.id).users.len(), 2000);
    let pupil = dir.user_by_login("student0").expect("student0");
    let seen = dir.visible(&pupil.id);
    let relatives = seen
        .users
        .iter()
        .filter(|v| v.profile == Some(Profile::Relative))
        .count();
    assert_eq!(
        relatives,
        pupil.relative_ids.len(),
        "a pupil sees their own parents only"
    );
    assert!(
        seen.users.len() < 100,
        "a pupil sees their class, not the school"
    );
    assert!(!dir.search_visible(&teacher.id, "léa", Lang::Fr).is_empty());
    assert!(dir.verify_password("teacher0", "demo").is_ok());
}

#[test]
fn synthetic_schools_are_deterministic() {
    let (a, b) = (Directory::synthetic(300, 60), Directory::synthetic(300, 60));
    let ids = |d: &Directory| d.users().map(|u| u.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&a), ids(&b));
}
