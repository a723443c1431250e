//! Share bookmarks: a user's named lists of users and groups, listed to him alone.

use ent_directory::{Directory, Error};

const SCHOOL: &str = r#"
[[structures]]
name = "École"
classes = ["CP"]

[[users]]
login = "anne"
password = "pw"
last_name = "ROY"
first_name = "Anne"
profile = "Teacher"
classes = ["CP"]

[[users]]
login = "eva"
password = "pw"
last_name = "ROY"
first_name = "Eva"
profile = "Student"
classes = ["CP"]

[[groups]]
name = "Chorale"
members = ["anne", "eva"]
"#;

fn school(extra: &str) -> Result<Directory, Error> {
    Directory::from_toml(&format!("{SCHOOL}{extra}"))
}

#[test]
fn a_users_bookmarks_are_his_alone_by_name_and_an_empty_one_is_not_listed() {
    let dir = school(
        r#"
[[share_bookmarks]]
owner = "anne"
name = "Élèves chanteurs"
members = ["eva", "Chorale"]

[[share_bookmarks]]
owner = "anne"
name = "Amis"
members = ["eva"]

[[share_bookmarks]]
owner = "anne"
name = "Vide"

[[share_bookmarks]]
owner = "eva"
name = "Les miens"
members = ["anne"]
"#,
    )
    .unwrap();
    let anne = dir.user_by_login("anne").unwrap().id.clone();
    let eva = dir.user_by_login("eva").unwrap().id.clone();
    let names = |owner: &str, q: &str| -> Vec<String> {
        dir.share_bookmarks(owner, q)
            .into_iter()
            .map(|b| b.name.clone())
            .collect()
    };
    assert_eq!(names(&anne, ""), ["Amis", "Élèves chanteurs"]);
    assert_eq!(names(&anne, "eleves"), ["Élèves chanteurs"]);
    assert!(names(&anne, "vide").is_empty(), "no members: not listed");
    assert_eq!(names(&eva, ""), ["Les miens"]);
    let chorale = dir.share_bookmarks(&anne, "chant")[0];
    assert_eq!(chorale.member_ids.len(), 2);
    assert_eq!(chorale.owner_id, anne);
}

#[test]
fn a_bookmark_naming_someone_unknown_or_twice_the_same_name_is_refused() {
    let unknown = school("[[share_bookmarks]]\nowner='anne'\nname='X'\nmembers=['ghost']\n")
        .err()
        .unwrap();
    assert!(unknown.to_string().contains("ghost"), "{unknown}");
    let owner = school("[[share_bookmarks]]\nowner='nobody'\nname='X'\n")
        .err()
        .unwrap();
    assert!(owner.to_string().contains("nobody"), "{owner}");
    let twice = school(
        "[[share_bookmarks]]\nowner='anne'\nname='X'\n[[share_bookmarks]]\nowner='anne'\nname='X'\n",
    )
    .err()
    .unwrap();
    assert!(matches!(twice, Error::Duplicate { .. }), "{twice}");
}
