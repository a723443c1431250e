//! Message bodies are hostile until proven otherwise: [`sanitize`] keeps the formatting the ENT's
//! editor produces and drops everything that runs, loads or submits (scripts, event handlers,
//! frames, forms, remote CSS, `javascript:` links). The app shows the result in a sandboxed
//! frame as well; this is the first of the two walls.

use std::borrow::Cow;
use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::message::Attachment;

/// A sanitized body and what the window needs to know about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SafeBody {
    pub html: String,
    /// The body shows images from the web: blocked until the user allows them.
    pub remote_images: bool,
    /// The distinct http, https and mailto links, in order.
    pub links: Vec<String>,
    /// The body shows the ENT's own workspace images (`/workspace/document/{id}`, what the
    /// ENT's editor inserts): the app fetches them with the session and shows them at once
    /// ([`crate::ent_images`]); the window never loads them itself.
    pub ent_images: bool,
    /// The documents of the ENT's workspace the body links, in order, as attachments of the
    /// message whose id is their address (`/workspace/document/{id}`) and whose size is not
    /// known (0): the ENT's editor lists the files it joins to a message in a
    /// `<div class="attachments">`, one `<a href="/workspace/document/{id}">name</a>` a line
    /// (@edifice.io/tiptap-extensions `attachment`), which the ENT's web client opens with its
    /// session. Offered with the attachments and fetched with the session
    /// ([`crate::Mailbox::attachment_file`]); in the body their links become plain text (a
    /// relative address means nothing in the frame).
    pub documents: Vec<Attachment>,
}

/// Tags the ENT editor produces beyond ammonia's default set.
const EXTRA_TAGS: &[&str] = &["font"];
/// Media the body cannot play here (the frame loads nothing): each is let through the cleaning
/// with its `src` alone, then replaced by [`media_placeholders`] with a note saying what was
/// there, and a link to it when it is on the web. The ENT's editor writes a workspace video as
/// `<div class="video-wrapper"><video src="/workspace/document/{id}" …>` and an embed (a
/// YouTube video, a pad) as an `<iframe src="https://…">` (@edifice.io/tiptap-extensions
/// `video.ts`, `iframe.ts`); both used to vanish without a trace.
const MEDIA: &[(&str, &str)] = &[
    ("video", "mbx-media-video"),
    ("audio", "mbx-media-audio"),
    ("iframe", "mbx-media-frame"),
];
/// CSS that can load or run something; a declaration containing any of them is dropped.
const CSS_DANGERS: &[&str] = &[
    "url(",
    "expression(",
    "@import",
    "behavior",
    "-moz-binding",
    "javascript:",
    "\\",
];

/// Deeper nesting than this is shown as plain text: the HTML parser's cost grows with the square
/// of the depth (8,000 nested `div` take half a second), and no editor nests this deep.
const MAX_DEPTH: usize = 500;
/// Elements that never contain others, so never deepen the tree.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
];

/// What a body is cleaned for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Purpose {
    /// Shown in the reading pane or printed: every media element becomes a note.
    Read,
    /// Opened in the composer (a draft, or the history a reply or a forward quotes): a video or
    /// sound of the ENT's workspace, or an embed of a web page, stays, so that it is sent on as
    /// the ENT's web page sends it.
    Edit,
}

/// Cleans an HTML body for display.
pub fn sanitize(html: &str) -> SafeBody {
    clean(html, Purpose::Read)
}

/// Cleans an HTML body for the composer: as [`sanitize`], except that a video or a sound of
/// the ENT's workspace stays as the ENT's editor writes it (`<video src="/workspace/document/{id}"
/// controls="true" data-document-id="{id}" width height>`, `<audio src=… controls
/// preload="none" data-document-id="{id}">`, @edifice.io/tiptap-extensions `video.ts`,
/// `audio.ts`), and so does an embed of a web page (`<iframe src="https://…" frameborder="0"
/// allowfullscreen="true">`, `iframe.ts`), with its size in pixels (or `100%` wide) only. The
/// composer shows each as a note and loads nothing; the reply or forward then carries it to its
/// recipients, who play it on the ENT. Any other media is the note [`sanitize`] leaves, and is
/// not sent on.
pub fn editable(html: &str) -> String {
    clean(html, Purpose::Edit).html
}

fn clean(html: &str, purpose: Purpose) -> SafeBody {
    if depth(html) > MAX_DEPTH {
        return SafeBody {
            html: plain_text(html),
            remote_images: false,
            links: Vec::new(),
            ent_images: false,
            documents: Vec::new(),
        };
    }
    let mut builder = ammonia::Builder::default();
    builder
        .add_tags(EXTRA_TAGS)
        .add_tags(MEDIA.iter().map(|(tag, _)| *tag))
        .add_tag_attributes("video", &["src", "width", "height"])
        .add_tag_attributes("audio", &["src"])
        .add_tag_attributes("iframe", &["src", "width", "height"])
        .add_generic_attributes(&["style", "align", "dir"])
        .add_tag_attributes("img", &["width", "height"])
        .add_tag_attributes("font", &["color", "face", "size"])
        .add_tag_attributes("td", &["colspan", "rowspan"])
        .add_tag_attributes("th", &["colspan", "rowspan"])
        // The quoted history of a reply, as the ENT's editor writes and shows it (folded),
        // the ENT's attachment links block (one link a line), and the wrapper of a workspace
        // video or sound or of an embed, which a body opened in the composer keeps
        // (`Purpose::Edit`).
        .add_allowed_classes(
            "div",
            &[
                "conversation-history",
                "conversation-history-body",
                "attachments",
                "video-wrapper",
                "audio-wrapper",
                "iframe-wrapper",
            ],
        )
        .url_schemes(HashSet::from(["http", "https", "mailto", "data"]))
        // The one relative address kept: an ENT image of the exact shape the ENT's editor
        // writes (links and every other relative address are refused by the filter below).
        .url_relative(ammonia::UrlRelative::Custom(Box::new(ent_image_only)))
        .link_rel(Some("noopener noreferrer"))
        .set_tag_attribute_value("a", "target", "_blank")
        .attribute_filter(|tag, attribute, value| match (tag, attribute) {
            (_, "style") => Some(Cow::Owned(safe_style(value))),
            // A workspace document's address is read by `linked_documents`, which unlinks it.
            ("a", "href") => (is_link(value) || crate::ent_images::ent_image_path(value).is_some())
                .then_some(Cow::Borrowed(value)),
            ("img", "src") => is_image(value).then_some(Cow::Borrowed(value)),
            // Read by `media_placeholders`, which replaces the element; never loaded.
            ("video" | "audio" | "iframe", "src") => Some(Cow::Borrowed(value)),
            // A workspace video's or an embed's size, as its author set it (an embed may be as
            // wide as the page); read by `media_placeholders`.
            ("iframe", "width") if value == FULL_WIDTH => Some(Cow::Borrowed(value)),
            ("video" | "iframe", "width" | "height") => pixels(value).map(|_| Cow::Borrowed(value)),
            // ammonia only lets URL attributes through on a and img here; refuse any other.
            (_, "href" | "src") => None,
            // A quote's source is never followed; no relative one either.
            (_, "cite") => has_scheme(value, &["http:", "https:"]).then_some(Cow::Borrowed(value)),
            _ => Some(Cow::Borrowed(value)),
        });
    let (html, media) = media_placeholders(
        &without_empty_images(&builder.clean(html).to_string()),
        purpose,
    );
    let (html, mut documents) = linked_documents(&html);
    for document in media {
        if !documents.iter().any(|d| d.id == document.id) {
            documents.push(document);
        }
    }
    let remote_images = tags(&html, "img")
        .into_iter()
        .filter_map(|tag| attribute(tag, "src"))
        .any(|src| src.starts_with("http:") || src.starts_with("https:"));
    let ent_images = tags(&html, "img")
        .into_iter()
        .filter_map(|tag| attribute(tag, "src"))
        .any(|src| crate::ent_images::ent_image_path(&unescape(src)).is_some());
    let mut links = Vec::new();
    for href in tags(&html, "a")
        .into_iter()
        .filter_map(|tag| attribute(tag, "href"))
    {
        let href = unescape(href);
        if !links.contains(&href) {
            links.push(href);
        }
    }
    SafeBody {
        html,
        remote_images,
        links,
        ent_images,
        documents,
    }
}

/// `html` with each link to a workspace document (the only relative `href` the cleaning keeps)
/// replaced by a `<span>` of what it shows (one a line in the ENT's attachments block, as the
/// links were), and those documents, each once, in order.
fn linked_documents(html: &str) -> (String, Vec<Attachment>) {
    let mut out = String::with_capacity(html.len());
    let mut documents: Vec<Attachment> = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find("<a ") {
        let Some(len) = tag_len(&rest[at..]) else {
            break;
        };
        let open = &rest[at..at + len];
        let Some(path) = attribute(open, "href")
            .filter(|href| href.starts_with('/'))
            .and_then(|href| crate::ent_images::ent_image_path(&unescape(href)))
        else {
            out.push_str(&rest[..at + len]);
            rest = &rest[at + len..];
            continue;
        };
        // A link holds no other link: its content ends at the first `</a>`.
        let inner_end = rest[at + len..]
            .find("</a>")
            .map_or(rest.len(), |i| at + len + i);
        let inner = &rest[at + len..inner_end];
        let mut name = ent_protocol::html_to_text(inner).trim().to_string();
        if name.is_empty() {
            name = path.rsplit('/').next().unwrap_or_default().to_string();
        }
        if !documents.iter().any(|d| d.id == path) {
            documents.push(Attachment {
                id: path,
                filename: name,
                content_type: "application/octet-stream".into(),
                size: 0,
                cached_path: None,
            });
        }
        out.push_str(&rest[..at]);
        out.push_str("<span>");
        out.push_str(inner);
        out.push_str("</span>");
        rest = &rest[(inner_end + "</a>".len()).min(rest.len())..];
    }
    out.push_str(rest);
    (out, documents)
}

/// `html` without the `<img>` tags the cleaning left without a source (a relative or
/// `javascript:` one was removed): an image that cannot show anything must not leave an empty
/// box where the author put none.
fn without_empty_images(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find("<img") {
        let Some(len) = tag_len(&rest[at..]) else {
            break;
        };
        let tag = &rest[at..at + len];
        out.push_str(&rest[..at]);
        if attribute(tag, "src").is_some() {
            out.push_str(tag);
        }
        rest = &rest[at + len..];
    }
    out.push_str(rest);
    out
}

/// `html` with each `<video>`, `<audio>` and `<iframe>` (and what it holds) replaced by a
/// `<span class="mbx-media mbx-media-{kind}">` holding a link to its source when that is on the
/// web, empty otherwise (an ENT workspace video, or no source): the window labels it in the
/// user's language (`ui/src/mailbox/body.ts`). A video or sound of the ENT's workspace is,
/// for reading, a note marked `mbx-media-document` and one of the documents returned (without
/// a name until it is downloaded; its type `video/*` or `audio/*`), so that « Ouvrir » plays
/// it in the system's player; for the composer, it is written again as the ENT's editor writes
/// it ([`workspace_media`]), as is an embed of a web page ([`embed`]).
fn media_placeholders(html: &str, purpose: Purpose) -> (String, Vec<Attachment>) {
    let mut out = String::with_capacity(html.len());
    let mut documents: Vec<Attachment> = Vec::new();
    let mut rest = html;
    loop {
        // Only tags the cleaning allows reach here, and text holds no raw `<`: `<video` opens
        // a video element.
        let next = MEDIA
            .iter()
            .filter_map(|(tag, class)| Some((rest.find(&format!("<{tag}"))?, *tag, *class)))
            .min_by_key(|(at, _, _)| *at);
        let Some((at, tag, class)) = next else { break };
        let Some(len) = tag_len(&rest[at..]) else {
            // An opening tag that never ends (html5ever never writes one): nothing of it stays.
            out.push_str(&rest[..at]);
            return (out, documents);
        };
        let open = &rest[at..at + len];
        let close = format!("</{tag}>");
        // html5ever closes what it opened, so the closing tag is there; the first one ends the
        // element (text inside an iframe cannot hold it: the parser would have ended there).
        let end = rest[at + len..]
            .find(&close)
            .map_or(rest.len(), |i| at + len + i + close.len());
        out.push_str(&rest[..at]);
        if let Some(path) = workspace_media_path(tag, open) {
            match purpose {
                Purpose::Edit => out.push_str(&workspace_media(tag, open, &path)),
                Purpose::Read => {
                    out.push_str(&format!(
                        r#"<span class="mbx-media {class} mbx-media-document"></span>"#
                    ));
                    documents.push(Attachment {
                        id: path,
                        filename: String::new(),
                        content_type: format!("{tag}/*"),
                        size: 0,
                        cached_path: None,
                    });
                }
            }
            rest = &rest[end..];
            continue;
        }
        let web_src = attribute(open, "src").filter(|s| has_scheme(s, &["http:", "https:"]));
        if let (Some(src), "iframe", Purpose::Edit) = (web_src, tag, purpose) {
            out.push_str(&embed(open, src));
            rest = &rest[end..];
            continue;
        }
        out.push_str(&format!(r#"<span class="mbx-media {class}">"#));
        if let Some(src) = web_src {
            let text = escape_text(&unescape(src));
            out.push_str(&format!(
                r#"<a href="{src}" rel="noopener noreferrer" target="_blank">{text}</a>"#
            ));
        }
        out.push_str("</span>");
        rest = &rest[end..];
    }
    out.push_str(rest);
    (out, documents)
}

/// The canonical address of a video or sound (cleaned opening tag `open`) whose source is a
/// document of the ENT's workspace; `None` for anything else (an iframe included).
fn workspace_media_path(tag: &str, open: &str) -> Option<String> {
    if !matches!(tag, "video" | "audio") {
        return None;
    }
    attribute(open, "src")
        .filter(|src| src.starts_with('/'))
        .and_then(|src| crate::ent_images::ent_image_path(&unescape(src)))
}

/// The video or sound of the ENT's workspace at `path` (its cleaned opening tag `open`),
/// written as the ENT's editor writes it. Only the canonical address, its id and (for a video)
/// a size in pixels are kept.
fn workspace_media(tag: &str, open: &str, path: &str) -> String {
    let id = path.rsplit('/').next().unwrap_or_default();
    if tag == "video" {
        let size = |name, default: u16| attribute(open, name).and_then(pixels).unwrap_or(default);
        format!(
            r#"<video src="{path}" controls="true" data-document-id="{id}" width="{}" height="{}"></video>"#,
            size("width", 350),
            size("height", 197),
        )
    } else {
        format!(
            r#"<audio src="{path}" controls="" preload="none" data-document-id="{id}"></audio>"#
        )
    }
}

/// The width of an embed as wide as the page, the one size Edifice's `iframe.ts` keeps that is
/// not in pixels.
const FULL_WIDTH: &str = "100%";

/// The embed of a web page at `src` (its cleaned opening tag `open`), written as the ENT's
/// editor writes it (@edifice.io/tiptap-extensions `iframe.ts`). Only its address and its size
/// (in pixels, or the page's width: the cleaning let no other through) are kept.
fn embed(open: &str, src: &str) -> String {
    let size = |name| {
        attribute(open, name)
            .map(|v| format!(r#" {name}="{v}""#))
            .unwrap_or_default()
    };
    format!(
        r#"<iframe src="{src}" frameborder="0" allowfullscreen="true"{}{}></iframe>"#,
        size("width"),
        size("height"),
    )
}

/// A size in whole pixels as an attribute writes it (`350`), within what a screen shows.
fn pixels(value: &str) -> Option<u16> {
    value
        .parse::<u16>()
        .ok()
        .filter(|&p| (1..=4096).contains(&p))
}

/// The length of the opening tag at the start of `html`, up to its `>` outside a double-quoted
/// value (html5ever leaves `>` unescaped in attribute values).
fn tag_len(html: &str) -> Option<usize> {
    let mut quoted = false;
    html.bytes()
        .position(|b| {
            if b == b'"' {
                quoted = !quoted;
            }
            b == b'>' && !quoted
        })
        .map(|i| i + 1)
}

/// The deepest nesting the tags of `html` would build if each opened tag stayed open until its
/// closing tag (a cheap upper bound, computed before any parsing).
fn depth(html: &str) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    for piece in html.split('<').skip(1) {
        if let Some(rest) = piece.strip_prefix('/') {
            if rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
                depth = depth.saturating_sub(1);
            }
            continue;
        }
        let name: String = piece
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_ascii_lowercase();
        if !name.is_empty() && !VOID.contains(&name.as_str()) {
            depth += 1;
            deepest = deepest.max(depth);
        }
    }
    deepest
}

/// The text of `html` ([`ent_protocol::html_to_text`]), escaped, one `<br>` per line: for
/// bodies too deep to parse.
fn plain_text(html: &str) -> String {
    escape_text(&ent_protocol::html_to_text(html)).replace('\n', "<br>")
}

/// `text` escaped for HTML text or a double-quoted attribute value.
fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// The relative addresses ammonia may keep: an ENT image, untouched; nothing else.
fn ent_image_only(url: &str) -> Option<Cow<'_, str>> {
    crate::ent_images::ent_image_path(url).map(|_| Cow::Borrowed(url))
}

fn has_scheme(value: &str, schemes: &[&str]) -> bool {
    let lower = value.trim_start().to_ascii_lowercase();
    schemes.iter().any(|s| lower.starts_with(s))
}

fn is_link(value: &str) -> bool {
    has_scheme(value, &["http:", "https:", "mailto:"])
}

fn is_image(value: &str) -> bool {
    has_scheme(value, &["http:", "https:", "data:image/"])
        || crate::ent_images::ent_image_path(value).is_some()
}

/// Keeps the declarations of a `style` attribute that cannot load or run anything.
fn safe_style(style: &str) -> String {
    style
        .split(';')
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .filter(|d| {
            let lower = d.to_ascii_lowercase();
            !CSS_DANGERS.iter().any(|danger| lower.contains(danger))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The opening tags named `name` in serialized HTML (where text never holds a raw `<`).
fn tags<'a>(html: &'a str, name: &str) -> Vec<&'a str> {
    let open = format!("<{name} ");
    html.match_indices(&open)
        .filter_map(|(at, _)| html[at..].find('>').map(|end| &html[at..at + end]))
        .collect()
}

/// The double-quoted value of `name` in an opening tag, as html5ever serializes it.
fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    let len = tag[start..].find('"')?;
    Some(&tag[start..start + len])
}

fn unescape(value: &str) -> String {
    value
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSTILE: &str = r#"<p>Bonjour</p>
        <script>window.top.__TAURI_INTERNALS__.invoke('create_folder', {name: 'PWNED'})</script>
        <img src="x" onerror="document.title='PWNED'">
        <a href="javascript:alert(1)">clic</a>
        <iframe src="https://frame.example/embed"><script>alert(1)</script></iframe>
        <form action="https://evil.example/"><input name="password"><button>OK</button></form>
        <link rel="stylesheet" href="http://127.0.0.1:9/x.css">
        <style>@import url(http://127.0.0.1:9/y.css); body { color: red }</style>
        <div style="background: url(http://127.0.0.1:9/z.png); color: blue">fond</div>
        <meta http-equiv="refresh" content="0;url=https://evil.example/">
        <base href="https://evil.example/">
        <svg onload="alert(1)"><circle r="1"/></svg>
        <object data="x.swf"></object><embed src="x.swf">"#;

    #[test]
    fn nothing_that_runs_loads_or_submits_survives() {
        let safe = sanitize(HOSTILE);
        let html = safe.html.to_ascii_lowercase();
        for gone in [
            "<script",
            "onerror",
            "javascript:",
            "<iframe",
            "<form",
            "<input",
            "<button",
            "<link",
            "<style",
            "@import",
            "url(",
            "<meta",
            "<base",
            "<svg",
            "onload",
            "<object",
            "<embed",
            "evil.example",
            "pwned",
        ] {
            assert!(!html.contains(gone), "{gone} survived in {html}");
        }
        assert!(html.contains("<p>bonjour</p>"));
        assert!(
            html.contains("color: blue"),
            "a harmless declaration stays: {html}"
        );
        // The frame is a note with a link, opened only if the user asks (after its address).
        assert_eq!(safe.links, ["https://frame.example/embed"]);
        assert!(!safe.remote_images);
    }

    #[test]
    fn a_video_or_an_embed_is_a_note_in_its_place_with_a_link_when_it_is_on_the_web_and_offered_to_open_when_it_is_the_ents(
    ) {
        // As the ENT's editor writes them (tests/e2e/fixtures/reading/media.html).
        let body = concat!(
            r#"<p>La vidéo :</p><div class="video-wrapper"><video src="/workspace/document/7c3f1a2b-0000-4000-8000-000000000001" controls="true" data-document-id="7c3f1a2b-0000-4000-8000-000000000001" width="350" height="197"></video></div>"#,
            r#"<div class="iframe-wrapper"><iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ?start=1&amp;rel=0" frameborder="0" allowfullscreen="true" width="560" height="315"></iframe></div>"#,
            r#"<p>Écoutez <audio src="https://radio.example/chorale.mp3" controls>votre navigateur…</audio> et à bientôt.</p>"#,
        );
        let safe = sanitize(body);
        assert_eq!(
            safe.html,
            concat!(
                r#"<p>La vidéo :</p><div class="video-wrapper"><span class="mbx-media mbx-media-video mbx-media-document"></span></div>"#,
                r#"<div class="iframe-wrapper"><span class="mbx-media mbx-media-frame"><a href="https://www.youtube.com/embed/dQw4w9WgXcQ?start=1&amp;rel=0" rel="noopener noreferrer" target="_blank">https://www.youtube.com/embed/dQw4w9WgXcQ?start=1&amp;rel=0</a></span></div>"#,
                r#"<p>Écoutez <span class="mbx-media mbx-media-audio"><a href="https://radio.example/chorale.mp3" rel="noopener noreferrer" target="_blank">https://radio.example/chorale.mp3</a></span> et à bientôt.</p>"#,
            )
        );
        assert_eq!(
            safe.links,
            [
                "https://www.youtube.com/embed/dQw4w9WgXcQ?start=1&rel=0",
                "https://radio.example/chorale.mp3"
            ]
        );
        assert!(!safe.ent_images && !safe.remote_images);
        // The workspace video is a document of the message, named once downloaded.
        let documents: Vec<(&str, &str, &str)> = safe
            .documents
            .iter()
            .map(|d| (d.id.as_str(), d.filename.as_str(), d.content_type.as_str()))
            .collect();
        assert_eq!(
            documents,
            [(
                "/workspace/document/7c3f1a2b-0000-4000-8000-000000000001",
                "",
                "video/*"
            )]
        );
    }

    #[test]
    fn for_the_composer_a_workspace_video_or_sound_stays_as_the_ents_editor_writes_it() {
        // As the ENT's editor writes them (tests/e2e/fixtures/reading/media.html).
        let id = "7c3f1a2b-0000-4000-8000-000000000001";
        let body = format!(
            r#"<p>La vidéo :</p><div class="video-wrapper"><video src="/workspace/document/{id}" controls="true" data-document-id="{id}" width="640" height="360" autoplay onplay="x()"></video></div><div class="audio-wrapper"><audio src="/workspace/document/{id}?timestamp=1" controls preload="none" data-document-id="{id}"></audio></div><div class="iframe-wrapper"><iframe src="https://www.youtube.com/embed/x"></iframe></div>"#
        );
        assert_eq!(
            editable(&body),
            format!(
                r#"<p>La vidéo :</p><div class="video-wrapper"><video src="/workspace/document/{id}" controls="true" data-document-id="{id}" width="640" height="360"></video></div><div class="audio-wrapper"><audio src="/workspace/document/{id}" controls="" preload="none" data-document-id="{id}"></audio></div><div class="iframe-wrapper"><iframe src="https://www.youtube.com/embed/x" frameborder="0" allowfullscreen="true"></iframe></div>"#
            )
        );
        // Reading it still shows notes: nothing in the frame loads it.
        let read = sanitize(&body).html;
        assert!(
            !read.contains("<video") && !read.contains("<iframe"),
            "{read}"
        );
        // A size that is not a plain number of pixels is the editor's default one.
        assert_eq!(
            editable(&format!(
                r#"<video src="/workspace/pub/document/{id}" width="100%" height="99999"></video>"#
            )),
            format!(
                r#"<video src="/workspace/pub/document/{id}" controls="true" data-document-id="{id}" width="350" height="197"></video>"#
            )
        );
        // An embed keeps its address and a size in pixels, nothing else.
        assert_eq!(
            editable(
                r#"<iframe src="https://player.example/v?a=1&amp;b=2" width="560" height="100%" style="position:fixed" onload="x()" srcdoc="<b>x</b>" allow="camera"></iframe>"#
            ),
            r#"<iframe src="https://player.example/v?a=1&amp;b=2" frameborder="0" allowfullscreen="true" width="560"></iframe>"#
        );
        // As wide as the page, as Edifice's embed may be; no other width that is not pixels.
        assert_eq!(
            editable(
                r#"<iframe src="https://pad.example/p/1" width="100%" height="400"></iframe>"#
            ),
            r#"<iframe src="https://pad.example/p/1" frameborder="0" allowfullscreen="true" width="100%" height="400"></iframe>"#
        );
        assert!(
            !editable(r#"<iframe src="https://pad.example/p/1" width="50%"></iframe>"#)
                .contains("width")
        );
        // Any other source is the reading side's note, never sent on.
        for other in [
            r#"<iframe src="javascript:alert(1)"></iframe>"#,
            r#"<iframe srcdoc="<script>alert(1)</script>"></iframe>"#,
            r#"<iframe src="//evil.example/embed"></iframe>"#,
            r#"<iframe src="data:text/html,<script>alert(1)</script>"></iframe>"#,
            r#"<video src="https://videos.example/v.mp4"></video>"#,
            r#"<video src="/workspace/document/../../conversation/api"></video>"#,
            r#"<video src="//evil.example/workspace/document/abc"></video>"#,
            r#"<video src="data:video/mp4;base64,AAAA"></video>"#,
            r#"<audio src="/conversation/api/folders"></audio>"#,
            r#"<iframe src="/workspace/document/abc"></iframe>"#,
            r#"<video><source src="/workspace/document/abc"></video>"#,
        ] {
            let html = editable(other);
            assert!(
                html.starts_with(r#"<span class="mbx-media "#),
                "{other} → {html}"
            );
            assert!(
                !html.contains("<video") && !html.contains("<audio") && !html.contains("<iframe"),
                "{other} → {html}"
            );
        }
    }

    #[test]
    fn the_workspace_documents_a_body_links_are_listed_once_and_unlinked_in_it() {
        // As the ENT's editor lists a message's files (tests/e2e/fixtures/reading/media.html).
        let doc = |id: &str| format!("/workspace/document/7c3f1a2b-0000-4000-8000-00000000000{id}");
        let body = format!(
            r#"<div class="attachments"><a name="programme.pdf" href="{}" data-document-id="2">programme.pdf</a><a href="{}?timestamp=1"><b>autorisation</b>.odt</a><a href="{}">programme (bis)</a><a href="{}"></a></div><p><a href="https://www.education.gouv.fr/">site</a></p>"#,
            doc("2"),
            doc("3"),
            doc("2"),
            doc("4"),
        );
        let safe = sanitize(&body);
        let listed: Vec<(String, String)> = safe
            .documents
            .iter()
            .map(|d| (d.id.clone(), d.filename.clone()))
            .collect();
        assert_eq!(
            listed,
            [
                (doc("2"), "programme.pdf".to_string()),
                (doc("3"), "autorisation.odt".to_string()),
                (doc("4"), "7c3f1a2b-0000-4000-8000-000000000004".to_string()),
            ]
        );
        assert_eq!(
            safe.html,
            r#"<div class="attachments"><span>programme.pdf</span><span><b>autorisation</b>.odt</span><span>programme (bis)</span><span></span></div><p><a href="https://www.education.gouv.fr/" target="_blank" rel="noopener noreferrer">site</a></p>"#
        );
        assert_eq!(safe.links, ["https://www.education.gouv.fr/"]);
        for hostile in [
            r#"<a href="/workspace/document/../../x">x</a>"#,
            r#"<a href="/conversation/api/folders">x</a>"#,
            r#"<a href="//evil.example/workspace/document/abc">x</a>"#,
            r#"<a href="https://evil.example/workspace/document/abc">x</a>"#,
        ] {
            assert!(sanitize(hostile).documents.is_empty(), "{hostile}");
        }
    }

    #[test]
    fn a_hostile_media_element_leaves_an_empty_note_and_nothing_that_runs_or_loads() {
        for (hostile, link) in [
            (r#"<iframe src="javascript:alert(1)"></iframe>"#, None),
            (
                r#"<iframe srcdoc="<script>alert(1)</script>"></iframe>"#,
                None,
            ),
            (
                r#"<video src="data:video/mp4;base64,AAAA" autoplay onplay="x()"></video>"#,
                None,
            ),
            (
                r#"<video poster="https://track.example/p.png"><source src="https://a.example/v.mp4"></video>"#,
                None,
            ),
            (r#"<iframe src="/conversation/api/folders"></iframe>"#, None),
            (
                r#"<video><video src="https://inner.example/v"></video></video>"#,
                None,
            ),
            (
                r#"<iframe src="https://x.example/?q=<b>&quot;x&quot;"></iframe>"#,
                Some(r#"https://x.example/?q=<b>"x""#),
            ),
        ] {
            let safe = sanitize(hostile);
            let html = safe.html.to_ascii_lowercase();
            for gone in [
                "<video",
                "<iframe",
                "<source",
                "<script",
                "<b>",
                "javascript",
                "srcdoc",
                "data:",
                "onplay",
                "autoplay",
                "poster",
                "track.example",
                "/conversation",
            ] {
                assert!(!html.contains(gone), "{hostile}: {gone} survived in {html}");
            }
            assert!(
                html.starts_with(r#"<span class="mbx-media "#),
                "{hostile} → {html}"
            );
            assert_eq!(safe.links.first().map(String::as_str), link, "{hostile}");
        }
    }

    #[test]
    fn the_editors_formatting_survives() {
        let body = r#"<p><b>Gras</b> <i>italique</i> <u>souligné</u></p><ul><li>un</li></ul><blockquote>cité</blockquote><font color="red">rouge</font><table><tr><td colspan="2">case</td></tr></table>"#;
        let html = sanitize(body).html;
        for kept in [
            "<b>Gras</b>",
            "<i>italique</i>",
            "<u>souligné</u>",
            "<li>un</li>",
            "<blockquote>",
            "<font color=\"red\">",
            "colspan=\"2\"",
        ] {
            assert!(html.contains(kept), "{kept} lost in {html}");
        }
    }

    #[test]
    fn what_the_ents_editor_writes_keeps_its_look_and_nothing_else_keeps_a_class() {
        // As @edifice.io/tiptap-extensions writes them: alignment, colour and size on spans,
        // a highlight, a table, and a reply's history block.
        let body = concat!(
            r##"<p style="text-align: center"><span style="color: #c0392b; font-size: 18px"><strong>Sortie</strong></span>"##,
            r##"<mark data-color="#fff176" style="background-color: #fff176; color: inherit"> au musée</mark></p>"##,
            r##"<table style="min-width: 50px"><colgroup><col style="min-width: 25px"><col style="min-width: 25px"></colgroup>"##,
            r##"<tbody><tr><td colspan="1" rowspan="1"><p>Lundi</p></td><td colspan="1" rowspan="1" style="background-color: #a5d6a7"><p>Mardi</p></td></tr></tbody></table>"##,
            r##"<div class="conversation-history"><p><em>De MARTIN Paul</em></p><div class="conversation-history-body"><p>Bonjour</p></div></div>"##,
            r##"<p class="evil-overlay">x</p>"##,
        );
        let html = sanitize(body).html;
        for kept in [
            r##"<p style="text-align: center">"##,
            r##"<span style="color: #c0392b; font-size: 18px"><strong>Sortie</strong></span>"##,
            r##"<mark style="background-color: #fff176; color: inherit"> au musée</mark>"##,
            r##"<td colspan="1" rowspan="1" style="background-color: #a5d6a7">"##,
            r##"<div class="conversation-history"><p><em>De MARTIN Paul</em></p><div class="conversation-history-body">"##,
        ] {
            assert!(html.contains(kept), "{kept} lost in {html}");
        }
        assert!(html.contains("<p>x</p>"), "an unknown class goes: {html}");
    }

    #[test]
    fn links_open_in_a_new_context_and_are_listed_once() {
        let safe = sanitize(
            r#"<a href="https://www.education.gouv.fr/?a=1&amp;b=2">site</a> <a href="mailto:vie.scolaire@college.fr">écrire</a> <a href="https://www.education.gouv.fr/?a=1&amp;b=2">encore</a> <a href="/workspace/x">relatif</a>"#,
        );
        assert_eq!(
            safe.links,
            [
                "https://www.education.gouv.fr/?a=1&b=2",
                "mailto:vie.scolaire@college.fr"
            ]
        );
        assert!(safe.html.contains(r#"rel="noopener noreferrer""#));
        assert!(safe.html.contains(r#"target="_blank""#));
    }

    #[test]
    fn remote_images_are_detected_and_inline_ones_are_not() {
        assert!(sanitize(r#"<img src="https://ent.example/photo.jpg">"#).remote_images);
        let inline = sanitize(r#"<img src="data:image/png;base64,iVBORw0KGgo=">"#);
        assert!(!inline.remote_images);
        assert!(inline.html.contains("data:image/png"));
        assert!(
            !sanitize(r#"<img src="data:text/html,<script>x</script>">"#)
                .html
                .contains("data:")
        );
    }

    #[test]
    fn an_image_left_without_a_source_leaves_no_box() {
        let safe = sanitize(
            r#"<p>a<img src="x" onerror="y()">b<img alt="1 > 0" src="javascript:x"><img alt="c > d" src="data:image/png;base64,iVBORw0KGgo="></p>"#,
        );
        assert_eq!(
            safe.html,
            r#"<p>ab<img alt="c &gt; d" src="data:image/png;base64,iVBORw0KGgo="></p>"#
        );
    }

    #[test]
    fn the_ents_own_images_are_kept_and_nothing_else_relative_or_foreign_passes_as_one() {
        let id = "0f8e2b1c-2d3e-4f50-8a9b-0c1d2e3f4a5b";
        let safe = sanitize(&format!(
            r#"<p><img src="/workspace/document/{id}?timestamp=1796000000000" class="custom-image" width="350"></p>"#
        ));
        assert!(safe.ent_images);
        assert!(!safe.remote_images);
        assert!(
            safe.html.contains(&format!(
                r#"src="/workspace/document/{id}?timestamp=1796000000000""#
            )),
            "{}",
            safe.html
        );
        assert!(safe.html.contains(r#"width="350""#));
        for hostile in [
            r#"<img src="/workspace/document/../../x">"#,
            r#"<img src="/workspace/document/..%2F..%2Fx">"#,
            r#"<img src="//evil.example/workspace/document/abc">"#,
            r#"<img src="/conversation/api/folders">"#,
            r#"<a href="/workspace/document/abc">x</a>"#,
            r#"<blockquote cite="/workspace/document/abc">x</blockquote>"#,
        ] {
            let safe = sanitize(hostile);
            assert!(!safe.ent_images, "{hostile}");
            assert!(
                !safe.html.contains("workspace") && !safe.html.contains("folders"),
                "{hostile} → {}",
                safe.html
            );
        }
        // Another host's copy of the address is a remote image, blocked until allowed.
        let foreign = sanitize(r#"<img src="https://evil.example/workspace/document/abc">"#);
        assert!(foreign.remote_images && !foreign.ent_images);
    }

    #[test]
    fn a_body_nested_too_deep_to_parse_quickly_is_shown_as_plain_text() {
        let deep = "<div><span><b>".repeat(30_000) + "<script>x</script> fin & <suite>";
        let safe = sanitize(&deep);
        assert_eq!(safe.html, "fin &amp;");
        assert!(depth(&"<p>un</p><br><img src=x>".repeat(10_000)) == 1);
    }

    #[test]
    fn huge_and_broken_input_does_not_panic() {
        let flat = "<p>Ligne <b>grasse</b> et <a href=\"https://a.fr\">lien</a></p>".repeat(20_000);
        assert!(sanitize(&flat).html.len() > 1_000_000);
        assert!(sanitize("<p <<>>< a href='").html.len() < 100);
        assert_eq!(sanitize("").html, "");
    }
}
