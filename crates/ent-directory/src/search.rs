//! Search text cleaning and matching (communication-rules §2.5).

use unicode_normalization::UnicodeNormalization;

/// entcore's cleaning (SV 105-111): accents, whitespace, `-` and `'` removed, lower case.
pub fn clean(text: &str) -> String {
    text.nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .filter(|c| !c.is_whitespace() && *c != '-' && *c != '\'' && *c != '’')
        .flat_map(char::to_lowercase)
        .collect()
}

/// A user's search field: cleaned name parts joined in every order (FVAL 396-410), so any
/// word order and any infix match. Only the first 5 parts are permuted, as entcore does.
pub(crate) fn user_search_field(last_name: &str, first_name: &str) -> String {
    let mut parts: Vec<String> = last_name
        .split(|c: char| c.is_whitespace() || c == '-')
        .chain(first_name.split(|c: char| c.is_whitespace() || c == '-'))
        .map(clean)
        .filter(|p| !p.is_empty())
        .collect();
    parts.truncate(5);
    let mut out = String::new();
    permute(&mut parts, 0, &mut out);
    out
}

fn permute(parts: &mut [String], k: usize, out: &mut String) {
    if k == parts.len() {
        for p in parts.iter() {
            out.push_str(p);
        }
        // A separator no cleaned query can contain, so a match never spans two permutations.
        out.push('|');
        return;
    }
    for i in k..parts.len() {
        parts.swap(k, i);
        permute(parts, k + 1, out);
        parts.swap(k, i);
    }
}

/// A prepared query: the cleaned whole text and its cleaned words.
#[derive(Debug, Clone)]
pub(crate) struct Query {
    whole: String,
    words: Vec<String>,
}

impl Query {
    pub(crate) fn new(text: &str) -> Query {
        Query {
            whole: clean(text),
            words: text
                .split_whitespace()
                .map(clean)
                .filter(|w| !w.is_empty())
                .collect(),
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.whole.is_empty()
    }

    /// entcore's test is `field CONTAINS cleaned(query)`. Deviation (documented in the crate
    /// docs): a query also matches when each of its words is contained, so that "élèves 6a"
    /// finds « Élèves du groupe 6A. » whose cleaned text has "dugroupe" between the two words.
    pub(crate) fn matches(&self, field: &str) -> bool {
        self.whole.is_empty()
            || field.contains(&self.whole)
            || (self.words.len() > 1 && self.words.iter().all(|w| field.contains(w.as_str())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleaning_drops_accents_spaces_dashes_and_apostrophes() {
        assert_eq!(clean("Élèves du groupe 6A."), "elevesdugroupe6a.");
        assert_eq!(clean("D'Artagnan Jean-Luc"), "dartagnanjeanluc");
    }

    #[test]
    fn a_user_is_found_by_any_infix_in_any_word_order() {
        let field = user_search_field("MOREAU", "Léa");
        for q in ["lea", "moreau l", "léa mor", "reau", "LÉA"] {
            assert!(Query::new(q).matches(&field), "{q}");
        }
        assert!(!Query::new("durand").matches(&field));
    }

    #[test]
    fn a_match_never_spans_two_permutations() {
        let field = user_search_field("AB", "CD");
        assert!(!Query::new("cdcd").matches(&field));
    }
}
