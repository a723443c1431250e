//! « Afficher les images »: the remote images of a sanitized body, fetched here and put back
//! into it as `data:` URLs, so that the window itself never loads anything from the web (its
//! Content-Security-Policy allows `data:` images only).
//!
//! The requests carry no cookie and no referrer. Only the first [`MAX_IMAGES`] distinct
//! addresses are fetched, each up to [`MAX_IMAGE_BYTES`], and kept only when their bytes are a
//! raster image (PNG, JPEG, GIF, WebP, BMP, ICO; the type comes from the bytes, never from the
//! server) whose header declares at most [`crate::ent_images::MAX_SIDE`] pixels a side,
//! [`MAX_TOTAL_BYTES`] in all. Any other image is left empty: nothing of it loads.

use std::collections::HashMap;
use std::time::Duration;

/// Distinct remote addresses fetched for one message.
pub const MAX_IMAGES: usize = 40;
/// Largest image kept.
pub const MAX_IMAGE_BYTES: usize = 5 * 1024 * 1024;
/// Most inlined bytes (as `data:` text) for one message; images past it stay empty.
pub const MAX_TOTAL_BYTES: usize = 24 * 1024 * 1024;
/// Time allowed for one image, connection included.
const IMAGE_TIMEOUT: Duration = Duration::from_secs(20);

/// `html` (the output of [`crate::body::sanitize`]) with each `http(s)` image source replaced
/// by the image inlined as a `data:` URL, or by an empty source when it cannot be fetched or is
/// not a raster image.
pub async fn inline_remote_images(html: &str) -> String {
    let sources = img_sources(html);
    let mut wanted: Vec<String> = Vec::new();
    for &(start, end) in &sources {
        let url = unescape(&html[start..end]);
        if is_remote(&url) && !wanted.contains(&url) && wanted.len() < MAX_IMAGES {
            wanted.push(url);
        }
    }
    if wanted.is_empty() {
        return html.to_owned();
    }
    let mut fetched = fetch_all(wanted.clone()).await;
    keep_within_total(&mut fetched, &wanted);
    let mut out = String::with_capacity(html.len());
    let mut at = 0;
    for (start, end) in sources {
        let url = unescape(&html[start..end]);
        if !is_remote(&url) {
            continue;
        }
        out.push_str(&html[at..start]);
        if let Some(data) = fetched.get(&url) {
            out.push_str(data);
        }
        at = end;
    }
    out.push_str(&html[at..]);
    out
}

fn is_remote(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    lower.starts_with("http:") || lower.starts_with("https:")
}

/// Fetches every address at once; answers the `data:` URL of each one that is a raster image.
async fn fetch_all(urls: Vec<String>) -> HashMap<String, String> {
    let Ok(http) = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::limited(3))
        .timeout(IMAGE_TIMEOUT)
        .connect_timeout(Duration::from_secs(10))
        .build()
    else {
        return HashMap::new();
    };
    let mut tasks = tokio::task::JoinSet::new();
    for url in urls {
        let http = http.clone();
        tasks.spawn(async move {
            let data = fetch_one(&http, &url).await;
            (url, data)
        });
    }
    let mut out = HashMap::new();
    while let Some(done) = tasks.join_next().await {
        if let Ok((url, Some(data))) = done {
            out.insert(url, data);
        }
    }
    out
}

async fn fetch_one(http: &reqwest::Client, url: &str) -> Option<String> {
    let mut resp = http.get(url).send().await.ok()?;
    if !resp.status().is_success() {
        return None;
    }
    if resp
        .content_length()
        .is_some_and(|n| n > MAX_IMAGE_BYTES as u64)
    {
        return None;
    }
    let mut bytes = Vec::new();
    while let Some(chunk) = resp.chunk().await.ok()? {
        if bytes.len() + chunk.len() > MAX_IMAGE_BYTES {
            return None;
        }
        bytes.extend_from_slice(&chunk);
    }
    crate::ent_images::data_url(&bytes)
}

/// The MIME type of a raster image, from its first bytes.
pub(crate) fn raster_type(bytes: &[u8]) -> Option<&'static str> {
    let starts = |magic: &[u8]| bytes.starts_with(magic);
    if starts(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if starts(b"\xff\xd8\xff") {
        Some("image/jpeg")
    } else if starts(b"GIF87a") || starts(b"GIF89a") {
        Some("image/gif")
    } else if starts(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        Some("image/webp")
    } else if starts(b"BM") {
        Some("image/bmp")
    } else if starts(b"\0\0\x01\0") {
        Some("image/x-icon")
    } else {
        None
    }
}

pub(crate) fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> shift) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Byte ranges of the values of the `src` attributes of `img` tags in serialized HTML, as
/// html5ever writes it: raw `<` only opens tags, attribute values are double-quoted and never
/// hold a raw `"`.
pub(crate) fn img_sources(html: &str) -> Vec<(usize, usize)> {
    let b = html.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(offset) = html[i..].find('<') {
        let name_start = i + offset + 1;
        let mut j = name_start;
        while j < b.len() && b[j].is_ascii_alphanumeric() {
            j += 1;
        }
        let is_img = html[name_start..j].eq_ignore_ascii_case("img");
        while j < b.len() && b[j] != b'>' {
            if b[j] == b' ' || b[j] == b'/' {
                j += 1;
                continue;
            }
            let attr_start = j;
            while j < b.len() && !matches!(b[j], b'=' | b' ' | b'>') {
                j += 1;
            }
            let name = &html[attr_start..j];
            if b.get(j) == Some(&b'=') && b.get(j + 1) == Some(&b'"') {
                let value_start = j + 2;
                let Some(len) = html[value_start..].find('"') else {
                    return out;
                };
                if is_img && name.eq_ignore_ascii_case("src") {
                    out.push((value_start, value_start + len));
                }
                j = value_start + len + 1;
            } else if j < b.len() && b[j] != b'>' {
                j += 1;
            }
        }
        i = j.max(name_start);
    }
    out
}

pub(crate) fn unescape(value: &str) -> String {
    value
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&")
}

/// Drops the inlined images that would take a body past [`MAX_TOTAL_BYTES`], counting them in
/// the body's order (`wanted`): the first ones shown are kept.
pub(crate) fn keep_within_total(fetched: &mut HashMap<String, String>, wanted: &[String]) {
    let mut total = 0usize;
    for key in wanted {
        if let Some(len) = fetched.get(key).map(String::len) {
            if total + len > MAX_TOTAL_BYTES {
                fetched.remove(key);
            } else {
                total += len;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0";

    /// A loopback server: `/png` answers a PNG, `/html` an HTML page, anything else 404.
    async fn server() -> (String, tokio::task::JoinHandle<()>) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let task = tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                tokio::spawn(async move {
                    let mut buf = vec![0u8; 4096];
                    let n = stream.read(&mut buf).await.unwrap_or(0);
                    let request = String::from_utf8_lossy(&buf[..n]).to_string();
                    let (status, body): (&str, &[u8]) = if request.starts_with("GET /png") {
                        ("200 OK", PNG)
                    } else if request.starts_with("GET /html") {
                        ("200 OK", b"<script>alert(1)</script>")
                    } else {
                        ("404 Not Found", b"")
                    };
                    let head = format!(
                        "HTTP/1.1 {status}\r\ncontent-type: image/png\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                        body.len()
                    );
                    let _ = stream.write_all(head.as_bytes()).await;
                    let _ = stream.write_all(body).await;
                });
            }
        });
        (base, task)
    }

    #[tokio::test]
    async fn remote_images_come_back_inline_and_anything_else_is_emptied() {
        let (base, task) = server().await;
        let html = crate::body::sanitize(&format!(
            r#"<p title="a>b src=&quot;{base}/png&quot;">x</p><img alt="un" src="{base}/png?a=1&amp;b=2"><img src="{base}/html"><img src="{base}/missing"><img src="data:image/gif;base64,R0lGODlh"><img src="{base}/png?a=1&amp;b=2">"#
        ))
        .html;

        let out = inline_remote_images(&html).await;

        task.abort();
        let png = format!("data:image/png;base64,{}", base64(PNG));
        assert_eq!(out.matches(&png).count(), 2, "{out}");
        assert!(!out.contains(&format!("{base}/html")), "{out}");
        assert!(!out.contains(&format!("{base}/missing")), "{out}");
        assert!(out.contains("data:image/gif;base64,R0lGODlh"), "{out}");
        assert!(out.contains(r#"alt="un""#), "{out}");
        assert!(
            out.contains(&format!("src=&quot;{base}/png&quot;")),
            "a title is text, left alone: {out}"
        );
    }

    #[test]
    fn base64_matches_the_standard_alphabet_and_padding() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"\xff\xfe\xfd\xfc"), "//79/A==");
    }
}
