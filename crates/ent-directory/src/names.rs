//! Group display names, computed at read time as entcore does (communication-rules §2.6).

use crate::model::Lang;

/// The translation of i18n key `key`, or `None` when the catalogue has no such key.
/// French: conversation fr.json 123-145; English: conversation en.json 38-56.
fn template(key: &str, lang: Lang) -> Option<&'static str> {
    let (fr, en) = match key {
        "group.Student" => ("Élèves du groupe {0}.", "Students from group {0}."),
        "group.Teacher" => ("Enseignants du groupe {0}.", "Teachers from group {0}."),
        "group.Relative" => ("Parents du groupe {0}.", "Relatives from group {0}."),
        "group.Personnel" => ("Personnels du groupe {0}.", "Staff from group {0}."),
        "group.Guest" => ("Invités du groupe {0}.", "Guests from group {0}."),
        "group.HeadTeacher" => ("Professeurs principaux de {0}.", "Head teachers of {0}."),
        "group.Direction" => ("Directeurs de {0}.", "Management of {0}."),
        "group.AdminLocal" => (
            "Administrateurs locaux de {0}.",
            "Local administrators of {0}.",
        ),
        "group.Func" => ("Personnels de fonction {0}.", "Function staff {0}."),
        "group.Discipline" => ("Enseignants de discipline {0}.", "Discipline teachers {0}."),
        _ => return None,
    };
    Some(match lang {
        Lang::Fr => fr,
        Lang::En => en,
    })
}

/// §2.6: split `name` at its last `-`; the key is `group_display_name` or `group.<suffix>`;
/// translate with the prefix as `{0}`, else keep the raw name. Manual groups carry their own
/// name as `group_display_name`, which is no catalogue key, so they keep their name.
pub fn display_name(name: &str, group_display_name: Option<&str>, lang: Lang) -> String {
    let (arg, suffix) = name.rsplit_once('-').unwrap_or(("", name));
    let key = match group_display_name {
        Some(k) => k.to_string(),
        None => format!("group.{suffix}"),
    };
    match template(&key, lang) {
        Some(t) => t.replace("{0}", arg),
        None => name.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_groups_read_as_the_french_template_with_a_final_period() {
        assert_eq!(
            display_name("6A-Student", None, Lang::Fr),
            "Élèves du groupe 6A."
        );
        assert_eq!(
            display_name("Collège Jean-Moulin-Teacher", None, Lang::Fr),
            "Enseignants du groupe Collège Jean-Moulin."
        );
        assert_eq!(
            display_name("CE1-Relative", None, Lang::Fr),
            "Parents du groupe CE1."
        );
    }

    #[test]
    fn english_uses_the_english_catalogue() {
        assert_eq!(
            display_name("3A-Personnel", None, Lang::En),
            "Staff from group 3A."
        );
    }

    #[test]
    fn manual_groups_keep_their_own_name_even_with_a_profile_like_suffix() {
        let name = "Club-Student";
        assert_eq!(display_name(name, Some(name), Lang::Fr), "Club-Student");
        assert_eq!(display_name("Conseil", None, Lang::Fr), "Conseil");
    }
}
