//! The text of a message body (spec §1.4: an HTML fragment), for whoever needs words rather
//! than markup: the search index of the server and of the client, the first line of a
//! notification, a body too deep to parse safely.
//!
//! One linear pass over the characters, no tree and no recursion, so any input (unclosed tags,
//! 100,000 nested `<div>`, a lone `<`) costs time proportional to its length and cannot panic.
//! Tags are dropped; a block tag (`<p>`, `<div>`, `<br>`, `<li>`, …) ends a line; table cells are
//! separated by a space; `<script>`, `<style>` and comments contribute nothing; entities are
//! decoded (the XML five, `&nbsp;` as a space, French letters and common punctuation, and every
//! numeric reference); white space is collapsed as a browser does and blank lines are dropped.
//! It is not a sanitizer: the result is text, to be escaped before it goes back into HTML.

/// Tags that end a line of text, as their default CSS display (block or line break) would.
const BLOCK: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "br",
    "dd",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "tr",
    "ul",
];

/// Tags whose content is not text a reader sees.
const HIDDEN: &[&str] = &["script", "style", "template", "title", "head"];

/// Longest entity name looked up (`&thetasym;`); anything longer is text.
const MAX_ENTITY: usize = 10;

/// Named entities decoded: the XML five, the space, and what French text and office editors
/// produce. Anything else stays as written.
const ENTITIES: &[(&str, char)] = &[
    ("amp", '&'),
    ("lt", '<'),
    ("gt", '>'),
    ("quot", '"'),
    ("apos", '\''),
    ("nbsp", ' '),
    ("agrave", 'à'),
    ("acirc", 'â'),
    ("auml", 'ä'),
    ("ccedil", 'ç'),
    ("eacute", 'é'),
    ("egrave", 'è'),
    ("ecirc", 'ê'),
    ("euml", 'ë'),
    ("icirc", 'î'),
    ("iuml", 'ï'),
    ("ocirc", 'ô'),
    ("ouml", 'ö'),
    ("ugrave", 'ù'),
    ("ucirc", 'û'),
    ("uuml", 'ü'),
    ("yuml", 'ÿ'),
    ("Agrave", 'À'),
    ("Acirc", 'Â'),
    ("Ccedil", 'Ç'),
    ("Eacute", 'É'),
    ("Egrave", 'È'),
    ("Ecirc", 'Ê'),
    ("Euml", 'Ë'),
    ("Icirc", 'Î'),
    ("Iuml", 'Ï'),
    ("Ocirc", 'Ô'),
    ("Ugrave", 'Ù'),
    ("Ucirc", 'Û'),
    ("oelig", 'œ'),
    ("OElig", 'Œ'),
    ("aelig", 'æ'),
    ("AElig", 'Æ'),
    ("laquo", '«'),
    ("raquo", '»'),
    ("lsquo", '‘'),
    ("rsquo", '’'),
    ("ldquo", '“'),
    ("rdquo", '”'),
    ("ndash", '–'),
    ("mdash", '—'),
    ("hellip", '…'),
    ("euro", '€'),
    ("deg", '°'),
    ("copy", '©'),
    ("reg", '®'),
    ("middot", '·'),
    ("bull", '•'),
];

/// The text of an HTML body: one line per block, words separated by single spaces, no blank
/// line, entities decoded. See the module documentation for the rules.
pub fn html_to_text(html: &str) -> String {
    let mut raw = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find(['<', '&']) {
        push_text(&mut raw, &rest[..at]);
        rest = &rest[at..];
        if rest.starts_with('&') {
            let (decoded, used) = entity(rest);
            push_text(&mut raw, decoded.encode_utf8(&mut [0; 4]));
            rest = &rest[used..];
            continue;
        }
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |end| &after[end + 3..]);
            continue;
        }
        match tag(rest) {
            Some((name, closing, len)) => {
                rest = &rest[len..];
                let name = name.to_ascii_lowercase();
                if !closing && HIDDEN.contains(&name.as_str()) {
                    rest = skip_hidden(rest, &name);
                } else if BLOCK.contains(&name.as_str()) {
                    raw.push('\n');
                } else if name == "td" || name == "th" {
                    raw.push(' ');
                }
            }
            // A `<` that opens no tag is text, as in a browser.
            None => {
                raw.push('<');
                rest = &rest[1..];
            }
        }
    }
    push_text(&mut raw, rest);
    let mut out = String::with_capacity(raw.len());
    for line in raw.lines() {
        let mut words = line.split_whitespace().peekable();
        if words.peek().is_none() {
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        for (i, word) in words.enumerate() {
            if i > 0 {
                out.push(' ');
            }
            out.push_str(word);
        }
    }
    out
}

/// Text as written: its line breaks are white space (only block tags end lines).
fn push_text(raw: &mut String, text: &str) {
    raw.extend(
        text.chars()
            .map(|c| if c == '\n' || c == '\r' { ' ' } else { c }),
    );
}

/// A tag at the start of `s` (which starts with `<`): its name, whether it closes, and its
/// length up to and including the `>` (quoted attribute values may hold `>`). `None` when `<`
/// is not followed by a letter, `/` + letter, `!` or `?`. An unterminated tag runs to the end.
fn tag(s: &str) -> Option<(&str, bool, usize)> {
    let body = &s[1..];
    let (closing, name_at) = match body.chars().next()? {
        '/' => (true, 2),
        '!' | '?' => (false, 1),
        c if c.is_ascii_alphabetic() => (false, 1),
        _ => return None,
    };
    let after = &s[name_at..];
    if closing && !after.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    let name_len = after
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(after.len());
    let name = &after[..name_len];
    let attrs_at = name_at + name_len;
    let mut quote: Option<u8> = None;
    // Bytes, not chars: `"`, `'` and `>` are ASCII and never part of a UTF-8 sequence.
    for (i, &b) in s.as_bytes()[attrs_at..].iter().enumerate() {
        match (quote, b) {
            (Some(q), b) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(b),
            (None, b'>') => return Some((name, closing, attrs_at + i + 1)),
            (None, _) => {}
        }
    }
    Some((name, closing, s.len()))
}

/// What follows the closing tag of a hidden element named `name` (all of it when unclosed).
fn skip_hidden<'a>(s: &'a str, name: &str) -> &'a str {
    let mut from = 0;
    while let Some(at) = s[from..].find("</") {
        let start = from + at;
        let candidate = &s[start + 2..];
        if candidate.len() >= name.len()
            && candidate.is_char_boundary(name.len())
            && candidate[..name.len()].eq_ignore_ascii_case(name)
            && !candidate[name.len()..].starts_with(|c: char| c.is_ascii_alphanumeric())
        {
            return match tag(&s[start..]) {
                Some((_, _, len)) => &s[start + len..],
                None => "",
            };
        }
        from = start + 2;
    }
    ""
}

/// The character an entity at the start of `s` (which starts with `&`) stands for, and how many
/// bytes it used; a `&` that starts no known entity is itself.
fn entity(s: &str) -> (char, usize) {
    let not_one = ('&', 1);
    // Only a few bytes are looked at, so a body of a million `&` stays linear.
    let Some(end) = s.as_bytes()[1..]
        .iter()
        .take(MAX_ENTITY + 1)
        .position(|&b| b == b';')
    else {
        return not_one;
    };
    let name = &s[1..1 + end];
    let used = end + 2;
    if let Some(number) = name.strip_prefix('#') {
        let code = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16),
            None => number.parse::<u32>(),
        };
        return match code {
            // A reference to nothing, to NUL or to a surrogate reads as U+FFFD (the HTML standard's
            // "numeric character reference end state").
            Ok(0) => ('\u{fffd}', used),
            Ok(code) => (char::from_u32(code).unwrap_or('\u{fffd}'), used),
            Err(_) => not_one,
        };
    }
    ENTITIES
        .iter()
        .find(|(n, _)| *n == name)
        .map_or(not_one, |(_, c)| (*c, used))
}

/// The months as the ENT writes them in French dates (« 3 mars 2026 »: its `LL` format), from
/// janvier to décembre.
pub const MONTHS_FR: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

#[cfg(test)]
mod tests {
    use super::html_to_text;

    #[test]
    fn tags_go_and_blocks_end_lines() {
        assert_eq!(
            html_to_text("<p>Bonjour à tous,</p><div>la sortie est <b>jeudi</b>.</div>"),
            "Bonjour à tous,\nla sortie est jeudi."
        );
        assert_eq!(html_to_text("un<br>deux<br/>trois"), "un\ndeux\ntrois");
        assert_eq!(html_to_text("<b>Bon</b>jour"), "Bonjour");
        assert_eq!(
            html_to_text("<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>"),
            "a b\nc"
        );
        assert_eq!(html_to_text("<P CLASS=x>Un</P><LI>deux"), "Un\ndeux");
    }

    #[test]
    fn entities_are_decoded_once() {
        assert_eq!(
            html_to_text("Caf&eacute; &amp; th&#39;&nbsp;é &#x41;&#66; &laquo;x&raquo;"),
            "Café & th' é AB «x»"
        );
        // Decoded once: `&amp;lt;` is the text `&lt;`, not `<`.
        assert_eq!(html_to_text("&amp;lt;b&amp;gt;"), "&lt;b&gt;");
        // Unknown, unterminated or absurd references stay as written or become U+FFFD.
        assert_eq!(html_to_text("&bogus; & &amp"), "&bogus; & &amp");
        assert_eq!(
            html_to_text("&#0;&#xD800;&#1114112;"),
            "\u{fffd}\u{fffd}\u{fffd}"
        );
        assert_eq!(
            html_to_text("&#99999999999999999999;"),
            "&#99999999999999999999;"
        );
    }

    #[test]
    fn white_space_collapses_and_blank_lines_go() {
        assert_eq!(
            html_to_text("  <div><br></div>\n\n<p>  un \t  deux\r\n trois </p>  <p> </p>x "),
            "un deux trois\nx"
        );
        assert_eq!(html_to_text(""), "");
        assert_eq!(html_to_text("<p></p><br><div>   </div>"), "");
    }

    #[test]
    fn nested_markup_keeps_its_text_in_order() {
        let quoted = "<p>Merci</p><div class=\"conversation-history\"><p>De : A</p>\
                      <blockquote><div><p>Le <i>texte <u>cité</u></i></p></div></blockquote></div>";
        assert_eq!(html_to_text(quoted), "Merci\nDe : A\nLe texte cité");
    }

    #[test]
    fn hostile_input_gives_text_only_and_never_panics() {
        assert_eq!(
            html_to_text(
                "a<script>alert('<p>x</p>')</script>b<style>p{}</style>c<!-- <p>z --></p>d"
            ),
            "abc\nd"
        );
        assert_eq!(
            html_to_text("<a title=\"x>y\" href='>'>lien</a>"),
            "lien",
            "a `>` inside a quoted attribute does not end the tag"
        );
        assert_eq!(
            html_to_text("1 < 2 et 3 <= 4, </ 5"),
            "1 < 2 et 3 <= 4, </ 5"
        );
        assert_eq!(html_to_text("avant<script>jamais fermé"), "avant");
        assert_eq!(html_to_text("<p unterminated"), "");
        assert_eq!(html_to_text("<!-- jamais fermé"), "");
        assert_eq!(html_to_text("x<SCRIPT>y</ScRiPt>z"), "xz");
        assert_eq!(html_to_text("x<script>a</scripts>b</script>y"), "xy");
        let ampersands = "&".repeat(1_000_000);
        assert_eq!(html_to_text(&ampersands), ampersands);
        assert_eq!(html_to_text("é<scriptélan>ü</script>ô"), "éô");
        let deep = "<div><span><b>".repeat(50_000) + "fond" + &"</b></span></div>".repeat(50_000);
        assert_eq!(html_to_text(&deep), "fond");
        for junk in [
            "<",
            "&",
            "<<>>",
            "</",
            "<!",
            "&#",
            "&#x;",
            "<a '",
            "<a \"",
            "\u{0}<\u{0}>",
        ] {
            let _ = html_to_text(junk);
        }
    }
}
