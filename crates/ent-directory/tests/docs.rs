//! The school description example in the crate docs is a valid school.

use ent_directory::{Directory, Internal};

fn doc_example() -> String {
    let lib = include_str!("../src/lib.rs");
    let mut inside = false;
    let mut out = String::new();
    for line in lib.lines() {
        let text = line
            .strip_prefix("//!")
            .map(|t| t.strip_prefix(' ').unwrap_or(t));
        match text {
            Some("```toml") => inside = true,
            Some("```") if inside => break,
            Some(t) if inside => {
                out.push_str(t);
                out.push('\n');
            }
            _ => {}
        }
    }
    out
}

#[test]
fn the_documented_example_loads_and_applies_its_overrides() {
    // Arrange
    let text = doc_example();
    assert!(
        text.contains("[[structures]]"),
        "example not found in lib.rs"
    );

    // Act
    let dir = Directory::from_toml(&text).expect("the documented example is valid");

    // Assert
    let ce1 = dir.group_by_name("CE1-Student").expect("CE1-Student");
    let cp = dir.group_by_name("CP-Student").expect("CP-Student");
    assert_eq!(ce1.internal, Internal::Outgoing);
    assert!(
        cp.communique_with.contains(&ce1.id),
        "the CP→CE1 link was added"
    );
    let anne = dir.user_by_login("anne.roy").expect("anne");
    let marc = dir.user_by_login("marc.roy").expect("marc");
    assert!(dir.is_visible(&anne.id, &marc.id));
    assert!(
        dir.verify_password("eva.roy", "secret").is_err(),
        "eva is not activated"
    );
    assert!(dir.oauth_client("messagerie-desktop").is_some());
}
