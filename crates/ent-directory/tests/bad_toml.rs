//! A bad school description is refused with an error naming the entry, never a panic.

use ent_directory::{Directory, Error};

const HEAD: &str = r#"
[[structures]]
name = "École"
classes = ["CP"]

[[users]]
login = "eva"
password = "pw"
last_name = "ROY"
first_name = "Eva"
profile = "Student"
classes = ["CP"]
"#;

fn err(extra: &str) -> Error {
    match Directory::from_toml(&format!("{HEAD}{extra}")) {
        Ok(_) => panic!("accepted: {extra}"),
        Err(e) => e,
    }
}

#[test]
fn each_bad_entry_is_named_in_the_error() {
    let cases: [(&str, &str, &str); 12] = [
        ("[[users]]\nlogin='eva'\npassword='x'\nlast_name='A'\nfirst_name='B'\nprofile='Student'\n", "duplicate", "\"eva\""),
        ("[[users]]\nlogin='bob'\npassword='x'\nlast_name='A'\nfirst_name='B'\nprofile='Student'\nclasses=['CM2']\n", "unknown", "CM2"),
        ("[[users]]\nlogin='bob'\npassword='x'\nlast_name='A'\nfirst_name='B'\nprofile='Pupil'\n", "invalid", "Pupil"),
        ("[[users]]\nlogin='bob'\nlast_name='A'\nfirst_name='B'\nprofile='Student'\n", "invalid", "bob"),
        ("[[users]]\nlogin='bob'\npassword='x'\nlast_name='A'\nfirst_name='B'\nprofile='Relative'\nchildren=['zoe']\n", "unknown", "zoe"),
        ("[[users]]\nlogin='t'\npassword='x'\nlast_name='A'\nfirst_name='B'\nprofile='Teacher'\n[[users]]\nlogin='bob'\npassword='x'\nlast_name='A'\nfirst_name='B'\nprofile='Relative'\nchildren=['t']\n", "invalid", "not a Student"),
        ("[[users]]\nlogin='bob'\npassword='x'\nlast_name='A'\nfirst_name='B'\nprofile='Teacher'\nchildren=['eva']\n", "invalid", "bob"),
        ("[[groups]]\nname='Club'\nmembers=['ghost']\n", "unknown", "ghost"),
        ("[[groups]]\nname='Club'\nbroadcast=true\nmembers_see_each_other=true\n", "invalid", "Club"),
        ("[rules]\n[[rules.links]]\nfrom='CP-Student'\nto='CP-Nobody'\n", "unknown", "CP-Nobody"),
        ("[rules]\n[[rules.groups]]\ngroup='CP-Student'\nusers='SOMETIMES'\n", "invalid", "SOMETIMES"),
        ("[[users]]\nlogin='bob'\npasword='typo'\nlast_name='A'\nfirst_name='B'\nprofile='Student'\n", "syntax", "pasword"),
    ];
    for (extra, kind, needle) in cases {
        let e = err(extra);
        assert_eq!(e.kind(), kind, "{extra} gave {e}");
        assert!(e.to_string().contains(needle), "{e} should name {needle}");
    }
}

#[test]
fn text_that_is_not_toml_is_a_syntax_error() {
    assert_eq!(err("[[users]\n").kind(), "syntax");
}

#[test]
fn two_schools_need_users_to_name_theirs() {
    let e = err("[[structures]]\nname='Autre'\n[[users]]\nlogin='bob'\npassword='x'\nlast_name='A'\nfirst_name='B'\nprofile='Teacher'\n");
    assert_eq!(e.kind(), "invalid");
    assert!(e.to_string().contains("bob"));
}
