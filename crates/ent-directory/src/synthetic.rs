//! A large, deterministic school for benchmarks (`Directory::synthetic`).
//!
//! Shape for `(users, groups)`: one structure; `classes = (groups - 10) / 5` classes (each
//! has 5 profile groups, the structure 5 more), plus manual groups filling the rest, one of
//! them a broadcast list of at least 500 members when there are that many users. Users are
//! about 55 % students, 35 % relatives (one child each), 8 % teachers, 2 % personnel. Names
//! are French, with accents, so search has realistic work to do.

use crate::school::{GroupSpec, School, StructureSpec, UserSpec};

const STRUCTURE: &str = "Cité scolaire Victor Hugo";
const LAST: [&str; 20] = [
    "MARTIN", "BERNARD", "THOMAS", "PETIT", "ROBERT", "RICHARD", "DURAND", "DUBOIS", "MOREAU",
    "LAURENT", "SIMON", "MICHEL", "LEFÈVRE", "LEROY", "ROUX", "DAVID", "BERTRAND", "MOREL",
    "FOURNIER", "GÉRARD",
];
const FIRST: [&str; 20] = [
    "Léa", "Hugo", "Chloé", "Lucas", "Emma", "Gabriel", "Inès", "Raphaël", "Jade", "Louis", "Zoé",
    "Arthur", "Anaïs", "Jules", "Maëlys", "Noé", "Élise", "Théo", "Camille", "Adèle",
];

fn user(
    login: String,
    n: usize,
    profile: &str,
    classes: Vec<String>,
    children: Vec<String>,
) -> UserSpec {
    UserSpec {
        // 7 is coprime with 20, so last and first names pair up differently.
        last_name: LAST[n % LAST.len()].to_string(),
        first_name: FIRST[(n * 7 + n / 20) % FIRST.len()].to_string(),
        login,
        password: Some("demo".to_string()),
        profile: profile.to_string(),
        classes,
        children,
        activated: !(n + 1).is_multiple_of(97),
        ..UserSpec::default()
    }
}

pub(crate) fn school(users: usize, groups: usize) -> School {
    let class_count = (groups.saturating_sub(10) / 5).max(1);
    let manual_count = groups.saturating_sub(5 + 5 * class_count);
    let class_names: Vec<String> = (0..class_count)
        .map(|i| format!("{}{}", 6 - (i % 4), char::from(b'A' + (i / 4 % 26) as u8)))
        .enumerate()
        .map(|(i, n)| {
            if i / 104 > 0 {
                format!("{n}{}", i / 104)
            } else {
                n
            }
        })
        .collect();
    let teachers = (users * 8 / 100).max(1);
    let personnel = (users * 2 / 100).max(1);
    let students = (users * 55 / 100).max(1);
    let relatives = users.saturating_sub(teachers + personnel + students);
    let mut specs = Vec::with_capacity(users);
    for i in 0..teachers {
        let cls = (0..4)
            .map(|k| class_names[(i * 3 + k) % class_count].clone())
            .collect();
        specs.push(user(
            format!("teacher{i}"),
            i,
            "Teacher",
            dedup(cls),
            Vec::new(),
        ));
    }
    for i in 0..personnel {
        specs.push(user(
            format!("staff{i}"),
            i + 3,
            "Personnel",
            class_names.clone(),
            Vec::new(),
        ));
    }
    for i in 0..students {
        let cls = vec![class_names[i % class_count].clone()];
        specs.push(user(
            format!("student{i}"),
            i + 5,
            "Student",
            cls,
            Vec::new(),
        ));
    }
    for i in 0..relatives {
        let child = vec![format!("student{}", i % students)];
        specs.push(user(
            format!("parent{i}"),
            i + 11,
            "Relative",
            Vec::new(),
            child,
        ));
    }
    let mut manual = Vec::new();
    for m in 0..manual_count {
        let (members, broadcast) = if m == 0 {
            // The big one: every student, as a broadcast list written to by teachers.
            ((0..students).map(|i| format!("student{i}")).collect(), true)
        } else {
            (
                (0..teachers)
                    .filter(|t| t % manual_count == m)
                    .map(|t| format!("teacher{t}"))
                    .collect(),
                false,
            )
        };
        manual.push(GroupSpec {
            name: if broadcast {
                "Tous les élèves".to_string()
            } else {
                format!("Équipe projet {m}")
            },
            members,
            members_see_each_other: !broadcast,
            broadcast,
            writers: if broadcast {
                vec![format!("{STRUCTURE}-Teacher")]
            } else {
                Vec::new()
            },
            ..GroupSpec::default()
        });
    }
    School {
        structures: vec![StructureSpec {
            name: STRUCTURE.to_string(),
            uai: None,
            classes: class_names,
        }],
        users: specs,
        groups: manual,
        ..School::default()
    }
}

fn dedup(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v.dedup();
    v
}
